"""``hopspin simulate`` and ``hopspin triangle``: the numerical sub-commands (no SymPy)."""

from __future__ import annotations

import json
import math

import numpy as np
import sys
import time
import warnings

__all__ = ["register"]


def _progress_printer(enabled: bool):
    start = time.perf_counter()

    def say(message: str) -> None:
        if enabled:
            print(f"[{time.perf_counter() - start:7.1f} s] {message}", file=sys.stderr, flush=True)
    return say


def run_simulation(call, sites: int):
    """Run one simulation ``call()`` with the command line's error mapping.

    A non-percolating sample or a bad parameter becomes a one-line ``UsageError`` (exit 2);
    violated current conservation or too little memory prints one error line and returns
    ``None`` (the caller exits 1).  The model-validity ``RuntimeWarning`` was already printed once
    by the caller and is silenced here.
    """
    from hopspin.cli import UsageError
    from numerics.kirchhoff import ConservationError
    from numerics.network import NotPercolatingError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return call()
    except NotPercolatingError as exc:
        raise UsageError(str(exc)) from None
    except ConservationError as exc:
        print(f"hopspin: error: current conservation violated: {exc}", file=sys.stderr)
    except MemoryError as exc:
        print(f"hopspin: error: not enough memory for N = {sites}: {exc}", file=sys.stderr)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return None


def _cmd_simulate(args) -> int:
    from hopspin.cli import UsageError
    from numerics.simulate import ParameterError, simulate, validate_parameters

    taus = args.tau_s
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            validate_parameters(args.site_density, args.sites, taus, args.cutoff)
        for w in caught:
            print(f"hopspin: warning: {w.message}", file=sys.stderr)
    except ParameterError as exc:
        raise UsageError(str(exc)) from None
    say = _progress_printer(not args.quiet)
    if args.beta is not None:
        return _simulate_tensor(args, taus, say)
    records, results = [], []
    for seed in args.seed:
        say(f"seed {seed}: n_s a_b^2 = {args.site_density}, N = {args.sites}")
        result = run_simulation(lambda: simulate(args.site_density, args.sites, seed=seed, tau_s=taus,
                                                 hop_cutoff=args.cutoff, progress=say,
                                                 keep_fields=bool(args.maps), solver=args.solver), args.sites)
        if result is None:
            return 1
        results.append(result)
        records.append(result.to_record())
        if args.maps:
            from hopspin.maps import write_maps
            out_dir = args.maps if len(args.seed) == 1 else f"{args.maps}/seed{seed}"
            for path in write_maps(result, out_dir):
                say(f"wrote {path}")
    if args.json:
        print(json.dumps(records[0] if len(records) == 1 else records, indent=2))
        return 0
    for r in results:
        print(f"n_s a_b^2 = {r.site_density}  N = {r.sites}  seed = {r.seed}  cluster = {r.cluster_sites} sites, "
              f"{r.bonds} bonds, {r.triangles} triangles")
        print(f"f_dr = {r.f_dr:.6g}   max conservation error = {r.max_conservation_error:.1e}   "
              f"({r.seconds:.1f} s)")
        print(f"{'tau_s / tau_0':>14} {'f_diff':>13} {'f':>13}")
        for t, fd, f in zip(r.tau_s, r.f_diff, r.f):
            print(f"{t:14.4g} {fd:13.6g} {f:13.6g}")
    return 0


def _simulate_tensor(args, taus, say) -> int:
    from hopspin.cli import UsageError
    from numerics.spin_orbit import parse_beta_numeric
    from numerics.tensor import cisp_tensor

    try:
        beta = parse_beta_numeric(args.beta)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    records = []
    for seed in args.seed:
        say(f"seed {seed}: CISP tensor for beta = {beta.tolist()} (fields along x and y)")
        res = run_simulation(lambda: cisp_tensor(args.site_density, args.sites, seed, taus, beta,
                                                 hop_cutoff=args.cutoff, with_sge=True, solver=args.solver),
                               args.sites)
        if res is None:
            return 1
        rec = {"site_density": args.site_density, "sites": args.sites, "seed": seed, **res.to_record(),
               "units": "cisp_tensor[k][spin][field] in the normalisation of f (Eq. 13: [001] gives Tr(beta^2) beta^T f);"
                        " sge_tensor[k][field][spin] computed on its own, = cisp_tensor^T by (S39) in units of"
                        " 4 k_B T n / tau_s; spin_current[k][component][field] carries spin along separation_axis;"
                        " beta in hbar^2/(m a_b)"}
        records.append(rec)
        if not args.json:
            print(f"n_s a_b^2 = {args.site_density}  N = {args.sites}  seed = {seed}  beta = {beta.tolist()}")
            print(f"separated spin along {np.round(res.axis, 6).tolist()}; conservation {res.max_conservation_error:.1e}, "
                  f"KKM (10) check {res.kkm_error:.1e}, "
                  + ("" if res.eq12_error is None else f"Eq. (12) check {res.eq12_error:.1e}, ")
                  + f"Onsager (S39) SGE vs CISP^T {res.onsager_error:.1e}")
            for k, t in enumerate(res.tau_s):
                print(f"tau_s = {t:.4g} tau_0: CISP tensor (rows s_x, s_y, s_z; columns E_x, E_y)")
                for row, name in zip(res.cisp[k], "xyz"):
                    print(f"   s_{name}: {row[0]:12.5g} {row[1]:12.5g}")
    if args.json:
        print(json.dumps(records[0] if len(records) == 1 else records, indent=2))
    return 0


def _cmd_triangle(args) -> int:
    from hopspin.cli import UsageError
    from numerics.triangle import s46, simulate_triangle

    if not (math.isfinite(args.side) and args.side > 0):
        raise UsageError(f"--side must be a positive length in a_b, got {args.side}")
    if any(not (t >= 0) for t in args.tau_s):
        raise UsageError(f"--tau-s must be >= 0 (in tau_0), got {args.tau_s}")
    r = simulate_triangle(args.side, args.tau_s)
    f_dr, f_diff = s46(args.side, args.tau_s)
    rel = lambda a, b: abs(a - b) / max(abs(b), 1e-300)
    record = {"side": args.side, "tau_s": [float(t) for t in r.tau_s], "f_dr": r.f_dr,
              "f_diff": [float(v) for v in r.f_diff], "s46_f_dr": f_dr, "s46_f_diff": [float(v) for v in f_diff],
              "max_relative_difference": max([rel(r.f_dr, f_dr)] + [rel(a, b) for a, b in zip(r.f_diff, f_diff)
                                                                     if b != 0]),
              "max_conservation_error": r.max_conservation_error}
    if args.json:
        print(json.dumps(record, indent=2))
    else:
        print(f"equilateral triangle, side a = {args.side} a_b, through the network pipeline (S42)-(S45)")
        print(f"f_dr = {r.f_dr:.10g}   (S46: {f_dr:.10g})")
        for t, a, b in zip(r.tau_s, r.f_diff, f_diff):
            print(f"tau_s = {t:.4g} tau_0: f_diff = {a:.10g}   (S46: {b:.10g})")
        print(f"largest relative difference from (S46): {record['max_relative_difference']:.1e}")
    return 0 if record["max_relative_difference"] <= 1e-9 else 1


def register(sub) -> None:
    p = sub.add_parser("simulate", help="percolation simulation of f(n_s, tau_s) (S40)-(S45)")
    p.add_argument("--site-density", type=float, required=True, metavar="NS_AB2",
                   help="n_s a_b^2, in (0, 1); the paper's range is 0.002-0.1")
    p.add_argument("--sites", type=int, required=True, metavar="N", help="number of sites N in the L x L sample")
    p.add_argument("--seed", type=int, nargs="+", default=[0], help="one or more seeds (one record each)")
    p.add_argument("--tau-s", type=float, nargs="+", default=[0.0], metavar="T",
                   help="spin relaxation times in tau_0 (>= 0)")
    p.add_argument("--cutoff", type=float, default=1.5, help="bond cut-off in units of l_c (>= 1, default 1.5)")
    p.add_argument("--beta", metavar="MATRIX", help="general spin-orbit matrix (3x2 or 2x2 nested list in "
                   "hbar^2/(m a_b), or rd:ALPHA,BETA_D / rashba:A / dresselhaus:B / 110:BETA_ZX[,ALPHA]): "
                   "prints the full CISP tensor (fields along x and y) and spin currents")
    p.add_argument("--maps", metavar="DIR", help="write maps of the drift spin generation and of S~z (PNG+PDF)")
    p.add_argument("--solver", choices=("multifrontal", "backprop"), default="multifrontal",
                   help="engine of the (S43) tau_s solves: supernodal dense fronts (default, fast) or the "
                        "bond-current back-propagation (slower; also checks Eq. (12) on every run)")
    p.add_argument("--json", action="store_true", help="print JSON records")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
    p.set_defaults(func=_cmd_simulate)

    p = sub.add_parser("triangle", help="the 3-site triangle (S46) through the general network pipeline")
    p.add_argument("--side", type=float, required=True, metavar="A", help="side of the triangle in a_b")
    p.add_argument("--tau-s", type=float, nargs="+", required=True, metavar="T", help="spin relaxation times in tau_0")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_triangle)
