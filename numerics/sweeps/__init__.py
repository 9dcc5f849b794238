"""Parameter sweeps on dask.distributed with a resumable result store.

``grid`` (grids and seeds), ``run`` (the sweep: one task per (n_s, seed)), ``journal`` and ``store``
(the interruption-safe store), ``dataset`` (the store's layout: the one result schema stacked along
the sweep axes), ``report`` (figures and tables).
"""
from .grid import parse_grid, parse_seeds
from .report import summarize, sweep_report
from .run import DEFAULT_RETRIES, run_one, run_sweep, worker_threads
from .store import SweepStore, open_sweep, store_format

__all__ = ["parse_grid", "parse_seeds", "run_sweep", "run_one", "worker_threads", "DEFAULT_RETRIES", "SweepStore",
           "open_sweep", "store_format", "summarize", "sweep_report"]
