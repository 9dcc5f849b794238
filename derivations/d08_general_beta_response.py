"""The CISP tensor for any linear spin-orbit matrix β: what replaces ``Tr(β²) βᵀ`` in Eq. (13).

From the third-order kinetic coefficients for a general 3×2 β (``d02``) the spin generation of a
triad, Υ_ikj = I_kj τ_kj Γ_ikj (S27), splits into a drift part ``Γ^{(3)} = −4A c × β(R_ij + R_ik)``
and a spin-separation part ``Γ^{(2)} = 6A c`` with ``c = (βê_x) × (βê_y)``.  The separated spin
points along ĉ; it diffuses by (S43) and precesses by Ω_ij = 2d_ij/τ_ij into the polarization
(S41).  Both parts are therefore ``−c × β w`` for a geometric 2-vector w of the sample, and an
isotropic sample with the field along ê_ν has ``w_x ∝ ê_y``, ``w_y ∝ −ê_x``:

    σ_CISP = τ_s P f · (−2 [c]_× β R₉₀),     R₉₀ = [[0, −1], [1, 0]],

which is ``Tr β² βᵀ`` for the [001] form.  ``numerics/tensor.py`` computes the tensor on the
simulated sample and ``tests/test_tensor.py`` checks the structure exactly and the isotropy
statistically.
"""

from __future__ import annotations

import sympy as sp

from theory import coefficients as co
from theory import models

from theory.vectors import cross_z

from ._report import Report, is_zero, run_as_script

NAME = "general_beta_response"
TITLE = "CISP tensor for a general linear spin-orbit Hamiltonian"
EQUATIONS = "(9), (13), (S27), (S41)–(S45) for general β"

R90 = sp.Matrix([[0, -1], [1, 0]])


def _cross_matrix(c: sp.Matrix) -> sp.Matrix:
    return sp.Matrix([[0, -c[2], c[1]], [c[2], 0, -c[0]], [-c[1], c[0], 0]])


def tensor_structure(model: models.SpinOrbitModel) -> sp.Matrix:
    """``−2 [c]_× β R₉₀`` (3×2): the CISP tensor per ``τ_s P f`` for an isotropic sample."""
    c = model.column_cross()
    return sp.expand(-2 * _cross_matrix(c) * sp.Matrix(model.beta) * R90)


def derive() -> Report:
    """Derive the general-β CISP tensor structure and check its [001] and [110] forms."""
    rep = Report(NAME, TITLE, EQUATIONS, intro=(
        "β is 3×2 (rows spin x, y, z; columns k_x, k_y); c = (βê_x) × (βê_y); A = A_ikj; m = ħ = 1."))
    model = models.generic()
    # site i at the origin (translation invariance: the coefficients depend on differences only)
    parts = co.triad_coefficients_by_order(model, 3, co.SITES, "i")
    r_ij, r_ik = co.separation("i", "j", "i"), co.separation("i", "k", "i")
    area = cross_z(co.separation("k", "i", "i"), r_ij) / 2
    c = model.column_cross()
    b = sp.Matrix(model.beta)
    g3 = -4 * area * c.cross(b * sp.Matrix([r_ij[0] + r_ik[0], r_ij[1] + r_ik[1]]))
    g2 = 6 * area * c
    rep.verify("Third-order Γ = W + G of a triad is a drift generation perpendicular to c:",
               all(is_zero(parts[3].Gamma[m] - g3[m]) for m in range(3)),
               "Γ^(3)/Q = −4A c × β(R_ij + R_ik)", ("Γ^(3)/Q", r"\Gamma^{(3)}/Q", g3.T))
    rep.verify("Second-order Γ is the spin separation, along c (for [001]: along z, (S44)):",
               all(is_zero(parts[2].Gamma[m] - g2[m]) for m in range(3)), "Γ^(2)/Q = 6A c",
               ("Γ^(2)/Q", r"\Gamma^{(2)}/Q", g2.T))
    rep.say("Drift: summing I_kj τ_kj Γ^(3) over triads gives s_dr = −2 c × β v with the geometric vector "
            "v = (L/N) Σ' I_kj (R_ij × R_ik)(R_ij + R_ik) e^{R_kj−R_ik−R_ij}/8 / I_total, independent of β.")
    rep.say("Diffusion: the separated spin S_i = S̃_i ĉ solves (S43) with γ_i ∝ |c| (geometric otherwise); its "
            "precession (S41) Σ_ij Ω_ij × S_j = 2 Σ_bonds (βR_ab × ĉ) g(S̃_b − S̃_a) = −c × β u with u ∝ geometric. "
            "Hence s(E ∥ ê_ν) = −c × β w_ν with w_ν = 2v + u independent of β (checked exactly on samples).")
    rep.say("Isotropy of the random sample: rotating by 90° maps the field ê_x to ê_y; an isotropic average of the "
            "pseudovector-weighted geometric sums gives w_x = 2f ê_y, w_y = −2f ê_x, i.e. W = 2f R₉₀.")
    bxy, byx = sp.symbols("beta_xy beta_yx", real=True)
    m001 = models.general([[0, bxy], [byx, 0]])
    t001 = tensor_structure(m001)
    expected = sp.expand(m001.trace_beta_squared() * sp.Matrix(m001.beta[:2, :]).T)
    rep.verify("For the [001] form −2[c]_× β R₉₀ equals Tr(β²) βᵀ (Eq. 13), with a zero z row:",
               is_zero((t001[:2, :] - expected).norm()) and all(is_zero(x) for x in t001[2, :]),
               "−2[c]_× β R₉₀ − Tr β² βᵀ = 0", ("T_001", r"-2[c]_\times\beta R_{90}", t001))
    alpha, bzx = sp.symbols("alpha beta_zx", real=True)
    m110 = models.grown_110(bzx, alpha)
    t110 = tensor_structure(m110)
    rep.verify("[110] well (β_zx σ_z k_x + Rashba α): a field along x also polarizes spin along z (growth "
               "axis); c = (0, αβ_zx, α²):", not is_zero(t110[2, 0]) and is_zero(t110[2, 1]),
               "σ_zx ∝ 2α²β_zx ≠ 0, σ_zy = 0", ("T_110", r"-2[c]_\times\beta R_{90}", t110))
    rep.verify("Pure β_zx (no Rashba) or Rashba = Dresselhaus: c = 0 and the tensor vanishes:",
               is_zero(tensor_structure(models.grown_110(bzx)).norm())
               and is_zero(tensor_structure(models.rashba_dresselhaus(alpha, alpha)).norm()),
               "T = 0")
    return rep


if __name__ == "__main__":
    raise SystemExit(run_as_script(derive))
