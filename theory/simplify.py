"""Deciding whether a SymPy expression (or matrix) is identically zero."""

from __future__ import annotations

from collections.abc import Iterable

import sympy as sp

__all__ = ["is_zero", "all_zero"]


def is_zero(expr) -> bool:
    """True if ``expr`` (an expression or a matrix) reduces to zero: ``expand`` first, ``simplify`` only if needed."""
    expr = sp.sympify(expr)
    if isinstance(expr, sp.MatrixBase):
        return all(is_zero(e) for e in expr)
    expr = sp.expand(expr)
    if expr == 0:
        return True
    return sp.simplify(expr) == 0


def all_zero(exprs: Iterable) -> bool:
    """True if every expression of ``exprs`` reduces to zero."""
    return all(is_zero(e) for e in exprs)
