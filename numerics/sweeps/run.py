"""Parameter sweeps of f(n_s, τ_s) on dask.distributed with a resumable result store.

One task per (n_s, seed): :func:`numerics.simulate.simulate` over the whole τ_s grid.  Tasks run
on process workers with one thread each (numba kernels must not be called from several threads of
one process); only this client process writes the store (:mod:`numerics.sweeps.store`), as each future
completes, so an interrupted sweep resumes where it stopped and no result is lost or duplicated.

>>> ds = run_sweep(site_density="0.005:0.05:4:log", seeds=4, sites=20000,
...                tau_s="0 1e2:1e8:7:log", out="sweep.nc")      # doctest: +SKIP
"""

from __future__ import annotations

import logging
import os
import sys
import time

import numpy as np

from hopspin.errors import HopspinError, SweepIncomplete

from ..config import SimulationConfig, resolve_config
from .cost import check_sweep_size, sweep_cost
from .dataset import axis_type, order_axes
from .grid import parse_grid, parse_seeds
from .journal import RunRecord
from .store import SweepStore, check_location

__all__ = ["run_sweep", "SweepIncomplete", "run_one", "worker_threads", "DEFAULT_RETRIES"]

DEFAULT_RETRIES = 2

# ----------------------------------------------------------------------------- the task

def run_one(config: SimulationConfig) -> dict:
    """One sweep task: :func:`numerics.simulate.simulate` for one (n_s, seed) over the whole τ_s grid.

    Runs on a worker.  Returns ``{"record": <the result's schema record>}``, or ``{"error": ...}`` for a
    deterministic failure (any :class:`hopspin.errors.HopspinError`: a non-percolating sample, a failed
    conservation check, a bad parameter), which is recorded and not retried; anything else raises and
    is retried by dask.
    """
    import warnings

    from ..simulate import simulate

    config = config.replace(threads=worker_threads())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            r = simulate(config, keep_fields=False)
    except HopspinError as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {"record": r.to_record()}


def worker_threads() -> int:
    """Threads one run may use on this worker: ``NUMBA_NUM_THREADS`` (1 on the embedded cluster)."""
    try:
        return max(1, int(os.environ.get("NUMBA_NUM_THREADS", "1")))
    except ValueError:
        return 1


def _record(key: dict, result: dict) -> RunRecord:
    """The journal record of one task's result (the schema's quantities only)."""
    from ..results import SIMULATION_QUANTITIES

    if result.get("error"):
        return RunRecord(key, error=result["error"])
    rec = result["record"]
    return RunRecord(key, {q.name: rec[q.name] for q in SIMULATION_QUANTITIES if q.name in rec})


# ----------------------------------------------------------------------------- the sweep

def _start_client(scheduler, workers):
    """A distributed Client, and the LocalCluster we started (or None)."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        if isinstance(scheduler, Client):
            return scheduler, None, False
        return Client(scheduler), None, True
    n = int(workers) if workers else (os.cpu_count() or 1)
    # dashboard off; the scheduler still opens an HTTP server (health routes), by default on port 8787 with a
    # "Port 8787 is already in use" warning when another cluster holds it: port 0 lets the OS choose, silently
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                           scheduler_kwargs={"dashboard_address": ":0"}, silence_logs=logging.ERROR,
                           env={"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                                "OPENBLAS_NUM_THREADS": "1"})
    return Client(cluster), cluster, True


def _shut_down(client, cluster, own_client) -> None:
    """Close the client and our cluster quickly and quietly (also after Ctrl-C, while tasks run: the
    worker processes are terminated rather than waited for; the journal already holds every result)."""
    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        if own_client:
            client.close(timeout=5)
        if cluster is not None:
            cluster.close(timeout=5)
    except Exception:  # noqa: BLE001 - best effort: a cluster torn down mid-task may complain
        pass
    finally:
        quiet.setLevel(level)


def run_sweep(config: SimulationConfig | None = None, *, out, site_density=None, seeds=None, grid: dict | None = None,
              scheduler=None, workers: int | None = None, progress: bool = True, retries: int = DEFAULT_RETRIES,
              flush_seconds: float = 5.0, raise_incomplete: bool = True, confirm: bool = False,
              say=None, **overrides):
    """Run a grid of :func:`numerics.simulate.simulate` on dask.distributed into a resumable store.

    Parameters
    ----------
    config : SimulationConfig, optional
        Sites, τ_s grid, cut-off and engine of every run (the defaults if None).
    out : str or Path
        ``*.nc`` (netCDF) or ``*.zarr``.  An existing store with the same axes and fixed parameters is
        resumed (finished runs are skipped); others are refused with
        :class:`hopspin.errors.StoreMismatchError`.
    site_density : number, sequence or str, optional
        The n_s a_b² axis (a string is parsed with :func:`numerics.sweeps.grid.parse_grid`); default
        the config's single density.
    seeds : int, sequence or str, optional
        ``K`` means seeds 0..K−1; otherwise explicit seeds (:func:`numerics.sweeps.grid.parse_seeds`);
        default the config's seed.
    grid : dict, optional
        Further axes, ``{field: values}`` for any of ``hop_cutoff``, ``sites``, ``energy_disorder``
        (:data:`numerics.sweeps.dataset.SWEEPABLE`); each becomes a dimension of the store.
    scheduler : str or distributed.Client, optional
        Address of an existing scheduler (``tcp://host:8786``) or a connected Client.  Default: an
        embedded ``LocalCluster(n_workers=workers or cores, threads_per_worker=1, processes=True)``.
    workers : int, optional
        Workers of the embedded cluster (ignored with ``scheduler``).
    progress : bool
        tqdm progress bar (runs done / total, time left); it stays quiet when stderr is no terminal.
    retries : int
        dask ``retries=`` for a task that raised (a task whose worker died is rescheduled by the
        scheduler up to ``distributed.scheduler.allowed-failures`` times).
    flush_seconds : float
        netCDF is rewritten at most this often while running (the journal is always current).
    raise_incomplete : bool
        Raise :class:`hopspin.errors.SweepIncomplete` at the end when runs are still missing.
    confirm : bool
        Start even a sweep above :data:`numerics.sweeps.cost.MAX_RUNS` runs or
        :data:`numerics.sweeps.cost.MAX_HOURS` estimated hours (refused otherwise, before anything starts).
    say : callable, optional
        Called with one line: the cost estimate (runs, time, memory) before the runs start.
    **overrides
        Fields of :class:`SimulationConfig` (``tau_s`` may also be a grid string).

    Returns
    -------
    xarray.Dataset
        The store's content (all runs of the store, including ones from earlier invocations): the
        result schema of :class:`numerics.simulate.SimulationResult` stacked along the sweep axes.
    """
    import itertools

    if isinstance(overrides.get("tau_s"), str):
        overrides["tau_s"] = parse_grid(overrides["tau_s"]).tolist()
    base = resolve_config(config, overrides)
    taus = np.unique(base.tau_s_array) if np.any(np.diff(base.tau_s_array) <= 0) else base.tau_s_array
    base = base.replace(tau_s=tuple(taus.tolist()))
    requested = dict(grid or {})
    requested["site_density"] = [base.site_density] if site_density is None else \
        (site_density if isinstance(site_density, str) else list(np.atleast_1d(site_density)))
    names = order_axes(set(requested) | {"seed"})
    axes = {}
    for a in names:
        if a == "seed":
            axes[a] = parse_seeds([base.seed if base.seed is not None else 0] if seeds is None else
                                  (seeds if isinstance(seeds, (int, np.integer, str)) else list(seeds))).tolist()
        else:
            values = requested[a]
            parsed = parse_grid(values if isinstance(values, str) else list(np.atleast_1d(values)))
            axes[a] = [axis_type(a)(v) for v in parsed]
    configs = {}
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for cell in itertools.product(*(axes[a] for a in names)):  # every run checked before a cluster starts
            cfg = base.replace(**dict(zip(names, cell)))
            configs[cell] = cfg
            if cell[-1] == axes["seed"][0]:
                cfg.model_warnings()  # refuses a sample far too small
    fixed = {k: getattr(base, k) for k in ("sites", "hop_cutoff") if k not in names}
    if "energy_disorder" in names or base.energy_disorder:     # equal-energy stores keep their old header
        fixed["energy_distribution"] = base.energy_distribution
        if "energy_disorder" not in names:
            fixed["energy_disorder"] = base.energy_disorder
    params = {**fixed, "tau_s": list(base.tau_s)}
    check_location(out)   # the store's place, before anything is said or started
    n_workers = int(workers) if workers else (os.cpu_count() or 1)
    sites = max(c.sites for c in configs.values())
    cutoff = max(c.hop_cutoff for c in configs.values())
    cost = sweep_cost(len(configs), sites, len(base.tau_s), n_workers, cutoff)
    check_sweep_size(cost, confirm)
    if say is not None:
        say(f"sweep: {cost.describe()}")
    return _run(configs, axes, params, out, scheduler, workers, progress, retries, flush_seconds, raise_incomplete)


def _run(configs, axes, params, out, scheduler, workers, progress, retries, flush_seconds, raise_incomplete):
    from distributed import as_completed
    from tqdm.auto import tqdm

    names = tuple(axes)
    with SweepStore(out, axes, params, flush_seconds=flush_seconds) as store:
        todo = store.pending(axes)
        total = len(configs)
        missing = []
        if todo:
            client, cluster, own_client = _start_client(scheduler, workers)
            try:
                futures = {}
                for key in todo:
                    label = "-".join(repr(v) for v in key)
                    fut = client.submit(run_one, configs[key], retries=retries, pure=False,
                                        key=f"hopspin-run-{label}-{os.getpid()}-{time.time_ns()}")
                    futures[fut] = key
                bar = tqdm(total=total, initial=total - len(todo), unit="run", desc="sweep", disable=None
                           if progress else True, file=sys.stderr, dynamic_ncols=True, smoothing=0.1)
                try:
                    for fut in as_completed(list(futures)):
                        key = futures.pop(fut)
                        if fut.status == "error":
                            missing.append((key, repr(fut.exception())))
                            bar.write(f"hopspin: run {dict(zip(names, key))} failed: {fut.exception()!r}")
                        else:
                            store.add(_record(dict(zip(names, key)), fut.result()))
                        fut.release()
                        bar.update(1)
                finally:
                    bar.close()
                    if futures:  # interrupted (Ctrl-C) or failed: cancel what is left in one call
                        client.cancel(list(futures), force=True)
            finally:
                _shut_down(client, cluster, own_client)
        store.flush(force=True)
        ds = store.to_dataset()
    if missing and raise_incomplete:
        first = ", ".join(f"{a}={v}" for a, v in zip(names, missing[0][0]))
        raise SweepIncomplete(f"{len(missing)} of {total} runs did not finish (first: {first}: {missing[0][1]}); the "
                              f"others are saved in {out}; rerun the same command to retry")
    return ds
