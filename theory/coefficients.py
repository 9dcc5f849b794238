"""Kinetic coefficients of a triad (i, k, j) from traces of hopping matrices, (S15)–(S21).

Notation: ``K_ikj`` (K = G, W, Λ, Γ) has first index i (the site where spin is generated),
auxiliary site k and last index j.  ``R_ab = R_a − R_b``, ``d_ab = m β R_ab / ħ²`` (Eq. 4),
``Û_ab = exp(−i d_ab·σ)`` and ``Ĵ_ab = J_ab Û_ab``.

All coefficients are returned **divided by Q_ikj of (S19)** in units m = ħ = 1.  With
``Q_ikj = (2π² m³/3ħ⁷) J_ij J_jk J_ki 𝒬_ikj`` the prefactors of (S15)–(S18) become

* ``Λ_ikj / Q_ikj = 6i Tr(Û_ij σ Û_jk Û_ki)``          (S15)
* ``Γ_ikj / Q_ikj = (3i/2) Tr(σ Û_ij Û_jk Û_ki)``      (S16)
* ``G_ikj / Q_ikj = (3i/4)[Tr(σ ÛÛÛ) − Tr(Û σ ÛÛ)]``   (S17)
* ``W_ikj / Q_ikj = (3i/4)[Tr(σ ÛÛÛ) + Tr(Û σ ÛÛ)]``   (S18)

(restoring units multiplies each by ħ⁶/m³, which combines with d ∝ m/ħ² to the powers of
ħ²/m seen in Eq. (9b)).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from hopspin.errors import ParameterError

from .models import SpinOrbitModel
from .pauli import SIGMA, graded_product, su2_hopping, su2_hopping_graded, trace
from .vectors import cross_z

__all__ = [
    "SITES",
    "KineticCoefficients",
    "site_coordinates",
    "separation",
    "oriented_area",
    "hopping_matrix",
    "triad_coefficients",
    "triad_coefficients_by_order",
    "coefficients_from_hopping",
    "loop_coefficients_by_order",
    "loop_coefficients_exact",
    "phonon_factor_s21",
    "phonon_factor_exponential",
]

SITES = ("i", "k", "j")


@lru_cache(maxsize=None)
def _coord(axis: str, site: str) -> sp.Symbol:
    return sp.Symbol(f"{axis}_{site}", real=True)


def site_coordinates(site: str) -> tuple[sp.Symbol, sp.Symbol]:
    """Symbols ``(x_site, y_site)`` of a site's position (in a_b, or any length unit)."""
    return _coord("x", site), _coord("y", site)


def separation(a: str, b: str, origin: str | None = None) -> tuple[sp.Expr, sp.Expr]:
    """``R_ab = R_a − R_b``; the site named ``origin`` (if any) is placed at (0, 0).

    Every coefficient depends on positions only through ``d_ab ∝ R_ab``, so fixing one site
    at the origin loses no generality (translation invariance) and shrinks the expressions.
    """
    xa, ya = (0, 0) if a == origin else site_coordinates(a)
    xb, yb = (0, 0) if b == origin else site_coordinates(b)
    return xa - xb, ya - yb


def oriented_area(i: str = "i", k: str = "k", j: str = "j") -> sp.Expr:
    """``A_ikj = (R_ki × R_ij)_z / 2`` (Eq. 9), the oriented area of the triad."""
    return cross_z(separation(k, i), separation(i, j)) / 2


def hopping_matrix(model: SpinOrbitModel, a: str, b: str, order: int | None = None,
                   origin: str | None = None):
    """Spin factor ``Û_ab = exp(−i d_ab·σ)`` of Eq. (4).

    Exact (``order=None``, a 2×2 ``sympy.Matrix``) or, with ``order`` given, its homogeneous
    parts by degree in β, ``{n: Û_ab^{(n)}}`` for n ≤ order.
    """
    rx, ry = separation(a, b, origin)
    d = model.d_vector(rx, ry)
    if order is None:
        return su2_hopping(d)
    return su2_hopping_graded(d, order)


@dataclass(frozen=True)
class KineticCoefficients:
    """Spin vectors G, W, Λ, Γ of one triad, each divided by Q of (S19), m = ħ = 1.

    Attributes
    ----------
    G, W, Lambda, Gamma : tuple of 3 sympy expressions (spin components x, y, z)
    sites : the triad as ``(first, auxiliary, last)``, e.g. ``("i", "k", "j")``
    order : truncation order in β, or ``None`` for the exact (all-orders) result
    """

    G: tuple
    W: tuple
    Lambda: tuple
    Gamma: tuple
    sites: tuple[str, str, str]
    order: int | None

    def as_dict(self) -> dict[str, tuple]:
        return {"G": self.G, "W": self.W, "Lambda": self.Lambda, "Gamma": self.Gamma}


def _coefficients_from_traces(outer, inner, sites, order) -> KineticCoefficients:
    """Apply the prefactors of (S15)–(S18) (divided by Q of (S19), m = ħ = 1)."""

    def fin(expr):
        return sp.expand(sp.I * expr)

    gamma = tuple(fin(sp.Rational(3, 2) * o) for o in outer)
    lam = tuple(fin(6 * n) for n in inner)
    g = tuple(fin(sp.Rational(3, 4) * (o - n)) for o, n in zip(outer, inner))
    w = tuple(fin(sp.Rational(3, 4) * (o + n)) for o, n in zip(outer, inner))
    return KineticCoefficients(G=g, W=w, Lambda=lam, Gamma=gamma, sites=tuple(sites), order=order)


@lru_cache(maxsize=64)
def triad_coefficients_by_order(model: SpinOrbitModel, order: int = 3, sites: tuple[str, str, str] = SITES,
                                origin: str | None = None) -> dict[int, KineticCoefficients]:
    """Homogeneous parts of G, W, Λ, Γ of the triad, ``{n: coefficients of degree n in β}``.

    Computed from the traces ``Tr(σ Ĵ_ij Ĵ_jk Ĵ_ki)`` and ``Tr(Ĵ_ij σ Ĵ_jk Ĵ_ki)`` with the
    hopping matrices expanded degree by degree (:func:`theory.pauli.graded_product`).
    """
    if order < 1:
        raise ParameterError(f"order must be >= 1, got {order}", parameter="order")
    a, b, c = sites
    d = {pair: model.d_vector(*separation(*pair, origin)) for pair in ((a, c), (c, b), (b, a))}
    return loop_coefficients_by_order(d[a, c], d[c, b], d[b, a], order, tuple(sites))


def loop_coefficients_by_order(d_ac, d_cb, d_ba, order: int = 3,
                               sites: tuple[str, str, str] = SITES) -> dict[int, KineticCoefficients]:
    """Homogeneous parts of (S15)–(S18) for the loop with spin-rotation vectors d_ac, d_cb, d_ba.

    The coefficients depend on the triad only through these three vectors (with
    ``d_ac + d_cb + d_ba = 0`` for a linear β), so they may be given as any SymPy 3-vectors,
    e.g. abstract symbols; :func:`triad_coefficients_by_order` passes ``d = β R``.
    """
    u_ac = su2_hopping_graded(d_ac, order)
    u_cb = su2_hopping_graded(d_cb, order)
    u_ba = su2_hopping_graded(d_ba, order)
    tail = graded_product(u_cb, u_ba, order)
    loop = graded_product(u_ac, tail, order)
    result = {}
    for n in range(order + 1):
        outer = tuple(trace(s * loop[n]) for s in SIGMA)  # Tr(σ Û_ac Û_cb Û_ba), degree n
        inner = [sp.S.Zero] * 3                            # Tr(Û_ac σ Û_cb Û_ba), degree n
        for da, ma in u_ac.items():
            if n - da in tail:
                for mu, s in enumerate(SIGMA):
                    inner[mu] += trace(ma * s * tail[n - da])
        result[n] = _coefficients_from_traces(outer, inner, sites, n)
    return result


@lru_cache(maxsize=64)
def triad_coefficients(model: SpinOrbitModel, order: int | None = 3, sites: tuple[str, str, str] = SITES,
                       origin: str | None = None) -> KineticCoefficients:
    """Kinetic coefficients of the triad ``sites = (i, k, j)`` from (S15)–(S18), divided by Q_ikj.

    Parameters
    ----------
    model : SpinOrbitModel
        The spin-orbit matrix β (symbolic or numeric).
    order : int or None
        Truncation order in β (all terms up to and including it), or ``None`` for the exact
        all-orders result with ``cos|d|`` and ``sin|d|/|d|``.
    sites : (first, auxiliary, last)
        Labels of the triad; coordinates are the symbols ``x_<label>, y_<label>``.
    origin : str, optional
        A site label placed at (0, 0) (no loss of generality; see :func:`separation`).

    Returns
    -------
    KineticCoefficients
        G (S17), W (S18), Λ (S15) and Γ = W + G (S16), in units m = ħ = 1, per Q_ikj (S19).
    """
    if order is not None:
        parts = triad_coefficients_by_order(model, order, tuple(sites), origin)
        summed = {name: tuple(sp.expand(sum(p.as_dict()[name][mu] for p in parts.values()))
                              for mu in range(3)) for name in ("G", "W", "Lambda", "Gamma")}
        return KineticCoefficients(**summed, sites=tuple(sites), order=order)
    a, b, c = sites
    d = {pair: model.d_vector(*separation(*pair, origin)) for pair in ((a, c), (c, b), (b, a))}
    return loop_coefficients_exact(d[a, c], d[c, b], d[b, a], tuple(sites))


def _hopping_quaternion(d) -> tuple:
    """``exp(−i d·σ) = q0 − i q·σ`` as (q0, q): q0 = cos|d|, q = (sin|d|/|d|) d (the identity at d = 0)."""
    q2 = sp.expand(d[0] ** 2 + d[1] ** 2 + d[2] ** 2)
    if q2 == 0:
        return sp.S.One, (sp.S.Zero,) * 3
    norm = sp.sqrt(q2)
    k = sp.sin(norm) / norm
    return sp.cos(norm), tuple(k * x for x in d)


def _quaternion_product(a, b) -> tuple:
    """(a0 − i a·σ)(b0 − i b·σ) = (a0 b0 − a·b) − i (a0 b + b0 a + a × b)·σ."""
    a0, av = a
    b0, bv = b
    cross = (av[1] * bv[2] - av[2] * bv[1], av[2] * bv[0] - av[0] * bv[2], av[0] * bv[1] - av[1] * bv[0])
    return (a0 * b0 - sum(x * y for x, y in zip(av, bv)),
            tuple(a0 * bv[m] + b0 * av[m] + cross[m] for m in range(3)))


def loop_coefficients_exact(d_ac, d_cb, d_ba, sites: tuple[str, str, str] = SITES) -> KineticCoefficients:
    """(S15)–(S18) exactly (all orders) for the loop with spin-rotation vectors d_ac, d_cb, d_ba.

    Every hopping factor is a quaternion q0 − i q·σ, and so is a product of them: with
    ``Û_ac Û_cb Û_ba = m0 − i m·σ`` and its cyclic shift ``Û_cb Û_ba Û_ac = m0 − i m'·σ``,
    ``Tr(σ_μ Û Û Û) = −2i m_μ`` and ``Tr(Û σ_μ Û Û) = −2i m'_μ``, hence (per Q, m = ħ = 1)
    ``Γ = 3m``, ``Λ = 12 m'``, ``G = (3/2)(m − m')``, ``W = (3/2)(m + m')`` — the same coefficients as
    :func:`coefficients_from_hopping` of the matrices (tested), without multiplying 2×2 matrices of
    trigonometric expressions.
    """
    u_ac, u_cb, u_ba = (_hopping_quaternion(d) for d in (d_ac, d_cb, d_ba))
    m = _quaternion_product(u_ac, _quaternion_product(u_cb, u_ba))[1]
    m_shift = _quaternion_product(u_cb, _quaternion_product(u_ba, u_ac))[1]
    half = sp.Rational(3, 2)
    return KineticCoefficients(G=tuple(half * (x - y) for x, y in zip(m, m_shift)),
                               W=tuple(half * (x + y) for x, y in zip(m, m_shift)),
                               Lambda=tuple(12 * y for y in m_shift), Gamma=tuple(3 * x for x in m),
                               sites=tuple(sites), order=None)


def coefficients_from_hopping(u_ac: sp.Matrix, u_cb: sp.Matrix, u_ba: sp.Matrix,
                              sites: tuple[str, str, str] = SITES) -> KineticCoefficients:
    """(S15)–(S18) for the triad K_abc from its three spin factors ``Û_ac, Û_cb, Û_ba``.

    Used with :func:`hopping_matrix` by :func:`triad_coefficients`, or with any other exact
    representation of ``exp(−i d·σ)`` (e.g. ``cos θ − i sin θ n̂·σ`` for d = θ n̂).
    """
    tail = u_cb * u_ba
    outer = tuple(trace(s * u_ac * tail) for s in SIGMA)
    inner = tuple(trace(u_ac * s * tail) for s in SIGMA)
    return _coefficients_from_traces(outer, inner, tuple(sites), None)


# ----------------------------------------------------------------------------- phonon factor

def _pair_symbol(name: str, a: str, b: str, symmetric: bool) -> sp.Symbol:
    if symmetric and a > b:
        a, b = b, a
    return sp.Symbol(f"{name}_{a}{b}", positive=True)


def hopping_amplitude(a: str, b: str) -> sp.Symbol:
    """Symbol ``J_ab`` (symmetric in a, b)."""
    return _pair_symbol("J", a, b, symmetric=True)


def hopping_time(a: str, b: str) -> sp.Symbol:
    """Symbol ``τ_ab`` = hopping time from b to a (not symmetric in general)."""
    return _pair_symbol("tau", a, b, symmetric=False)


def phonon_factor_s21(i: str = "i", k: str = "k", j: str = "j", J=None, tau=None) -> sp.Expr:
    """``Q_ikj`` of (S21), in units m = ħ = 1.

    ``Q_ikj = m³/(24ħ⁵) [J_ij/(J_kj J_ki τ_ik τ_kj) + J_jk/(J_ij J_ki τ_ki τ_ij)
    + J_ik/(J_ij J_kj τ_ij τ_kj)]``.

    ``J(a, b)`` and ``tau(a, b)`` default to the symbols ``J_ab`` (symmetric) and ``tau_ab``.
    """
    J = J or hopping_amplitude
    tau = tau or hopping_time
    return sp.Rational(1, 24) * (
        J(i, j) / (J(k, j) * J(k, i) * tau(i, k) * tau(k, j))
        + J(j, k) / (J(i, j) * J(k, i) * tau(k, i) * tau(i, j))
        + J(i, k) / (J(i, j) * J(k, j) * tau(i, j) * tau(k, j))
    )


def phonon_factor_exponential(perimeter: sp.Expr, a_b=1, J0=sp.Symbol("J0", positive=True),
                              tau0=sp.Symbol("tau0", positive=True)) -> sp.Expr:
    """Closed form of (S21) in the exponential model: ``m³ e^{−perimeter/a_b}/(8 ħ⁵ J0 τ0²)``."""
    return sp.exp(-perimeter / a_b) / (8 * J0 * tau0**2)
