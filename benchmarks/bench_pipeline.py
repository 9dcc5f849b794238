"""Benchmark: the full f(tau_s) curve (30 values of tau_s) at n_s a_b^2 = 0.01.

Run:  python benchmarks/bench_pipeline.py --sites 500000 [--seeds 0 1 2] [--density 0.01]

Each seed runs in a fresh process (so JIT compilation is excluded by a warm-up run and the
peak resident memory is the run's own); prints wall time per stage and the peak RSS.
Targets (issue 3): <= 15 s and <= 3 GB at N = 5e5, <= 60 s at N = 1e6, on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import time

import numpy as np

TAUS = np.concatenate([[0.0], np.logspace(0, 14, 29)])  # 30 values


def _one(args):
    density, sites, seed = args
    try:
        from numerics.simulate import simulate

        def run(n, s, taus):
            return simulate(site_density=density, sites=n, seed=s, tau_s=tuple(taus))
        run(2000, 0, TAUS[:3])
    except TypeError:  # the pre-library API (positional parameters), for before/after comparisons
        def run(n, s, taus):
            return simulate(density, n, seed=s, tau_s=taus, keep_fields=False)
    run(2000, 0, TAUS[:3])  # warm up the JIT caches
    t = time.perf_counter()
    r = run(sites, seed, TAUS)
    wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # GiB (ru_maxrss is KiB on Linux)
    return {"sites": sites, "seed": seed, "wall_s": round(wall, 2), "peak_rss_gib": round(peak, 2),
            "stages_s": {k: round(v, 2) for k, v in r.timings.items()}, "f_dr": r.f_dr,
            "f_at_max_tau": float(r.f[-1]), "max_conservation_error": r.max_conservation_error,
            "max_balance_error": r.max_balance_error, "cluster_sites": r.cluster_sites, "bonds": r.bonds,
            "triangles": r.triangles}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sites", type=int, nargs="+", default=[500_000])
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--density", type=float, default=0.01)
    args = p.parse_args()
    ctx = mp.get_context("spawn")
    for sites in args.sites:
        for seed in args.seeds:
            with ctx.Pool(1) as pool:
                print(json.dumps(pool.apply(_one, ((args.density, sites, seed),))), flush=True)


if __name__ == "__main__":
    main()
