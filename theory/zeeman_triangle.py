"""The equilateral triangle (S46) in a magnetic field: CISP, spin-galvanic and spin-Hall responses.

Geometry and normalisation of :mod:`theory.triangle`: sites 0 = (0, 0) (source), 1 = (a, 0) (drain),
2 = (a/2, √3a/2); current along +x; L = √3a/2, N = 3; every bond g = e^{−2a} (a in a_b, times in τ0),
I_ab = g(V_b − V_a) with V = (1, 0, ½), I_total = 3g/2; unit [001] β (β_xy = β_yx = 1, Tr β² β_xy = 2).
The drift generation and the separation sources are built from the third- and second-order Γ of
:func:`theory.coefficients.loop_coefficients_by_order` (Υ_ikj = I_kj τ_kj Γ_ikj, τ_kj Q_ikj = e^{−a}/8), the
SGE sources from Λ (Q = e^{−3a}/8), as in ``derivations/d07_spin_galvanic.py``.  With F = f_dr = √3a⁴e^{−a}/32,
λ = 3g + ε, ε = τ0/τ_s, ω = Ω_L τ0 (derived and checked here):

* generation  ``R(B) = F [ŷ + 3g x̂ × (λ − ω×)⁻¹ ẑ]``,  f-vector ``f(B) = ε (ε − ω×)⁻¹ R(B)``  (= s/(Tr β² β_xy));
* SGE per unit given spin s (row, current along x; f_SGE normalisation of d07): ``R(−B)``;
* spin current (spin × direction, ``Σ_ν (βê_ν) × (j ê_ν) = R``): ``j = −F (ε − ω×)(λ − ω×)⁻¹ ẑ ⊗ ŷ``.
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import permutations

import sympy as sp

from . import coefficients as co
from .triangle import a as SIDE
from .triangle import s46_closed_form
from .zeeman import (SpinNetwork, bloch_inverse, cisp_in_field, cross_matrix, diffusion_generation,
                     diffusion_spin_current, dipole, precession_source)

__all__ = ["EPS", "G", "OMEGA", "UNIT_001", "triangle_ingredients", "triangle_response", "triangle_sge",
           "triangle_closed_form", "triangle_in_field", "triangle_in_field_numeric", "field_polynomials",
           "positive_roots"]

EPS = sp.Symbol("epsilon", positive=True)          # τ0/τ_s
G = sp.Symbol("g", positive=True)                  # bond conductance e^{−2a}
OMEGA = sp.Matrix(sp.symbols("omega_x omega_y omega_z", real=True))
UNIT_001 = sp.ImmutableMatrix([[0, 1], [1, 0], [0, 0]])
_TR_B2_BXY = 2


@lru_cache(maxsize=None)
def triangle_ingredients(beta=UNIT_001) -> dict:
    """Network, drift generation and separation sources per site, Λ per ordered triad (g kept as the symbol G)."""
    beta = sp.Matrix(beta)
    pos = ((sp.S(0), sp.S(0)), (SIDE, sp.S(0)), (SIDE / 2, sp.sqrt(3) * SIDE / 2))
    net = SpinNetwork(pos, {(0, 1): G, (0, 2): G, (1, 2): G})
    volts = (sp.S(1), sp.S(0), sp.S.Half)
    d = {(p, r): tuple(beta * net.r(p, r)) for p in range(3) for r in range(3) if p != r}
    drift, source = [sp.zeros(3, 1) for _ in range(3)], [sp.zeros(3, 1) for _ in range(3)]
    lam3, lam2 = {}, {}
    for i, k, j in permutations(range(3)):
        parts = co.loop_coefficients_by_order(d[i, j], d[j, k], d[k, i], 3)
        lam3[i, k, j] = sp.Matrix(parts[3].Lambda) * G * sp.exp(-SIDE) / 8      # Q = e^{−3a}/8 = g e^{−a}/8
        lam2[i, k, j] = sp.Matrix(parts[2].Lambda) * G * sp.exp(-SIDE) / 8
        if k < j:                                                                 # each unordered pair (k, j) once
            weight = G * (volts[j] - volts[k]) * sp.exp(-SIDE) / 8               # I_kj τ_kj Q_ikj
            drift[i] += weight * sp.Matrix(parts[3].Gamma)
            source[i] += weight * sp.Matrix(parts[2].Gamma)
    scale = (sp.sqrt(3) * SIDE / 2) / (3 * sp.Rational(3, 2) * G)               # L/(N I_total)
    return dict(net=net, beta=beta, drift=[x.applyfunc(sp.expand) for x in drift],
                source=[x.applyfunc(sp.expand) for x in source], lam3=lam3, lam2=lam2, scale=scale)


def _local_solve(eps, omega, vectors) -> list:
    """(𝓛 + ε − ω×)⁻¹ on zero-sum fields of the equal-g triangle: 𝓛 = 3g there, so S_i = (λ − ω×)⁻¹ v_i."""
    inv = bloch_inverse(3 * G + eps, omega)
    return [(inv * v).applyfunc(sp.cancel) for v in vectors]


def triangle_response(eps=EPS, omega=OMEGA, beta=UNIT_001) -> dict:
    """CISP of the triangle in a field, normalised by L/(N I_total) (the f-normalisation before ÷ Tr β² β_xy).

    Returns dict with S̃ (separated spin per site, ×1, unnormalised), s_dr, s_diff, R, s (= ε(ε − ω×)⁻¹R),
    the spin current J = J^dr + J^diff and D = Σ S̃_i ⊗ R_i (normalised like s: ×2 L/(N I_total) = the code's u).
    """
    ing = triangle_ingredients(beta)
    net, sc = ing["net"], ing["scale"]
    spins = _local_solve(eps, omega, ing["source"])
    s_dr = (sc * sum(ing["drift"], sp.zeros(3, 1))).applyfunc(sp.cancel)
    s_diff = (sc * diffusion_generation(net, ing["beta"], spins)).applyfunc(sp.cancel)
    gen = s_dr + s_diff
    current = 2 * sc * (dipole(net, ing["source"]) + diffusion_spin_current(net, spins))
    return dict(spins=spins, s_dr=s_dr, s_diff=s_diff, R=gen, s=cisp_in_field(eps, omega, gen),
                J=current.applyfunc(sp.cancel), D=(2 * sc * dipole(net, spins)).applyfunc(sp.cancel))


def _short_circuit(sources: dict):
    """Current into the drain (site 1) with V0 = V1 = 0; sources[(i, j)] flows from j into i across (i, j)."""
    inj = [sp.S(0)] * 3
    for (i, j), val in sources.items():
        inj[i] += val
        inj[j] -= val
    return sp.cancel(inj[1] + G * inj[2] / (2 * G)), inj


def triangle_sge(eps=EPS, omega=OMEGA, beta=UNIT_001) -> sp.Matrix:
    """SGE row: f_SGE = (L/N) I_SC / (4 Tr β² β_xy I_total) per unit given uniform spin s = ê_x, ê_y, ê_z.

    Direct route Λ^(3)_ikj·s across (i, j); precession route σ = Σ_j Ω_ij × s, S = (𝓛 + ε − ω×)⁻¹σ, then
    Λ^(2)_ikj·S_j across (i, j) (d07 generalised to a field and to every spin direction).
    """
    ing = triangle_ingredients(beta)
    norm = ing["scale"] / (4 * _TR_B2_BXY)
    row = []
    for mu in range(3):
        s = sp.Matrix([1 if m == mu else 0 for m in range(3)])
        spins = _local_solve(eps, omega, precession_source(ing["net"], ing["beta"], s))
        sources = {}
        for (i, k, j), lam in ing["lam3"].items():
            sources[i, j] = sources.get((i, j), 0) + lam.dot(s) + ing["lam2"][i, k, j].dot(spins[j])
        row.append(sp.cancel(_short_circuit(sources)[0] * norm))
    return sp.Matrix([row])


def triangle_closed_form(eps=EPS, omega=OMEGA, side=SIDE, g=None, f_dr=None):
    """(R, f) of the module doc: R = F[ŷ + 3g x̂ × (λ − ω×)⁻¹ẑ], f = ε(ε − ω×)⁻¹R, λ = 3g + ε (unit [001] β)."""
    g = sp.exp(-2 * side) if g is None else g
    big_f = s46_closed_form(side, 1)[0] if f_dr is None else f_dr
    x_hat, y_hat, z_hat = sp.Matrix([1, 0, 0]), sp.Matrix([0, 1, 0]), sp.Matrix([0, 0, 1])
    gen = big_f * (y_hat + 3 * g * x_hat.cross(bloch_inverse(3 * g + eps, omega) * z_hat))
    return gen, cisp_in_field(eps, omega, gen)


def triangle_in_field(side=SIDE, tau_s=sp.Symbol("tau_s", positive=True), omega=OMEGA) -> sp.Matrix:
    """Exact f-vector s(B)/(Tr β² β_xy) of the triangle (components x, y, z), side in a_b, τ_s in τ0, ω = Ω_L τ0.

    τ_s = 0 gives the drift value F ŷ; τ_s = ∞ gives b̂(b̂·R(B, ε = 0)) for ω ≠ 0 and 0 at ω = 0.
    """
    omega = sp.Matrix(omega)
    if tau_s == 0:
        return sp.Matrix([0, s46_closed_form(side, 1)[0], 0])
    if tau_s == sp.oo:
        if all(w == 0 for w in omega):
            return sp.zeros(3, 1)
        return triangle_closed_form(sp.S(0), omega, side)[1]        # cisp_in_field at ε = 0 is b̂(b̂·R(B, 0))
    return triangle_closed_form(1 / sp.sympify(tau_s), omega, side)[1]


def triangle_in_field_numeric(side: float, tau_s: float, omega) -> tuple[float, float, float]:
    """Floating-point f-vector of :func:`triangle_in_field` (closed form written out; τ_s may be 0 or inf)."""
    big_f = math.sqrt(3) * side**4 * math.exp(-side) / 32
    g = math.exp(-2 * side)
    wx, wy, wz = (float(v) for v in omega)
    w2 = wx * wx + wy * wy + wz * wz
    if tau_s == 0:
        return 0.0, big_f, 0.0
    eps = 0.0 if math.isinf(tau_s) else 1.0 / tau_s
    lam = 3 * g + eps
    den = lam * (lam * lam + w2)
    r = (0.0, big_f * (1 - 3 * g * (lam * lam + wz * wz) / den), big_f * 3 * g * (wy * wz - lam * wx) / den)
    if eps == 0.0:
        if w2 == 0:
            return 0.0, 0.0, 0.0
        proj = (wx * r[0] + wy * r[1] + wz * r[2]) / w2
        return wx * proj, wy * proj, wz * proj
    dot = wx * r[0] + wy * r[1] + wz * r[2]
    cross = (wy * r[2] - wz * r[1], wz * r[0] - wx * r[2], wx * r[1] - wy * r[0])
    om = (wx, wy, wz)
    return tuple((eps * eps * r[m] + om[m] * dot + eps * cross[m]) / (eps * eps + w2) for m in range(3))


# ------------------------------------------------------------------------- item 9: sign changes
W_FIELD = sp.Symbol("w", positive=True)            # |ω|
B_DIR = sp.Matrix(sp.symbols("b_x b_y b_z", real=True))
F_DR = sp.Symbol("F", positive=True)


@lru_cache(maxsize=None)
def field_polynomials() -> dict:
    """Numerators (polynomials in w = |ω|, ω = w b̂, |b̂| = 1 used) of every triangle response component.

    Keys: ``cisp_x, cisp_y, cisp_z`` (f-vector), ``sge_x, sge_y, sge_z`` (SGE per given spin, R(−B)),
    ``she_x, she_y, she_z`` (spin components of the spin current flowing along y).  Every denominator is a
    product of the positive factors λ, λ² + w², ε² + w² (returned under ``"denominators"``).
    """
    om = W_FIELD * B_DIR
    lam = 3 * G + EPS
    gen, f = triangle_closed_form(EPS, om, g=G, f_dr=F_DR)
    gen_rev = gen.subs({b: -b for b in B_DIR}, simultaneous=True)
    she = -F_DR * (EPS * sp.eye(3) - cross_matrix(om)) * bloch_inverse(lam, om) * sp.Matrix([0, 0, 1])
    comps = {**{f"cisp_{a}": f[m] for m, a in enumerate("xyz")}, **{f"sge_{a}": gen_rev[m] for m, a in enumerate("xyz")},
             **{f"she_{a}": she[m] for m, a in enumerate("xyz")}}
    bx, by, bz = B_DIR
    out, dens = {}, {}
    for key, expr in comps.items():
        num, den = sp.fraction(sp.cancel(sp.together(expr)))
        num = sp.expand(num)
        reduced = sp.expand(sp.rem(sp.Poly(num, bz), sp.Poly(bz**2 - (1 - bx**2 - by**2), bz)).as_expr())
        out[key], dens[key] = reduced, sp.factor(den)
    out["denominators"] = dens
    return out


def positive_roots(key: str, direction, eps: float, g: float, tol: float = 1e-9) -> list[float]:
    """Field magnitudes w > 0 (units 1/τ0) where component ``key`` changes sign along ω ∥ ``direction``."""
    d = [float(x) for x in direction]
    nrm = math.sqrt(sum(x * x for x in d))
    sub = {B_DIR[0]: d[0] / nrm, B_DIR[1]: d[1] / nrm, B_DIR[2]: d[2] / nrm, EPS: eps, G: g, F_DR: 1.0}
    poly = sp.Poly(field_polynomials()[key].subs(sub), W_FIELD)
    if poly.is_zero:
        return []
    roots = []
    for r in poly.nroots(n=30, maxsteps=200):
        if abs(sp.im(r)) < tol * abs(r) and sp.re(r) > 0:
            x = float(sp.re(r))
            if poly.eval(x * 0.999) * poly.eval(x * 1.001) < 0:      # odd multiplicity: a sign change
                roots.append(x)
    return sorted(roots)
