"""Report section of ``hopspin reproduce``: energy disorder — ρ(T) and f versus W/k_BT (issue 15).

At a fixed physical spread W of the site energies, lowering T raises X = W/k_BT; one seed's sample keeps its
positions and the *shape* of its energies (ε_i = X u_i with the same u_i), so a scan of X on one seed is the
temperature dependence of that sample.  Non-degenerate statistics: the sheet resistance of the square is
``ρ = k_BT τ0 / (e² ν̄ I_total)`` with ν̄ = (n/n_s)/⟨w⟩, ⟨w⟩ = ⟨e^{−ε_i}⟩ over all sites (derivations/d12 step 4),
so at fixed W and n, ``ln(ρ/ρ_W) = −ln X + ln⟨w⟩ − ln I_total`` with ρ_W = W τ0 n_s/(e² n) and I_total the
border current of the network with g = e^{−ξ}.  The percolation estimate replaces −ln I_total by ξ_c^{sample}.
"""
from __future__ import annotations

import math
import time
import warnings

import numpy as np

from ..report import save_png_pdf, write_csv

__all__ = ["energy_section", "DISORDERS"]

#: W/k_BT of the section (0: the paper's equal energies)
DISORDERS = (0.0, 1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 14.0, 20.0)
DENSITY = 0.01
TAU_S = (0.0, 1e3, 1e6)


def _runs(sites: int, seeds: int, say):
    from numerics.config import SimulationConfig
    from numerics.simulate import simulate

    rows = []
    for x in DISORDERS:
        for seed in range(seeds):
            cfg = SimulationConfig(site_density=DENSITY, sites=sites, seed=seed, tau_s=TAU_S, energy_disorder=x)
            t = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                r = simulate(cfg)
                energies = cfg.sample().energies
            mean_w = 1.0 if energies is None else float(np.mean(np.exp(-energies)))
            rows.append(dict(x=x, seed=seed, f=r.f, log_i=r.log_border_current, xi_c=r.critical_parameter,
                             mean_w=mean_w, conservation=r.max_conservation_error, seconds=time.perf_counter() - t))
        say(f"      W/k_BT = {x:g}: f(tau_s = 0) = {np.mean([r['f'][0] for r in rows[-seeds:]]):.4f} "
            f"({seeds} seeds, {sum(r['seconds'] for r in rows[-seeds:]):.1f} s)")
    return rows


def energy_section(rep, verdicts, out, plt, *, quick: bool, say) -> None:
    """Run the energy-disorder study and add its figures, table and verdict to ``rep``."""
    sites, seeds = (10_000, 2) if quick else (100_000, 4)
    rows = _runs(sites, seeds, say)
    write_csv(out / "energy_disorder.csv",
              ["W_over_kT", "seed", *[f"f_tau_s_{t:g}" for t in TAU_S], "log_border_current", "xi_c_sample",
               "mean_occupation_weight", "max_conservation_error"],
              [[r["x"], r["seed"], *r["f"], r["log_i"], r["xi_c"], r["mean_w"], r["conservation"]] for r in rows])
    xs = np.array(DISORDERS)
    by = {x: [r for r in rows if r["x"] == x] for x in DISORDERS}
    err = (lambda a: np.std(a, ddof=1) / math.sqrt(len(a)) if len(a) > 1 else 0.0)
    f_mean = np.array([[np.mean([r["f"][k] for r in by[x]]) for x in xs] for k in range(len(TAU_S))])
    f_err = np.array([[err([r["f"][k] for r in by[x]]) for x in xs] for k in range(len(TAU_S))])

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for k, tau in enumerate(TAU_S):
        ax.errorbar(xs, f_mean[k], yerr=f_err[k], marker="o", capsize=2,
                    label=r"$\tau_s = 0$" if tau == 0 else rf"$\tau_s = 10^{{{int(round(math.log10(tau)))}}}\,\tau_0$")
    ax.set_xlabel(r"energy disorder $W/k_BT$ (uniform, width $W$)")
    ax.set_ylabel(r"$f(n_s, W/k_BT, \tau_s)$")
    ax.set_title(f"f versus W/k_BT at $n_s a_b^2$ = {DENSITY}, N = {sites}, {seeds} seeds (bars: s.e.)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    png_f = save_png_pdf(fig, out, "f_vs_energy_disorder")

    hot = xs > 0
    x = xs[hot]
    ln_rho = np.array([[-math.log(r["x"]) + math.log(r["mean_w"]) - r["log_i"] for r in by[v]] for v in x])
    ln_perc = np.array([[-math.log(r["x"]) + math.log(r["mean_w"]) + r["xi_c"] for r in by[v]] for v in x])
    excess = np.array([[-r["log_i"] - r["xi_c"] for r in by[v]] for v in xs])
    xi_c = np.array([[r["xi_c"] for r in by[v]] for v in xs])
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.2))
    a1.errorbar(x, ln_rho.mean(axis=1), yerr=[err(v) for v in ln_rho], marker="o", capsize=2,
                label=r"network: $-\ln X + \ln\langle w\rangle - \ln I_{total}$")
    a1.errorbar(x, ln_perc.mean(axis=1), yerr=[err(v) for v in ln_perc], marker="s", ls="--", capsize=2,
                label=r"percolation: $-\ln X + \ln\langle w\rangle + \xi_c^{sample}$")
    a1.set_xscale("log")
    a1.set_xlabel(r"$X = W/k_BT \propto 1/T$")
    a1.set_ylabel(r"$\ln(\rho/\rho_W)$ (natural log)")
    a1.set_title(r"$\rho(T)$ at fixed $W$ and $n$ (a decade of $T$)")
    a1.grid(alpha=0.3, which="both")
    a1.legend(fontsize=8)
    a2.errorbar(xi_c.mean(axis=1), excess.mean(axis=1), yerr=[err(v) for v in excess], marker="o", capsize=2)
    for xv, xc, ex in zip(xs, xi_c.mean(axis=1), excess.mean(axis=1)):
        a2.annotate(f"{xv:g}", (xc, ex), fontsize=7, textcoords="offset points", xytext=(3, 3))
    a2.set_xlabel(r"$\xi_c^{sample}$ (labels: $W/k_BT$)")
    a2.set_ylabel(r"$\ln R_{sample} - \xi_c^{sample}$")
    a2.set_title("prefactor of the percolation estimate")
    a2.grid(alpha=0.3)
    png_rho = save_png_pdf(fig, out, "resistivity_vs_temperature")

    rep.heading("Energy disorder: f and ρ(T) versus W/k_BT")
    rep.paragraph("Site energies uniform of width W, non-degenerate (Boltzmann) statistics, Miller–Abrahams rates: "
                  "g_ij = e^{-2R_ij - max(ε_i, ε_j)/k_BT}, the spin ground ε w_i with w_i = e^{-ε_i/k_BT} "
                  "(derivations/energy_disorder). Same positions for every W/k_BT of a seed.")
    rep.figure(png_f, "f versus W/k_BT; bars: standard error over seeds.")
    rep.table(["W/k_BT", *[f"f(τ_s = {t:g})" for t in TAU_S], "ln R − ξ_c", "ξ_c"],
              [[f"{v:g}", *[f"{f_mean[k][i]:.4f} ± {f_err[k][i]:.4f}" for k in range(len(TAU_S))],
                f"{excess[i].mean():.2f} ± {err(excess[i]):.2f}", f"{xi_c[i].mean():.2f}"] for i, v in enumerate(xs)])
    rep.figure(png_rho, "Left: the resistance of the square versus W/k_BT (∝ 1/T at fixed W) and the percolation "
                        "estimate e^{ξ_c}. Right: ln R_sample − ξ_c^{sample} versus ξ_c^{sample}.")
    slope = np.polyfit(np.log(xi_c.mean(axis=1)), excess.mean(axis=1), 1)[0]
    rep.paragraph(f"ln R_sample − ξ_c^sample stays between {excess.mean(axis=1).min():.2f} and "
                  f"{excess.mean(axis=1).max():.2f} while ξ_c^sample runs over {xi_c.mean(axis=1).min():.1f}–"
                  f"{xi_c.mean(axis=1).max():.1f}; a fit against ln ξ_c gives the slope {slope:.2f} (N = {sites}).")
    drop = f_mean[0][-1] / f_mean[0][0]
    verdicts.append(["f with energy disorder (not in the paper)", "equal energies only",
                     f"f(τ_s = 0) = {f_mean[0][0]:.3f} at W = 0 → {f_mean[0][-1]:.3f} at W/k_BT = {xs[-1]:g} "
                     f"(×{drop:.2f}); ln R − ξ_c within {excess.min():.1f}..{excess.max():.1f}", "new result"])

