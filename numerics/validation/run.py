"""Run the validation studies through the sweep machinery into resumable stores; return the summary.

Every run group is one store of :func:`numerics.sweeps.run_sweep` under ``OUT/stores/<mode>/`` (netCDF
plus its journal), on one shared dask LocalCluster: an interrupted validation resumes where it stopped
when the same command is run again (finished runs are skipped, the choices of study 4 — cut-off and
size per density — are derived again from the same stored results of studies 1 and 2).

>>> summary = run_validation("validation-out", quick=True)          # doctest: +SKIP
>>> summary["cutoff"]["0.1"]["converged"]                            # doctest: +SKIP
"""
from __future__ import annotations

import json
import math
import os
import resource
import time
import warnings
from pathlib import Path

import numpy as np

from hopspin._io import output_dir, write_text

from ..results import json_safe
from .studies import ValidationPlan, plan_cost, validation_plan

__all__ = ["run_validation", "run_studies", "study_arrays", "choose_density_grid", "SUMMARY_NAME"]

#: the summary written into the output directory
SUMMARY_NAME = "validation.json"


def _peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def study_arrays(ds) -> dict:
    """The per-seed arrays of one store with a single density (and optionally a hop_cutoff axis).

    Returns ``{"f_dr": (S[, C]) ..., "f": (S[, C], T), "critical_bond_length", "log_border_current",
    "seconds", "bonds", "cluster_sites"}`` with NaN where a run failed or is missing, the seeds as the
    first axis and, with a cut-off axis, the cut-offs second; plus ``"seed"``, ``"hop_cutoff"`` (or
    None), ``"tau_s"`` and ``"failures"`` (count).
    """
    ds = ds.isel(site_density=0)
    ok = ((ds["done"] == 1) & (ds["failed"] == 0))
    has_c = "hop_cutoff" in ds.dims
    out = {"seed": ds["seed"].values.tolist(), "tau_s": ds["tau_s"].values.tolist(),
           "hop_cutoff": ds["hop_cutoff"].values.tolist() if has_c else None,
           "failures": int(ds["failed"].sum()), "missing": int((ds["done"] == 0).sum())}
    for name in ("f_dr", "f", "critical_bond_length", "log_border_current", "seconds", "bonds", "cluster_sites"):
        v = ds[name].astype(float).where(ok)
        if name in ("bonds", "cluster_sites"):
            v = v.where(v >= 0)
        dims = ("seed",) + (("hop_cutoff",) if has_c else ()) + (("tau_s",) if "tau_s" in v.dims else ())
        out[name] = np.asarray(v.transpose(*dims).values, dtype=float)
    return out


def choose_density_grid(plan: ValidationPlan, converged: dict, size_fits: dict) -> tuple[dict, dict, dict]:
    """Study 4's cut-off and sites per density, from the results of studies 1 and 2.

    Cut-off: the 1 % cut-off of study 1 at the studied densities bracketing n_s (the larger of the two;
    the nearest outside the studied range), at least ``plan.density.min_cutoff``; where study 1 found no
    converged cut-off below its largest, that largest.  Size: L/L_0 = max over the densities of study 2
    of (|α| + σ_α)/bias_target, α = a/f_∞ the relative amplitude of the 1/L correction (the bias at
    L/L_0 = r is α/r), clamped to ``ratio_range``; N = (L/L_0)² n_s L_0², clamped to the site limits.

    Returns ``(cutoffs, sites, info)`` keyed by density.
    """
    studied = sorted(converged)
    cuts = {}
    for d in plan.density.densities:
        below = [s for s in studied if s <= d]
        above = [s for s in studied if s >= d]
        picks = [converged[below[-1]]] if below else []
        picks += [converged[above[0]]] if above else []
        cuts[d] = max([plan.density.min_cutoff] + [c for c in picks if c is not None])
    alphas = []
    for d, fit in size_fits.items():
        f_inf, a, sa = fit.get("f_inf", math.nan), fit.get("a", math.nan), fit.get("a_sigma", math.nan)
        if np.isfinite(f_inf) and f_inf != 0 and np.isfinite(a):
            alphas.append((abs(a) + (sa if np.isfinite(sa) else 0.0)) / abs(f_inf))
    lo, hi = plan.density.ratio_range
    ratio = plan.density.default_ratio if not alphas else min(hi, max(lo, max(alphas) / plan.density.bias_target))
    sites = {d: plan.density.sites_for(d, ratio) for d in plan.density.densities}
    return cuts, sites, {"ratio": ratio, "alpha_bound": max(alphas) if alphas else None,
                         "bias_target": plan.density.bias_target}


class _Cluster:
    """One embedded dask LocalCluster for every store (or an existing scheduler)."""

    def __init__(self, workers, scheduler):
        from ..sweeps.run import _start_client

        self.client, self.cluster, self.own = _start_client(scheduler, workers)

    def worker_peaks(self) -> dict:
        try:
            return {str(k): round(v, 3) for k, v in self.client.run(_peak_rss_gib).items()}
        except Exception:  # noqa: BLE001 - a diagnostic only
            return {}

    def close(self):
        from ..sweeps.run import _shut_down

        _shut_down(self.client, self.cluster, self.own)


def _sweep(cluster, store, say, progress, **kw):
    from ..sweeps import run_sweep

    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")        # small samples on purpose (L < L_0 warnings)
        ds = run_sweep(out=store, scheduler=cluster.client, progress=progress, raise_incomplete=False, **kw)
    say(f"      {Path(store).name}: {int(ds['done'].sum())}/{ds['done'].size} runs in {time.perf_counter() - t:.1f} s")
    return ds


def run_studies(plan: ValidationPlan, stores: Path, *, workers=None, scheduler=None, say=None,
                progress=False, analyse=None) -> dict:
    """Run studies 1, 2 and 4 of ``plan`` into ``stores``; returns their per-seed arrays.

    ``analyse(arrays) -> (converged, size_fits)`` turns the arrays of studies 1 and 2 into what
    :func:`choose_density_grid` needs (default :func:`numerics.validation.summary.choices`).
    """
    from .summary import choices

    say = say or (lambda m: None)
    analyse = analyse or (lambda arrays: choices(plan, arrays))
    stores = output_dir(stores)
    tau = list(plan.tau_s)
    arrays = {"cutoff": {}, "size": {}, "density": {}, "choices": {}}
    cluster = _Cluster(workers, scheduler)
    try:
        cs = plan.cutoff
        say(f"study 1/4: cut-off {list(cs.cutoffs)} l_c at n_s a_b^2 = {list(cs.densities)}, {cs.seeds} seeds")
        for d in cs.densities:
            n = cs.sites_for(d)
            ds = _sweep(cluster, stores / f"cutoff_ns{d:g}_N{n}.nc", say, progress, site_density=[d], seeds=cs.seeds,
                        sites=n, grid={"hop_cutoff": list(cs.cutoffs)}, tau_s=tau)
            arrays["cutoff"][d] = {"sites": n, **study_arrays(ds)}
        ss = plan.size
        say(f"study 2/4: finite size at n_s a_b^2 = {list(ss.densities)}, {ss.hop_cutoff:g} l_c")
        for d in ss.densities:
            arrays["size"][d] = {}
            for n, k in ss.sizes(d):
                ds = _sweep(cluster, stores / f"size_ns{d:g}_N{n}.nc", say, progress, site_density=[d], seeds=k,
                            sites=n, hop_cutoff=ss.hop_cutoff, tau_s=tau)
                arrays["size"][d][n] = study_arrays(ds)
        converged, size_fits = analyse(arrays)
        cuts, sites, info = choose_density_grid(plan, converged, size_fits)
        arrays["choices"] = {"cutoff": cuts, "sites": sites, **info}
        est = plan_cost(plan, cluster_workers(cluster, workers), sites, cuts)["density"]
        say(f"study 4/4: f(n_s) at L/L_0 = {info['ratio']:.3g} (N = {sorted(set(sites.values()))}), cut-offs "
            f"{ {k: v for k, v in cuts.items()} } l_c; estimate ~{est['wall_seconds']:.0f} s")
        for d in plan.density.densities:
            n, c = sites[d], cuts[d]
            # seeds from 1000: never the samples of study 2 (same n_s and N would repeat them)
            ds = _sweep(cluster, stores / f"density_ns{d:g}_N{n}_c{c:g}.nc", say, progress, site_density=[d],
                        seeds=list(range(1000, 1000 + plan.density.seeds)), sites=n, hop_cutoff=c, tau_s=tau)
            arrays["density"][d] = {"sites": n, "hop_cutoff": c, **{k: v for k, v in study_arrays(ds).items()
                                                                     if k != "hop_cutoff"}}
        arrays["worker_peak_rss_gib"] = cluster.worker_peaks()
    finally:
        cluster.close()
    return arrays


def cluster_workers(cluster, workers) -> int:
    try:
        return max(1, len(cluster.client.scheduler_info().get("workers", {})))
    except Exception:  # noqa: BLE001
        return int(workers or os.cpu_count() or 1)


def run_validation(out, *, quick: bool = False, workers: int | None = None, scheduler=None, say=None,
                   progress: bool = False, figures: bool = True) -> dict:
    """Run (or resume) every study of ``hopspin validate`` and write the summary, CSV and figures.

    Parameters
    ----------
    out : directory for ``validation.json``, the figures (PNG + PDF), ``validation_*.csv`` and the
        stores (``stores/<mode>/*.nc``).
    quick : the quick grids (:func:`numerics.validation.studies.validation_plan`).
    workers : workers of the embedded dask cluster (default: cores); scheduler : an existing one.
    say : one-line progress messages.

    Returns
    -------
    dict
        The strict-JSON summary (also written to ``OUT/validation.json``): the plan, its estimated and
        measured cost, and per study the means, error bars, fits and verdicts
        (:func:`numerics.validation.summary.summarize`).
    """
    from .summary import summarize

    say = say or (lambda m: None)
    out = output_dir(out, "--out")
    plan = validation_plan(quick)
    n_workers = int(workers) if workers else (os.cpu_count() or 1)
    estimate = plan_cost(plan, n_workers)
    say(f"hopspin validate ({plan.mode}): ~{estimate['total']['runs']} runs, estimated "
        f"~{estimate['total']['wall_seconds'] / 60:.1f} min on {n_workers} workers (study 4 is sized from 1 and 2)")
    started = time.perf_counter()
    arrays = run_studies(plan, out / "stores" / plan.mode, workers=workers, scheduler=scheduler, say=say,
                         progress=progress)
    run_seconds = time.perf_counter() - started
    say("analysis and figures")
    summary = summarize(plan, arrays)
    summary["cost"] = {"estimate": estimate, "wall_seconds": round(run_seconds, 1),
                       "core_seconds_measured": _core_seconds(arrays),
                       "worker_peak_rss_gib": arrays.get("worker_peak_rss_gib", {}),
                       "client_peak_rss_gib": round(_peak_rss_gib(), 3), "workers": n_workers}
    groups = list(arrays["cutoff"].values()) + [g for per in arrays["size"].values() for g in per.values()] \
        + list(arrays["density"].values())
    summary["missing_runs"] = int(sum(g["missing"] for g in groups))
    summary["failed_runs"] = int(sum(g["failures"] for g in groups))
    if figures:
        from .figures import write_figures

        summary["figures"] = [str(p.relative_to(out)) for p in write_figures(summary, out)]
    summary["seconds"] = round(time.perf_counter() - started, 1)
    write_text(out / SUMMARY_NAME, json.dumps(json_safe(summary), indent=1, allow_nan=False))
    return json_safe(summary)


def _core_seconds(arrays) -> dict:
    """Measured run seconds (sum over runs) per study, from the stores' ``seconds``."""
    def total(groups):
        return float(sum(np.nansum(g["seconds"]) for g in groups))
    size_groups = [g for per in arrays["size"].values() for g in per.values()]
    return {"cutoff": round(total(arrays["cutoff"].values()), 1), "size": round(total(size_groups), 1),
            "density": round(total(arrays["density"].values()), 1)}
