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

>>> r = simulate(site_density=0.01, sites=20000, tau_s=[0, 1e3])      # doctest: +SKIP
>>> r.to_xarray()                                                      # doctest: +SKIP
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from hopspin.errors import ParameterError

from ._jit import COMPILE_NOTICE, kernels_cached
from .config import SimulationConfig, resolve_config
from .network import DRAIN, SOURCE, Network, build_network, critical_length
from .percolation import critical_parameter
from .response import spin_response
from .results import SIMULATION_COORDS, SIMULATION_QUANTITIES, ResultSchema
from .solvers import NetworkAnalysis, solve_kirchhoff
from .spin_orbit import UNIT_BETA_001

__all__ = ["SimulationResult", "simulate", "simulate_network", "UNIT_BETA_001"]

_TR_B2, _B_XY = 2.0, 1.0


@dataclass
class SimulationResult(ResultSchema):
    """f(n_s, τ_s) of one sample and everything needed to judge and plot it.

    Attributes
    ----------
    site_density : n_s a_b²;  sites : N;  seed : random seed;  hop_cutoff : in l_c;  engine : solver key
    tau_s : (K,) spin relaxation times in τ0
    f_dr : drift part (S42), independent of τ_s
    f_diff, f : (K,) diffusion part (S45) and total f = f_dr + f_diff
    border_current : particle current through one border (Kirchhoff units: ΔV = 1, g = e^{−2R}); 0 where
        it lies below float64's range;  log_border_current : its natural logarithm (always finite)
    critical_bond_length : the sample's percolation threshold in a_b (union-find; → l_c for large N; with
        site energies that of the equal-energy problem on the same positions)
    critical_parameter : ξ_c of the sample, union-find over ξ_ij = 2R_ij + max(ε_i, ε_j) (energies in k_BT)
    cluster_sites, bonds, triangles : size of the spanning cluster
    max_conservation_error : largest node-current imbalance / I_total of the Kirchhoff solve
    max_balance_error : largest backward (multifrontal) or balance (backprop) error of the (S43) solves
    kkm_error, eq12_error : relative violation of the KKM relation (10) and of Eq. (12) on this run
        (eq12_error is None with the default multifrontal engine, which computes the total from Eq. (12))
    timings : seconds per stage
    positions : (M, 2) cluster-site positions;  drift_generation : (M,) s_y drift generation per
    site (normalised like f_dr);  spin_z : (K, M) steady-state S̃^z (zero-mean part) — kept with
    ``keep_fields=True`` only
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
    log_border_current: float = float("nan")
    critical_bond_length: float = float("nan")
    critical_parameter: float = float("nan")
    eq12_error: float | None = None
    timings: dict = field(default_factory=dict)
    positions: np.ndarray | None = field(default=None, repr=False)
    drift_generation: np.ndarray | None = field(default=None, repr=False)
    spin_z: np.ndarray | None = field(default=None, repr=False)
    engine: str = "multifrontal"
    config: SimulationConfig | None = field(default=None, repr=False)

    QUANTITIES = SIMULATION_QUANTITIES
    COORDS = SIMULATION_COORDS

    @property
    def seconds(self) -> float:
        return float(sum(self.timings.values()))

    def parameters(self) -> dict:
        base = self.config.parameters() if self.config is not None else {}
        return {**base, "site_density": self.site_density, "sites": self.sites, "seed": self.seed,
                "hop_cutoff": self.hop_cutoff, "engine": self.engine,
                "timings": {k: round(v, 4) for k, v in self.timings.items()}}


def simulate(config: SimulationConfig | None = None, *, progress: Callable[[str], None] | None = None,
             keep_fields: bool = False, electrode_width: float | None = None, **overrides) -> SimulationResult:
    """Simulate f(n_s, τ_s) on one random sample, Eq. (13) via (S40)–(S45).

    Parameters
    ----------
    config : SimulationConfig, optional
        Site density, sites, seed, cut-off, τ_s grid, engine, threads (defaults if None).
    progress : callable, optional
        Called with a short message at each stage.
    keep_fields : bool
        Keep the per-site fields (positions, drift generation, S̃^z) for maps.
    electrode_width : float, optional
        Width of the electrode strips in a_b (default l_c).
    **overrides
        Fields of :class:`SimulationConfig` (e.g. ``site_density=0.01, sites=20000, tau_s=[0, 1e3]``);
        unknown names raise :class:`hopspin.errors.ParameterError`.  f is defined for the unit [001]
        model: a ``beta`` other than None is refused (use :func:`numerics.tensor.cisp_tensor`).

    Returns
    -------
    SimulationResult
        ``.to_xarray()`` gives the labelled dataset, ``.to_record()`` the JSON record.
    """
    cfg = resolve_config(config, overrides).check()
    if cfg.beta is not None:
        raise ParameterError("simulate computes f(n_s, tau_s) for the unit [001] model (beta = None); for a general "
                             "beta use cisp_tensor (the CISP tensor, SGE and spin currents)", parameter="beta")
    say = progress or (lambda msg: None)
    if progress is not None and not kernels_cached():
        say(COMPILE_NOTICE)
    timings = {}
    t0 = time.perf_counter()
    say(f"sample and bond network: N = {cfg.sites} sites, n_s a_b^2 = {cfg.site_density:g}, seed {cfg.seed}")
    sample = cfg.sample()
    network = build_network(sample, hop_cutoff=cfg.hop_cutoff, electrode_width=electrode_width)
    timings["network"] = time.perf_counter() - t0
    say(f"network: {network.positions.shape[0]} cluster sites, {network.bonds.shape[0]} bonds "
        f"(L = {network.side:.1f} a_b, l_c = {critical_length(cfg.site_density):.2f} a_b) in {timings['network']:.1f} s")
    result = simulate_network(network, cfg.tau_s_array, progress=say, keep_fields=keep_fields, threads=cfg.threads,
                              engine=cfg.engine)
    result.timings = {**timings, **result.timings}
    result.seed = cfg.seed
    result.config = cfg
    return result


def simulate_network(network: Network, tau_s: Sequence[float], beta=UNIT_BETA_001,
                     progress: Callable[[str], None] | None = None, keep_fields: bool = False,
                     threads: int | None = None, engine: str = "multifrontal",
                     analysis: NetworkAnalysis | None = None, kirchhoff=None) -> SimulationResult:
    """Run (S42)–(S45) on a given network (e.g. the 3-site triangle of (S46)).

    ``network.side`` is the sample length L and ``network.sites`` the N of (S42), (S45).  ``analysis``
    (the network's :class:`numerics.solvers.NetworkAnalysis`) is made if not given and may be reused;
    ``kirchhoff``, the network's :class:`numerics.solvers.KirchhoffSolution`, is solved if not given.
    """
    args = (network, tau_s, beta, progress, keep_fields, threads, engine, analysis, kirchhoff)
    if threads == 1:
        # one core asked for (e.g. one sweep worker process per core): no BLAS threads either
        with threadpool_limits(limits=1):
            return _simulate_network(*args)
    return _simulate_network(*args)


def _simulate_network(network, tau_s, beta, progress, keep_fields, threads, engine, analysis,
                      kirchhoff) -> SimulationResult:
    say = progress or (lambda msg: None)
    taus = np.atleast_1d(np.asarray(tau_s, dtype=np.float64))
    analysis = analysis if analysis is not None else NetworkAnalysis(network)
    timings = {}
    t = time.perf_counter()
    if kirchhoff is None:
        say(f"Kirchhoff: exact solve on {network.positions.shape[0]} sites, {network.bonds.shape[0]} bonds")
        kirchhoff = solve_kirchhoff(network, analysis=analysis, engine=engine,
                                    prefetch=(engine == "multifrontal" and threads != 1))
    timings["kirchhoff"] = time.perf_counter() - t
    say(f"Kirchhoff: I_total = {kirchhoff.total_current:.3e}, conservation error "
        f"{kirchhoff.max_conservation_error:.1e} in {timings['kirchhoff']:.1f} s")
    t = time.perf_counter()
    say(f"triads and {len(taus)} spin-diffusion solves (S43)")
    response = spin_response(network, kirchhoff, beta, taus, threads=threads, engine=engine,
                             keep_fields=keep_fields, analysis=analysis)
    timings["spin_response"] = time.perf_counter() - t
    i_total = kirchhoff.total_current
    norm = _TR_B2 * _B_XY  # Tr β² β_xy of the unit [001] model: s_y = Tr β² β_xy f  (Eq. 13)
    f_dr = float(response.s_dr[1] / norm)
    # each from its own cancellation-free form (numerics.response): f (Eq. (12)) is far below f_dr's
    # rounding at large τ_s, f_diff far below it at small τ_s; f = f_dr + f_diff to ~1e-13 f_dr (KKM)
    f = response.s[:, 1] / norm
    f_diff = response.s_diff[:, 1] / norm
    say(f"triads and spin diffusion: {response.triangles} triangles, f_dr = {f_dr:.6g}, {len(taus)} values of "
        f"tau_s in {timings['spin_response']:.1f} s (KKM check {response.kkm_error:.1e}, "
        f"(S43) backward error {response.max_balance_error:.1e}"
        + ("" if response.eq12_error is None else f", Eq. (12) check {response.eq12_error:.1e}") + ")")
    n = network.sites
    log_i = float(np.log(i_total) - 2.0 * network.scale_length)   # the solves use g/g_c, g_c = e^{-2 R_c}
    xi_c = critical_parameter(network.positions.shape[0], network.bonds, network.bond_parameters,
                              network.electrode == SOURCE, network.electrode == DRAIN)
    l_c_sample = 0.5 * (xi_c if network.energies is None else network.equal_energy_critical_parameter)
    return SimulationResult(
        site_density=network.site_density, sites=n, seed=None, hop_cutoff=network.hop_cutoff,
        tau_s=taus, f_dr=f_dr, f_diff=f_diff, f=f, border_current=float(np.exp(log_i)), log_border_current=log_i,
        critical_bond_length=l_c_sample, critical_parameter=xi_c,
        cluster_sites=int(network.positions.shape[0]), bonds=int(network.bonds.shape[0]),
        triangles=response.triangles, max_conservation_error=float(kirchhoff.max_conservation_error),
        max_balance_error=response.max_balance_error, kkm_error=response.kkm_error,
        eq12_error=response.eq12_error, timings=timings, engine=kirchhoff.engine,
        positions=network.positions if keep_fields else None,
        drift_generation=response.drift_site[:, 1] / norm if keep_fields else None,
        # S̃^z of (S43) with γ of (S44): the separated spin is S̃_c ĉ with ĉ = −ẑ and γ_c = Tr β² |γ(S44)|
        spin_z=-response.spin_sep / _TR_B2 if keep_fields and response.spin_sep is not None else None)
