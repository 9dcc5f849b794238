"""``hopspin onsager``: the spin-galvanic current by its own route and the Onsager relation (S39).

For each seed the sample is simulated twice on the same network: CISP by (S42)–(S45)
(:func:`numerics.simulate.simulate_network`) and SGE by the short-circuit Kirchhoff solve with
the triad and precession sources (:mod:`numerics.sge`).  Exit status 0 only if every
``ratio_over_expected = (σ_SGE/σ_CISP)/(4 k_BT n/τ_s)`` is within 1e-6 of 1.
"""

from __future__ import annotations

import json
import math
import sys
import warnings

__all__ = ["register", "run"]

UNITS = ("sigma_sge and sigma_cisp are the dimensionless f of Eqs. (14) and (13): "
         "sigma_SGE = 4 Tr(beta^2) beta^T P k_B T n * sigma_sge, sigma_CISP = tau_s Tr(beta^2) beta^T P * sigma_cisp "
         "(unit [001] beta, s_y <-> j_x / E_x); ratio_over_expected = sigma_sge/sigma_cisp = "
         "(sigma_SGE/sigma_CISP)/(4 k_B T n/tau_s); tau_s in tau_0")


def register(sub) -> None:
    """Add the ``onsager`` sub-command to an argparse sub-parsers object."""
    p = sub.add_parser("onsager", help="SGE by its own route vs CISP on the same sample: checks (S39) to 1e-6")
    p.add_argument("--site-density", type=float, default=0.01, help="n_s a_b^2 (default 0.01; paper 0.002-0.1)")
    p.add_argument("--sites", type=int, default=20000, help="N sites of the sample (default 20000)")
    p.add_argument("--seed", type=int, nargs="+", default=[0], help="one or more seeds (default 0)")
    p.add_argument("--tau-s", type=float, nargs="+", default=[10.0, 1000.0, 1e6],
                   help="finite spin relaxation times in tau_0 (default 10 1000 1e6)")
    p.add_argument("--cutoff", type=float, default=1.5, help="bond cut-off in l_c (default 1.5)")
    p.add_argument("--json", action="store_true", help="print a JSON list with one record per seed")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
    p.set_defaults(func=run)


def run(args) -> int:
    """Execute ``hopspin onsager`` for parsed ``args``; returns the exit status."""
    from hopspin.cli import UsageError
    from hopspin.numerics_cli import _progress_printer, run_simulation
    from numerics.sge import RATIO_TOLERANCE, spin_galvanic
    from numerics.simulate import ParameterError, validate_parameters

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            validate_parameters(args.site_density, args.sites, args.tau_s, args.cutoff)
    except ParameterError as exc:
        raise UsageError(str(exc)) from None
    except (TypeError, ValueError) as exc:
        raise UsageError(f"invalid parameter: {exc}") from None
    if any(math.isinf(t) for t in args.tau_s):
        raise UsageError("tau_s must be finite: at tau_s = inf both f(n_s, tau_s) vanish exactly "
                         "(drift and diffusion cancel), so the ratio (S39) is undefined")
    for w in caught:
        print(f"hopspin: warning: {w.message}", file=sys.stderr)
    say = _progress_printer(not args.quiet)

    records, ok = [], True
    for seed in args.seed:
        say(f"seed {seed}: n_s a_b^2 = {args.site_density}, N = {args.sites}, {len(args.tau_s)} values of tau_s")
        res = run_simulation(lambda: spin_galvanic(args.site_density, args.sites, seed, args.tau_s, args.cutoff),
                             args.sites)
        if res is None:
            return 1
        rec = res.to_record()
        rec["units"] = UNITS
        rec["tolerance"] = RATIO_TOLERANCE
        records.append(rec)
        ok = ok and res.ok
        say(f"seed {seed}: max |ratio - 1| = {res.max_ratio_error:.2e} in {sum(res.timings.values()):.1f} s")
        if not args.json:
            print(f"n_s a_b^2 = {res.site_density}  N = {res.sites}  seed = {seed}  cluster = {res.cluster_sites} "
                  f"sites, {res.bonds} bonds, {res.triangles} triangles")
            print(f"f_dr = {res.f_dr:.10g}   SGE direct = {res.f_sge_direct:.10g}   "
                  f"(conservation {res.max_conservation_error:.1e}, gauge identity {res.gauge_error:.1e})")
            print(f"{'tau_s/tau_0':>12} {'f (CISP)':>16} {'f_SGE':>16} {'ratio - 1':>11}")
            for t, fc, fs, r in zip(res.tau_s, res.f_cisp, res.f_sge, res.ratio_over_expected):
                print(f"{t:12.4g} {fc:16.10g} {fs:16.10g} {r - 1:11.2e}")
    if args.json:
        print(json.dumps(records, indent=2))
    elif not ok:
        print(f"hopspin: Onsager relation (S39) NOT reproduced to {RATIO_TOLERANCE:g} for some tau_s", file=sys.stderr)
    return 0 if ok else 1
