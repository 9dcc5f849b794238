"""Deciding whether a SymPy expression (or matrix) is identically zero."""

from __future__ import annotations

from collections.abc import Iterable

import sympy as sp

__all__ = ["is_zero", "all_zero", "exp_rational_zero"]


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


def _monomial(arg):
    """``exp(Σ c_v v + k) → e^k Π X_v^{c_v}`` with X_v = e^v positive symbols (exp is a homomorphism)."""
    out = sp.S(1)
    for term in sp.Add.make_args(sp.expand(arg)):
        coeff, rest = term.as_coeff_Mul()
        if rest == 1:
            out *= sp.exp(coeff)
        elif rest.is_Symbol:
            out *= sp.Symbol(f"X_{rest.name}", positive=True) ** coeff
        else:
            return sp.exp(arg)
    return out


def exp_rational_zero(x) -> bool:
    """Zero as a rational function once every exponential of a linear form is a monomial in X_v = e^v."""
    return sp.cancel(sp.together(sp.sympify(x).replace(sp.exp, _monomial))) == 0
