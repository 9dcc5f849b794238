"""The field-independent parts of the spin-galvanic route (``numerics/sge.py``) for all three spin directions.

A uniform spin s drives (d07, d10 item 12) the direct Λ^{(3)} sources across every bond and, through the
precession spin, Λ^{(2)}·ĉ sources ``coef_b S^c_b − coef_a S^c_a`` (EMFs, as :func:`numerics.sge.bond_emfs`).
Here one pass over the triads gives the direct EMFs for s = x̂, ŷ, ẑ at once and the Λ^{(2)} coefficients
(which depend on ĉ only).  Short-circuit currents of a pattern of EMFs e_b:

* ``"elimination"``: the exact edge-source elimination of :func:`numerics.solvers.short_circuit_current`
  (relative accuracy per edge; one-pivot plan, several seconds at N = 2×10⁵);
* ``"reciprocity"``: ``I_SC = Σ_b e_b I_b`` with I_b the unit-voltage Kirchhoff bond currents (network
  reciprocity; each I_b is accurate to ~1e-16 I_total).  For the precession patterns it is ``κ·S^c`` with
  ``κ_i = Σ_b I_b (coef_b [i = b] − coef_a [i = a])``, a moment of S^c.

Measured agreement of the two (N = 2×10⁴, unit [001] β): direct ~1e-15 relative at n_s a_b² = 0.003–0.1; the
precession pattern 2Z of τ_s ≤ 10⁶: ≤ 2e-13, τ_s = 10¹⁰: ≤ 3e-11, τ_s = 10¹⁴: ≤ 5e-9 (n_s a_b² = 0.003).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .._generated import triad_spin_generation
from ..sge import _precession_emf
from ..solvers import short_circuit_current
from ..triads import triangle_list

__all__ = ["bond_emfs_all_spins", "sge_parts", "ROUTES"]

ROUTES = ("reciprocity", "elimination")


@njit(cache=True)
def _bond_emfs3(pos, bonds, tri, tri_edges, beta, axis, direct, coef_b, coef_a):
    """As :func:`numerics.sge._bond_emfs` with ``direct`` (B, 3): one column per spin direction x, y, z."""
    for tt in range(tri.shape[0]):
        u, v, w = tri[tt, 0], tri[tt, 1], tri[tt, 2]
        edges = (tri_edges[tt, 0], tri_edges[tt, 1], tri_edges[tt, 2])  # (u,v), (u,w), (v,w)
        for t in range(6):
            if t == 0:
                i, j, k, e = u, v, w, edges[0]
            elif t == 1:
                i, j, k, e = v, u, w, edges[0]
            elif t == 2:
                i, j, k, e = u, w, v, edges[1]
            elif t == 3:
                i, j, k, e = w, u, v, edges[1]
            elif t == 4:
                i, j, k, e = v, w, u, edges[2]
            else:
                i, j, k, e = w, v, u, edges[2]
            out = triad_spin_generation(pos[i, 0], pos[i, 1], pos[j, 0], pos[j, 1], pos[k, 0], pos[k, 1],
                                        beta[0], beta[1], beta[2], beta[3], beta[4], beta[5])
            dx, dy = pos[i, 0] - pos[j, 0], pos[i, 1] - pos[j, 1]
            r_ij = math.sqrt(dx * dx + dy * dy)
            dx, dy = pos[k, 0] - pos[j, 0], pos[k, 1] - pos[j, 1]
            r_kj = math.sqrt(dx * dx + dy * dy)
            scale = math.exp(2.0 * (r_ij - r_kj))
            lam_z = (out[9] * axis[0] + out[10] * axis[1] + out[11] * axis[2]) * scale
            sgn = 1.0 if i == bonds[e, 0] else -1.0      # (i, j) = (a, b): from b into a
            for mu in range(3):
                direct[e, mu] += sgn * (out[6 + mu] * scale)
            if sgn > 0:
                coef_b[e] += lam_z
            else:
                coef_a[e] += lam_z


def bond_emfs_all_spins(network, beta, axis):
    """(direct (B, 3), coef_b (B,), coef_a (B,)): the SGE EMFs of :func:`numerics.sge.bond_emfs` for the
    uniform spin along x, y and z, in one pass over the triads."""
    pos = np.ascontiguousarray(network.positions, dtype=np.float64)
    bonds = np.ascontiguousarray(network.bonds, dtype=np.int64)
    b = np.ascontiguousarray(np.asarray(beta, dtype=np.float64).reshape(3, 2)).ravel()
    tri, tri_edges = triangle_list(pos.shape[0], bonds)
    B = bonds.shape[0]
    direct, coef_b, coef_a = np.zeros((B, 3)), np.zeros(B), np.zeros(B)
    _bond_emfs3(pos, bonds, tri, tri_edges, b, np.asarray(axis, dtype=np.float64), direct, coef_b, coef_a)
    return direct, coef_b, coef_a


def sge_parts(network, kirchhoff, beta, axis, analysis, route: str = "reciprocity") -> dict:
    """Field-independent SGE parts of one current run, normalised like :func:`numerics.sge.short_circuit_response`.

    Returns ``norm`` = (L/N)/(4 I_total), ``direct`` (3,), ``ipc`` (3,) = I(2p_c) per spin direction, ``kappa``
    (M,) (the reciprocity functional of S^c, unnormalised), ``gauge`` = max |direct + ipc| / max |direct|,
    ``coef`` = (coef_b, coef_a) and ``route``.
    """
    beta = np.asarray(beta, dtype=float).reshape(3, 2)
    net = network
    M = net.positions.shape[0]
    norm = net.side / net.sites / (4.0 * kirchhoff.total_current)
    direct_e, coef_b, coef_a = bond_emfs_all_spins(net, beta, axis)
    centred = net.positions - net.positions.mean(axis=0)
    pcs = np.array([centred @ (beta.T @ np.cross(np.eye(3)[mu], axis)) for mu in range(3)])   # p_c per spin
    a, b, cur = net.bonds[:, 0], net.bonds[:, 1], kirchhoff.bond_current
    kappa = np.zeros(M)
    np.add.at(kappa, b, coef_b * cur)
    np.add.at(kappa, a, -coef_a * cur)
    if route == "elimination":
        lanes = np.vstack([direct_e.T, _precession_emf(net, coef_b, coef_a, 2.0 * pcs)])
        isc = short_circuit_current(net, lanes, analysis) * norm
        direct, ipc = isc[:3], isc[3:]
    else:
        direct = (cur @ direct_e) * norm
        ipc = (2.0 * pcs @ kappa) * norm
    gauge = float(np.max(np.abs(direct + ipc)) / max(float(np.max(np.abs(direct))), 1e-300))
    return dict(norm=norm, direct=direct, ipc=ipc, kappa=kappa, gauge=gauge, coef=(coef_b, coef_a), route=route)
