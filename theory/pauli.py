"""Spin algebra: Pauli matrices and the SU(2) hopping factor of Eq. (4).

Plain ``sympy.Matrix`` objects are used throughout (not ``sympy.physics.paulialgebra``,
which leaves products unevaluated and has no trace).
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

__all__ = [
    "IDENTITY",
    "SIGMA",
    "sigma_dot",
    "su2_hopping",
    "su2_hopping_graded",
    "graded_product",
    "spin_vector_of",
    "trace",
    "quaternion",
    "dagger",
    "is_quaternion_form",
]

IDENTITY = sp.eye(2)
SIGMA = (
    sp.Matrix([[0, 1], [1, 0]]),
    sp.Matrix([[0, -sp.I], [sp.I, 0]]),
    sp.Matrix([[1, 0], [0, -1]]),
)


def sigma_dot(d: Sequence[sp.Expr]) -> sp.Matrix:
    """Return ``d · σ`` for a 3-component vector ``d``."""
    return d[0] * SIGMA[0] + d[1] * SIGMA[1] + d[2] * SIGMA[2]


def su2_hopping(d: Sequence[sp.Expr]) -> sp.Matrix:
    """Exact spin factor of the hopping amplitude, Eq. (4): ``exp(−i d·σ)``.

    Uses ``exp(−i d·σ) = cos|d| · 1 − i sin|d| (d·σ)/|d|``.  ``sin|d|/|d|`` is an entire
    function of |d|², so the form is regular as d → 0 (its limit is the identity, tested);
    an exactly zero d returns the identity directly.  Substituting 0 into a symbolic result
    gives 0/0 in SymPy: take the limit, or call this function with the numeric d instead.

    Parameters
    ----------
    d : sequence of 3 sympy expressions
        The spin-rotation vector ``d_ij = m β R_ij / ħ²`` (dimensionless).

    Returns
    -------
    sympy.Matrix
        The 2×2 unitary matrix ``exp(−i d·σ)``.
    """
    q = sp.expand(d[0] ** 2 + d[1] ** 2 + d[2] ** 2)
    if q == 0:
        return IDENTITY.copy()
    norm = sp.sqrt(q)
    return sp.cos(norm) * IDENTITY - sp.I * sp.sin(norm) / norm * sigma_dot(d)




def su2_hopping_graded(d: Sequence[sp.Expr], order: int) -> dict[int, sp.Matrix]:
    """Homogeneous parts of ``exp(−i d·σ)`` by degree in d, up to ``order``.

    Returns ``{n: U_n}`` with ``U_n = (−i d·σ)^n / n!`` written via ``(d·σ)² = |d|²``:
    even n give ``(−1)^{n/2}|d|^n/n! · 1``, odd n give ``−i(−1)^{(n−1)/2}|d|^{n−1}/n! · d·σ``.
    Multiplying graded parts degree by degree (:func:`graded_product`) never forms the
    discarded higher orders, which keeps third-order expansions for a general β fast.
    """
    q = d[0] ** 2 + d[1] ** 2 + d[2] ** 2
    parts = {}
    for n in range(order + 1):
        if n % 2 == 0:
            parts[n] = (-1) ** (n // 2) * q ** (n // 2) / sp.factorial(n) * IDENTITY
        else:
            parts[n] = -sp.I * (-1) ** ((n - 1) // 2) * q ** ((n - 1) // 2) / sp.factorial(n) * sigma_dot(d)
    return parts


def graded_product(a: dict[int, sp.Matrix], b: dict[int, sp.Matrix], order: int) -> dict[int, sp.Matrix]:
    """Product of two graded matrices truncated at total degree ``order``."""
    out: dict[int, sp.Matrix] = {}
    for da, ma in a.items():
        for db, mb in b.items():
            if da + db <= order:
                term = ma * mb
                out[da + db] = out[da + db] + term if da + db in out else term
    return out


def trace(m: sp.Matrix) -> sp.Expr:
    """Matrix trace."""
    return m[0, 0] + m[1, 1]


def spin_vector_of(products: Sequence[sp.Matrix]) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """Return ``(Tr(σ_x M), Tr(σ_y M), Tr(σ_z M))`` for the product M of ``products``."""
    m = products[0]
    for p in products[1:]:
        m = m * p
    return tuple(trace(s * m) for s in SIGMA)


def quaternion(name: str) -> sp.Matrix:
    """A general real-quaternion 2×2 matrix ``q0 − i q·σ`` with real symbols ``{name}0, {name}x, …``.

    Every SU(2) element (normalised or not) has this form, in particular every exact hopping factor
    ``exp(−i d·σ) = cos|d| − i (sin|d|/|d|) d·σ`` (:func:`is_quaternion_form`): an identity of these
    matrices holds to all orders in d for any β.
    """
    q = sp.symbols(f"{name}0 {name}x {name}y {name}z", real=True)
    return q[0] * IDENTITY - sp.I * (q[1] * SIGMA[0] + q[2] * SIGMA[1] + q[3] * SIGMA[2])


def dagger(m: sp.Matrix) -> sp.Matrix:
    """Hermitian conjugate."""
    return m.conjugate().T


def is_quaternion_form(u: sp.Matrix) -> bool:
    """True if ``u = q0 − i q·σ`` with real q0, q (its coefficients ``Tr(u)/2`` and ``i Tr(σ u)/2`` are real)."""
    coeffs = [trace(u) / 2] + [sp.I * trace(s * u) / 2 for s in SIGMA]
    return all(sp.simplify(sp.im(sp.expand(c))) == 0 for c in coeffs)
