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

import numpy as np

from ..sge import _precession_emf, bond_emf_table
from ..solvers import short_circuit_current

__all__ = ["bond_emfs_all_spins", "sge_parts", "ROUTES"]

ROUTES = ("reciprocity", "elimination")


def bond_emfs_all_spins(network, beta, axis):
    """(direct (B, 3), coef_b (B,), coef_a (B,)): the SGE EMFs of :func:`numerics.sge.bond_emfs` for the
    uniform spin along x, y and z, in one pass over the triads (:func:`numerics.sge.bond_emf_table`)."""
    direct, coef_b, coef_a, _ = bond_emf_table(network, beta, np.eye(3), axis)
    return direct[0], coef_b[0], coef_a[0]


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
