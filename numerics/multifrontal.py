"""Supernodal multifrontal subtraction-free elimination of (L + εI) with dense fronts.

The same GTH arithmetic as :mod:`numerics.laplacian` (eliminating k adds c_kl c_km / C_k to the
conductance (l, m) and c_kl γ_k / C_k to the ground conductance γ_l, with the pivot
C_k = Σ_l c_kl + γ_k formed as a sum of positive numbers), organised so that almost all the
work is dense matrix products (BLAS-3) instead of one sparse row update per arm:

* **Symbolic** (once per network, independent of ε): the METIS-ordered factor pattern is split
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
* **Solve**: forward reduction ``ŝ_l += (c_kl / C_k) ŝ_k`` and back substitution
  ``S_k = (ŝ_k + Σ_l c_kl S_l) / C_k`` with the stored pivot rows (potentials only; bond
  differences are not back-propagated — the spin response needs Σ_i R_i S_i, Eq. (12)).

ε = 0 (no ground): the last position is the reference node (its pivot is exactly 0 and its
inverse is stored as 0, so its potential is 0); any other vanishing pivot means a disconnected
network and is reported.
"""
from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

__all__ = ["SupernodalPlan", "supernodal_plan", "factor_solve", "BLOCK", "GEMM_MIN"]

#: pivots eliminated together before one dense trailing update (X^T diag(1/C) X)
BLOCK = 64
#: below this many multiply-adds a trailing update is done with plain loops instead of BLAS
GEMM_MIN = 4096


@dataclass(frozen=True)
class SupernodalPlan:
    """Shift-independent part of the multifrontal elimination (positions = elimination order)."""

    n: int
    sn_start: np.ndarray   # (nsn + 1,) first position of each supernode
    s_ptr: np.ndarray      # (nsn + 1,) offsets into s_idx
    s_idx: np.ndarray      # non-pivot front structure of each supernode (positions, ascending)
    rel: np.ndarray        # for each s_idx entry: its row in the parent's front
    c_ptr: np.ndarray      # (nsn + 1,) children of each supernode, offsets into c_list
    c_list: np.ndarray
    e_ptr: np.ndarray      # (nsn + 1,) original edges grouped by supernode
    e_off: np.ndarray      # flat offset of each edge inside its front (row * (n_f + 1) + col)
    e_perm: np.ndarray     # edge order: e_g[e_perm] are the conductances in e_off order
    f_ptr: np.ndarray      # (nsn + 1,) offsets of the stored pivot rows (b × (n_f + 1) each)

    @property
    def supernodes(self) -> int:
        return int(self.sn_start.shape[0] - 1)

    @property
    def stored(self) -> int:
        """Stored factor entries (pivot rows of every front)."""
        return int(self.f_ptr[-1])

    def flops(self) -> float:
        """Multiply-adds of one numeric factorisation (dense trailing updates, full squares)."""
        b = np.diff(self.sn_start).astype(float)
        s = np.diff(self.s_ptr).astype(float)
        nf = b + s
        return float(np.sum(b * nf * (nf + 1)) - np.sum(b * b * nf) + np.sum(b ** 3) / 3)


@nb.njit(cache=True)
def _fundamental_starts(ptr, idx, n):
    """Start positions of the fundamental supernodes (struct(k) = {k+1} ∪ struct(k+1))."""
    starts = np.empty(n + 1, np.int64)
    m = 0
    starts[m] = 0
    m += 1
    for k in range(n - 1):
        ck = ptr[k + 1] - ptr[k]
        ck1 = ptr[k + 2] - ptr[k + 1]
        if ck > 0 and idx[ptr[k]] == k + 1 and ck == ck1 + 1:
            continue
        starts[m] = k + 1
        m += 1
    starts[m] = n
    return starts[:m + 1].copy()


@nb.njit(cache=True)
def _relax(starts, ptr, idx, n, relax_pivots, relax_zeros):
    """Relaxed amalgamation: merge a supernode into the next one when it is the etree child of
    the next one's first pivot and either both are small (≤ relax_pivots pivots together) or
    the explicit zeros added stay below ``relax_zeros`` of the merged pivot rows."""
    nsn = starts.shape[0] - 1
    keep = np.ones(nsn + 1, np.bool_)
    # cur_* describe the (possibly already merged) supernode ending just before starts[j+1]
    cur_first = starts[0]
    cur_zeros = 0.0
    for j in range(nsn - 1):
        last = starts[j + 1] - 1
        nxt_first = starts[j + 1]
        nxt_last = starts[j + 2] - 1
        if ptr[last + 1] - ptr[last] == 0 or idx[ptr[last]] != nxt_first:
            cur_first = nxt_first
            cur_zeros = 0.0
            continue
        b1 = nxt_first - cur_first
        b2 = nxt_last + 1 - nxt_first
        s2 = ptr[nxt_last + 1] - ptr[nxt_last]
        s1 = ptr[last + 1] - ptr[last]           # structure of the current block's last pivot
        nf_merged = b1 + b2 + s2
        # entries the current block's rows gain by extending to the merged front
        added = b1 * (nf_merged - (b1 + s1))
        total = b1 * nf_merged + b2 * (b2 + s2)
        zeros = cur_zeros + added
        if (b1 + b2 <= relax_pivots) or (zeros <= relax_zeros * total):
            keep[j + 1] = False
            cur_zeros = zeros
        else:
            cur_first = nxt_first
            cur_zeros = 0.0
    out = np.empty(nsn + 1, np.int64)
    m = 0
    for j in range(nsn + 1):
        if keep[j]:
            out[m] = starts[j]
            m += 1
    return out[:m].copy()


@nb.njit(cache=True)
def _plan_arrays(starts, ptr, idx, n, ea, eb):
    nsn = starts.shape[0] - 1
    sn_of = np.empty(n, np.int64)
    for j in range(nsn):
        for k in range(starts[j], starts[j + 1]):
            sn_of[k] = j
    s_ptr = np.zeros(nsn + 1, np.int64)
    for j in range(nsn):
        last = starts[j + 1] - 1
        s_ptr[j + 1] = s_ptr[j] + (ptr[last + 1] - ptr[last])
    s_idx = np.empty(s_ptr[nsn], np.int64)
    parent = np.full(nsn, -1, np.int64)
    for j in range(nsn):
        last = starts[j + 1] - 1
        s_idx[s_ptr[j]:s_ptr[j + 1]] = idx[ptr[last]:ptr[last + 1]]
        if ptr[last + 1] > ptr[last]:
            parent[j] = sn_of[idx[ptr[last]]]
    # rows of each structure entry in the parent's front
    rel = np.empty(s_ptr[nsn], np.int64)
    for j in range(nsn):
        p = parent[j]
        if p < 0:
            continue
        pf = starts[p]
        pl = starts[p + 1]
        bp = pl - pf
        ps = s_idx[s_ptr[p]:s_ptr[p + 1]]
        for t in range(s_ptr[j], s_ptr[j + 1]):
            x = s_idx[t]
            if x < pl:
                rel[t] = x - pf
            else:
                rel[t] = bp + np.searchsorted(ps, x)
    # children lists
    cnt = np.zeros(nsn + 1, np.int64)
    for j in range(nsn):
        if parent[j] >= 0:
            cnt[parent[j] + 1] += 1
    c_ptr = np.cumsum(cnt)
    c_list = np.empty(c_ptr[nsn], np.int64)
    fill = c_ptr[:nsn].copy()
    for j in range(nsn):
        p = parent[j]
        if p >= 0:
            c_list[fill[p]] = j
            fill[p] += 1
    # original edges (ea < eb, positions) -> flat offset in the front of ea's supernode
    m = ea.shape[0]
    esn = np.empty(m, np.int64)
    for t in range(m):
        esn[t] = sn_of[ea[t]]
    e_perm = np.argsort(esn, kind="mergesort")
    e_ptr = np.zeros(nsn + 1, np.int64)
    for t in range(m):
        e_ptr[esn[t] + 1] += 1
    e_ptr = np.cumsum(e_ptr)
    e_off = np.empty(m, np.int64)
    for q in range(m):
        t = e_perm[q]
        j = esn[t]
        f = starts[j]
        l = starts[j + 1]
        b = l - f
        nf = b + s_ptr[j + 1] - s_ptr[j]
        row = ea[t] - f
        x = eb[t]
        if x < l:
            col = x - f
        else:
            col = b + np.searchsorted(s_idx[s_ptr[j]:s_ptr[j + 1]], x)
        e_off[q] = row * (nf + 1) + col
    f_ptr = np.zeros(nsn + 1, np.int64)
    for j in range(nsn):
        b = starts[j + 1] - starts[j]
        nf = b + s_ptr[j + 1] - s_ptr[j]
        f_ptr[j + 1] = f_ptr[j] + b * (nf + 1)
    return s_ptr, s_idx, rel, c_ptr, c_list, e_ptr, e_off, e_perm, f_ptr


def supernodal_plan(ptr: np.ndarray, idx: np.ndarray, n: int, edge_a: np.ndarray, edge_b: np.ndarray,
                    relax_pivots: int = 16, relax_zeros: float = 0.05) -> SupernodalPlan:
    """Supernodes and front maps of the factor pattern (``ptr``, ``idx``: structure of row k,
    positions > k, as from ``numerics.laplacian._symbolic``) for original edges
    ``edge_a < edge_b`` (positions)."""
    starts = _fundamental_starts(ptr, idx, n)
    if relax_pivots > 1 or relax_zeros > 0:
        starts = _relax(starts, ptr, idx, n, int(relax_pivots), float(relax_zeros))
    ea = np.ascontiguousarray(edge_a, np.int64)
    eb = np.ascontiguousarray(edge_b, np.int64)
    if np.any(ea >= eb):
        raise ValueError("edges must be given as position pairs a < b")
    s_ptr, s_idx, rel, c_ptr, c_list, e_ptr, e_off, e_perm, f_ptr = _plan_arrays(starts, ptr, idx, n, ea, eb)
    return SupernodalPlan(n=n, sn_start=starts, s_ptr=s_ptr, s_idx=s_idx, rel=rel, c_ptr=c_ptr,
                          c_list=c_list, e_ptr=e_ptr, e_off=e_off, e_perm=e_perm, f_ptr=f_ptr)


@nb.njit(cache=True, nogil=True)
def _factor(sn_start, s_ptr, s_idx, rel, c_ptr, c_list, e_ptr, e_off, e_g, eps, f_ptr, fvals, cinv,
            block, gemm_min):
    """Numeric multifrontal GTH elimination at shift eps.  Fills ``fvals`` (pivot rows of every
    front) and ``cinv`` (1/C_k, 0 for the ε = 0 reference).  Returns -1, or the position of a
    vanishing pivot (disconnected network)."""
    nsn = sn_start.shape[0] - 1
    n = sn_start[nsn]
    upd = [np.empty((0, 0)) for _ in range(nsn)]
    for J in range(nsn):
        f = sn_start[J]
        b = sn_start[J + 1] - f
        s = s_ptr[J + 1] - s_ptr[J]
        nf = b + s
        w = nf + 1
        F = np.zeros((nf, w))
        Ff = F.reshape(nf * w)
        for q in range(e_ptr[J], e_ptr[J + 1]):
            Ff[e_off[q]] += e_g[q]
        for i in range(b):
            F[i, nf] += eps
        for q in range(c_ptr[J], c_ptr[J + 1]):
            c = c_list[q]
            U = upd[c]
            sc = U.shape[0]
            r0 = s_ptr[c]
            for i in range(sc):
                ri = rel[r0 + i]
                for j in range(i + 1, sc):
                    F[ri, rel[r0 + j]] += U[i, j]
                F[ri, nf] += U[i, sc]
            upd[c] = np.empty((0, 0))
        for k0 in range(0, b, block):
            k1 = min(b, k0 + block)
            for k in range(k0, k1):
                tot = 0.0
                for j in range(k + 1, w):
                    tot += F[k, j]
                if tot > 0.0:
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
                X = np.empty((kb, m))
                Y = np.empty((kb, m + 1))
                for k in range(kb):
                    inv = cinv[f + k0 + k]
                    for j in range(m):
                        X[k, j] = F[k0 + k, k1 + j]
                        Y[k, j] = F[k0 + k, k1 + j] * inv
                    Y[k, m] = F[k0 + k, nf] * inv
                T = np.dot(X.T, Y)
                for i in range(m):
                    for j in range(i + 1, m + 1):
                        F[k1 + i, k1 + j] += T[i, j]
        if s > 0:
            U = np.empty((s, s + 1))
            for i in range(s):
                for j in range(s + 1):
                    U[i, j] = F[b + i, b + j]
            upd[J] = U
        fvals[f_ptr[J]:f_ptr[J] + b * w] = Ff[:b * w]
    return -1


@nb.njit(cache=True, nogil=True)
def _solve(sn_start, s_ptr, s_idx, f_ptr, fvals, cinv, rhs):
    """Forward reduction and back substitution with the stored fronts (positions)."""
    nsn = sn_start.shape[0] - 1
    x = rhs.copy()
    for J in range(nsn):
        f = sn_start[J]
        b = sn_start[J + 1] - f
        s0 = s_ptr[J]
        s = s_ptr[J + 1] - s0
        w = b + s + 1
        base = f_ptr[J]
        for r in range(b):
            xk = x[f + r] * cinv[f + r]
            if xk != 0.0:
                row = base + r * w
                for j in range(r + 1, b):
                    x[f + j] += fvals[row + j] * xk
                for j in range(s):
                    x[s_idx[s0 + j]] += fvals[row + b + j] * xk
    S = np.zeros_like(x)
    for J in range(nsn - 1, -1, -1):
        f = sn_start[J]
        b = sn_start[J + 1] - f
        s0 = s_ptr[J]
        s = s_ptr[J + 1] - s0
        w = b + s + 1
        base = f_ptr[J]
        for r in range(b - 1, -1, -1):
            row = base + r * w
            acc = x[f + r]
            for j in range(r + 1, b):
                acc += fvals[row + j] * S[f + j]
            for j in range(s):
                acc += fvals[row + b + j] * S[s_idx[s0 + j]]
            S[f + r] = acc * cinv[f + r]
    return S


def factor_solve(plan: SupernodalPlan, edge_g: np.ndarray, eps: float, rhs: np.ndarray,
                 block: int = BLOCK, gemm_min: int = GEMM_MIN) -> np.ndarray:
    """Solve (L + εI) S = rhs in positions (L: conductances ``edge_g`` of the plan's edges,
    in the order given to :func:`supernodal_plan`).  For ε = 0 the last position is the
    reference (S = 0 there; the caller fixes the constant).  Raises ``ArithmeticError`` for a
    disconnected network.  ``block`` and ``gemm_min`` only change the summation order (tests)."""
    fvals = np.empty(plan.stored)
    cinv = np.empty(plan.n)
    e_g = np.ascontiguousarray(np.asarray(edge_g, np.float64)[plan.e_perm])
    bad = _factor(plan.sn_start, plan.s_ptr, plan.s_idx, plan.rel, plan.c_ptr, plan.c_list,
                  plan.e_ptr, plan.e_off, e_g, float(eps), plan.f_ptr, fvals, cinv,
                  int(block), int(gemm_min))
    if bad >= 0:
        raise ArithmeticError(f"vanishing pivot at position {bad}: the network is disconnected")
    return _solve(plan.sn_start, plan.s_ptr, plan.s_idx, plan.f_ptr, fvals, cinv,
                  np.ascontiguousarray(rhs, np.float64))
