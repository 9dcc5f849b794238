"""The percolation simulation of f(n_s, τ_s), (S40)–(S46).

Pipeline: sample → bond network of the spanning cluster → exact Kirchhoff currents →
triad sums with the generated kernels ((S42) drift weight, (S44) source) → steady state of
(S43) for every τ_s → (S45).  Lengths in a_b, times in τ0, β in ħ²/(m a_b).

For the [001] form the paper factors ``Tr β² βᵀ`` out of f (Eq. 13); here the unit model
``β_xy = β_yx = 1`` (Tr β² = 2) is used and the factor divided out, so

* ``f_dr   = (L/N) Σ'_{ijk} I_kj [e^{R_kj−R_ik−R_ij} Γ^{(3)}_y/(8Q)] / (Tr β² β_xy) / I_total``   (S42)
* ``γ_i    = Σ'_{jk} I_kj [e^{R_kj−R_ik−R_ij} Γ^{(2)}_z/(8Q)] / Tr β²``                            (S44)
* ``f_diff = −(2L/N) Σ_bonds (y_a − y_b) g_ab (S̃_b − S̃_a) / I_total``                            (S45)

where I_total is the particle current through one border and I_kj the flow from j into k.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from .kirchhoff import solve_kirchhoff
from .network import Network, build_network, critical_length
from .response import spin_response
from .sample import random_sample

__all__ = ["SimulationResult", "simulate", "simulate_network", "validate_parameters", "ParameterError",
           "UNIT_BETA_001", "VALID_DENSITY_MAX", "MIN_SITES"]

UNIT_BETA_001 = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]])
_TR_B2, _B_XY = 2.0, 1.0
VALID_DENSITY_MAX = 0.1  # the 1.5 l_c cut-off is acceptable below this (paper, S5C)
MIN_SITES = 20


class ParameterError(ValueError):
    """A simulation parameter outside its valid range (the message names it and the range)."""


@dataclass
class SimulationResult:
    """f(n_s, τ_s) of one sample and everything needed to judge and plot it.

    Attributes
    ----------
    site_density : n_s a_b²;  sites : N;  seed : random seed;  hop_cutoff : in l_c
    tau_s : (K,) spin relaxation times in τ0
    f_dr : drift part (S42), independent of τ_s
    f_diff, f : (K,) diffusion part (S45) and total f = f_dr + f_diff
    border_current : particle current through one border (Kirchhoff units: ΔV = 1, g = e^{−2R})
    cluster_sites, bonds, triangles : size of the spanning cluster
    max_conservation_error : largest node-current imbalance / I_total of the Kirchhoff solve
    max_balance_error : largest node balance error of the (S43) solves (relative to max |γ|)
    kkm_error, eq12_error : relative violation of the KKM relation (10) and of Eq. (12) on this run
        (eq12_error is None with the default multifrontal solver, which computes the total from Eq. (12))
    timings : seconds per stage
    positions : (M, 2) cluster-site positions;  drift_generation : (M,) s_y drift generation per
    site (normalised like f_dr);  spin_z : (K, M) steady-state S̃^z (zero-mean part)
    """

    site_density: float
    sites: int
    seed: int | None
    hop_cutoff: float
    tau_s: np.ndarray
    f_dr: float
    f_diff: np.ndarray
    f: np.ndarray
    border_current: float
    cluster_sites: int
    bonds: int
    triangles: int
    max_conservation_error: float
    max_balance_error: float
    kkm_error: float = 0.0
    eq12_error: float | None = None
    timings: dict = field(default_factory=dict)
    positions: np.ndarray | None = field(default=None, repr=False)
    drift_generation: np.ndarray | None = field(default=None, repr=False)
    spin_z: np.ndarray | None = field(default=None, repr=False)

    @property
    def seconds(self) -> float:
        return float(sum(self.timings.values()))

    def to_record(self) -> dict:
        """JSON-ready summary (the ``hopspin simulate --json`` record)."""
        return {
            "site_density": self.site_density, "sites": self.sites, "seed": self.seed,
            "f_dr": self.f_dr, "tau_s": [float(t) for t in self.tau_s],
            "f_diff": [float(v) for v in self.f_diff], "f": [float(v) for v in self.f],
            "max_conservation_error": self.max_conservation_error,
            "max_balance_error": self.max_balance_error, "kkm_error": self.kkm_error,
            "eq12_error": self.eq12_error,
            "border_current": self.border_current, "cluster_sites": self.cluster_sites,
            "bonds": self.bonds, "triangles": self.triangles, "hop_cutoff": self.hop_cutoff,
            "timings": {k: round(v, 4) for k, v in self.timings.items()}, "seconds": round(self.seconds, 4),
        }


def validate_parameters(site_density, sites, tau_s: Sequence[float], hop_cutoff) -> tuple:
    """Check the parameters of a run; raise :class:`ParameterError` naming the bad one."""
    try:
        density = float(site_density)
    except (TypeError, ValueError):
        raise ParameterError(f"site_density must be a number n_s a_b^2 in (0, 1), got {site_density!r}") from None
    if not (math.isfinite(density) and 0.0 < density < 1.0):
        raise ParameterError(f"site_density n_s a_b^2 must lie in (0, 1) (paper's range 0.002-0.1), got {site_density}")
    if isinstance(sites, bool) or int(sites) != sites or sites < MIN_SITES:
        raise ParameterError(f"sites must be an integer >= {MIN_SITES}, got {sites}")
    taus = np.atleast_1d(np.asarray(tau_s, dtype=np.float64))
    if taus.ndim != 1 or taus.size == 0 or np.any(np.isnan(taus)) or np.any(taus < 0):
        raise ParameterError(f"tau_s must be one or more spin relaxation times >= 0 (in tau_0), got {[float(t) for t in np.atleast_1d(tau_s)]}")
    cutoff = float(hop_cutoff)
    if not (math.isfinite(cutoff) and cutoff >= 1.0):
        raise ParameterError(f"hop_cutoff must be >= 1.0 l_c (the percolation threshold), got {hop_cutoff}")
    if density > VALID_DENSITY_MAX:
        warnings.warn(f"site_density {density} > {VALID_DENSITY_MAX}: the {cutoff} l_c cut-off is outside the "
                      "paper's range of validity (n_s a_b^2 < 0.1)", RuntimeWarning, stacklevel=3)
    return density, int(sites), taus, cutoff


def simulate(site_density: float, sites: int, seed: int | None = 0, tau_s: Sequence[float] = (0.0,),
             hop_cutoff: float = 1.5, electrode_width: float | None = None,
             progress: Callable[[str], None] | None = None, keep_fields: bool = True,
             threads: int | None = None, solver: str = "multifrontal") -> SimulationResult:
    """Simulate f(n_s, τ_s) on one random sample, Eq. (13) via (S40)–(S45).

    Parameters
    ----------
    site_density : float
        n_s a_b², in (0, 1); the paper's range is 0.002–0.1.
    sites : int
        N, the number of sites in the L×L sample (L = sqrt(N / n_s) in a_b).
    seed : int or None
        Seed of ``numpy.random.default_rng``; the same seed gives the identical result.
    tau_s : sequence of float
        Spin relaxation times in τ0 (0 ≤ τ_s; ``inf`` allowed).
    hop_cutoff : float
        Bond cut-off in units of l_c = 1.19847/√n_s (≥ 1; default 1.5 as in the paper).
    electrode_width : float, optional
        Width of the electrode strips in a_b (default l_c).
    progress : callable, optional
        Called with a short message at each stage.
    threads : int, optional
        Threads for the τ_s solves (default: all cores; use 1 inside one-process-per-core workers).
    solver : {"multifrontal", "backprop"}
        Engine of the (S43) solves (:func:`numerics.laplacian.solve_shifted`): the fast supernodal
        one (default) or the bond-current back-propagation, which also checks Eq. (12).

    Returns
    -------
    SimulationResult
    """
    density, n_sites, taus, cutoff = validate_parameters(site_density, sites, tau_s, hop_cutoff)
    say = progress or (lambda msg: None)
    timings = {}
    t0 = time.perf_counter()
    sample = random_sample(density, n_sites, seed)
    network = build_network(sample, hop_cutoff=cutoff, electrode_width=electrode_width)
    timings["network"] = time.perf_counter() - t0
    say(f"network: {network.positions.shape[0]} cluster sites, {network.bonds.shape[0]} bonds "
        f"(L = {network.side:.1f} a_b, l_c = {critical_length(density):.2f} a_b) in {timings['network']:.1f} s")
    result = simulate_network(network, taus, progress=say, keep_fields=keep_fields, threads=threads,
                              solver=solver)
    result.timings = {**timings, **result.timings}
    result.seed = seed
    return result


def simulate_network(network: Network, tau_s: Sequence[float], beta=UNIT_BETA_001,
                     progress: Callable[[str], None] | None = None, keep_fields: bool = True,
                     threads: int | None = None, solver: str = "multifrontal") -> SimulationResult:
    """Run (S42)–(S45) on a given network (e.g. the 3-site triangle of (S46)).

    ``network.side`` is the sample length L and ``network.sites`` the N of (S42), (S45).
    """
    if threads == 1:
        # one core asked for (e.g. one sweep worker process per core): no BLAS threads either
        with threadpool_limits(limits=1):
            return _simulate_network(network, tau_s, beta, progress, keep_fields, threads, solver)
    return _simulate_network(network, tau_s, beta, progress, keep_fields, threads, solver)


def _simulate_network(network, tau_s, beta, progress, keep_fields, threads, solver) -> SimulationResult:
    say = progress or (lambda msg: None)
    taus = np.atleast_1d(np.asarray(tau_s, dtype=np.float64))
    timings = {}
    t = time.perf_counter()
    kirchhoff = solve_kirchhoff(network, prefetch=(solver == "multifrontal" and threads != 1))
    timings["kirchhoff"] = time.perf_counter() - t
    say(f"Kirchhoff: I_total = {kirchhoff.total_current:.3e}, conservation error "
        f"{kirchhoff.max_conservation_error:.1e} in {timings['kirchhoff']:.1f} s")
    t = time.perf_counter()
    response = spin_response(network, kirchhoff, beta, taus, threads=threads, solver=solver,
                             keep_fields=keep_fields)
    timings["spin_response"] = time.perf_counter() - t
    i_total = kirchhoff.total_current
    norm = _TR_B2 * _B_XY  # Tr β² β_xy of the unit [001] model: s_y = Tr β² β_xy f  (Eq. 13)
    f_dr = float(response.s_dr[1] / norm)
    f_diff = response.s_diff[:, 1] / norm
    say(f"triads and spin diffusion: {response.triangles} triangles, f_dr = {f_dr:.6g}, {len(taus)} values of "
        f"tau_s in {timings['spin_response']:.1f} s (KKM check {response.kkm_error:.1e}, "
        f"(S43) backward error {response.max_balance_error:.1e}"
        + ("" if response.eq12_error is None else f", Eq. (12) check {response.eq12_error:.1e}") + ")")
    n = network.sites
    return SimulationResult(
        site_density=network.site_density, sites=n, seed=None, hop_cutoff=network.hop_cutoff,
        tau_s=taus, f_dr=f_dr, f_diff=f_diff, f=f_dr + f_diff, border_current=float(i_total),
        cluster_sites=int(network.positions.shape[0]), bonds=int(network.bonds.shape[0]),
        triangles=response.triangles, max_conservation_error=float(kirchhoff.max_conservation_error),
        max_balance_error=response.max_balance_error, kkm_error=response.kkm_error,
        eq12_error=response.eq12_error, timings=timings,
        positions=network.positions if keep_fields else None,
        drift_generation=response.drift_site[:, 1] / norm if keep_fields else None,
        # S̃^z of (S43) with γ of (S44): the separated spin is S̃_c ĉ with ĉ = −ẑ and γ_c = Tr β² |γ(S44)|
        spin_z=-response.spin_sep / _TR_B2 if keep_fields else None)
