"""pytest-benchmark suite: each stage of the pipeline, plus a straightforward scipy baseline.

Run (not part of the default test run; `testpaths = tests`):

    python -m pytest benchmarks/test_benchmarks.py --benchmark-only [--benchmark-json out.json]
    HOPSPIN_BENCH_SITES=100000,500000 python -m pytest benchmarks/test_benchmarks.py --benchmark-only

Sizes come from HOPSPIN_BENCH_SITES (default 100000) at n_s a_b² = 0.01.  The baseline is what a
first implementation would do: scipy `spsolve` on the full grounded Laplacian (SuperLU defaults),
currents from potential differences, and a numpy loop-free triad sum; its conservation error is
recorded in `extra_info` so the speed ratio can be read next to what the baseline gets wrong.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
import scipy.sparse as sps
from scipy.sparse.linalg import spsolve
from scipy.spatial import cKDTree

from numerics.network import build_network
from numerics.sample import random_sample
from numerics.simulate import simulate
from numerics.solvers import conservation_error, solve_kirchhoff, solve_shifted
from numerics.spin_orbit import UNIT_BETA_001
from numerics.triads import triad_sums

SIZES = [int(s) for s in os.environ.get("HOPSPIN_BENCH_SITES", "100000").split(",")]
DENSITY = 0.01
TAUS = np.concatenate([[0.0], np.logspace(0, 14, 29)])


@pytest.fixture(scope="module", params=SIZES, ids=lambda n: f"N={n}")
def case(request):
    sample = random_sample(DENSITY, request.param, seed=0)
    network = build_network(sample)
    kir = solve_kirchhoff(network)
    sums = triad_sums(network.positions, network.bonds, kir.bond_current, UNIT_BETA_001)
    return sample, network, kir, sums


def test_neighbour_search(benchmark, case):
    sample, network, _, _ = case
    tree_pairs = lambda: cKDTree(sample.positions, balanced_tree=False, compact_nodes=False).query_pairs(
        network.cutoff_length, output_type="ndarray")
    pairs = benchmark(tree_pairs)
    benchmark.extra_info["pairs"] = int(len(pairs))


def test_network_build(benchmark, case):
    sample = case[0]
    benchmark(build_network, sample)


def test_kirchhoff_exact(benchmark, case):
    network = case[1]
    sol = benchmark.pedantic(solve_kirchhoff, args=(network,), rounds=1, iterations=1)
    benchmark.extra_info["max_conservation_error"] = sol.max_conservation_error


def test_kirchhoff_scipy_baseline(benchmark, case):
    """Plain SuperLU on the Laplacian with electrode rows fixed (the straightforward approach)."""
    network = case[1]
    m = network.positions.shape[0]
    a, b = network.bonds[:, 0], network.bonds[:, 1]
    g = network.conductances
    lap = sps.coo_matrix((np.concatenate([g, g, -g, -g]), (np.concatenate([a, b, a, b]), np.concatenate([a, b, b, a]))),
                         shape=(m, m)).tocsr()
    fixed = network.electrode != 0
    v_fixed = np.where(network.electrode == -1, 1.0, 0.0)
    free = ~fixed

    def solve():
        rhs = -lap[free][:, fixed] @ v_fixed[fixed]
        v = v_fixed.copy()
        v[free] = spsolve(lap[free][:, free].tocsc(), rhs)
        return v

    v = benchmark.pedantic(solve, rounds=1, iterations=1)
    current = g * (v[b] - v[a])
    total = float(np.sum(current[(network.electrode[a] == -1) & (network.electrode[b] != -1)]) -
                  np.sum(current[(network.electrode[b] == -1) & (network.electrode[a] != -1)]))
    benchmark.extra_info["baseline_conservation_error"] = conservation_error(network, current, abs(total))


def test_triad_sums(benchmark, case):
    _, network, kir, _ = case
    sums = benchmark(triad_sums, network.positions, network.bonds, kir.bond_current, UNIT_BETA_001)
    benchmark.extra_info["triangles"] = sums.triangles


def test_tau_s_sweep_30(benchmark, case):
    _, network, _, sums = case
    gamma = sums.source_site[:, 2] / 2
    shifts = np.where(TAUS > 0, 1 / np.where(TAUS > 0, TAUS, 1), np.inf)
    sol = benchmark.pedantic(solve_shifted, args=(network, gamma, shifts), rounds=1, iterations=1)
    benchmark.extra_info["max_balance_error"] = float(np.max(sol.max_balance_error))


def test_tau_s_sweep_30_scipy_baseline(benchmark, case):
    """The straightforward route: one SuperLU factorisation of L + εI per τ_s (float64, no
    accuracy guarantee at this contrast); its largest deviation from the exact engine is recorded."""
    _, network, _, sums = case
    gamma = sums.source_site[:, 2] / 2
    src = gamma - gamma.mean()
    m = network.positions.shape[0]
    a, b = network.bonds[:, 0], network.bonds[:, 1]
    g = network.conductances
    lap = sps.coo_matrix((np.concatenate([g, g, -g, -g]), (np.concatenate([a, b, a, b]), np.concatenate([a, b, b, a]))),
                         shape=(m, m)).tocsc()
    eps = 1 / TAUS[1:]

    def solve():
        return np.array([spsolve(lap + e * sps.identity(m, format="csc"), src) for e in eps])

    got = benchmark.pedantic(solve, rounds=1, iterations=1)
    exact = solve_shifted(network, gamma, eps, keep_spin=True).spin
    got -= got.mean(axis=1, keepdims=True)
    benchmark.extra_info["baseline_max_rel_deviation"] = float(
        np.max(np.abs(got - exact)) / np.max(np.abs(exact)))


def test_tau_s_sweep_30_backprop_engine(benchmark, case):
    """The one-pivot-at-a-time engine of session 1 (also back-propagates every bond difference)."""
    _, network, _, sums = case
    gamma = sums.source_site[:, 2] / 2
    shifts = np.where(TAUS > 0, 1 / np.where(TAUS > 0, TAUS, 1), np.inf)
    sol = benchmark.pedantic(solve_shifted, args=(network, gamma, shifts), kwargs=dict(engine="backprop"),
                             rounds=1, iterations=1)
    benchmark.extra_info["max_balance_error"] = float(np.max(sol.max_balance_error))


def test_whole_run_30_tau_s(benchmark, case):
    sites = case[0].sites
    r = benchmark.pedantic(simulate, args=(DENSITY, sites), kwargs=dict(seed=0, tau_s=TAUS, keep_fields=False),
                           rounds=1, iterations=1)
    benchmark.extra_info.update({"f_dr": r.f_dr, **{f"stage_{k}": v for k, v in r.timings.items()}})
