"""Spin-diffusion steady states (S43): dense float, a 60-digit reference, large shifts — on every engine."""

import numpy as np
import pytest

from hopspin.errors import ParameterError
from numerics.network import build_network
from numerics.sample import random_sample
from numerics.solvers import solve_shifted
from tests.helpers.mpmath_reference import shifted_reference


@pytest.fixture(scope="module")
def small_low_density():
    return build_network(random_sample(0.003, 600, seed=2))


def _dense(net):
    M = net.positions.shape[0]
    g = net.conductances
    i, j = net.bonds.T
    L = np.zeros((M, M))
    np.add.at(L, (i, j), -g)
    np.add.at(L, (j, i), -g)
    L[np.arange(M), np.arange(M)] = -L.sum(axis=1)
    return L, g


def test_shifted_matches_dense_float_high_density(engine):
    net = build_network(random_sample(0.1, 400, seed=3))
    M = net.positions.shape[0]
    src = np.random.default_rng(0).normal(size=M) + 0.3
    L, g = _dense(net)
    i, j = net.bonds.T
    shifts = np.array([0.0, 1e-3, 1.0, np.inf])
    sol = solve_shifted(net, src, shifts, engine=engine)
    s0 = src - src.mean()
    for k, eps in enumerate(shifts[:3]):
        if eps == 0:
            S = np.linalg.lstsq(L, s0, rcond=None)[0]
            S -= S.mean()
        else:
            S = np.linalg.solve(L + eps * np.eye(M), s0)
        if engine == "backprop":
            Dd = g * (S[j] - S[i])
            assert np.max(np.abs(sol.bond_difference[k] - Dd)) < 1e-10 * np.max(np.abs(Dd))
        assert np.max(np.abs(sol.spin[k] - S)) < 1e-10 * np.max(np.abs(S))
        assert sol.uniform_part[k] == (np.inf if eps == 0 else src.mean() / eps)
    # eps = inf: tau_s = 0, S = 0 exactly
    assert np.all(sol.spin[3] == 0)
    if engine == "backprop":
        assert np.all(sol.bond_difference[3] == 0)
    else:
        assert sol.bond_difference is None
    assert sol.uniform_part[3] == 0
    assert np.all(sol.max_balance_error <= 1e-12)


def test_shifted_against_mpmath_low_density(small_low_density, engine):
    net = small_low_density
    M = net.positions.shape[0]
    rng = np.random.default_rng(1)
    src = rng.normal(size=M)
    shifts = np.array([0.0, 1e-14])
    sol = solve_shifted(net, src, shifts, engine=engine)
    assert np.all(sol.max_balance_error <= 1e-9)
    centred = net.positions - net.positions.mean(axis=0)
    for k, eps in enumerate(shifts):
        ref_d, ref_s = shifted_reference(net, src, eps, spin=True)
        # every site value, and the dipole sum of Eq. (12) that the spin response uses
        assert np.max(np.abs(sol.spin[k] - ref_s)) <= 1e-12 * np.max(np.abs(ref_s))
        dip, dip_ref = centred.T @ sol.spin[k], centred.T @ ref_s
        assert np.all(np.abs(dip - dip_ref) <= 1e-11 * np.abs(dip_ref).max())
        if engine == "backprop":
            ref = np.array([float(d) for d in ref_d])
            scale = np.max(np.abs(ref))
            assert np.max(np.abs(sol.bond_difference[k] - ref)) <= 1e-12 * scale
            big = np.abs(ref) >= 1e-6 * scale
            assert np.max(np.abs(sol.bond_difference[k][big] - ref[big]) / np.abs(ref[big])) < 1e-8


def test_shifted_large_eps_and_uniform_part(engine):
    net = build_network(random_sample(0.01, 2000, seed=5))
    M = net.positions.shape[0]
    src = np.random.default_rng(2).normal(size=M)
    shifts = net.shifts([1e14, 1e4, 1e-2, 1e-8, 0.0])   # ε = 1e-14 ... 1e8, ∞ in units of τ0⁻¹
    sol = solve_shifted(net, src, shifts, engine=engine)
    assert np.all(sol.max_balance_error <= 1e-9)
    if engine == "backprop":
        dmax = np.max(np.abs(sol.bond_difference), axis=1)
        assert dmax[3] < 1e-8 * dmax[0] and dmax[4] == 0
    assert np.allclose(sol.uniform_part[:4], src.mean() / shifts[:4], rtol=1e-15)
    # at huge eps S0 -> (source - mean)/eps
    assert np.allclose(sol.spin[3] * shifts[3], src - src.mean(), rtol=1e-6, atol=1e-12)
    # a uniform source: no zero-mean part at all
    sol0 = solve_shifted(net, np.full(M, 2.0), np.array([0.0, 1.0]), engine=engine)
    assert np.all(sol0.uniform_part == np.array([np.inf, 2.0]))
    assert np.all(sol0.spin == 0)
    if engine == "backprop":
        assert np.all(sol0.bond_difference == 0)


@pytest.mark.parametrize("density", [0.002, 0.01, 0.1])
def test_multifrontal_agrees_with_backprop_engine(density):
    """Two independent exact engines (dense-front BLAS-3 elimination vs one pivot at a time)."""
    net = build_network(random_sample(density, 6000, seed=11))
    src = np.random.default_rng(5).normal(size=net.positions.shape[0])
    shifts = np.array([0.0, 1e-14, 1e-9, 1e-4, 1.0])
    a = solve_shifted(net, src, shifts, engine="multifrontal")
    b = solve_shifted(net, src, shifts, engine="backprop")
    for k in range(shifts.size):
        assert np.max(np.abs(a.spin[k] - b.spin[k])) <= 1e-12 * np.max(np.abs(b.spin[k]))
    assert np.all(a.max_balance_error < 1e-11)


def test_shifted_bad_inputs():
    net = build_network(random_sample(0.01, 500, seed=5))
    M = net.positions.shape[0]
    with pytest.raises(ParameterError, match="shifts"):
        solve_shifted(net, np.ones(M), np.array([-1.0]))
    with pytest.raises(ParameterError, match="source"):
        solve_shifted(net, np.ones(M + 1), np.array([1.0]))
    with pytest.raises(ParameterError, match="finite"):
        solve_shifted(net, np.full(M, np.nan), np.array([1.0]))
    with pytest.raises(ParameterError, match="engine"):
        solve_shifted(net, np.ones(M), np.array([1.0]), engine="cholmod")
