"""Inside the engines: summation order, lanes vs single shifts, orderings, memory, the analysis object."""

import numpy as np
import pytest

from hopspin.errors import DisconnectedNetworkError, InsufficientMemoryError
from numerics.network import build_network
from numerics.sample import random_sample
from numerics.solvers import NetworkAnalysis, estimate_memory, solve_kirchhoff, solve_shifted
from numerics.solvers import gth, lanes, memory
from numerics.solvers import multifrontal as mf
from numerics.solvers import shifted as shifted_module
from numerics.solvers.ordering import network_order
from numerics.solvers.supernodal import supernodal_plan
from numerics.solvers.symbolic import plan_elimination, symbolic_rows


def _plan(net):
    return plan_elimination(net.positions.shape[0], net.bonds[:, 0], net.bonds[:, 1], net.conductances,
                            net.positions, (), net.cutoff_length, inner_order=network_order(net))


def test_multifrontal_summation_order_does_not_matter():
    """Block size, BLAS vs loop updates, the column panels of the symmetric update and supernode
    amalgamation only reorder positive sums."""
    net = build_network(random_sample(0.005, 20000, seed=2))
    M = net.positions.shape[0]
    plan = _plan(net)
    pu, pv = plan.position[plan.edge_u], plan.position[plan.edge_v]
    lo, hi = np.minimum(pu, pv), np.maximum(pu, pv)
    rhs = np.random.default_rng(0).normal(size=M)
    rhs -= rhs.mean()
    fundamental = supernodal_plan(plan.ptr, plan.idx, M, lo, hi, relax_pivots=1, relax_zeros=0.0)
    relaxed = supernodal_plan(plan.ptr, plan.idx, M, lo, hi, relax_pivots=64, relax_zeros=0.3)
    assert relaxed.supernodes < fundamental.supernodes
    assert np.diff(fundamental.sn_start).max() > 32  # large fronts exist: the GEMM path is used
    def zero_mean(sp, eps, **kw):   # the physical (zero-mean) part: a uniform part carries the root's rounding
        got = mf.factor_solve(sp, plan.edge_g, eps, rhs, **kw)
        return got - got.mean()

    for eps in (0.0, 1e-12, 1e-3, 1e3):
        ref = zero_mean(fundamental, eps, block=1, gemm_min=1 << 60)
        scale = np.max(np.abs(ref))
        for sp, block, gemm_min, panel in ((fundamental, 64, 0, 256), (relaxed, 8, 0, 3), (relaxed, 64, 4096, 16)):
            got = zero_mean(sp, eps, block=block, gemm_min=gemm_min, panel=panel)
            assert np.max(np.abs(got - ref)) <= 1e-13 * scale


def test_one_factorisation_many_right_hand_sides():
    net = build_network(random_sample(0.01, 3000, seed=4))
    plan = NetworkAnalysis(net).spin_plan()
    sn, order = plan.supernodal, plan.order
    g = net.conductances
    rng = np.random.default_rng(1)
    fvals, cinv = mf.factor(sn, g, np.full(sn.n, 1e-3))
    for _ in range(3):
        rhs = rng.normal(size=sn.n)
        assert np.array_equal(mf.solve(sn, fvals, cinv, rhs[order]), mf.factor_solve(sn, g, 1e-3, rhs[order]))


def test_multifrontal_disconnected_network_is_an_error():
    # two separate bonds 0-1 and 2-3: at eps = 0 the pivot of position 1 vanishes
    aptr = np.array([0, 1, 1, 2, 2], np.int64)
    aidx = np.array([1, 3], np.int64)
    ptr, idx = symbolic_rows(4, aptr, aidx)
    sp = supernodal_plan(ptr, idx, 4, np.array([0, 2]), np.array([1, 3]))
    with pytest.raises(DisconnectedNetworkError, match="disconnected"):
        mf.factor_solve(sp, np.array([1.0, 1.0]), 0.0, np.array([1.0, -1.0, 1.0, -1.0]))
    assert np.allclose(mf.factor_solve(sp, np.array([1.0, 1.0]), 1.0, np.array([1.0, -1.0, 0, 0])),
                       [1 / 3, -1 / 3, 0, 0])


def _single_shift_reference(plan, s_pos, eps):
    """The single-shift one-pivot kernels (the pre-lane code path)."""
    M = plan.n
    vals = plan.vals0.copy()
    n_elim = M if eps > 0 else M - 1
    gamma = np.full(M, eps)
    C = gth.factor(plan.ptr, plan.idx, vals, gamma, n_elim)
    sp = gth.forward(plan.ptr, plan.idx, vals, C, s_pos.copy(), n_elim)
    V = np.zeros(M)
    gth.potentials(plan.ptr, plan.idx, vals, C, sp, V, n_elim)
    P = np.zeros_like(vals)
    Pg = np.zeros(M)
    gth.backprop(plan.ptr, plan.idx, vals, gamma, C, sp, P, Pg, n_elim)
    return V, P


def test_lanes_bitwise_equal_single_shift():
    net = build_network(random_sample(0.005, 1500, seed=6))
    M = net.positions.shape[0]
    plan = _plan(net)
    s = np.random.default_rng(3).normal(size=M)
    s_pos = np.ascontiguousarray((s - s.mean())[plan.order])
    eps = np.array([0.0, 1e-14, 1e-6, 1.0])
    K = eps.size
    vals = np.repeat(plan.vals0[:, None], K, axis=1)
    gamma = np.repeat(eps[None, :], M, axis=0)
    C, bad = lanes.factor_lanes(plan.ptr, plan.idx, vals, gamma, M)
    assert bad == -1
    sp = lanes.forward_lanes(plan.ptr, plan.idx, vals, C, np.repeat(s_pos[:, None], K, 1), M)
    V = lanes.potentials_lanes(plan.ptr, plan.idx, vals, C, sp, np.zeros((M, K)), M)
    P = np.zeros_like(vals)
    lanes.backprop_lanes(plan.ptr, plan.idx, vals, gamma, C, sp, P, np.zeros((M, K)), M)
    for j, e in enumerate(eps):
        V1, P1 = _single_shift_reference(plan, s_pos, e)
        assert np.array_equal(V[:, j], V1)
        assert np.array_equal(P[:, j], P1)


def test_lane_count_does_not_change_results(monkeypatch):
    net = build_network(random_sample(0.01, 1500, seed=7))
    src = np.random.default_rng(4).normal(size=net.positions.shape[0])
    shifts = np.array([0.0, 1e-12, 1e-3, 1.0, np.inf])
    monkeypatch.setattr(shifted_module, "LANES", 1)
    a = solve_shifted(net, src, shifts, threads=1, engine="backprop")
    monkeypatch.setattr(shifted_module, "LANES", 3)
    b = solve_shifted(net, src, shifts, threads=2, engine="backprop")
    assert np.array_equal(a.bond_difference, b.bond_difference)
    assert np.array_equal(a.spin, b.spin)
    assert np.array_equal(a.max_balance_error, b.max_balance_error)


@pytest.mark.parametrize("ordering", ["mmd", "nd"])
def test_orderings_agree(ordering, engine):
    """The result does not depend on the fill-reducing order beyond rounding."""
    net = build_network(random_sample(0.003, 1000, seed=3))
    a = solve_kirchhoff(net, analysis=NetworkAnalysis(net, "metis"), engine=engine)
    b = solve_kirchhoff(net, analysis=NetworkAnalysis(net, ordering), engine=engine)
    assert b.total_current == pytest.approx(a.total_current, rel=1e-13)
    assert np.max(np.abs(a.bond_current - b.bond_current)) < 1e-13 * a.total_current


def test_estimate_memory_and_early_error(monkeypatch):
    net = build_network(random_sample(0.01, 2000, seed=1))
    est = estimate_memory(net)
    assert 1e6 < est < 1e9
    assert estimate_memory(net, shifts=0) < est
    monkeypatch.setattr(memory, "available_memory", lambda: 1000)
    with pytest.raises(InsufficientMemoryError, match="estimated memory"):
        solve_kirchhoff(net)
    with pytest.raises(InsufficientMemoryError, match="estimated memory"):
        solve_shifted(net, np.ones(net.positions.shape[0]), np.array([1.0]))


def test_prefetched_plan_is_the_same_plan():
    """The background symbolic analysis gives the plan a direct computation gives, and the analysis
    object keeps it (analyse once, factor many)."""
    net = build_network(random_sample(0.01, 3000, seed=9))
    analysis = NetworkAnalysis(net)
    analysis.prefetch_spin_plan()
    plan = analysis.spin_plan()
    assert analysis.spin_plan() is plan
    fresh = NetworkAnalysis(net).spin_plan()
    assert np.array_equal(plan.order, fresh.order)
    assert np.array_equal(plan.position[plan.order], np.arange(plan.order.size))
    for name in ("sn_start", "s_ptr", "s_idx", "rel", "e_off", "e_perm", "perm"):
        assert np.array_equal(getattr(plan.supernodal, name), getattr(fresh.supernodal, name))
    src = np.random.default_rng(0).normal(size=plan.order.size)
    a = solve_shifted(net, src, [1e-6], analysis=analysis)
    b = solve_shifted(build_network(random_sample(0.01, 3000, seed=9)), src, [1e-6])
    assert np.array_equal(a.spin, b.spin)


def test_concurrent_shifts_limited_by_exact_memory_need(monkeypatch):
    """After the symbolic plan the need per concurrent factorisation is known exactly: fewer
    workers when two do not fit, an InsufficientMemoryError naming the need when one does not."""
    net = build_network(random_sample(0.01, 2000, seed=3))
    M = net.positions.shape[0]
    sn = NetworkAnalysis(net).spin_plan().supernodal
    per = 8 * (sn.stored + sn.stack_size + sn.max_front + 6 * M)
    monkeypatch.setattr(memory, "available_memory", lambda: int(1.5 * per / 0.9))
    assert memory.workers_that_fit(sn, M, 2) == 1
    monkeypatch.setattr(memory, "available_memory", lambda: int(3 * per / 0.9))
    assert memory.workers_that_fit(sn, M, 2) == 2
    monkeypatch.setattr(memory, "available_memory", lambda: per // 2)
    with pytest.raises(InsufficientMemoryError, match="one shifted factorisation needs"):
        memory.workers_that_fit(sn, M, 2)


@pytest.mark.parametrize("tau_s", [1e29, 1e40, 1e300])
def test_shifts_below_every_conductance_keep_full_precision(tau_s, engine):
    """ε = τ0/τ_s far below every conductance: the root's rounding residual would become a uniform
    offset far above the solution (the crash at τ_s = 1e29); the engines avoid it, so S converges to the
    ε = 0 solution and the Eq. (12) total ε Σ R S scales exactly as 1/τ_s."""
    net = build_network(random_sample(0.01, 4000, seed=2))
    src = np.random.default_rng(3).normal(size=net.positions.shape[0])
    shifts = net.shifts([np.inf, 1e28, tau_s])
    sol = solve_shifted(net, src, shifts, engine=engine)
    assert np.all(sol.max_balance_error[1:] <= 1e-12)
    scale = np.max(np.abs(sol.spin[0]))
    for k in (1, 2):
        assert np.max(np.abs(sol.spin[k] - sol.spin[0])) <= 1e-9 * scale      # the ε → 0 limit
    centred = net.positions - net.positions.mean(axis=0)
    np.testing.assert_allclose(centred.T @ sol.spin[2], centred.T @ sol.spin[1], rtol=1e-9)


@pytest.mark.parametrize("tau_s", [1e-280, 1e-40, 1e-20])
def test_shifts_above_every_conductance_are_exact(tau_s, engine):
    """ε beyond the pivots' range: S = s0/ε exactly (the next term is below 1e-18), finite everywhere;
    a shift beyond float64 itself is ∞ (τ_s = 0: S = 0)."""
    net = build_network(random_sample(0.01, 3000, seed=4))
    src = np.random.default_rng(5).normal(size=net.positions.shape[0])
    eps = net.shifts([tau_s, 1e-300])
    assert np.isfinite(eps[0]) and eps[1] == np.inf
    sol = solve_shifted(net, src, eps, engine=engine)
    assert np.all(np.isfinite(sol.spin)) and sol.max_balance_error[0] <= 1e-15 and np.all(sol.spin[1] == 0)
    np.testing.assert_allclose(sol.spin[0] * eps[0], src - src.mean(), rtol=1e-12, atol=1e-15)
