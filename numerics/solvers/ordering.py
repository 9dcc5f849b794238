"""Fill-reducing orderings of the bond graph (position -> node permutations).

* ``"metis"`` (default when ``pymetis`` is installed): METIS nested dissection of the graph.
* ``"mmd"``: SuperLU's multiple minimum degree on A + Aᵀ (the fallback without ``pymetis``; a
  ``RuntimeWarning`` says so once).
* ``"nd"``: a geometric nested dissection from the site coordinates (median cuts of the longer
  axis, separators of sites within the bond cut-off of the cut).

Measured at N = 5e5, n_s a_b² = 0.01 (docs/kirchhoff.md): METIS 3.7 s and 7.9e8 update pairs;
the SuperLU MMD route 5.1 s and 1.14e9 pairs; "nd" ~6x more work than MMD.
"""
from __future__ import annotations

import warnings

import numba as nb
import numpy as np
from scipy.sparse import coo_matrix

from hopspin.errors import ParameterError

__all__ = ["ORDERINGS", "default_ordering", "fill_order", "network_order", "geometric_order", "adjacency"]

#: the fill-reducing orderings :func:`fill_order` knows
ORDERINGS = ("metis", "mmd", "nd", "geometric")


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


_WARNED = []


#: from this bond cut-off (in l_c) on, the geometric nested dissection is the default ordering
GEOMETRIC_FROM_CUTOFF = 2.0


def default_ordering(hop_cutoff: float | None = None) -> str:
    """The default fill-reducing order for a network cut at ``hop_cutoff`` l_c.

    ``"geometric"`` from :data:`GEOMETRIC_FROM_CUTOFF` on; below it ``"metis"`` when ``pymetis`` is installed,
    else SuperLU's ``"mmd"`` (with a one-time warning).  Measured in one run (``benchmarks/bench_ordering.py``,
    n_s a_b² = 0.01, 30 τ_s): at 3 l_c the geometric order cuts the pipeline from 161 to 95 s (N = 10⁵) and from
    245 to 162 s (5×10⁵) with the same fill and memory; at the paper's 1.5 l_c the two tie (5×10⁵: 28.0 vs 28.9 s,
    1.23 vs 1.15 GiB, +8 % fill), so METIS stays there (its smaller fill keeps N = 10⁷ within 16 GB)."""
    if hop_cutoff is not None and float(hop_cutoff) >= GEOMETRIC_FROM_CUTOFF:
        return "geometric"
    if _have_metis():
        return "metis"
    if not _WARNED:
        _WARNED.append(True)
        warnings.warn("pymetis is not installed: ordering with SuperLU's MMD instead of METIS "
                      "(~1.4x more factorisation work)", RuntimeWarning, stacklevel=2)
    return "mmd"


def adjacency(n: int, bonds: np.ndarray):
    """Symmetric 0/1 adjacency (CSR) of ``n`` nodes joined by ``bonds`` (B, 2)."""
    b = np.asarray(bonds, np.int64).reshape(-1, 2)
    return coo_matrix((np.ones(2 * b.shape[0], np.int8),
                       (np.concatenate([b[:, 0], b[:, 1]]), np.concatenate([b[:, 1], b[:, 0]]))),
                      shape=(n, n)).tocsr()


def geometric_order(coords: np.ndarray, adj, cutoff: float, leaf: int = 8) -> np.ndarray:
    """Geometric nested dissection (``"nd"``) of the nodes at ``coords`` (n, 2) with adjacency ``adj``."""
    cx = np.ascontiguousarray(coords[:, 0], dtype=np.float64)
    cy = np.ascontiguousarray(coords[:, 1], dtype=np.float64)
    return _nested_dissection(cx, cy, adj.indptr.astype(np.int64), adj.indices.astype(np.int64),
                              float(cutoff), int(leaf))


def fill_order(adj, ordering: str | None = None, coords: np.ndarray | None = None,
               cutoff: float | None = None) -> np.ndarray:
    """Fill-reducing order (position -> node) of a symmetric 0/1 adjacency (CSR).

    ``ordering`` is one of :data:`ORDERINGS` (default :func:`default_ordering`); ``"nd"`` and
    ``"geometric"`` (:mod:`numerics.solvers.geometric`, separators by minimum vertex cover) need the node
    ``coords`` and the bond ``cutoff``.
    """
    ordering = ordering or default_ordering()
    if ordering == "metis":
        return _metis_order(adj)
    if ordering == "mmd":
        return _mmd_order(adj)
    if ordering == "nd":
        if coords is None or cutoff is None:
            raise ParameterError("the geometric 'nd' ordering needs the node coordinates and the bond cut-off",
                                 parameter="ordering")
        return geometric_order(coords, adj, cutoff)
    if ordering == "geometric":
        if coords is None or cutoff is None:
            raise ParameterError("the 'geometric' ordering needs the node coordinates and the bond cut-off",
                                 parameter="ordering")
        from .geometric import geometric_nd
        return geometric_nd(coords, adj, cutoff)
    raise ParameterError(f"ordering must be one of {', '.join(ORDERINGS)}, got {ordering!r}", parameter="ordering")


def network_order(network, ordering: str | None = None) -> np.ndarray:
    """Fill-reducing order of all cluster sites of ``network`` (read-only array, position -> site).

    Shared by the Kirchhoff solve (interior sites: this order restricted to them) and the spin
    solves (S43) through :class:`numerics.solvers.analysis.NetworkAnalysis`, so one network is
    ordered once.
    """
    M = network.positions.shape[0]
    adj = adjacency(M, network.bonds)
    order = np.asarray(fill_order(adj, ordering, network.positions, network.cutoff_length), np.int64)
    order.setflags(write=False)
    return order
