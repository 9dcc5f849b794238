"""(S21)–(S27): the phonon factor, thermal equilibrium and the linear response to a current.

Derives:

* (S21) and its exponential-model form ``Q_ikj = m³ e^{−(R_ij+R_jk+R_ki)/a_b}/(8ħ⁵J0τ0²)``;
* (S22)–(S24): detailed balance makes ``I_ij = 0`` and ``Υ_ikj = Γ_ikj n_j + Γ_ijk n_k = 0``
  exactly (``Q_ikj n_j = Q_ijk n_k`` and ``Γ_ijk/Q_ijk = −Γ_ikj/Q_ikj`` to all orders), while the
  spin-generation (G) and spin-separation (W) parts do not vanish separately — persistent
  spin currents;
* (S25)–(S27): ``Υ_ikj = I_kj τ_kj Γ_ikj`` under a current, and from it the drift weight of
  (S42) (third-order in-plane Γ) and the source (S44) (second-order Γ_z), using
  ``τ_kj Q_ikj = e^{R_kj − R_ik − R_ij}/(8 J0 τ0)`` in the exponential model.
"""

from __future__ import annotations

import sympy as sp

from theory import coefficients as co

from ._common import BXY, BYX, MODEL_001, MODEL_GENERIC, beta_r, coefficients, coefficients_by_order, cross_z
from ._report import Report, all_zero, is_zero, run_as_script, vec, z_cross

NAME = "equilibrium"
TITLE = "Phonon factor, equilibrium and linear response: from (S21) to the weights of (S42), (S44)"
EQUATIONS = "(S21)–(S27)"


def derive() -> Report:
    """Derive (S21)–(S27) and the drift/source weights used by the numerics.

    Returns
    -------
    Report
    """
    rep = Report(NAME, TITLE, EQUATIONS, intro=(
        "Units m = ħ = a_b = 1. τ_ab is the time of a hop from b to a; n_a the occupation of site a; "
        "I_ab = n_b/τ_ab − n_a/τ_ba the particle flow from b into a."))

    # ------------------------------------------------------------------ (S21)
    q_ikj = co.phonon_factor_s21("i", "k", "j")
    rep.say("(S21): the interference of second-and-second and first-and-third order phonon processes "
            "(S20) gives the phonon factor of the triad in terms of the pair hopping times.",
            ("Q_ikj", r"\mathcal Q_{ikj}", q_ikj))

    j0, tau0 = sp.symbols("J0 tau0", positive=True)
    dist = {frozenset(p): sp.Symbol(f"R_{''.join(sorted(p))}", positive=True)
            for p in (("i", "j"), ("j", "k"), ("i", "k"))}
    q_exp = co.phonon_factor_s21(J=lambda p, s: j0 * sp.exp(-dist[frozenset((p, s))]),
                                 tau=lambda p, s: tau0 * sp.exp(2 * dist[frozenset((p, s))]))
    closed = co.phonon_factor_exponential(sum(dist.values()), 1, j0, tau0)
    rep.verify("Exponential model J_ab = J0 e^{−R_ab}, τ_ab = τ0 e^{2R_ab} (no energy dependence): each of "
               "the three terms becomes e^{−(R_ij+R_jk+R_ki)}/(24 J0 τ0²), so the factor depends only on "
               "the perimeter.",
               is_zero(sp.simplify(q_exp - closed)), "(S21) with the exponential model = e^{−perimeter}/(8 J0 τ0²)",
               ("Q_ikj exponential", r"\mathcal Q_{ikj}", closed))

    # ------------------------------------------------------------------ (S22), (S23)
    kt = sp.Symbol("k_BT", positive=True)
    eps = {s: sp.Symbol(f"epsilon_{s}", real=True) for s in "ikj"}
    occ = {s: sp.exp(-eps[s] / kt) for s in "ikj"}

    def tau(p, q):  # τ_pq/τ_qp = e^{(ε_p − ε_q)/k_BT} (S22); t_pq symmetric
        return co._pair_symbol("t", p, q, symmetric=True) * sp.exp((eps[p] - eps[q]) / (2 * kt))

    pairs = [("i", "j"), ("j", "k"), ("k", "i")]
    s23 = [occ[q] / tau(p, q) - occ[p] / tau(q, p) for p, q in pairs]
    rep.verify("(S22) detailed balance: n_i/n_j = e^{ε_ji/k_BT}, τ_ij/τ_ji = e^{ε_ij/k_BT}; write "
               "τ_ab = t_ab e^{(ε_a − ε_b)/2k_BT} with t symmetric. Then (S23): no particle flow on any bond.",
               all_zero(s23), "I_ij = n_j/τ_ij − n_i/τ_ji = 0 for the three bonds")

    q_ikj_eq = co.phonon_factor_s21("i", "k", "j", tau=tau)
    q_ijk_eq = co.phonon_factor_s21("i", "j", "k", tau=tau)
    rep.verify("The phonon factors of a triad and of its reversed loop are weighted by the occupation of the "
               "last site: with (S21) and (S22), Q_ikj n_j = Q_ijk n_k.",
               is_zero(sp.simplify(q_ikj_eq * occ["j"] - q_ijk_eq * occ["k"])), "Q_ikj n_j − Q_ijk n_k = 0")

    g_ikj = coefficients(MODEL_GENERIC, None, ("i", "k", "j"), "i")
    g_ijk = coefficients(MODEL_GENERIC, None, ("i", "j", "k"), "i")
    rep.verify("The spin factor of the reversed loop is the opposite: (Γ/Q)_ijk = −(Γ/Q)_ikj exactly, since "
               "Tr(σ Û_ik Û_kj Û_ji) = Tr(σ M†) = [Tr(σ M)]* with M = Û_ij Û_jk Û_ki, and Tr(σ M) is purely "
               "imaginary (relations derivation).",
               all_zero(g_ikj.Gamma[m] + g_ijk.Gamma[m] for m in range(3)),
               "(Γ/Q)_ikj + (Γ/Q)_ijk = 0, x, y, z, all orders, generic β")

    rep.say("(S24) therefore vanishes in equilibrium, to all orders and for any β: "
            "Υ_ikj = Γ_ikj n_j + Γ_ijk n_k = (Γ/Q)_ikj (Q_ikj n_j − Q_ijk n_k) = 0.")

    # ------------------------------------------------------------------ persistent spin currents
    p_ikj = coefficients(MODEL_001, 3, ("i", "k", "j"))
    p_ijk = coefficients(MODEL_001, 3, ("i", "j", "k"))
    area = co.oriented_area()
    tr_b2 = MODEL_001.trace_beta_squared()
    g_sum = vec(p_ikj.G) + vec(p_ijk.G)
    w_sum = vec(p_ikj.W) + vec(p_ijk.W)
    expected = 3 * tr_b2 * area * z_cross(beta_r(MODEL_001, co.separation("k", "j")))
    a_sym = sp.Symbol("A_ikj", real=True)
    xk, yk = sp.symbols("X_kj Y_kj", real=True)
    rep.verify("But the two parts of Υ do not vanish separately. Per X ≡ Q_ikj n_j = Q_ijk n_k, the "
               "spin-generation part is (G/Q)_ikj + (G/Q)_ijk = 3 Tr β² A_ikj ẑ × βR_kj ≠ 0 ([001], third "
               "order), and the spin-separation part is exactly its negative (their z parts cancel "
               "separately). Spin is generated and separated at every triad in equilibrium and the two "
               "flows compensate: persistent spin currents [S8].",
               all_zero(g_sum - expected) and all_zero(w_sum + expected) and not all_zero(expected),
               "(G/Q)_ikj + (G/Q)_ijk = 3 Trβ² A ẑ×βR_kj = −[(W/Q)_ikj + (W/Q)_ijk] ≠ 0",
               ("Υ^G/X", r"\Upsilon^{G}_{ikj}/X", 3 * tr_b2 * a_sym * z_cross(beta_r(MODEL_001, (xk, yk)))))

    # ------------------------------------------------------------------ (S25)-(S27)
    n_j, n_k, dn_j, dn_k, t_kj, gam = sp.symbols("n_j n_k deltan_j deltan_k tau_kj Gamma_ikj")
    gam_rev = -gam * n_j / n_k            # equilibrium: Γ_ijk n_k = −Γ_ikj n_j
    i_kj = (dn_j / n_j - dn_k / n_k) * n_j / t_kj          # (S25) with (S26) I⁰_kj = n_j/τ_kj
    upsilon = gam * dn_j + gam_rev * dn_k                   # (S24) linearised in δn
    rep.verify("(S25)–(S27): after the circuit is closed the occupations change by δn; with the hopping "
               "times and coefficients at their equilibrium values, I_kj = (δn_j/n_j − δn_k/n_k) n_j/τ_kj, "
               "and Υ_ikj = Γ_ikj δn_j + Γ_ijk δn_k with Γ_ijk = −Γ_ikj n_j/n_k (previous steps). The spin "
               "generation is tied to the bond current: Υ_ikj = I_kj τ_kj Γ_ikj.",
               is_zero(sp.simplify(upsilon - i_kj * t_kj * gam)), "Γ δn_j + Γ_ijk δn_k − I_kj τ_kj Γ_ikj = 0",
               ("Υ_ikj", r"\Upsilon_{ikj}", sp.Symbol("I_kj") * t_kj * gam))

    weight = sp.exp(dist[frozenset(("j", "k"))] - dist[frozenset(("i", "k"))] - dist[frozenset(("i", "j"))])
    tau_q = tau0 * sp.exp(2 * dist[frozenset(("j", "k"))]) * closed
    rep.verify("In the exponential model the current-to-spin factor is τ_kj Q_ikj = e^{R_kj − R_ik − R_ij}/(8 J0 τ0): "
               "triads with a short detour (small R_ik + R_ij − R_kj) dominate.",
               is_zero(sp.simplify(tau_q - weight / (8 * j0 * tau0))), "τ_kj Q_ikj − e^{R_kj−R_ik−R_ij}/(8J0τ0) = 0")

    parts = coefficients_by_order(MODEL_001, 3)
    r_ij, r_ik = co.separation("i", "j"), co.separation("i", "k")
    cross = cross_z(r_ij, r_ik)
    drift_y = cross * (r_ij[1] + r_ik[1]) * tr_b2 * BXY
    drift_x = -cross * (r_ij[0] + r_ik[0]) * tr_b2 * BYX
    ok_drift = (is_zero(parts[3].Gamma[1] - drift_y) and is_zero(parts[3].Gamma[0] - drift_x)
                and all_zero(parts[3].Gamma[2:]))
    rep.verify("Drift weight of (S42): the third-order Γ is in plane, Γ⁽³⁾/Q = 2A_ikj Tr β² ẑ × β(R_ij + R_ik) "
               "with 2A_ikj = (R_ij × R_ik)_z; for a current along x the spin along y, "
               "Γ⁽³⁾_y/Q = (R_ij × R_ik)_z (R^y_ij + R^y_ik) Tr β² β_xy. Times τ_kj Q_ikj and I_kj this is the "
               "summand I_kj (R_ij × R_ik)_z (R^y_ij + R^y_ik) e^{R_kj−R_ik−R_ij} of (S42), with the 1/8 of "
               "its prefactor L/(8N a_b).",
               ok_drift, "Γ⁽³⁾_y/Q − (R_ij×R_ik)(R^y_ij+R^y_ik) Trβ² β_xy = 0 (and x analogue; Γ⁽³⁾_z = 0)",
               ("Γ⁽³⁾_y/Q", r"\Gamma^{(3)}_{y}/Q", sp.factor(drift_y)))

    source_q = -sp.Rational(3, 2) * cross * tr_b2
    ok_src = is_zero(parts[2].Gamma[2] - source_q) and all_zero(parts[2].Gamma[:2])
    i_sym = sp.Symbol("I_kj")
    upsilon_z = i_sym * weight / (8 * j0 * tau0) * source_q           # (S27) at second order, z
    gamma_s44 = -i_sym * sp.Rational(3, 16) / tau0 * (r_ij[0] * r_ik[1] - r_ik[0] * r_ij[1]) * weight
    rep.verify("Source of (S43)–(S44): the second-order Γ is along z, Γ⁽²⁾_z/Q = −(3/2)(R_ij × R_ik)_z Tr β² "
               "(= W_z: spin separation). Υ_z = I_kj τ_kj Q_ikj Γ⁽²⁾_z/Q, up to the normalisation "
               "Tr β²/J0 (the tilde of S̃ in (S43), units m = ħ = a_b = 1), is exactly the printed γ_ikj = "
               "−I_kj (3/16 τ0)(R^x_ij R^y_ik − R^x_ik R^y_ij) e^{R_kj−R_ik−R_ij}.",
               ok_src and is_zero(sp.expand(upsilon_z * j0 / tr_b2 - gamma_s44)),
               "Γ⁽²⁾_z/Q = −(3/2)(R_ij×R_ik) Trβ², Γ⁽²⁾ in-plane = 0, and Υ_z J0/Trβ² − γ_ikj(S44) = 0",
               ("γ_ikj (S44)", r"\gamma_{ikj}", gamma_s44))

    rep.say("The paper notes after (S27) that only the x and y components of the spin generation survive the "
            "average over triads. The second-order z part is a spin separation (opposite S^z on opposite "
            "sides of a triad) rather than a net generation: it is the source of (S43), where the precession "
            "Ω_ij of (5b), (S41) converts separated S^z into in-plane spin — the diffusion contribution "
            "f_diff of (S45). For a general β the same steps hold with "
            "Γ⁽³⁾/Q = −4A c × β(R_ij + R_ik) and Γ⁽²⁾/Q = 6A c (kinetic_coefficients derivation); "
            "theory/codegen.py generates the kernels from exactly these orders.")
    return rep


if __name__ == "__main__":
    raise SystemExit(run_as_script(derive))
