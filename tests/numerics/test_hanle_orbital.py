"""A real field on both (numerics.field.orbital): Zeeman precession and the orbital flux at once.

Independent references: the flux-only pipeline (numerics.flux.spin / onsager: its own solver and kernels), today's
Zeeman-only field_response, the SGE route against R(−B) (Onsager–Casimir, −B flipping ω and b), a dense numpy solve
of the 3-site 9×9 problem with the closed-form Hall operator and M¹ summed over ordered triads, and dense matrices
for the complex-shift contraction bound.
"""
import math

import numpy as np
import pytest

from hopspin.errors import ParameterError
from numerics.config import SimulationConfig
from numerics.field import CurrentRun, field_response, hanle
from numerics.field.hanle import current_runs
from numerics.field.orbital import orbital_response
from numerics.field.orbital_ops import Channel, FluxOperators, hall_matrix, m1_tensors
from numerics.field.response import scaled_larmor
from numerics.field.complex_shift import ShiftSolver
from numerics.field.vectors import bloch_solve, kkm
from numerics.flux.hall import ETA_TYPICAL
from numerics.flux.kernels import m1_rate, m1_uniform_source
from numerics.flux.onsager import flux_sge
from numerics.flux.solve import hall_kirchhoff, neumann_bound
from numerics.flux.spin import flux_sources, flux_spin_response, spin_hall_injection
from numerics.network import build_network
from numerics.sample import random_sample
from numerics.solvers import NetworkAnalysis
from numerics.spin_orbit import UNIT_BETA_001
from numerics.triads import triangle_list

pytestmark = pytest.mark.filterwarnings("ignore::hopspin.errors.HopspinWarning")
SAMPLE = dict(site_density=0.01, sites=3000, seed=3)
TILTED = (1.0, 2.0, -1.5)


def _rel(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / max(float(np.max(np.abs(b))), 1e-300))


@pytest.fixture(scope="module")
def runs():
    return current_runs(random_sample(0.01, 3000, 3), SimulationConfig(**SAMPLE, tau_s=(10.0,)))


# ----------------------------------------------------------------------------- operators
def test_operators_equal_the_flux_kernels(runs):
    net, beta = runs[0].network, runs[0].beta
    tri, edges = triangle_list(net.positions.shape[0], net.bonds)
    rng = np.random.default_rng(0)
    D = rng.normal(size=(2, net.bonds.shape[0]))
    H = hall_matrix(net, tri, edges, 0.3, 0.01)
    ref = spin_hall_injection(net, D, np.full(2, 0.3), 0.01, tri, edges)
    assert _rel((H @ D.T).T, ref) < 1e-14
    C, U = m1_tensors(net, tri, edges, beta, -0.3)
    for a in (np.array([0.0, 0.0, 1.0]), rng.normal(size=3)):
        assert _rel(np.einsum("lb,bmn,n->lm", D, C, a), m1_rate(net, tri, edges, beta, np.full(2, -0.3), D, a, 1.0)) \
            < 1e-13
        s = rng.normal(size=3)
        assert _rel((U @ s) @ a, m1_uniform_source(net, tri, edges, beta, [-0.3], s, a, 1.0)[0]) < 1e-13


# ----------------------------------------------------------------------------- limits
def test_orbital_false_is_todays_hanle_and_json_unchanged(runs):
    res = hanle(**SAMPLE, tau_s=(10.0,), field=["0 mT", "2 mT"], field_direction=TILTED, currents=("x", "y"))
    ref = field_response(runs, (10.0,), res.omega)
    assert np.array_equal(res.cisp, ref.cisp) and np.array_equal(res.sge, ref.sge) and np.array_equal(res.she, ref.she)
    rec = res.to_records()[0]
    assert "flux" not in rec and "orbital" not in rec and "eta" not in rec


def test_in_plane_field_has_no_flux_and_small_flux_is_continuous():
    base = dict(**SAMPLE, tau_s=(10.0, 1e4), field=["-0.2 T", "0.05 T", "0.2 T"], currents=("x",))
    inplane = (1.0, 0.6, 0.0)
    a = hanle(**base, field_direction=inplane)
    b = hanle(**base, field_direction=inplane, orbital=True)
    assert np.all(b.flux == 0.0)
    for x, y in ((b.cisp, a.cisp), (b.sge[:, :, 0], a.sge[:, :, 0]), (b.she, a.she), (b.generation, a.generation)):
        assert _rel(x[..., 0], y[..., 0]) < 1e-12                      # the E ∥ x column (currents=("x",))
    # b → 0 in a tilted field: the orbital run tends to the Zeeman-only one, linearly in b
    c = hanle(**base, field_direction=TILTED)
    devs = []
    for a_b in ("1 angstrom", "0.2 nm"):
        d = hanle(**base, field_direction=TILTED, orbital=True, localization_radius=a_b)
        devs.append(_rel(d.cisp[..., 0], c.cisp[..., 0]))
        assert abs(d.flux[2]) < 1e-4
    # b ∝ a_b² (×4): the odd part is linear in b (∝ η b), the cos Φ and Hall-current parts quadratic (×16)
    assert devs[0] < 1e-8 and 3.5 < devs[1] / devs[0] < 17.0


def test_no_zeeman_equals_the_flux_only_pipeline(runs):
    run = runs[0]
    net, kir, an = run.network, run.kirchhoff, run.analysis
    flux = np.array([0.05, -0.05, 0.3])
    taus = (0.0, 10.0, 1e3, 1e6)
    resp = orbital_response([run], taus, np.zeros((3, 3)), flux, eta=ETA_TYPICAL)
    ref = flux_spin_response(net, kir, UNIT_BETA_001, flux, taus, eta=ETA_TYPICAL, analysis=an, compare_zero_field=False)
    scale = np.abs(ref.s_dr).max()
    gen = np.moveaxis(resp.generation[..., 0], 0, 1)                  # (F, K, 3)
    assert np.abs(gen - ref.s).max() <= 1e-12 * scale
    assert np.abs(np.moveaxis(resp.generation_m1[..., 0], 0, 1) - ref.s_m).max() <= 1e-12 * scale
    assert np.abs(np.moveaxis(resp.she[:, :, 2, :, 0], 0, 1) * resp.axis[2] - ref.u).max() <= 1e-12 * scale
    sge = flux_sge(net, kir, UNIT_BETA_001, flux, taus, eta=ETA_TYPICAL, analysis=an)
    got = np.moveaxis(resp.sge[:, :, 0, :2], 0, 1)
    assert np.abs(got - sge.sge).max() <= 1e-12 * scale
    assert resp.kkm_error < 1e-11 and resp.eq12_error < 1e-11 and resp.onsager_casimir_error < 1e-9
    assert resp.neumann_bound < 1 and resp.neumann_contraction < resp.neumann_bound


def test_growth_axis_field_both_is_the_hanle_factor_times_the_flux_only_generation():
    base = dict(**SAMPLE, tau_s=(10.0, 1e3, 1e5), field=["0 T", "0.01 T", "-0.4 T", "1 T"], field_direction="z")
    both = hanle(**base, orbital=True)
    flux_only = hanle(**base, orbital=True, zeeman=False)
    assert np.allclose(both.flux, flux_only.flux) and not np.any(flux_only.omega)
    for k, t in enumerate(both.tau_s):
        eps = 1.0 / t
        r_b = flux_only.generation[k]                                       # R(b) of the flux alone
        assert _rel(both.generation[k], r_b) < 1e-13
        assert _rel(both.sge[k], flux_only.sge[k]) < 1e-12 and _rel(both.she[k], flux_only.she[k]) < 1e-12
        for f in range(len(both.field)):
            w = both.omega[f, 2]
            pred = eps * (eps + 1j * w) / (eps**2 + w**2) * (r_b[f, 0] + 1j * r_b[f, 1])
            got = both.cisp[k, f, 0] + 1j * both.cisp[k, f, 1]
            assert np.max(np.abs(got - pred)) <= 1e-12 * np.max(np.abs(r_b))
            assert np.max(np.abs(both.cisp[k, f, 2] - r_b[f, 2])) <= 1e-12 * np.max(np.abs(r_b))
    assert _rel(flux_only.generation[:, 3], flux_only.generation[:, 0]) > 1e-3       # the flux does act


@pytest.mark.parametrize("direction", ["x", "z", TILTED, (30.0, 200.0)])
def test_onsager_casimir_both_effects_per_sample(direction):
    fields = ["-0.8 T", "-2 mT", "2 mT", "0.8 T"]
    res = hanle(**SAMPLE, tau_s=(10.0, 1e4), field=fields, field_direction=direction, orbital=True, eta=0.02)
    for f in range(len(fields)):
        rev = len(fields) - 1 - f                                # the field −B: ω and b both reversed
        assert np.allclose(res.omega[rev], -res.omega[f]) and res.flux[rev] == -res.flux[f]
        for k, t in enumerate(res.tau_s):
            eps, w = 1.0 / t, res.omega[f]
            cross = np.array([[0, -w[2], w[1]], [w[2], 0, -w[0]], [-w[1], w[0], 0]])
            pred = res.cisp[k, rev].T @ (eps * np.eye(3) - cross) / eps
            assert np.max(np.abs(res.sge[k, f] - pred)) <= 1e-6 * np.max(np.abs(pred))
    assert res.onsager_casimir_error < 1e-9 and res.kkm_error < 1e-10 and res.max_backward_error_complex < 1e-14
    if direction != "x":                                         # an odd-in-b part is there to be caught
        assert _rel(res.generation[:, 3], res.generation[:, 0]) > 1e-4


# ----------------------------------------------------------------------------- the triangle, dense 9 × 9
def _dense_triangle(net, hk, beta, b, eta, eps, om):
    """R and the CISP of the 3-site triangle from a dense solve of (𝓛 + ε − H − ω×) S̃ = γ ĉ (scaled units)."""
    from numerics._generated import triad_hall
    pos, bonds, g = net.positions, net.bonds, net.conductances
    g_c = math.exp(-2 * net.scale_length)
    tri, edges = triangle_list(3, bonds)
    drift, gamma, axis = flux_sources(net, hk.bond_current, beta, [b], tri, edges)
    scale = net.side / net.sites / hk.total_current[0]
    area = lambda i, k, j: 0.5 * ((pos[j, 0] - pos[i, 0]) * (pos[k, 1] - pos[i, 1])          # noqa: E731
                                  - (pos[k, 0] - pos[i, 0]) * (pos[j, 1] - pos[i, 1]))
    dist = lambda p, q: float(np.linalg.norm(pos[p] - pos[q]))                                # noqa: E731
    lap, H = np.zeros((3, 3)), np.zeros((3, 3))
    for (p, q), x in zip(bonds, g):
        lap[p, p] += x
        lap[q, q] += x
        lap[p, q] -= x
        lap[q, p] -= x
    gk = {}
    for (p, q), x in zip(bonds, g):
        gk[p, q] = gk[q, p] = x
    for i in range(3):                       # closed form K/Q = M⁰/Q = −6 sin Φ: κ = −(3/4) e^{−R_ik−R_ij−R_kj} sin Φ
        j, k = [x for x in range(3) if x != i]
        h = -0.75 * eta * math.exp(-dist(i, k) - dist(i, j) - dist(k, j)) * math.sin(b * area(i, k, j)) / g_c
        H[i, j] += h
        H[i, k] -= h
    cross = np.array([[0, -om[2], om[1]], [om[2], 0, -om[0]], [-om[1], om[0], 0]])
    A = np.kron(lap + eps * np.eye(3) - H, np.eye(3)) - np.kron(np.eye(3), cross)
    S = np.linalg.solve(A, np.kron(gamma[0], axis)).reshape(3, 3)            # rows site, columns spin
    b_ = np.asarray(beta, dtype=float).ravel()
    rate = np.zeros(3)
    for i in range(3):
        for k in range(3):
            for j in range(3):
                if len({i, j, k}) < 3:
                    continue
                args = (pos[i, 0], pos[i, 1], pos[j, 0], pos[j, 1], pos[k, 0], pos[k, 1])
                phi = b * area(i, k, j)
                m1 = 0.5 * (np.array(triad_hall(*args, *b_, phi)) - np.array(triad_hall(*args, *(-b_), phi)))[1:10]
                rate += gk[k, j] * (m1.reshape(3, 3) @ S[j])
    c2 = 2 * scale
    cen = pos - pos.mean(axis=0)
    j_diff = c2 * sum(x * np.outer(S[q] - S[p], pos[p] - pos[q]) for (p, q), x in zip(bonds, g))
    gen = scale * drift[0] + kkm(beta, j_diff) + scale * eta * rate
    j12 = c2 * (eps * np.eye(3) - cross) @ (S.T @ cen)
    return gen, bloch_solve(eps, om, gen), kkm(beta, j12)


def test_triangle_tilted_field_both_effects_against_a_dense_solve():
    from numerics.triangle import triangle_network
    for side, b, eta in ((1.0, 0.9, 0.5), (2.0, -0.7, 0.3)):
        net = triangle_network(side)
        run = CurrentRun.solve(net, UNIT_BETA_001)
        an, kir = run.analysis, run.kirchhoff
        g = math.exp(-2 * side)
        taus = (1.0, 30.0, 1e3)
        oms = np.array([[0.3 * g, -0.7 * g, 1.1 * g], [-4 * g, 1 * g, 2 * g], [2 * g, 0.0, 0.0]])
        fluxes = np.array([b, -b, 0.5 * b])
        oms_all = np.vstack([oms, -oms[:1]])
        fl_all = np.concatenate([fluxes, [-b]])
        resp = orbital_response([run], taus, oms_all, fl_all, eta=eta)
        hk = hall_kirchhoff(net, kir, np.unique(np.concatenate([fl_all, -fl_all])), eta, an,
                            *triangle_list(3, net.bonds))
        slot = {float(u): n for n, u in enumerate(hk.flux)}
        eps_all, om_s = net.shifts(taus), scaled_larmor(net, oms_all)
        for f, u in enumerate(fl_all):
            sub = type(hk)(**{**hk.__dict__, "bond_current": hk.bond_current[[slot[float(u)]]],
                              "total_current": hk.total_current[[slot[float(u)]]]})
            for k, e in enumerate(eps_all):
                gen, cisp, gen_kkm = _dense_triangle(net, sub, UNIT_BETA_001, float(u), eta, float(e), om_s[f])
                scale = np.max(np.abs(gen))
                assert np.max(np.abs(resp.generation[k, f, :, 0] - gen)) <= 1e-9 * scale
                assert np.max(np.abs(resp.cisp[k, f, :, 0] - cisp)) <= 1e-9 * scale
                assert np.max(np.abs(gen_kkm - gen)) <= 1e-9 * scale          # the dense R obeys KKM (M¹ vs M⁰)
        # SGE(B) against the dense R(−B)ᵀ: field 0 and its reverse (last)
        for k in range(len(taus)):
            assert np.max(np.abs(resp.sge[k, 0, 0] - resp.generation[k, 3, :, 0])) <= 1e-9 * np.max(
                np.abs(resp.generation[k, 3, :, 0]))


# ----------------------------------------------------------------------------- the complex channel
def test_complex_channel_contracts_within_the_proved_bound_and_solves_the_full_problem():
    net = build_network(random_sample(0.05, 150, 5), 1.5)
    an = NetworkAnalysis(net)
    M = net.positions.shape[0]
    norm2 = lambda X: math.sqrt(max(np.linalg.eigvalsh(X.conj().T @ X)))          # noqa: E731  spectral norm
    tri, edges = triangle_list(M, net.bonds)
    b, eta = 0.7, 0.1
    rho = neumann_bound(net, tri, edges, [b], eta)
    assert 0.05 < rho < 1.0
    ops = FluxOperators(net, tri, edges, UNIT_BETA_001, b, eta)
    lap = np.zeros((M, M))
    for (p, q), x in zip(net.bonds, net.conductances):
        lap[p, p] += x
        lap[q, q] += x
        lap[p, q] -= x
        lap[q, p] -= x
    H = np.asarray(ops.H @ _difference_matrix(net))            # (M, M) acting on site values
    solver = ShiftSolver(net, an, threads=1)
    src = np.random.default_rng(2).normal(size=M)
    src -= src.mean()
    g_max = float(np.max(net.conductances))
    for eps in (1e-3 * g_max, 0.3 * g_max):
        P = lap + eps * np.eye(M)
        lam, V = np.linalg.eigh(P)
        ph = V @ np.diag(lam ** -0.5) @ V.T
        K = ph @ H @ ph
        k_norm = norm2(K)
        assert 0 < k_norm <= rho * (1 + 1e-10)               # the bound is loose (~1e-2 of ρ̄ here)
        for w in (0.0, 0.1 * g_max, 10 * g_max):
            F = V @ np.diag(lam / (lam - 1j * w)) @ V.T
            assert norm2(F @ K) <= k_norm * (1 + 1e-10)        # ‖(P − iw)⁻¹H‖_P ≤ ‖K‖₂ ≤ ρ̄
            sol = Channel(solver, complex(eps, -w)).solve(src[None, :].astype(complex), [ops])
            ref = np.linalg.solve(P - 1j * w * np.eye(M) - H, src)
            assert np.max(np.abs(sol["T"][0] - ref)) <= 1e-10 * np.max(np.abs(ref))
            assert sol["backward"] < 1e-14 and sol["terms"] > 3


def _difference_matrix(net):
    """(B, M) with row e the bond difference g(X_b − X_a) of bond (a, b)."""
    from scipy.sparse import csr_matrix
    B = net.bonds.shape[0]
    rows = np.repeat(np.arange(B), 2)
    cols = net.bonds[:, ::-1].ravel()
    vals = np.column_stack([net.conductances, -net.conductances]).ravel()
    return csr_matrix((vals, (rows, cols)), shape=(B, net.positions.shape[0])).toarray()


# ----------------------------------------------------------------------------- inputs and records
def test_orbital_inputs_refused_with_one_line_naming_the_parameter():
    cases = [(dict(field=[1e-3], orbital=True), "field"), (dict(field=["1 T"], zeeman=False), "zeeman"),
             (dict(field=["1 T"], eta=0.1), "eta"), (dict(field=["1 T"], localization_radius="10 nm"),
                                                     "localization_radius"),
             (dict(field=["1 T"], orbital=True, localization_radius="3 m"), "localization_radius"),
             (dict(field=["1 T"], orbital=True, eta=-1.0), "eta")]
    for kwargs, word in cases:
        with pytest.raises(ParameterError) as err:
            hanle(site_density=0.01, sites=500, **kwargs)
        assert word in str(err.value) and "\n" not in str(err.value)


def test_records_and_maps_with_orbital():
    res = hanle(site_density=0.01, sites=2000, seed=1, tau_s=(1e3,), field=["0.3 T"], field_direction=TILTED,
                orbital=True, keep_fields=True, currents=("x",))
    rec = res.to_records()[0]
    assert rec["flux"] == pytest.approx([0.3 * 0.151926 * TILTED[2] / np.linalg.norm(TILTED)], rel=1e-4)
    assert rec["units"]["flux"] == "1" and rec["orbital"] is True and "Orbital part" in rec["note"]
    S = res.separated_spin(0, 0)
    assert S.shape == (res.response.runs[0].network.positions.shape[0], 3) and np.all(np.isfinite(S))
    ds = res.to_xarray()
    assert "cisp" in ds
