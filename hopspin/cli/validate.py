"""``hopspin validate``: how far to trust f — cut-off, finite size, percolation inputs, f(n_s) (no SymPy)."""

from __future__ import annotations

import sys
import time

from ._common import UsageError, print_json, progress_printer

__all__ = ["register"]

_HELP = """\
Measure, with error bars over seeds, how far the simulated f(n_s, tau_s) can be trusted:

1. cut-off convergence: f_dr and f(tau_s) versus the bond cut-off (1.2 ... 3 l_c) on the same samples
   at n_s a_b^2 = 0.003, 0.01, 0.05, 0.1, and the cut-off converged to 1 %;
2. finite size: f versus N (1e4 ... 2e6 at 0.01; the same L/L_0 at 0.003 and 0.05), the N -> infinity
   extrapolation and the sample-to-sample spread;
3. percolation inputs on the same samples: the union-find threshold against l_c = 1.19847/sqrt(n_s),
   and ln R - 2 l_c^sample versus xi_c = 2 l_c (the power of xi_c in the prefactor of rho);
4. f(n_s, 0) and f(n_s, tau_s) for n_s a_b^2 = 0.001 ... 0.1 at the converged cut-off and sizes from 1-2.

Runs go through the sweep machinery (one dask cluster, resumable stores under OUT/stores/<mode>/):
rerunning the same command resumes an interrupted validation.  Writes OUT/validation.json, one figure per
study (PNG + PDF), OUT/report.md and a standalone OUT/report.html.  --quick: tiny samples (about a minute),
enough to exercise every study; the full run takes about 30-60 min on 2 cores.
"""


def _cmd_validate(args) -> int:
    from hopspin._io import output_dir
    from hopspin.report import Report
    from numerics.validation import run_validation
    from numerics.validation.report import contradictions, trust_table, write_section

    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be >= 1, got {args.workers}")
    if args.dry_run:
        return _dry_run(args)
    out = output_dir(args.out, "--out")               # before any work
    say = progress_printer(not args.quiet)
    start = time.perf_counter()
    summary = run_validation(out, quick=args.quick, workers=args.workers, say=say, progress=False)
    rep = Report(f"hopspin validate: how far to trust f ({summary['mode']} mode)")
    write_section(rep, summary, out, level="Validation")
    md, page = rep.write(out)
    summary["report"] = [md.name, page.name]
    missing = summary.get("missing_runs", 0)
    say(f"wrote {md}, {page} and {len(summary.get('figures', []))} figures in {time.perf_counter() - start:.1f} s")
    if args.json:
        print_json(summary)
    else:
        for row in trust_table(summary):
            print(" | ".join(row))
        for text in contradictions(summary):
            print(f"note: {text}")
    if missing:
        print(f"hopspin: {missing} runs did not finish; rerun the same command to resume", file=sys.stderr)
        return 1
    return 0


def _dry_run(args) -> int:
    """Print the grids and the estimated cost of the chosen mode; run nothing."""
    import os

    from numerics.validation.studies import plan_cost, validation_plan

    plan = validation_plan(args.quick)
    workers = args.workers or os.cpu_count() or 1
    info = {"plan": plan.to_dict(), "estimate": plan_cost(plan, workers), "workers": workers}
    if args.json:
        print_json(info)
        return 0
    c, z, d = plan.cutoff, plan.size, plan.density
    print(f"mode {plan.mode}; tau_s {list(plan.tau_s)} tau_0")
    print(f"1 cut-off: {list(c.cutoffs)} l_c at n_s a_b^2 = {list(c.densities)} with N = {list(c.sites)}, {c.seeds} seeds")
    for x in z.densities:
        print(f"2 finite size at {x:g} ({z.hop_cutoff:g} l_c): (N, seeds) = {z.sizes(x)}")
    print(f"4 f(n_s): {list(d.densities)}, {d.seeds} seeds, L/L_0 from study 2 in {list(d.ratio_range)} "
          f"(N in [{d.min_sites}, {d.max_sites}]), cut-off from study 1 (>= {d.min_cutoff:g} l_c)")
    for name, v in info["estimate"].items():
        print(f"estimate {name}: {v['runs']} runs, {v['core_seconds']:.0f} core-s, ~{v['wall_seconds'] / 60:.1f} min "
              f"on {workers} workers")
    return 0


def register(sub) -> None:
    """Add ``validate`` to the ``hopspin`` sub-command parsers ``sub``."""
    import argparse

    p = sub.add_parser("validate", help="error budget of f: cut-off, finite size, percolation inputs, f(n_s)",
                       description=_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="tiny samples (about a minute); exercises every study")
    p.add_argument("--out", default="hopspin-validation", metavar="DIR",
                   help="output directory (default hopspin-validation); stores under DIR/stores/<mode>/")
    p.add_argument("--json", action="store_true", help="print the summary as strict JSON on stdout")
    p.add_argument("--workers", type=int, metavar="K", help="dask workers, one core each (default: cores)")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.add_argument("--dry-run", action="store_true", help="print the grids and the estimated cost; run nothing")
    p.set_defaults(func=_cmd_validate)
