"""The validation summary: per-seed arrays of the studies → means, error bars, fits, the error budget.

Input: the arrays of :func:`numerics.validation.run.run_studies` (per density; per size for study 2).
Output: one JSON-ready dict (keys of densities and τ_s as text, e.g. ``"0.01"``, ``"10000"``).
Conventions: f dimensionless (Eq. 13), lengths in a_b, ξ_c = 2 l_c/a_b, R_sample = 1/border_current in
units of the bond resistance prefactor (g = e^{−2R}), so ln R_sample = −log_border_current.
"""
from __future__ import annotations

import math

import numpy as np

from ..percolation import CRITICAL_LENGTH_COEFFICIENT, NU, correlation_length, critical_length
from .analysis import constancy, cutoff_convergence, extrapolate_size, linear_fit, seed_stats, spread_fit

__all__ = ["choices", "summarize", "cutoff_summary", "size_summary", "percolation_summary", "density_summary",
           "error_budget", "key", "REFERENCE_SITES", "CANCELLED", "CONSTANT_BELOW"]

#: the paper's sample size (the "quoted" setting of the error budget: N = 5e5, 1.5 l_c, 3 seeds)
REFERENCE_SITES = 500_000
REFERENCE_SEEDS = 3
#: f(τ_s) with |f| below this fraction of f_dr is a cancellation: its relative convergence is not judged
CANCELLED = 0.05
#: the paper's "f ≈ const for n_s a_b² < 0.02"
CONSTANT_BELOW = 0.02


def key(x) -> str:
    return f"{float(x):g}"


def _u(density: float, sites) -> np.ndarray:
    """L_0/L for samples of ``sites`` sites (L = √(N/n_s))."""
    return correlation_length(density) / np.sqrt(np.asarray(sites, dtype=float) / density)


# ----------------------------------------------------------------------------- study 1
def cutoff_summary(arr: dict, tol: float = 0.01) -> dict:
    """Convergence in the cut-off of f_dr and of f(τ_s) (paired over seeds), the cost per cut-off."""
    cuts = np.asarray(arr["hop_cutoff"], dtype=float)
    conv = cutoff_convergence(cuts, arr["f_dr"], tol)
    out = {"sites": arr.get("sites"), "cutoffs": cuts.tolist(), "f_dr": conv, "f_tau": {},
           "failures": arr["failures"], "missing": arr["missing"]}
    quantities = [conv]
    for t, tau in enumerate(arr["tau_s"]):
        if tau == 0:
            continue
        c = cutoff_convergence(cuts, arr["f"][:, :, t], tol)
        c["cancelled"] = bool(abs(c["reference"]) < CANCELLED * abs(conv["reference"]))
        out["f_tau"][key(tau)] = c
        if not c["cancelled"]:
            quantities.append(c)
    worst = [q["converged"] for q in quantities]
    out["converged"] = None if any(c is None for c in worst) else max(worst)
    out["converged_at_max"] = out["converged"] is None
    out["f_dr_mean"] = [seed_stats(arr["f_dr"][:, k])["mean"] for k in range(cuts.size)]
    out["f_dr_sem"] = [seed_stats(arr["f_dr"][:, k])["sem"] for k in range(cuts.size)]
    out["seconds_mean"] = [seed_stats(arr["seconds"][:, k])["mean"] for k in range(cuts.size)]
    out["bonds_per_site"] = [seed_stats(arr["bonds"][:, k] / arr["cluster_sites"][:, k])["mean"]
                             for k in range(cuts.size)]
    return out


# ----------------------------------------------------------------------------- study 2
def size_summary(density: float, groups: dict, fit_min_ratio: float) -> dict:
    """f versus N at one density: means, spread, the N → ∞ extrapolation (q = 1 and q = 3/4)."""
    sizes = sorted(groups)
    u = _u(density, sizes)
    taus = groups[sizes[0]]["tau_s"]
    samples = [groups[n]["f_dr"] for n in sizes]
    fit = extrapolate_size(sizes, samples, u, q=1.0, fit_min_ratio=fit_min_ratio)
    alt = extrapolate_size(sizes, samples, u, q=1.0 / NU, fit_min_ratio=fit_min_ratio)
    spread = spread_fit(sizes, samples)
    out = {"sites": sizes, "ratio": (1 / u).tolist(), "seeds": [int(np.isfinite(s).sum()) for s in samples],
           "f_dr": fit, "f_dr_alt": alt, "spread": spread,
           "model_sigma": abs(fit["f_inf"] - alt["f_inf"]) if np.isfinite(alt["f_inf"]) else math.nan,
           "f_tau": {}, "failures": int(sum(groups[n]["failures"] for n in sizes)),
           "seconds_mean": [seed_stats(groups[n]["seconds"])["mean"] for n in sizes]}
    if np.isfinite(spread["amplitude"]):
        out["spread_at_reference"] = spread["amplitude"] * REFERENCE_SITES ** spread["exponent"]
    for t, tau in enumerate(taus):
        if tau > 0:
            vals = [groups[n]["f"][:, t] for n in sizes]
            out["f_tau"][key(tau)] = extrapolate_size(sizes, vals, u, q=1.0, fit_min_ratio=fit_min_ratio)
    return out


def choices(plan, arrays) -> tuple[dict, dict]:
    """What study 4 is sized from: the converged cut-off per density of study 1 and the q = 1 fit of f_dr
    per density of study 2 (see :func:`numerics.validation.run.choose_density_grid`)."""
    converged = {}
    for d, arr in arrays["cutoff"].items():
        s = cutoff_summary(arr, plan.cutoff.tol)
        converged[d] = s["converged"] if s["converged"] is not None else max(plan.cutoff.cutoffs)
    fits = {d: size_summary(d, g, plan.size.fit_min_ratio)["f_dr"] for d, g in arrays["size"].items() if g}
    return converged, fits


# ----------------------------------------------------------------------------- study 3
def _groups(arrays):
    """(density, sites, per-seed arrays) of every sample of studies 2 and 4."""
    for d, per in arrays["size"].items():
        for n, g in per.items():
            yield d, n, g
    for d, g in arrays["density"].items():
        yield d, g["sites"], g


def percolation_summary(arrays) -> dict:
    """The union-find threshold's approach to l_c = 1.19847/√n_s, and ln R_sample − ξ_c^sample vs ξ_c.

    The threshold distribution of continuum percolation depends on N only (L/l_c = √N/1.19847), so all
    samples are pooled by N: mean(l_c^sample/l_c) = 1 + δ_∞ + b (l_c/L)^{1/ν} (fit), and the spread
    std ∝ N^{−1/(2ν)} (ν = 4/3: −0.375).  The prefactor: y = ln R_sample − 2 l_c^sample/a_b +
    ln(L/(L − 2w)) (the electrodes, of width w = l_c, shorten the square: sheet resistance) per sample,
    its mean per density of study 4 fitted against ln ξ_c: y = A + p ln ξ_c (p = 0: no power of ξ_c).
    """
    by_n = {}
    for d, n, g in _groups(arrays):
        ratio = g["critical_bond_length"] / critical_length(d)
        by_n.setdefault(int(n), []).append(ratio[np.isfinite(ratio)])
    sizes = sorted(by_n)
    samples = [np.concatenate(by_n[n]) for n in sizes]
    u = CRITICAL_LENGTH_COEFFICIENT / np.sqrt(np.asarray(sizes, dtype=float))
    shift = extrapolate_size(sizes, samples, u, q=1.0 / NU, smooth=False)
    spread = spread_fit(sizes, samples)
    p = spread["exponent"]
    thr = {"sites": sizes, "shift_fit": shift, "spread": spread,
           "mean_minus_one": [seed_stats(s)["mean"] - 1 for s in samples],
           "sem": [seed_stats(s)["sem"] for s in samples], "std": [seed_stats(s)["std"] for s in samples],
           "nu_from_spread": -1 / (2 * p) if np.isfinite(p) and p < 0 else math.nan,
           "nu_from_spread_sigma": abs(spread["exponent_sigma"] / (2 * p * p)) if np.isfinite(p) and p < 0 else math.nan,
           "coefficient": CRITICAL_LENGTH_COEFFICIENT * shift["f_inf"],
           "coefficient_sigma": CRITICAL_LENGTH_COEFFICIENT * shift["f_inf_sigma"]}

    def prefactor(d, g, n):
        lc = critical_length(d)
        side = math.sqrt(n / d)
        return -g["log_border_current"] - 2 * g["critical_bond_length"] + math.log(side / (side - 2 * lc)), \
            -g["log_border_current"] - 2 * lc + math.log(side / (side - 2 * lc))

    dens = sorted(arrays["density"])
    xi = np.array([2 * critical_length(d) for d in dens])
    ys = [prefactor(d, arrays["density"][d], arrays["density"][d]["sites"]) for d in dens]
    st = [seed_stats(y[0]) for y in ys]
    st_th = [seed_stats(y[1]) for y in ys]
    mean, sem = np.array([s["mean"] for s in st]), np.array([s["sem"] for s in st])
    pref = {"densities": dens, "xi_c": xi.tolist(), "y_mean": mean.tolist(), "y_sem": sem.tolist(),
            "fit": linear_fit(np.log(xi), mean, sem),
            "y_theory_mean": [s["mean"] for s in st_th], "y_theory_sem": [s["sem"] for s in st_th],
            "fit_theory": linear_fit(np.log(xi), [s["mean"] for s in st_th], [s["sem"] for s in st_th])}
    size_view = {}
    for d, per in arrays["size"].items():
        rows = [(n, seed_stats(prefactor(d, g, n)[0])) for n, g in sorted(per.items())]
        size_view[key(d)] = {"sites": [r[0] for r in rows], "ratio": (1 / _u(d, [r[0] for r in rows])).tolist(),
                             "y_mean": [r[1]["mean"] for r in rows], "y_sem": [r[1]["sem"] for r in rows]}
    pref["by_size"] = size_view
    return {"threshold": thr, "prefactor": pref}


# ----------------------------------------------------------------------------- study 4
def density_summary(arrays, alpha: float | None) -> dict:
    """f(n_s, 0) and f(n_s, τ_s) per density with standard errors, the estimated residual finite-size
    bias α/(L/L_0) f (α from study 2), and the constancy test of f(n_s, 0) for n_s a_b² < 0.02."""
    dens = sorted(arrays["density"])
    g0 = arrays["density"][dens[0]]
    st = [seed_stats(arrays["density"][d]["f_dr"]) for d in dens]
    out = {"densities": dens, "sites": [arrays["density"][d]["sites"] for d in dens],
           "hop_cutoff": [arrays["density"][d]["hop_cutoff"] for d in dens],
           "ratio": [float(1 / _u(d, arrays["density"][d]["sites"])) for d in dens],
           "f_dr_mean": [s["mean"] for s in st], "f_dr_sem": [s["sem"] for s in st], "f_dr_n": [s["n"] for s in st],
           "f_tau": {}, "alpha": alpha}
    out["finite_size_bias"] = [abs(alpha) / r * m if alpha is not None and np.isfinite(m) else math.nan
                               for r, m in zip(out["ratio"], out["f_dr_mean"])]
    for t, tau in enumerate(g0["tau_s"]):
        if tau > 0:
            s = [seed_stats(arrays["density"][d]["f"][:, t]) for d in dens]
            out["f_tau"][key(tau)] = {"mean": [x["mean"] for x in s], "sem": [x["sem"] for x in s]}
    low = [k for k, d in enumerate(dens) if d < CONSTANT_BELOW + 1e-12]
    sig = [math.hypot(out["f_dr_sem"][k], out["finite_size_bias"][k] if np.isfinite(out["finite_size_bias"][k])
                      else 0.0) for k in low]
    c = constancy(np.log([dens[k] for k in low]), [out["f_dr_mean"][k] for k in low], sig)
    c["range"] = [dens[low[0]], dens[low[-1]]] if low else []
    consistent = np.isfinite(c["p_value"]) and c["p_value"] > 0.05 and abs(c["slope"]) < 2 * c["slope_sigma"]
    c["verdict"] = ("consistent with a constant" if consistent else "not constant") if np.isfinite(c["p_value"]) \
        else "not enough points"
    out["constancy"] = c
    return out


# ----------------------------------------------------------------------------- budget
def error_budget(density: float, size: dict, cut: dict, quantity: str = "f_dr") -> dict:
    """Error budget of f at one density (studies 1 and 2 at the same n_s).

    * ``paper_setting``: f as quoted from N = 5e5, 1.5 l_c, 3 seeds (the fit's value at that N);
      ``statistical`` its seed error, ``finite_size`` its distance to f_∞ (± the fit's σ) and
      ``cutoff`` f(1.5 l_c) − f(c_max) (paired, study 1, scaled to f_∞);
    * ``best``: f_∞ corrected to the largest cut-off, f_∞ (1 − r_1.5) with r_1.5 = f(1.5)/f(c_max) − 1,
      and its uncertainty in quadrature: the extrapolation's σ, the extrapolation model (q = 1 vs
      q = 3/4), the cut-off difference's σ and the residual cut-off error beyond c_max (taken as
      |r| at the second-largest cut-off); ``limited_by`` names the largest.
    """
    fit = size["f_dr"] if quantity == "f_dr" else size["f_tau"][quantity]
    conv = cut["f_dr"] if quantity == "f_dr" else cut["f_tau"][quantity]
    f_inf, s_inf = fit["f_inf"], fit["f_inf_sigma"]
    u_ref = float(_u(density, REFERENCE_SITES))
    f_ref = f_inf + fit["a"] * u_ref
    rel_sd = size["spread"]["amplitude"] * REFERENCE_SITES ** size["spread"]["exponent"] \
        if np.isfinite(size["spread"]["amplitude"]) else math.nan
    cuts = conv["cutoffs"]
    k15 = int(np.argmin(np.abs(np.asarray(cuts) - 1.5)))
    r15, r15_s = conv["relative"][k15], conv["relative_sem"][k15]
    residual = abs(conv["relative"][-2]) if len(cuts) > 1 else math.nan
    model = size["model_sigma"] if quantity == "f_dr" else math.nan
    parts = {"extrapolation": s_inf, "extrapolation model": model, "cut-off difference": abs(f_inf * r15_s),
             "cut-off beyond the largest": abs(f_inf * residual)}
    parts = {k: (float(v) if np.isfinite(v) else 0.0) for k, v in parts.items()}
    best_sigma = math.sqrt(sum(v * v for v in parts.values()))
    best = f_inf * (1 - r15)
    stat = rel_sd * abs(f_ref) / math.sqrt(REFERENCE_SEEDS)
    return {"density": density, "quantity": quantity, "best": best, "best_sigma": best_sigma,
            "limited_by": max(parts, key=parts.get), "components": parts, "f_inf_cutoff_1p5": f_inf,
            "paper_setting": {"sites": REFERENCE_SITES, "seeds": REFERENCE_SEEDS, "value": f_ref, "statistical": stat,
                              "finite_size": f_ref - f_inf, "finite_size_sigma": abs(fit["a_sigma"] * u_ref),
                              "cutoff": f_inf * r15, "cutoff_sigma": abs(f_inf * r15_s),
                              "total_error": math.hypot(stat, f_ref - best),
                              "cutoff_reference": cuts[-1]}}


def summarize(plan, arrays) -> dict:
    """The whole validation summary (see the module docstring and :mod:`numerics.validation.report`)."""
    cut = {key(d): cutoff_summary(a, plan.cutoff.tol) for d, a in arrays["cutoff"].items()}
    size = {key(d): size_summary(d, g, plan.size.fit_min_ratio) for d, g in arrays["size"].items() if g}
    ch = arrays.get("choices", {})
    alpha = None
    alphas = [s["f_dr"]["a"] / s["f_dr"]["f_inf"] for s in size.values()
              if np.isfinite(s["f_dr"]["a"]) and s["f_dr"]["f_inf"]]
    if alphas:
        alpha = float(np.mean(alphas))
    budget = []
    for dk in size:
        if dk in cut:
            budget.append(error_budget(float(dk), size[dk], cut[dk]))
            mid = sorted(size[dk]["f_tau"], key=float)
            if mid:
                tau = mid[len(mid) // 2 - (1 if len(mid) % 2 == 0 else 0)]
                if tau in cut[dk]["f_tau"] and not cut[dk]["f_tau"][tau]["cancelled"]:
                    budget.append(error_budget(float(dk), size[dk], cut[dk], tau))
    return {"mode": plan.mode, "tau_s": list(plan.tau_s), "plan": plan.to_dict(), "cutoff": cut, "size": size,
            "percolation": percolation_summary(arrays),
            "density": density_summary(arrays, alpha) if arrays["density"] else {},
            "choices": {"cutoff": {key(k): v for k, v in ch.get("cutoff", {}).items()},
                        "sites": {key(k): v for k, v in ch.get("sites", {}).items()},
                        "ratio": ch.get("ratio"), "alpha_bound": ch.get("alpha_bound"),
                        "bias_target": ch.get("bias_target")},
            "budget": budget}
