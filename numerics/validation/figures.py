"""Figures of the validation summary: one per study (PNG + PDF), log axes where the data span decades.

* ``validation_cutoff`` — f_dr versus the cut-off; |f(c) − f(c_max)|/f(c_max) (paired, 2σ bars) on a
  log axis with the 1 % line and the converged cut-off marked; the cost (seconds per run) per cut-off;
* ``validation_size`` — f_dr versus L/L_0 with the N → ∞ fit and f_∞ marked; the relative
  sample-to-sample spread versus N (the paper's "< 1 % at 5×10⁵" marked);
* ``validation_percolation`` — mean l_c^sample/l_c − 1 and its spread versus N; ln R − ξ_c^sample
  versus ξ_c with the fit in ln ξ_c;
* ``validation_density`` — f(n_s, 0) and f(n_s, τ_s) versus n_s with error bars and the constant fit
  below n_s a_b² = 0.02.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from hopspin._io import save_figure

__all__ = ["write_figures"]


def _save(fig, out: Path, stem: str) -> Path:
    png = out / f"{stem}.png"
    save_figure(fig, png, dpi=120, bbox_inches="tight")
    save_figure(fig, out / f"{stem}.pdf", bbox_inches="tight")
    return png


def _arr(x):
    return np.array([np.nan if v is None else v for v in x], dtype=float)


def _cutoff(plt, s, out):
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    for i, (dk, c) in enumerate(sorted(s["cutoff"].items(), key=lambda kv: float(kv[0]))):
        col = f"C{i}"
        cuts = _arr(c["cutoffs"])
        axes[0].errorbar(cuts, _arr(c["f_dr_mean"]), yerr=_arr(c["f_dr_sem"]), color=col, marker="o", capsize=2,
                         label=f"$n_s a_b^2$ = {dk} (N = {c['sites']})")
        rel, sem = np.abs(_arr(c["f_dr"]["relative"]))[:-1], _arr(c["f_dr"]["relative_sem"])[:-1]
        axes[1].errorbar(cuts[:-1], np.maximum(rel, 1e-9), yerr=2 * sem, color=col, marker="o", capsize=2,
                         label=rf"$f_{{dr}}$, {dk}")
        for tk, ct in sorted(c["f_tau"].items(), key=lambda kv: float(kv[0]))[:1]:
            if not ct["cancelled"]:
                axes[1].plot(cuts[:-1], np.maximum(np.abs(_arr(ct["relative"]))[:-1], 1e-9), ls="--", color=col,
                             marker="x", label=rf"$f(\tau_s = {float(tk):.0e})$, {dk}")
        if c["converged"] is not None:
            axes[1].axvline(c["converged"], color=col, ls=":", lw=1)
        axes[2].plot(cuts, _arr(c["seconds_mean"]), color=col, marker="o", label=f"{dk}")
    axes[1].axhline(s["plan"]["cutoff"]["tol"], color="k", lw=1, label="1 %")
    axes[0].set_ylabel(r"$f_{dr} = f(n_s, 0)$ (mean ± s.e.)")
    axes[1].set_ylabel(r"$|f(c) - f(c_{max})| / f(c_{max})$ (paired, 2σ)")
    axes[1].set_yscale("log")
    axes[2].set_ylabel("seconds per run (one core)")
    axes[2].set_yscale("log")
    for ax in axes:
        ax.set_xlabel(r"bond cut-off $c$ ($l_c$)")
        ax.grid(alpha=0.3, which="both")
    axes[0].legend(fontsize=7)
    axes[1].legend(fontsize=6, ncol=2)
    axes[2].legend(fontsize=7, title="$n_s a_b^2$")
    axes[1].set_title("dotted: converged cut-off (1 %)")
    fig.suptitle("Study 1: convergence in the bond cut-off (same samples at every cut-off)")
    return _save(fig, out, "validation_cutoff")


def _size(plt, s, out):
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for i, (dk, z) in enumerate(sorted(s["size"].items(), key=lambda kv: float(kv[0]))):
        col = f"C{i}"
        fit = z["f_dr"]
        ratio = _arr(z["ratio"])
        axes[0].errorbar(ratio, _arr(fit["mean"]), yerr=_arr(fit["sem"]), color=col, marker="o", capsize=2, ls="none",
                         label=f"$n_s a_b^2$ = {dk}")
        if np.isfinite(fit["f_inf"]):
            r = np.geomspace(ratio.min(), ratio.max() * 3, 50)
            axes[0].plot(r, fit["f_inf"] + fit["a"] * (1 / r) ** fit["q"], color=col, lw=1)
            axes[0].axhspan(fit["f_inf"] - fit["f_inf_sigma"], fit["f_inf"] + fit["f_inf_sigma"], color=col, alpha=0.15)
            axes[0].axhline(fit["f_inf"], color=col, ls=":", lw=1)
        sp = z["spread"]
        if sp["sizes"]:
            axes[1].errorbar(sp["sizes"], sp["relative_spread"], yerr=sp["relative_spread_sigma"], color=col,
                             marker="o", capsize=2, ls="none", label=f"{dk}")
            if np.isfinite(sp["amplitude"]):
                n = np.geomspace(min(sp["sizes"]), max(max(sp["sizes"]), 5e5), 50)
                axes[1].plot(n, sp["amplitude"] * n ** sp["exponent"], color=col, lw=1,
                             label=rf"$\propto N^{{{sp['exponent']:.2f}}}$")
    axes[1].plot([5e5], [0.01], "k*", ms=10, label="paper: < 1 % at 5×10⁵")
    _plain_log_axis(axes[0], [1, 2, 5, 10, 20])
    axes[0].set_xlabel(r"$L/L_0$ ($L_0 = l_c \xi_c^{4/3}$)")
    axes[0].set_ylabel(r"$f_{dr}$ (mean ± s.e.); band: $f_\infty \pm \sigma$")
    axes[1].set_xscale("log")
    axes[1].set_yscale("log")
    axes[1].set_xlabel("sites N")
    axes[1].set_ylabel("relative spread std/mean over seeds")
    for ax in axes:
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    fig.suptitle(r"Study 2: finite size at 1.5 $l_c$; fit $f = f_\infty + a\,L_0/L$")
    return _save(fig, out, "validation_size")


def _percolation(plt, s, out):
    p = s["percolation"]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    thr = p["threshold"]
    n = _arr(thr["sites"])
    axes[0].errorbar(n, _arr(thr["mean_minus_one"]), yerr=_arr(thr["sem"]), marker="o", capsize=2, ls="none",
                     label=r"mean $l_c^{sample}/l_c - 1$ (± s.e.)")
    fit = thr["shift_fit"]
    if np.isfinite(fit["f_inf"]) and n.size:
        x = np.geomspace(n.min(), n.max() * 10, 50)
        axes[0].plot(x, fit["f_inf"] - 1 + fit["a"] * (1.19847 / np.sqrt(x)) ** fit["q"], color="C0", lw=1,
                     label=rf"fit $\delta_\infty + b (l_c/L)^{{3/4}}$, $\delta_\infty$ = {fit['f_inf'] - 1:.1e} ± "
                           rf"{fit['f_inf_sigma']:.1e}")
        axes[0].axhspan(fit["f_inf"] - 1 - fit["f_inf_sigma"], fit["f_inf"] - 1 + fit["f_inf_sigma"], color="C0",
                        alpha=0.15)
    axes[0].axhline(0, color="k", lw=0.8)
    axes[0].set_xscale("log")
    axes[0].set_xlabel("sites N (all densities: L/l_c = √N/1.19847)")
    axes[0].set_ylabel(r"union-find threshold: $l_c^{sample}/l_c - 1$")
    axes[1].plot(n, _arr(thr["std"]), "s", color="C1", label=r"std of $l_c^{sample}/l_c$")
    sp = thr["spread"]
    if np.isfinite(sp["amplitude"]) and n.size:
        x = np.geomspace(n.min(), n.max(), 50)
        axes[1].plot(x, sp["amplitude"] * x ** sp["exponent"], color="C1", lw=1,
                     label=rf"$\propto N^{{{sp['exponent']:.3f}}}$ ($-1/2\nu$ = −0.375)")
    axes[1].set_xscale("log")
    axes[1].set_yscale("log")
    axes[1].set_xlabel("sites N")
    axes[1].set_ylabel("sample-to-sample spread of the threshold")
    axes = [axes[0], axes[2], axes[1]]
    pre = p["prefactor"]
    xi = _arr(pre["xi_c"])
    axes[1].errorbar(xi, _arr(pre["y_mean"]), yerr=_arr(pre["y_sem"]), marker="o", capsize=2, ls="none",
                     label=r"$\ln R - 2 l_c^{sample}/a_b$ (study 4)")
    axes[1].errorbar(xi, _arr(pre["y_theory_mean"]), yerr=_arr(pre["y_theory_sem"]), marker="x", capsize=2, ls="none",
                     color="0.5", label=r"$\ln R - \xi_c$ (theoretical $l_c$)")
    f = pre["fit"]
    if np.isfinite(f["slope"]) and xi.size:
        x = np.geomspace(xi.min(), xi.max(), 50)
        axes[1].plot(x, f["intercept"] + f["slope"] * np.log(x), color="C0", lw=1,
                     label=rf"fit: $p$ = {f['slope']:.2f} ± {f['slope_sigma']:.2f} (power of $\xi_c$)")
    _plain_log_axis(axes[1], [5, 10, 20, 50, 100])
    axes[1].set_xlabel(r"$\xi_c = 2 l_c/a_b$")
    axes[1].set_ylabel(r"$\ln(R_{sample}) - \xi$")
    for ax in axes:
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    fig.suptitle("Study 3: percolation inputs on the same samples")
    return _save(fig, out, "validation_percolation")


def _density(plt, s, out):
    d = s["density"]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    x = _arr(d["densities"])
    ax.errorbar(x, _arr(d["f_dr_mean"]), yerr=_arr(d["f_dr_sem"]), marker="o", capsize=2, color="k",
                label=r"$f(n_s, 0) = f_{dr}$")
    for i, (tk, v) in enumerate(sorted(d["f_tau"].items(), key=lambda kv: float(kv[0]))):
        ax.errorbar(x, _arr(v["mean"]), yerr=_arr(v["sem"]), marker=".", capsize=2, color=f"C{i}",
                    label=rf"$\tau_s = {float(tk):.0e}\,\tau_0$")
    c = d["constancy"]
    if np.isfinite(c.get("mean", np.nan)) and c["range"]:
        ax.hlines(c["mean"], c["range"][0], c["range"][1], color="k", ls=":",
                  label=f"constant fit below 0.02: {c['mean']:.3f} ({c['verdict']})")
    ax.axvspan(0.02, x.max() * 1.3, color="0.92", zorder=0)
    ax.set_xscale("log")
    ax.set_xlabel(r"$n_s a_b^2$")
    ax.set_ylabel(r"$f(n_s, \tau_s)$ (mean ± s.e.)")
    ax.set_title("Study 4: f over the hopping range (converged cut-off, sizes from study 2)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7)
    return _save(fig, out, "validation_density")


def _plain_log_axis(ax, ticks) -> None:
    """A log x axis spanning about a decade, labelled at ``ticks`` in plain numbers (the default minor labels
    2×10¹ 3×10¹ … overlap on such an axis)."""
    from matplotlib.ticker import NullFormatter, ScalarFormatter
    ax.set_xscale("log")
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.set_xticks(ticks)


def write_figures(summary: dict, out) -> list[Path]:
    """Write the four figures of ``summary`` into ``out``; returns the PNG paths."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out)
    paths = []
    for make, needed in ((_cutoff, "cutoff"), (_size, "size"), (_percolation, "percolation"), (_density, "density")):
        if summary.get(needed):
            paths.append(make(plt, summary, out))
            plt.close("all")
    return paths
