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

import ctypes
from dataclasses import dataclass

import numba as nb
import numpy as np
from numba.extending import get_cython_function_address

__all__ = ["SupernodalPlan", "supernodal_plan", "plan_from_edges", "factor", "factor_solve", "differences", "BLOCK", "GEMM_MIN"]

# BLAS dgemm (column-major) from scipy's bundled library, passed to the kernels as an argument so
# that numba can cache them (a ctypes pointer baked into the code would not be cacheable)
_VP = ctypes.c_void_p
DGEMM = ctypes.CFUNCTYPE(None, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP)(
    get_cython_function_address("scipy.linalg.cython_blas", "dgemm"))
_N = np.array([ord("N")], np.uint8)
_T = np.array([ord("T")], np.uint8)


@nb.njit(cache=True, nogil=True)
def _gemm(dgemm, transa, transb, m, n, k, a, lda, b, ldb, beta, c, ldc):
    """C := op(A) op(B) + beta C, column-major, on raw 1-D views (BLAS dgemm, alpha = 1)."""
    dims = np.array([m, n, k, lda, ldb, ldc], np.int32)
    scal = np.array([1.0, beta])
    dgemm(transa.ctypes, transb.ctypes, dims[0:].ctypes, dims[1:].ctypes, dims[2:].ctypes, scal[0:].ctypes,
          a.ctypes, dims[3:].ctypes, b.ctypes, dims[4:].ctypes, scal[1:].ctypes, c.ctypes, dims[5:].ctypes)


#: pivots eliminated together before one dense trailing update (X^T diag(1/C) X)
BLOCK = 64
#: column panel of the symmetric trailing update (only the upper triangle is formed)
PANEL = 256
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
    parent: np.ndarray     # (nsn,) parent supernode (-1 for a root)
    perm: np.ndarray       # (n,) plan position p holds input position perm[p] (etree postorder)
    stack_size: int        # float64 entries of the update-matrix stack
    max_front: int         # largest n_f × (n_f + 1)

    @property
    def supernodes(self) -> int:
        return int(self.sn_start.shape[0] - 1)

    @property
    def stored(self) -> int:
        """Stored factor entries (pivot rows of every front)."""
        return int(self.f_ptr[-1])

    def flops(self) -> float:
        """Multiply-adds of one numeric factorisation, trailing updates counted as full squares (an
        upper bound: the panel updates form about half of each square on large fronts)."""
        b = np.diff(self.sn_start).astype(float)
        s = np.diff(self.s_ptr).astype(float)
        nf = b + s
        return float(np.sum(b * nf * (nf + 1)) - np.sum(b * b * nf) + np.sum(b ** 3) / 3)


@nb.njit(cache=True, nogil=True)
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


@nb.njit(cache=True, nogil=True)
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


@nb.njit(cache=True, nogil=True)
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
    e_ptr = np.zeros(nsn + 1, np.int64)
    for t in range(m):
        e_ptr[sn_of[ea[t]] + 1] += 1
    for j in range(nsn):
        e_ptr[j + 1] += e_ptr[j]
    esn = np.empty(m, np.int64)
    e_perm = np.empty(m, np.int64)
    nxt = e_ptr[:nsn].copy()
    for t in range(m):          # stable counting sort of the edges by supernode
        j = sn_of[ea[t]]
        esn[t] = j
        e_perm[nxt[j]] = t
        nxt[j] += 1
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
    return s_ptr, s_idx, rel, c_ptr, c_list, e_ptr, e_off, e_perm, f_ptr, parent


@nb.njit(cache=True, nogil=True)
def _upper_csr(n, ea, eb):
    """Rows of the upper pattern: for each position a, the positions b > a it is joined to
    (duplicates allowed; ``numerics.laplacian._symbolic`` ignores them)."""
    aptr = np.zeros(n + 1, np.int64)
    for t in range(ea.shape[0]):
        aptr[ea[t] + 1] += 1
    for k in range(n):
        aptr[k + 1] += aptr[k]
    aidx = np.empty(ea.shape[0], np.int64)
    nxt = aptr[:n].copy()
    for t in range(ea.shape[0]):
        aidx[nxt[ea[t]]] = eb[t]
        nxt[ea[t]] += 1
    return aptr, aidx


def plan_from_edges(n: int, edge_a: np.ndarray, edge_b: np.ndarray, **relax) -> SupernodalPlan:
    """Symbolic factorisation and supernodes for edges given as positions (any order of the
    two ends; parallel edges allowed and kept: each edge's conductance is added to its front)."""
    from .laplacian import _symbolic
    a = np.asarray(edge_a, np.int64)
    b = np.asarray(edge_b, np.int64)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    if np.any(lo == hi) or (lo.size and (lo.min() < 0 or hi.max() >= n)):
        raise ValueError("edges must join two different positions in [0, n)")
    aptr, aidx = _upper_csr(n, lo, hi)
    ptr, idx = _symbolic(n, aptr, aidx)
    return supernodal_plan(ptr, idx, n, lo, hi, **relax)


@nb.njit(cache=True, nogil=True)
def _postorder(ptr, idx, n):
    """Postorder of the elimination tree (parent of k = first entry of row k): a permutation
    ``perm`` (new position -> old position) that keeps every subtree contiguous and every
    child before its parent; the fill is unchanged (an equivalent order)."""
    head = np.full(n, -1, np.int64)
    nxt = np.full(n, -1, np.int64)
    for k in range(n - 1, -1, -1):           # children lists in increasing order
        if ptr[k + 1] > ptr[k]:
            p = idx[ptr[k]]
            nxt[k] = head[p]
            head[p] = k
    perm = np.empty(n, np.int64)
    stack = np.empty(n, np.int64)
    m = 0
    for root in range(n):
        if ptr[root + 1] > ptr[root]:
            continue
        top = 0
        stack[0] = root
        while top >= 0:
            k = stack[top]
            c = head[k]
            if c != -1:
                head[k] = nxt[c]             # descend into the next unvisited child
                top += 1
                stack[top] = c
            else:
                perm[m] = k
                m += 1
                top -= 1
    return perm


@nb.njit(cache=True, nogil=True)
def _permute_pattern(ptr, idx, perm):
    n = perm.shape[0]
    newpos = np.empty(n, np.int64)
    for p in range(n):
        newpos[perm[p]] = p
    nptr = np.zeros(n + 1, np.int64)
    for p in range(n):
        k = perm[p]
        nptr[p + 1] = nptr[p] + ptr[k + 1] - ptr[k]
    nidx = np.empty(idx.shape[0], np.int64)
    for p in range(n):
        k = perm[p]
        q = nptr[p]
        ordered = True
        for t in range(ptr[k], ptr[k + 1]):
            nidx[q] = newpos[idx[t]]
            if q > nptr[p] and nidx[q] < nidx[q - 1]:
                ordered = False
            q += 1
        if not ordered:
            nidx[nptr[p]:nptr[p + 1]] = np.sort(nidx[nptr[p]:nptr[p + 1]])
    return nptr, nidx, newpos


@nb.njit(cache=True, nogil=True)
def _stack_size(sn_start, s_ptr, c_ptr, c_list):
    """Peak size of the update-matrix stack in postorder; -1 if the children of a supernode
    are not the top of the stack (not a postorder)."""
    nsn = sn_start.shape[0] - 1
    off = np.zeros(nsn, np.int64)
    sp = 0
    peak = 0
    for J in range(nsn):
        lo = sp
        tot = 0
        for q in range(c_ptr[J], c_ptr[J + 1]):
            c = c_list[q]
            sc = s_ptr[c + 1] - s_ptr[c]
            lo = min(lo, off[c])
            tot += sc * (sc + 1)
        if sp - lo != tot:
            return -1
        sp = lo
        s = s_ptr[J + 1] - s_ptr[J]
        off[J] = sp
        sp += s * (s + 1)
        peak = max(peak, sp)
    return peak


def supernodal_plan(ptr: np.ndarray, idx: np.ndarray, n: int, edge_a: np.ndarray, edge_b: np.ndarray,
                    relax_pivots: int = 16, relax_zeros: float = 0.05) -> SupernodalPlan:
    """Supernodes and front maps of the factor pattern (``ptr``, ``idx``: structure of row k,
    positions > k, as from ``numerics.laplacian._symbolic``) for original edges
    ``edge_a < edge_b`` (positions).  The positions are first relabelled in a postorder of the
    elimination tree (same fill; ``perm``), so that the update matrices live on one stack and
    small supernodes can be amalgamated with their parents; all public functions here take and
    return arrays in the *input* positions."""
    ea = np.ascontiguousarray(edge_a, np.int64)
    eb = np.ascontiguousarray(edge_b, np.int64)
    if np.any(ea >= eb):
        raise ValueError("edges must be given as position pairs a < b")
    perm = _postorder(ptr, idx, n)
    ptr, idx, newpos = _permute_pattern(ptr, idx, perm)
    ea, eb = newpos[ea], newpos[eb]
    starts = _fundamental_starts(ptr, idx, n)
    if relax_pivots > 1 or relax_zeros > 0:
        starts = _relax(starts, ptr, idx, n, int(relax_pivots), float(relax_zeros))
    s_ptr, s_idx, rel, c_ptr, c_list, e_ptr, e_off, e_perm, f_ptr, parent = _plan_arrays(starts, ptr, idx, n, ea, eb)
    stack = int(_stack_size(starts, s_ptr, c_ptr, c_list))
    if stack < 0:
        raise AssertionError("supernodes are not in postorder")
    b = np.diff(starts)
    nf = b + np.diff(s_ptr)
    return SupernodalPlan(n=n, sn_start=starts, s_ptr=s_ptr, s_idx=s_idx, rel=rel, c_ptr=c_ptr,
                          c_list=c_list, e_ptr=e_ptr, e_off=e_off, e_perm=e_perm, f_ptr=f_ptr, parent=parent,
                          perm=perm, stack_size=stack, max_front=int(np.max(nf * (nf + 1))) if n else 0)


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
    stack = np.empty(max(stack_size, 1))
    u_off = np.zeros(nsn, np.int64)
    work = np.empty(max(max_front, 1))
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
                # F[k1:, k1:] += X^T Y in place (X = block rows, Y = X diag(1/C) incl. ground), i.e.
                # column-major C' += Y' X'^T; the lower triangle it also fills is never read
                Y = np.empty((kb, m + 1))
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


def factor(plan: SupernodalPlan, edge_g: np.ndarray, ground: np.ndarray, block: int = BLOCK,
           gemm_min: int = GEMM_MIN, panel: int = PANEL) -> tuple[np.ndarray, np.ndarray]:
    """Numeric factorisation: (stored fronts, 1/pivots in plan positions).  ``ground`` (input
    positions) are the conductances to the ground node.  Raises ``ArithmeticError`` for a
    disconnected network.  ``block``, ``gemm_min`` and ``panel`` only change the summation order
    (tests)."""
    fvals = np.empty(plan.stored)
    cinv = np.empty(plan.n)
    e_g = np.ascontiguousarray(np.asarray(edge_g, np.float64)[plan.e_perm])
    gr = np.ascontiguousarray(np.asarray(ground, np.float64)[plan.perm])
    bad = _factor(plan.sn_start, plan.s_ptr, plan.s_idx, plan.rel, plan.c_ptr, plan.c_list,
                  plan.e_ptr, plan.e_off, e_g, gr, plan.f_ptr, fvals, cinv, int(block), int(gemm_min),
                  plan.stack_size, plan.max_front, DGEMM, _N, _T, int(panel))
    if bad >= 0:
        raise ArithmeticError(f"vanishing pivot at position {plan.perm[bad]}: the network is disconnected")
    return fvals, cinv


def factor_solve(plan: SupernodalPlan, edge_g: np.ndarray, eps: float, rhs: np.ndarray,
                 block: int = BLOCK, gemm_min: int = GEMM_MIN, panel: int = PANEL) -> np.ndarray:
    """Solve (L + εI) S = rhs (input positions; L: conductances ``edge_g`` of the edges given
    to :func:`supernodal_plan`).  For ε = 0 the last position of the postorder (the root, which
    is the last input position for a connected pattern) is the reference (S = 0 there; the
    caller fixes the constant).  Raises ``ArithmeticError`` for a disconnected network.
    ``block`` and ``gemm_min`` only change the summation order (tests)."""
    fvals, cinv = factor(plan, edge_g, np.full(plan.n, float(eps)), block, gemm_min, panel)
    S = _solve(plan.sn_start, plan.s_ptr, plan.s_idx, plan.f_ptr, fvals, cinv,
               np.ascontiguousarray(np.asarray(rhs, np.float64)[plan.perm]))
    out = np.empty_like(S)
    out[plan.perm] = S
    return out


@nb.njit(cache=True, nogil=True)
def _differences(sn_start, s_ptr, rel, parent, c_ptr, f_ptr, fvals, cinv, e_ptr, e_off, e_perm, block,
                 gemm_min, dgemm, tn):
    """Potential differences of a network whose only injection is at the last position (the
    source terminal, potential 1) and whose ground node is the drain (potential 0).

    Top-down over the supernodes, each front gets the dense antisymmetric matrix
    Δ[p, q] = V_p − V_q of its nodes plus the ground (index n_f): the structure part is copied
    from the parent's matrix, the pivot rows follow from
    ``Δ[k, q] = Σ_{m > k} (c_km / C_k) Δ[m, q]`` (the weights, ground included, sum to 1),
    blocked so that the bulk is one dense product per block of pivots.  This is the current
    back-propagation of :mod:`numerics.laplacian` in potential-difference form (c_kl Δ[k, l] is
    the arm current of the reduced edge): every Δ is a convex combination of differences that
    are already accurate in this sense, so a bond current g Δ carries an absolute error of
    order 1e-16 × (total current) whatever the contrast.  Returns (V_a − V_b of each original
    edge (a < b) in the input edge order, V of every position)."""
    nsn = sn_start.shape[0] - 1
    n = sn_start[nsn]
    out = np.zeros(e_perm.shape[0])
    V = np.empty(n)
    dmat = [np.empty((0, 0)) for _ in range(nsn)]
    pending = np.zeros(nsn, np.int64)
    for J in range(nsn):
        pending[J] = c_ptr[J + 1] - c_ptr[J]
    for J in range(nsn - 1, -1, -1):
        f = sn_start[J]
        b = sn_start[J + 1] - f
        s0 = s_ptr[J]
        s = s_ptr[J + 1] - s0
        nf = b + s
        w = nf + 1
        D = np.zeros((w, w))
        P = parent[J]
        if P >= 0:
            DP = dmat[P]
            gp = DP.shape[0] - 1
            for i in range(s):
                ri = rel[s0 + i]
                for j in range(s):
                    D[b + i, b + j] = DP[ri, rel[s0 + j]]
                D[b + i, nf] = DP[ri, gp]
                D[nf, b + i] = -DP[ri, gp]
            pending[P] -= 1
            if pending[P] == 0:
                dmat[P] = np.empty((0, 0))
        base = f_ptr[J]
        for k0 in range(((b - 1) // block) * block, -1, -block):
            k1 = min(b, k0 + block)
            kb = k1 - k0
            m = w - k1                      # trailing nodes k1..nf-1 and the ground
            Wt = np.empty((kb, m))          # weights c_kq / C_k towards the trailing nodes
            for r in range(kb):
                inv = cinv[f + k0 + r]
                row = base + (k0 + r) * w + k1
                for j in range(m):
                    Wt[r, j] = fvals[row + j] * inv
            if kb * m * m >= gemm_min:
                # X = Wt Δ[T, T]: column-major X' = Δ_T' Wt' with Δ_T read in place (ld w)
                X = np.empty((kb, m))
                Df0 = D.reshape(w * w)
                _gemm(dgemm, tn, tn, m, kb, m, Df0[k1 * w + k1:], w, Wt.reshape(kb * m), m, 0.0,
                      X.reshape(kb * m), m)
            else:
                X = np.zeros((kb, m))
                for r in range(kb):
                    for q in range(m):
                        a = Wt[r, q]
                        if a != 0.0:
                            for j in range(m):
                                X[r, j] += a * D[k1 + q, k1 + j]
            # in-block part of the recurrence, last pivot first
            for r in range(kb - 1, -1, -1):
                k = k0 + r
                if f + k == n - 1:          # the source terminal: V = 1 (its trailing set is the ground)
                    for j in range(m):
                        X[r, j] = 0.0
                    X[r, m - 1] = 1.0
                    continue
                inv = cinv[f + k]
                row = base + k * w
                for q in range(r + 1, kb):
                    a = fvals[row + k0 + q] * inv
                    if a != 0.0:
                        for j in range(m):
                            X[r, j] += a * X[q, j]
            for r in range(kb):
                for j in range(m):
                    D[k0 + r, k1 + j] = X[r, j]
                    D[k1 + j, k0 + r] = -X[r, j]
            # pairs inside the block: Δ[k, p] = Σ_{q in block, q > k} w_kq Δ[q, p] − Σ_T w_kq Δ[p, q]
            for r in range(kb - 1, -1, -1):
                k = k0 + r
                inv = cinv[f + k]
                row = base + k * w
                for p in range(r + 1, kb):
                    acc = 0.0
                    for j in range(m):
                        acc -= Wt[r, j] * X[p, j]
                    for q in range(r + 1, kb):
                        acc += fvals[row + k0 + q] * inv * D[k0 + q, k0 + p]
                    if f + k == n - 1:
                        acc = 0.0
                    D[k, k0 + p] = acc
                    D[k0 + p, k] = -acc
        for r in range(b):
            V[f + r] = D[r, nf]
        Df = D.reshape(w * w)
        for q in range(e_ptr[J], e_ptr[J + 1]):
            out[e_perm[q]] = Df[e_off[q]]
        if pending[J] > 0:
            dmat[J] = D
    return out, V


def differences(plan: SupernodalPlan, fvals: np.ndarray, cinv: np.ndarray, block: int = BLOCK,
                gemm_min: int = GEMM_MIN) -> tuple[np.ndarray, np.ndarray]:
    """Potential differences after :func:`factor` (see :func:`_differences`): the last position
    is the source (V = 1), the ground node the drain (V = 0).  Returns (V_a − V_b of each
    edge (a < b) in the order given to the plan, V in input positions)."""
    delta, v = _differences(plan.sn_start, plan.s_ptr, plan.rel, plan.parent, plan.c_ptr, plan.f_ptr, fvals,
                            cinv, plan.e_ptr, plan.e_off, plan.e_perm, int(block), int(gemm_min), DGEMM, _N)
    out = np.empty_like(v)
    out[plan.perm] = v
    return delta, out
