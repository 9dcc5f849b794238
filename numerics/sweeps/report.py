"""Figures and tables of a sweep store: means over seeds with error bars (standard error std/√n)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from hopspin._io import atomic_write, output_dir, save_figure, write_text

from .store import open_sweep

__all__ = ["summarize", "sweep_report"]


def summarize(ds):
    """Mean, standard deviation (ddof = 1) and standard error (std/√n) over the finished,
    non-failed seeds, per n_s (and τ_s).  Returns an xarray.Dataset."""
    import xarray as xr

    ok = (ds["done"] == 1) & (ds["failed"] == 0)
    n = ok.sum("seed")
    out = {"n_seeds": n}
    for name in ("f", "f_diff", "f_dr", "seconds", "cluster_sites", "max_conservation_error"):
        v = ds[name].astype(float).where(ok)
        mean = v.mean("seed")
        std = v.std("seed", ddof=1)
        out[f"{name}_mean"] = mean
        out[f"{name}_std"] = std
        out[f"{name}_sem"] = std / np.sqrt(n.where(n > 0))
    return xr.Dataset(out, attrs=ds.attrs)


def _fmt(x: float, digits: int = 4) -> str:
    return "—" if not np.isfinite(x) else f"{x:.{digits}g}"


def sweep_report(path, out=None) -> list[Path]:
    """Figures and tables of a sweep store.

    Writes into ``out`` (default: ``<store stem>-report`` next to the store):
    ``f_vs_density.png/.pdf`` — f(n_s, τ_s = 0) = f_dr vs n_s a_b² (log x), ``f_vs_tau.png/.pdf`` —
    f vs τ0/τ_s (log x) for each n_s, both as mean over seeds with error bars = standard error of
    the mean (std/√n); ``summary.csv`` (long table: n_s, τ_s, n, mean, std, sem of f, f_diff and
    f_dr) and ``summary.md``.  Returns the written paths.
    """
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(str(path).rstrip("/"))
    ds = open_sweep(path)
    s = summarize(ds)
    outdir = Path(out) if out else path.with_name(path.name.rsplit(".", 1)[0] + "-report")
    outdir = output_dir(outdir, "--out")
    dens = ds["site_density"].values
    taus = ds["tau_s"].values
    n = s["n_seeds"].values
    sites, cutoff = ds.attrs.get("sites"), ds.attrs.get("hop_cutoff")
    written: list[Path] = []
    subtitle = f"N = {sites} sites, cut-off {cutoff} l_c; mean over seeds, error bars: standard error (std/√n)"

    # f(n_s, tau_s = 0) = f_dr
    fig, ax = plt.subplots(figsize=(6.4, 4.6), constrained_layout=True)
    m = n > 0
    ax.errorbar(dens[m], s["f_dr_mean"].values[m], yerr=np.nan_to_num(s["f_dr_sem"].values[m]), fmt="o-",
                capsize=3, label="f(n_s, τ_s = 0) = f_dr")
    for i in np.flatnonzero(m):
        ax.annotate(f"n={n[i]}", (dens[i], s["f_dr_mean"].values[i]), textcoords="offset points", xytext=(4, 6),
                    fontsize=7, color="0.4")
    ax.set_xscale("log")
    ax.set_xlabel(r"site density $n_s a_b^2$ (dimensionless)")
    ax.set_ylabel(r"spin function $f(n_s, \tau_s = 0)$ (dimensionless)")
    ax.set_title(f"f at τ_s = 0 vs density\n{subtitle}", fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    for ext in ("png", "pdf"):
        p = outdir / f"f_vs_density.{ext}"
        save_figure(fig, p, dpi=150)
        written.append(p)
    plt.close(fig)

    # f vs tau0/tau_s per density
    finite = (taus > 0) & np.isfinite(taus)
    fig, ax = plt.subplots(figsize=(7.2, 5.0), constrained_layout=True)
    cmap = plt.get_cmap("viridis")
    for i, d in enumerate(dens):
        if n[i] == 0:
            continue
        color = cmap(i / max(len(dens) - 1, 1))
        x = 1.0 / taus[finite]
        y = s["f_mean"].values[i][finite]
        e = np.nan_to_num(s["f_sem"].values[i][finite])
        ax.errorbar(x, y, yerr=e, fmt="o-", ms=3, capsize=2, color=color, label=f"{d:.3g} (n={n[i]})")
        ax.axhline(s["f_dr_mean"].values[i], color=color, ls=":", lw=0.8)  # the tau_s -> 0 limit, f_dr
    ax.set_xscale("log")
    ax.set_xlabel(r"$\tau_0/\tau_s$ (spin relaxation rate in units of $1/\tau_0$)")
    ax.set_ylabel(r"spin function $f(n_s, \tau_s)$ (dimensionless)")
    ax.set_title(f"f vs spin relaxation rate; dotted: f_dr = f(τ_s = 0)\n{subtitle}", fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(title=r"$n_s a_b^2$", fontsize=7, title_fontsize=8, ncol=2 if len(dens) > 6 else 1, loc="best")
    for ext in ("png", "pdf"):
        p = outdir / f"f_vs_tau.{ext}"
        save_figure(fig, p, dpi=150)
        written.append(p)
    plt.close(fig)

    # tables
    csv = outdir / "summary.csv"
    with atomic_write(csv, "w", encoding="utf-8") as fh:
        fh.write("site_density,tau_s,n_seeds,f_mean,f_std,f_sem,f_diff_mean,f_diff_std,f_diff_sem,"
                 "f_dr_mean,f_dr_std,f_dr_sem\n")
        for i, d in enumerate(dens):
            for k, t in enumerate(taus):
                vals = [s[f"{v}_{st}"].values[i, k] for v in ("f", "f_diff") for st in ("mean", "std", "sem")]
                vals += [s[f"f_dr_{st}"].values[i] for st in ("mean", "std", "sem")]
                fh.write(f"{d!r},{t!r},{n[i]}," + ",".join(repr(float(v)) for v in vals) + "\n")
    written.append(csv)

    md = outdir / "summary.md"
    failures = ds.attrs.get("failures", "{}")
    lines = [f"# Sweep {path.name}", "",
             f"N = {sites} sites, hop cut-off {cutoff} l_c, hopspin {ds.attrs.get('hopspin_version', '?')} "
             f"(commit {ds.attrs.get('git_commit', '') or 'unknown'}); runs finished "
             f"{int(ds['done'].sum())}/{ds['done'].size}, failed {int(ds['failed'].sum())}.", "",
             "Values are mean over seeds; ± is the standard error of the mean (std/√n, std with ddof = 1); "
             "the std column is the spread between samples.", "",
             "## f(n_s, τ_s = 0) = f_dr", "",
             "| n_s a_b² | seeds | f_dr mean | std | sem | cluster sites | max conservation error | s/run |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for i, d in enumerate(dens):
        lines.append(f"| {d:.4g} | {n[i]} | {_fmt(s['f_dr_mean'].values[i], 6)} | {_fmt(s['f_dr_std'].values[i])} | "
                     f"{_fmt(s['f_dr_sem'].values[i])} | {_fmt(s['cluster_sites_mean'].values[i], 6)} | "
                     f"{_fmt(s['max_conservation_error_mean'].values[i], 2)} | {_fmt(s['seconds_mean'].values[i], 3)} |")
    lines += ["", "## f(n_s, τ_s): mean ± sem", "",
              "| τ_s/τ0 | " + " | ".join(f"{d:.3g}" for d in dens) + " |",
              "|---:|" + "---:|" * len(dens)]
    for k, t in enumerate(taus):
        cells = [f"{_fmt(s['f_mean'].values[i, k])} ± {_fmt(s['f_sem'].values[i, k], 2)}" for i in range(len(dens))]
        lines.append(f"| {t:.3g} | " + " | ".join(cells) + " |")
    if failures not in ("{}", ""):
        lines += ["", "## Failed runs", "", "```", failures, "```"]
    write_text(md, "\n".join(lines) + "\n")
    written.append(md)
    return written

