"""Symbolic factorisation of a reduced graph Laplacian: the factor pattern and the elimination plan.

:func:`symbolic_rows` gives the row structure of the upper Cholesky factor of a graph in a given
elimination order (positions); :class:`EliminationPlan` bundles the order, that pattern and the
scattered conductances for the one-pivot-at-a-time engine (:mod:`numerics.solvers.gth`) and the
edge-source elimination (:mod:`numerics.solvers.edge_sources`).  The supernodal engine builds its
plan from the same pattern (:mod:`numerics.solvers.supernodal`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numba as nb
import numpy as np
from scipy.sparse import coo_matrix

from hopspin.errors import ParameterError

from .ordering import fill_order

__all__ = ["symbolic_rows", "place_entries", "EliminationPlan", "plan_elimination", "edge_flows",
           "bond_locations"]


@nb.njit(cache=True, nogil=True)
def symbolic_rows(n, aptr, aidx):
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
def place_entries(ptr, idx, eu, ev):
    """Entry index of each edge (eu < ev, positions) inside row eu."""
    out = np.empty(eu.shape[0], np.int64)
    for t in range(eu.shape[0]):
        k = eu[t]
        lo = ptr[k]
        hi = ptr[k + 1]
        out[t] = lo + np.searchsorted(idx[lo:hi], ev[t])
    return out

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

    ordering: one of :data:`numerics.solvers.ordering.ORDERINGS` (default METIS when ``pymetis`` is
    installed); ``leaf`` is unused (kept for the geometric dissection's signature).
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
    if inner_order is not None:
        perm_inner = np.asarray(inner_order, np.int64)
        if perm_inner.shape != (inner.size,):
            raise ParameterError("inner_order must order every non-terminal node once", parameter="inner_order")
    else:
        adj = coo_matrix((np.ones(2 * iu.size, np.int8),
                          (np.concatenate([iu, iv]), np.concatenate([iv, iu]))),
                         shape=(inner.size, inner.size)).tocsr()
        perm_inner = fill_order(adj, ordering, coords[inner], cutoff)
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
    ptr, idx = symbolic_rows(n_nodes, aptr, aidx)
    entry = place_entries(ptr, idx, a, b)
    vals0 = np.zeros(idx.shape[0])
    vals0[entry] = g
    return EliminationPlan(n=n_nodes, n_terminal=len(terminals), order=order, position=position,
                           ptr=ptr, idx=idx, edge_u=u, edge_v=v, edge_g=g, edge_entry=entry,
                           edge_flip=flip, vals0=vals0, seconds=time.perf_counter() - t0)


def edge_flows(plan: EliminationPlan, P: np.ndarray) -> np.ndarray:
    """Flow from edge_v into edge_u across each reduced edge's *original* conductance."""
    flow = plan.edge_g * P[plan.edge_entry]  # from later-position node into earlier one
    return np.where(plan.edge_flip, -flow, flow)


def bond_locations(plan: EliminationPlan, bonds: np.ndarray) -> np.ndarray:
    """Index of each bond (i < j) among the plan edges (u < v node pairs)."""
    key_plan = plan.edge_u * (plan.n + 1) + plan.edge_v
    key_b = bonds[:, 0] * (plan.n + 1) + bonds[:, 1]
    srt = np.argsort(key_plan)
    return srt[np.searchsorted(key_plan[srt], key_b)]
