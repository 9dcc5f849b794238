"""Triads of the bond network and their spin generation, (S27), (S42), (S44).

A triad (i; j, k) is three sites joined pairwise by bonds (every hop shorter than the
cut-off).  Each triangle {a, b, c} of the bond graph gives three triads, one per choice of
the generating site i, with the unordered pair (j, k) the other two — the primed sum of
(S42)/(S44).  Its spin generation per unit current I_kj comes from the generated kernel
``numerics._generated.triad_spin_generation`` for the β given at run time; with site energies it is
multiplied by the triad's energy factor h_ikj (``numerics._generated.triad_energy_weight``,
derivations/d12: ``τ_kj Q_ikj = e^{R_kj−R_ik−R_ij} h_ikj/8``).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
from numba import njit

from ._generated import triad_energy_weight, triad_spin_generation
from ._threads import run_in_threads

__all__ = ["TriadSums", "triad_sums", "triangle_list", "count_triangles", "bond_lookup", "rotation", "orientation",
           "oriented_area", "flow_into"]


@njit(cache=True)
def _csr(n, bonds):
    deg = np.zeros(n + 1, np.int64)
    for b in range(bonds.shape[0]):
        deg[bonds[b, 0] + 1] += 1
        deg[bonds[b, 1] + 1] += 1
    ptr = np.cumsum(deg)
    nbr = np.empty(ptr[-1], np.int64)
    eid = np.empty(ptr[-1], np.int64)
    fill = ptr[:-1].copy()
    for b in range(bonds.shape[0]):
        u, v = bonds[b, 0], bonds[b, 1]
        nbr[fill[u]] = v
        eid[fill[u]] = b
        fill[u] += 1
        nbr[fill[v]] = u
        eid[fill[v]] = b
        fill[v] += 1
    for s in range(n):  # sort each neighbour list (for the merge-intersection)
        lo, hi = ptr[s], ptr[s + 1]
        order = np.argsort(nbr[lo:hi])
        nbr[lo:hi] = nbr[lo:hi][order]
        eid[lo:hi] = eid[lo:hi][order]
    return ptr, nbr, eid


@njit(cache=True, nogil=True, inline="always")
def flow_into(bonds, flow, e, k):
    """I_kj = flow along bond e into its end k from the other end j (``flow`` holds, for bond (a, b), a < b,
    the flow from b into a)."""
    if bonds[e, 0] == k:
        return flow[e]
    return -flow[e]


@njit(cache=True, nogil=True, inline="always")
def rotation(tri, edges, t, rot):
    """The triad (i; j, k) of triangle t with generating site number ``rot`` (0, 1, 2 for u, v, w):
    (i, j, k, bond (j, k)) — the three triads of the primed sums of (S42)/(S44)."""
    u, v, w = tri[t, 0], tri[t, 1], tri[t, 2]
    if rot == 0:
        return u, v, w, edges[t, 2]
    if rot == 1:
        return v, u, w, edges[t, 1]
    return w, u, v, edges[t, 0]


@njit(cache=True, nogil=True, inline="always")
def orientation(tri, edges, t, o):
    """The ordered triad (i; k, j) number ``o`` (0..5) of triangle t: (i, j, k, bond (i, j)) — the six sources
    across the bonds of the SGE route (each bond (i, j) of the triangle in both directions)."""
    u, v, w = tri[t, 0], tri[t, 1], tri[t, 2]
    if o == 0:
        return u, v, w, edges[t, 0]
    if o == 1:
        return v, u, w, edges[t, 0]
    if o == 2:
        return u, w, v, edges[t, 1]
    if o == 3:
        return w, u, v, edges[t, 1]
    if o == 4:
        return v, w, u, edges[t, 2]
    return w, v, u, edges[t, 2]


@njit(cache=True, nogil=True, inline="always")
def oriented_area(pos, i, k, j):
    """A_ikj = [(x_j − x_i)(y_k − y_i) − (x_k − x_i)(y_j − y_i)]/2 (a_b²): the loop phase Φ_ikj = b A_ikj."""
    return 0.5 * ((pos[j, 0] - pos[i, 0]) * (pos[k, 1] - pos[i, 1]) - (pos[k, 0] - pos[i, 0]) * (pos[j, 1] - pos[i, 1]))


@njit(cache=True, nogil=True)
def _triangles(n, ptr, nbr, eid, tri, edges, fill):
    """Every triangle once (u < v < w); with ``fill`` False only count.  ``edges[t]`` are the bond
    ids of (u, v), (u, w), (v, w).  For each u the higher neighbours are marked (with the bond
    id); a triangle is a marked w among the higher neighbours of a higher neighbour v.  The
    neighbour lists are sorted, so the triangles come out ordered by (u, v, w)."""
    count = 0
    mark = np.full(n, -1, np.int64)
    for u in range(n):
        for pu in range(ptr[u], ptr[u + 1]):
            if nbr[pu] > u:
                mark[nbr[pu]] = pu
        for pu in range(ptr[u], ptr[u + 1]):
            v = nbr[pu]
            if v <= u:
                continue
            for pv in range(ptr[v], ptr[v + 1]):
                w = nbr[pv]
                if w > v and mark[w] >= ptr[u] and mark[w] < ptr[u + 1]:
                    if fill:
                        tri[count, 0], tri[count, 1], tri[count, 2] = u, v, w
                        edges[count, 0], edges[count, 1], edges[count, 2] = eid[pu], eid[mark[w]], eid[pv]
                    count += 1
    return count


def triangle_list(n_sites: int, bonds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All triangles of the bond graph: ``(tri, edges)``, (T, 3) int32 each.

    ``tri[t] = (u, v, w)`` with u < v < w; ``edges[t]`` = bond indices of (u, v), (u, w), (v, w).
    """
    bonds = np.ascontiguousarray(bonds, dtype=np.int64)
    ptr, nbr, eid = _csr(n_sites, bonds)
    empty = np.zeros((0, 3), np.int32)
    count = _triangles(n_sites, ptr, nbr, eid, empty, empty, False)
    tri = np.empty((count, 3), np.int32)
    edges = np.empty((count, 3), np.int32)
    _triangles(n_sites, ptr, nbr, eid, tri, edges, True)
    return tri, edges


@njit(cache=True, nogil=True)
def _accumulate(pos, bonds, current, beta, tri, edges, energies, flux, drift_site, source_site, sge_total):
    """The three triads (i; j, k) of every triangle, one per generating site i, for each flux f: the currents
    ``current[f]`` and the weight cos Φ_ikj (flux 0: weight 1); ``energies`` empty: all equal, h = 1."""
    with_energies = energies.shape[0] > 0
    b = beta
    for t in range(tri.shape[0]):
        for rot in range(3):
            i, j, k, e_jk = rotation(tri, edges, t, rot)
            out = triad_spin_generation(pos[i, 0], pos[i, 1], pos[j, 0], pos[j, 1], pos[k, 0], pos[k, 1],
                                        b[0], b[1], b[2], b[3], b[4], b[5])
            h = triad_energy_weight(energies[i], energies[j], energies[k])[0] if with_energies else 1.0
            for f in range(flux.shape[0]):
                cur = flow_into(bonds, current[f], e_jk, k)
                if cur == 0.0:
                    continue
                if with_energies:
                    cur = cur * h
                if flux[f] != 0.0:
                    cur = cur * math.cos(flux[f] * oriented_area(pos, i, k, j))
                for m in range(3):
                    drift_site[f, i, m] += cur * out[m]
                    source_site[f, i, m] += cur * out[3 + m]
                    sge_total[f, m] += cur * out[6 + m]


@dataclass(frozen=True)
class TriadSums:
    """Spin generation summed over triads, per unit of the bond currents' scale.

    Attributes
    ----------
    drift_site : (M, 3) array
        ``Σ'_{jk} I_kj e^{R_kj−R_ik−R_ij} Γ^{(3)}_ikj/(8Q)`` per generating site i: the drift
        spin generation of (S27) without the factor 1/(J0 τ0).
    source_site : (M, 3) array
        The same with the second-order Γ: the spin-separation source, (S44) per Tr β².
    drift_total, sge_total : (3,) arrays
        Sums over all sites of the drift generation and of the Λ (S15) analogue.
    triangles : int
        Number of triangles of the bond graph (each gives three triads).
    """

    drift_site: np.ndarray
    source_site: np.ndarray
    drift_total: np.ndarray
    sge_total: np.ndarray
    triangles: int
    #: with ``flux`` given to :func:`triad_sums`, every array carries a leading axis, one row per flux


def triad_sums(positions: np.ndarray, bonds: np.ndarray, bond_current: np.ndarray, beta,
               threads: int | None = None, energies: np.ndarray | None = None, flux=None,
               triangles: tuple[np.ndarray, np.ndarray] | None = None) -> TriadSums:
    """Sum the generated per-triad kernels over every triad of the network.

    Parameters
    ----------
    positions : (M, 2) array, in a_b
    bonds : (B, 2) int array with i < j
    bond_current : (B,) array, flow from j into i for bond (i, j) (any common scale)
    beta : (3, 2) array-like
        Spin-orbit matrix in units ħ²/(m a_b) (rows spin x, y, z; columns k_x, k_y).
    threads : int, optional
        Threads for the sum (default: all cores); the result is the same for any count.
    energies : (M,) array, optional
        Site energies in k_BT: every triad is weighted by its energy factor h_ikj (None: h = 1).
    flux : (F,) array, optional
        Perpendicular flux densities b = e B_z a_b²/ħ: ``bond_current`` is then (F, B), one row per flux, every
        triad is weighted by cos Φ_ikj, Φ_ikj = b A_ikj (theory/flux_core: Γ in the field = cos Φ × Γ), and every
        array of the result has a leading flux axis.
    triangles : (tri, edges), optional
        :func:`triangle_list` of the bonds, if already known.

    Returns
    -------
    TriadSums
    """
    positions = np.ascontiguousarray(positions, dtype=np.float64)
    bonds = np.ascontiguousarray(bonds, dtype=np.int64)
    beta = np.ascontiguousarray(np.asarray(beta, dtype=np.float64).reshape(3, 2)).ravel()
    n = positions.shape[0]
    tri, edges = triangles if triangles is not None else triangle_list(n, bonds)
    fluxes = np.zeros(1) if flux is None else np.ascontiguousarray(np.atleast_1d(flux), dtype=np.float64)
    current = np.ascontiguousarray(np.asarray(bond_current, dtype=np.float64).reshape(fluxes.size, -1))
    site_energies = np.zeros(0) if energies is None else np.ascontiguousarray(energies, dtype=np.float64)
    nf = fluxes.size
    # a fixed split into CHUNKS parts, each summed into its own buffers and the buffers added in
    # a fixed order: the result does not depend on how many threads run the parts
    cut = np.linspace(0, tri.shape[0], CHUNKS + 1).astype(np.int64)
    parts = [(np.zeros((nf, n, 3)), np.zeros((nf, n, 3)), np.zeros((nf, 3))) for _ in range(CHUNKS)]

    def run(c):
        lo, hi = cut[c], cut[c + 1]
        _accumulate(positions, bonds, current, beta, tri[lo:hi], edges[lo:hi], site_energies, fluxes, *parts[c])

    run_in_threads(run, range(CHUNKS), max(1, min(CHUNKS, int(threads or os.cpu_count() or 1))))
    drift, source, sge = parts[0]
    for d, s_, g in parts[1:]:
        drift += d
        source += s_
        sge += g
    if flux is None:
        drift, source, sge = drift[0], source[0], sge[0]
    return TriadSums(drift_site=drift, source_site=source, drift_total=drift.sum(axis=-2), sge_total=sge,
                     triangles=int(tri.shape[0]))


#: fixed number of parts of the triad sum (independent of the thread count)
CHUNKS = 2


def count_triangles(n_sites: int, bonds: np.ndarray) -> int:
    """Number of triangles in the bond graph."""
    bonds = np.ascontiguousarray(bonds, dtype=np.int64)
    ptr, nbr, eid = _csr(n_sites, bonds)
    empty = np.zeros((0, 3), np.int32)
    return int(_triangles(n_sites, ptr, nbr, eid, empty, empty, False))


def bond_lookup(bonds: np.ndarray) -> dict[tuple[int, int], int]:
    """Map (i, j) with i < j to the bond index (for tests and small networks)."""
    return {(int(a), int(b)): e for e, (a, b) in enumerate(bonds)}
