"""Where each generalised conductivity changes sign versus the field: the claim of arXiv:1805.04061, tested.

Shumilin, Smirnov & Golub (arXiv:1805.04061) state that each of the generalised conductivities (spin
orientation, spin-Hall, spin-galvanic) changes sign at least once as a function of the magnetic field, for every
τ_s.  :func:`sign_study` scans |ω| = Ω_L τ0 on a log grid along fixed directions (in-plane x, y; growth axis z;
optionally oblique ones) for each τ_s and seed, and locates every sign change of every tensor element
(CISP 3×2, SGE 2×3, spin current 3×2×2) by log-linear interpolation between grid points.  Elements that stay
below ``zero_tol`` × the largest element of their tensor (at that τ_s) are structurally zero and skipped; values
below it do not count as a sign.  One exact solve per (τ_s, |ω|) serves all directions and both currents.

The theory's triangle (``theory/zeeman_triangle.py``, d10 items 15–17) changes sign only for oblique fields
(and trivially at B = 0 for odd components); the network result is reported per element with the mean ± std
of the crossing fields over seeds and the fraction of seeds that cross.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..config import SimulationConfig, resolve_config

__all__ = ["SignStudy", "sign_changes", "sign_study", "element_names", "DIRECTIONS", "plot_sign_study"]

#: default scan directions: in-plane x, y, the growth axis z, and the oblique (1, 1, 1)
DIRECTIONS = {"x": "x", "y": "y", "z": "z", "(1,1,1)": (1.0, 1.0, 1.0)}
_TENSORS = {"cisp": ("spin", "E"), "sge": ("j", "spin"), "she": ("spin", "flow", "E")}


def element_names() -> list[str]:
    """Labels of every tensor element: ``cisp[s_y,E_x]``, ``sge[j_x,s_y]``, ``she[s_z,J_y,E_x]``, …"""
    out = [f"cisp[s_{m},E_{n}]" for m in "xyz" for n in "xy"]
    out += [f"sge[j_{n},s_{m}]" for n in "xy" for m in "xyz"]
    out += [f"she[s_{m},J_{f},E_{n}]" for m in "xyz" for f in "xy" for n in "xy"]
    return out


def _flatten(res, k) -> np.ndarray:
    """(F, 24) every element at τ_s[k] (order of :func:`element_names`), and the per-tensor scale (24,)."""
    parts = [res.cisp[k].reshape(res.field.size, -1), res.sge[k].reshape(res.field.size, -1),
             res.she[k].reshape(res.field.size, -1)]
    scales = [np.full(p.shape[1], np.nanmax(np.abs(p)) if p.size else 0.0) for p in parts]
    return np.hstack(parts), np.concatenate(scales)


def sign_changes(w: np.ndarray, values: np.ndarray, floor: float) -> list[float]:
    """|ω| where ``values`` (on the increasing grid ``w`` > 0) changes sign, ignoring |v| ≤ floor
    (geometric interpolation between the bracketing points)."""
    out, last = [], None
    for i in range(values.size):
        v = values[i]
        if not np.isfinite(v) or abs(v) <= floor:
            continue
        if last is not None and np.sign(v) != np.sign(values[last]):
            a, b = abs(values[last]), abs(v)
            t = a / (a + b)
            out.append(float(math.exp(math.log(w[last]) + t * (math.log(w[i]) - math.log(w[last])))))
        last = i
    return out


@dataclass
class SignStudy:
    """The scanned tensors and their sign changes.

    ``values[(density, tau_s, direction)]`` (seeds, F, 24): every element (order of :func:`element_names`) on the
    |ω| grid ``omega`` (1/τ0);  ``scale[(density, tau_s)]`` (24,): the largest |element| of each tensor.
    :meth:`per_seed` — crossings of one seed's element; :meth:`ensemble` — crossings of the seed mean where its sign
    is significant (|mean| > t × standard error on both sides, Student's 95 %); :meth:`summary` — one row per element.
    """

    densities: tuple
    tau_s: np.ndarray
    directions: dict
    seeds: tuple
    sites: int
    omega: np.ndarray
    values: dict = field(default_factory=dict)
    scale: dict = field(default_factory=dict)
    g_c: dict = field(default_factory=dict)
    zero_tol: float = 1e-9
    diagnostics: dict = field(default_factory=dict)

    def _floor(self, dens, tau, e) -> float:
        return self.zero_tol * self.scale[(dens, float(tau))][e]

    def per_seed(self, dens, tau, dname, e) -> list[list[float]]:
        vals = self.values[(dens, float(tau), dname)]
        return [sign_changes(self.omega, vals[s, :, e], self._floor(dens, tau, e)) for s in range(vals.shape[0])]

    def ensemble(self, dens, tau, dname, e, z_score: float | None = None) -> tuple[list, bool]:
        """(crossings of the seed mean, significant): crossings between grid points whose mean is
        significantly non-zero with opposite signs (|mean| > t × standard error, t the two-sided 95 % Student
        value for n − 1 degrees of freedom unless ``z_score`` is given: 12.7, 4.30, 3.18 for 2, 3, 4 seeds);
        ``significant`` False if the mean is nowhere significant."""
        vals = self.values[(dens, float(tau), dname)][:, :, e]
        n = vals.shape[0]
        if z_score is None:
            from scipy.stats import t as student
            z_score = float(student.ppf(0.975, n - 1)) if n > 1 else 0.0
        mean = vals.mean(axis=0)
        se = vals.std(axis=0, ddof=1) / math.sqrt(n) if n > 1 else np.zeros_like(mean)
        sig = (np.abs(mean) > z_score * se) & (np.abs(mean) > self._floor(dens, tau, e))
        masked = np.where(sig, mean, 0.0)
        return sign_changes(self.omega, masked, 0.0), bool(np.any(sig))

    def summary(self, z_score: float | None = None) -> list[list]:
        """Rows [density, τ_s, direction, element, class, ensemble crossings |ω| (list), fraction of seeds
        crossing, mean ± std of log10 of the seeds' first crossing]; class: "zero" (below zero_tol everywhere),
        "noise" (mean nowhere significant: zero on average), "signal"."""
        rows, names = [], element_names()
        for (dens, tau, dname), vals in sorted(self.values.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
            for e, el in enumerate(names):
                if np.max(np.abs(vals[:, :, e])) <= self._floor(dens, tau, e):
                    rows.append([dens, tau, dname, el, "zero", [], 0.0, float("nan"), float("nan")])
                    continue
                cross, sig = self.ensemble(dens, tau, dname, e, z_score)
                seeds = self.per_seed(dens, tau, dname, e)
                firsts = [math.log10(c[0]) for c in seeds if c]
                rows.append([dens, tau, dname, el, "signal" if sig else "noise", cross,
                             len(firsts) / len(seeds), float(np.mean(firsts)) if firsts else float("nan"),
                             float(np.std(firsts, ddof=1)) if len(firsts) > 1 else float("nan")])
        return rows


def sign_study(densities=(0.01, 0.003), tau_s=(1e2, 1e4, 1e6, 1e8, 1e10), directions=None, seeds=(0, 1, 2),
               sites: int = 200_000, omega=None, per_decade: int = 2, zero_tol: float = 1e-9,
               config: SimulationConfig | None = None, progress=None) -> SignStudy:
    """Run the scan (module doc).  ``omega``: the |ω| grid in 1/τ0 (default: from 1e-3 × min(τ0/τ_s, g_c) to
    10, ``per_decade`` points per decade, g_c = e^{−2 l_c} of the smallest density)."""
    say = progress or (lambda msg: None)
    directions = dict(DIRECTIONS if directions is None else directions)
    taus = np.array(sorted(float(t) for t in tau_s))
    from ..percolation import critical_length
    g_c = {d: math.exp(-2 * critical_length(d)) for d in densities}
    if omega is None:
        lo = 1e-3 * min(1.0 / taus.max(), min(g_c.values()))
        omega = np.logspace(math.log10(lo), 1.0, int(round((1.0 - math.log10(lo)) * per_decade)) + 1)
    omega = np.asarray(omega, dtype=float)
    study = SignStudy(densities=tuple(densities), tau_s=taus, directions=directions, seeds=tuple(seeds), sites=sites,
                      omega=omega, g_c=g_c, zero_tol=zero_tol)
    from .inputs import field_direction
    units = [field_direction(spec) for spec in directions.values()]
    vectors = np.vstack([np.outer(omega, u) for u in units])       # all directions in one run
    worst_oc, F = 0.0, omega.size
    for dens in densities:
        per = {}
        for seed in seeds:
            cfg = resolve_config(config, {"site_density": dens, "sites": sites, "seed": seed, "tau_s": tuple(taus)})
            say(f"signs: n_s a_b^2 = {dens}, seed {seed}, N = {sites}: {F} |omega| x {len(directions)} directions "
                f"x {len(taus)} tau_s")
            res = _run(cfg, vectors)
            worst_oc = max(worst_oc, res.onsager_casimir_error)
            for k, tau in enumerate(taus):
                flat, scale = _flatten(res, k)
                key = (dens, float(tau))
                study.scale[key] = np.maximum(study.scale.get(key, 0.0), scale)
                for di, dname in enumerate(directions):
                    per.setdefault((dens, float(tau), dname), []).append(flat[di * F:(di + 1) * F])
        for key, blocks in per.items():
            study.values[key] = np.stack(blocks)
    study.diagnostics = {"max_onsager_casimir_error": worst_oc}
    return study


def _run(cfg, vectors):
    """The tensors of one sample for explicit Larmor vectors (several directions in one run; both currents)."""
    from ..sample import random_sample
    from .hanle import current_runs
    from .response import field_response
    sample = random_sample(cfg.site_density, cfg.sites, cfg.seed)
    resp = field_response(current_runs(sample, cfg.check()), cfg.tau_s_array, vectors, threads=cfg.threads)
    return _Flat(np.linalg.norm(vectors, axis=1), resp)


class _Flat:
    """The parts of a :class:`numerics.field.hanle.HanleResult` the scan reads: cisp (K, F, 3, 2), sge
    (K, F, current, spin), she (K, F, 3, 2, 2)."""

    def __init__(self, norms, resp):
        self.field = norms
        self.cisp, self.sge, self.she = resp.cisp, resp.sge, resp.she
        self.onsager_casimir_error = resp.onsager_casimir_error


def plot_sign_study(study: SignStudy, path, title: str | None = None):
    """Ensemble sign changes |ω| versus τ_s per density and direction (marker: the crossing of the seed mean;
    bars: std over seeds of the seeds' nearest crossing); lines Ω_Lτ_s = 1 and Ω_L = g_c/τ0.  PNG + PDF."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from pathlib import Path

    from hopspin._io import save_figure

    dens, dirs, names = study.densities, list(study.directions), element_names()
    fig, axes = plt.subplots(len(dens), len(dirs), figsize=(3.3 * len(dirs), 3.0 * len(dens)), squeeze=False,
                             sharex=True, sharey=True)
    colours = {"cisp": "C0", "sge": "C1", "she": "C2"}
    for i, d in enumerate(dens):
        for j, dn in enumerate(dirs):
            ax = axes[i][j]
            for e, el in enumerate(names):
                off = 1.0 + 0.3 * (e % 10) / 10
                for tau in study.tau_s:
                    if (d, float(tau), dn) not in study.values:
                        continue
                    cross, _ = study.ensemble(d, tau, dn, e)
                    seeds = [c for c in study.per_seed(d, tau, dn, e) if c]
                    for c in cross:
                        near = [math.log10(min(sc, key=lambda v: abs(math.log(v / c)))) for sc in seeds]
                        sd = float(np.std(near, ddof=1)) if len(near) > 1 else 0.0
                        lc = math.log10(c)                  # (10**log10(c) may round below c)
                        ax.errorbar(tau * off, c, yerr=[[max(c - 10**(lc - sd), 0.0)], [max(10**(lc + sd) - c, 0.0)]], fmt="o", ms=3,
                                    color=colours[el.split("[")[0]], alpha=0.7)
            t = study.tau_s
            ax.plot(t, 1 / t, "k--", lw=0.8)
            ax.axhline(study.g_c[d], color="0.5", ls=":", lw=0.8)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_ylim(study.omega.min(), study.omega.max())
            ax.set_title(f"$n_s a_b^2$ = {d}, field along {dn}", fontsize=9)
            if i == len(dens) - 1:
                ax.set_xlabel(r"$\tau_s/\tau_0$")
            if j == 0:
                ax.set_ylabel(r"sign change at $|\Omega_L|\tau_0$")
    handles = [plt.Line2D([], [], color=c, marker="o", ls="", label=k.upper()) for k, c in colours.items()]
    handles += [plt.Line2D([], [], color="k", ls="--", label=r"$\Omega_L\tau_s = 1$"),
                plt.Line2D([], [], color="0.5", ls=":", label=r"$\Omega_L = g_c/\tau_0$")]
    fig.tight_layout()
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=5, fontsize=8)   # below: never
    fig.suptitle(title or f"sign changes of the seed-mean tensors (N = {study.sites}, seeds {list(study.seeds)})",
                 y=1.02, fontsize=10)                                           # over the title, for any row count
    png = Path(path)
    save_figure(fig, png, dpi=120, bbox_inches="tight")
    save_figure(fig, png.with_suffix(".pdf"), bbox_inches="tight")
    plt.close(fig)
    return png
