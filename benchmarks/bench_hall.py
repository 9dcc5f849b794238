"""Stage timings of the orbital-flux numerics (numerics/flux): Hall effect and spin responses in a field.

    python benchmarks/bench_hall.py --sites 20000 --site-density 0.01 --flux 0.01 -0.01 --tau-s 0 1000 1e6

Prints the wall time of each stage (network, the zero-field Kirchhoff solves of both circuits, the Hall
current, the exact Neumann solve of the x circuit, the CISP in the field, the SGE in the field) and the
diagnostics that must stay at rounding level (Onsager–Casimir, antisymmetry, KKM, Eq. (12)).  Not a timed test.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=20000)
    parser.add_argument("--site-density", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--flux", type=float, nargs="+", default=[0.01, -0.01])
    parser.add_argument("--tau-s", type=float, nargs="+", default=[0.0, 1e3, 1e6])
    parser.add_argument("--no-spin", action="store_true")
    args = parser.parse_args(argv)

    from numerics.flux.hall import hall_network
    from numerics.flux.onsager import flux_sge
    from numerics.flux.spin import flux_spin_response
    from numerics.network import build_network
    from numerics.sample import random_sample
    from numerics.solvers import NetworkAnalysis, solve_kirchhoff
    from numerics.spin_orbit import UNIT_BETA_001

    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = build_network(random_sample(args.site_density, args.sites, args.seed), 1.5)
    print(f"network: {net.positions.shape[0]} sites, {net.bonds.shape[0]} bonds in {time.perf_counter() - t:.2f} s")
    flux = np.array(args.flux)
    res = hall_network(net, flux)
    for stage, sec in res.timings.items():
        print(f"hall {stage:>16}: {sec:7.2f} s")
    print(f"hall: mu_H(b->0) = {res.hall_mobility_linear:.4e}, Onsager {res.onsager_error:.1e}, antisymmetry "
          f"{res.antisymmetry_error:.1e}, Neumann {res.neumann_terms} terms (bound {res.neumann_bound:.2f})")
    if args.no_spin:
        return 0
    an = NetworkAnalysis(net)
    k = solve_kirchhoff(net, analysis=an)
    t = time.perf_counter()
    sp = flux_spin_response(net, k, UNIT_BETA_001, np.concatenate([flux, -flux]), args.tau_s, analysis=an)
    t_spin = time.perf_counter() - t
    t = time.perf_counter()
    sge = flux_sge(net, k, UNIT_BETA_001, flux, args.tau_s, analysis=an)
    t_sge = time.perf_counter() - t
    err = np.abs(sge.sge - sp.s[flux.size:, :, :2]).max() / np.abs(sp.s_dr).max()
    print(f"CISP in the field: {t_spin:.2f} s (KKM {sp.kkm_error:.1e}, Eq. (12) {sp.eq12_error:.1e}); SGE in the "
          f"field: {t_sge:.2f} s; Onsager-Casimir {err:.1e} of f_dr")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
