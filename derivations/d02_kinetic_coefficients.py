"""(S15)–(S19) and Eqs. (9a), (9b): the kinetic coefficients of a triad, for any linear β.

Derives:

* the prefactors of (S15)–(S18) after dividing by ``Q_ikj`` of (S19) (m = ħ = 1):
  ``Λ/Q = 6i Tr(Û_ij σ Û_jk Û_ki)``, ``Γ/Q = (3i/2) Tr(σ Û_ij Û_jk Û_ki)``,
  ``G/Q, W/Q = (3i/4)[Tr(σÛÛÛ) ∓ Tr(ÛσÛÛ)]``, and that (S17), (S18) are (S15), (S16)
  recombined with Eq. (7);
* the order-by-order structure in β (orders 0 and 1 vanish; order 2 is the spin
  separation along ``c``; order 3 the in-plane spin generation);
* Eqs. (9a), (9b) for the [001] well at third order;
* **the general-β result**: for any 3×2 β, ``Tr β² ẑ`` of Eqs. (9) is replaced by ``−2c``
  with ``c = (βê_x) × (βê_y)``::

      G_ikj/Q_ikj = −6 A_ikj c × βR_ij
      W_ikj/Q_ikj = −2 A_ikj c × β(R_jk + R_ik) + 6 A_ikj c
      Γ_ikj/Q_ikj = −4 A_ikj c × β(R_ij + R_ik) + 6 A_ikj c
      Λ_ikj/Q_ikj = 16 A_ikj c × β(R_ij + R_kj) + 24 A_ikj c

  (third order, m = ħ = 1, ``A_ikj = (R_ki × R_ij)_z / 2``).
"""

from __future__ import annotations

import sympy as sp

from theory import coefficients as co
from theory import models
from theory.checks import general_beta_formulas

from ._common import MODEL_001, MODEL_GENERIC, beta_r, coefficients, coefficients_by_order
from ._report import Report, Shown, all_zero, is_zero, run_as_script, vec, z_cross

NAME = "kinetic_coefficients"
TITLE = "Kinetic coefficients of a triad: from the traces to Eqs. (9), for any β"
EQUATIONS = "(S15)–(S19), (9a), (9b)"

_KEYS = ("G", "W", "Lambda", "Gamma")
_PER_TRACE_TEX = {
    "Lambda": r"\Lambda_{ikj}\,/\,\big(Q_{ikj}\operatorname{Tr}(\hat U_{ij}\sigma\hat U_{jk}\hat U_{ki})\big)",
    "Gamma": r"\Gamma_{ikj}\,/\,\big(Q_{ikj}\operatorname{Tr}(\sigma\hat U_{ij}\hat U_{jk}\hat U_{ki})\big)",
    "G": r"G_{ikj}\,/\,\big(Q_{ikj}[\operatorname{Tr}(\sigma\hat U\hat U\hat U)-\operatorname{Tr}(\hat U\sigma\hat U\hat U)]\big)",
    "W": r"W_{ikj}\,/\,\big(Q_{ikj}[\operatorname{Tr}(\sigma\hat U\hat U\hat U)+\operatorname{Tr}(\hat U\sigma\hat U\hat U)]\big)",
}
# display-only symbols: the oriented area and the components of the separations
_A = sp.Symbol("A_ikj", real=True)
_R = {p: sp.symbols(f"X_{p} Y_{p}", real=True) for p in ("ij", "jk", "ik")}


def _at_origin(expr, site="i"):
    """Put ``site`` at (0, 0) (the coefficients depend only on separations)."""
    x, y = co.site_coordinates(site)
    return sp.sympify(expr).subs({x: 0, y: 0})


def derive() -> Report:
    """Derive the triad coefficients (S15)–(S19) and their third-order forms.

    Returns
    -------
    Report
        Ordered steps; the general-β formulas of the module docstring are verified against
        the traces expanded to third order for a fully symbolic 3×2 β.
    """
    rep = Report(NAME, TITLE, EQUATIONS, intro=(
        "Spin generation (G), spin separation (W) and the spin-galvanic coefficient (Λ) of a triad "
        "i, k, j come from the interference of the direct hop with the hop via the auxiliary site k "
        "(Eq. 8). Their per-triad parts are traces of the loop product with one σ inserted. "
        "Notation: Û_ab = exp(−i d_ab·σ), Ĵ_ab = J_ab Û_ab, A_ikj = (R_ki × R_ij)_z/2, units "
        "m = ħ = 1 unless ħ, m are shown."))

    # ------------------------------------------------------------------ prefactors
    hbar, m, q_cal = sp.symbols("hbar m Qcal", positive=True)
    jij, jjk, jki = sp.symbols("J_ij J_jk J_ki", positive=True)
    big_q = 2 * sp.pi**2 * m**3 / (3 * hbar**7) * jij * jjk * jki * q_cal          # (S19)
    j3 = jij * jjk * jki   # Tr(Ĵ...Ĵ) = J_ij J_jk J_ki Tr(Û...Û)
    printed = {"Lambda": sp.I * 4 * sp.pi**2 / hbar, "Gamma": sp.I * sp.pi**2 / hbar,
               "G": sp.I * sp.pi**2 / (2 * hbar), "W": sp.I * sp.pi**2 / (2 * hbar)}
    expected = {"Lambda": 6 * sp.I, "Gamma": sp.Rational(3, 2) * sp.I, "G": sp.Rational(3, 4) * sp.I,
                "W": sp.Rational(3, 4) * sp.I}
    ratios = {k: sp.simplify(printed[k] * j3 * q_cal / big_q) for k in printed}
    ok = all(is_zero(ratios[k] - expected[k] * hbar**6 / m**3) for k in printed)
    rep.verify("(S15)–(S18) with Ĵ = J Û and the phonon factor Q_ikj = (2π² m³/3ħ⁷) J_ij J_jk J_ki 𝒬_ikj of "
               "(S19): the J's and 𝒬 cancel and each coefficient per Q is a number times ħ⁶/m³ times a "
               "trace of spin factors only. In m = ħ = 1 (theory/coefficients.py): "
               "Λ/Q = 6i Tr(Û_ij σ Û_jk Û_ki), Γ/Q = (3i/2) Tr(σ Û_ij Û_jk Û_ki), "
               "G/Q = (3i/4)[Tr(σÛÛÛ) − Tr(ÛσÛÛ)], W/Q = (3i/4)[Tr(σÛÛÛ) + Tr(ÛσÛÛ)].",
               ok, "printed prefactor × J³𝒬 / Q = (6i, 3i/2, 3i/4, 3i/4) ħ⁶/m³ for Λ, Γ, G, W",
               *[(f"{k}/Q per trace", _PER_TRACE_TEX[k], ratios[k]) for k in ("Lambda", "Gamma", "G", "W")])

    outer, inner = sp.symbols("T_out T_in")  # Tr(σ ÛÛÛ), Tr(Û σ ÛÛ)
    lam, gam = 6 * sp.I * inner, sp.Rational(3, 2) * sp.I * outer
    g, w = sp.Rational(3, 4) * sp.I * (outer - inner), sp.Rational(3, 4) * sp.I * (outer + inner)
    rep.verify("(S17), (S18) are (S15), (S16) recombined with Eq. (7): G = (Γ − Λ/4)/2 and "
               "W = (Γ + Λ/4)/2, i.e. Γ = W + G (the definition in (S16)) and Λ = 4(W − G).",
               is_zero(g - (gam - lam / 4) / 2) and is_zero(w - (gam + lam / 4) / 2),
               "(3i/4)(T_out ∓ T_in) = ((3i/2)T_out ∓ 6i T_in/4)/2 for symbolic traces")

    # ------------------------------------------------------------------ order structure
    parts = coefficients_by_order(MODEL_001, 3)
    low = all(all_zero(parts[n].as_dict()[k]) for n in (0, 1) for k in _KEYS)
    second = parts[2]
    sec_ok = (all_zero(second.G) and all_zero(second.W[:2]) and not is_zero(second.W[2])
              and is_zero(second.Gamma[2] - second.W[2]) and is_zero(second.Lambda[2] - 4 * second.W[2]))
    third = parts[3]
    third_ok = (all_zero(third.G[2:]) and all_zero(third.W[2:]) and not all_zero(third.G[:2])
                and not all_zero(third.W[:2]))
    area = co.oriented_area()
    tr_b2 = MODEL_001.trace_beta_squared()
    rep.verify("Order by order in β ([001] well, theory.coefficients.triad_coefficients_by_order): the "
               "orders 0 and 1 vanish (a loop needs two non-commuting rotations); the second order is "
               "the spin separation W_z alone (G⁽²⁾ = 0, Γ_z = W_z, Λ_z = 4W_z) and equals −3 A_ikj Tr β²; "
               "the third order carries the in-plane G and W and has no z part.",
               low and sec_ok and third_ok and is_zero(second.W[2] + 3 * area * tr_b2),
               "orders 0, 1 vanish; order 2 = W_z only, = −3A Tr β²; order 3 in-plane only",
               ("W⁽²⁾/Q", r"W^{(2)}/Q", sp.factor(second.W[2])))

    # ------------------------------------------------------------------ Eq. (9) for [001]
    kc = coefficients(MODEL_001, 3)
    r_ij, r_jk, r_ik = co.separation("i", "j"), co.separation("j", "k"), co.separation("i", "k")
    g_9a = 3 * area * tr_b2 * z_cross(beta_r(MODEL_001, r_ij))
    w_9b = tr_b2 * area * z_cross(beta_r(MODEL_001, (r_jk[0] + r_ik[0], r_jk[1] + r_ik[1])))
    w_9b[2] += -3 * tr_b2 * area
    rep.verify("Eq. (9a), (9b) ([001] well, to third order, m = ħ = 1): "
               "G_ikj = 3 Q_ikj (A_ikj × βR_ij) Tr β² and "
               "W_ikj = Q_ikj Tr β² [A_ikj × β(R_jk + R_ik) − 3 A_ikj], with Tr β² = 2 β_xy β_yx "
               "(A_ikj along ẑ, so A × v = A ẑ × v). Summing the homogeneous parts of the traces "
               "reproduces both exactly.",
               all_zero(vec(kc.G) - g_9a) and all_zero(vec(kc.W) - w_9b),
               "traces to O(β³) − Eqs. (9a), (9b) = 0, every spin component",
               ("Tr β²", r"\operatorname{Tr}\beta^2", tr_b2),
               ("G/Q (9a)", r"G_{ikj}/Q_{ikj}", 3 * _A * tr_b2 * z_cross(beta_r(MODEL_001, _R["ij"]))),
               ("W/Q (9b)", r"W_{ikj}/Q_{ikj}", _A * tr_b2 * (
                   z_cross(beta_r(MODEL_001, (_R["jk"][0] + _R["ik"][0], _R["jk"][1] + _R["ik"][1])))
                   - 3 * sp.Matrix([0, 0, 1]))))

    # ------------------------------------------------------------------ general β
    c = MODEL_GENERIC.column_cross()
    gen = coefficients(MODEL_GENERIC, 3, co.SITES, "i")
    formulas = {k: vec(_at_origin(e) for e in v) for k, v in general_beta_formulas(MODEL_GENERIC).items()}
    a0 = _at_origin(area)
    rij, rjk, rik, rkj = (co.separation(*p, "i") for p in (("i", "j"), ("j", "k"), ("i", "k"), ("k", "j")))
    b = lambda r1, r2: beta_r(MODEL_GENERIC, (r1[0] + r2[0], r1[1] + r2[1]))  # noqa: E731
    gamma_f = -4 * a0 * c.cross(b(rij, rik)) + 6 * a0 * c
    lambda_f = 16 * a0 * c.cross(b(rij, rkj)) + 24 * a0 * c
    ok_gen = (all_zero(vec(gen.G) - formulas["G"]) and all_zero(vec(gen.W) - formulas["W"])
              and all_zero(vec(gen.Gamma) - gamma_f) and all_zero(vec(gen.Lambda) - lambda_f))
    rep.verify("General linear spin-orbit coupling (any 3×2 β, e.g. [110] or [111] wells, strain): the "
               "loop rotation is 2 A_ikj c with c = (βê_x) × (βê_y) (hopping_matrix derivation), and "
               "the third-order traces give, for a fully symbolic β (m = ħ = 1):\n\n"
               "G_ikj/Q_ikj = −6 A_ikj c × βR_ij,   W_ikj/Q_ikj = −2 A_ikj c × β(R_jk + R_ik) + 6 A_ikj c,\n\n"
               "Γ_ikj/Q_ikj = −4 A_ikj c × β(R_ij + R_ik) + 6 A_ikj c,   "
               "Λ_ikj/Q_ikj = 16 A_ikj c × β(R_ij + R_kj) + 24 A_ikj c.\n\n"
               "RESULT: for a general β the factor Tr β² ẑ of Eqs. (9) is replaced by −2c. The second-order "
               "spin separation points along c (not necessarily along z), the third-order generation is "
               "perpendicular to c.",
               ok_gen, "traces to O(β³) for generic β − the four formulas = 0, every spin component",
               ("c", "c = (\\beta\\hat e_x)\\times(\\beta\\hat e_y)", c))

    c001 = MODEL_001.column_cross()
    reduced_g = -6 * area * c001.cross(beta_r(MODEL_001, r_ij))
    reduced_w = (-2 * area * c001.cross(beta_r(MODEL_001, (r_jk[0] + r_ik[0], r_jk[1] + r_ik[1])))
                 + 6 * area * c001)
    rep.verify("Consistency: for the [001] well c = −(Tr β²/2) ẑ, and the general formulas reduce to "
               "Eqs. (9a), (9b) (ẑ × v = −v × ẑ turns −2c × v into Tr β² ẑ × v).",
               is_zero(c001 + tr_b2 / 2 * sp.Matrix([0, 0, 1])) and all_zero(reduced_g - g_9a)
               and all_zero(reduced_w - w_9b),
               "c_[001] = −(Tr β²/2) ẑ and general G, W with it − Eqs. (9) = 0")

    alpha, bzx = sp.symbols("alpha beta_zx", real=True)
    m110 = models.grown_110(bzx, alpha)
    c110 = m110.column_cross()
    w2 = coefficients_by_order(m110, 3)[2]
    rep.verify("Example beyond [001]: a [110]-grown well with Rashba α (β_zx σ_z k_x + α(σ_x k_y − σ_y k_x)) "
               "has c = (0, α β_zx, α²): the second-order spin separation W⁽²⁾/Q = 6 A c acquires the "
               "in-plane component 6 A α β_zx along y; without Rashba (α = 0) c = 0 and all effects vanish "
               "to this order, as for Rashba = Dresselhaus in [001].",
               all_zero(vec(w2.W) - 6 * area * c110) and all_zero(w2.G) and is_zero(c110.subs(alpha, 0)),
               "W⁽²⁾ of the [110] model = 6A c, G⁽²⁾ = 0, c = 0 at α = 0",
               ("c [110]", r"c_{[110]}", c110))

    rep.say("Summary: per triad, to leading orders and for any linear spin-orbit coupling, "
            "spin separation ∝ A c (second order) and spin generation ∝ A c × βR (third order). "
            "Restoring units multiplies each coefficient/Q by ħ⁶/m³ and each d by m/ħ², which yields "
            "the factor ħ²/m in front of the A_ikj term of Eq. (9b).",
            Shown("Tr β² ẑ  →  −2 (βê_x) × (βê_y)",
                  r"\operatorname{Tr}\beta^2\,\hat z\;\longrightarrow\;-2\,(\beta\hat e_x)\times(\beta\hat e_y)"))
    return rep


if __name__ == "__main__":
    raise SystemExit(run_as_script(derive))
