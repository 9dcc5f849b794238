"""Zeeman-field numerics (numerics.field): zero-field limit, growth-axis Hanle identity, large-field asymptotics,
Onsager–Casimir per sample, the triangle closed form, the complex-shift solve against 60 digits, symmetries."""

import json
import math

import mpmath as mp
import numpy as np
import pytest

from hopspin.errors import GridError, ParameterError, QuantityError
from numerics.field import CurrentRun, field_response, hanle
from numerics.field.complex_shift import ShiftSolver, forward_error_bound
from numerics.solvers.substitution import solve_block
from numerics.field.inputs import field_direction, larmor_vectors, parse_field_grid
from numerics.field.response import large_field_terms
from numerics.field.signs import element_names, sign_changes
from numerics.network import build_network
from numerics.sample import random_sample
from numerics.simulate import simulate
from numerics.solvers import NetworkAnalysis, solve_kirchhoff
from numerics.solvers import multifrontal as mf
from numerics.spin_orbit import UNIT_BETA_001
from numerics.tensor import cisp_tensor
from numerics.triads import triad_sums

pytestmark = pytest.mark.filterwarnings("ignore::hopspin.errors.HopspinWarning")
SAMPLE = dict(site_density=0.01, sites=4000, seed=3)
TAUS = (0.0, 10.0, 1e3, 1e6, 1e9)
OBLIQUE = (1.0, 2.0, -1.5)


def _rel(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))) / max(float(np.max(np.abs(b))), 1e-300))


@pytest.fixture(scope="module")
def zero_field():
    return cisp_tensor(**SAMPLE, tau_s=TAUS, with_sge=True), simulate(**SAMPLE, tau_s=TAUS)


# ----------------------------------------------------------------------------- B → 0
def test_zero_field_is_simulate_and_cisp_tensor(zero_field):
    tensor, sim = zero_field
    res = hanle(**SAMPLE, tau_s=TAUS, field=[0.0, 1e-30], field_direction=OBLIQUE)
    for f in (0, 1):                        # B = 0 exactly (real solves) and ω = 1e-30 (complex solves)
        assert _rel(res.cisp[:, f], tensor.cisp) < 1e-12
        assert _rel(res.sge[:, f], tensor.sge) < 1e-12
        she0 = np.einsum("m,kfn->kmfn", tensor.axis, tensor.spin_current)
        assert _rel(res.she[:, f], she0) < 1e-12
        assert _rel(res.cisp[:, f, 1, 0] / 2, sim.f) < 1e-12          # f = s_y/(Tr β² β_xy) for E ∥ x
    assert _rel(res.cisp_drift[1, 0] / 2, sim.f_dr) < 1e-13
    assert res.max_backward_error < 1e-14 and res.max_backward_error_complex < 1e-14


def test_shared_factorisation_equals_separate_solves():
    cfg = dict(SAMPLE, tau_s=(10.0, 1e4))
    from numerics.config import SimulationConfig
    from numerics.field.hanle import current_runs
    runs = current_runs(random_sample(0.01, 4000, 3), SimulationConfig(**cfg))
    om = np.outer([1e-4, 3e-2], field_direction(OBLIQUE))
    a = field_response(runs, cfg["tau_s"], om, share=True)
    b = field_response(runs, cfg["tau_s"], om, share=False)
    for x, y in ((a.cisp, b.cisp), (a.sge, b.sge), (a.she, b.she)):
        assert _rel(x, y) < 1e-12


def test_sge_short_circuit_routes_agree():
    """The field-free SGE parts by network reciprocity (default) and by the exact edge-source elimination."""
    from numerics.config import SimulationConfig
    from numerics.field.hanle import current_runs
    runs = current_runs(random_sample(0.01, 4000, 3), SimulationConfig(**SAMPLE, tau_s=(10.0, 1e6)))
    om = np.outer([0.0, 1e-5, 1e-2], field_direction(OBLIQUE))
    a = field_response(runs, (10.0, 1e6), om, sge_route="reciprocity")
    b = field_response(runs, (10.0, 1e6), om, sge_route="elimination")
    assert _rel(a.sge, b.sge) < 1e-11 and a.gauge_error < 1e-12 and b.gauge_error < 1e-12


# ----------------------------------------------------------------------------- field along z
def test_growth_axis_field_is_the_uniform_hanle_rotation():
    taus = (10.0, 1e3, 1e6)
    wz = np.array([-3e-3, 1e-6, 1e-4, 2e-2, 1.0])
    res = hanle(**SAMPLE, tau_s=taus, field=[0.0, *wz], field_direction="z", keep_fields=True)
    for k, t in enumerate(taus):
        eps = 1.0 / t
        for r in (0, 1):
            s0 = res.separated_spin(k, 0, r)
            for f in range(1, wz.size + 1):
                # S̃ unchanged (it stays along ĉ = −ẑ) and the generation unchanged
                assert _rel(res.separated_spin(k, f, r), s0) < 1e-15
        r0 = res.generation[k, 0]
        for f, w in enumerate(wz, start=1):
            assert _rel(res.generation[k, f], r0) < 1e-13
            hanle_factor = eps * (eps + 1j * w) / (eps**2 + w**2)
            pred = hanle_factor * (r0[0] + 1j * r0[1])                    # s_x + i s_y, both currents
            got = res.cisp[k, f, 0] + 1j * res.cisp[k, f, 1]
            assert np.max(np.abs(got - pred)) < 1e-10 * np.max(np.abs(r0))
            assert np.max(np.abs(res.cisp[k, f, 2])) < 1e-14 * np.max(np.abs(r0))
            # SGE and spin current do not depend on a growth-axis field
            assert _rel(res.sge[k, f], res.sge[k, 0]) < 1e-12
            assert _rel(res.she[k, f], res.she[k, 0]) < 1e-12


# ----------------------------------------------------------------------------- large fields
@pytest.mark.parametrize("direction", ["x", OBLIQUE])
def test_large_field_asymptotics(direction):
    from numerics.config import SimulationConfig
    from numerics.field.hanle import current_runs
    cfg = SimulationConfig(**SAMPLE, tau_s=(1e3,))
    run = current_runs(random_sample(0.01, 4000, 3), cfg, currents=("x",))[0]
    bhat = field_direction(direction)
    s_inf, s_1 = large_field_terms(run, 1e3, bhat)
    assert _rel(s_inf, bhat * (bhat @ run.sums.drift_total) * run.network.side / run.network.sites
                / run.kirchhoff.total_current) < 1e-14
    ws = np.array([1e3, 1e4, 1e5])
    resp = field_response([run], (1e3,), np.outer(ws, bhat), sge=False)
    s = resp.cisp[0, :, :, 0]
    res1 = np.linalg.norm(s - s_inf - s_1 / ws[:, None], axis=1)
    dev = np.linalg.norm(s - s_inf, axis=1)
    assert np.all(np.abs(dev * ws / np.linalg.norm(s_1) - 1) < 0.05)       # |s − s_∞| ≈ |s_1|/|ω|
    assert res1[1] / res1[0] < 0.02 and res1[2] / res1[1] < 0.02               # the remainder is O(|ω|⁻²)


# ----------------------------------------------------------------------------- Onsager–Casimir
def test_onsager_casimir_every_element_both_parities():
    fields = [-2e-2, -1e-4, 1e-4, 2e-2, 3.0]
    for direction in ("x", "y", OBLIQUE, (30.0, 200.0)):
        res = hanle(**SAMPLE, tau_s=(10.0, 1e4, 1e8), field=fields + [-3.0], field_direction=direction)
        for f, b in enumerate(res.field):
            rev = list(res.field).index(-b)
            for k in range(res.tau_s.size):
                r_rev = res.generation[k, rev]                 # R(−B), 3 × 2, from the run at −B
                scale = np.max(np.abs(res.generation[k]))
                assert np.max(np.abs(res.sge[k, f] - r_rev.T)) <= 1e-6 * scale
                # the same in terms of the CISP: SGE(B) = CISP(−B)ᵀ (ε − ω×)/ε
                eps, w = 1.0 / res.tau_s[k], res.omega[f]
                cross = np.array([[0, -w[2], w[1]], [w[2], 0, -w[0]], [-w[1], w[0], 0]])
                pred = res.cisp[k, rev].T @ (eps * np.eye(3) - cross) / eps
                assert np.max(np.abs(res.sge[k, f] - pred)) <= 1e-6 * np.max(np.abs(pred))
        assert res.onsager_casimir_error < 1e-9


def test_field_reversal_in_plane_parities():
    """[001], in-plane field: per sample R_x, R_y and s_x, s_y are even in B, R_z and s_z odd (b̂ × ĉ in plane)."""
    res = hanle(**SAMPLE, tau_s=(1e3, 1e6), field=[-1e-3, 1e-3, -0.3, 0.3], field_direction=(90.0, 37.0))
    for a, b in ((0, 1), (2, 3)):
        for arr in (res.generation, res.cisp):
            scale = np.max(np.abs(arr))
            assert np.max(np.abs(arr[:, a, :2] - arr[:, b, :2])) < 1e-12 * scale
            assert np.max(np.abs(arr[:, a, 2] + arr[:, b, 2])) < 1e-12 * scale
            assert np.max(np.abs(arr[:, b, 2])) > 1e-6 * scale                  # and R_z is really there


# ----------------------------------------------------------------------------- triangle
def _triangle_forms(side, tau_s, w):
    """Closed forms of theory/zeeman_triangle.py (module doc), numerically: R, spin current j (f-normalised)."""
    big_f = math.sqrt(3) * side**4 * math.exp(-side) / 32
    g = math.exp(-2 * side)
    eps = 0.0 if math.isinf(tau_s) else 1.0 / tau_s
    cross = np.array([[0, -w[2], w[1]], [w[2], 0, -w[0]], [-w[1], w[0], 0]])
    inv = np.linalg.inv((3 * g + eps) * np.eye(3) - cross)
    z = np.array([0.0, 0.0, 1.0])
    gen = big_f * (np.array([0.0, 1.0, 0.0]) + 3 * g * np.cross([1.0, 0.0, 0.0], inv @ z))
    j = -big_f * np.outer((eps * np.eye(3) - cross) @ inv @ z, [0.0, 1.0])
    return gen, j


def test_triangle_in_a_field_equals_the_closed_form():
    from theory.zeeman_triangle import triangle_in_field_numeric
    from numerics.triangle import triangle_network
    for side in (1.0, 2.0, 4.0):
        net = triangle_network(side)
        run = CurrentRun.solve(net, UNIT_BETA_001)
        g = math.exp(-2 * side)
        taus = (0.0, 1.0, 1e3, math.inf)
        oms = np.array([[0, 0, 0], [0, 0, 3 * g], [g, 0, 0], [0, 5 * g, 0], [0.3 * g, -0.7 * g, 1.1 * g],
                        [-40 * g, 10 * g, 2 * g]], float)
        resp = field_response([run], taus, oms)
        for k, t in enumerate(taus):
            for f, w in enumerate(oms):
                if math.isinf(t) and not np.any(w):
                    continue                                       # ε = ω = 0: f = 0 (both sides)
                ref = np.array(triangle_in_field_numeric(side, t, w))
                scale = math.sqrt(3) * side**4 * math.exp(-side) / 32      # f_dr (ref vanishes for ω ∥ x, z at τ_s = ∞)
                assert np.max(np.abs(resp.cisp[k, f, :, 0] / 2 - ref)) <= 1e-9 * max(np.max(np.abs(ref)), 1e-6 * scale)
                if t == 0.0:
                    continue
                gen, j = _triangle_forms(side, t, w)
                gen_rev, _ = _triangle_forms(side, t, -w)
                for got, want in ((resp.generation[k, f, :, 0], gen), (resp.sge[k, f, 0], gen_rev),
                                  (resp.she[k, f, :, :, 0], j)):
                    assert np.max(np.abs(got / 2 - want)) <= 1e-9 * max(np.max(np.abs(want)), 1e-6 * scale)


# ----------------------------------------------------------------------------- the complex solve
def _mp_complex_solve(net, rhs, z, dps=60):
    """(𝓛 + z) T = rhs in mpmath (ordinary complex elimination, min-degree order), zero mean."""
    with mp.workdps(dps):
        M = net.positions.shape[0]
        zz = mp.mpc(z.real, z.imag)
        A = {k: {k: zz} for k in range(M)}
        for (i, j), g in zip(net.bonds.tolist(), net.conductances.tolist()):
            g = mp.mpf(g)
            A[i][j] = A[i].get(j, 0) - g
            A[j][i] = A[j].get(i, 0) - g
            A[i][i] += g
            A[j][j] += g
        b = {k: mp.mpf(float(rhs[k])) for k in range(M)}
        left, order, rows = set(range(M)), [], []
        while left:
            k = min(left, key=lambda q: len(A[q]))
            left.remove(k)
            row, nb = A[k], [m for m in A[k] if m != k]
            for i in nb:
                f = A[i].pop(k) / row[k]
                for j in nb:
                    A[i][j] = A[i].get(j, 0) - f * row[j]
                b[i] -= f * b[k]
            order.append(k)
            rows.append((row[k], {m: row[m] for m in nb}, b[k]))
        x = {}
        for k, (piv, row, bk) in zip(reversed(order), reversed(rows)):
            x[k] = (bk - sum((c * x[m] for m, c in row.items()), mp.mpf(0))) / piv
        mean = sum(x.values(), mp.mpf(0)) / M
        return np.array([complex(x[k] - mean) for k in range(M)])


@pytest.fixture(scope="module")
def low_density():
    net = build_network(random_sample(0.003, 1000, seed=1))
    an = NetworkAnalysis(net)
    kir = solve_kirchhoff(net, analysis=an)
    gamma = -triad_sums(net.positions, net.bonds, kir.bond_current, UNIT_BETA_001).source_site[:, 2]
    return net, an, gamma


CASES = [("random", 1e-2, 1e-2), ("gamma", 1e-10, 1e-15)]
SLOW_CASES = [("gamma", 1e-6, 1e-3), ("random", 1e-10, 1e-12), ("gamma", 1e-2, 1e-2), ("gamma", 1e-10, 1e-12),
              ("gamma", 0.0, 1e-16), ("random", 0.0, 1e-16)]


def _check_against_mpmath(low_density, kind, eps, w):
    net, an, gamma = low_density
    M = net.positions.shape[0]
    src = np.random.default_rng(1).normal(size=M) if kind == "random" else gamma
    s0 = src - src.mean()
    g_c = math.exp(2 * net.scale_length)                    # physical rates → the network's scaled units
    z = complex(eps * g_c, -w * g_c)
    cen = net.positions - net.positions.mean(axis=0)
    sol = ShiftSolver(net, an, threads=1).solve([z], [src], [cen], keep=[0])
    T = sol.fields[(0, 0)]
    ref = _mp_complex_solve(net, s0, z)
    err = np.abs(T - ref)
    assert err.max() <= 1e-8 * np.abs(ref).max()
    mref = cen.T @ ref
    assert np.abs(sol.moments[0][0] - mref).max() <= 1e-8 * np.abs(mref).max()
    assert sol.max_backward_error < 1e-15
    bound = forward_error_bound(ShiftSolver(net, an), z, T, src)          # the comparison bound holds
    assert np.all(err <= 1.01 * bound + 1e-300)


@pytest.mark.parametrize("kind, eps, w", CASES)
def test_complex_shift_against_60_digits(low_density, kind, eps, w):
    _check_against_mpmath(low_density, kind, eps, w)


@pytest.mark.slow
@pytest.mark.parametrize("kind, eps, w", SLOW_CASES)
def test_complex_shift_against_60_digits_more(low_density, kind, eps, w):
    _check_against_mpmath(low_density, kind, eps, w)


def test_conjugate_shift_gives_the_conjugate_and_real_path_is_unchanged(low_density):
    net, an, gamma = low_density
    sn = an.spin_plan().supernodal
    order = an.spin_plan().order
    rhs = (gamma - gamma.mean())[order]
    for z in (3.0 + 0j, 0.2 - 5.0j):
        fa, ca = mf.factor(sn, net.conductances, np.full(sn.n, z))
        fb, cb = mf.factor(sn, net.conductances, np.full(sn.n, np.conj(z)))
        assert np.array_equal(fa, np.conj(fb)) and np.array_equal(ca, np.conj(cb))
        ta, tb = mf.solve_zero_mean(sn, fa, ca, rhs), mf.solve_zero_mean(sn, fb, cb, rhs)
        assert np.array_equal(ta, np.conj(tb))
        # two columns in one block pass are the one-column solves, bit for bit
        blk = solve_block(sn, fa, ca, np.column_stack([rhs, 2 * rhs]).astype(complex)[sn.perm])
        one = np.empty(sn.n, complex)
        one[sn.perm] = blk[:, 1]
        assert np.array_equal(one, mf.solve(sn, fa, ca, 2 * rhs))
    # a complex ground with zero imaginary part is the real factorisation exactly
    fr, cr = mf.factor(sn, net.conductances, np.full(sn.n, 3.0))
    fc, cc = mf.factor(sn, net.conductances, np.full(sn.n, 3.0 + 0j))
    assert fr.dtype == np.float64 and np.array_equal(fc.real, fr) and not np.any(fc.imag)


# ----------------------------------------------------------------------------- inputs and records
def test_field_inputs():
    assert np.allclose(field_direction("z"), [0, 0, 1]) and np.allclose(field_direction("-x"), [-1, 0, 0])
    assert np.allclose(field_direction((90, 90)), [0, 1, 0])
    assert np.allclose(field_direction("1,1,0"), [2**-.5] * 2 + [0])
    vals, om, unit = larmor_vectors(["2 mT", "-1 mT"], "x", g_factor=(-0.44, -0.2), tau0=1e-11)
    assert unit == "T" and np.allclose(vals, [2e-3, -1e-3])
    w = 9.2740100783e-24 * 1e-11 / 1.054571817e-34 * 0.44 * 2e-3          # CODATA 2018 (scipy's differs by 1e-9)
    assert np.allclose(om[0], [-w, 0, 0], rtol=1e-8, atol=0)     # g < 0: ω antiparallel to B
    _, om_z, _ = larmor_vectors(["2 mT"], "z", g_factor=(-0.44, -0.2))
    assert np.isclose(om_z[0, 2], -w * 0.2 / 0.44, rtol=1e-8, atol=0)      # g_⊥ along z, default τ0 = 10 ps
    assert parse_field_grid(["0:50:41"])[-1] == 50.0 and len(parse_field_grid("0:50:41")) == 41
    assert parse_field_grid(["1e-6:1e-2:5:log", "3"])[-1] == 3.0
    assert parse_field_grid(["0mT:10mT:3"]) == ["0.0 mT", "5.0 mT", "10.0 mT"]
    for bad, err in ((["1:2"], GridError), (["2mT:3:x"], GridError), (["0:1:0"], GridError)):
        with pytest.raises(err):
            parse_field_grid(bad)
    for kw, err in ((dict(field=["2 kV/cm"]), QuantityError), (dict(field=[1.0], g_factor=2.0), ParameterError),
                    (dict(field=[1e9]), ParameterError), (dict(field=[1.0, "2 mT"]), ParameterError),
                    (dict(field=[1.0], field_direction="w"), ParameterError),
                    (dict(field=["1 mT"], g_factor=(0.0, 1.0)), ParameterError)):
        with pytest.raises(err):
            hanle(**SAMPLE, **kw)


def test_records_and_dataset():
    res = hanle(**SAMPLE, tau_s=(1e3, 1e6), field=[0.0, 1e-4], field_direction="y", currents=("x",))
    recs = res.to_records()
    assert len(recs) == 2 and json.loads(json.dumps(recs, allow_nan=False))
    r = recs[1]
    assert r["tau_s"] == 1e6 and np.array(r["field"]).shape == (2,)
    assert np.array(r["cisp"], dtype=float).shape == (2, 3, 2) and np.array(r["sge"], dtype=float).shape == (2, 2, 3)
    assert np.array(r["she"], dtype=float).shape == (2, 3, 2, 2)
    assert r["cisp"][0][0][1] is None                      # current along y not computed: null
    ds = res.to_xarray()
    assert ds["cisp"].dims == ("tau_s", "field", "spin", "electric_field") and "note" in ds.attrs
    json.dumps(res.to_record(), allow_nan=False)


def test_drift_precession_ratio_matches_theory():
    from numerics.estimates import drift_precession_ratio
    from theory.zeeman import drift_precession_estimate
    for b in (2.58e-4, 1e-2):
        ours = drift_precession_ratio(None, b, 0.44)["generation_ratio"]
        assert abs(ours / drift_precession_estimate(b)["generation_ratio"] - 1) < 1e-6


def test_sign_change_locator():
    w = np.logspace(-3, 3, 13)
    v = np.tanh(np.log(w))                                       # changes sign at w = 1
    assert np.allclose(sign_changes(w, v, 0.0), [1.0], rtol=1e-12)
    assert sign_changes(w, np.abs(v) + 1e-3, 0.0) == [] and sign_changes(w, 1e-20 * v, 1e-12) == []
    assert len(element_names()) == 24 and element_names()[2] == "cisp[s_y,E_x]"
