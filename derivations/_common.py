"""Symbolic building blocks shared by the derivations (thin, cached wrappers of ``theory``).

The exact (all-orders) coefficients of a generic 3×2 β take a few seconds each; several
derivations need the same ones, so they are memoised here for the lifetime of the process.
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from theory import coefficients as co
from theory.checks import BXY, BYX, MODEL_001, MODEL_GENERIC
from theory.vectors import cross_z

__all__ = ["BXY", "BYX", "MODEL_001", "MODEL_GENERIC", "coefficients", "coefficients_by_order",
           "beta_r", "cross_z"]


@lru_cache(maxsize=None)
def coefficients(model, order, sites=co.SITES, origin=None) -> co.KineticCoefficients:
    """Cached :func:`theory.coefficients.triad_coefficients` (divided by Q of (S19), m = ħ = 1)."""
    return co.triad_coefficients(model, order, tuple(sites), origin)


def coefficients_by_order(model, order=3, sites=co.SITES, origin=None):
    """:func:`theory.coefficients.triad_coefficients_by_order` (already cached in ``theory``)."""
    return co.triad_coefficients_by_order(model, order, tuple(sites), origin)


def beta_r(model, r) -> sp.Matrix:
    """``β R`` for an in-plane vector ``R`` (a 3-vector: spin components x, y, z)."""
    return model.beta * sp.Matrix(list(r))


