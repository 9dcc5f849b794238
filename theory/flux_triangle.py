"""The equilateral triangle of (S46) in a perpendicular field: Hall source, f_dr, f_diff and the SGE.

Geometry and units of :mod:`theory.triangle`: sites 1 = (0, 0) source, 2 = (a, 0) drain,
3 = (a/2, √3a/2); a_b = τ0 = 1; ``g = e^{−2a}``; ``V1 = 1, V2 = 0``; ``I_ab`` flow from b into a;
L = √3a/2, N = 3; [001] β with symbolic β_xy, β_yx.  The flux through the triangle is
``Φ_t = b √3a²/4`` (electrons, b = eB_z a_b²/ħ); the loop phase of the triad (i, k, j) is
``Φ_ikj = Φ_t sign(A_ikj)``.  Every triad has ``Q = η e^{−3a}/8`` with ``η = ħ/(J0 τ0)``: the field
terms (K, M) compete with the ordinary hops g, so η appears explicitly; f is normalised as in (S42),
``f_y = (L/N) s_y / (η Tr β² β_xy I_total)`` (the one η of the spin generation divided out), with
``s`` the total spin generation rate; ``f_x = (L/N) s_x / (η Tr β² β_yx I_total)`` (its odd partner).
All fields are rational in the stand-ins E = e^{a}, SN = sin Φ_t, CS = cos Φ_t (:func:`restore`).

Kept: K at β⁰ (−6 sin Φ), M at β⁰ (−6 sin Φ) and β¹ (−12 sin Φ [d_ij]_×), Γ and Λ at β², β³ times
cos Φ — i.e. the spin response to third order in β, **exact in Φ** (the charge problem has one free
node, so the Hall source is included to all orders).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import permutations

import sympy as sp

from .flux_core import ETA, flux_coefficients_by_order
from .triangle import a as SIDE
from .triangle import tau_s as TAU_S

__all__ = ["PHI_T", "BXY", "BYX", "E", "SN", "CS", "TriangleFlux", "solve_triangle_flux",
           "triangle_flux_closed_forms", "triangle_flux_numbers", "restore"]

PHI_T = sp.Symbol("Phi_t", real=True)     #: flux through the triangle, b √3 a²/4
BXY, BYX = sp.symbols("beta_xy beta_yx", positive=True)
SITES = (1, 2, 3)
POS = {1: (sp.S(0), sp.S(0)), 2: (SIDE, sp.S(0)), 3: (SIDE / 2, sp.sqrt(3) * SIDE / 2)}
BETA = sp.Matrix([[0, BXY], [BYX, 0], [0, 0]])
# Rational stand-ins (see :func:`restore`): E = e^{a}, SN = sin Φ_t, CS = cos Φ_t.
E, SN, CS = sp.symbols("E_a sin_t cos_t", positive=True)
G_BOND = E**-2                                 # g = e^{−2a}
Q_RED = E**-3 / 8                              # Q/η of every triad of the triangle


def _rational(expr):
    return sp.factor(sp.cancel(expr))


def restore(expr):
    """Back from the rational stand-ins: E → e^{a}, SN → sin Φ_t, CS → cos Φ_t."""
    return expr.subs({E: sp.exp(SIDE), SN: sp.sin(PHI_T), CS: sp.cos(PHI_T)})


def _d(p, r):
    return tuple(BETA * sp.Matrix([POS[p][0] - POS[r][0], POS[p][1] - POS[r][1]]))


@lru_cache(maxsize=1)
def _triads():
    """Per ordered triad (i, k, j): phase Φ_ikj, K/Q, M^(0)/Q, M^(1)/Q, Γ/Q and Λ/Q (orders 2, 3)."""
    out = {}
    area0 = sp.sqrt(3) * SIDE**2 / 4
    for i, k, j in permutations(SITES):
        rki = (POS[k][0] - POS[i][0], POS[k][1] - POS[i][1])
        rij = (POS[i][0] - POS[j][0], POS[i][1] - POS[j][1])
        sign = sp.simplify((rki[0] * rij[1] - rki[1] * rij[0]) / 2 / area0)
        phi = sign * PHI_T
        parts = flux_coefficients_by_order(_d(i, j), _d(j, k), _d(k, i), order=3, spin_order=1, even_order=3)
        s, c = sp.sin(phi).subs(sp.sin(PHI_T), SN), sp.cos(phi).subs(sp.cos(PHI_T), CS)
        out[i, k, j] = dict(
            K=s * sum(p.K_hat for p in parts.values()),
            M0=s * parts[0].M_hat, M1=s * parts[1].M_hat,
            G2=[c * x for x in parts[2].Gamma_hat], G3=[c * x for x in parts[3].Gamma_hat],
            L2=[c * x for x in parts[2].Lambda_hat], L3=[c * x for x in parts[3].Lambda_hat])
    return out


def _hall_injection(volts):
    """``P_i = η Q Σ_{k,j} (K/Q)_ikj V_j`` (all ordered pairs): the Hall source, ν = 1."""
    tri = _triads()
    return {i: ETA * Q_RED * sum(tri[i, k, j]["K"] * volts[j] for (ii, k, j) in tri if ii == i) for i in SITES}


def _solve_charge(fixed: dict, sources: dict):
    """Node 3 free: ``Σ_j g (V_j − V3) + P_3[V] + sources_3 = 0``; returns (volts, flow into drain 2)."""
    v3 = sp.Symbol("V3")
    volts = {**fixed, 3: v3}
    hall = _hall_injection(volts)
    sol = sp.solve(sum(G_BOND * (volts[j] - v3) for j in (1, 2)) + hall[3] + sources.get(3, 0), v3)[0]
    volts = {**fixed, 3: sp.cancel(sol)}
    hall = {i: sp.cancel(x) for i, x in _hall_injection(volts).items()}
    drain = sum(G_BOND * (volts[j] - volts[2]) for j in (1, 3)) + hall[2] + sources.get(2, 0)
    return volts, sp.cancel(drain), hall


def _solve_sz(source: dict):
    """(S43) with the Hall transport of spin: ``Σ_j g(S_j − S_i) − S_i/τ_s + source_i + η Q Σ M^{zz} S_j = 0``."""
    tri = _triads()
    mat = sp.zeros(3, 3)
    for r, i in enumerate(SITES):
        for j in SITES:
            if j != i:
                mat[r, j - 1] += G_BOND
                mat[r, r] -= G_BOND
        mat[r, r] -= 1 / TAU_S
        for (ii, k, j) in tri:
            if ii == i:
                mat[r, j - 1] += ETA * Q_RED * tri[i, k, j]["M0"][2, 2]
    det = sp.factor(mat.det())
    sol = mat.adjugate().applyfunc(sp.factor) * sp.Matrix([-source[i] for i in SITES])
    return {i: sp.factor(sp.cancel(sol[i - 1] / det)) for i in SITES}


@dataclass(frozen=True)
class TriangleFlux:
    """The triangle in the flux (fields rational in E, SN, CS; see the module doc for the normalisation)."""

    potentials: dict        # V_i of the CISP problem (V1 = 1, V2 = 0)
    total_current: sp.Expr  # flow into the drain 2 (Kirchhoff + Hall injection at 2)
    hall_injection: dict    # P_i of the CISP problem
    f_dr: sp.Expr           # f_y from the drift generation Γ^(3) cos Φ
    f_prec: sp.Expr         # f_y from the precession of S̃^z, (S41)/(S45)
    f_m: sp.Expr            # f_y from the field-odd spin-spin M^(1) acting on S̃^z
    f_x: sp.Expr            # f_x, all parts
    spins: dict             # S̃^z_i
    f_sge_direct: sp.Expr   # SGE (S_j = ŷ), Λ^(3) route: (L/N) I_SC/(4 η Tr β² β_xy I_total)
    f_sge_prec: sp.Expr     # SGE, precession (+ M^(1)) → S^z → Λ^(2) route, same normalisation
    f_sge_x: sp.Expr        # SGE of S_j = x̂ (both routes), with β_yx in place of β_xy

    @property
    def f_diff(self):
        return self.f_prec + self.f_m


@lru_cache(maxsize=1)
def solve_triangle_flux() -> TriangleFlux:
    """CISP (current 1 → 2) and SGE (uniform s_y or s_x, short circuit) of the triangle in the flux Φ_t.

    Charge: V3 from Kirchhoff plus the Hall injections (exact in Φ). Spin: Υ_i = Σ_kj Γ_ikj n_j u_j
    (cos Φ), S̃^z from (S43) with the Hall transport Σ_kj M^{zz}_ikj S̃_j, then the in-plane rate
    Σ_i [Υ^(3)_i − Σ_j S̃_j ẑ × Ω_ij + Σ_kj M^(1)_ikj ẑ S̃_j]. SGE: d07's two routes plus M^(1) and the
    Hall terms, short-circuit current into corner 2.
    """
    tri = _triads()
    tr_b2 = 2 * BXY * BYX
    norm = sp.sqrt(3) * SIDE / 2 / 3 / ETA          # L/(N η)
    volts, total, hall = _solve_charge({1: sp.S(1), 2: sp.S(0)}, {})
    ups2 = {i: ETA * Q_RED * sum(tri[i, k, j]["G2"][2] * volts[j] for (ii, k, j) in tri if ii == i) for i in SITES}
    ups3 = {i: [ETA * Q_RED * sum(tri[i, k, j]["G3"][m] * volts[j] for (ii, k, j) in tri if ii == i) for m in range(3)]
            for i in SITES}
    spins = _solve_sz(ups2)
    zhat = sp.Matrix([0, 0, 1])
    prec = sp.zeros(3, 1)
    mpart = sp.zeros(3, 1)
    for i in SITES:
        for j in SITES:
            if j != i:
                prec += -spins[j] * zhat.cross(2 * G_BOND * sp.Matrix(_d(i, j)))     # −S_j × Ω_ij
        for (ii, k, j) in tri:
            if ii == i:
                mpart += ETA * Q_RED * tri[i, k, j]["M1"] * zhat * spins[j]
    drift = [sum(ups3[i][m] for i in SITES) for m in range(3)]
    f_y = lambda x: _rational(norm * x / (tr_b2 * BXY * total))  # noqa: E731
    f_x = _rational(norm * (drift[0] + prec[0] + mpart[0]) / (tr_b2 * BYX * total))
    sge = {axis: _sge(axis, 4 * tr_b2 * (BXY if axis == 1 else BYX) * total / norm) for axis in (0, 1)}
    return TriangleFlux(potentials={i: _rational(v) for i, v in volts.items()}, total_current=_rational(total),
                        hall_injection={i: _rational(v) for i, v in hall.items()}, f_dr=f_y(drift[1]),
                        f_prec=f_y(prec[1]), f_m=f_y(mpart[1]), f_x=f_x, spins={i: _rational(v) for i, v in spins.items()},
                        f_sge_direct=sge[1][0], f_sge_prec=sge[1][1], f_sge_x=sge[0][0] + sge[0][1])


def _sge(axis: int, scale):
    """SGE of a uniform in-plane spin S_j = ê_axis (ν s = 1), electrodes 1, 2 short-circuited: the
    Λ^(3) route and the precession (+ M^(1)) → S^z → Λ^(2) route, each as I_SC / ``scale``."""
    tri = _triads()
    spin = sp.Matrix([int(axis == 0), int(axis == 1), 0])
    direct = {i: ETA * Q_RED * sum(sp.Matrix(tri[i, k, j]["L3"]).dot(spin) for (ii, k, j) in tri if ii == i)
              for i in SITES}
    sigma = {}
    for i in SITES:
        src = sum(-(spin.cross(2 * G_BOND * sp.Matrix(_d(i, j))))[2] for j in SITES if j != i)   # −(S × Ω_ij)_z
        src += ETA * Q_RED * sum((tri[i, k, j]["M1"] * spin)[2] for (ii, k, j) in tri if ii == i)
        sigma[i] = sp.expand(src)
    sz = _solve_sz(sigma)
    prec_src = {i: ETA * Q_RED * sum(tri[i, k, j]["L2"][2] * sz[j] for (ii, k, j) in tri if ii == i) for i in SITES}
    short = {1: sp.S(0), 2: sp.S(0)}
    return (_rational(_solve_charge(short, direct)[1] / scale), _rational(_solve_charge(short, prec_src)[1] / scale))


def triangle_flux_closed_forms() -> dict:
    """Closed forms in the stand-ins E = e^{a}, SN = sin Φ_t, CS = cos Φ_t (checked in
    :func:`theory.flux.check_flux_triangle`; :func:`restore` converts back).

    Charge (by hand: one free node; h = K_321 ν = −(3/4) η e^{−3a} sin Φ_t, g = e^{−2a}):
    ``V3 = 1/2 + h/(2g)``, ``I_total = 3g/2 + h²/(2g)``, ``P_3 = h``, ``P_2 = h(V3 − 1)``, ``P_1 = −h V3``.
    Drift (by hand: the shift of V3 drops out of Σ Γ^(3)_y by the mirror symmetry x → a − x):
    ``f_dr = cos Φ_t f_dr(0) · I_total(0)/I_total``.  f_diff and f_x are the simplified results of
    :func:`solve_triangle_flux`, confirmed by the independent SGE route at −Φ.
    """
    g = E**-2
    h = -sp.Rational(3, 4) * ETA * SN / E**3
    v3 = sp.Rational(1, 2) + h / (2 * g)
    total = 3 * g / 2 + h**2 / (2 * g)
    big_d = 16 * E**2 * (E**2 + 3 * TAU_S) ** 2 + 27 * ETA**2 * TAU_S**2 * SN**2
    return dict(
        h=h, V3=v3, I_total=total, P={1: -h * v3, 2: h * (v3 - 1), 3: h},
        f_dr=CS * sp.sqrt(3) * SIDE**4 / (32 * E) * (3 * g / 2) / total,
        f_diff=-3 * sp.sqrt(3) * SIDE**4 * E * CS * TAU_S * (E**2 + 3 * TAU_S) / (2 * big_d),
        f_x=6 * SIDE**4 * E**4 * ETA * SN * CS * (E**2 + 6 * TAU_S) / ((16 * E**2 + 3 * ETA**2 * SN**2) * big_d))


def triangle_flux_numbers(side: float, flux: float, eta: float, tau_s=()) -> dict:
    """The closed forms of :func:`triangle_flux_closed_forms` as floats for a triangle of ``side`` (a_b) in the flux
    density ``flux`` = b (Φ_t = b √3 a²/4) at η = ``eta``: V3, I_total, f_dr, and f_diff, f_x per τ_s (lists)."""
    phi = flux * math.sqrt(3) * side ** 2 / 4
    sub = {E: math.exp(side), SN: math.sin(phi), CS: math.cos(phi), ETA: eta, SIDE: side}
    cf = triangle_flux_closed_forms()
    at = lambda expr, tau=None: float(expr.subs({**sub, **({TAU_S: tau} if tau is not None else {})}))  # noqa: E731
    return {"V3": at(cf["V3"]), "I_total": at(cf["I_total"]), "f_dr": at(cf["f_dr"]),
            "f_diff": [at(cf["f_diff"], t) for t in tau_s], "f_x": [at(cf["f_x"], t) for t in tau_s]}
