"""Orbital (Aharonov–Bohm) flux in the hopping network: the Hall effect and the spin responses in a field.

=================  ==========================================================================
``kernels``        numba triad sums with the generated kernels: Hall injections, cos Φ weights, M^(1)
``solve``          the non-symmetric problems as Neumann series of the exact symmetric engines
``hall``           the hopping Hall effect of a sample (``hall``, ``HallResult``)
``spin``           CISP and spin current in the field (``flux_cisp``, ``flux_spin_response``)
``onsager``        the SGE in the field by its own route (Onsager–Casimir)
``estimates``      SI estimates and the percolation (optimal-triad) comparison
``reproduce``      the ``hopspin reproduce`` section
=================  ==========================================================================

Units a_b = τ0 = J0 = m = ħ = 1; the flux density b = e B_z a_b²/ħ; η = ħ/(J0 τ0) explicit.
"""

from .hall import ETA_TYPICAL, HallResult, hall, hall_network
from .onsager import flux_sge
from .spin import FluxSpinResult, flux_cisp, flux_currents, flux_sources, flux_spin_response, solve_flux_spin

__all__ = ["ETA_TYPICAL", "HallResult", "hall", "hall_network", "FluxSpinResult", "flux_cisp", "flux_spin_response",
           "flux_currents", "flux_sources", "solve_flux_spin", "flux_sge"]
