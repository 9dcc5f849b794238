"""In-plane vector helpers shared by the symbolic layer and the derivations (SymPy)."""

from __future__ import annotations

import sympy as sp

__all__ = ["cross_z", "z_cross"]


def cross_z(u, v) -> sp.Expr:
    """z component of the cross product of two in-plane vectors, ``(u × v)_z = u_x v_y − u_y v_x``."""
    return u[0] * v[1] - u[1] * v[0]


def z_cross(v) -> sp.Matrix:
    """``ẑ × v`` for a 3-vector: ``(−v_y, v_x, 0)`` (the result lies in the plane)."""
    return sp.Matrix([-v[1], v[0], 0])
