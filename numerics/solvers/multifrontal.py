"""Supernodal multifrontal subtraction-free elimination of (L + εI) with dense fronts.

The same GTH arithmetic as :mod:`numerics.solvers.gth` (eliminating k adds c_kl c_km / C_k to the
conductance (l, m) and c_kl γ_k / C_k to the ground conductance γ_l, with the pivot
C_k = Σ_l c_kl + γ_k formed as a sum of positive numbers), organised so that almost all the
work is dense matrix products (BLAS-3) instead of one sparse row update per arm:

* **Symbolic** (once per network, independent of ε; :mod:`numerics.solvers.supernodal`): the
  METIS-ordered factor pattern is split
  into supernodes (runs of consecutive pivots whose rows share one structure, plus relaxed
  amalgamation of small ones); the front of a supernode is its pivots followed by that shared
  structure.
* **Numeric** (per ε): for each supernode in elimination order, the front
  F (n_f × (n_f + 1), last column = ground) is assembled from the original conductances, ε on
  the pivot rows and the children's update matrices (extend-add); the pivots are eliminated
  in blocks of :data:`BLOCK` — inside a block row by row (rank-1 updates of the block rows),
  then the trailing part is updated at once by ``X^T diag(1/C) X`` where X holds the block
  rows.  Every entry of X is a (reduced) conductance ≥ 0, so the product is a sum of positive
  terms: **no subtraction anywhere**, the same few-ulp bound per reduced conductance as the
  one-pivot-at-a-time engine, whatever the contrast.  Only the upper triangle and the ground
  column of a front are meaningful; the diagonal is never stored (pivots are row sums).
* **Solve** (:mod:`numerics.solvers.substitution`): forward reduction ``ŝ_l += (c_kl / C_k) ŝ_k`` and back substitution
  ``S_k = (ŝ_k + Σ_l c_kl S_l) / C_k`` with the stored pivot rows (potentials only; bond
  differences are not back-propagated — the spin response needs Σ_i R_i S_i, Eq. (12)).

ε = 0 (no ground): the last position is the reference node (its pivot is exactly 0 and its
inverse is stored as 0, so its potential is 0); any other vanishing pivot means a disconnected
network and is reported.

**Complex ground** (the Zeeman field, ``numerics.field``): the same kernels, compiled by numba for
complex128 when ``ground`` is complex (ε − i|ω| on every node; ``zgemm`` for the dense updates).  The
pivot test is :func:`_pivot_ok` (Re C_k > 0; for float64 it is the old ``C_k > 0`` bit for bit).  The
reduced conductances then become complex and the elimination is no longer subtraction-free; its
accuracy is the subject of ``numerics/field/complex_shift.py`` (a-posteriori backward error on every
solve, the Ostrowski comparison bound |(L + ε − iω)⁻¹| ≤ (L + ε)⁻¹, a 60-digit comparison in the tests).
"""
from __future__ import annotations


import numba as nb
import numpy as np

from hopspin.errors import DisconnectedNetworkError

from .blas import DGEMM, ZGEMM, N as _N, T as _T, gemm as _gemm
from .substitution import solve, solve_zero_mean
from .supernodal import SupernodalPlan

__all__ = ["factor", "factor_solve", "solve", "solve_zero_mean", "BLOCK", "PANEL", "GEMM_MIN"]

#: pivots eliminated together before one dense trailing update (X^T diag(1/C) X)
BLOCK = 64
#: column panel of the symmetric trailing update (only the upper triangle is formed)
PANEL = 256
#: below this many multiply-adds a trailing update is done with plain loops instead of BLAS
GEMM_MIN = 4096


@nb.njit(cache=True, nogil=True, inline="always")
def _pivot_ok(tot):
    """The pivot C_k = Σ_l c_kl + γ_k is usable: C_k > 0 (real), Re C_k > 0 (complex ground ε − iw: C_k is
    1/[(A_S)⁻¹]_kk for the principal block A_S of the nodes eliminated so far plus k, a sum Σ v_n²/(μ_n + ε − iw)
    with μ_n ≥ 0, hence Re C_k > 0 for a connected network, ε = 0 included)."""
    return tot.real > 0.0


@nb.njit(cache=True, nogil=True)
def _factor(sn_start, s_ptr, s_idx, rel, c_ptr, c_list, e_ptr, e_off, e_g, ground, f_ptr, fvals, cinv,
            block, gemm_min, stack_size, max_front, dgemm, tn, tt, panel):
    """Numeric multifrontal GTH elimination with ``ground[k]`` the conductance from position k
    to the ground node (ε for the spin problem).  Fills ``fvals`` (pivot rows of every front,
    last column = reduced ground conductance) and ``cinv`` (1/C_k; 0 for a reference node: the
    last position when its pivot vanishes).  Returns -1, or the position of a vanishing pivot
    (disconnected network).  Update matrices (upper triangle + ground column) live on one
    stack (the supernodes are in postorder); the front is a reused workspace."""
    nsn = sn_start.shape[0] - 1
    n = sn_start[nsn]
    stack = np.empty(max(stack_size, 1), ground.dtype)
    u_off = np.zeros(nsn, np.int64)
    work = np.empty(max(max_front, 1), ground.dtype)
    sp = 0
    for J in range(nsn):
        f = sn_start[J]
        b = sn_start[J + 1] - f
        s = s_ptr[J + 1] - s_ptr[J]
        nf = b + s
        w = nf + 1
        Ff = work[:nf * w]
        Ff[:] = 0.0
        F = Ff.reshape((nf, w))
        for q in range(e_ptr[J], e_ptr[J + 1]):
            Ff[e_off[q]] += e_g[q]
        for i in range(b):
            F[i, nf] += ground[f + i]
        lo = sp
        for q in range(c_ptr[J], c_ptr[J + 1]):
            c = c_list[q]
            r0 = s_ptr[c]
            sc = s_ptr[c + 1] - r0
            base = u_off[c]
            lo = min(lo, base)
            for i in range(sc):
                ri = rel[r0 + i]
                row = base + i * (sc + 1)
                for j in range(i + 1, sc):
                    F[ri, rel[r0 + j]] += stack[row + j]
                F[ri, nf] += stack[row + sc]
        sp = lo                              # the children's matrices were the top of the stack
        for k0 in range(0, b, block):
            k1 = min(b, k0 + block)
            for k in range(k0, k1):
                tot = 0.0
                for j in range(k + 1, w):
                    tot += F[k, j]
                if _pivot_ok(tot):
                    inv = 1.0 / tot
                elif f + k == n - 1:
                    inv = 0.0      # ε = 0: reference node
                else:
                    return f + k
                cinv[f + k] = inv
                for i in range(k + 1, k1):
                    a = F[k, i] * inv
                    if a != 0.0:
                        for j in range(i + 1, w):
                            F[i, j] += a * F[k, j]
            m = nf - k1
            kb = k1 - k0
            if m <= 0:
                continue
            if kb * m * m < gemm_min:
                for k in range(k0, k1):
                    inv = cinv[f + k]
                    for i in range(m):
                        a = F[k, k1 + i] * inv
                        if a != 0.0:
                            for j in range(i + 1, m + 1):
                                F[k1 + i, k1 + j] += a * F[k, k1 + j]
            else:
                # F[k1:, k1:] += X^T Y in place (X = block rows, Y = X diag(1/C) incl. ground), i.e.
                # column-major C' += Y' X'^T; the lower triangle it also fills is never read
                Y = np.empty((kb, m + 1), ground.dtype)
                for k in range(kb):
                    inv = cinv[f + k0 + k]
                    for j in range(m + 1):
                        Y[k, j] = F[k0 + k, k1 + j] * inv
                Yf = Y.reshape(kb * (m + 1))
                # only the upper triangle (+ ground column) is needed: column panels of C' from the
                # diagonal down (about half the multiply-adds of the full square for large m)
                for i0 in range(0, m, panel):
                    i1 = min(m, i0 + panel)
                    _gemm(dgemm, tn, tt, m + 1 - i0, i1 - i0, kb, Yf[i0:], m + 1,
                          Ff[k0 * w + k1 + i0:], w, 1.0, Ff[(k1 + i0) * w + k1 + i0:], w)
        if s > 0:
            u_off[J] = sp
            for i in range(s):
                row = sp + i * (s + 1)
                for j in range(i + 1, s + 1):
                    stack[row + j] = F[b + i, b + j]
            sp += s * (s + 1)
        fvals[f_ptr[J]:f_ptr[J] + b * w] = Ff[:b * w]
    return -1


def _dtype(*arrays):
    return np.complex128 if any(np.iscomplexobj(a) for a in arrays) else np.float64


def factor(plan: SupernodalPlan, edge_g: np.ndarray, ground: np.ndarray, block: int = BLOCK,
           gemm_min: int = GEMM_MIN, panel: int = PANEL) -> tuple[np.ndarray, np.ndarray]:
    """Numeric factorisation: (stored fronts, 1/pivots in plan positions).  ``ground`` (input
    positions) are the conductances to the ground node; a complex ``ground`` (Re > 0) gives a complex
    factorisation (the complex-shift solves of the Zeeman field).  Raises
    :class:`hopspin.errors.DisconnectedNetworkError` for a disconnected network.  ``block``,
    ``gemm_min`` and ``panel`` only change the summation order (tests)."""
    dtype = _dtype(ground)
    fvals = np.empty(plan.stored, dtype)
    cinv = np.empty(plan.n, dtype)
    e_g = np.ascontiguousarray(np.asarray(edge_g, np.float64)[plan.e_perm])
    gr = np.ascontiguousarray(np.asarray(ground, dtype)[plan.perm])
    bad = _factor(plan.sn_start, plan.s_ptr, plan.s_idx, plan.rel, plan.c_ptr, plan.c_list,
                  plan.e_ptr, plan.e_off, e_g, gr, plan.f_ptr, fvals, cinv, int(block), int(gemm_min),
                  plan.stack_size, plan.max_front, ZGEMM if dtype is np.complex128 else DGEMM, _N, _T, int(panel))
    if bad >= 0:
        raise DisconnectedNetworkError(f"vanishing pivot at position {plan.perm[bad]}: the network is disconnected")
    return fvals, cinv


def factor_solve(plan: SupernodalPlan, edge_g: np.ndarray, eps: float, rhs: np.ndarray,
                 block: int = BLOCK, gemm_min: int = GEMM_MIN, panel: int = PANEL) -> np.ndarray:
    """Solve (L + εI) S = rhs (input positions; L: conductances ``edge_g`` of the edges given
    to :func:`numerics.solvers.supernodal.supernodal_plan`).  For ε = 0 the last position of the
    postorder (the root, which is the last input position for a connected pattern) is the reference
    (S = 0 there; the caller fixes the constant).  Raises
    :class:`hopspin.errors.DisconnectedNetworkError` for a disconnected network.  ``block``,
    ``gemm_min`` and ``panel`` only change the summation order (tests)."""
    fvals, cinv = factor(plan, edge_g, np.full(plan.n, float(eps)), block, gemm_min, panel)
    return solve(plan, fvals, cinv, rhs)
