"""Symbolic part of the supernodal multifrontal engine: supernodes, fronts and their maps.

Once per network (independent of the shift ε): the factor pattern in the fill-reducing order is
relabelled in an elimination-tree postorder (same fill), split into supernodes (runs of
consecutive pivots whose rows share one structure) with relaxed amalgamation of small ones, and
mapped to dense fronts (a supernode's pivots followed by their shared structure, plus a ground
column).  :class:`SupernodalPlan` is what :mod:`numerics.solvers.multifrontal` factors for every ε.
"""
from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

from hopspin.errors import ParameterError

from .symbolic import symbolic_rows

__all__ = ["SupernodalPlan", "supernodal_plan", "plan_from_edges"]


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
    (duplicates allowed; :func:`numerics.solvers.symbolic.symbolic_rows` ignores them)."""
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
    a = np.asarray(edge_a, np.int64)
    b = np.asarray(edge_b, np.int64)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    if np.any(lo == hi) or (lo.size and (lo.min() < 0 or hi.max() >= n)):
        raise ParameterError("edges must join two different positions in [0, n)", parameter="edges")
    aptr, aidx = _upper_csr(n, lo, hi)
    ptr, idx = symbolic_rows(n, aptr, aidx)
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
    positions > k, as from :func:`numerics.solvers.symbolic.symbolic_rows`) for original edges
    ``edge_a < edge_b`` (positions).  The positions are first relabelled in a postorder of the
    elimination tree (same fill; ``perm``), so that the update matrices live on one stack and
    small supernodes can be amalgamated with their parents; all public functions here take and
    return arrays in the *input* positions."""
    ea = np.ascontiguousarray(edge_a, np.int64)
    eb = np.ascontiguousarray(edge_b, np.int64)
    if np.any(ea >= eb):
        raise ParameterError("edges must be given as position pairs a < b", parameter="edges")
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
