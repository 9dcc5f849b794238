"""Per-triad kernels of the flux extension, and their direct numpy evaluation for tests.

:func:`flux_kernel_specs` returns :class:`theory.kernel_specs.KernelSpec` objects in the variables of
:func:`theory.kernel_specs.kernel_specs` — ``u = β(R_j − R_i) = −d_ij``, ``v = β(R_k − R_i) = d_ki``,
``R_ij, R_ik, R_kj`` — plus the loop phase ``Phi`` = Φ_ikj (exact: sin Φ, cos Φ), with the weight
``w = e^{R_kj − R_ik − R_ij}/8 = τ_kj Q_ikj J0 τ0/ħ`` of the exponential model (a_b = τ0 = J0 = m = ħ = 1).
For electrons ``Φ_ikj = b A_ikj = b [(x_j − x_i)(y_k − y_i) − (x_k − x_i)(y_j − y_i)]/2``, b = e B_z a_b²/ħ.

Kernel ``triad_hall`` (ordered triad (i, k, j)):

* ``hall`` = (K/Q)_ikj w, through β⁴: the particle injection at i per unit Kirchhoff current I_kj
  (flow from j into k) of the opposite bond, ``P_i = η · hall · I_kj`` (η = ħ/(J0τ0), 1 in these units;
  keep it explicit when combining with the conductances g) — the analogue of (S27) for charge;
* ``spin_hall_<μ><ν>`` = (M^{μν}/Q)_ikj w, through β²: ``Ṡ^μ_i ∋ η g_kj spin_hall_μν S^ν_j``; the
  partner term in S_k is the same kernel with j ↔ k and Φ → −Φ.

Kernel ``triad_spin_generation_flux``: the outputs of ``triad_spin_generation`` (drift, source, sge,
sge_sep) times cos Φ — exactly their values in the field.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .kernel_specs import U, V, KernelSpec, kernel_specs
from .flux_core import PHI, flux_coefficients_by_order

__all__ = ["HALL_ORDER", "SPIN_ORDER", "flux_kernel_specs", "direct_triad_flux", "direct_triad_coefficients", "AXES"]

HALL_ORDER = 4   # K: β⁰ and β⁴ (β¹–β³ vanish, β⁵ too)
SPIN_ORDER = 2   # M: β⁰, β¹, β²
AXES = "xyz"
R_IJ, R_IK, R_KJ = (sp.Symbol(n, positive=True) for n in ("R_ij", "R_ik", "R_kj"))


def flux_kernel_specs(hall_order: int = HALL_ORDER, spin_order: int = SPIN_ORDER) -> list[KernelSpec]:
    """The flux kernels as SymPy expressions of u, v, R_ij, R_ik, R_kj and Φ (see the module doc)."""
    u, v = sp.Matrix(U), sp.Matrix(V)
    parts = flux_coefficients_by_order(tuple(-u), tuple(u - v), tuple(v), order=hall_order,
                                       spin_order=spin_order, even_order=-1)
    weight = sp.exp(R_KJ - R_IK - R_IJ) / 8
    sn, cs = sp.sin(PHI), sp.cos(PHI)
    outputs = {"hall": sn * sp.factor_terms(sp.expand(sum(p.K_hat for p in parts.values()))) * weight}
    for mu in range(3):
        for nu in range(3):
            m = sum(parts[n].M_hat[mu, nu] for n in range(spin_order + 1))
            outputs[f"spin_hall_{AXES[mu]}{AXES[nu]}"] = sn * sp.factor_terms(sp.expand(m)) * weight
    hall = KernelSpec("triad_hall", f"Hall injection per unit I_kj (K/Q to beta^{hall_order}) and spin-spin "
                      f"Hall tensor (M/Q to beta^{spin_order}) of the ordered triad (i, k, j), times w.", outputs)
    even = {name: cs * expr for name, expr in kernel_specs()[0].outputs.items()}
    return [hall, KernelSpec("triad_spin_generation_flux",
                             "triad_spin_generation in the field: every output times cos(Phi_ikj).", even)]


# ----------------------------------------------------------------------------- numpy, direct traces

_SIG = (np.array([[0, 1], [1, 0]], complex), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]], complex))
_ONE = np.eye(2, dtype=complex)


def _hop(d, eps):
    """``exp(−i ε d·σ)`` for complex ε, by the closed form (cos z − i sin z/z · εd·σ, z² = ε² d·d)."""
    z = np.sqrt(complex(eps * eps * np.dot(d, d)))
    sinc = np.sinc(z / np.pi) if abs(z) > 0 else 1.0
    return np.cos(z) * _ONE - 1j * sinc * eps * sum(d[m] * _SIG[m] for m in range(3))


def _rates(d_ij, d_jk, d_ki, phi, eps):
    """First line of (S10) per Q: ``−6 Im(e^{iΦ} Û_ij ρ Û_jk Û_ki)`` with the adjoint written as the
    reversed loop ``e^{−iΦ} Û_ik Û_kj ρ Û_ji`` (equal for real ε, analytic in ε).  Returns the vector
    (K, Λ_x..z, Γ_x..z, M_xx..zz)."""
    u_ij, u_jk, u_ki = _hop(d_ij, eps), _hop(d_jk, eps), _hop(d_ki, eps)
    u_ji, u_kj, u_ik = _hop(-d_ij, eps), _hop(-d_jk, eps), _hop(-d_ki, eps)
    ph = np.exp(1j * phi)
    out = np.zeros(16, complex)
    for b, rho in enumerate((_ONE / 2, *_SIG)):
        rate = -6 * (ph * u_ij @ rho @ u_jk @ u_ki - np.conj(ph) * u_ik @ u_kj @ rho @ u_ji) / 2j
        if b == 0:
            out[0] = np.trace(rate)
            out[4:7] = [np.trace(s @ rate) / 2 for s in _SIG]
        else:
            out[b] = np.trace(rate)
            for mu, s in enumerate(_SIG):
                out[7 + 3 * mu + (b - 1)] = np.trace(s @ rate) / 2
    return out


def _taylor(fun, max_order, radius, points=48):
    """Taylor coefficients c_0..c_max of an entire function of ε by the DFT on |ε| = radius."""
    w = np.exp(2j * np.pi * np.arange(points) / points)
    vals = np.array([fun(radius * x) for x in w])                     # (points, 16)
    return [(w ** (-n)) @ vals / points / radius**n for n in range(max_order + 1)]


def direct_triad_coefficients(r_i, r_j, r_k, beta, phi) -> dict:
    """Exact K/Q, Λ/Q, Γ/Q (3,) and M/Q (3, 3) of the triad (i, k, j) by direct 2×2 traces of the first
    line of (S10) with the loop phase ``phi`` = Φ_ikj (m = ħ = 1, d_ab = β(R_a − R_b))."""
    r_i, r_j, r_k = (np.asarray(r, float) for r in (r_i, r_j, r_k))
    beta = np.asarray(beta, float).reshape(3, 2)
    v = _rates(beta @ (r_i - r_j), beta @ (r_j - r_k), beta @ (r_k - r_i), phi, 1.0).real
    return {"K": v[0], "Lambda": v[1:4], "Gamma": v[4:7], "M": v[7:].reshape(3, 3)}


def direct_triad_flux(r_i, r_j, r_k, beta, phi, hall_order: int | None = HALL_ORDER,
                      spin_order: int = SPIN_ORDER) -> dict:
    """The kernel outputs of :func:`flux_kernel_specs` by direct 2×2 traces with the phase.

    With ``hall_order=None`` every coefficient is exact (all orders in β); otherwise K is summed
    through ``hall_order``, M through ``spin_order`` and drift/source/sge/sge_sep are the homogeneous
    β³, β², β³, β² parts (Taylor coefficients in a scale ε of β, ε = 1).
    """
    r_i, r_j, r_k = (np.asarray(r, float) for r in (r_i, r_j, r_k))
    beta = np.asarray(beta, float).reshape(3, 2)
    d_ij, d_jk, d_ki = beta @ (r_i - r_j), beta @ (r_j - r_k), beta @ (r_k - r_i)
    dist = lambda a, b: float(np.linalg.norm(a - b))  # noqa: E731
    weight = np.exp(dist(r_k, r_j) - dist(r_i, r_k) - dist(r_i, r_j)) / 8
    fun = lambda eps: _rates(d_ij, d_jk, d_ki, phi, eps)  # noqa: E731
    if hall_order is None:
        exact = fun(1.0).real
        k_val, m_val = exact[0], exact[7:]
        parts = None
    else:
        scale = max(np.linalg.norm(d) for d in (d_ij, d_jk, d_ki)) or 1.0
        parts = [c.real for c in _taylor(fun, max(hall_order, spin_order, 3), 1.0 / scale)]
        k_val = sum(p[0] for p in parts[:hall_order + 1])
        m_val = sum(p[7:] for p in parts[:spin_order + 1])
    out = {"hall": k_val * weight}
    for mu in range(3):
        for nu in range(3):
            out[f"spin_hall_{AXES[mu]}{AXES[nu]}"] = m_val[3 * mu + nu] * weight
    for name, order, sl in (("drift", 3, slice(4, 7)), ("source", 2, slice(4, 7)), ("sge", 3, slice(1, 4)),
                            ("sge_sep", 2, slice(1, 4))):
        vals = (fun(1.0).real if parts is None else parts[order])[sl]
        for m in range(3):
            out[f"{name}_{AXES[m]}"] = vals[m] * weight
    return out
