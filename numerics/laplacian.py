"""Exact solves of weighted graph Laplacians whose conductances span tens of orders of magnitude.

Method (see docs/kirchhoff.md): subtraction-free Gaussian elimination (Kron reduction /
star-mesh transform, the "GTH" trick) in a geometric nested-dissection order, followed by a
*current* back-propagation that never forms a potential difference.

Eliminating node k with current neighbours l (reduced conductances c_kl) and a conductance
gamma_k to a common ground node adds c_kl c_km / C_k to edge (l, m) and c_kl gamma_k / C_k to
gamma_l, where C_k = sum_l c_kl + gamma_k is formed as a sum of positive numbers (never as a
difference), so every reduced conductance is accurate to a few ulps whatever the contrast.
In reverse elimination order the current in every arm (k, l) is then a sum of
(fill fraction) x (current of the reduced edge (l, m) it contributed to)::

    A_{k<-l} = sum_m [c_kl c_km / (C_k c_lm)] J_{m<-l}  + [c_kl gamma_k/(C_k gamma_l)] J_{G<-l}
               - (c_kl / C_k) s_k

with every coefficient in [0, 1] and every J bounded by the total current, so each bond
current carries an absolute error of order 1e-16 x (total current), independent of the
conductance contrast.  An original bond's current is its share g_b / c_b^final of the arm
current of the edge it belongs to.

Public entry point here: :func:`solve_shifted` (steady state of the spin-diffusion equation
(S43), a closed system: (L + eps I) S = source for many eps).  ``numerics.kirchhoff`` uses
the same engine with the two electrodes as terminal nodes.

Since the second session the default engine of both is the supernodal multifrontal form of the
same arithmetic (:mod:`numerics.multifrontal`: dense fronts, BLAS products of non-negative
conductances); the one-pivot-at-a-time kernels here remain as ``method="backprop"`` (they also
give every bond difference) and as the cross-check in the tests.
"""
from __future__ import annotations

import contextlib
import math
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numba as nb
import numpy as np
from scipy.sparse import coo_matrix
from threadpoolctl import threadpool_limits

from . import _elimination_batch as _lanes
from . import multifrontal as _mf
from ._threads import run_in_threads

__all__ = ["ShiftedSolution", "solve_shifted", "EliminationPlan", "plan_elimination",
           "estimate_memory"]


# ----------------------------------------------------------------------------- ordering
@nb.njit(cache=True)
def _nested_dissection(x, y, indptr, indices, r_cut, leaf):
    """Geometric nested dissection: returns perm (position -> node).

    Each range of the permutation is split at the median of its longer axis; nodes on the
    low side within r_cut of the cut that have a bond to the high side form the separator,
    which is ordered after both halves.
    """
    n = x.shape[0]
    perm = np.arange(n)
    side = np.zeros(n, np.int8)
    stamp = np.full(n, -1, np.int64)
    st_s = np.empty(2 * n + 2, np.int64)
    st_e = np.empty(2 * n + 2, np.int64)
    top = 0
    st_s[0] = 0
    st_e[0] = n
    top = 1
    sid = 0
    buf = np.empty(n, np.int64)
    while top > 0:
        top -= 1
        s = st_s[top]
        e = st_e[top]
        m = e - s
        if m <= leaf:
            continue
        sid += 1
        xmin = np.inf
        xmax = -np.inf
        ymin = np.inf
        ymax = -np.inf
        for q in range(s, e):
            v = perm[q]
            if x[v] < xmin:
                xmin = x[v]
            if x[v] > xmax:
                xmax = x[v]
            if y[v] < ymin:
                ymin = y[v]
            if y[v] > ymax:
                ymax = y[v]
        coord = x if (xmax - xmin) >= (ymax - ymin) else y
        vals = np.empty(m)
        for q in range(s, e):
            vals[q - s] = coord[perm[q]]
        med = np.median(vals)
        nlow = 0
        for q in range(s, e):
            v = perm[q]
            stamp[v] = sid
            if coord[v] < med:
                side[v] = 0
                nlow += 1
            else:
                side[v] = 1
        if nlow == 0 or nlow == m:
            continue
        for q in range(s, e):
            v = perm[q]
            if side[v] == 0 and coord[v] >= med - r_cut:
                for t in range(indptr[v], indptr[v + 1]):
                    w = indices[t]
                    if stamp[w] == sid and side[w] == 1:
                        side[v] = 2
                        break
        # stable partition: low | high | separator
        c0 = 0
        for q in range(s, e):
            if side[perm[q]] == 0:
                buf[c0] = perm[q]
                c0 += 1
        c1 = c0
        for q in range(s, e):
            if side[perm[q]] == 1:
                buf[c1] = perm[q]
                c1 += 1
        c2 = c1
        for q in range(s, e):
            if side[perm[q]] == 2:
                buf[c2] = perm[q]
                c2 += 1
        for q in range(m):
            perm[s + q] = buf[q]
        st_s[top] = s
        st_e[top] = s + c0
        top += 1
        st_s[top] = s + c0
        st_e[top] = s + c1
        top += 1
    return perm


def _mmd_order(adj) -> np.ndarray:
    """Fill-reducing order (position -> node) from SuperLU's MMD_AT_PLUS_A.

    Only the pattern matters: the values are the graph Laplacian of unit conductances plus
    the identity (well conditioned), and SymmetricMode with diag_pivot_thresh=0 keeps the
    pivots on the diagonal, so perm_c is a symmetric permutation (node -> position).
    """
    from scipy.sparse import diags
    from scipy.sparse.linalg import splu
    n = adj.shape[0]
    if n == 0:
        return np.zeros(0, np.int64)
    a = adj.astype(np.float64)
    a.data[:] = -1.0
    deg = -np.asarray(a.sum(axis=1)).ravel()
    a = (a + diags(deg + 1.0)).tocsc()
    lu = splu(a, permc_spec="MMD_AT_PLUS_A", options=dict(SymmetricMode=True),
              diag_pivot_thresh=0.0)
    position = np.asarray(lu.perm_c, np.int64)
    order = np.empty(n, np.int64)
    order[position] = np.arange(n)
    return order


def _metis_order(adj) -> np.ndarray:
    """Fill-reducing order (position -> node) by METIS nested dissection (``pymetis``).

    N = 5e5, n_s = 0.01: 3.7 s and 7.9e8 update pairs, against 5.1 s and 1.14e9 pairs for
    the SuperLU MMD route (which pays a numeric LU only to read its permutation).
    """
    import warnings

    import pymetis
    n = adj.shape[0]
    if n == 0:
        return np.zeros(0, np.int64)
    xadj = np.ascontiguousarray(adj.indptr, dtype=np.int32)
    adjncy = np.ascontiguousarray(adj.indices, dtype=np.int32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            csr = pymetis.CSRAdjacency(xadj, adjncy)
            perm, _ = pymetis.nested_dissection(csr, options=pymetis.Options(seed=1))
        except (AttributeError, TypeError):
            perm, _ = pymetis.nested_dissection(xadj=xadj, adjncy=adjncy,
                                                options=pymetis.Options(seed=1))
    return np.asarray(perm, np.int64)


def _have_metis() -> bool:
    try:
        import pymetis  # noqa: F401
    except ImportError:
        return False
    return True


def default_ordering() -> str:
    """"metis" when ``pymetis`` is installed, else SuperLU's "mmd"."""
    return "metis" if _have_metis() else "mmd"


def fill_order(adj, ordering: str | None = None) -> np.ndarray:
    """Fill-reducing order (position -> node) of a symmetric 0/1 adjacency (CSR)."""
    ordering = ordering or default_ordering()
    if ordering == "metis":
        return _metis_order(adj)
    if ordering == "mmd":
        return _mmd_order(adj)
    raise ValueError(f"ordering must be 'metis', 'mmd' or 'nd', got {ordering!r}")


_ORDER_CACHE: dict = {}


def _cached(network, key, compute):
    """``compute()`` cached per (network object, key) for the network's lifetime; a cached
    ``Future`` (see :func:`prefetch_shifted_plan`) is waited for."""
    full = (id(network), key)
    hit = _lookup(full, network)
    if hit is not None:
        return hit.result() if isinstance(hit, Future) else hit
    value = compute()
    _remember(network, full, value)
    return value


def _lookup(full, network):
    """The cached value (or Future) for ``full = (id(network), key)``, None if absent."""
    hit = _ORDER_CACHE.get(full)
    return hit[1] if hit is not None and hit[0]() is network else None


def _remember(network, full, value) -> None:
    import weakref
    try:
        ref = weakref.ref(network)
        weakref.finalize(network, _ORDER_CACHE.pop, full, None)
    except TypeError:  # not weak-referenceable: no caching
        return
    _ORDER_CACHE[full] = (ref, value)


def network_order(network, ordering: str | None = None) -> np.ndarray:
    """Fill-reducing order of all cluster sites of ``network`` (cached per network object).

    Shared by ``solve_kirchhoff`` (interior sites: this order restricted to them) and
    ``solve_shifted``, so one network is ordered once.
    """
    ordering = ordering or default_ordering()

    def compute():
        M = network.positions.shape[0]
        b = np.asarray(network.bonds, np.int64)
        adj = coo_matrix((np.ones(2 * b.shape[0], np.int8),
                          (np.concatenate([b[:, 0], b[:, 1]]), np.concatenate([b[:, 1], b[:, 0]]))),
                         shape=(M, M)).tocsr()
        order = fill_order(adj, ordering)
        order.setflags(write=False)
        return order

    return _cached(network, ordering, compute)


def shifted_plan(network):
    """(order, position, supernodal plan) of the closed spin problem (S43) on all cluster sites,
    in the METIS order of :func:`network_order`; cached per network object."""
    return _cached(network, "shifted_plan", lambda: shifted_plan_uncached(network))


_PREFETCH = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hopspin-plan")


def prefetch_shifted_plan(network) -> None:
    """Start :func:`shifted_plan` in a background thread (its kernels release the GIL), so the
    symbolic analysis of the spin problem overlaps the Kirchhoff solve on the other core — only
    when memory is plentiful (twice the whole run's estimate available), since both plans are
    then held at once."""
    full = (id(network), "shifted_plan")
    if _lookup(full, network) is not None:
        return
    have = available_memory()
    if have is not None and 2 * estimate_memory(network) > have:
        return  # two symbolic analyses at once would raise the peak: keep them sequential
    network_order(network)  # METIS holds the GIL: order first, in the caller's thread
    _remember(network, full, _PREFETCH.submit(shifted_plan_uncached, network))


def shifted_plan_uncached(network):
    """The computation behind :func:`shifted_plan` (no cache lookup)."""
    M = network.positions.shape[0]
    order = network_order(network)
    position = np.empty(M, np.int64)
    position[order] = np.arange(M)
    bonds = network.bonds
    return order, position, _mf.plan_from_edges(M, position[bonds[:, 0]], position[bonds[:, 1]])


# ----------------------------------------------------------------------------- symbolic
@nb.njit(cache=True, nogil=True)
def _symbolic(n, aptr, aidx):
    """Row structure of the upper Cholesky factor (positions > k) for every position k."""
    head = np.full(n, -1, np.int64)
    nxt = np.full(n, -1, np.int64)
    mark = np.full(n, -1, np.int64)
    buf = np.empty(n, np.int64)
    ptr = np.zeros(n + 1, np.int64)
    cap = max(16, 4 * aidx.shape[0])
    idx = np.empty(cap, np.int64)
    for k in range(n):
        cnt = 0
        for t in range(aptr[k], aptr[k + 1]):
            a = aidx[t]
            if mark[a] != k:
                mark[a] = k
                buf[cnt] = a
                cnt += 1
        c = head[k]
        while c != -1:
            for t in range(ptr[c], ptr[c + 1]):
                j = idx[t]
                if j != k and mark[j] != k:
                    mark[j] = k
                    buf[cnt] = j
                    cnt += 1
            c = nxt[c]
        row = np.sort(buf[:cnt])
        start = ptr[k]
        if start + cnt > cap:
            newcap = max(2 * cap, start + cnt)
            tmp = np.empty(newcap, np.int64)
            tmp[:start] = idx[:start]
            idx = tmp
            cap = newcap
        idx[start:start + cnt] = row
        ptr[k + 1] = start + cnt
        if cnt > 0:
            p = row[0]
            nxt[k] = head[p]
            head[p] = k
    return ptr, idx[:ptr[n]].copy()


@nb.njit(cache=True)
def _place(ptr, idx, eu, ev):
    """Entry index of each edge (eu < ev, positions) inside row eu."""
    out = np.empty(eu.shape[0], np.int64)
    for t in range(eu.shape[0]):
        k = eu[t]
        lo = ptr[k]
        hi = ptr[k + 1]
        out[t] = lo + np.searchsorted(idx[lo:hi], ev[t])
    return out


# ----------------------------------------------------------------------------- numeric
@nb.njit(cache=True, nogil=True)
def _factor(ptr, idx, vals, gamma, n_elim):
    """In-place subtraction-free elimination of positions 0..n_elim-1. Returns C."""
    C = np.empty(n_elim)
    for k in range(n_elim):
        s0 = ptr[k]
        s1 = ptr[k + 1]
        gk = gamma[k]
        tot = gk
        for a in range(s0, s1):
            tot += vals[a]
        if not tot > 0.0:
            return C[:k]  # signals a disconnected node
        C[k] = tot
        for a in range(s0, s1):
            l = idx[a]
            w = vals[a] / tot  # same expression as wa in _backprop (bitwise)
            if gk > 0.0:
                gamma[l] += w * gk
            q = ptr[l]
            for b in range(a + 1, s1):
                m = idx[b]
                while idx[q] != m:
                    q += 1
                vals[q] += w * vals[b]
    return C


@nb.njit(cache=True, nogil=True)
def _forward(ptr, idx, vals, C, s, n_elim):
    for k in range(n_elim):
        sk = s[k]
        if sk != 0.0:
            f = sk / C[k]
            for a in range(ptr[k], ptr[k + 1]):
                s[idx[a]] += vals[a] * f
    return s


@nb.njit(cache=True, nogil=True)
def _backprop(ptr, idx, vals, gamma, C, s, P, Pg, n_elim):
    """Arm currents in reverse elimination order, stored as P = current / conductance.

    For entry e = (k, l) of row k, P[e] = A_e / c_e where A_e is the particle flow from l into
    k across the reduced edge and c_e its final conductance (so the flow through an original
    bond of conductance g in that edge is g * P[e]).  Pg[k] likewise for k's ground edge
    (flow from ground into k divided by gamma_k).  P is *not* formed from potentials: it is
    the current divided by a conductance, so it keeps the current's relative accuracy.
    Entries among terminal positions (>= n_elim) must be preset by the caller; all other
    entries of P must be zero on entry.
    """
    for k in range(n_elim - 1, -1, -1):
        s0 = ptr[k]
        s1 = ptr[k + 1]
        Ck = C[k]
        sk = s[k]
        gk = gamma[k]
        agk = 0.0
        for a in range(s0, s1):  # P[s0:s1] accumulates currents A first
            l = idx[a]
            wa = vals[a] / Ck  # bitwise the same w as in _factor
            acc = -wa * sk
            f = wa * gk  # ground fill added to gamma[l] in _factor
            if f > 0.0:
                t = f * Pg[l]
                acc -= t
                agk += t
            q = ptr[l]
            for b in range(a + 1, s1):
                m = idx[b]
                while idx[q] != m:
                    q += 1
                t = wa * vals[b] * P[q]  # (fill added to entry q) x (current/conductance of q)
                acc -= t
                P[b] += t
            P[a] += acc
        for a in range(s0, s1):
            va = vals[a]
            P[a] = P[a] / va if va > 0.0 else 0.0  # va == 0 only after underflow
        if gk > 0.0:
            Pg[k] = (agk - (gk / Ck) * sk) / gk
        else:
            Pg[k] = 0.0
    return P, Pg


@nb.njit(cache=True, nogil=True)
def _potentials(ptr, idx, vals, C, s, V, n_elim):
    """Back substitution V_k = (s_k + sum_l c_kl V_l) / C_k (ground at 0)."""
    for k in range(n_elim - 1, -1, -1):
        acc = s[k]
        for a in range(ptr[k], ptr[k + 1]):
            acc += vals[a] * V[idx[a]]
        V[k] = acc / C[k]
    return V


# ----------------------------------------------------------------------------- plan
@dataclass(frozen=True)
class EliminationPlan:
    """Ordering and symbolic factorisation of a reduced graph (reusable for many numerics)."""

    n: int  # number of nodes (positions)
    n_terminal: int  # the last n_terminal positions are never eliminated
    order: np.ndarray  # position -> node
    position: np.ndarray  # node -> position
    ptr: np.ndarray
    idx: np.ndarray
    edge_u: np.ndarray  # reduced edges as node pairs (u != v, unique)
    edge_v: np.ndarray
    edge_g: np.ndarray  # summed conductance of each reduced edge
    edge_entry: np.ndarray  # entry index of each reduced edge in the factor
    edge_flip: np.ndarray  # True when position[u] > position[v]
    vals0: np.ndarray  # original reduced conductances scattered into the factor pattern
    seconds: float

    @property
    def nnz(self) -> int:
        return int(self.idx.shape[0])


def plan_elimination(n_nodes: int, edge_u, edge_v, edge_g, coords: np.ndarray,
                     terminals: tuple[int, ...], cutoff: float, leaf: int = 8,
                     ordering: str | None = None,
                     inner_order: np.ndarray | None = None) -> EliminationPlan:
    """Order the nodes (terminals last) and factor symbolically.

    ordering: "metis" (default when ``pymetis`` is installed) = METIS nested dissection;
    "mmd" = SuperLU's multiple minimum degree on A + A^T (obtained from a splu of
    a well-conditioned matrix with the same pattern; ~2.5x less fill and ~6x less work than
    "nd", the geometric nested dissection below; ~1.4x more work than "metis" at N = 5e5).
    ``inner_order``: a precomputed order of the non-terminal nodes (position -> node id
    among the non-terminal nodes in increasing node order); overrides ``ordering``.

    ``coords`` (n_nodes, 2) may hold anything for terminal nodes.  Parallel edges are summed.
    """
    t0 = time.perf_counter()
    u = np.asarray(edge_u, np.int64)
    v = np.asarray(edge_v, np.int64)
    g = np.asarray(edge_g, np.float64)
    lo = np.minimum(u, v)
    hi = np.maximum(u, v)
    m = coo_matrix((g, (lo, hi)), shape=(n_nodes, n_nodes)).tocsr()
    m.sum_duplicates()
    m = m.tocoo()
    u, v, g = m.row.astype(np.int64), m.col.astype(np.int64), m.data.astype(np.float64)
    terminals = tuple(int(t) for t in terminals)
    is_term = np.zeros(n_nodes, bool)
    is_term[list(terminals)] = True
    inner = np.flatnonzero(~is_term)
    # adjacency among inner nodes for the dissection
    inner_id = np.full(n_nodes, -1, np.int64)
    inner_id[inner] = np.arange(inner.size)
    both = ~is_term[u] & ~is_term[v]
    iu, iv = inner_id[u[both]], inner_id[v[both]]
    adj = None
    if inner_order is None:
        adj = coo_matrix((np.ones(2 * iu.size, np.int8),
                          (np.concatenate([iu, iv]), np.concatenate([iv, iu]))),
                         shape=(inner.size, inner.size)).tocsr()
    if inner_order is not None:
        perm_inner = np.asarray(inner_order, np.int64)
        if perm_inner.shape != (inner.size,):
            raise ValueError("inner_order must order every non-terminal node once")
    elif ordering in (None, "metis", "mmd"):
        perm_inner = fill_order(adj, ordering)
    elif ordering == "nd":
        cx = np.ascontiguousarray(coords[inner, 0], dtype=np.float64)
        cy = np.ascontiguousarray(coords[inner, 1], dtype=np.float64)
        perm_inner = _nested_dissection(cx, cy, adj.indptr.astype(np.int64),
                                        adj.indices.astype(np.int64), float(cutoff), int(leaf))
    else:
        raise ValueError(f"ordering must be 'metis', 'mmd' or 'nd', got {ordering!r}")
    order = np.concatenate([inner[perm_inner], np.asarray(terminals, np.int64)])
    position = np.empty(n_nodes, np.int64)
    position[order] = np.arange(n_nodes)
    pu, pv = position[u], position[v]
    flip = pu > pv
    a = np.where(flip, pv, pu)
    b = np.where(flip, pu, pv)
    srt = np.lexsort((b, a))
    aptr = np.zeros(n_nodes + 1, np.int64)
    np.cumsum(np.bincount(a, minlength=n_nodes), out=aptr[1:])
    aidx = b[srt].copy()
    ptr, idx = _symbolic(n_nodes, aptr, aidx)
    entry = _place(ptr, idx, a, b)
    vals0 = np.zeros(idx.shape[0])
    vals0[entry] = g
    return EliminationPlan(n=n_nodes, n_terminal=len(terminals), order=order, position=position,
                           ptr=ptr, idx=idx, edge_u=u, edge_v=v, edge_g=g, edge_entry=entry,
                           edge_flip=flip, vals0=vals0, seconds=time.perf_counter() - t0)


def edge_flows(plan: EliminationPlan, P: np.ndarray) -> np.ndarray:
    """Flow from edge_v into edge_u across each reduced edge's *original* conductance."""
    flow = plan.edge_g * P[plan.edge_entry]  # from later-position node into earlier one
    return np.where(plan.edge_flip, -flow, flow)


# ----------------------------------------------------------------------------- shifted
@dataclass(frozen=True)
class ShiftedSolution:
    shifts: np.ndarray  # (K,) eps = tau_0 / tau_s
    bond_difference: np.ndarray | None  # (K, B) D_b = g_ij (S_j - S_i) for bond (i, j); None (multifrontal)
    spin: np.ndarray | None  # (K, M) zero-mean part S0 = (L + eps)^-1 (source - mean); None if not kept
    uniform_part: np.ndarray  # (K,) mean(source)/eps (inf if eps == 0 and mean != 0; 0 if mean == 0)
    source_mean: float
    max_balance_error: np.ndarray  # (K,) see solve_shifted
    method: str
    seconds: float
    moment: np.ndarray | None = None  # (K, p) moments^T S0 (see solve_shifted)

    def full_spin(self, k: int) -> np.ndarray:
        """S = S0 + uniform part for shift index k (may be inf)."""
        return self.spin[k] + self.uniform_part[k]


#: engines of :func:`solve_shifted`
SHIFT_METHODS = ("multifrontal", "backprop")


def solve_shifted(network, source: np.ndarray, shifts: np.ndarray,
                  tolerance: float = 1e-9, threads: int | None = None,
                  method: str = "multifrontal", moments: np.ndarray | None = None,
                  keep_spin: bool = True) -> ShiftedSolution:
    """Steady state of (S43): sum_j g_ij (S_j - S_i) - eps S_i + source_i = 0 for each eps.

    Two exact engines (both subtraction-free, same METIS order):

    * ``method="multifrontal"`` (default, fast): supernodal elimination with dense fronts
      (:mod:`numerics.multifrontal`), potentials only.  ``bond_difference`` is ``None``;
      ``max_balance_error[k]`` is the backward error of the computed S (:func:`backward_error`):
      the relative change of the conductances, the shift and (normwise) the source for
      which S would be exact.
    * ``method="backprop"``: one-pivot-at-a-time elimination plus the current
      back-propagation, which also gives every bond difference D_b = g_ij (S_j - S_i) to
      ~1e-16 of the source scale (for the Eq. (12) cross-check; ~10x slower).

    ``moments`` (M, p): also return ``moment[k] = moments^T S0_k`` (K, p) (e.g. centred positions
    for Eq. (12)); with ``keep_spin=False`` (multifrontal only) S0 itself is not kept
    (``spin`` is None), which saves K x M floats on large networks.

    All M cluster sites are ordinary nodes (closed spin system, no electrodes).  For each
    shift eps >= 0 (eps = inf allowed: S = 0, D = 0) the zero-mean part
    S0 = (L + eps)^-1 (source - mean(source)) and the bond differences
    D_b = g_ij (S_j - S_i) (from S0 only; the uniform part mean/eps never enters) are computed
    by the subtraction-free elimination with eps as a conductance to a ground node.

    max_balance_error[k] = max_i |sum_j D_ij - eps S0_i + (source_i - mean)| / max_i |source_i|
    (0 when the source vanishes); a value above ``tolerance`` raises ``ArithmeticError``.
    The symbolic factorisation is shared by all shifts; the numeric elimination is redone
    per shift (eps enters every pivot), shifts run in ``threads`` threads (default: all
    cores; the kernels release the GIL).
    """
    t0 = time.perf_counter()
    if method not in SHIFT_METHODS:
        raise ValueError(f"method must be one of {SHIFT_METHODS}, got {method!r}")
    shifts = np.atleast_1d(np.asarray(shifts, dtype=np.float64))
    if shifts.ndim != 1 or np.any(np.isnan(shifts)) or np.any(shifts < 0):
        raise ValueError("shifts must be a 1-D array of eps = tau_0/tau_s >= 0 (inf allowed)")
    M = network.positions.shape[0]
    source = np.asarray(source, dtype=np.float64)
    if source.shape != (M,) or not np.all(np.isfinite(source)):
        raise ValueError(f"source must be a finite array of shape ({M},), got {source.shape}")
    bonds = network.bonds
    # the multifrontal route adapts its concurrency to the memory once the plan is known
    # (_workers_that_fit): refuse early only if not even one shift at a time would fit
    check_memory(network, int(np.sum(np.isfinite(shifts))), 1 if method == "multifrontal" else threads, method)
    if moments is not None:
        moments = np.asarray(moments, dtype=np.float64).reshape(M, -1)
    # shared by both engines: the zero-mean source, its scale, the uniform part, the shifts to solve
    mean = float(np.mean(source))
    s0 = source - mean
    scale = float(np.max(np.abs(source))) if M else 0.0
    uniform = np.array([0.0 if mean == 0.0 else (math.copysign(math.inf, mean) if eps == 0.0 else mean / eps)
                        for eps in shifts])
    todo = [k for k in range(shifts.size) if not (math.isinf(shifts[k]) or scale == 0.0)]
    g = np.exp(-2.0 * network.lengths)
    if method == "multifrontal":
        return _solve_shifted_multifrontal(network, g, shifts, s0, mean, uniform, todo, tolerance, threads, t0,
                                           moments, keep_spin)
    plan = plan_elimination(M, bonds[:, 0], bonds[:, 1], g, network.positions,
                            terminals=(), cutoff=network.cutoff_length,
                            inner_order=network_order(network))
    # the last position doubles as the reference node when eps == 0
    K = shifts.size
    B = bonds.shape[0]
    D = np.zeros((K, B))
    S = np.zeros((K, M))
    err = np.zeros(K)
    s_pos = np.ascontiguousarray(s0[plan.order])
    loc = _bond_locations(plan, bonds)
    workers = max(1, min(int(threads or os.cpu_count() or 1), max(1, len(todo))))
    lanes = lanes_per_batch(plan.nnz, len(todo), workers, _LANES)
    batches = [todo[i:i + lanes] for i in range(0, len(todo), lanes)]

    def work(batch):
        eps = shifts[batch]
        Kb = len(batch)
        vals = np.repeat(plan.vals0[:, None], Kb, axis=1)
        gamma = np.repeat(eps[None, :], M, axis=0)
        # eps == 0 lanes: the last position is the reference node (pivot stored as inf)
        C, bad = _lanes.factor_lanes(plan.ptr, plan.idx, vals, gamma, M)
        if bad >= 0:
            raise ArithmeticError("disconnected node in the shifted solve")
        sp = _lanes.forward_lanes(plan.ptr, plan.idx, vals, C,
                                  np.repeat(s_pos[:, None], Kb, axis=1), M)
        V = _lanes.potentials_lanes(plan.ptr, plan.idx, vals, C, sp, np.zeros((M, Kb)), M)
        P = np.zeros_like(vals)
        Pg = np.zeros((M, Kb))
        _lanes.backprop_lanes(plan.ptr, plan.idx, vals, gamma, C, sp, P, Pg, M)
        del vals, gamma, Pg
        for j, k in enumerate(batch):
            Sk = np.empty(M)
            Sk[plan.order] = V[:, j]
            Sk -= Sk.mean()  # exact zero mean (see the multifrontal engine)
            S[k] = Sk
            flow = plan.edge_g * P[plan.edge_entry, j]
            Dk = np.where(plan.edge_flip, -flow, flow)[loc]  # bond (i, j): flow from j into i
            D[k] = Dk
            net = np.bincount(bonds[:, 0], weights=Dk, minlength=M) \
                - np.bincount(bonds[:, 1], weights=Dk, minlength=M)
            err[k] = float(np.max(np.abs(net - eps[j] * Sk + s0))) / scale

    run_in_threads(work, batches, workers)
    method = "subtraction-free nested-dissection elimination + current back-propagation"
    sol = ShiftedSolution(shifts=shifts, bond_difference=D, spin=S, uniform_part=uniform,
                          source_mean=mean, max_balance_error=err, method=method,
                          moment=None if moments is None else S @ moments,
                          seconds=time.perf_counter() - t0)
    if not np.all(err <= tolerance):
        raise ArithmeticError(f"spin balance error {err.max():.3g} exceeds tolerance {tolerance:g}")
    return sol


def _solve_shifted_multifrontal(network, g, shifts, s0, mean, uniform, todo, tolerance, threads, t0,
                                moments=None, keep_spin=True) -> ShiftedSolution:
    """``solve_shifted(method="multifrontal")``: see there (``s0``, ``mean``, ``uniform``, ``todo``
    are prepared there for both engines)."""
    M = network.positions.shape[0]
    bonds = network.bonds
    K = shifts.size
    S = np.zeros((K, M)) if keep_spin else None
    mom = np.zeros((K, moments.shape[1])) if moments is not None else None
    err = np.zeros(K)
    if todo:
        order, _, sn = shifted_plan(network)
        rhs = np.ascontiguousarray(s0[order])
        a, b = bonds[:, 0], bonds[:, 1]
        workers = _workers_that_fit(sn, M, max(1, min(int(threads or os.cpu_count() or 1), len(todo))))

        def work(k):
            eps = float(shifts[k])
            Sp = _mf.factor_solve(sn, g, eps, rhs)
            Sk = np.empty(M)
            Sk[order] = Sp
            # Σ S = Σ(source - mean)/ε = 0 exactly; the rounding of the mean removal (~1e-16 |source|)
            # would otherwise come back as a uniform offset ~1e-16 |source| / ε
            Sk -= Sk.mean()
            if S is not None:
                S[k] = Sk
            if mom is not None:
                mom[k] = moments.T @ Sk
            err[k] = backward_error(a, b, g, eps, Sk, s0)

        # one BLAS thread per worker when several run: the workers already fill the cores
        with threadpool_limits(limits=1) if workers > 1 else contextlib.nullcontext():
            run_in_threads(work, todo, workers)
    sol = ShiftedSolution(shifts=shifts, bond_difference=None, spin=S, uniform_part=uniform,
                          source_mean=mean, max_balance_error=err, moment=mom,
                          method="subtraction-free supernodal multifrontal elimination (dense fronts)",
                          seconds=time.perf_counter() - t0)
    if not np.all(err <= tolerance):
        raise ArithmeticError(f"spin balance (backward) error {err.max():.3g} exceeds tolerance {tolerance:g}")
    return sol


def _workers_that_fit(sn, M: int, workers: int) -> int:
    """Concurrent shifts whose factors fit in the available memory (exact sizes from the
    symbolic plan); ``MemoryError`` naming the need if not even one fits."""
    per = 8 * (sn.stored + sn.stack_size + sn.max_front + 6 * M)
    have = available_memory()
    if have is None:
        return workers
    fit = int(0.9 * have // per)
    if fit < 1:
        raise MemoryError(f"one shifted factorisation needs {per / 2**30:.2f} GiB for {M} sites "
                          f"({sn.stored} stored front entries) but only {have / 2**30:.2f} GiB are "
                          f"available (see numerics.laplacian.estimate_memory)")
    return min(workers, fit)


def backward_error(a: np.ndarray, b: np.ndarray, g: np.ndarray, eps: float, S: np.ndarray,
                   rhs: np.ndarray) -> float:
    """Mixed backward error of S for (L + eps) S = rhs, bonds (a, b) with conductances g:
    max_i |r_i| / (|rhs_i| + eps |S_i| + sum_j g_ij (|S_i| + |S_j|) + max_j |rhs_j|), with
    r_i = sum_j g_ij (S_j - S_i) - eps S_i + rhs_i: the smallest η such that S is exact for
    conductances and shift perturbed by a relative η each and a source perturbed by η max|rhs|
    (componentwise in the matrix, normwise in the source, because the zero-mean projection of
    the source is itself only accurate to ~1e-16 max|rhs| on every site)."""
    if S.shape[0] == 0:
        return 0.0
    return _backward_error(np.ascontiguousarray(a, np.int64), np.ascontiguousarray(b, np.int64),
                           np.ascontiguousarray(g, np.float64), float(eps),
                           np.ascontiguousarray(S, np.float64), np.ascontiguousarray(rhs, np.float64))


@nb.njit(cache=True, nogil=True)
def _backward_error(a, b, g, eps, S, rhs):
    M = S.shape[0]
    r = rhs - eps * S
    den = np.abs(rhs) + eps * np.abs(S)
    top = 0.0
    for i in range(M):
        top = max(top, abs(rhs[i]))
    for t in range(a.shape[0]):
        i = a[t]
        j = b[t]
        d = g[t] * (S[j] - S[i])
        w = g[t] * (abs(S[i]) + abs(S[j]))
        r[i] += d
        r[j] -= d
        den[i] += w
        den[j] += w
    worst = 0.0
    for i in range(M):
        q = den[i] + top
        if q > 0.0:
            worst = max(worst, abs(r[i]) / q)
        elif r[i] != 0.0:
            return np.inf
    return worst


_LANES: int | None = None  # override of the lane count (tests, benchmarks)

#: factor entries per site ~ NNZ_COEFF x (mean degree) x log2(M) for the METIS order of
#: these geometric networks (measured: 2.17e6 at M = 1e5, 1.26e7 at M = 5e5, degree 10.1)
NNZ_COEFF = 0.134
LANE_BUDGET = 1.5e9
#: stored front entries per estimated factor entry (measured 1.294 at N = 1e5 ... 1.299 at 3e6)
MF_STORED_PER_NNZ = 1.3
#: triangle list (2 × 3 int32) and per-part triad buffers, per site (≈ 10 triangles per site)
TRIANGLE_BYTES_PER_SITE = 400


def estimate_factor_nnz(n_sites: int, n_bonds: int) -> float:
    """Predicted number of factor entries (an estimate: +-20 % on the measured networks)."""
    M = max(int(n_sites), 2)
    deg = 2.0 * n_bonds / M
    return NNZ_COEFF * deg * M * math.log2(M) + n_bonds


def estimate_memory(network, shifts: int = 30, threads: int | None = None,
                    method: str = "multifrontal") -> int:
    """Estimated peak bytes of ``solve_kirchhoff`` + triad sums + ``solve_shifted`` with
    ``shifts`` shifts (0: Kirchhoff only) on ``network`` (network arrays included).

    ``"multifrontal"``: the stored fronts are :data:`MF_STORED_PER_NNZ` × the estimated factor
    entries (measured 1.29–1.30 from N = 1e5 to 3e6); the Kirchhoff phase holds one factor plus
    the symbolic pattern, the shift phase the K × sites spins plus one factor, update stack and
    front per concurrent shift; triangles cost :data:`TRIANGLE_BYTES_PER_SITE`.  ``"backprop"``:
    the plan (pattern int64 + values), Kirchhoff work arrays, K × bonds differences and lane
    buffers (2 × nnz float64 per lane, capped by ``LANE_BUDGET``).
    """
    M = int(network.positions.shape[0])
    B = int(network.bonds.shape[0])
    nnz = estimate_factor_nnz(M, B)
    base = 300 * 2**20 + M * 48 + B * 72  # interpreter + libraries, network, order, bond arrays
    if method == "multifrontal":
        stored = MF_STORED_PER_NNZ * nnz
        kirch = 8 * (2 * stored + nnz) + B * 40
        triads = TRIANGLE_BYTES_PER_SITE * M
        total = base + max(kirch, triads)
        if shifts > 0:
            workers = max(1, min(int(threads or os.cpu_count() or 1), shifts))
            per = 8 * (stored + 0.06 * stored + 6 * M)
            total = max(total, base + 8 * nnz + shifts * 8 * M + workers * per)
        return int(total)
    plan = 8 * (M + 1) + 16 * nnz + B * 41 + M * 16
    kirch = 24 * nnz + B * 40 + M * 40
    total = base + plan + kirch
    if shifts > 0:
        workers = max(1, min(int(threads or os.cpu_count() or 1), shifts))
        lanes = lanes_per_batch(int(nnz), shifts, workers)
        work = workers * lanes * (16 * nnz + 40 * M)
        out = shifts * (8 * B + 8 * M)
        total = max(total, base + plan + out + work + 8 * B * 4)
    return int(total)


def available_memory() -> int | None:
    """MemAvailable from /proc/meminfo in bytes (None where unknown)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def check_memory(network, shifts: int, threads: int | None = None, method: str = "multifrontal") -> None:
    """Raise ``MemoryError`` early (before any large allocation) if the estimate exceeds
    the available memory."""
    need = estimate_memory(network, shifts, threads, method)
    have = available_memory()
    if have is not None and need > have:
        raise MemoryError(
            f"estimated memory {need / 2**30:.2f} GiB for {network.positions.shape[0]} sites, "
            f"{network.bonds.shape[0]} bonds and {shifts} shifts exceeds the available "
            f"{have / 2**30:.2f} GiB (see numerics.laplacian.estimate_memory)")


def lanes_per_batch(nnz: int, n_shifts: int, workers: int, lanes: int | None = None,
                    budget: float | None = None) -> int:
    """Shifts eliminated together in one pass ("lanes"), limited by memory.

    Each lane holds its factor values and arm currents (2 x nnz float64); ``budget`` bytes
    (default 1.5 GB) are shared by the ``workers`` concurrent batches.
    """
    if lanes is not None:
        return max(1, int(lanes))
    if n_shifts <= 0:
        return 1
    budget = 1.5e9 if budget is None else float(budget)
    cap = max(1, int(budget // (workers * 16.0 * max(nnz, 1))))
    per_worker = -(-n_shifts // workers)
    return max(1, min(cap, per_worker, 16))


def _bond_locations(plan: EliminationPlan, bonds: np.ndarray) -> np.ndarray:
    """Index of each bond (i < j) among the plan edges (u < v node pairs)."""
    key_plan = plan.edge_u * (plan.n + 1) + plan.edge_v
    key_b = bonds[:, 0] * (plan.n + 1) + bonds[:, 1]
    srt = np.argsort(key_plan)
    return srt[np.searchsorted(key_plan[srt], key_b)]
