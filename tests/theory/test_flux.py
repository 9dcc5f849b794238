"""The flux (Aharonov–Bohm) extension: coefficients, identities, kernels, networks, triangle."""

import re
from itertools import combinations, permutations
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from theory import coefficients as co
from theory import flux
from theory.kernel_specs import U, V, KernelSpec
from theory.flux_kernels import R_IJ, R_IK, R_KJ, direct_triad_coefficients, direct_triad_flux, flux_kernel_specs

ROOT = Path(__file__).resolve().parents[2]
SIG = [np.array([[0, 1], [1, 0]], complex), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]], complex)]


def _expm_hop(d):
    from scipy.linalg import expm
    return expm(-1j * sum(d[m] * SIG[m] for m in range(3)))


def _area(ri, rj, rk):
    rki, rij = rk - ri, ri - rj
    return (rki[0] * rij[1] - rki[1] * rij[0]) / 2


# --------------------------------------------------------------------------- symbolic checks

def test_flux_checks_are_registered_once_and_reachable_from_flux():
    names = [n for n, _ in flux.FLUX_CHECKS]
    assert len(names) == len(set(names)) == 11
    assert flux.loop_phase_sign(("k", "j", "i")) == 1 and flux.loop_phase_sign(("i", "j", "k")) == -1


# --------------------------------------------------------------------------- numbers, independent of SymPy

@pytest.mark.parametrize("seed", range(4))
def test_direct_traces_follow_the_flux_rule(seed):
    """scipy expm hops and the literal (S10) with the phase: spin vectors × cos Φ, K and M ∝ sin Φ."""
    rng = np.random.default_rng(seed)
    ri, rj, rk = rng.uniform(-1, 1, (3, 2))
    beta, phi = rng.normal(size=(3, 2)), rng.uniform(-3, 3)
    got = direct_triad_coefficients(ri, rj, rk, beta, phi)
    zero = direct_triad_coefficients(ri, rj, rk, beta, 0.0)
    u_ij, u_jk, u_ki = (_expm_hop(beta @ (a - b)) for a, b in ((ri, rj), (rj, rk), (rk, ri)))
    loop = u_ij @ u_jk @ u_ki
    assert got["K"] == pytest.approx(-3 * np.sin(phi) * np.trace(loop).real, abs=1e-12)
    m_ref = np.array([[(-3 * np.sin(phi) * np.trace(SIG[a] @ u_ij @ SIG[b] @ u_jk @ u_ki)).real for b in range(3)]
                      for a in range(3)])
    np.testing.assert_allclose(got["M"], m_ref, atol=1e-12)
    gamma0 = np.array([(1.5j * np.trace(s @ loop)).real for s in SIG])          # (S16) per Q
    lam0 = np.array([(6j * np.trace(u_ij @ s @ u_jk @ u_ki)).real for s in SIG])  # (S15) per Q
    np.testing.assert_allclose(got["Gamma"], np.cos(phi) * gamma0, atol=1e-12)
    np.testing.assert_allclose(got["Lambda"], np.cos(phi) * lam0, atol=1e-12)
    assert zero["K"] == pytest.approx(0, abs=1e-13) and np.allclose(zero["M"], 0, atol=1e-13)


def test_kernel_specs_are_kernelspecs_in_codegen_variables():
    specs = flux_kernel_specs()
    assert all(isinstance(s, KernelSpec) for s in specs)
    allowed = set(U) | set(V) | {R_IJ, R_IK, R_KJ, flux.PHI}
    for spec in specs:
        for expr in spec.outputs.values():
            assert expr.free_symbols <= allowed
    assert "hall" in specs[0].outputs and "spin_hall_zx" in specs[0].outputs and "drift_y" in specs[1].outputs


@pytest.mark.parametrize("seed", range(6))
def test_kernels_equal_direct_traces(seed):
    specs = flux_kernel_specs()
    args = (*U, *V, R_IJ, R_IK, R_KJ, flux.PHI)
    fns = {n: sp.lambdify(args, e, "numpy") for s in specs for n, e in s.outputs.items()}
    rng = np.random.default_rng(100 + seed)
    ri, rj, rk = rng.uniform(-1.5, 1.5, (3, 2)) + 40.0
    beta, phi = rng.normal(size=(3, 2)), rng.uniform(-3, 3)
    dist = lambda a, b: float(np.linalg.norm(a - b))  # noqa: E731
    got = {n: f(*(beta @ (rj - ri)), *(beta @ (rk - ri)), dist(ri, rj), dist(ri, rk), dist(rk, rj), phi)
           for n, f in fns.items()}
    ref = direct_triad_flux(ri, rj, rk, beta, phi)
    scale = max(abs(v) for v in ref.values())
    assert set(got) == set(ref)
    for name in ref:
        assert abs(got[name] - ref[name]) <= 1e-12 * scale, name


def test_truncation_errors_scale_with_the_next_order():
    """hall is exact through β⁵ (next term β⁶), spin_hall through β² (next β³)."""
    rng = np.random.default_rng(3)
    ri, rj, rk = np.zeros(2), np.array([1.3, 0.2]), np.array([0.4, 1.1])
    beta, phi = rng.normal(size=(3, 2)), 0.7
    err = {}
    for eps in (0.1, 0.05):
        exact = direct_triad_flux(ri, rj, rk, eps * beta, phi, hall_order=None)
        trunc = direct_triad_flux(ri, rj, rk, eps * beta, phi)
        err[eps] = (abs(exact["hall"] - trunc["hall"]), abs(exact["spin_hall_xy"] - trunc["spin_hall_xy"]))
    assert err[0.1][0] / err[0.05][0] == pytest.approx(2**6, rel=0.05)
    assert err[0.1][1] / err[0.05][1] == pytest.approx(2**3, rel=0.1)


def test_hall_kernel_gives_the_triangle_hall_voltage():
    """P_3 = η·hall(3; 1, 2)·I_21 with Φ_321 = b A_321 reproduces h = −(3/4) η e^{−3a} sin Φ_t."""
    specs = flux_kernel_specs()
    hall = sp.lambdify((*U, *V, R_IJ, R_IK, R_KJ, flux.PHI), specs[0].outputs["hall"], "numpy")
    a, b = 2.0, 0.3
    p1, p2, p3 = np.array([0.0, 0.0]), np.array([a, 0.0]), np.array([a / 2, np.sqrt(3) * a / 2])
    beta = np.zeros((3, 2))                                   # β → 0: the β⁰ Hall term alone
    phi = b * _area(p3, p1, p2)                               # triad (i, k, j) = (3, 2, 1)
    value = hall(*(beta @ (p1 - p3)), *(beta @ (p2 - p3)), a, a, a, phi) * np.exp(-2 * a)   # × I_21 = g
    assert phi == pytest.approx(b * np.sqrt(3) * a**2 / 4)
    assert value == pytest.approx(-0.75 * np.exp(-3 * a) * np.sin(phi), rel=1e-13)


def test_network_onsager_casimir_numerically_with_energy_disorder():
    """Random 6-site cluster, random energies, (S21) with detailed balance, exact K from traces:
    H antisymmetric and odd in B, and the 4-terminal response obeys S(B)ᵀ = S(−B)."""
    rng = np.random.default_rng(5)
    pos = rng.uniform(0, 2.5, (6, 2))
    eps = rng.normal(scale=0.7, size=6)
    beta = rng.normal(size=(3, 2))
    n = np.exp(-eps)
    dist = lambda a, b: float(np.linalg.norm(pos[a] - pos[b]))  # noqa: E731
    tau = lambda a, b: np.exp(2 * dist(a, b) + (eps[a] - eps[b]) / 2)  # noqa: E731   (S22)
    jj = lambda a, b: np.exp(-dist(a, b))  # noqa: E731

    def q(i, k, j):  # (S21), m = ħ = 1
        return (jj(i, j) / (jj(k, j) * jj(k, i) * tau(i, k) * tau(k, j))
                + jj(j, k) / (jj(i, j) * jj(k, i) * tau(k, i) * tau(i, j))
                + jj(i, k) / (jj(i, j) * jj(k, j) * tau(i, j) * tau(k, j))) / 24

    def operator(b):
        h = np.zeros((6, 6))
        for i, k, j in permutations(range(6), 3):
            phi = b * _area(pos[i], pos[j], pos[k])
            h[i, j] += direct_triad_coefficients(pos[i], pos[j], pos[k], beta, phi)["K"] * q(i, k, j) * n[j]
        lap = np.array([[n[b_] / tau(a_, b_) if a_ != b_ else 0.0 for b_ in range(6)] for a_ in range(6)])
        return h, lap - np.diag(lap.sum(axis=1))

    h_p, lap = operator(0.8)
    h_m, _ = operator(-0.8)
    assert np.abs(h_p).max() > 1e-4
    np.testing.assert_allclose(h_p, -h_p.T, atol=1e-14 * np.abs(h_p).max())
    np.testing.assert_allclose(h_m, -h_p, atol=1e-14 * np.abs(h_p).max())
    np.testing.assert_allclose(lap, lap.T, rtol=1e-12)

    def schur(m):
        e, i = slice(0, 4), slice(4, 6)
        return m[e, e] - m[e, i] @ np.linalg.solve(m[i, i], m[i, e])

    s_p, s_m = schur(lap + h_p), schur(lap + h_m)
    np.testing.assert_allclose(s_p, s_m.T, atol=1e-13 * np.abs(s_p).max())
    assert np.abs(s_p - s_p.T).max() > 1e-6 * np.abs(s_p).max()            # a genuine Hall part


# --------------------------------------------------------------------------- symbolic specifics

def test_hall_network_strengths_are_antisymmetric():
    from theory.flux_network import HallNetwork, hall_operator
    net = HallNetwork(interior=("c",))
    h = hall_operator(net.sites, net.triangles, net.h)
    assert all(sp.expand(h[p, q] + h[q, p]) == 0 for p, q in combinations(net.sites, 2))
    assert all(h[p, p] == 0 for p in net.sites)
    assert all(sp.expand(sum(h[p, q] for q in net.sites)) == 0 for p in net.sites)   # uniform u: no injection


def test_second_line_is_spin_dependent_only_in_a_field():
    u = [flux.real_quaternion(name) for name in "pqr"]
    sl = flux.second_line_traces(*u)
    assert not all(sp.expand(x) == 0 for x in sl["spin_from_nj"])
    assert all(sp.expand(x.subs(flux.PHI, 0)) == 0 for x in sl["spin_from_nj"] + sl["spin_from_ni"])


def test_extending_doc_runs():
    """Every code block of docs/extending.md (symbols → checks → kernels → numerics) runs as written."""
    text = (ROOT / "docs" / "extending.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 3
    for block in blocks:
        exec(compile(block, "docs/extending.md", "exec"), {})


def test_peierls_phase_is_antisymmetric_and_sums_to_the_area():
    phi = {p: flux.peierls_phase(*p) for p in (("i", "j"), ("j", "k"), ("k", "i"))}
    assert sp.expand(flux.peierls_phase("j", "i") + phi["i", "j"]) == 0
    assert sp.expand(sum(phi.values()) - flux.B_FLUX * co.oriented_area()) == 0


def test_coordinate_coefficients_reduce_to_the_zero_field_ones():
    """flux_coefficients (coordinates, [001] β, to β³) = cos Φ × triad_coefficients, K = −6 sin Φ."""
    from theory import models
    bxy, byx = sp.symbols("beta_xy beta_yx", real=True)
    model = models.general([[0, bxy], [byx, 0]])
    fl = flux.flux_coefficients(model, 3, co.SITES, "i")
    zero = co.triad_coefficients(model, 3, co.SITES, "i")
    assert all(sp.expand(fl.Gamma[m] - sp.cos(flux.PHI) * zero.Gamma[m]) == 0 for m in range(3))
    assert all(sp.expand(fl.W[m] - sp.cos(flux.PHI) * zero.W[m]) == 0 for m in range(3))
    assert sp.expand(fl.K + 6 * sp.sin(flux.PHI)) == 0                  # no β², β³ term in K
    lam = sp.Symbol("lambda")
    m1 = fl.M.subs({bxy: lam * bxy, byx: lam * byx}).applyfunc(lambda e: sp.expand(e).coeff(lam, 1))
    d_ij = model.d_vector(*co.separation("i", "j", "i"))
    assert sp.expand(m1 + 12 * sp.sin(flux.PHI) * flux.cross_matrix(d_ij)) == sp.zeros(3, 3)
    assert sp.expand(fl.M.subs({bxy: 0, byx: 0}) + 6 * sp.sin(flux.PHI) * sp.eye(3)) == sp.zeros(3, 3)
