"""``hopspin sweep`` and ``hopspin sweep-report``: parameter sweeps on dask.distributed (no SymPy)."""

from __future__ import annotations

import sys

from ._common import UsageError, progress_printer

__all__ = ["register"]

_SWEEP_HELP = """\
Run f(n_s, tau_s) for every (site density, seed) on dask.distributed and write the results
incrementally to one store (netCDF or zarr).  Rerunning the same command resumes: finished runs are
skipped.

Options
-------
--site-density GRID
    n_s a_b^2 values: numbers and ranges START:STOP:COUNT[:log] (linear unless ':log'), mixed
    freely, e.g. ``0.002:0.1:12:log`` or ``0.005 0.01 0.02``.
--seeds K | LIST
    K: seeds 0..K-1; several values: those seeds (e.g. ``--seeds 3 7 11``).
--sites N
    Sites per sample.
--tau-s GRID
    Spin relaxation times in tau_0, same syntax (``0 1e2:1e14:25:log``); every run computes all.
--cutoff X
    Bond cut-off in l_c (default 1.5).
--energy-disorder GRID
    Spread of the site energies W/k_BT (same syntax; default 0: equal energies).  One value: every run
    has it; several: W/k_BT becomes a dimension of the store.
--energy-distribution uniform|gaussian
    Site energies uniform of width W (default) or Gaussian of r.m.s. W.
--out PATH
    Store: ``*.nc`` (netCDF, h5netcdf) or ``*.zarr``; a journal ``PATH.journal.jsonl`` sits next to it.
--scheduler ADDRESS
    Existing dask scheduler (``tcp://host:8786``); default: an embedded LocalCluster.
--workers K
    Process workers of the embedded LocalCluster (default: number of cores; one thread each).
--retries R
    Retries of a task that raised (default 2).
--yes
    Start even a sweep above 2000 runs or 12 estimated hours (the cost estimate is printed first; larger
    sweeps are refused without it).
--quiet
    No progress bar and no cost line (the bar is also off when stderr is not a terminal).
"""

_REPORT_HELP = """\
Plot and tabulate a sweep store: mean over seeds with error bars (standard error std/sqrt(n)).

Options
-------
STORE
    The sweep store (``*.nc`` or ``*.zarr``); runs only in its journal are included.
--out DIR
    Output directory (default: ``<store>-report`` next to the store).  Writes f_vs_density.png/.pdf
    (f(n_s, tau_s=0) vs n_s), f_vs_tau.png/.pdf (f vs tau_0/tau_s per density), summary.csv, summary.md.
"""


def _grid_option(option: str, values):
    from hopspin.errors import GridError
    from numerics.sweeps.grid import parse_grid

    try:
        return parse_grid(values)
    except GridError as exc:
        raise GridError(f"{option}: {exc}", parameter=option) from None


def _cmd_sweep(args) -> int:
    from hopspin.errors import GridError, SweepIncomplete
    from numerics.sweeps import parse_seeds, run_sweep, store_format

    densities = _grid_option("--site-density", args.site_density)
    taus = _grid_option("--tau-s", args.tau_s)
    grid, fixed = {}, {"energy_distribution": args.energy_distribution}
    if args.energy_disorder is not None:
        disorder = _grid_option("--energy-disorder", args.energy_disorder).tolist()
        if len(disorder) > 1:
            grid["energy_disorder"] = disorder
        else:
            fixed["energy_disorder"] = disorder[0]
    try:
        seeds = parse_seeds(args.seeds)
    except GridError as exc:
        raise GridError(f"--seeds: {exc}", parameter="--seeds") from None
    store_format(args.out)
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be >= 1, got {args.workers}")
    if args.retries < 0:
        raise UsageError(f"--retries must be >= 0, got {args.retries}")
    say = progress_printer(not args.quiet)
    try:
        ds = run_sweep(out=args.out, site_density=densities, seeds=seeds, sites=args.sites, tau_s=taus.tolist(),
                       hop_cutoff=args.cutoff, scheduler=args.scheduler, workers=args.workers, grid=grid or None,
                       progress=not args.quiet, retries=args.retries, confirm=args.yes, say=say, **fixed)
    except SweepIncomplete as exc:
        print(f"hopspin: error: {exc}", file=sys.stderr)
        return 1
    done, failed = int(ds["done"].sum()), int(ds["failed"].sum())
    print(f"{args.out}: {done}/{ds['done'].size} runs finished ({failed} failed), "
          f"{ds.sizes['site_density']} densities x {ds.sizes['seed']} seeds x {ds.sizes['tau_s']} tau_s",
          file=sys.stderr)
    return 1 if failed else 0


def _cmd_sweep_report(args) -> int:
    from numerics.sweeps import sweep_report

    paths = sweep_report(args.store, out=args.out)
    for p in paths:
        print(f"wrote {p}", file=sys.stderr)
    return 0


def register(sub) -> None:
    """Add ``sweep`` and ``sweep-report`` to the ``hopspin`` sub-command parsers ``sub``."""
    import argparse

    p = sub.add_parser("sweep", help="run an (n_s, seed) grid of simulations on dask.distributed into a store",
                       description=_SWEEP_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--site-density", nargs="+", required=True, metavar="GRID",
                   help="n_s a_b^2: numbers and START:STOP:COUNT[:log] ranges")
    p.add_argument("--seeds", nargs="+", default=["1"], metavar="K",
                   help="K: seeds 0..K-1; several values: those seeds (default 1)")
    p.add_argument("--sites", type=int, required=True, metavar="N", help="sites per sample")
    p.add_argument("--tau-s", nargs="+", default=["0"], metavar="GRID",
                   help="spin relaxation times in tau_0 (numbers and ranges; default 0)")
    p.add_argument("--cutoff", type=float, default=1.5, metavar="X", help="bond cut-off in l_c (default 1.5)")
    p.add_argument("--energy-disorder", nargs="+", metavar="GRID",
                   help="W/k_BT of the site energies (numbers and ranges; several values: a store dimension)")
    p.add_argument("--energy-distribution", choices=("uniform", "gaussian"), default="uniform",
                   help="site energies uniform of width W (default) or Gaussian of r.m.s. W")
    p.add_argument("--out", required=True, metavar="PATH", help="store: *.nc (netCDF) or *.zarr")
    p.add_argument("--scheduler", metavar="ADDRESS", help="existing dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--workers", type=int, metavar="K", help="workers of the embedded LocalCluster (default: cores)")
    p.add_argument("--retries", type=int, default=2, metavar="R", help="retries of a task that raised (default 2)")
    p.add_argument("--yes", action="store_true", help="start even a sweep above 2000 runs or 12 estimated hours")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_sweep)

    p = sub.add_parser("sweep-report", help="figures and tables (mean, std, standard error over seeds) of a sweep",
                       description=_REPORT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("store", metavar="STORE", help="sweep store (*.nc or *.zarr)")
    p.add_argument("--out", metavar="DIR", help="output directory (default: <store>-report)")
    p.set_defaults(func=_cmd_sweep_report)
