"""``hopspin onsager``: the spin-galvanic current by its own route and the Onsager relation (S39).

For each seed the sample is simulated twice on the same network: CISP by (S42)–(S45)
(:func:`numerics.simulate.simulate_network`) and SGE by the short-circuit Kirchhoff solve with
the triad and precession sources (:mod:`numerics.sge`).  Exit status 0 only if every
``ratio_over_expected = (σ_SGE/σ_CISP)/(4 k_BT n/τ_s)`` is within 1e-6 of 1.
"""

from __future__ import annotations

import math
import sys

from ._common import UsageError, add_config_options, config_from_args, print_json, progress_printer

__all__ = ["register", "run"]

UNITS = ("sigma_sge and sigma_cisp are the dimensionless f of Eqs. (14) and (13): "
         "sigma_SGE = 4 Tr(beta^2) beta^T P k_B T n * sigma_sge, sigma_CISP = tau_s Tr(beta^2) beta^T P * sigma_cisp "
         "(unit [001] beta, s_y <-> j_x / E_x); ratio_over_expected = sigma_sge/sigma_cisp = "
         "(sigma_SGE/sigma_CISP)/(4 k_B T n/tau_s); tau_s in tau_0")


def register(sub) -> None:
    """Add the ``onsager`` sub-command to an argparse sub-parsers object."""
    p = sub.add_parser("onsager", help="SGE by its own route vs CISP on the same sample: checks (S39) to 1e-6")
    add_config_options(p, density_default=0.01, sites_default=20000, tau_default=(10.0, 1000.0, 1e6), energies=True)
    p.add_argument("--json", action="store_true", help="print a JSON list with one record per seed")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress messages on stderr")
    p.set_defaults(func=run)


def run(args) -> int:
    """Execute ``hopspin onsager`` for parsed ``args``; returns the exit status."""
    from numerics.sge import RATIO_TOLERANCE, spin_galvanic

    if any(math.isinf(t) for t in args.tau_s):
        raise UsageError("tau_s must be finite: at tau_s = inf both f(n_s, tau_s) vanish exactly "
                         "(drift and diffusion cancel), so the ratio (S39) is undefined")
    base = config_from_args(args).check()
    say = progress_printer(not args.quiet)

    records, ok = [], True
    for seed in args.seed:
        say(f"seed {seed}: n_s a_b^2 = {base.site_density}, N = {base.sites}, {len(base.tau_s)} values of tau_s")
        res = spin_galvanic(base, seed=seed)
        rec = res.to_record()
        rec["units_note"] = UNITS
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
        print_json(records)
    elif not ok:
        print(f"hopspin: Onsager relation (S39) NOT reproduced to {RATIO_TOLERANCE:g} for some tau_s", file=sys.stderr)
    return 0 if ok else 1
