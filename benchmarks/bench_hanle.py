"""Benchmark: a Hanle curve (41 fields × 3 τ_s, both current directions, CISP + SGE + SHE) at n_s a_b² = 0.01.

Run:  python benchmarks/bench_hanle.py [--sites 200000 500000] [--seed 0] [--fields 0:50:41] [--no-solves]
                                      [--without-sge]

Each size runs in a fresh process (spawn; a small warm-up run first, so JIT loading is excluded and the peak
resident memory is the run's own); prints wall time per stage and the peak RSS as JSON lines.  Then one
complex-shift against one real-shift solve on the same N = 2×10⁵ network (factorisation, the 4-source
substitution, backward errors), one BLAS thread.  Target (issue 13): ≤ 60 s wall at N = 2×10⁵ on 2 cores.
Timings on the shared machine vary with load: run it alone and report what else was running (``uptime``).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import time
import warnings

TAUS = (1e3, 1e6, 1e9)


def _hanle(args):
    density, sites, seed, fields, with_sge = args
    warnings.simplefilter("ignore")
    from numerics.field import hanle
    from numerics.field.inputs import parse_field_grid

    grid = parse_field_grid([fields])
    hanle(site_density=density, sites=4000, seed=1, tau_s=TAUS, field=grid[:3])      # warm-up (JIT caches)
    t, cpu0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    r = hanle(site_density=density, sites=sites, seed=seed, tau_s=TAUS, field=grid, field_direction="x",
              with_sge=with_sge)
    wall = time.perf_counter() - t
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)   # CPU seconds of this run (all threads)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2          # GiB (KiB on Linux)
    return {"what": "hanle curve" + ("" if with_sge else " without the SGE"), "sites": sites, "seed": seed, "fields": len(grid), "tau_s": list(TAUS),
            "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "peak_rss_gib": round(peak, 2),
            "stages_s": {k: round(v, 2) for k, v in r.timings.items()},
            "cluster_sites": int(r.response.runs[0].network.positions.shape[0]),
            "max_backward_error": r.max_backward_error, "max_backward_error_complex": r.max_backward_error_complex,
            "onsager_casimir_error": r.onsager_casimir_error if with_sge else None, "cores": os.cpu_count()}


def _one_solve(args):
    density, sites, seed = args
    import numpy as np
    from threadpoolctl import threadpool_limits

    from numerics.field.complex_shift import ShiftSolver
    from numerics.network import build_network
    from numerics.sample import random_sample
    from numerics.solvers import NetworkAnalysis

    net = build_network(random_sample(density, sites, seed))
    solver = ShiftSolver(net, NetworkAnalysis(net), threads=1)
    M = net.positions.shape[0]
    src = np.random.default_rng(0).normal(size=(4, M))
    weights = [np.ones((M, 4))] * 4
    eps = float(net.shifts([1e6])[0])
    w = 1e-3 * float(np.exp(2 * net.scale_length))
    out = {"what": "one shift", "sites": sites, "cluster_sites": M}
    with threadpool_limits(limits=1):
        solver.solve([eps], src, weights)                                           # warm-up
        for name, z in (("real", complex(eps)), ("complex", complex(eps, -w))):
            best = {}
            for _ in range(3):
                t0 = time.perf_counter()
                fac = solver.factor(z)
                t1 = time.perf_counter()
                solver.substitute(fac, src)
                t2 = time.perf_counter()
                solver.solve([z], src, weights)
                t3 = time.perf_counter()
                for key, v in (("factor_s", t1 - t0), ("substitute_4_s", t2 - t1), ("solve_all_s", t3 - t2)):
                    best[key] = min(best.get(key, 1e9), v)
            out[name] = {k: round(v, 3) for k, v in best.items()}
    out["complex_over_real"] = round(out["complex"]["solve_all_s"] / out["real"]["solve_all_s"], 2)
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sites", type=int, nargs="+", default=[200_000, 500_000])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--density", type=float, default=0.01)
    p.add_argument("--fields", default="0:50:41")
    p.add_argument("--no-solves", action="store_true", help="skip the one-shift comparison")
    p.add_argument("--without-sge", action="store_true", help="also time the curve without the SGE (CISP + SHE)")
    args = p.parse_args()
    ctx = mp.get_context("spawn")
    print(json.dumps({"uptime": open("/proc/loadavg").read().split()[:3]}), flush=True)
    for sites in args.sites:
        for with_sge in (True, False) if args.without_sge else (True,):
            with ctx.Pool(1) as pool:
                res = pool.apply(_hanle, ((args.density, sites, args.seed, args.fields, with_sge),))
            print(json.dumps(res), flush=True)
    if not args.no_solves:
        with ctx.Pool(1) as pool:
            print(json.dumps(pool.apply(_one_solve, ((args.density, min(args.sites), args.seed),))), flush=True)
    print(json.dumps({"uptime": open("/proc/loadavg").read().split()[:3]}), flush=True)


if __name__ == "__main__":
    main()
