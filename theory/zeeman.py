"""The Zeeman (Larmor) field in the kinetic equations (5b): steady state, responses, Onsager–Casimir.

Physics (derived and checked in ``derivations/d10_zeeman.py``; units m = ħ = a_b = τ0 = 1 in the network):

* ``H_Z = (μ_B/2) σ·(ĝB)``, ĝ = diag(g_∥, g_∥, g_⊥): with ρ = n/2 + σ·S the von Neumann equation gives
  ``Ṡ = Ω_L × S``, ``Ω_L = μ_B ĝB/ħ``; (5b) gains ``S_i × Ω_L`` on its left side.  S is the
  non-equilibrium spin; ``s0 = −μ_B ĝB/(4k_BT)`` and effects of relative order gμ_BB/k_BT are dropped
  (see :func:`drift_precession_estimate` for the size of the largest dropped term).  ``ω = Ω_L τ0``.
* Separated spin (a 3-vector per site): ``(𝓛 + ε) S̃_i − ω × S̃_i = γ_i ĉ``, ``(𝓛S)_i = Σ_j g_ij (S_i − S_j)``,
  ε = τ0/τ_s.  With b̂ = ω/|ω|, T(z) = (𝓛 + z)⁻¹ γ:
  ``S̃ = (ĉ·b̂) b̂ T(ε) + ĉ_⊥ Re T(ε − i|ω|) + (b̂ × ĉ) Im T(ε − i|ω|)``  (one real, one complex shift).
* Generation ``R = s_dr + s_diff(B)``, ``s_diff = Σ_bonds 2 g_ab (βR_ab) × (S̃_b − S̃_a)``; CISP in the
  normalisation of f: ``s(B) = ε (ε − ω×)⁻¹ R``, ``(ε − ω×)⁻¹ = (ε² + ωωᵀ + ε[ω]_×)/(ε(ε² + |ω|²))``.
* Spin current (spin μ × direction ν) ``J = Σ_i (γ_i ĉ) ⊗ R_i + Σ_bonds g_ab (S̃_b − S̃_a) ⊗ R_ab
  = ε D − ω × D``, ``D = Σ_i S̃_i ⊗ R_i``; KKM ``R = KKM(J) = 2 Σ_ν (βê_ν) × (J ê_ν)``.
* Onsager–Casimir: ``σ_SGE(B) = 4k_BT n σ_CISP(−B)ᵀ (1/τ_s − Ω_L×)``; per sample ``SGE(B) = R(−B)ᵀ``.

Spin fields on N sites are lists of 3×1 ``sympy.Matrix``; spin-current tensors are 3×2 (spin × direction).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
import sympy as sp

from .pauli import IDENTITY, SIGMA, sigma_dot, trace

__all__ = [
    "MU_B", "HBAR", "g_tensor", "larmor_vector", "von_neumann_spin_rate", "equilibrium_spin",
    "cross_matrix", "bloch_inverse", "cisp_in_field", "hanle_factor_z", "unit_vector",
    "SpinNetwork", "generic_network", "random_network", "field_operator", "polynomial_inverse",
    "separated_spin_direct", "separated_spin_decomposed", "diffusion_generation", "diffusion_spin_current",
    "dipole", "kkm", "precession_source", "large_field_terms", "bloch_probe_response",
    "onsager_casimir_sge", "drift_precession_estimate", "CODATA",
]

MU_B, HBAR = sp.symbols("mu_B hbar", positive=True)
G_PAR, G_PERP = sp.symbols("g_par g_perp", real=True)
CODATA = {"hbar": 1.054571817e-34, "e": 1.602176634e-19, "k_B": 1.380649e-23, "m_e": 9.1093837015e-31,
          "mu_B": 9.2740100783e-24}


def _vec(values) -> sp.Matrix:
    return sp.Matrix(list(values))


# ------------------------------------------------------------------------- item 1: Larmor term
def g_tensor(g_par=G_PAR, g_perp=G_PERP) -> sp.Matrix:
    """ĝ = diag(g_∥, g_∥, g_⊥): in-plane and growth-axis g-factors of a quantum well."""
    return sp.diag(g_par, g_par, g_perp)


def larmor_vector(field, g_par=G_PAR, g_perp=G_PERP, mu_b=MU_B, hbar=HBAR) -> sp.Matrix:
    """Ω_L = μ_B ĝ B / ħ (a 3-vector; ω = Ω_L τ0 in the network's units)."""
    return mu_b * g_tensor(g_par, g_perp) * _vec(field) / hbar


def von_neumann_spin_rate(h, spin, n=sp.Symbol("n", positive=True)) -> sp.Matrix:
    """dS/dt for ρ = n/2 + σ·S under H = ½ h·σ (ħ = 1): ``S = Tr(σρ)/2``, ``ρ̇ = −i[H, ρ]``."""
    rho = n / 2 * IDENTITY + sigma_dot(spin)
    ham = sigma_dot(h) / 2
    rho_dot = -sp.I * (ham * rho - rho * ham)
    return sp.Matrix([sp.expand(trace(s * rho_dot) / 2) for s in SIGMA])


def equilibrium_spin(h, k_bt, order: int = 1) -> sp.Matrix:
    """Spin per carrier ``Tr(σρ)/2`` of ρ ∝ exp(−H/k_BT), H = ½ h·σ, expanded to ``order`` in h."""
    t = sp.Symbol("t")
    ham = sigma_dot([t * c for c in h]) / 2
    expo, term = IDENTITY.copy(), IDENTITY.copy()
    for k in range(1, order + 2):
        term = term * (-ham / k_bt) / k
        expo = expo + term
    spin = [trace(s * expo) / 2 / trace(expo) for s in SIGMA]
    return sp.Matrix([sp.series(c, t, 0, order + 1).removeO().subs(t, 1) for c in spin])


# ------------------------------------------------------------------------- Bloch algebra
def cross_matrix(v) -> sp.Matrix:
    """[v]_× with [v]_× x = v × x."""
    return sp.Matrix([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])


def bloch_inverse(eps, omega) -> sp.Matrix:
    """(ε − ω×)⁻¹ = (ε² 1 + ωωᵀ + ε[ω]_×)/(ε(ε² + |ω|²)) (closed form, checked)."""
    w = _vec(omega)
    return (eps**2 * sp.eye(3) + w * w.T + eps * cross_matrix(w)) / (eps * (eps**2 + w.dot(w)))


def cisp_in_field(eps, omega, generation) -> sp.Matrix:
    """s(B) = ε(ε − ω×)⁻¹ R = (ε² R + ω(ω·R) + ε ω × R)/(ε² + |ω|²), R the total generation."""
    w, r = _vec(omega), _vec(generation)
    return (eps**2 * r + w * w.dot(r) + eps * w.cross(r)) / (eps**2 + w.dot(w))


def hanle_factor_z(eps, omega_z):
    """Field ∥ z: s_x + i s_y is multiplied by ε/(ε − iω_z) = ε(ε + iω_z)/(ε² + ω_z²)."""
    return eps * (eps + sp.I * omega_z) / (eps**2 + omega_z**2)


def unit_vector(p, q) -> sp.Matrix:
    """Rational parametrisation of the unit sphere, (2p, 2q, 1 − p² − q²)/(1 + p² + q²)."""
    return sp.Matrix([2 * p, 2 * q, 1 - p**2 - q**2]) / (1 + p**2 + q**2)


# ------------------------------------------------------------------------- networks
@dataclass(frozen=True)
class SpinNetwork:
    """Sites at ``positions`` (2-tuples, a_b) joined by bonds of conductance ``g[(a, b)]`` (a < b) = τ0/τ_ab."""

    positions: tuple
    g: dict

    @property
    def n(self) -> int:
        return len(self.positions)

    def r(self, a, b) -> sp.Matrix:
        """R_ab = R_a − R_b (2-vector)."""
        return sp.Matrix([self.positions[a][0] - self.positions[b][0], self.positions[a][1] - self.positions[b][1]])

    def laplacian(self) -> sp.Matrix:
        lap = sp.zeros(self.n, self.n)
        for (a, b), g in self.g.items():
            lap[a, a] += g
            lap[b, b] += g
            lap[a, b] -= g
            lap[b, a] -= g
        return lap


def generic_network() -> SpinNetwork:
    """Three sites, site 0 at the origin, symbolic positions and conductances g01, g02, g12 > 0."""
    x1, y1, x2, y2 = sp.symbols("x1 y1 x2 y2", real=True)
    g = {(0, 1): sp.Symbol("g01", positive=True), (0, 2): sp.Symbol("g02", positive=True),
         (1, 2): sp.Symbol("g12", positive=True)}
    return SpinNetwork(((0, 0), (x1, y1), (x2, y2)), g)


def _rat(rng, lo=-9, hi=9, den=7):
    return sp.Rational(rng.randint(lo, hi), rng.randint(1, den))


def random_network(seed: int, n: int = 3) -> SpinNetwork:
    """A connected network with random rational positions and positive rational conductances (complete graph)."""
    rng = random.Random(seed)
    pos = tuple((_rat(rng), _rat(rng)) for _ in range(n))
    g = {(a, b): sp.Rational(rng.randint(1, 9), rng.randint(1, 9)) for a in range(n) for b in range(a + 1, n)}
    return SpinNetwork(pos, g)


def field_operator(lap: sp.Matrix, eps, omega) -> sp.Matrix:
    """M_B = (𝓛 + ε) ⊗ 1₃ − 1_N ⊗ [ω]_× (index 3i + μ): the operator of the separated-spin equations."""
    n = lap.shape[0]
    return sp.kronecker_product(lap + eps * sp.eye(n), sp.eye(3)) - sp.kronecker_product(sp.eye(n), cross_matrix(omega))


def polynomial_inverse(lap: sp.Matrix, eps, omega):
    """(Y, N) with M_B Y = N ⊗ 1₃: Y = A² ⊗ 1 + 1 ⊗ ωωᵀ + A ⊗ [ω]_×, N = A(A² + |ω|²), A = 𝓛 + ε (no square root)."""
    n = lap.shape[0]
    a_mat, w = lap + eps * sp.eye(n), _vec(omega)
    y = (sp.kronecker_product(a_mat * a_mat, sp.eye(3)) + sp.kronecker_product(sp.eye(n), w * w.T)
         + sp.kronecker_product(a_mat, cross_matrix(w)))
    return y, a_mat * (a_mat * a_mat + w.dot(w) * sp.eye(n))


def _stack(fields) -> sp.Matrix:
    return sp.Matrix.vstack(*[_vec(f) for f in fields])


def _split(vector: sp.Matrix) -> list:
    return [vector[3 * i:3 * i + 3, 0] for i in range(vector.shape[0] // 3)]


def separated_spin_direct(lap, eps, omega, gamma, c) -> list:
    """S̃ from the direct 3N×3N solve of (𝓛 + ε − ω×) S̃ = γ ĉ (exact; for numeric or small symbolic input)."""
    rhs = _stack([gamma[i] * _vec(c) for i in range(lap.shape[0])])
    return _split(field_operator(lap, eps, omega).LUsolve(rhs))


def separated_spin_decomposed(lap, eps, omega, gamma, c, norm=None) -> list:
    """S̃ = (ĉ·b̂) b̂ T(ε) + ĉ_⊥ Re T(ε − i|ω|) + (b̂ × ĉ) Im T(ε − i|ω|), T(z) = (𝓛 + z)⁻¹ γ.

    ``norm`` = |ω| may be given (e.g. a symbol with ω = |ω| b̂ rational); Re/Im are formed as
    (T(z) ± T(z̄))/2 (𝓛, γ, ε, |ω| real), so the result holds for symbolic input too.
    """
    n, w = lap.shape[0], _vec(omega)
    norm = sp.sqrt(w.dot(w)) if norm is None else norm
    a_mat, gam, cv = lap + eps * sp.eye(n), sp.Matrix(gamma), _vec(c)
    t_eps = a_mat.LUsolve(gam)
    t_minus = (a_mat - sp.I * norm * sp.eye(n)).LUsolve(gam)
    t_plus = (a_mat + sp.I * norm * sp.eye(n)).LUsolve(gam)
    re, im = (t_minus + t_plus) / 2, (t_minus - t_plus) / (2 * sp.I)
    b = w / norm
    c_par = cv.dot(b)
    c_perp, b_x_c = cv - c_par * b, b.cross(cv)
    return [c_par * b * t_eps[i] + c_perp * re[i] + b_x_c * im[i] for i in range(n)]


def diffusion_generation(net: SpinNetwork, beta, spins) -> sp.Matrix:
    """s_diff = Σ_i Σ_j Ω_ij × S_j = Σ_bonds 2 g_ab (βR_ab) × (S_b − S_a), Ω_ij = 2 g_ij βR_ij (m = ħ = 1)."""
    beta = sp.Matrix(beta)
    out = sp.zeros(3, 1)
    for (a, b), g in net.g.items():
        out += 2 * g * (beta * net.r(a, b)).cross(_vec(spins[b]) - _vec(spins[a]))
    return out


def diffusion_spin_current(net: SpinNetwork, spins) -> sp.Matrix:
    """J^diff = ½ Σ_ij R_ij ⊗ g_ij(S_j − S_i) = Σ_bonds g_ab (S_b − S_a) ⊗ R_ab (3×2: spin × direction), (11)."""
    out = sp.zeros(3, 2)
    for (a, b), g in net.g.items():
        out += g * (_vec(spins[b]) - _vec(spins[a])) * net.r(a, b).T
    return out


def dipole(net: SpinNetwork, vectors) -> sp.Matrix:
    """Σ_i v_i ⊗ R_i (3×2); with v_i = γ_i ĉ it is the drift spin current J^dr, with v_i = S̃_i it is D."""
    out = sp.zeros(3, 2)
    for i, v in enumerate(vectors):
        out += _vec(v) * sp.Matrix([net.positions[i]])
    return out


def kkm(beta, current) -> sp.Matrix:
    """Generalised KKM (10): R_λ = 2 ε_{λαμ} β_{αν} J_{μν} = 2 Σ_ν (βê_ν) × (J ê_ν), J indexed (spin μ, direction ν)."""
    beta, current = sp.Matrix(beta), sp.Matrix(current)
    return 2 * sum((beta[:, nu].cross(current[:, nu]) for nu in range(2)), sp.zeros(3, 1))


def precession_source(net: SpinNetwork, beta, spin) -> list:
    """SGE route: a uniform spin s gives the sources σ_i = Σ_j Ω_ij × s = Σ_j 2 g_ij (βR_ij) × s."""
    beta, out = sp.Matrix(beta), [sp.zeros(3, 1) for _ in range(net.n)]
    for (a, b), g in net.g.items():
        v = 2 * g * (beta * net.r(a, b)).cross(_vec(spin))
        out[a] += v
        out[b] -= v
    return out


def large_field_terms(net: SpinNetwork, beta, eps, bhat, gamma, c, s_dr):
    """(s_∞, s_1) of s(B) = s_∞ + s_1/|ω| + O(|ω|⁻²) for ω = |ω| b̂ at fixed ε (item 6).

    s_∞ = b̂ (b̂·s_dr);  s_1 = ε b̂ × (s_dr + s_diff(∞)) + 2 b̂ [ĉ_⊥ · β Σ_bonds g_ab R_ab (γ_b − γ_a)],
    with s_diff(∞) from S̃ = (ĉ·b̂) b̂ T(ε) (S̃_⊥ = (b̂ × ĉ) γ/|ω| + O(|ω|⁻²)).
    """
    b, cv, s_dr, beta = _vec(bhat), _vec(c), _vec(s_dr), sp.Matrix(beta)
    lap = net.laplacian()
    t_eps = (lap + eps * sp.eye(net.n)).LUsolve(sp.Matrix(gamma))
    s_diff_inf = diffusion_generation(net, beta, [cv.dot(b) * b * t_eps[i] for i in range(net.n)])
    c_perp = cv - cv.dot(b) * b
    flux = sum((g * net.r(a, bb) * (gamma[bb] - gamma[a]) for (a, bb), g in net.g.items()), sp.zeros(2, 1))
    s_1 = eps * b.cross(s_dr + s_diff_inf) + 2 * b * c_perp.dot(beta * flux)
    return b * b.dot(s_dr), s_1


# ------------------------------------------------------------------------- item 7a: macroscopic chain
def bloch_probe_response():
    """Linearised Bloch equation ṡ = Ω × s + (s_eq − s)/τ_s, s_eq = −κΩ (κ = ħ/4k_BT), Ω = Ω0 + δΩ e^{−iνt}.

    Returns (residual, δs, δΩ, symbols): ``residual`` = (−iν δs) − (first-order right side), zero for the
    physical δs; ``δs_eq = −κ δΩ``.  The claim (1/τ_s − Ω0× − iν) δs' = iν δs_eq, δs' = δs − δs_eq, is checked
    by substituting δs = δs_eq + δs' (free δs').
    """
    tau_s, nu, kappa = sp.symbols("tau_s nu kappa", positive=True)
    om0 = sp.Matrix(sp.symbols("Omega_x Omega_y Omega_z", real=True))
    d_om = sp.Matrix(sp.symbols("dOmega_x dOmega_y dOmega_z"))
    d_s = sp.Matrix(sp.symbols("ds_x ds_y ds_z"))
    eta = sp.Symbol("eta")
    omega_t, s_t = om0 + eta * d_om, -kappa * om0 + eta * d_s          # the e^{−iνt} factor is kept implicit
    rhs = omega_t.cross(s_t) + (-kappa * omega_t - s_t) / tau_s
    residual = -sp.I * nu * d_s - rhs.diff(eta).subs(eta, 0)
    return residual, d_s, d_om, dict(tau_s=tau_s, nu=nu, kappa=kappa, omega0=om0)


def onsager_casimir_sge():
    """σ_SGE(B0) per unit δs' from j = σ_b(B0) h, σ_b(B0) = σ_a(−B0)ᵀ (assumed: s, j odd), σ_a = −iνn σ_CISP.

    h = ħδΩ (ħ = 1) is the probe Zeeman energy, δs_eq = −h/(4k_BT) = (z − Ω0×) δs'/(iν), z = 1/τ_s − iν, so
    j = σ_b (4k_BT/(−iν)) (z − Ω0×) δs'.  Returns (derived σ_SGE, expected 4k_BT n σ_CISP(−B0)ᵀ (z − Ω0×),
    symbols); ν → 0 gives 4k_BT n σ_CISP(−B0)ᵀ (1/τ_s − Ω_L×).
    """
    tau_s, nu, n, k_bt = sp.symbols("tau_s nu n k_BT", positive=True)
    om0 = sp.Matrix(sp.symbols("Omega_x Omega_y Omega_z", real=True))
    cisp_rev = sp.Matrix(3, 2, sp.symbols("C0:6"))                     # σ_CISP(−B0), any 3×2
    sigma_b = (-sp.I * nu * n * cisp_rev).T                             # Onsager–Casimir: σ_b(B0) = σ_a(−B0)ᵀ
    z_op = (1 / tau_s - sp.I * nu) * sp.eye(3) - cross_matrix(om0)
    derived = sigma_b * (4 * k_bt / (-sp.I * nu)) * z_op
    expected = 4 * k_bt * n * cisp_rev.T * z_op
    return derived, expected, dict(tau_s=tau_s, nu=nu, n=n, k_bt=k_bt, omega0=om0, cisp_rev=cisp_rev)


# ------------------------------------------------------------------------- item 1: the dropped term
def drift_precession_estimate(field_tesla: float, g_abs=0.44, temperature=4.0, a_b=10e-9, m_ratio=0.1,
                              beta_mev_angstrom=10.0, j0_mev=10.0, tau0=10e-12, n_s=2e15, f_dr=1.0,
                              tau_s=100e-9) -> dict:
    """Size of the dropped first-order term: the equilibrium spin s0 drifting in the hop spin-orbit field.

    Summing Σ_j S_j × Ω_ij of (5b) with S_j = n_j s0 over all sites gives the generation
    2(β Σ_bonds R_ij I_ij) × s0 = Ω_dr × s0 per carrier, Ω_dr = (2m/ħ²) β v_dr, v_dr = j/(en).  Compared
    with the β³ drift generation s_dr/τ_s = Tr β² β_xy P f_dr E of Eq. (13) the ratio is (E, ρ cancel)
    ``r = (|g|μ_B B/4k_BT)(J0τ0/ħ)/(φ² n_s a_b² f_dr)``, φ = mβa_b/ħ² (derived symbolically in the check).
    """
    c = CODATA
    mev = 1e-3 * c["e"]
    m, beta = m_ratio * c["m_e"], beta_mev_angstrom * mev * 1e-10
    phi = m * beta * a_b / c["hbar"] ** 2
    s0 = g_abs * c["mu_B"] * field_tesla / (4 * c["k_B"] * temperature)
    ratio = s0 * (j0_mev * mev * tau0 / c["hbar"]) / (phi**2 * n_s * a_b**2 * f_dr)
    omega_l = g_abs * c["mu_B"] * field_tesla / c["hbar"]
    return {"field_T": field_tesla, "phi": phi, "s0": s0, "generation_ratio": ratio,
            "omega_L_tau_s": omega_l * tau_s, "omega_L_tau0": omega_l * tau0}
