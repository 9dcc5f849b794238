"""Parameter sweeps of f(n_s, τ_s) on dask.distributed with a resumable result store.

One task per (n_s, seed): :func:`numerics.simulate.simulate` over the whole τ_s grid.  Tasks run
on process workers with one thread each (numba kernels must not be called from several threads of
one process); only this client process writes the store (:mod:`numerics.store`), as each future
completes, so an interrupted sweep resumes where it stopped and no result is lost or duplicated.

>>> ds = run_sweep(parse_grid("0.005:0.05:4:log"), range(4), sites=20000,
...                tau_s=parse_grid("0 1e2:1e8:7:log"), out="sweep.nc")      # doctest: +SKIP
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .store import RunRecord, SweepStore, open_sweep

__all__ = ["parse_grid", "parse_seeds", "GridError", "run_sweep", "sweep_report", "summarize", "SweepIncomplete",
           "run_one", "worker_threads", "DEFAULT_RETRIES"]

DEFAULT_RETRIES = 2
_SIG_DIGITS = 12  # grid values are rounded to 12 significant digits so that spellings compare equal


class GridError(ValueError):
    """A grid specification that cannot be parsed (the message names the bad item)."""


class SweepIncomplete(RuntimeError):
    """Some runs failed on every retry (e.g. their workers kept dying); rerun to retry them."""


# ----------------------------------------------------------------------------- grids

def _round(x: float) -> float:
    return float(f"{x:.{_SIG_DIGITS}g}")


def _parse_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise GridError(f"{text!r} is not a number") from None
    if math.isnan(value):
        raise GridError(f"{text!r} is not a number")
    return value


def parse_grid(spec) -> np.ndarray:
    """Parse a grid into a sorted array of unique floats.

    Parameters
    ----------
    spec : str, number or sequence of those
        Items separated by whitespace or commas (or given as a list).  An item is a number or a
        range ``START:STOP:COUNT[:log]`` — COUNT points from START to STOP inclusive, evenly spaced,
        or geometrically spaced with ``:log`` (then 0 < START, STOP).  Plain values and ranges mix
        freely, e.g. ``"0 1e2:1e14:25:log inf"``.

    Returns
    -------
    numpy.ndarray
        Sorted unique values, each rounded to 12 significant digits.

    Raises
    ------
    GridError
        With a message naming the bad item.
    """
    if isinstance(spec, (int, float, np.integer, np.floating)):
        items = [str(float(spec))]
    elif isinstance(spec, str):
        items = spec.replace(",", " ").split()
    else:
        items = []
        for part in spec:
            if isinstance(part, str):
                items.extend(part.replace(",", " ").split())
            else:
                items.append(repr(float(part)))
    values: list[float] = []
    for item in items:
        if ":" not in item:
            values.append(_parse_number(item))
            continue
        parts = item.split(":")
        if len(parts) not in (3, 4) or (len(parts) == 4 and parts[3].lower() not in ("log", "lin")):
            raise GridError(f"range {item!r} must be START:STOP:COUNT or START:STOP:COUNT:log")
        start, stop = _parse_number(parts[0]), _parse_number(parts[1])
        try:
            count = int(parts[2])
        except ValueError:
            raise GridError(f"range {item!r}: COUNT {parts[2]!r} is not an integer") from None
        if count < 1:
            raise GridError(f"range {item!r}: COUNT must be >= 1")
        if not (math.isfinite(start) and math.isfinite(stop)):
            raise GridError(f"range {item!r}: START and STOP must be finite")
        if count == 1 and start != stop:
            raise GridError(f"range {item!r}: COUNT 1 needs START == STOP")
        if len(parts) == 4 and parts[3].lower() == "log":
            if start <= 0 or stop <= 0:
                raise GridError(f"range {item!r}: a log range needs START > 0 and STOP > 0")
            values.extend(np.geomspace(start, stop, count).tolist())
        else:
            values.extend(np.linspace(start, stop, count).tolist())
    if not values:
        raise GridError("empty grid")
    return np.array(sorted({_round(v) if math.isfinite(v) else v for v in values}), dtype=float)


def parse_seeds(spec) -> np.ndarray:
    """``K`` (an integer) means seeds 0..K−1; a list or a grid string gives explicit seeds."""
    if isinstance(spec, (int, np.integer)):
        if spec < 1:
            raise GridError(f"the number of seeds must be >= 1, got {spec}")
        return np.arange(int(spec), dtype=np.int64)
    if isinstance(spec, str) and spec.strip().isdigit() and ":" not in spec:
        return parse_seeds(int(spec))
    values = parse_grid(spec) if isinstance(spec, str) else parse_grid(list(spec))
    if values.size == 0 or np.any(values != np.round(values)) or np.any(values < 0):
        raise GridError(f"seeds must be non-negative integers, got {spec!r}")
    return np.unique(values.astype(np.int64))


# ----------------------------------------------------------------------------- the task

def run_one(site_density: float, seed: int, sites: int, tau_s: Sequence[float], hop_cutoff: float) -> dict:
    """One sweep task: ``simulate`` for one (n_s, seed) over the whole τ_s grid.

    Runs on a worker.  Deterministic failures (non-percolating sample, conservation violated,
    bad parameter) are returned as an ``error`` so that they are recorded and not retried;
    anything else raises and is retried by dask.
    """
    import warnings

    from .kirchhoff import ConservationError
    from .network import NotPercolatingError
    from .simulate import ParameterError, simulate

    start = time.perf_counter()
    kwargs = _thread_limit()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            r = simulate(site_density, sites, seed=int(seed), tau_s=tau_s, hop_cutoff=hop_cutoff, keep_fields=False,
                         **kwargs)
    except (NotPercolatingError, ConservationError, ParameterError) as exc:
        return {"site_density": site_density, "seed": int(seed), "error": f"{type(exc).__name__}: {exc}",
                "seconds": time.perf_counter() - start}
    return {"site_density": site_density, "seed": int(seed), "f_dr": float(r.f_dr),
            "f_diff": [float(v) for v in r.f_diff], "f": [float(v) for v in r.f],
            "diagnostics": {"max_conservation_error": float(r.max_conservation_error),
                            "max_balance_error": float(r.max_balance_error), "cluster_sites": int(r.cluster_sites),
                            "bonds": int(r.bonds), "triangles": int(r.triangles), "seconds": float(r.seconds)},
            "error": None}


def worker_threads() -> int:
    """Threads one run may use on this worker: ``NUMBA_NUM_THREADS`` (1 on the embedded cluster)."""
    try:
        return max(1, int(os.environ.get("NUMBA_NUM_THREADS", "1")))
    except ValueError:
        return 1


def _thread_limit() -> dict:
    """Keep a run inside the worker's share of the cores: ``simulate(threads=worker_threads())``.

    ``numerics.laplacian.solve_shifted`` otherwise runs the τ_s shifts in ``os.cpu_count()``
    threads, which oversubscribes a node running one worker per core (and multiplies its memory).
    """
    return {"threads": worker_threads()}


def _record(result: dict, n_tau: int) -> RunRecord:
    if result.get("error"):
        return RunRecord(float(result["site_density"]), int(result["seed"]), f_diff=[math.nan] * n_tau,
                         f=[math.nan] * n_tau, error=result["error"])
    return RunRecord(float(result["site_density"]), int(result["seed"]), f_dr=result["f_dr"],
                     f_diff=result["f_diff"], f=result["f"], diagnostics=result["diagnostics"])


# ----------------------------------------------------------------------------- the sweep

def _start_client(scheduler, workers):
    """A distributed Client, and the LocalCluster we started (or None)."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        if isinstance(scheduler, Client):
            return scheduler, None, False
        return Client(scheduler), None, True
    n = int(workers) if workers else (os.cpu_count() or 1)
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                           env={"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                                "OPENBLAS_NUM_THREADS": "1"})
    return Client(cluster), cluster, True


def run_sweep(densities, seeds, sites: int, tau_s, out, scheduler=None, workers: int | None = None,
              hop_cutoff: float = 1.5, progress: bool = True, retries: int = DEFAULT_RETRIES,
              flush_seconds: float = 5.0, raise_incomplete: bool = True):
    """Run the (n_s, seed) grid on dask.distributed and write it incrementally to ``out``.

    Parameters
    ----------
    densities : array-like or str
        n_s a_b² values (a string is parsed with :func:`parse_grid`).
    seeds : int, array-like or str
        ``K`` means seeds 0..K−1; otherwise explicit seeds.
    sites : int
        N, sites per sample.
    tau_s : array-like or str
        Spin relaxation times in τ0; every run computes f for the whole grid.
    out : str or Path
        ``*.nc`` (netCDF) or ``*.zarr``.  An existing store with the same ``sites``, ``hop_cutoff``
        and τ_s grid is resumed (finished runs are skipped); other parameters are refused with
        :class:`numerics.store.StoreMismatchError`.
    scheduler : str or distributed.Client, optional
        Address of an existing scheduler (``tcp://host:8786``) or a connected Client.  Default: an
        embedded ``LocalCluster(n_workers=workers or cores, threads_per_worker=1, processes=True)``.
    workers : int, optional
        Workers of the embedded cluster (ignored with ``scheduler``).
    hop_cutoff : float
        Bond cut-off in l_c (default 1.5).
    progress : bool
        tqdm progress bar (runs done / total, time left); it stays quiet when stderr is no terminal.
    retries : int
        dask ``retries=`` for a task that raised (a task whose worker died is rescheduled by the
        scheduler up to ``distributed.scheduler.allowed-failures`` times).
    flush_seconds : float
        netCDF is rewritten at most this often while running (the journal is always current).
    raise_incomplete : bool
        Raise :class:`SweepIncomplete` at the end when runs are still missing (after writing).

    Returns
    -------
    xarray.Dataset
        The store's content (all runs of the store, including ones from earlier invocations).
    """
    from distributed import as_completed
    from tqdm.auto import tqdm

    from .simulate import validate_parameters

    densities = parse_grid(densities) if isinstance(densities, str) else parse_grid(list(np.atleast_1d(densities)))
    seeds = parse_seeds(seeds if isinstance(seeds, (int, np.integer, str)) else list(seeds))
    taus = parse_grid(tau_s) if isinstance(tau_s, str) else np.atleast_1d(np.asarray(tau_s, dtype=float))
    if np.any(np.diff(taus) <= 0):
        taus = np.unique(taus)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for d in densities:  # raise ParameterError before any cluster starts
            validate_parameters(d, sites, taus, hop_cutoff)
    sites, hop_cutoff = int(sites), float(hop_cutoff)
    tau_list = [float(t) for t in taus]

    with SweepStore(out, densities, seeds, sites, hop_cutoff, taus, flush_seconds=flush_seconds) as store:
        todo = store.pending(densities, seeds)
        total = len(densities) * len(seeds)
        missing = []
        if todo:
            client, cluster, own_client = _start_client(scheduler, workers)
            try:
                futures = {}
                for d, s in todo:
                    fut = client.submit(run_one, d, s, sites, tau_list, hop_cutoff, retries=retries, pure=False,
                                        key=f"hopspin-run-{d!r}-{s}-{os.getpid()}-{time.time_ns()}")
                    futures[fut] = (d, s)
                bar = tqdm(total=total, initial=total - len(todo), unit="run", desc="sweep", disable=None
                           if progress else True, file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
                try:
                    for fut in as_completed(list(futures)):
                        key = futures.pop(fut)
                        if fut.status == "error":
                            missing.append((key, repr(fut.exception())))
                            bar.write(f"hopspin: run n_s={key[0]:g} seed={key[1]} failed: {fut.exception()!r}")
                        else:
                            store.add(_record(fut.result(), len(tau_list)))
                        fut.release()
                        bar.update(1)
                finally:
                    bar.close()
                    for fut in futures:
                        fut.cancel()
            finally:
                if own_client:
                    client.close()
                if cluster is not None:
                    cluster.close()
        store.flush(force=True)
        ds = store.to_dataset()
    if missing and raise_incomplete:
        raise SweepIncomplete(f"{len(missing)} of {total} runs did not finish (first: n_s={missing[0][0][0]:g} "
                              f"seed={missing[0][0][1]}: {missing[0][1]}); the others are saved in {out}; "
                              "rerun the same command to retry")
    return ds


# ----------------------------------------------------------------------------- report

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
    outdir.mkdir(parents=True, exist_ok=True)
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
        fig.savefig(p, dpi=150)
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
        fig.savefig(p, dpi=150)
        written.append(p)
    plt.close(fig)

    # tables
    csv = outdir / "summary.csv"
    with open(csv, "w", encoding="utf-8") as fh:
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
    md.write_text("\n".join(lines) + "\n", encoding="utf-8")
    written.append(md)
    return written

