"""Vector algebra of the Zeeman problem (numpy, no SymPy): the channel lift, the Bloch inverse, KKM.

Conventions of ``theory/zeeman.py`` (derived in ``derivations/d10_zeeman.py``): ω = Ω_L τ0 is the Larmor
vector, Ṡ = Ω_L × S; b̂ = ω/|ω|.  A field driven by a source ``v b_i`` (v a fixed 3-vector, b_i a
scalar per site) is, with ``T_∥ = (𝓛 + ε)⁻¹ b`` and ``T_⊥ = (𝓛 + ε − i|ω|)⁻¹ b``,

    (𝓛 + ε − ω×)⁻¹ (v b) = (v·b̂) b̂ T_∥ + v_⊥ Re T_⊥ + (b̂ × v) Im T_⊥          (item 6 of d10)

— :func:`lift`, linear in the two channels, so it also maps their moments (any real-linear functional
of T).  Multiplying by (ε − ω×) maps the channels to ``ε T_∥`` and ``(ε − i|ω|) T_⊥`` (item 8).
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["cross_matrix", "unit_or_none", "lift", "project", "bloch_solve", "kkm", "field_basis"]


def cross_matrix(v) -> np.ndarray:
    """[v]_× with [v]_× x = v × x."""
    x, y, z = (float(c) for c in v)
    return np.array([[0.0, -z, y], [z, 0.0, -x], [-y, x, 0.0]])


def unit_or_none(omega) -> tuple[np.ndarray | None, float]:
    """(b̂, |ω|) of a Larmor vector; b̂ is None for ω = 0."""
    omega = np.asarray(omega, dtype=float)
    w = float(np.linalg.norm(omega))
    return (None, 0.0) if w == 0.0 else (omega / w, w)


def field_basis(bhat, v) -> tuple[float, np.ndarray, np.ndarray]:
    """(v·b̂, v_⊥, b̂ × v) — the three coefficients of :func:`lift` (v_⊥ = v, b̂ × v = 0 for b̂ None)."""
    v = np.asarray(v, dtype=float)
    if bhat is None:
        return 0.0, v.copy(), np.zeros(3)
    par = float(v @ bhat)
    return par, v - par * bhat, np.cross(bhat, v)


def lift(v, bhat, par, perp) -> np.ndarray:
    """``(v·b̂) b̂ ⊗ par + v_⊥ ⊗ Re perp + (b̂ × v) ⊗ Im perp`` (shape (3,) + par.shape).

    ``par``: the real channel's value (a number or array, e.g. a moment), ``perp``: the complex one.
    For ω = 0 (``bhat`` None) both channels coincide and the result is ``v ⊗ perp.real``.
    """
    par = np.asarray(par, dtype=float)
    perp = np.asarray(perp, dtype=complex)
    c_par, v_perp, b_x_v = field_basis(bhat, v)
    out = np.multiply.outer(v_perp, perp.real) + np.multiply.outer(b_x_v, perp.imag)
    if bhat is not None:
        out += np.multiply.outer(c_par * bhat, par)
    return out


def project(u, v, bhat, par, perp):
    """``u · lift(v, …)`` = (u·b̂)(v·b̂) par + (u_⊥·v_⊥) Re perp + u·(b̂ × v) Im perp (real-linear)."""
    u = np.asarray(u, dtype=float)
    c_par, v_perp, b_x_v = field_basis(bhat, v)
    par_term = 0.0 if bhat is None else float(u @ bhat) * c_par * np.asarray(par, dtype=float)
    return par_term + float(u @ v_perp) * np.real(perp) + float(u @ b_x_v) * np.imag(perp)


def bloch_solve(eps: float, omega, r) -> np.ndarray:
    """ε (ε − ω×)⁻¹ r = (ε² r + ω(ω·r) + ε ω × r)/(ε² + |ω|²) for r of shape (3, …).

    The CISP in the normalisation of f from the total generation r (item 5 of d10).  Limits: ε = ∞ → r;
    ε = 0, ω ≠ 0 → b̂(b̂·r); ε = 0 = ω → r (the limit ε → 0 at ω = 0).  Evaluated with the ratio of the
    smaller to the larger of ε, |ω| (no overflow at any scale).
    """
    r = np.asarray(r, dtype=float)
    bhat, w = unit_or_none(omega)
    if bhat is None or math.isinf(eps):
        return r.copy()
    dot = np.tensordot(bhat, r, axes=(0, 0))
    cross = np.cross(bhat, r, axis=0) if r.ndim > 1 else np.cross(bhat, r)
    bb = np.multiply.outer(bhat, dot)
    if eps >= w:
        q = w / eps                                    # ω/ε = q b̂
        return (r + q * q * bb + q * cross) / (1.0 + q * q)
    q = eps / w                                        # ε/|ω|
    return (q * q * r + bb + q * cross) / (q * q + 1.0)


def kkm(beta, current) -> np.ndarray:
    """Generalised KKM (10): ``Σ_ν (β ê_ν) × (J ê_ν)`` for J (3, 2, …) indexed (spin, flow direction, …).

    In the normalisation where the zero-field spin current is ĉ ⊗ u (``numerics.response``), this is
    the code's ``(β u) × ĉ``; the theory's form carries a factor 2 with J unnormalised (d10 item 8).
    """
    beta = np.asarray(beta, dtype=float).reshape(3, 2)
    current = np.asarray(current, dtype=float)
    out = np.zeros((3,) + current.shape[2:])
    for nu in range(2):
        out += np.cross(beta[:, nu], current[:, nu], axisa=0, axisb=0, axisc=0) if current.ndim > 2 \
            else np.cross(beta[:, nu], current[:, nu])
    return out
