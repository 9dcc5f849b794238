"""Kirchhoff currents: conservation, a 60-digit reference, relabelling invariance — on every engine."""

import numpy as np
import pytest

from hopspin.errors import ConservationError
from numerics.network import build_network
from numerics.sample import Sample, random_sample
from numerics.solvers import conservation_error, solve_kirchhoff
from tests.helpers.mpmath_reference import kirchhoff_reference


@pytest.fixture(scope="module")
def small_low_density():
    return build_network(random_sample(0.003, 600, seed=2))


@pytest.mark.parametrize("density", [0.002, 0.005, 0.01, 0.05, 0.1])
def test_conservation(density, engine):
    net = build_network(random_sample(density, 20000, seed=11))
    sol = solve_kirchhoff(net, tolerance=1e-9, engine=engine)
    assert sol.engine == engine
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
def test_against_mpmath(N, seed, engine):
    net = build_network(random_sample(0.003, N, seed=seed))
    cur, tot = kirchhoff_reference(net, dps=60)
    ref = np.array([float(c) for c in cur])
    total = float(tot)
    sol = solve_kirchhoff(net, engine=engine)
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
    g = net.conductances
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


def test_relabelling_invariance(engine):
    s = random_sample(0.005, 3000, seed=4)
    net = build_network(s)
    perm = np.random.default_rng(9).permutation(s.sites)
    s2 = Sample(positions=s.positions[perm], side=s.side, site_density=s.site_density, seed=None)
    net2 = build_network(s2)
    a = solve_kirchhoff(net, engine=engine)
    b = solve_kirchhoff(net2, engine=engine)
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


def test_same_seed_same_currents(engine):
    a = solve_kirchhoff(build_network(random_sample(0.01, 2000, seed=8)), engine=engine)
    b = solve_kirchhoff(build_network(random_sample(0.01, 2000, seed=8)), engine=engine)
    assert np.array_equal(a.bond_current, b.bond_current)
    assert a.total_current == b.total_current


def test_tolerance_violation_raises(engine):
    net = build_network(random_sample(0.01, 1000, seed=1))
    with pytest.raises(ConservationError):
        solve_kirchhoff(net, tolerance=0.0 - 1.0, engine=engine)


def test_engines_agree():
    """Two independent exact engines give the same currents to rounding."""
    net = build_network(random_sample(0.002, 6000, seed=12))
    a = solve_kirchhoff(net, engine="multifrontal")
    b = solve_kirchhoff(net, engine="backprop")
    assert b.total_current == pytest.approx(a.total_current, rel=1e-14)
    assert np.max(np.abs(a.bond_current - b.bond_current)) <= 1e-14 * a.total_current
