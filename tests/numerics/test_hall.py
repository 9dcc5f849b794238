"""The orbital flux in the network (numerics.flux): Hall effect, spin responses in the field, Onsager–Casimir.

Independent references used here: the theory's closed forms for the triangle in a flux
(theory/flux_triangle.py, SymPy, imported inside the tests), a dense LU of the full non-symmetric system
with the Hall operator built from the closed form K/Q = −6 sin Φ (β⁰), a 40-digit mpmath solve, and the
direct 2×2 traces of theory/flux_kernels.py for the generated kernels.
"""

import json
import math
from itertools import combinations

import numpy as np
import pytest

from hopspin.errors import HopspinError, ParameterError
from numerics.flux.hall import ETA_TYPICAL, hall, hall_network, y_circuit
from numerics.flux.kernels import hall_injection
from numerics.flux.onsager import flux_sge
from numerics.flux.solve import NeumannDiverged, hall_kirchhoff, neumann_bound
from numerics.flux.spin import flux_spin_response
from numerics.network import build_network
from numerics.response import spin_response
from numerics.sample import random_sample
from numerics.solvers import NetworkAnalysis, short_circuit_current, solve_kirchhoff
from numerics.spin_orbit import UNIT_BETA_001
from numerics.triads import triangle_list
from numerics.triangle import triangle_network


@pytest.fixture(scope="module")
def small():
    """A 300-site sample at n_s a_b² = 0.05 (moderate contrast: dense LU is accurate there)."""
    net = build_network(random_sample(0.05, 300, 5), 1.5)
    an = NetworkAnalysis(net)
    return net, an, solve_kirchhoff(net, analysis=an)


@pytest.fixture(scope="module")
def sample():
    net = build_network(random_sample(0.01, 3000, 1), 1.5)
    an = NetworkAnalysis(net)
    return net, an, solve_kirchhoff(net, analysis=an)


# --------------------------------------------------------------------------- dense references

def _dense_hall(pos, bonds, b, eta):
    """(H X)_i = η Σ'_{jk} κ_ikj g_kj (X_j − X_k), κ = −(3/4) e^{R_kj − R_ik − R_ij} sin(b A_ikj): the closed form."""
    m = pos.shape[0]
    nb = {i: set() for i in range(m)}
    for a, c in bonds:
        nb[a].add(c)
        nb[c].add(a)
    d = lambda p, q: float(np.linalg.norm(pos[p] - pos[q]))  # noqa: E731
    H = np.zeros((m, m))
    for i in range(m):
        for j, k in combinations(sorted(nb[i]), 2):
            if k in nb[j]:
                area = 0.5 * ((pos[j, 0] - pos[i, 0]) * (pos[k, 1] - pos[i, 1])
                              - (pos[k, 0] - pos[i, 0]) * (pos[j, 1] - pos[i, 1]))
                h = -0.75 * eta * math.exp(-d(i, k) - d(i, j) - d(k, j)) * math.sin(b * area)
                H[i, j] += h
                H[i, k] -= h
    return H


def _dense_laplacian(m, bonds, g):
    lap = np.zeros((m, m))
    for (a, c), x in zip(bonds, g):
        lap[a, c] += x
        lap[c, a] += x
        lap[a, a] -= x
        lap[c, c] -= x
    return lap


def _dirichlet(A, electrode, values, source=None):
    fixed = electrode != 0
    V = np.where(fixed, values, 0.0)
    rhs = -A[np.ix_(~fixed, fixed)] @ V[fixed] - (0 if source is None else source[~fixed])
    V[~fixed] = np.linalg.solve(A[np.ix_(~fixed, ~fixed)], rhs)
    return V, A @ V + (0 if source is None else source)


# --------------------------------------------------------------------------- kernels

@pytest.mark.parametrize("seed", range(4))
def test_generated_hall_kernel_equals_direct_traces(seed):
    from numerics._generated import HALL_OUTPUTS, triad_hall
    from theory.flux_kernels import direct_triad_flux

    rng = np.random.default_rng(seed)
    ri, rj, rk = rng.uniform(-1.5, 1.5, (3, 2)) + 30.0
    beta, phi = rng.normal(size=(3, 2)) * 0.4, rng.uniform(-3, 3)
    got = triad_hall(*ri, *rj, *rk, *beta.ravel(), phi)
    ref = direct_triad_flux(ri, rj, rk, beta, phi)
    scale = max(abs(ref[n]) for n in HALL_OUTPUTS)
    for name, value in zip(HALL_OUTPUTS, got):
        assert abs(value - ref[name]) <= 1e-12 * scale, name
    zero = triad_hall(*ri, *rj, *rk, *np.zeros(6), phi)
    w = math.exp(np.linalg.norm(rk - rj) - np.linalg.norm(ri - rk) - np.linalg.norm(ri - rj)) / 8
    assert zero[0] == pytest.approx(-6 * math.sin(phi) * w, rel=1e-14)       # K/Q = −6 sin Φ at β⁰
    assert zero[9] == zero[0]                                                 # M^(0)_zz = K^(0)
    # the odd part in β used for M^(1): −12 sin Φ [d_ij]_× w, d_ij = β(R_i − R_j)
    minus = triad_hall(*ri, *rj, *rk, *(-beta).ravel(), phi)
    m1 = 0.5 * (np.array(got[1:]) - np.array(minus[1:])).reshape(3, 3)
    d = beta @ (ri - rj)
    cross = np.array([[0, -d[2], d[1]], [d[2], 0, -d[0]], [-d[1], d[0], 0]])
    np.testing.assert_allclose(m1, -12 * math.sin(phi) * w * cross, atol=1e-13 * np.abs(m1).max())


# --------------------------------------------------------------------------- charge

def test_flux_zero_is_the_zero_field_solution_exactly(sample):
    net, an, k = sample
    tri, edges = triangle_list(net.positions.shape[0], net.bonds)
    hk = hall_kirchhoff(net, k, [0.0, 0.3], ETA_TYPICAL, an, tri, edges)
    assert np.array_equal(hk.bond_current[0], k.bond_current) and hk.total_current[0] == k.total_current
    assert not np.array_equal(hk.bond_current[1], k.bond_current)
    res = hall_network(net, [0.0, 0.1])
    assert res.hall_current[0] == 0.0 and res.current[0] == res.current_zero


@pytest.mark.parametrize("side, b, eta", [(1.0, 0.9, 0.5), (2.0, 0.7, 0.3), (3.0, -1.3, 1.0)])
def test_triangle_with_flux_equals_the_closed_forms(side, b, eta):
    """V3, I_total, f_dr, f_diff, f_x of theory/flux_triangle.py through the network pipeline, to 1e-9."""
    from theory.flux_triangle import triangle_flux_numbers

    taus = [0.0, 1.0, 30.0, 1e3, 1e6]
    cf = triangle_flux_numbers(side, b, eta, taus)
    net = triangle_network(side)
    an = NetworkAnalysis(net)
    k = solve_kirchhoff(net, analysis=an)
    tri, edges = triangle_list(3, net.bonds)
    hk = hall_kirchhoff(net, k, [b], eta, an, tri, edges)
    g_c = math.exp(-2 * net.scale_length)
    assert hk.potential[0, 2] == pytest.approx(cf["V3"], rel=1e-12)
    assert hk.total_current[0] * g_c == pytest.approx(cf["I_total"], rel=1e-12)
    r = flux_spin_response(net, k, UNIT_BETA_001, [b], taus, eta=eta, analysis=an)
    assert r.s_dr[0, 1] / 2 == pytest.approx(cf["f_dr"], rel=1e-12)
    for j in range(len(taus)):
        f_diff = (r.s_diff[0, j, 1] + r.s_m[0, j, 1]) / 2
        assert f_diff == pytest.approx(cf["f_diff"][j], rel=1e-9, abs=1e-15)
        assert r.f_x[0, j] == pytest.approx(cf["f_x"][j], rel=1e-9)
    assert r.kkm_error < 1e-12


def test_hall_is_odd_in_b_linear_at_small_b_and_obeys_onsager(sample):
    net, _, _ = sample
    flux = [1e-4, -1e-4, 2e-4, -2e-4, 0.05, -0.05, 0.4, -0.4]
    res = hall_network(net, flux)
    assert res.antisymmetry_error <= 1e-12
    assert res.onsager_error <= 1e-6
    np.testing.assert_allclose(res.hall_current_reciprocal, res.hall_current, rtol=1e-9)
    lin = res.hall_current[:4] / (np.array(flux[:4]) * res.hall_current_linear) - 1
    assert np.all(np.abs(lin) < 1e-4) and lin[2] / lin[0] == pytest.approx(4.0, rel=1e-3)   # linear, then O(b²)
    assert abs(res.hall_current[6] / (0.4 * res.hall_current_linear) - 1) > 1e-3   # and not at Φ_c ~ 25
    assert np.all(np.abs(res.magnetoresistance) < 1e-6)       # O(η²)
    np.testing.assert_allclose(res.current[::2], res.current[1::2], rtol=1e-13)   # I_x even in b
    rec = json.loads(json.dumps(res.to_record(), allow_nan=False))
    assert rec["flux"] == flux and len(rec["hall_current"]) == len(flux) and len(rec["current"]) == len(flux)


def test_exact_hall_solve_and_hall_current_against_dense_lu(small):
    net, an, k = small
    eta, b = 0.05, 0.7
    pos, bonds, el = net.positions, net.bonds, net.electrode
    lap = _dense_laplacian(pos.shape[0], bonds, np.exp(-2 * net.lengths))
    H = _dense_hall(pos, bonds, b, eta)
    assert np.abs(H + H.T).max() < 1e-15 * np.abs(H).max()
    v_b, flow = _dirichlet(lap + H, el, (el == -1).astype(float))
    tri, edges = triangle_list(pos.shape[0], bonds)
    hk = hall_kirchhoff(net, k, [b], eta, an, tri, edges)
    assert hk.total_current[0] * math.exp(-2 * net.scale_length) == pytest.approx(flow[el == 1].sum(), rel=1e-10)
    np.testing.assert_allclose(hk.potential[0], v_b, atol=1e-10)
    # the Hall current = reciprocity sum χ^T·H·V^x with dense zero-field potentials
    v0, _ = _dirichlet(lap, el, (el == -1).astype(float))
    ely = y_circuit(net).electrode
    chi_t, _ = _dirichlet(lap, ely, (ely == 1).astype(float))
    res = hall_network(net, [b], eta=eta)
    assert res.hall_current[0] == pytest.approx(chi_t @ H @ v0, rel=1e-7)
    # short-circuit current of edge EMFs with the Hall operator = zero-field elimination + Σ e δI(−b)
    e = np.random.default_rng(1).normal(size=bonds.shape[0]) * 1e-2
    src = np.zeros(pos.shape[0])
    g = np.exp(-2 * net.lengths)
    np.add.at(src, bonds[:, 0], e * g)
    np.add.at(src, bonds[:, 1], -e * g)
    _, flow_sc = _dirichlet(lap + H, el, np.zeros(pos.shape[0]), source=src)
    hk_rev = hall_kirchhoff(net, k, [-b], eta, an, tri, edges)
    isc = short_circuit_current(net, e[None, :], an)[0] + e @ (hk_rev.bond_current[0] - k.bond_current)
    assert isc * math.exp(-2 * net.scale_length) == pytest.approx(flow_sc[el == 1].sum(), rel=1e-9)


def test_exact_hall_solve_against_mpmath():
    mp = pytest.importorskip("mpmath")
    net = build_network(random_sample(0.08, 60, 2), 1.5)
    an = NetworkAnalysis(net)
    k = solve_kirchhoff(net, analysis=an)
    eta, b = 0.2, 1.1
    pos, bonds, el = net.positions, net.bonds, net.electrode
    tri, edges = triangle_list(pos.shape[0], bonds)
    hk = hall_kirchhoff(net, k, [b], eta, an, tri, edges)
    m = pos.shape[0]
    with mp.workdps(40):
        A = mp.matrix(m, m)
        dist = lambda p, q: mp.sqrt(mp.mpf(float(pos[p, 0] - pos[q, 0])) ** 2 + mp.mpf(float(pos[p, 1] - pos[q, 1])) ** 2)  # noqa: E731
        for a_, c_ in bonds:
            gg = mp.e ** (-2 * dist(a_, c_))
            A[a_, c_] += gg
            A[c_, a_] += gg
            A[a_, a_] -= gg
            A[c_, c_] -= gg
        nb = {i: set() for i in range(m)}
        for a_, c_ in bonds:
            nb[a_].add(c_)
            nb[c_].add(a_)
        for i in range(m):
            for j, kk in combinations(sorted(nb[i]), 2):
                if kk in nb[j]:
                    area = (mp.mpf(float(pos[j, 0] - pos[i, 0])) * mp.mpf(float(pos[kk, 1] - pos[i, 1]))
                            - mp.mpf(float(pos[kk, 0] - pos[i, 0])) * mp.mpf(float(pos[j, 1] - pos[i, 1]))) / 2
                    h = -mp.mpf(3) / 4 * eta * mp.e ** (-dist(i, kk) - dist(i, j) - dist(kk, j)) * mp.sin(b * area)
                    A[i, j] += h
                    A[i, kk] -= h
        inner = [i for i in range(m) if el[i] == 0]
        src = [i for i in range(m) if el[i] == -1]
        Ai = mp.matrix([[A[p, q] for q in inner] for p in inner])
        rhs = mp.matrix([-sum((A[p, q] for q in src), mp.mpf(0)) for p in inner])
        x = mp.lu_solve(Ai, rhs)
        V = [mp.mpf(1) if el[i] == -1 else mp.mpf(0) for i in range(m)]
        for n, i in enumerate(inner):
            V[i] = x[n]
        total = sum((sum((A[i, q] * V[q] for q in range(m)), mp.mpf(0)) for i in range(m) if el[i] == 1), mp.mpf(0))
        ref = float(total)
    assert hk.total_current[0] * math.exp(-2 * net.scale_length) == pytest.approx(ref, rel=1e-12)
    np.testing.assert_allclose(hk.potential[0][el == 0], [float(V[i]) for i in inner], atol=1e-13)


def test_neumann_bound_and_divergence(sample):
    net, an, k = sample
    tri, edges = triangle_list(net.positions.shape[0], net.bonds)
    hk = hall_kirchhoff(net, k, [0.2], ETA_TYPICAL, an, tri, edges)
    assert hk.bound < 1 and hk.contraction <= hk.bound and hk.terms >= 2
    assert neumann_bound(net, tri, edges, [0.0], ETA_TYPICAL) == 0.0
    with pytest.raises(NeumannDiverged) as err:
        hall_kirchhoff(net, k, [0.2], 1e4, an, tri, edges)
    assert isinstance(err.value, HopspinError) and "\n" not in str(err.value)


def test_hall_injections_sum_to_zero_and_vanish_for_uniform_potential(sample):
    net, _, k = sample
    tri, edges = triangle_list(net.positions.shape[0], net.bonds)
    p = hall_injection(net.positions, net.bonds, tri, edges, k.bond_current, [0.3], 1.0)
    assert abs(p.sum()) < 1e-12 * np.abs(p).sum() and np.abs(p).max() > 0
    assert np.all(hall_injection(net.positions, net.bonds, tri, edges, np.zeros(net.bonds.shape[0]), [0.3], 1.0) == 0)


@pytest.mark.filterwarnings("ignore::hopspin.errors.HopspinWarning")
def test_bad_flux_and_eta_are_refused():
    for bad in ([], [float("nan")], [1e9], "x"):
        with pytest.raises(ParameterError):
            hall(site_density=0.01, sites=500, flux=bad)
    with pytest.raises(ParameterError):
        hall(site_density=0.01, sites=500, flux=[0.1], eta=-1.0)
    with pytest.raises(ParameterError, match="equal-energy"):
        hall(site_density=0.01, sites=500, flux=[0.1], energy_disorder=1.0)


# --------------------------------------------------------------------------- spin

def test_spin_with_flux_zero_field_kkm_eq12_and_odd_part(sample):
    net, an, k = sample
    taus = [0.0, 10.0, 1e3, 1e6, np.inf]
    r = flux_spin_response(net, k, UNIT_BETA_001, [0.0, 0.02, -0.02], taus, analysis=an)
    ref = spin_response(net, k, UNIT_BETA_001, taus, keep_fields=False, analysis=an)
    np.testing.assert_allclose(r.s[0], ref.s, atol=1e-11 * np.abs(ref.s_dr).max())
    assert r.zero_field_error < 1e-11
    from numerics.simulate import simulate_network
    sim = simulate_network(net, taus, analysis=an, kirchhoff=k)       # f of Eq. (13) as `hopspin simulate` gives it
    np.testing.assert_allclose(r.f_y[0], sim.f, rtol=0, atol=1e-11 * abs(sim.f_dr))
    assert r.s_dr[0, 1] / 2 == pytest.approx(sim.f_dr, rel=1e-12)
    assert r.kkm_error < 1e-11 and r.eq12_error < 1e-11 and r.max_balance_error < 1e-10
    odd = r.f_x_odd[1]
    assert np.all(np.isfinite(odd[:-1])) and np.abs(odd[:-1]).max() > 0
    np.testing.assert_allclose(r.f_x_odd[1], -r.f_x_odd[2], atol=1e-18)
    assert np.abs(r.f_y[1] - r.f_y[0]).max() > 1e-4                 # the cos Φ reduction, even in b
    assert np.all(np.abs(r.f_y[:, -1]) < 1e-9 * abs(r.f_y[0, 0]))    # f(τ_s = ∞) = 0 in the field too
    assert json.dumps(r.to_record(), allow_nan=False)


@pytest.mark.parametrize("beta", [UNIT_BETA_001, np.array([[0.0, 1.3], [0.4, 0.0], [0.0, 0.0]]),
                                  np.array([[0.0, 0.3], [-0.3, 0.0], [0.8, 0.0]])])
def test_onsager_casimir_spin_galvanic_equals_cisp_at_reversed_field(sample, beta):
    net, an, k = sample
    flux = np.array([0.03, 0.2])
    taus = [0.0, 10.0, 1e3, 1e6]
    r = flux_spin_response(net, k, beta, np.concatenate([flux, -flux]), taus, analysis=an, compare_zero_field=False)
    sge = flux_sge(net, k, beta, flux, taus, analysis=an)
    ref = np.abs(r.s_dr).max()
    reversed_cisp = r.s[flux.size:, :, :2]
    assert np.abs(sge.sge - reversed_cisp).max() <= 1e-6 * ref
    odd_signal = np.abs(r.s[:flux.size, :, :2] - reversed_cisp).max()      # what a wrong sign of b would miss
    assert odd_signal > 1e3 * max(np.abs(sge.sge - reversed_cisp).max(), 1e-16 * ref)
