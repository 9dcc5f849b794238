"""Timing and memory of the exact Kirchhoff solve and of 30 shifted (spin) solves.

Usage: python benchmarks/bench_kirchhoff.py --sites 500000      (density 0.01, Kirchhoff + 30 shifts)
       python benchmarks/bench_kirchhoff.py [N ...] [--densities 0.002,0.01,0.1] [--shifts]
Each (N, density) runs in a fresh subprocess so that ru_maxrss is that run's peak.
Reports t_order (METIS, shared by both solves), t_kirchhoff, conservation, t_shifts30,
balance (max over the 30 shifts), peak_rss_GB (whole run) and estimate_GB
(numerics.solvers.memory.estimate_memory).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time


def one(N: int, density: float, shifts: bool, seed: int = 1) -> dict:
    import resource

    import numpy as np

    from numerics.network import build_network
    from numerics.sample import random_sample
    from numerics.solvers import NetworkAnalysis, estimate_memory, solve_kirchhoff, solve_shifted

    # warm the numba cache on a tiny problem
    tiny = build_network(random_sample(0.01, 400, seed=0))
    solve_kirchhoff(tiny)
    solve_shifted(tiny, np.ones(tiny.positions.shape[0]), np.array([0.0, 1.0]))
    t = time.perf_counter()
    net = build_network(random_sample(density, N, seed=seed))
    out = dict(N=N, density=density, M=int(net.positions.shape[0]), B=int(net.bonds.shape[0]),
               t_network=time.perf_counter() - t)
    out["estimate_GB"] = estimate_memory(net, 30 if shifts else 0) / 2**30
    t = time.perf_counter()
    analysis = NetworkAnalysis(net)
    analysis.order  # both solves below reuse it
    out["t_order"] = time.perf_counter() - t
    sol = solve_kirchhoff(net, analysis=analysis)
    out.update(t_kirchhoff=sol.seconds, conservation=sol.max_conservation_error,
               total_current=sol.total_current,
               peak_rss_after_kirchhoff_GB=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
               / 2**20)
    del sol
    if shifts:
        tau_s = np.logspace(0, 14, 30)
        src = np.random.default_rng(0).normal(size=net.positions.shape[0])
        sh = solve_shifted(net, src, 1.0 / tau_s, analysis=analysis)
        out.update(t_shifts30=sh.seconds, balance=float(sh.max_balance_error.max()))
        out["t_pipeline"] = out["t_order"] + out["t_kirchhoff"] + out["t_shifts30"]
    out["peak_rss_GB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    return out


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("N", nargs="*", type=float, default=[])
    p.add_argument("--sites", type=float, action="append", default=[],
                   help="N; implies --densities 0.01 --shifts unless given")
    p.add_argument("--densities", default="0.002,0.005,0.01,0.05,0.1")
    p.add_argument("--shifts", action="store_true")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.sites:
        a.N = list(a.N) + a.sites
        a.shifts = True
        if "--densities" not in (argv if argv is not None else sys.argv):
            a.densities = "0.01"
    if not a.N:
        a.N = [1e5]
    dens = [float(d) for d in a.densities.split(",")]
    if a.child:
        print(json.dumps(one(int(a.N[0]), dens[0], a.shifts)))
        return
    for N in a.N:
        for d in dens:
            cmd = [sys.executable, __file__, str(int(N)), "--densities", str(d), "--child"]
            if a.shifts:
                cmd.append("--shifts")
            r = subprocess.run(cmd, capture_output=True, text=True)
            print(r.stdout.strip() or r.stderr.strip()[-2000:], flush=True)


if __name__ == "__main__":
    main()
