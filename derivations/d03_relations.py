"""Eq. (7) and (S14): relations between the kinetic coefficients, exactly (all orders in d).

* Eq. (7): ``Λ_ikj = 4(W_ikj − G_ikj)`` per triad — by construction of (S17), (S18) it is the
  statement that ``W − G`` is the inner trace ``Tr(Û_ij σ Û_jk Û_ki)``; verified on the exact
  ``cos|d|``, ``sin|d|/|d|`` form for a generic 3×2 β.
* (S14): ``W_jki + W_kji = G_jki + G_kji`` (no spin dependence of outgoing rates).  Why:
  by Eq. (7) it is ``Λ_jki + Λ_kji = 0``; the two loops are traversed in opposite directions,
  so with ``Û_ab† = Û_ba``, cyclicity and ``σ† = σ`` their inner traces are complex
  conjugates, and each is purely imaginary (cyclically it is ``Tr(σ M)`` with M ∈ SU(2));
  hence ``(Λ/Q)_kji = −(Λ/Q)_jki``, and ``Q_jki = Q_kji`` by the symmetry of (S21).
"""

from __future__ import annotations

import sympy as sp

from theory import coefficients as co
from theory.pauli import IDENTITY, SIGMA, sigma_dot, trace

from ._common import MODEL_GENERIC, coefficients
from ._report import Report, all_zero, is_zero, run_as_script

NAME = "relations"
TITLE = "Relations between the kinetic coefficients: Eq. (7) and (S14), exactly"
EQUATIONS = "(7), (S14)"


def derive() -> Report:
    """Verify Eq. (7) and (S14) to all orders for a generic β, and show why (S14) holds.

    Returns
    -------
    Report
    """
    rep = Report(NAME, TITLE, EQUATIONS, intro=(
        "Both relations are checked on the exact coefficients (closed form of Eq. 4, no expansion) "
        "for a fully symbolic 3×2 β, with one site placed at the origin (translation invariance)."))

    # ------------------------------------------------------------------ Eq. (7)
    kc = coefficients(MODEL_GENERIC, None, co.SITES, "i")
    diff7 = [kc.Lambda[m] - 4 * (kc.W[m] - kc.G[m]) for m in range(3)]
    size = len(str(kc.Lambda[0]))
    rep.verify("Eq. (7) per triad: Λ_ikj = 4(W_ikj − G_ikj). With the prefactors of (S15)–(S18) per Q, "
               "4(W − G)/Q = 4·(3i/4)·2 Tr(Û_ij σ Û_jk Û_ki) = 6i Tr(Û_ij σ Û_jk Û_ki) = Λ/Q. The exact "
               f"expressions (Λ_x alone is {size} characters) are compared component by component; summing "
               "over k gives Λ_ij = 4(W_ij − G_ij).",
               all_zero(diff7), "Λ − 4(W − G) = 0 for x, y, z, all orders in d, generic β")

    # ------------------------------------------------------------------ why (S14): the pieces
    q_jki = co.phonon_factor_s21("j", "k", "i")
    q_kji = co.phonon_factor_s21("k", "j", "i")
    rep.verify("(S14) involves the two triads with first site j, k and the same pair {j, k}, i.e. the loop "
               "j → i → k → j and its reverse. Their phonon factors are equal: (S21) is symmetric under "
               "exchanging the first and the auxiliary site (the three terms are permuted; J is "
               "symmetric).",
               is_zero(q_jki - q_kji), "Q_jki − Q_kji = 0 from (S21)",
               ("Q_jki (S21)", r"\mathcal Q_{jki}", q_jki))

    theta = sp.Symbol("theta", positive=True)
    dvec = sp.symbols("d_x d_y d_z", real=True)
    u = sp.cos(theta) * IDENTITY - sp.I * sp.sin(theta) / theta * sigma_dot(dvec)
    u_rev = sp.cos(theta) * IDENTITY + sp.I * sp.sin(theta) / theta * sigma_dot(dvec)
    rep.verify("Reversal of a hop: Û_ab† = Û(−d_ab) = Û_ba. For the loop traces this gives "
               "Tr(Û_ki σ Û_ij Û_jk) = [Tr(Û_ji σ Û_ik Û_kj)]* (take the adjoint, use σ† = σ and "
               "cyclicity).", is_zero(u.H - u_rev), "Û(d)† − Û(−d) = 0")

    a = [sp.symbols(f"a{n}_0:4", real=True) for n in range(3)]
    su2 = [q[0] * IDENTITY - sp.I * sigma_dot(q[1:]) for q in a]  # real quaternions: span SU(2) up to scale
    m_prod = su2[0] * su2[1] * su2[2]
    imaginary = all(is_zero(sp.re(sp.expand(trace(s * m_prod)))) for s in SIGMA)
    rep.verify("Each such trace is purely imaginary: cyclically Tr(Û_ji σ Û_ik Û_kj) = Tr(σ M) with "
               "M = Û_ik Û_kj Û_ji, a product of matrices a₀ − i a·σ (a real), which is again of that "
               "form; Tr(σ_μ (a₀ − i a·σ)) = −2i a_μ. (This is also why Λ, G, W are real.)",
               imaginary, "Re Tr(σ_μ M₁M₂M₃) = 0 for three symbolic real quaternions a₀ − i a·σ")

    rep.say("Hence (Λ/Q)_kji = 6i T* = −6i T = −(Λ/Q)_jki with T = Tr(Û_ji σ Û_ik Û_kj), and with "
            "Q_jki = Q_kji: Λ_jki + Λ_kji = 0, which by Eq. (7) is (S14): "
            "(W − G)_jki + (W − G)_kji = 0. It holds exactly, not only to third order.")

    # ------------------------------------------------------------------ (S14) exactly
    a_c = coefficients(MODEL_GENERIC, None, ("j", "k", "i"), "i")
    b_c = coefficients(MODEL_GENERIC, None, ("k", "j", "i"), "i")
    lam_sum = [a_c.Lambda[m] + b_c.Lambda[m] for m in range(3)]
    s14 = [(a_c.W[m] - a_c.G[m]) * q_jki + (b_c.W[m] - b_c.G[m]) * q_kji for m in range(3)]
    rep.verify("Direct check on the exact coefficients of the two triads (generic β, all orders): "
               "the spin-galvanic parts cancel, (Λ/Q)_jki + (Λ/Q)_kji = 0, and (S14) holds with the "
               "phonon factors of (S21).",
               all_zero(lam_sum) and all_zero(s14),
               "(Λ/Q)_jki + (Λ/Q)_kji = 0 and (W−G)_jki Q_jki + (W−G)_kji Q_kji = 0, x, y, z")
    return rep


if __name__ == "__main__":
    raise SystemExit(run_as_script(derive))
