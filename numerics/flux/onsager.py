"""The spin-galvanic current in the field by its own route, and Onsager–Casimir σ_SGE(B) = σ_CISP(−B)ᵀ.

The route of :mod:`numerics.sge` with every field term of ``theory/flux_core.py``: a uniform in-plane
spin s (ν = 1) drives, with both electrodes at the same potential,

* the direct Λ^{(3)} sources × cos Φ (bond EMFs, :func:`numerics.flux.kernels.sge_emfs_flux`);
* the separated spin S̃ (along ĉ) from the precession Ω_ij × s (exactly S = 2(p_c − Z), Z = ε(𝓛+ε)⁻¹p_c as in
  :func:`numerics.sge.precession_parts`) **and** from the field-odd precession M^{(1)} s
  (:func:`numerics.flux.kernels.m1_uniform_source`), transported with the Hall term M^{(0)} (Neumann series);
  S̃ then drives the Λ^{(2)} × cos Φ sources;
* the Hall sources of the currents these EMFs drive.  The short-circuit current of the EMFs with the
  zero-field operator is the exact edge-source elimination (:func:`numerics.solvers.short_circuit_current`);
  the Hall part is added by reciprocity with the adjoint problem, whose operator is the transpose
  (𝓛 + H(b))ᵀ = 𝓛 + H(−b): ``ΔI_SC(b) = Σ_b e_b δI_b(−b)``, δI(−b) the Hall part of the unit-voltage
  Kirchhoff currents at −b (exact in η, :func:`numerics.flux.solve.hall_kirchhoff`).

Normalised like the CISP spin vectors, ``(L/N) I_SC / (4 I_total)`` per unit spin along μ; Onsager–Casimir
(first line of (S10), no Zeeman term) makes it equal to the CISP component s_μ at −b for the same τ_s
(``theory.flux.check_flux_onsager_casimir`` proves it per triad and on the triangle).  What is independent
between the two sides: the Λ against the Γ kernels (× cos Φ), M^{(1)} as a source against M^{(1)} as a
precession, the spin problem with H(b) against the one with H(−b), the edge-source elimination against the
triad sums.  Shared: the charge Hall currents at −b (by the reciprocity above).  As in :mod:`numerics.sge`
the total is a difference of two O(f_dr) routes: at large τ_s (f ≪ f_dr) its relative accuracy is
~1e-16 f_dr/f (no gauge split is used here in the field); the checks use τ_s ≤ 1e6.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..network import Network
from ..solvers import KirchhoffSolution, NetworkAnalysis, short_circuit_current
from ..spin_orbit import separation_axis
from .hall import ETA_TYPICAL
from .kernels import m1_uniform_source, sge_emfs_flux
from .solve import ClosedSpinSolver, hall_kirchhoff
from .spin import flux_inputs, solve_flux_spin

__all__ = ["FluxSGE", "flux_sge", "SPIN_DIRECTIONS"]

#: uniform spin directions of the SGE: μ = x and μ = y (the in-plane CISP components)
SPIN_DIRECTIONS = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0))


@dataclass
class FluxSGE:
    """sge (F, K, 2): (L/N) I_SC/(4 I_total) for uniform spin along x, y; direct (F, 2): the Λ^{(3)} route;
    current (F,): I_total(b) in solver units."""

    flux: np.ndarray
    tau_s: np.ndarray
    sge: np.ndarray
    direct: np.ndarray
    current: np.ndarray


def _precession_emf(network: Network, coef_b: np.ndarray, coef_a: np.ndarray, spin: np.ndarray) -> np.ndarray:
    a, b = network.bonds[:, 0], network.bonds[:, 1]
    return coef_b[None, :] * spin[:, b] - coef_a[None, :] * spin[:, a]


def flux_sge(network: Network, kirchhoff: KirchhoffSolution, beta, flux, tau_s, eta: float = ETA_TYPICAL,
             analysis: NetworkAnalysis | None = None) -> FluxSGE:
    """The spin-galvanic response of ``network`` in the field for each flux and τ_s (module doc)."""
    flux, eta, beta, taus, analysis, tri, edges = flux_inputs(network, beta, flux, tau_s, eta, analysis)
    pos, bonds = network.positions, network.bonds
    m = pos.shape[0]
    nf, k = flux.size, taus.size
    out = np.zeros((nf, k, 2))
    direct_out = np.zeros((nf, 2))
    axis = separation_axis(beta)
    both = np.concatenate([flux, -flux])
    hk = hall_kirchhoff(network, kirchhoff, both, eta, analysis, tri, edges)
    current = hk.total_current[:nf]
    if axis is None:
        return FluxSGE(flux, taus, out, direct_out, current)
    d_rev = hk.bond_current[nf:] - kirchhoff.bond_current[None, :]        # δI(−b), (F, B)
    norm = network.side / network.sites / (4.0 * current)                   # (F,)
    shifts = network.shifts(taus)
    solver = ClosedSpinSolver(network, analysis, shifts)
    g = network.conductances
    inf = np.isinf(shifts)
    for col, spin_dir in enumerate(SPIN_DIRECTIONS):
        spin_dir = np.asarray(spin_dir)
        direct, coef_b, coef_a = sge_emfs_flux(network, tri, edges, beta, spin_dir, axis, flux)
        w = beta.T @ np.cross(spin_dir, axis)
        pc = pos @ w
        pc = pc - pc.mean()
        d_pc = g * (pc[bonds[:, 1]] - pc[bonds[:, 0]])
        z_s, z_d = solver.solve(np.where(inf, 0.0, shifts)[:, None] * pc[None, :])   # Z = ε(𝓛+ε)⁻¹p_c
        z_s[inf], z_d[inf] = pc, d_pc
        s_prec, d_prec = 2.0 * (pc[None, :] - z_s), 2.0 * (d_pc[None, :] - z_d)
        sigma_m = m1_uniform_source(network, tri, edges, beta, flux, spin_dir, axis, eta)
        for f in range(nf):
            s_m, d_m = solver.solve(np.repeat(sigma_m[f][None, :], k, axis=0))
            sol = solve_flux_spin(solver.solve, s_prec, flux[f], eta, network, tri, edges,
                                  first=(s_prec + s_m, d_prec + d_m))
            emf = np.vstack([direct[f][None, :], _precession_emf(network, coef_b[f], coef_a[f], sol.spin)])
            isc = short_circuit_current(network, emf, analysis) + emf @ d_rev[f]
            direct_out[f, col] = isc[0] * norm[f]
            out[f, :, col] = (isc[0] + isc[1:]) * norm[f]
    return FluxSGE(flux, taus, out, direct_out, current)
