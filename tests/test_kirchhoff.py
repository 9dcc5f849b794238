import mpmath as mp
import numpy as np
import pytest

from numerics.kirchhoff import ConservationError, conservation_error, solve_kirchhoff
from numerics.laplacian import solve_shifted
from numerics.network import build_network
from numerics.sample import Sample, random_sample


# ------------------------------------------------------------------ mpmath reference solves

def _eliminate_solve(n, edges, diag_extra, rhs, fixed):
    """Sparse Gaussian elimination in mpmath on a symmetric system.

    Unknown nodes: those not in ``fixed`` (dict node -> value).  Matrix: Laplacian of
    ``edges`` (dict (a, b) -> mpf conductance) plus diag_extra; rhs: injections.
    Ordinary (subtracting) elimination: the high working precision is what makes it exact.
    """
    adj = {k: {} for k in range(n)}
    for (a, b), c in edges.items():
        adj[a][b] = adj[a].get(b, 0) + c
        adj[b][a] = adj[b].get(a, 0) + c
    unknown = [k for k in range(n) if k not in fixed and (adj[k] or diag_extra.get(k))]
    diag = {k: sum(adj[k].values(), mp.mpf(0)) + diag_extra.get(k, 0) for k in unknown}
    b = {k: mp.mpf(rhs.get(k, 0)) for k in unknown}
    for k in unknown:
        for m, c in adj[k].items():
            if m in fixed:
                b[k] += c * fixed[m]
    # matrix A[k][m] = -c for unknown neighbours
    A = {k: {m: -c for m, c in adj[k].items() if m not in fixed} for k in unknown}
    for k in unknown:
        A[k][k] = diag[k]
    left = set(unknown)
    order, rows = [], []
    while left:
        k = min(left, key=lambda q: len(A[q]))
        left.remove(k)
        row = A[k]
        piv = row[k]
        nb = [m for m in row if m != k]
        for i in nb:
            f = A[i].pop(k) / piv
            for j in nb:
                A[i][j] = A[i].get(j, 0) - f * row[j]
            b[i] -= f * b[k]
        for i in nb:
            pass
        order.append(k)
        rows.append((piv, {m: row[m] for m in nb}, b[k]))
    x = dict(fixed)
    for k, (piv, row, bk) in zip(reversed(order), reversed(rows)):
        x[k] = (bk - sum((c * x[m] for m, c in row.items()), mp.mpf(0))) / piv
    return x


def kirchhoff_reference(network, dps=60):
    """Bond currents (flow from j into i) and I_total in mpmath."""
    with mp.workdps(dps):
        el = network.electrode
        M = len(el)
        S, D = M, M + 1
        node = [S if e == -1 else D if e == 1 else k for k, e in enumerate(el)]
        g = np.exp(-2.0 * network.lengths)
        edges = {}
        for (i, j), gb in zip(network.bonds.tolist(), g.tolist()):
            a, b = node[i], node[j]
            if a != b:
                key = (min(a, b), max(a, b))
                edges[key] = edges.get(key, 0) + mp.mpf(gb)
        V = _eliminate_solve(M + 2, edges, {}, {}, {S: mp.mpf(1), D: mp.mpf(0)})
        cur = []
        for (i, j), gb in zip(network.bonds.tolist(), g.tolist()):
            a, b = node[i], node[j]
            cur.append(mp.mpf(gb) * (V[b] - V[a]) if a != b else mp.mpf(0))
        total = sum((mp.mpf(gb) * (V[S] - V[node[j] if node[i] == S else node[i]])
                     for (i, j), gb in zip(network.bonds.tolist(), g.tolist())
                     if (node[i] == S) != (node[j] == S)), mp.mpf(0))
        return cur, total


def shifted_reference(network, source, eps, dps=60, spin=False):
    """Bond differences g (S_j - S_i) of (L + eps) S = source - mean (eps = 0: zero-mean S);
    with ``spin=True`` also the site values S (as a float array)."""
    with mp.workdps(dps):
        M = network.positions.shape[0]
        g = np.exp(-2.0 * network.lengths)
        src = [mp.mpf(float(s)) for s in source]
        mean = sum(src, mp.mpf(0)) / M
        rhs = {k: src[k] - mean for k in range(M)}
        edges = {}
        for (i, j), gb in zip(network.bonds.tolist(), g.tolist()):
            edges[(i, j)] = edges.get((i, j), 0) + mp.mpf(gb)
        if eps == 0:
            fixed = {M - 1: mp.mpf(0)}
            x = _eliminate_solve(M, edges, {}, rhs, fixed)
            shift = sum((x[k] for k in range(M)), mp.mpf(0)) / M
            x = {k: x[k] - shift for k in range(M)}
        else:
            x = _eliminate_solve(M, edges, {k: mp.mpf(eps) for k in range(M)}, rhs, {})
        diffs = [mp.mpf(gb) * (x[j] - x[i]) for (i, j), gb in zip(network.bonds.tolist(), g.tolist())]
        if spin:
            return diffs, np.array([float(x[k]) for k in range(M)])
        return diffs


@pytest.fixture(scope="module")
def small_low_density():
    return build_network(random_sample(0.003, 600, seed=2))


@pytest.mark.parametrize("density", [0.002, 0.005, 0.01, 0.05, 0.1])
def test_conservation(density):
    net = build_network(random_sample(density, 20000, seed=11))
    sol = solve_kirchhoff(net, tolerance=1e-9)
    assert np.isfinite(sol.bond_current).all() and sol.total_current > 0
    assert sol.max_conservation_error <= 1e-9
    assert conservation_error(net, sol.bond_current, sol.total_current) == \
        sol.max_conservation_error
    # currents never exceed the total current (two-terminal network)
    assert np.max(np.abs(sol.bond_current)) <= sol.total_current * (1 + 1e-12)
    assert sol.potential.min() >= 0 and sol.potential.max() <= 1
    assert np.all(sol.potential[net.electrode == -1] == 1)
    assert np.all(sol.potential[net.electrode == 1] == 0)


@pytest.mark.parametrize("N,seed", [(400, 1), (1000, 3)])
def test_against_mpmath(N, seed):
    net = build_network(random_sample(0.003, N, seed=seed))
    cur, tot = kirchhoff_reference(net, dps=60)
    ref = np.array([float(c) for c in cur])
    total = float(tot)
    sol = solve_kirchhoff(net)
    assert sol.total_current == pytest.approx(total, rel=1e-12)
    big = np.abs(ref) >= 1e-6 * total
    assert big.sum() > 50
    rel = np.abs(sol.bond_current[big] - ref[big]) / np.abs(ref[big])
    assert rel.max() < 1e-8
    assert np.max(np.abs(sol.bond_current - ref)) < 1e-13 * total


def test_plain_lu_is_not_enough(small_low_density):
    """Documents the problem the method solves: potential-based float64 LU fails here."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import spsolve
    net = small_low_density
    M = net.positions.shape[0]
    g = np.exp(-2 * net.lengths)
    i, j = net.bonds.T
    L = coo_matrix((np.concatenate([-g, -g, g, g]),
                    (np.concatenate([i, j, i, j]), np.concatenate([j, i, i, j]))),
                   shape=(M, M)).tocsr()
    fixed = net.electrode != 0
    free = ~fixed
    Vf = np.where(net.electrode == -1, 1.0, 0.0)
    rhs = -L[free][:, fixed] @ Vf[fixed]
    V = Vf.copy()
    V[free] = spsolve(L[free][:, free].tocsc(), rhs)
    cur = g * (V[j] - V[i])
    sol = solve_kirchhoff(net)
    assert conservation_error(net, cur, sol.total_current) > 1e-6


def test_relabelling_invariance():
    s = random_sample(0.005, 3000, seed=4)
    net = build_network(s)
    perm = np.random.default_rng(9).permutation(s.sites)
    s2 = Sample(positions=s.positions[perm], side=s.side, site_density=s.site_density, seed=None)
    net2 = build_network(s2)
    a = solve_kirchhoff(net)
    b = solve_kirchhoff(net2)
    assert b.total_current == pytest.approx(a.total_current, rel=1e-12)
    # match bonds by original sample index
    orig2 = perm[net2.site_index]  # sample-s index of each net2 site
    key = lambda idx, bonds: {tuple(sorted(p)): k for k, p in enumerate(idx[bonds].tolist())}
    ka, kb = key(net.site_index, net.bonds), key(orig2, net2.bonds)
    assert ka.keys() == kb.keys()
    ia = np.array([ka[k] for k in ka])
    ib = np.array([kb[k] for k in ka])
    # orientation: current flows from j into i with i the smaller local index
    sa = np.where(net.site_index[net.bonds[ia, 0]] < net.site_index[net.bonds[ia, 1]], 1, -1)
    sb = np.where(orig2[net2.bonds[ib, 0]] < orig2[net2.bonds[ib, 1]], 1, -1)
    ca, cb = sa * a.bond_current[ia], sb * b.bond_current[ib]
    assert np.max(np.abs(ca - cb)) <= 1e-13 * a.total_current


def test_same_seed_same_currents():
    a = solve_kirchhoff(build_network(random_sample(0.01, 2000, seed=8)))
    b = solve_kirchhoff(build_network(random_sample(0.01, 2000, seed=8)))
    assert np.array_equal(a.bond_current, b.bond_current)
    assert a.total_current == b.total_current


def test_tolerance_violation_raises():
    net = build_network(random_sample(0.01, 1000, seed=1))
    with pytest.raises(ConservationError):
        solve_kirchhoff(net, tolerance=0.0 - 1.0)


# ------------------------------------------------------------------ shifted (spin) solve
def _dense(net):
    M = net.positions.shape[0]
    g = np.exp(-2 * net.lengths)
    i, j = net.bonds.T
    L = np.zeros((M, M))
    np.add.at(L, (i, j), -g)
    np.add.at(L, (j, i), -g)
    L[np.arange(M), np.arange(M)] = -L.sum(axis=1)
    return L, g


METHODS = ("multifrontal", "backprop")


@pytest.mark.parametrize("method", METHODS)
def test_shifted_matches_dense_float_high_density(method):
    net = build_network(random_sample(0.1, 400, seed=3))
    M = net.positions.shape[0]
    src = np.random.default_rng(0).normal(size=M) + 0.3
    L, g = _dense(net)
    i, j = net.bonds.T
    shifts = np.array([0.0, 1e-3, 1.0, np.inf])
    sol = solve_shifted(net, src, shifts, method=method)
    s0 = src - src.mean()
    for k, eps in enumerate(shifts[:3]):
        if eps == 0:
            S = np.linalg.lstsq(L, s0, rcond=None)[0]
            S -= S.mean()
        else:
            S = np.linalg.solve(L + eps * np.eye(M), s0)
        if method == "backprop":
            Dd = g * (S[j] - S[i])
            assert np.max(np.abs(sol.bond_difference[k] - Dd)) < 1e-10 * np.max(np.abs(Dd))
        assert np.max(np.abs(sol.spin[k] - S)) < 1e-10 * np.max(np.abs(S))
        assert sol.uniform_part[k] == (np.inf if eps == 0 else src.mean() / eps)
    # eps = inf: tau_s = 0, S = 0 exactly
    assert np.all(sol.spin[3] == 0)
    if method == "backprop":
        assert np.all(sol.bond_difference[3] == 0)
    else:
        assert sol.bond_difference is None
    assert sol.uniform_part[3] == 0
    assert np.all(sol.max_balance_error <= 1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_shifted_against_mpmath_low_density(small_low_density, method):
    net = small_low_density
    M = net.positions.shape[0]
    rng = np.random.default_rng(1)
    src = rng.normal(size=M)
    shifts = np.array([0.0, 1e-14])
    sol = solve_shifted(net, src, shifts, method=method)
    assert np.all(sol.max_balance_error <= 1e-9)
    centred = net.positions - net.positions.mean(axis=0)
    for k, eps in enumerate(shifts):
        ref_d, ref_s = shifted_reference(net, src, eps, spin=True)
        # every site value, and the dipole sum of Eq. (12) that the spin response uses
        assert np.max(np.abs(sol.spin[k] - ref_s)) <= 1e-12 * np.max(np.abs(ref_s))
        dip, dip_ref = centred.T @ sol.spin[k], centred.T @ ref_s
        assert np.all(np.abs(dip - dip_ref) <= 1e-11 * np.abs(dip_ref).max())
        if method == "backprop":
            ref = np.array([float(d) for d in ref_d])
            scale = np.max(np.abs(ref))
            assert np.max(np.abs(sol.bond_difference[k] - ref)) <= 1e-12 * scale
            big = np.abs(ref) >= 1e-6 * scale
            assert np.max(np.abs(sol.bond_difference[k][big] - ref[big]) / np.abs(ref[big])) < 1e-8


@pytest.mark.parametrize("method", METHODS)
def test_shifted_large_eps_and_uniform_part(method):
    net = build_network(random_sample(0.01, 2000, seed=5))
    M = net.positions.shape[0]
    src = np.random.default_rng(2).normal(size=M)
    shifts = np.array([1e-14, 1e-4, 1e2, 1e8, np.inf])
    sol = solve_shifted(net, src, shifts, method=method)
    assert np.all(sol.max_balance_error <= 1e-9)
    if method == "backprop":
        dmax = np.max(np.abs(sol.bond_difference), axis=1)
        assert dmax[3] < 1e-8 * dmax[0] and dmax[4] == 0
    assert np.allclose(sol.uniform_part[:4], src.mean() / shifts[:4], rtol=1e-15)
    # at huge eps S0 -> (source - mean)/eps
    assert np.allclose(sol.spin[3] * 1e8, src - src.mean(), rtol=1e-6, atol=1e-12)
    # a uniform source: no zero-mean part at all
    sol0 = solve_shifted(net, np.full(M, 2.0), np.array([0.0, 1.0]), method=method)
    assert np.all(sol0.uniform_part == np.array([np.inf, 2.0]))
    assert np.all(sol0.spin == 0)
    if method == "backprop":
        assert np.all(sol0.bond_difference == 0)


@pytest.mark.parametrize("density", [0.002, 0.01, 0.1])
def test_multifrontal_agrees_with_backprop_engine(density):
    """Two independent exact engines (dense-front BLAS-3 elimination vs one pivot at a time)."""
    net = build_network(random_sample(density, 6000, seed=11))
    src = np.random.default_rng(5).normal(size=net.positions.shape[0])
    shifts = np.array([0.0, 1e-14, 1e-9, 1e-4, 1.0])
    a = solve_shifted(net, src, shifts, method="multifrontal")
    b = solve_shifted(net, src, shifts, method="backprop")
    for k in range(shifts.size):
        assert np.max(np.abs(a.spin[k] - b.spin[k])) <= 1e-12 * np.max(np.abs(b.spin[k]))
    assert np.all(a.max_balance_error < 1e-11)


def test_multifrontal_summation_order_does_not_matter():
    """Block size, BLAS vs loop updates, the column panels of the symmetric update and supernode
    amalgamation only reorder positive sums."""
    from numerics import multifrontal as mf
    from numerics.laplacian import network_order, plan_elimination
    net = build_network(random_sample(0.005, 20000, seed=2))
    M = net.positions.shape[0]
    g = np.exp(-2 * net.lengths)
    plan = plan_elimination(M, net.bonds[:, 0], net.bonds[:, 1], g, net.positions, (),
                            net.cutoff_length, inner_order=network_order(net))
    pu, pv = plan.position[plan.edge_u], plan.position[plan.edge_v]
    lo, hi = np.minimum(pu, pv), np.maximum(pu, pv)
    rhs = np.random.default_rng(0).normal(size=M)
    rhs -= rhs.mean()
    fundamental = mf.supernodal_plan(plan.ptr, plan.idx, M, lo, hi, relax_pivots=1, relax_zeros=0.0)
    relaxed = mf.supernodal_plan(plan.ptr, plan.idx, M, lo, hi, relax_pivots=64, relax_zeros=0.3)
    assert relaxed.supernodes < fundamental.supernodes
    assert np.diff(fundamental.sn_start).max() > 32  # large fronts exist: the GEMM path is used
    for eps in (0.0, 1e-12, 1e-3):
        ref = mf.factor_solve(fundamental, plan.edge_g, eps, rhs, block=1, gemm_min=1 << 60)
        scale = np.max(np.abs(ref))
        for sp, block, gemm_min, panel in ((fundamental, 64, 0, 256), (relaxed, 8, 0, 3), (relaxed, 64, 4096, 16)):
            got = mf.factor_solve(sp, plan.edge_g, eps, rhs, block=block, gemm_min=gemm_min, panel=panel)
            assert np.max(np.abs(got - ref)) <= 1e-13 * scale


def test_multifrontal_disconnected_network_is_an_error():
    from numerics import multifrontal as mf
    from numerics.laplacian import _symbolic
    # two separate bonds 0-1 and 2-3: at eps = 0 the pivot of position 1 vanishes
    aptr = np.array([0, 1, 1, 2, 2], np.int64)
    aidx = np.array([1, 3], np.int64)
    ptr, idx = _symbolic(4, aptr, aidx)
    sp = mf.supernodal_plan(ptr, idx, 4, np.array([0, 2]), np.array([1, 3]))
    with pytest.raises(ArithmeticError, match="disconnected"):
        mf.factor_solve(sp, np.array([1.0, 1.0]), 0.0, np.array([1.0, -1.0, 1.0, -1.0]))
    assert np.allclose(mf.factor_solve(sp, np.array([1.0, 1.0]), 1.0, np.array([1.0, -1.0, 0, 0])),
                       [1 / 3, -1 / 3, 0, 0])


def test_shifted_bad_inputs():
    net = build_network(random_sample(0.01, 500, seed=5))
    M = net.positions.shape[0]
    with pytest.raises(ValueError, match="shifts"):
        solve_shifted(net, np.ones(M), np.array([-1.0]))
    with pytest.raises(ValueError, match="source"):
        solve_shifted(net, np.ones(M + 1), np.array([1.0]))


# ------------------------------------------------------------------ engine: lanes, ordering, memory
def _single_shift_reference(plan, s_pos, eps):
    """The single-shift kernels of numerics.laplacian (the pre-lane code path)."""
    from numerics.laplacian import _backprop, _factor, _forward, _potentials
    M = plan.n
    vals = plan.vals0.copy()
    n_elim = M if eps > 0 else M - 1
    gamma = np.full(M, eps)
    C = _factor(plan.ptr, plan.idx, vals, gamma, n_elim)
    sp = _forward(plan.ptr, plan.idx, vals, C, s_pos.copy(), n_elim)
    V = np.zeros(M)
    _potentials(plan.ptr, plan.idx, vals, C, sp, V, n_elim)
    P = np.zeros_like(vals)
    Pg = np.zeros(M)
    _backprop(plan.ptr, plan.idx, vals, gamma, C, sp, P, Pg, n_elim)
    return V, P


def test_lanes_bitwise_equal_single_shift():
    from numerics import _elimination_batch as lanes
    from numerics.laplacian import network_order, plan_elimination
    net = build_network(random_sample(0.005, 1500, seed=6))
    M = net.positions.shape[0]
    g = np.exp(-2 * net.lengths)
    plan = plan_elimination(M, net.bonds[:, 0], net.bonds[:, 1], g, net.positions, (),
                            net.cutoff_length, inner_order=network_order(net))
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


def test_lane_count_does_not_change_results():
    import numerics.laplacian as lp
    net = build_network(random_sample(0.01, 1500, seed=7))
    src = np.random.default_rng(4).normal(size=net.positions.shape[0])
    shifts = np.array([0.0, 1e-12, 1e-3, 1.0, np.inf])
    old = lp._LANES
    try:
        lp._LANES = 1
        a = solve_shifted(net, src, shifts, threads=1)
        lp._LANES = 3
        b = solve_shifted(net, src, shifts, threads=2)
    finally:
        lp._LANES = old
    assert np.array_equal(a.bond_difference, b.bond_difference)
    assert np.array_equal(a.spin, b.spin)
    assert np.array_equal(a.max_balance_error, b.max_balance_error)


def test_orderings_agree():
    """The result does not depend on the fill-reducing order beyond rounding."""
    net = build_network(random_sample(0.003, 1000, seed=3))
    a = solve_kirchhoff(net)
    import numerics.laplacian as lp
    order = lp.fill_order
    try:
        lp.fill_order = lambda adj, ordering=None: order(adj, "mmd")
        lp._ORDER_CACHE.clear()
        b = solve_kirchhoff(build_network(random_sample(0.003, 1000, seed=3)))
    finally:
        lp.fill_order = order
        lp._ORDER_CACHE.clear()
    assert b.total_current == pytest.approx(a.total_current, rel=1e-13)
    assert np.max(np.abs(a.bond_current - b.bond_current)) < 1e-13 * a.total_current


def test_estimate_memory_and_early_error(monkeypatch):
    import numerics.laplacian as lp
    from numerics.kirchhoff import estimate_memory
    net = build_network(random_sample(0.01, 2000, seed=1))
    est = estimate_memory(net)
    assert 1e6 < est < 1e9
    assert estimate_memory(net, shifts=0) < est
    monkeypatch.setattr(lp, "available_memory", lambda: 1000)
    with pytest.raises(MemoryError, match="estimated memory"):
        solve_kirchhoff(net)
    with pytest.raises(MemoryError, match="estimated memory"):
        solve_shifted(net, np.ones(net.positions.shape[0]), np.array([1.0]))


def test_prefetched_plan_is_the_same_plan():
    """The background symbolic analysis gives the plan a direct call gives (and is cached)."""
    import numerics.laplacian as lp
    net = build_network(random_sample(0.01, 3000, seed=9))
    lp.prefetch_shifted_plan(net)
    order, position, sn = lp.shifted_plan(net)
    assert lp.shifted_plan(net)[2] is sn
    order2, position2, sn2 = lp.shifted_plan_uncached(net)
    assert np.array_equal(order, order2) and np.array_equal(position[order], np.arange(order.size))
    for name in ("sn_start", "s_ptr", "s_idx", "rel", "e_off", "e_perm", "perm"):
        assert np.array_equal(getattr(sn, name), getattr(sn2, name))
    src = np.random.default_rng(0).normal(size=order.size)
    a = solve_shifted(net, src, [1e-6])
    b = solve_shifted(build_network(random_sample(0.01, 3000, seed=9)), src, [1e-6])
    assert np.array_equal(a.spin, b.spin)


def test_concurrent_shifts_limited_by_exact_memory_need(monkeypatch):
    """After the symbolic plan the need per concurrent factorisation is known exactly: fewer
    workers when two do not fit, a MemoryError naming the need when one does not."""
    import numerics.laplacian as lp
    net = build_network(random_sample(0.01, 2000, seed=3))
    M = net.positions.shape[0]
    sn = lp.shifted_plan(net)[2]
    per = 8 * (sn.stored + sn.stack_size + sn.max_front + 6 * M)
    monkeypatch.setattr(lp, "available_memory", lambda: int(1.5 * per / 0.9))
    assert lp._workers_that_fit(sn, M, 2) == 1
    monkeypatch.setattr(lp, "available_memory", lambda: int(3 * per / 0.9))
    assert lp._workers_that_fit(sn, M, 2) == 2
    monkeypatch.setattr(lp, "available_memory", lambda: per // 2)
    with pytest.raises(MemoryError, match="one shifted factorisation needs"):
        lp._workers_that_fit(sn, M, 2)
