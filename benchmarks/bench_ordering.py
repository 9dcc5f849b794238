"""Benchmark: fill-reducing orderings of the spin problem — METIS, "nd", MMD and "geometric".

Run:  python benchmarks/bench_ordering.py [--sites 1e5 5e5 1e6] [--cutoffs 1.5 3]
                                          [--orderings metis nd mmd geometric] [--threads 1]

For every (N, cut-off, ordering), in a fresh process (peak RSS is that run's own; the JIT caches are
warmed on a tiny network first), at n_s a_b² = 0.01, seed 0:

* fill of the closed spin problem's supernodal plan: ``stored`` front entries
  (``NetworkAnalysis(net, ordering).spin_plan().supernodal.stored``) and ``flops()`` of one
  factorisation, the largest front;
* time: the ordering, the symbolic plan, one numeric factorisation (shift of τ_s = 10⁴ τ0), and the
  whole pipeline (Kirchhoff, triads, the (S43) solves) with 30 values of τ_s — or, where that would take
  longer than ``--max-pipeline-seconds`` (estimated as 30 factorisations), with the validation's 5;
* peak memory (ru_maxrss) of the process;
* f_dr and f of every ordering, which must agree (the orderings change the rounding only).

"geometric" is :func:`numerics.solvers.geometric.geometric_nd`; until it is registered in
``numerics.solvers.ordering.fill_order`` its order is set on the analysis directly.  Prints one JSON
line per run and a table at the end.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import time

import numpy as np

TAUS30 = np.concatenate([[0.0], np.logspace(0, 14, 29)])
TAUS5 = np.array([0.0, 1e2, 1e4, 1e6, 1e8])


def _analysis(net, ordering):
    from numerics.solvers import NetworkAnalysis

    a = NetworkAnalysis(net, ordering)
    t = time.perf_counter()
    a.order
    return a, time.perf_counter() - t


def _one(args):
    density, sites, cutoff, ordering, threads, max_pipeline = args
    import warnings

    warnings.simplefilter("ignore")
    from threadpoolctl import threadpool_limits

    from numerics.network import build_network
    from numerics.sample import random_sample
    from numerics.simulate import simulate_network
    from numerics.solvers import multifrontal as mf

    tiny = build_network(random_sample(0.01, 3000, seed=0), hop_cutoff=cutoff)   # warm the JIT caches
    a, _ = _analysis(tiny, ordering)
    simulate_network(tiny, TAUS5, analysis=a, threads=threads)
    out = {"sites": sites, "density": density, "cutoff": cutoff, "ordering": ordering, "threads": threads}
    with threadpool_limits(limits=threads):
        t = time.perf_counter()
        net = build_network(random_sample(density, sites, seed=0), hop_cutoff=cutoff)
        out.update(t_network=round(time.perf_counter() - t, 2), cluster_sites=int(net.positions.shape[0]),
                   bonds=int(net.bonds.shape[0]))
        a, out["t_order"] = _analysis(net, ordering)
        t = time.perf_counter()
        plan = a.spin_plan().supernodal
        out["t_plan"] = time.perf_counter() - t
        out.update(stored=plan.stored, flops=plan.flops(), max_front=plan.max_front, supernodes=plan.supernodes)
        eps = float(net.shifts([1e4])[0])
        t = time.perf_counter()
        fvals, cinv = mf.factor(plan, net.conductances, np.full(plan.n, eps))
        out["t_factor"] = time.perf_counter() - t
        del fvals, cinv
        out["rss_after_factor_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        taus = TAUS30 if 30 * out["t_factor"] <= max_pipeline else TAUS5
        order = a.order
        t = time.perf_counter()
        from numerics.solvers import NetworkAnalysis

        fresh = NetworkAnalysis(net, a.ordering)
        fresh._order = order      # the ordering's time is t_order; the pipeline repeats everything else
        r = simulate_network(net, taus, analysis=fresh, threads=threads)
        out["t_pipeline"] = out["t_order"] + time.perf_counter() - t
        out["pipeline_taus"] = int(taus.size)
    out.update(f_dr=r.f_dr, f=[float(v) for v in r.f], kkm_error=r.kkm_error,
               max_conservation_error=r.max_conservation_error, max_balance_error=r.max_balance_error,
               peak_rss_gib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 3))
    for k in ("t_order", "t_plan", "t_factor", "t_pipeline", "rss_after_factor_gib"):
        out[k] = round(out[k], 3)
    return out


def _table(rows) -> str:
    head = ("N", "cut", "ordering", "stored", "flops", "order s", "factor s", "pipeline s (K)", "peak GiB",
            "max |f − f[metis]|/f_dr")
    ref = {(r["sites"], r["cutoff"], r["pipeline_taus"]): np.array(r["f"]) for r in rows if r["ordering"] == "metis"}
    lines = [" | ".join(head), "|".join("---" for _ in head)]
    for r in rows:
        f0 = ref.get((r["sites"], r["cutoff"], r["pipeline_taus"]))
        d = float(np.max(np.abs(np.array(r["f"]) - f0)) / abs(r["f_dr"])) if f0 is not None else float("nan")
        lines.append(" | ".join([f"{r['sites']:.0e}", f"{r['cutoff']:g}", r["ordering"], f"{r['stored']:.3e}",
                                 f"{r['flops']:.3e}", f"{r['t_order']:.2f}", f"{r['t_factor']:.2f}",
                                 f"{r['t_pipeline']:.1f} ({r['pipeline_taus']})", f"{r['peak_rss_gib']:.2f}",
                                 f"{d:.1e}"]))
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sites", type=float, nargs="+", default=[1e5, 5e5])
    p.add_argument("--cutoffs", type=float, nargs="+", default=[1.5, 3.0])
    p.add_argument("--orderings", nargs="+", default=["metis", "nd", "mmd", "geometric"])
    p.add_argument("--density", type=float, default=0.01)
    p.add_argument("--threads", type=int, default=1, help="threads of each run (1: as a sweep worker)")
    p.add_argument("--max-pipeline-seconds", type=float, default=300.0,
                   help="run the 30-tau_s pipeline only if 30 factorisations take less (else 5 tau_s)")
    p.add_argument("--out", help="also append the JSON lines to this file")
    args = p.parse_args()
    ctx = mp.get_context("spawn")
    rows = []
    for sites in args.sites:
        for cutoff in args.cutoffs:
            for ordering in args.orderings:
                with ctx.Pool(1) as pool:
                    row = pool.apply(_one, ((args.density, int(sites), cutoff, ordering, args.threads,
                                             args.max_pipeline_seconds),))
                rows.append(row)
                line = json.dumps(row)
                print(line, flush=True)
                if args.out:
                    with open(args.out, "a") as fh:
                        fh.write(line + "\n")
    print(_table(rows), flush=True)


if __name__ == "__main__":
    main()
