"""The Zeeman field in the kinetic equations (theory/zeeman.py, theory/zeeman_triangle.py).

The symbolic checks are run as they are by ``hopspin verify``; the other tests compare the closed forms
with independent floating-point solves (numpy) of the same linear equations, written here from the
definitions (sites, bonds, (S44), the Bloch operator), and pin the sign conventions.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from theory import zeeman as zm
from theory import zeeman_triangle as zt


def _cross(w):
    return np.array([[0, -w[2], w[1]], [w[2], 0, -w[0]], [-w[1], w[0], 0]], dtype=float)


def _laplacian(n, g):
    lap = np.zeros((n, n))
    for (a, b), val in g.items():
        lap[a, a] += val
        lap[b, b] += val
        lap[a, b] -= val
        lap[b, a] -= val
    return lap


def _direct(lap, eps, omega, gamma, c):
    """(𝓛 + ε) S_i − ω × S_i = γ_i ĉ by one dense 3N × 3N solve."""
    n = lap.shape[0]
    mat = np.kron(lap + eps * np.eye(n), np.eye(3)) - np.kron(np.eye(n), _cross(omega))
    return np.linalg.solve(mat, np.kron(gamma, c)).reshape(n, 3)


def test_larmor_sign_by_time_evolution():
    """ρ(t) = U ρ U†, U = exp(−iHt), H = ½ Ω σ_z: a spin along x turns towards +y (Ṡ = Ω × S)."""
    sx, sy = np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]])
    omega, t = 0.7, 0.3
    u = np.diag([np.exp(-0.5j * omega * t), np.exp(0.5j * omega * t)])
    rho = 0.5 * np.eye(2) + 0.5 * sx                      # S = (1/2, 0, 0)
    rho_t = u @ rho @ u.conj().T
    spin = [np.trace(s @ rho_t).real / 2 for s in (sx, sy)]
    assert spin == pytest.approx([0.5 * math.cos(omega * t), 0.5 * math.sin(omega * t)], abs=1e-14)


def test_bloch_inverse_and_cisp_in_field_numeric():
    rng = np.random.default_rng(1)
    eps, w = 0.3, rng.normal(size=3)
    inv = np.array(zm.bloch_inverse(sp.Float(eps), [sp.Float(x) for x in w]).evalf(), dtype=float)
    assert np.allclose(inv, np.linalg.inv(eps * np.eye(3) - _cross(w)), atol=1e-13)
    r = rng.normal(size=3)
    s = np.array(zm.cisp_in_field(sp.Float(eps), [sp.Float(x) for x in w], [sp.Float(x) for x in r]).evalf(), dtype=float)
    assert np.allclose(s.ravel(), eps * np.linalg.solve(eps * np.eye(3) - _cross(w), r), atol=1e-13)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_complex_shift_decomposition_and_eq12_on_random_network(seed):
    """The formula the network code will use: one real and one complex shift, against the direct solve."""
    rng = np.random.default_rng(seed)
    n = 7
    pos = rng.uniform(0, 3, size=(n, 2))
    g = {(a, b): math.exp(-2 * np.linalg.norm(pos[a] - pos[b])) for a in range(n) for b in range(a + 1, n)}
    lap = _laplacian(n, g)
    eps, omega = 10.0 ** rng.uniform(-3, 0), rng.normal(size=3) * 0.2
    gamma = rng.normal(size=n)
    gamma -= gamma.mean()
    c = rng.normal(size=3)
    c /= np.linalg.norm(c)
    direct = _direct(lap, eps, omega, gamma, c)
    w = np.linalg.norm(omega)
    b = omega / w
    t_real = np.linalg.solve(lap + eps * np.eye(n), gamma)
    t_cplx = np.linalg.solve(lap + (eps - 1j * w) * np.eye(n), gamma)
    split = (np.outer(t_real, (c @ b) * b) + np.outer(t_cplx.real, c - (c @ b) * b)
             + np.outer(t_cplx.imag, np.cross(b, c)))
    assert np.allclose(split, direct, atol=1e-12 * np.abs(direct).max())
    assert np.allclose(direct.sum(axis=0), 0, atol=1e-12 * np.abs(direct).max())
    # Eq. (12) in a field: Σ_i (γ_i ĉ) ⊗ R_i + Σ_bonds g (S_b − S_a) ⊗ R_ab = ε D − ω × D
    current = np.outer(c, gamma @ pos)
    for (a, bb), val in g.items():
        current += val * np.outer(direct[bb] - direct[a], pos[a] - pos[bb])
    dip = direct.T @ pos
    assert np.allclose(current, eps * dip - _cross(omega) @ dip, atol=1e-11 * np.abs(current).max())


@pytest.mark.parametrize("seed", [4, 5])
def test_sge_precession_spin_from_two_shifts(seed):
    """SGE route in a field: σ_i = Σ_j 2g_ij (βR_ij) × s, S = (𝓛 + ε − ω×)⁻¹σ; only ĉ·S couples (Λ^(2) ∥ ĉ).

    With m_ν = 2 (βê_ν) × s, x^ν the centred coordinates and Z_z = z(𝓛 + z)⁻¹x^ν (z_c = ε − i|ω|):
    ĉ·S = Σ_ν (ĉ·b̂)(b̂·m_ν)(x^ν − Z_ε) + (ĉ_⊥·m_ν)(x^ν − Re Z_c) − ((ĉ × b̂)·m_ν) Im Z_c;
    at B = 0 it is 2(p_c − Z), p = x·βᵀ(s × ĉ), as in numerics/sge.py.
    """
    rng = np.random.default_rng(seed)
    n = 6
    pos = rng.uniform(0, 3, size=(n, 2))
    g = {(a, b): math.exp(-2 * np.linalg.norm(pos[a] - pos[b])) for a in range(n) for b in range(a + 1, n)}
    lap = _laplacian(n, g)
    beta, spin = rng.normal(size=(3, 2)), rng.normal(size=3)
    c = np.cross(beta[:, 0], beta[:, 1])
    c /= np.linalg.norm(c)
    eps, omega = 0.05, rng.normal(size=3) * 0.1
    sigma = np.zeros((n, 3))
    for (a, b), val in g.items():
        v = 2 * val * np.cross(beta @ (pos[a] - pos[b]), spin)
        sigma[a] += v
        sigma[b] -= v
    mat = np.kron(lap + eps * np.eye(n), np.eye(3)) - np.kron(np.eye(n), _cross(omega))
    s_c = np.linalg.solve(mat, sigma.ravel()).reshape(n, 3) @ c
    w = np.linalg.norm(omega)
    bh = omega / w
    x = pos - pos.mean(axis=0)
    formula = np.zeros(n)
    for nu in range(2):
        m = 2 * np.cross(beta[:, nu], spin)
        z_e = eps * np.linalg.solve(lap + eps * np.eye(n), x[:, nu])
        z_c = (eps - 1j * w) * np.linalg.solve(lap + (eps - 1j * w) * np.eye(n), x[:, nu])
        formula += ((c @ bh) * (bh @ m) * (x[:, nu] - z_e) + ((c - (c @ bh) * bh) @ m) * (x[:, nu] - z_c.real)
                    - (np.cross(c, bh) @ m) * z_c.imag)
    assert np.allclose(s_c, formula, atol=1e-12 * np.abs(s_c).max())


def _triangle_numeric(side, tau_s, omega):
    """The triangle from the paper's (S44) and (S46) f_dr, the 9×9 steady state and (S41), all in numpy."""
    pos = np.array([[0, 0], [side, 0], [side / 2, math.sqrt(3) * side / 2]])
    gb = math.exp(-2 * side)
    volts = np.array([1.0, 0.0, 0.5])
    current = lambda k, j: gb * (volts[j] - volts[k])                      # noqa: E731, I_kj: from j into k
    gamma = np.zeros(3)
    for i in range(3):
        j, k = [s for s in range(3) if s != i]
        r_ij, r_ik = pos[i] - pos[j], pos[i] - pos[k]
        expo = math.exp(side - 2 * side)
        gamma[i] = -current(k, j) * 3 / 16 * (r_ij[0] * r_ik[1] - r_ik[0] * r_ij[1]) * expo   # (S44)
    lap = _laplacian(3, {(0, 1): gb, (0, 2): gb, (1, 2): gb})
    eps = 1 / tau_s
    spins = _direct(lap, eps, np.asarray(omega, float), 2 * gamma, np.array([0, 0, 1.0]))   # S^z source Tr β² γ
    beta = np.array([[0, 1.0], [1.0, 0], [0, 0]])
    s_diff = sum(2 * gb * np.cross(beta @ (pos[a] - pos[b]), spins[b] - spins[a]) for a, b in ((0, 1), (0, 2), (1, 2)))
    scale = (math.sqrt(3) * side / 2) / (3 * 1.5 * gb)
    f_dr = math.sqrt(3) * side**4 * math.exp(-side) / 32
    gen = np.array([0, f_dr, 0]) + scale * s_diff / 2
    return eps * np.linalg.solve(eps * np.eye(3) - _cross(omega), gen)


@pytest.mark.parametrize("side,tau_s,omega", [(2.0, 1000.0, (0.0, 0.0, 0.0)), (2.0, 50.0, (0.01, 0.02, -0.03)),
                                              (1.5, 3.0, (0.5, -0.2, 0.1)), (3.0, 1e6, (0.0, 0.0, 2e-3)),
                                              (2.5, 1e4, (-1e-3, 4e-3, 2e-3))])
def test_triangle_closed_form_against_linear_solve(side, tau_s, omega):
    expected = _triangle_numeric(side, tau_s, omega)
    got = np.array(zt.triangle_in_field_numeric(side, tau_s, omega))
    assert np.allclose(got, expected, rtol=1e-10, atol=1e-14)


def test_triangle_limits_and_s46():
    f_dr = math.sqrt(3) * 2**4 * math.exp(-2) / 32
    assert zt.triangle_in_field_numeric(2.0, 1000.0, (0, 0, 0))[1] == pytest.approx(0.1172038 - 0.1151089, abs=1e-6)
    assert zt.triangle_in_field_numeric(2.0, 0.0, (0.3, 0.1, 0.2)) == (0.0, f_dr, 0.0)
    assert zt.triangle_in_field_numeric(2.0, math.inf, (0, 0, 0)) == (0.0, 0.0, 0.0)
    w = np.array([1e-3, 2e-3, 2e-3])
    near_inf = np.array(zt.triangle_in_field_numeric(2.0, 1e12, w))
    assert np.allclose(near_inf, zt.triangle_in_field_numeric(2.0, math.inf, w), rtol=1e-6)
    big = np.array(zt.triangle_in_field_numeric(2.0, 100.0, 1e7 * w / np.linalg.norm(w)))
    b = w / np.linalg.norm(w)
    assert np.allclose(big, b * b[1] * f_dr, rtol=1e-5)                # |ω| → ∞: b̂ (b̂·s_dr)
    exact = zt.triangle_in_field(sp.Integer(2), sp.Integer(50), (sp.Rational(1, 100), 0, 0))
    assert [float(x) for x in exact] == pytest.approx(zt.triangle_in_field_numeric(2.0, 50.0, (0.01, 0, 0)), rel=1e-12)


def test_growth_axis_field_is_a_hanle_rotation():
    eps, wz = 0.02, 0.05
    zero = np.array(zt.triangle_in_field_numeric(2.0, 1 / eps, (0, 0, 0)))
    field = np.array(zt.triangle_in_field_numeric(2.0, 1 / eps, (0, 0, wz)))
    factor = eps * (eps + 1j * wz) / (eps**2 + wz**2)
    assert field[0] + 1j * field[1] == pytest.approx(factor * (zero[0] + 1j * zero[1]), rel=1e-12)
    assert field[2] == 0.0


def test_sign_change_roots():
    g, eps = 1.0, 0.37
    s3 = 1 / math.sqrt(3)
    root = zt.positive_roots("sge_z", (1, 1, -1), eps, g)
    assert root == pytest.approx([(3 * g + eps) * s3 / (s3 * s3)], rel=1e-10)   # (3g + ε)|b_x/(b_y b_z)|
    assert zt.positive_roots("sge_z", (1, 1, 1), eps, g) == []
    assert len(zt.positive_roots("cisp_x", (1, 1, 1), eps, g)) % 2 == 1
    rng = np.random.default_rng(3)
    for phi in rng.uniform(0, 2 * math.pi, size=3):
        d = (math.cos(phi), math.sin(phi), 0.0)
        assert all(zt.positive_roots(k, d, eps, g) == [] for k in zt.field_polynomials() if k != "denominators")


def test_dropped_term_estimate_scales_with_field():
    low, high = zm.drift_precession_estimate(2.58e-4), zm.drift_precession_estimate(1e-2)
    assert low["omega_L_tau_s"] == pytest.approx(1.0, rel=1e-2)           # the Hanle field of τ_s = 100 ns
    assert high["generation_ratio"] / low["generation_ratio"] == pytest.approx(1e-2 / 2.58e-4, rel=1e-12)
    assert low["generation_ratio"] > 1


@pytest.mark.slow
def test_decomposition_fully_symbolic_network():
    """The complex-shift decomposition solves the 9×9 equations with every parameter symbolic (minutes)."""
    net = zm.generic_network()
    eps, w = sp.Symbol("epsilon", positive=True), sp.Symbol("w", positive=True)
    p, q = sp.symbols("p q", real=True)
    bn, bd = sp.Matrix([2 * p, 2 * q, 1 - p**2 - q**2]), 1 + p**2 + q**2
    gam, c = sp.Matrix(sp.symbols("gamma0:3", real=True)), sp.Matrix(sp.symbols("c_x c_y c_z", real=True))
    a_mat = net.laplacian() + eps * sp.eye(3)

    def resolvent(mat):
        return (mat.adjugate() * gam).applyfunc(sp.expand), sp.expand(mat.det())

    n_e, d_e = resolvent(a_mat)
    n_m, d_m = resolvent(a_mat - sp.I * w * sp.eye(3))
    n_p, d_p = n_m.applyfunc(lambda x: x.subs(sp.I, -sp.I)), d_m.subs(sp.I, -sp.I)
    d_mp = sp.expand(d_m * d_p)
    re = [sp.expand((n_m[i] * d_p + n_p[i] * d_m) / 2) for i in range(3)]
    im = [sp.expand((n_m[i] * d_p - n_p[i] * d_m) / (2 * sp.I)) for i in range(3)]
    cb = c.dot(bn)
    spins = [cb * bn * n_e[i] * d_mp + ((c * bd**2 - cb * bn) * re[i] + bd * bn.cross(c) * im[i]) * d_e for i in range(3)]
    mat = sp.kronecker_product(a_mat * bd, sp.eye(3)) - sp.kronecker_product(sp.eye(3), zm.cross_matrix(bn) * w)
    rhs = sp.Matrix.vstack(*[gam[i] * c for i in range(3)]) * d_e * d_mp * bd**3
    residual = mat * sp.Matrix.vstack(*spins) - rhs
    assert all(sp.expand(r) == 0 for r in residual)
