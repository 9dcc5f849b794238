"""Statistics of the validation studies: error bars over seeds, the converged cut-off, N → ∞.

Every function takes plain arrays (one row per seed; NaN marks a run that failed or is missing) and
returns plain, JSON-ready dictionaries, so that each can be tested on synthetic data with a known
answer.  Units: lengths in a_b, f dimensionless (Eq. 13).

* :func:`seed_stats` — mean, standard deviation (ddof = 1) and standard error std/√n over seeds;
* :func:`cutoff_convergence` — paired differences f(c) − f(c_max) over the same samples and the
  cut-off converged to a tolerance (definition in its docstring);
* :func:`extrapolate_size` — f(u) = f_∞ + a u^q with u = L_0/L (the critical-subnetwork size over the
  sample side), a weighted least-squares fit with a smoothed seed spread as errors and a bootstrap
  over seeds; :func:`spread_fit` the sample-to-sample spread versus N;
* :func:`linear_fit` — weighted straight line with its covariance (the prefactor power of ρ = ρ0 ξ_c^p
  e^{ξ_c}, the slope of f versus ln n_s);
* :func:`constancy` — is a set of points with error bars consistent with one constant?
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["seed_stats", "cutoff_convergence", "extrapolate_size", "spread_fit", "linear_fit", "constancy",
           "power_fit"]


def _finite(values) -> np.ndarray:
    v = np.asarray(values, dtype=float).ravel()
    return v[np.isfinite(v)]


def seed_stats(values) -> dict:
    """Mean, std (ddof = 1), standard error of the mean and count of the finite entries of ``values``.

    With one value std and sem are NaN (no spread can be measured); with none, everything is NaN.
    """
    v = _finite(values)
    n = int(v.size)
    mean = float(v.mean()) if n else math.nan
    std = float(v.std(ddof=1)) if n > 1 else math.nan
    return {"mean": mean, "std": std, "sem": std / math.sqrt(n) if n > 1 else math.nan, "n": n}


def cutoff_convergence(cutoffs, values, tol: float = 0.01, z: float = 2.0) -> dict:
    """Convergence of a quantity in the bond cut-off, from paired runs on the same samples.

    Parameters
    ----------
    cutoffs : (C,) bond cut-offs in l_c, increasing; the last, c_max, is the reference.
    values : (S, C) the quantity per seed (rows: the same sample at every cut-off) — NaN where a run
        failed (e.g. a sample that does not percolate at 1.2 l_c).
    tol : relative tolerance (0.01 = 1 %).
    z : error bars in standard errors.

    Returns
    -------
    dict
        ``reference`` (mean at c_max), ``relative`` (C,) the paired mean of (v(c) − v(c_max))/|ref| with
        ``relative_sem``, and ``converged``: the smallest grid cut-off c such that **every** cut-off
        c' ≥ c satisfies ``|relative(c')| + z·relative_sem(c') < tol`` — the difference to the largest
        cut-off is below the tolerance *including* its error bar (None if no cut-off below c_max
        qualifies; then c_max is the best available, flagged by ``converged_at_max``).  The paired
        difference removes the sample-to-sample spread, which at fixed N is much larger than the
        cut-off effect.
    """
    c = np.asarray(cutoffs, dtype=float)
    v = np.asarray(values, dtype=float).reshape(-1, c.size)
    ref_col = v[:, -1]
    ref = seed_stats(ref_col)
    scale = abs(ref["mean"]) if np.isfinite(ref["mean"]) and ref["mean"] != 0 else math.nan
    rel, rel_sem, n_pairs = [], [], []
    for k in range(c.size):
        ok = np.isfinite(v[:, k]) & np.isfinite(ref_col)
        st = seed_stats((v[ok, k] - ref_col[ok]) / scale)
        rel.append(st["mean"])
        rel_sem.append(0.0 if k == c.size - 1 else st["sem"])
        n_pairs.append(st["n"])
    rel, rel_sem = np.array(rel), np.array(rel_sem)
    bound = np.abs(rel) + z * np.where(np.isfinite(rel_sem), rel_sem, np.inf)
    converged = None
    for k in range(c.size - 1, -1, -1):   # walk down from c_max while the bound holds
        if not (bound[k] < tol):
            break
        if k < c.size - 1:
            converged = float(c[k])
    return {"cutoffs": c.tolist(), "reference": ref["mean"], "reference_sem": ref["sem"],
            "relative": rel.tolist(), "relative_sem": rel_sem.tolist(), "pairs": n_pairs,
            "bound": bound.tolist(), "tol": tol, "z": z, "converged": converged,
            "converged_at_max": converged is None and bool(c.size)}


def _wls(x_cols: np.ndarray, y: np.ndarray, sigma: np.ndarray):
    """Weighted least squares y ≈ X p; returns (p, covariance, chi2, dof)."""
    w = 1.0 / sigma
    A = x_cols * w[:, None]
    b = y * w
    p, *_ = np.linalg.lstsq(A, b, rcond=None)
    r = b - A @ p
    chi2 = float(r @ r)
    dof = y.size - p.size
    try:
        cov = np.linalg.inv(A.T @ A)
    except np.linalg.LinAlgError:
        cov = np.full((p.size, p.size), np.nan)
    return p, cov, chi2, dof


def linear_fit(x, y, sigma) -> dict:
    """Weighted straight line y = a + b x (errors ``sigma``); the parameter errors are scaled by
    √(χ²/dof) when that exceeds 1 (scatter beyond the error bars widens them, never narrows)."""
    x, y, s = (np.asarray(a, dtype=float).ravel() for a in (x, y, sigma))
    ok = np.isfinite(x) & np.isfinite(y) & np.isfinite(s) & (s > 0)
    x, y, s = x[ok], y[ok], s[ok]
    if x.size < 2 or np.ptp(x) == 0:
        return {"intercept": math.nan, "slope": math.nan, "intercept_sigma": math.nan, "slope_sigma": math.nan,
                "chi2_dof": math.nan, "points": int(x.size)}
    p, cov, chi2, dof = _wls(np.stack([np.ones_like(x), x], 1), y, s)
    inflate = math.sqrt(max(1.0, chi2 / dof)) if dof > 0 else 1.0
    err = np.sqrt(np.diag(cov)) * inflate
    return {"intercept": float(p[0]), "slope": float(p[1]), "intercept_sigma": float(err[0]),
            "slope_sigma": float(err[1]), "chi2_dof": chi2 / dof if dof > 0 else math.nan, "points": int(x.size)}


def power_fit(x, y, sigma=None) -> dict:
    """Straight line in log–log: y = A x^p (positive x, y), weighted by the relative errors σ/y."""
    x, y = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
    s = np.ones_like(y) * 0.1 * np.abs(y) if sigma is None else np.asarray(sigma, dtype=float).ravel()
    ok = (x > 0) & (y > 0) & np.isfinite(s) & (s > 0)
    fit = linear_fit(np.log(x[ok]), np.log(y[ok]), s[ok] / y[ok])
    return {"amplitude": math.exp(fit["intercept"]) if np.isfinite(fit["intercept"]) else math.nan,
            "exponent": fit["slope"], "exponent_sigma": fit["slope_sigma"], "chi2_dof": fit["chi2_dof"],
            "points": fit["points"]}


def spread_fit(sizes, samples) -> dict:
    """Sample-to-sample spread versus N: std/|mean| per size (with its error std/√(2(n−1))) and a
    power law spread = A N^p through them (self-averaging: p = −1/2)."""
    n_arr, rel, err = [], [], []
    for N, vals in zip(sizes, samples):
        st = seed_stats(vals)
        if st["n"] >= 2 and np.isfinite(st["std"]) and st["mean"] != 0:
            n_arr.append(float(N))
            rel.append(st["std"] / abs(st["mean"]))
            err.append(rel[-1] / math.sqrt(2 * (st["n"] - 1)))
    fit = power_fit(n_arr, rel, err) if len(n_arr) >= 2 else {"amplitude": math.nan, "exponent": math.nan,
                                                               "exponent_sigma": math.nan, "chi2_dof": math.nan,
                                                               "points": len(n_arr)}
    fit.update(sizes=n_arr, relative_spread=rel, relative_spread_sigma=err)
    return fit


def extrapolate_size(sizes, samples, u, q: float = 1.0, fit_min_ratio: float = 0.0, bootstrap: int = 400,
                     seed: int = 0, smooth: bool = True) -> dict:
    """N → ∞ extrapolation of a per-sample quantity measured at several sample sizes.

    Model ``f(u) = f_∞ + a u^q`` with ``u = L_0/L`` (L = √(N/n_s) the sample side, L_0 the critical
    subnetwork's correlation length): q = 1 is the 1/L correction of the sample's free edges and
    electrode strips (a strip of width ~L_0 along each border differs from the bulk); q = 3/4 = 1/ν
    the percolation finite-size scaling of the threshold (an alternative reported for the model error).

    Parameters
    ----------
    sizes : (K,) N of each size;  samples : K arrays of per-seed values (NaN ignored);  u : (K,) L_0/L.
    q : the exponent of u;  fit_min_ratio : sizes with L/L_0 below this are shown but not fitted.
    bootstrap : resamples of the seeds (with replacement, within each size) for the uncertainty of f_∞.

    Returns
    -------
    dict
        ``f_inf``, ``f_inf_sigma`` (the larger of the least-squares error, scaled by √(χ²/dof) when
        above 1, and the bootstrap standard deviation), ``a`` (absolute amplitude) and ``a_sigma``,
        ``chi2_dof``, per-size ``mean``/``sem``/``n`` and the ``sigma`` used as weights: the standard
        error from the smoothed spread (:func:`spread_fit`) so that sizes with few seeds do not get
        noisy weights (``smooth=False``: each size's own standard error; sizes with one seed are
        then not fitted).
    """
    sizes = np.asarray(sizes, dtype=float)
    u = np.asarray(u, dtype=float)
    stats = [seed_stats(v) for v in samples]
    mean = np.array([s["mean"] for s in stats])
    counts = np.array([s["n"] for s in stats])
    spread = spread_fit(sizes, samples)
    if np.isfinite(spread["amplitude"]) and np.isfinite(spread["exponent"]):
        rel_sd = spread["amplitude"] * sizes ** spread["exponent"]
    else:
        pooled = [s["std"] / abs(s["mean"]) for s in stats if np.isfinite(s["std"]) and s["mean"]]
        rel_sd = np.full(sizes.shape, float(np.mean(pooled)) if pooled else 0.01)
    sigma = rel_sd * np.abs(mean) / np.sqrt(np.maximum(counts, 1))
    if not smooth:
        sigma = np.array([s["sem"] for s in stats], dtype=float)
    use = np.isfinite(mean) & (counts > 0) & (1.0 / u >= fit_min_ratio) & np.isfinite(sigma) & (sigma > 0)
    out = {"q": q, "sizes": sizes.tolist(), "u": u.tolist(), "mean": mean.tolist(),
           "sem": [s["sem"] for s in stats], "n": counts.tolist(), "sigma": sigma.tolist(),
           "fitted": use.tolist(), "fit_min_ratio": fit_min_ratio}
    if use.sum() < 2:
        out.update(f_inf=math.nan, f_inf_sigma=math.nan, a=math.nan, a_sigma=math.nan, chi2_dof=math.nan,
                   bootstrap_sigma=math.nan)
        return out
    X = np.stack([np.ones(use.sum()), u[use] ** q], 1)
    p, cov, chi2, dof = _wls(X, mean[use], sigma[use])
    inflate = math.sqrt(max(1.0, chi2 / dof)) if dof > 0 else 1.0
    err = np.sqrt(np.diag(cov)) * inflate
    rng = np.random.default_rng(seed)
    boot = []
    clean = [_finite(v) for v in samples]
    for _ in range(int(bootstrap)):
        m = np.array([rng.choice(v, v.size).mean() if v.size else np.nan for v in clean])
        pb, *_ = _wls(X, m[use], sigma[use])
        boot.append(pb[0])
    b_sd = float(np.std(boot, ddof=1)) if len(boot) > 1 else math.nan
    out.update(f_inf=float(p[0]), a=float(p[1]), a_sigma=float(err[1]), chi2_dof=chi2 / dof if dof > 0 else math.nan,
               lsq_sigma=float(err[0]), bootstrap_sigma=b_sd,
               f_inf_sigma=float(np.nanmax([err[0], b_sd])))
    return out


def constancy(x, y, sigma) -> dict:
    """Are the points y ± σ consistent with one constant?  Weighted mean, χ²/dof of the constant and
    its p-value, the slope of y against x (a weighted straight line) in units of its σ, and the
    relative change of that line across the range of x."""
    from scipy.stats import chi2 as chi2_dist

    x, y, s = (np.asarray(a, dtype=float).ravel() for a in (x, y, sigma))
    ok = np.isfinite(x) & np.isfinite(y) & np.isfinite(s) & (s > 0)
    x, y, s = x[ok], y[ok], s[ok]
    if y.size < 2:
        return {"mean": math.nan, "mean_sigma": math.nan, "chi2_dof": math.nan, "p_value": math.nan,
                "slope": math.nan, "slope_sigma": math.nan, "relative_change": math.nan, "points": int(y.size)}
    w = 1 / s ** 2
    mean = float(np.sum(w * y) / np.sum(w))
    chi2 = float(np.sum(w * (y - mean) ** 2))
    dof = y.size - 1
    line = linear_fit(x, y, s)
    change = line["slope"] * float(np.ptp(x)) / mean if mean else math.nan
    return {"mean": mean, "mean_sigma": float(1 / math.sqrt(np.sum(w))), "chi2_dof": chi2 / dof,
            "p_value": float(chi2_dist.sf(chi2, dof)), "slope": line["slope"], "slope_sigma": line["slope_sigma"],
            "relative_change": change, "relative_change_sigma": abs(line["slope_sigma"] * float(np.ptp(x)) / mean)
            if mean else math.nan, "points": int(y.size)}
