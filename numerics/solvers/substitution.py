"""Forward reduction and back substitution with the stored fronts of :mod:`numerics.solvers.multifrontal`.

One pair of block kernels serves every solve: R right-hand sides at once (``x`` (n, R), plan positions), one
pass over the stored fronts, the rows of a front's shared structure gathered once per front (dense updates
instead of one scattered access per stored entry); per column the same operations in the same order as a
single-column pass.  Real or complex (the complex shifts of the Zeeman field) alike.

* forward reduction ``ŝ_l += (c_kl / C_k) ŝ_k``, back substitution ``S_k = (ŝ_k + Σ_l c_kl S_l) / C_k``;
* :func:`solve_zero_mean`: the solution with Σ w S = 0 for a source with Σ rhs = 0, robust at any shift
  (the root's rounding residual, see there).
"""
from __future__ import annotations

import math

import numba as nb
import numpy as np

from .supernodal import SupernodalPlan

__all__ = ["solve", "solve_block", "solve_zero_mean"]


@nb.njit(cache=True, nogil=True)
def _forward(sn_start, s_ptr, s_idx, f_ptr, fvals, cinv, x):
    """In place: forward reduction of the columns of ``x`` (n, R)."""
    nsn = sn_start.shape[0] - 1
    R = x.shape[1]
    xk = np.empty(R, x.dtype)
    buf = np.empty((max(int(np.max(s_ptr[1:] - s_ptr[:-1])) if nsn else 0, 1), R), x.dtype)
    for J in range(nsn):
        f = sn_start[J]
        b = sn_start[J + 1] - f
        s0 = s_ptr[J]
        s = s_ptr[J + 1] - s0
        w = b + s + 1
        base = f_ptr[J]
        for j in range(s):
            for c in range(R):
                buf[j, c] = x[s_idx[s0 + j], c]
        for r in range(b):
            for c in range(R):
                xk[c] = x[f + r, c] * cinv[f + r]
            row = base + r * w
            for j in range(r + 1, b):
                v = fvals[row + j]
                for c in range(R):
                    x[f + j, c] += v * xk[c]
            for j in range(s):
                v = fvals[row + b + j]
                for c in range(R):
                    buf[j, c] += v * xk[c]
        for j in range(s):
            for c in range(R):
                x[s_idx[s0 + j], c] = buf[j, c]


@nb.njit(cache=True, nogil=True)
def _backward(sn_start, s_ptr, s_idx, f_ptr, fvals, cinv, x, fix_root, root_value):
    """Back substitution of the reduced columns ``x`` (n, R); with ``fix_root`` the root (last position)
    takes ``root_value`` instead of its own equation."""
    nsn = sn_start.shape[0] - 1
    n = sn_start[nsn]
    R = x.shape[1]
    S = np.zeros_like(x)
    acc = np.empty(R, x.dtype)
    buf = np.empty((max(int(np.max(s_ptr[1:] - s_ptr[:-1])) if nsn else 0, 1), R), x.dtype)
    for J in range(nsn - 1, -1, -1):
        f = sn_start[J]
        b = sn_start[J + 1] - f
        s0 = s_ptr[J]
        s = s_ptr[J + 1] - s0
        w = b + s + 1
        base = f_ptr[J]
        for j in range(s):
            for c in range(R):
                buf[j, c] = S[s_idx[s0 + j], c]
        for r in range(b - 1, -1, -1):
            if fix_root and f + r == n - 1:
                for c in range(R):
                    S[f + r, c] = root_value
                continue
            row = base + r * w
            for c in range(R):
                acc[c] = x[f + r, c]
            for j in range(r + 1, b):
                v = fvals[row + j]
                for c in range(R):
                    acc[c] += v * S[f + j, c]
            for j in range(s):
                v = fvals[row + b + j]
                for c in range(R):
                    acc[c] += v * buf[j, c]
            for c in range(R):
                S[f + r, c] = acc[c] * cinv[f + r]
    return S


def _args(plan: SupernodalPlan, fvals, cinv):
    return plan.sn_start, plan.s_ptr, plan.s_idx, plan.f_ptr, fvals, cinv


def _dtype(*arrays):
    return np.complex128 if any(np.iscomplexobj(a) for a in arrays) else np.float64


def solve_block(plan: SupernodalPlan, fvals: np.ndarray, cinv: np.ndarray, rhs_plan: np.ndarray) -> np.ndarray:
    """(n, R) solutions for the (n, R) right-hand sides ``rhs_plan`` in plan positions (one pass)."""
    x = np.array(rhs_plan, dtype=_dtype(fvals, rhs_plan), order="C", copy=True)
    _forward(*_args(plan, fvals, cinv), x)
    return _backward(*_args(plan, fvals, cinv), x, False, 0.0)


def solve(plan: SupernodalPlan, fvals: np.ndarray, cinv: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Forward reduction and back substitution with a factorisation from
    :func:`numerics.solvers.multifrontal.factor` (``rhs`` and the result in input positions); one
    factorisation serves any number of right-hand sides."""
    b = np.asarray(rhs, _dtype(fvals, rhs))[plan.perm]
    S = solve_block(plan, fvals, cinv, b[:, None])[:, 0]
    out = np.empty_like(S)
    out[plan.perm] = S
    return out


def solve_zero_mean(plan: SupernodalPlan, fvals: np.ndarray, cinv: np.ndarray, rhs: np.ndarray,
                    weights: np.ndarray | None = None) -> np.ndarray:
    """The solution of (L + εW) S = rhs with Σ w S = 0 for a source with Σ rhs = 0 (input positions; W = 1
    without ``weights``), robust at any ε ≥ 0.

    The root (last position) is where the elimination collects the source's rounding residual
    (~1e-16 Σ|rhs|) and divides it by its pivot, which is only the collected ground ≈ Σ εw: for small ε
    that residual becomes a spurious uniform offset far above the solution itself, whose rounding then
    destroys the solution's digits (τ_s ≳ 1e28 τ0).  While that rounding bound stays below 1e-3 of the
    solution's scale the one-pass solve (the root's own equation) is kept; beyond, the root value is
    taken from Σ w S = 0, which every solution with a zero-sum source obeys — computed from the split
    S = A + σB (A: root held at 0; B: root at 1, no source, B ≥ 0) — and the back substitution is redone with
    the root held at that value (so no large offset is ever formed).  A complex factorisation (shift
    ε − i|ω|, whose root pivot is ≈ M(ε − i|ω|)) is treated alike (|1/pivot| in the test)."""
    args = _args(plan, fvals, cinv)
    x = np.array(np.asarray(rhs, _dtype(fvals, rhs))[plan.perm][:, None], order="C", copy=True)
    bsum = float(np.sum(np.abs(x)))
    _forward(*args, x)
    S = _backward(*args, x, False, 0.0)[:, 0]
    if abs(cinv[-1]) > 0 and 1.2e-16 * bsum * float(abs(cinv[-1])) > 1e-3 * float(np.max(np.abs(S))):
        wp = np.ones(plan.n) if weights is None else np.asarray(weights, np.float64)[plan.perm]
        A = _backward(*args, x, True, 0.0)[:, 0]
        B = _backward(*args, np.zeros_like(x), True, 1.0)[:, 0]
        S = _backward(*args, x, True, -_fsum(wp * A) / _fsum(wp * B))[:, 0]
    out = np.empty_like(S)
    out[plan.perm] = S
    return out


def _fsum(v: np.ndarray):
    """Exactly rounded sum (real and imaginary parts apart for a complex array)."""
    if np.iscomplexobj(v):
        return complex(math.fsum(v.real), math.fsum(v.imag))
    return math.fsum(v)
