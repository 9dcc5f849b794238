"""Aharonov–Bohm (Peierls) phases in the triads: the kinetic coefficients in a perpendicular field.

(The core of :mod:`theory.flux`, which re-exports everything here and adds the checks.)

A field B_z multiplies every hopping amplitude by a Peierls phase, ``Ĵ_ab = J_ab e^{iφ_ab} Û_ab``
(Ĵ_ab is the hop **from b to a**), ``φ_ab = (q/ħ) ∫_b^a A·dl`` along the straight path, φ_ba = −φ_ab.
Each triad product of (S10) then carries the loop phase

    Φ_ikj = φ_ij + φ_jk + φ_ki = (q/ħ) ∮_{i→k→j→i} A·dl = −(q B_z/ħ) A_ikj,

with ``A_ikj = (R_ki × R_ij)_z/2`` of Eq. (9) (the oriented area of the loop i → j → k, so the phase
loop i → k → j runs the other way).  For electrons (q = −e), in units of a_b,
``Φ_ikj = b A_ikj`` with ``b = e B_z a_b²/ħ``.  ``Φ_abc`` is invariant under cyclic permutations of
(a, b, c) and changes sign otherwise: Φ_ikj = Φ_kji = Φ_jik = −Φ_ijk (:func:`loop_phase_sign`).

All coefficients are divided by Q_ikj of (S19), m = ħ = 1, exactly as in :mod:`theory.coefficients`.
From the first line of (S10), ``ρ̇_i/Q = −6 Im(e^{iΦ} Û_ij ρ_j Û_jk Û_ki)`` with ``Im A = (A − A†)/2i``
(S11), ``ρ_j = n_j/2 + σ·S_j``, ``ṅ_i = Tr ρ̇_i``, ``Ṡ_i = Tr(σ ρ̇_i)/2`` (:func:`first_line_rates`).
The rule that follows (:func:`flux_coefficients_from_hopping`): every coefficient is
``Re[i e^{iΦ} p Tr(...)]`` with the zero-field prefactor p and trace; the spin-vector traces are
imaginary, the others real, hence, **exactly** (all orders in β and Φ):

* ``Γ, Λ, G, W`` (S15)–(S18): ``cos Φ_ikj`` × their zero-field values — even in B;
* charge (Holstein) ``K_ikj/Q = −3 sin Φ_ikj Tr(Û_ij Û_jk Û_ki)``: ṅ_i ∋ K_ikj n_j — odd, β⁰Φ¹;
* spin–spin ``M^{μν}_ikj/Q = −3 sin Φ_ikj Tr(σ_μ Û_ij σ_ν Û_jk Û_ki)``: Ṡ^μ_i ∋ M^{μν}_ikj S^ν_j — odd,
  ``−6 sin Φ δ_μν`` at β⁰, ``−12 sin Φ [d_ij]_×`` at β¹ (a field-odd precession).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from . import coefficients as co
from . import models
from .pauli import IDENTITY, SIGMA, graded_product, su2_hopping_graded, trace

__all__ = ["PHI", "B_FLUX", "ETA", "FluxCoefficients", "FluxOrder", "real_quaternion", "dagger",
           "peierls_phase", "loop_phase", "first_line_rates", "flux_coefficients_from_hopping",
           "flux_coefficients", "flux_coefficients_by_order", "rotation_of", "spin_spin_closed_form",
           "cross_matrix", "second_line_traces", "loop_phase_sign"]

PHI = sp.Symbol("Phi", real=True)         #: loop phase Φ_ikj of the triad (i, k, j)
B_FLUX = sp.Symbol("b", real=True)        #: dimensionless flux density e B_z a_b²/ħ
ETA = sp.Symbol("eta", positive=True)     #: ħ/(J0 τ0): Hall (∝ Q) against ordinary (∝ 1/τ) rates
_X, _Y, _T = sp.symbols("x y t", real=True)


def dagger(m: sp.Matrix) -> sp.Matrix:
    """Hermitian conjugate (all symbols real)."""
    return m.conjugate().T


def real_quaternion(name: str) -> sp.Matrix:
    """``q0 − i q·σ`` with real symbols: any SU(2) element up to a positive scale (e.g. exp(−i d·σ))."""
    q = sp.symbols(f"{name}0 {name}x {name}y {name}z", real=True)
    return q[0] * IDENTITY - sp.I * (q[1] * SIGMA[0] + q[2] * SIGMA[1] + q[3] * SIGMA[2])


def cross_matrix(v) -> sp.Matrix:
    """``[v]_×`` with ``[v]_× w = v × w``."""
    return sp.Matrix([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])


# ----------------------------------------------------------------------------- Peierls phases

def vector_potential(gauge: str = "symmetric", field=B_FLUX):
    """``A(x, y)`` for a uniform B_z: ``symmetric`` (B/2)(−y, x) or ``landau`` (−B y, 0)."""
    if gauge == "symmetric":
        return (-field * _Y / 2, field * _X / 2)
    if gauge == "landau":
        return (-field * _Y, sp.S(0))
    raise ValueError(f"unknown gauge {gauge!r}")


def peierls_phase(a: str, b: str, gauge: str = "symmetric", charge=-1, field=B_FLUX) -> sp.Expr:
    """``φ_ab = q ∫_b^a A·dl`` on the straight path from site b to site a (ħ = e = a_b = 1).

    ``charge`` is q/e (−1 for electrons); with ``field`` = b = eB_z a_b²/ħ the phase is dimensionless.
    """
    (xa, ya), (xb, yb) = co.site_coordinates(a), co.site_coordinates(b)
    ax, ay = vector_potential(gauge, field)
    path = {_X: xb + _T * (xa - xb), _Y: yb + _T * (ya - yb)}
    integrand = ax.subs(path) * (xa - xb) + ay.subs(path) * (ya - yb)
    return sp.expand(charge * sp.integrate(sp.expand(integrand), (_T, 0, 1)))


def loop_phase(i: str = "i", k: str = "k", j: str = "j", **kw) -> sp.Expr:
    """``Φ_ikj = φ_ij + φ_jk + φ_ki``: the phase of the product Ĵ_ij Ĵ_jk Ĵ_ki (loop i → k → j → i)."""
    return sp.expand(peierls_phase(i, j, **kw) + peierls_phase(j, k, **kw) + peierls_phase(k, i, **kw))


# ----------------------------------------------------------------------------- coefficients

@dataclass(frozen=True)
class FluxCoefficients:
    """Triad coefficients with flux, per Q_ikj (S19), m = ħ = 1 (first line of (S10)).

    Attributes
    ----------
    K : charge, ``ṅ_i ∋ K_ikj n_j`` (Holstein's three-site Hall term)
    Lambda : 3-tuple, ``ṅ_i ∋ Λ_ikj·S_j`` (S15)
    Gamma : 3-tuple, ``Ṡ_i ∋ Γ_ikj n_j`` (S16)
    M : 3×3 ``sympy.ImmutableMatrix``, ``Ṡ^μ_i ∋ M^{μν}_ikj S^ν_j``
    sites : ``(i, k, j)``
    """

    K: sp.Expr
    Lambda: tuple
    Gamma: tuple
    M: sp.ImmutableMatrix
    sites: tuple = co.SITES

    @property
    def G(self) -> tuple:
        """(S17) with the flux rule: ``Γ/2 − Λ/8`` (the split of Γ by Eq. (7))."""
        return tuple(sp.expand(g / 2 - lam / 8) for g, lam in zip(self.Gamma, self.Lambda))

    @property
    def W(self) -> tuple:
        """(S18) with the flux rule: ``Γ/2 + Λ/8``."""
        return tuple(sp.expand(g / 2 + lam / 8) for g, lam in zip(self.Gamma, self.Lambda))

    def as_list(self) -> list:
        return [self.K, *self.Lambda, *self.Gamma, *self.M]


def _tidy(expr, trig: bool) -> sp.Expr:
    expr = sp.expand(expr)
    if not expr.has(sp.exp):
        return expr
    expr = sp.powsimp(expr, combine="exp")
    return sp.expand(expr.rewrite(sp.cos)) if trig else expr


def first_line_rates(u_ij: sp.Matrix, u_jk: sp.Matrix, u_ki: sp.Matrix, phase=None,
                     sites=co.SITES, trig: bool = True, reversed_hops=None) -> FluxCoefficients:
    """The first line of (S10) with the Peierls phase, literally: ``ρ̇_i/Q = −6 Im(e^{iΦ} Û_ij ρ_j Û_jk Û_ki)``.

    ``−(4π²/ħ) 𝒬 J_ij J_jk J_ki`` divided by Q of (S19) is −6 (m = ħ = 1).  ``phase`` is the scalar
    ``e^{iΦ}`` (default cos Φ + i sin Φ; any product of ``exp(iφ_ab)`` with real φ).  The adjoint in
    Im A = (A − A†)/2i is the conjugate transpose (all symbols real) or, with ``reversed_hops =
    (Û_ji, Û_kj, Û_ik)``, ``(e^{iΦ} Û_ij ρ Û_jk Û_ki)† = e^{−iΦ} Û_ik Û_kj ρ Û_ji`` (Û_ab† = Û_ba, ρ† = ρ).
    """
    phase = sp.cos(PHI) + sp.I * sp.sin(PHI) if phase is None else phase
    tail = u_jk * u_ki
    rates = []
    for rho in (IDENTITY / 2, *SIGMA):          # ρ_j = n_j/2 + σ·S_j: the coefficient of n_j, S^x_j, …
        prod = phase * (u_ij * rho * tail)
        if reversed_hops is None:
            adj = dagger(prod)
        else:
            u_ji, u_kj, u_ik = reversed_hops
            adj = sp.conjugate(phase) * (u_ik * u_kj * rho * u_ji)
        rate = -6 * (prod - adj) / (2 * sp.I)
        rates.append([_tidy(trace(rate), trig)] + [_tidy(trace(sig * rate) / 2, trig) for sig in SIGMA])
    return FluxCoefficients(K=rates[0][0], Lambda=tuple(rates[nu + 1][0] for nu in range(3)),
                            Gamma=tuple(rates[0][mu + 1] for mu in range(3)),
                            M=sp.ImmutableMatrix(3, 3, lambda mu, nu: rates[nu + 1][mu + 1]), sites=tuple(sites))


def flux_coefficients_from_hopping(u_ij, u_jk, u_ki, phi=PHI, sites=co.SITES) -> FluxCoefficients:
    """The flux rule: ``Re[i e^{iΦ} p Tr(...)]`` applied to the zero-field traces.

    Γ, Λ = cos Φ × (S16), (S15) of :func:`theory.coefficients.coefficients_from_hopping`;
    ``K = −3 sin Φ Tr(Û_ij Û_jk Û_ki)``; ``M^{μν} = −3 sin Φ Tr(σ_μ Û_ij σ_ν Û_jk Û_ki)``.
    """
    zero = co.coefficients_from_hopping(u_ij, u_jk, u_ki, tuple(sites))
    c, s = sp.cos(phi), sp.sin(phi)
    tail = u_jk * u_ki
    return FluxCoefficients(
        K=sp.expand(-3 * s * trace(u_ij * tail)),
        Lambda=tuple(sp.expand(c * x) for x in zero.Lambda),
        Gamma=tuple(sp.expand(c * x) for x in zero.Gamma),
        M=sp.ImmutableMatrix(3, 3, lambda mu, nu: sp.expand(-3 * s * trace(SIGMA[mu] * u_ij * SIGMA[nu] * tail))),
        sites=tuple(sites))


@dataclass(frozen=True)
class FluxOrder:
    """Degree-n parts in β: ``K_hat = K^{(n)}/(Q sin Φ)``, ``M_hat = M^{(n)}/(Q sin Φ)`` and the
    zero-field Γ^{(n)}/Q, Λ^{(n)}/Q (multiply by cos Φ for the field)."""

    order: int
    K_hat: sp.Expr
    M_hat: sp.ImmutableMatrix
    Gamma_hat: tuple
    Lambda_hat: tuple


def flux_coefficients_by_order(d_ij, d_jk, d_ki, order: int = 4, spin_order: int | None = None,
                               even_order: int | None = None) -> dict[int, FluxOrder]:
    """Homogeneous parts, degree 0 … ``order`` in the spin-rotation vectors, of the loop K, M, Γ, Λ.

    ``d_ab`` as in Eq. (4) (m = ħ = 1: d_ab = β R_ab); the phase factors sin Φ / cos Φ are exact.
    M is computed up to ``spin_order`` (default min(order, 2)) and Γ, Λ up to ``even_order``
    (default min(order, 3)); higher entries are ``None`` (they are costly for a generic β).
    """
    spin_order = min(order, 2) if spin_order is None else spin_order
    even_order = min(order, 3) if even_order is None else even_order
    u_ij, u_jk, u_ki = (su2_hopping_graded(d, order) for d in (d_ij, d_jk, d_ki))
    tail = graded_product(u_jk, u_ki, order)
    loop = graded_product(u_ij, tail, order)
    even = co.loop_coefficients_by_order(d_ij, d_jk, d_ki, max(even_order, 1)) if even_order >= 0 else {}
    out = {}
    for n in range(order + 1):
        m_hat = None
        if n <= spin_order:
            m_hat = sp.zeros(3, 3)
            for da, ma in u_ij.items():
                if n - da in tail:
                    for mu in range(3):
                        for nu in range(3):
                            m_hat[mu, nu] += trace(SIGMA[mu] * ma * SIGMA[nu] * tail[n - da])
            m_hat = sp.ImmutableMatrix(sp.expand(-3 * m_hat))
        ev = even.get(n) if n <= even_order else None
        out[n] = FluxOrder(n, sp.expand(-3 * trace(loop[n])), m_hat, ev.Gamma if ev else None,
                           ev.Lambda if ev else None)
    return out


@lru_cache(maxsize=16)
def flux_coefficients(model: models.SpinOrbitModel, order: int | None = None, sites=co.SITES,
                      origin: str | None = None, phi=PHI) -> FluxCoefficients:
    """Coefficients of the triad ``sites`` in coordinates (``x_i, y_i, …``): exact or to ``order`` in β."""
    a, b, c = sites
    if order is None:
        hop = [co.hopping_matrix(model, p, r, None, origin) for p, r in ((a, c), (c, b), (b, a))]
        return flux_coefficients_from_hopping(*hop, phi=phi, sites=sites)
    d = [model.d_vector(*co.separation(p, r, origin)) for p, r in ((a, c), (c, b), (b, a))]
    parts = flux_coefficients_by_order(*d, order=order, spin_order=order, even_order=order)
    cs, sn = sp.cos(phi), sp.sin(phi)
    tot = lambda f: sp.expand(sum(f(p) for p in parts.values()))  # noqa: E731
    return FluxCoefficients(
        K=sn * tot(lambda p: p.K_hat),
        Lambda=tuple(cs * tot(lambda p, m=m: p.Lambda_hat[m]) for m in range(3)),
        Gamma=tuple(cs * tot(lambda p, m=m: p.Gamma_hat[m]) for m in range(3)),
        M=sp.ImmutableMatrix(3, 3, lambda mu, nu: sn * tot(lambda p: p.M_hat[mu, nu])), sites=tuple(sites))


def rotation_of(u: sp.Matrix) -> sp.Matrix:
    """``R̃_λν = Tr(σ_λ u σ_ν u†)/2``: ``u (v·σ) u† = (R̃ v)·σ``; R̃ = det(u) × a rotation."""
    ud = dagger(u)
    return sp.Matrix(3, 3, lambda lam, nu: sp.expand(trace(SIGMA[lam] * u * SIGMA[nu] * ud) / 2))


def spin_spin_closed_form(u_ij, u_jk, u_ki) -> sp.Matrix:
    """``M/(Q sin Φ) = −6 (x0 𝟙 − [x]_×) R(Û_ij)`` with the loop ``Û_ij Û_jk Û_ki = x0 − i x·σ``.

    The Hall-transferred spin is rotated by the direct hop j → i (R) and by the loop (x0, x);
    returned times det(Û_ij) (= 1 in SU(2)) so that it is polynomial for unnormalised quaternions.
    """
    loop = u_ij * u_jk * u_ki
    x0 = trace(loop) / 2
    x = [sp.I * trace(sig * loop) / 2 for sig in SIGMA]
    return sp.expand(-6 * (x0 * sp.eye(3) - cross_matrix(x)) * rotation_of(u_ij))


def second_line_traces(u_ij, u_jk, u_ki, phi=PHI) -> dict:
    """Spin structure of the **second** (principal-value) line of (S10) in the field, per J³/(E_n − E_l):
    ``Re[ρ_i Re(e^{iΦ}X) − e^{iΦ} Û_ij ρ_j Û_jk Û_ki]`` with X = Û_ij Û_jk Û_ki and Re A = (A + A†)/2.

    Returns the coefficients of n_j and n_i in ṅ_i (``charge_from_nj``, ``charge_from_ni``) and in Ṡ_i
    (``spin_from_nj``, ``spin_from_ni``, 3-tuples).  Not part of the coefficients above (its phonon
    factor is a principal-value integral the paper does not give); reported because its spin parts
    are ∝ sin Φ: zero at B = 0 (the paper's "spin-independent hopping") but not in a field.
    """
    ph = sp.cos(phi) + sp.I * sp.sin(phi)
    re = lambda a: (a + dagger(a)) / 2  # noqa: E731
    loop = u_ij * u_jk * u_ki
    from_nj = re(-ph * u_ij * (IDENTITY / 2) * u_jk * u_ki)
    from_ni = re((IDENTITY / 2) * re(ph * loop))
    tidy = lambda e: sp.expand(e)  # noqa: E731
    return dict(charge_from_nj=tidy(trace(from_nj)), charge_from_ni=tidy(trace(from_ni)),
                spin_from_nj=tuple(tidy(trace(sig * from_nj) / 2) for sig in SIGMA),
                spin_from_ni=tuple(tidy(trace(sig * from_ni) / 2) for sig in SIGMA))


def loop_phase_sign(order: tuple[str, str, str], ref: tuple[str, str, str] = co.SITES) -> int:
    """+1 if the loop ``order`` is a cyclic permutation of ``ref`` (same Φ), −1 otherwise."""
    cyc = {ref, ref[1:] + ref[:1], ref[2:] + ref[:2]}
    return 1 if tuple(order) in cyc else -1
