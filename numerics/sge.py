"""The spin-galvanic current computed on its own, and the Onsager relation (S39) checked.

A uniform non-equilibrium in-plane spin polarization, ``s`` per carrier (``S_j = ν s`` with the
equilibrium occupation ν = n/n_s of every site, n ≪ n_s), drives a particle current through the
sample with both electrodes at the same electrochemical potential (short circuit).  The derivation
is ``derivations/d07_spin_galvanic.py``; in units a_b = τ0 = J0 = m = ħ = 1, unit [001] β
(``β_xy = β_yx = 1``, Tr β² = 2), ν = s_y = 1:

* **direct route** (Λ in (5a), inverse KKM + ISHE): every ordered triad (i; k, j) adds a current
  source across the bond (i, j), from j into i, ``J = ν Λ^{(3)}_ikj · s`` (the matching loss at j is
  the outgoing term of (5a); summed over k the outgoing terms cancel by (S14), but each triad's
  source is a dipole across its own bond);
* **precession route**: Ω_ij = 2d_ij/τ_ij turns ``S_j = ν s`` into the S^z source
  ``σ_i = 2ν s_y Σ_j g_ij (y_i − y_j)``, whose steady state with spin relaxation ε = τ0/τ_s is
  exactly ``S^z = 2ν s_y (y − T)``, ``(𝓛 + ε) T = ε y`` (``𝓛`` the hopping Laplacian; T = const at
  ε = 0, T = y at ε = ∞); S^z then adds the source ``J = Λ^{(2)z}_ikj S^z_j`` across (i, j).

Each source is stored as an EMF ``e_b = J_b/g_b`` (bounded by a polynomial, since
``Λ_ikj/g_ij ∝ e^{R_ij − R_jk − R_ki} ≤ 1``).  The short-circuit current is found by the same
subtraction-free elimination as :func:`numerics.solvers.solve_kirchhoff` (same plan and order,
:mod:`numerics.solvers.edge_sources`),
with the sources kept **on edges**: eliminating node k turns the sources on its arms (k, l), (k, m)
into the source ``w_lm (e_km − e_kl)`` on the fill edge (l, m), ``w_lm = c_kl c_km / C_k``, and the
source left on the source–drain edge is the short-circuit current.  Node injections are never
formed (the dipoles of strong triads far from the current path, of order e^{-3}, would otherwise
leave rounding errors far above the current itself, ~1e-24 at n_s a_b² = 0.002): the error of
each step is ~1e-16·|e|·(current of that edge in the unit-voltage problem) ≤ 1e-16·|e|·I_total.
T is solved with the non-negative source ε(y − y_min): forward elimination and back
substitution add positive numbers only.

Normalisation: with the Kirchhoff conductances ``I^{(0)}_ij/k_BT = ν/(k_BT τ_ij)``, Eq. (14)
``σ_SGE = 4 Tr β² βᵀ P k_BT n f`` holds with

    f_SGE = (L/N) I_SC / (4 Tr β² β_xy I_total)

where I_SC is the short-circuit particle current along +x in the units above and I_total the
border current of the unit-voltage Kirchhoff problem (g = e^{−2R}); the CISP f of
:func:`numerics.simulate.simulate_network` obeys Eq. (13) with the same P, so
(σ_SGE/σ_CISP)/(4k_BT n/τ_s) = f_SGE/f — ``ratio_over_expected``.

Cross-check (network reciprocity, not the primary route): ``I_SC = Σ_b e_b I_b`` with I_b the
bond currents of the unit-voltage CISP Kirchhoff problem.

At large τ_s the total f_SGE = direct + precession is a cancellation of two O(f_dr) terms (f ~ 1e-9 f_dr
at τ_s = 1e14).  The precession spin is therefore split exactly as ``2ν(p_c − Z)`` with
``Z = ε (𝓛 + ε)⁻¹ p_c`` (:func:`precession_parts`); by the gauge identity direct + I(2p_c) = 0 (at
τ_s = ∞ the spin 2p_c cancels the direct route exactly) the total there is −I(2Z) alone, free of the
cancellation, and the identity's rounding is reported as ``gauge_error`` (the CISP side does the same
with Eq. (12), :mod:`numerics.response`).  Before this split the ratio at τ_s = 1e14 was limited to
~1e-6 by that cancellation (1.7e-6 at n_s a_b² = 0.1, N = 4000, seed 0); after it, 4e-8.

Measured (N = 2e4, seeds 0–2, unit [001] β, τ_s = 0, 1, 10, 1e3, 1e6, 1e9, 1e12, 1e14): max |f_SGE/f − 1| =
1.0e-8 (n_s a_b² = 0.002), 2.3e-10 (0.01), 1.7e-9 (0.05), 1.5e-8 (0.1); gauge_error ≤ 1.9e-13.

General β and spin direction: :func:`short_circuit_response` (spin along any s, separation axis
ĉ = c/|c|, precession source along w = βᵀ(s × ĉ)); ``numerics.tensor.cisp_tensor(..., with_sge=True)``
builds the 2×3 SGE tensor, equal to the CISP tensor transposed to ~1e-14.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from hopspin.errors import ParameterError

from ._generated import triad_energy_weight, triad_spin_generation
from .config import SimulationConfig, resolve_config
from .network import Network, build_network
from .results import Quantity, ResultSchema
from .simulate import simulate_network
from .solvers import NetworkAnalysis, short_circuit_current, solve_kirchhoff, solve_shifted
from .spin_orbit import UNIT_BETA_001, separation_axis
from .triads import orientation, oriented_area, triangle_list

__all__ = ["SGEResult", "spin_galvanic", "spin_galvanic_network", "bond_emfs", "bond_emf_table", "precession_spin",
           "precession_parts", "short_circuit_response", "RATIO_TOLERANCE"]

_TR_B2, _B_XY = 2.0, 1.0
RATIO_TOLERANCE = 1e-6


# ----------------------------------------------------------------------------- sources
@njit(cache=True)
def _bond_emfs(pos, bonds, tri, tri_edges, beta, spins, axis, energies, flux, direct, coef_b, coef_a):
    """Per bond (a, b), a < b, orientation "from b into a", for each flux f and spin direction q:

    direct[f, e, q] = Σ ν Λ^{(3)}·s_q / g  over ordered triads with (i, j) = (a, b)  minus  (b, a);
    coef_b[f, e]    = Σ Λ^{(2)}·ĉ / g      over triads with (i, j) = (a, b)   (multiplies S^c_b);
    coef_a[f, e]    = Σ Λ^{(2)}·ĉ / g      over triads with (i, j) = (b, a)   (multiplies S^c_a, from a into b).
    ``spins`` (Q, 3) are the directions of the uniform polarization, ``axis`` = ĉ; for [001] with s = ŷ and
    ĉ = −ẑ these are Λ^{(3)}_y and Λ^{(2)}_z S^z (S^c = −S^z).
    Λ_ikj/g_ij = sge·e^{2R_ij − 2R_kj} with the generated kernel's sge = e^{R_kj−R_ik−R_ij}Λ/(8Q); with
    site energies (``energies`` not empty) × h_kij, the ``h_emf`` of ``triad_energy_weight`` (derivations/d12);
    with a flux b_f ≠ 0 × cos Φ_ikj, Φ_ikj = b_f A_ikj (theory/flux_core: Λ in the field = cos Φ × Λ).
    """
    with_energies = energies.shape[0] > 0
    nq = spins.shape[0]
    for tt in range(tri.shape[0]):
        for o in range(6):
            i, j, k, e = orientation(tri, tri_edges, tt, o)
            out = triad_spin_generation(pos[i, 0], pos[i, 1], pos[j, 0], pos[j, 1],
                                        pos[k, 0], pos[k, 1],
                                        beta[0], beta[1], beta[2], beta[3], beta[4], beta[5])
            dx, dy = pos[i, 0] - pos[j, 0], pos[i, 1] - pos[j, 1]
            r_ij = math.sqrt(dx * dx + dy * dy)
            dx, dy = pos[k, 0] - pos[j, 0], pos[k, 1] - pos[j, 1]
            r_kj = math.sqrt(dx * dx + dy * dy)
            scale = math.exp(2.0 * (r_ij - r_kj))
            if with_energies:
                scale *= triad_energy_weight(energies[i], energies[j], energies[k])[1]
            lam_z = (out[9] * axis[0] + out[10] * axis[1] + out[11] * axis[2]) * scale  # Λ^(2)·ĉ / g
            forward = i == bonds[e, 0]        # (i, j) = (a, b): from b into a
            for f in range(flux.shape[0]):
                w = 1.0 if flux[f] == 0.0 else math.cos(flux[f] * oriented_area(pos, i, k, j))
                for q in range(nq):
                    lam = (out[6] * spins[q, 0] + out[7] * spins[q, 1] + out[8] * spins[q, 2]) * scale  # νΛ^(3)·s/g
                    direct[f, e, q] += w * lam if forward else -w * lam
                if forward:
                    coef_b[f, e] += w * lam_z
                else:
                    coef_a[f, e] += w * lam_z


def bond_emf_table(network: Network, beta, spins, axis, flux=None, triangles=None):
    """The SGE sources per bond as EMFs (J_b/g_b) of :func:`_bond_emfs`: ``(direct (F, B, Q), coef_b (F, B),
    coef_a (F, B), triangles)`` for the Q uniform spin directions ``spins`` (Q, 3), the separation axis ĉ and
    the fluxes ``flux`` (F,; default one row at b = 0); site energies come from the network.  ν = |s| = 1,
    units J0 = τ0 = 1.  ``triangles`` = :func:`numerics.triads.triangle_list` of the bonds, if known."""
    pos = np.ascontiguousarray(network.positions, dtype=np.float64)
    bonds = np.ascontiguousarray(network.bonds, dtype=np.int64)
    b = np.ascontiguousarray(np.asarray(beta, dtype=np.float64).reshape(3, 2)).ravel()
    tri, tri_edges = triangles if triangles is not None else triangle_list(pos.shape[0], bonds)
    fluxes = np.zeros(1) if flux is None else np.ascontiguousarray(np.atleast_1d(flux), dtype=np.float64)
    spins = np.ascontiguousarray(np.atleast_2d(np.asarray(spins, dtype=np.float64)))
    F, B = fluxes.size, bonds.shape[0]
    direct, coef_b, coef_a = np.zeros((F, B, spins.shape[0])), np.zeros((F, B)), np.zeros((F, B))
    energies = np.zeros(0) if network.energies is None else np.ascontiguousarray(network.energies, np.float64)
    _bond_emfs(pos, bonds, tri, tri_edges, b, spins, np.asarray(axis, dtype=np.float64), energies, fluxes,
               direct, coef_b, coef_a)
    return direct, coef_b, coef_a, int(tri.shape[0])


def bond_emfs(network: Network, beta=UNIT_BETA_001, spin=(0.0, 1.0, 0.0), axis=(0.0, 0.0, -1.0)):
    """(direct, coef_b, coef_a, triangles), each (B,): the SGE sources per bond as EMFs (J_b/g_b) for the
    uniform polarization along ``spin`` and the separation axis ``axis`` = ĉ
    (:func:`numerics.spin_orbit.separation_axis`), at zero flux (:func:`bond_emf_table`)."""
    direct, coef_b, coef_a, n_tri = bond_emf_table(network, beta, [spin], axis)
    return direct[0, :, 0], coef_b[0], coef_a[0], n_tri


# ----------------------------------------------------------------------------- precession
def precession_parts(network: Network, tau_s: np.ndarray, direction=(0.0, -1.0), analysis=None,
                     engine: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The precession spin split as ``S = 2ν (p_c − Z)``, ν = 1: returns (p_c (M,), Z (K, M)).

    The precession Ω_ij × S_j of a uniform polarization s projected on the separation axis ĉ is
    ``2ν Σ_j g_ij R_ij·w`` with ``w = βᵀ(s × ĉ)`` (``direction``); for [001], s = ŷ, β = unit,
    ĉ = −ẑ: w = (0, −1), i.e. S^c = −S^z with S^z = 2ν(y − T_y), ``(𝓛 + ε) T = ε p``, ε = 1/τ_s.
    With p = p̄ + p_c (p_c the zero-mean part) T = p̄ + Z exactly, ``Z = ε (𝓛 + ε)⁻¹ p_c``
    (Z = p_c for τ_s = 0, Z = 0 for τ_s = ∞); the uniform p̄ carries no current and is dropped.
    Z comes from the exact shifted solve (:func:`numerics.solvers.solve_shifted`).  With site energies
    (derivations/d12) the spin per carrier obeys (𝓛_g + εW) T = εW p: p̄ is the w-weighted mean and
    ``Z = ε (𝓛_g + εW)⁻¹ W p_c``.
    """
    taus = np.atleast_1d(np.asarray(tau_s, dtype=np.float64))
    M = network.positions.shape[0]
    p = network.positions @ np.asarray(direction, dtype=np.float64)
    w = network.weights
    pc = p - (float(np.mean(p)) if w is None else math.fsum(w * p) / math.fsum(w))
    Z = np.zeros((taus.size, M))
    shifts = network.shifts(taus)           # ε/g_c, in the units of the scaled conductances
    finite = np.flatnonzero((shifts > 0) & np.isfinite(shifts))
    Z[np.isinf(shifts)] = pc
    if finite.size:
        eps = shifts[finite]
        sol = solve_shifted(network, pc if w is None else w * pc, eps, analysis=analysis, engine=engine)
        Z[finite] = eps[:, None] * sol.spin
    return pc, Z


def precession_spin(network: Network, tau_s: np.ndarray, direction=(0.0, -1.0), analysis=None) -> np.ndarray:
    """(K, M) steady-state spin 2ν(p_c − Z) of the precession source (see :func:`precession_parts`)."""
    pc, Z = precession_parts(network, tau_s, direction, analysis)
    return 2.0 * (pc[None, :] - Z)


def _precession_emf(network: Network, coef_b: np.ndarray, coef_a: np.ndarray, spin: np.ndarray) -> np.ndarray:
    """(K, B) bond EMFs (from b into a) of the Λ^{(2)} sources of the spin pattern ``spin`` (K, M)."""
    a, b = network.bonds[:, 0], network.bonds[:, 1]
    return coef_b[None, :] * spin[:, b] - coef_a[None, :] * spin[:, a]


def _sge_totals(network: Network, direct: np.ndarray, coef_b: np.ndarray, coef_a: np.ndarray,
                pc: np.ndarray, Z: np.ndarray, norm: float, analysis) -> tuple[float, np.ndarray, np.ndarray, float]:
    """Short-circuit currents of the direct sources, of 2p_c and of every 2Z, normalised.

    Returns (direct, precession[K], total[K], gauge): precession = I(2p_c) − I(2Z), total = direct +
    precession, except where that is a cancellation (|total| < 10⁻³ |direct|, large τ_s): there the
    total is −I(2Z) alone, by the gauge identity direct + I(2p_c) = 0 (at τ_s = ∞ the spin 2p_c
    exactly cancels the direct route); ``gauge`` = |direct + I(2p_c)| / |direct| is its rounding."""
    emfs = [direct[None, :], _precession_emf(network, coef_b, coef_a, 2.0 * pc[None, :]),
            _precession_emf(network, coef_b, coef_a, 2.0 * Z)]
    isc = short_circuit_current(network, np.vstack(emfs), analysis) * norm
    f_direct, f_pc, f_z = float(isc[0]), float(isc[1]), isc[2:]
    prec = f_pc - f_z
    total = f_direct + prec
    small = np.abs(total) < 1e-3 * abs(f_direct)
    total[small] = -f_z[small]
    gauge = abs(f_direct + f_pc) / abs(f_direct) if f_direct != 0 else abs(f_pc)
    return f_direct, prec, total, gauge


# ----------------------------------------------------------------------------- result
@dataclass
class SGEResult(ResultSchema):
    """f_SGE(τ_s) by its own route and the CISP f of the same network.

    Attributes
    ----------
    tau_s : (K,)
    f_sge_direct : Λ^{(3)} route (τ_s-independent), compare f_dr
    f_sge_precession : (K,) Ω + Λ^{(2)z} route, compare f_diff
    f_sge : (K,) total; ``f_cisp`` : (K,) f of simulate_network, ``f_dr``, ``f_diff`` its parts
    ratio_over_expected : (K,) (σ_SGE/σ_CISP)/(4k_BT n/τ_s) = f_sge/f_cisp (NaN where f_cisp = 0, i.e. τ_s = ∞)
    reciprocity_f_sge : (K,) f_SGE from Σ_b e_b I_b (cross-check of the short-circuit solve)
    gauge_error : |direct + I(2p_c)| / |direct|, the gauge identity used at large τ_s (see
        :func:`_sge_totals`); rounding level
    """

    site_density: float
    sites: int
    seed: int | None
    tau_s: np.ndarray
    f_sge_direct: float
    f_sge_precession: np.ndarray
    f_sge: np.ndarray
    f_dr: float
    f_diff: np.ndarray
    f_cisp: np.ndarray
    ratio_over_expected: np.ndarray
    reciprocity_f_sge: np.ndarray
    border_current: float
    cluster_sites: int
    bonds: int
    triangles: int
    max_conservation_error: float
    timings: dict = field(default_factory=dict)
    gauge_error: float = 0.0
    engine: str = "multifrontal"
    config: SimulationConfig | None = field(default=None, repr=False)

    QUANTITIES = (
        Quantity("sigma_sge", ("tau_s",), "1", "SGE by its own route, the f of Eq. (14)", attr="f_sge"),
        Quantity("sigma_cisp", ("tau_s",), "1", "CISP f of Eq. (13) on the same network", attr="f_cisp"),
        Quantity("ratio_over_expected", ("tau_s",), "1", "(sigma_SGE/sigma_CISP)/(4 k_B T n/tau_s) = sigma_sge/sigma_cisp"),
        Quantity("sigma_sge_direct", (), "1", "Lambda^(3) route of the SGE (compare f_dr)", attr="f_sge_direct"),
        Quantity("sigma_sge_precession", ("tau_s",), "1", "precession route of the SGE (compare f_diff)",
                 attr="f_sge_precession"),
        Quantity("sigma_cisp_drift", (), "1", "drift part f_dr of the CISP f", attr="f_dr"),
        Quantity("sigma_cisp_diffusion", ("tau_s",), "1", "diffusion part f_diff of the CISP f", attr="f_diff"),
        Quantity("sigma_sge_reciprocity", ("tau_s",), "1", "SGE from the network reciprocity sum (cross-check)",
                 attr="reciprocity_f_sge"),
        Quantity("max_ratio_error", (), "1", "max |ratio_over_expected - 1|"),
        Quantity("ok", (), "1", "max_ratio_error within RATIO_TOLERANCE", "i8"),
        Quantity("border_current", (), "1", "particle current through one border (unit-voltage Kirchhoff problem, "
                 "conductances exp(-2R/a_b))"),
        Quantity("cluster_sites", (), "1", "sites in the spanning cluster", "i8"),
        Quantity("bonds", (), "1", "bonds in the spanning cluster", "i8"),
        Quantity("triangles", (), "1", "triangles of the bond graph", "i8"),
        Quantity("max_conservation_error", (), "1", "largest node-current imbalance / I_total"),
        Quantity("gauge_error", (), "1", "rounding of the gauge identity direct + I(2 p_c) = 0"),
    )
    COORDS = {"tau_s": ("tau_s", "tau_0", "spin relaxation time")}

    @property
    def max_ratio_error(self) -> float:
        err = np.abs(self.ratio_over_expected - 1.0)
        return float(np.max(np.where(np.isnan(err), np.inf, err))) if err.size else 0.0

    @property
    def ok(self) -> bool:
        return self.max_ratio_error <= RATIO_TOLERANCE

    def parameters(self) -> dict:
        base = self.config.parameters() if self.config is not None else {}
        return {**base, "site_density": self.site_density, "sites": self.sites, "seed": self.seed,
                "engine": self.engine, "timings": {k: round(v, 4) for k, v in self.timings.items()}}


def short_circuit_response(network: Network, tau_s, beta, spin, i_total: float | None = None, analysis=None,
                           engine: str | None = None) -> tuple[float, np.ndarray]:
    """Short-circuit particle current along +x driven by a uniform polarization along ``spin``.

    Normalised like the CISP spin vectors of :func:`numerics.response.spin_response`:
    ``(L/N) I_SC / (4 I_total)`` per unit ν|s|, for each τ_s; by the Onsager relation (S39) it
    equals the CISP response s_μ for a current along x with μ the direction of ``spin``.
    Returns ``(direct, precession[K])``.
    """
    taus = np.atleast_1d(np.asarray(tau_s, dtype=np.float64))
    beta = np.asarray(beta, dtype=np.float64).reshape(3, 2)
    spin = np.asarray(spin, dtype=np.float64)
    axis = separation_axis(beta)
    if axis is None:
        return 0.0, np.zeros(taus.size)
    analysis = analysis if analysis is not None else NetworkAnalysis(network)
    direct, coef_b, coef_a, _ = bond_emfs(network, beta, spin, axis)
    w = beta.T @ np.cross(spin, axis)
    pc, Z = precession_parts(network, taus, w, analysis, engine)
    if i_total is None:
        i_total = solve_kirchhoff(network, analysis=analysis, engine=engine).total_current
    norm = network.side / network.sites / (4.0 * i_total)
    f_direct, _, total, _ = _sge_totals(network, direct, coef_b, coef_a, pc, Z, norm, analysis)
    return f_direct, total - f_direct


def spin_galvanic_network(network: Network, tau_s: Sequence[float], engine: str = "multifrontal",
                          analysis: NetworkAnalysis | None = None) -> SGEResult:
    """f_SGE(τ_s) by the short-circuit Kirchhoff solve, the CISP f, and their ratio, on ``network``
    (one Kirchhoff solve and one analysis shared by both sides)."""
    taus = np.atleast_1d(np.asarray(tau_s, dtype=np.float64))
    analysis = analysis if analysis is not None else NetworkAnalysis(network)
    timings = {}
    t = time.perf_counter()
    kirch = solve_kirchhoff(network, analysis=analysis, engine=engine)
    cisp = simulate_network(network, taus, keep_fields=False, engine=engine, analysis=analysis, kirchhoff=kirch)
    timings["cisp"] = time.perf_counter() - t
    t = time.perf_counter()
    direct, coef_b, coef_a, n_tri = bond_emfs(network)
    timings["sge_sources"] = time.perf_counter() - t
    t = time.perf_counter()
    pc, Z = precession_parts(network, taus, analysis=analysis, engine=engine)
    timings["sge_precession_spin"] = time.perf_counter() - t
    i_total = kirch.total_current
    norm = network.side / network.sites / (4.0 * _TR_B2 * _B_XY * i_total)
    t = time.perf_counter()
    f_direct, f_prec, f_sge, gauge = _sge_totals(network, direct, coef_b, coef_a, pc, Z, norm, analysis)
    timings["sge_short_circuit"] = time.perf_counter() - t
    prec = _precession_emf(network, coef_b, coef_a, 2.0 * (pc[None, :] - Z))
    recip = (direct[None, :] + prec) @ kirch.bond_current * norm
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(cisp.f != 0, f_sge / cisp.f, np.nan)
    return SGEResult(site_density=network.site_density, sites=network.sites, seed=None, tau_s=taus,
                     f_sge_direct=f_direct, f_sge_precession=f_prec, f_sge=f_sge, f_dr=cisp.f_dr,
                     f_diff=cisp.f_diff, f_cisp=cisp.f, ratio_over_expected=ratio,
                     reciprocity_f_sge=recip, border_current=float(np.exp(np.log(i_total) - 2.0 * network.scale_length)),
                     cluster_sites=int(network.positions.shape[0]), bonds=int(network.bonds.shape[0]),
                     triangles=n_tri, max_conservation_error=cisp.max_conservation_error, timings=timings,
                     gauge_error=gauge, engine=kirch.engine)


def spin_galvanic(config: SimulationConfig | None = None, **overrides) -> SGEResult:
    """Sample → network → :func:`spin_galvanic_network` (the SGE by its own route, the CISP f and the
    Onsager ratio (S39) on the same sample).

    Parameters
    ----------
    config : SimulationConfig, optional
    **overrides
        Fields of :class:`SimulationConfig`; every τ_s must be finite (at τ_s = ∞ both f vanish and the
        ratio is undefined).
    """
    cfg = resolve_config(config, overrides).check()
    if cfg.beta is not None:
        raise ParameterError("spin_galvanic uses the unit [001] model (beta = None); the SGE tensor for a general "
                             "beta comes from cisp_tensor(..., with_sge=True)", parameter="beta")
    if any(math.isinf(t) for t in cfg.tau_s):
        raise ParameterError("tau_s must be finite: at tau_s = inf both f(n_s, tau_s) vanish exactly (drift and "
                             "diffusion cancel), so the ratio (S39) is undefined", parameter="tau_s")
    t = time.perf_counter()
    network = build_network(cfg.sample(), hop_cutoff=cfg.hop_cutoff)
    t_net = time.perf_counter() - t
    res = spin_galvanic_network(network, cfg.tau_s_array, engine=cfg.engine)
    res.seed = cfg.seed
    res.config = cfg
    res.timings = {"network": t_net, **res.timings}
    return res
