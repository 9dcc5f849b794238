"""The hopping Hall effect of a sample: Holstein's three-site term in the exact Kirchhoff machinery.

Physics (``theory/flux_network.py``): in a perpendicular field every triad (i, k, j) injects the
charge ``P_i = η hall_ikj I_kj`` at i (I_kj the current of the opposite bond, flow j → k; η =
ħ/(J0 τ0) explicit, the paper's 6.6×10⁻³ by default); per triangle the three injections sum to zero;
the Hall operator is antisymmetric and odd in B, so the conductance matrix obeys G(B)ᵀ = G(−B).

Geometry and definitions (units a_b = τ0 = J0 = m = ħ = 1, conductances g = e^{−2R}; every current is
a particle current per unit potential difference, in the units of ``border_current`` of
:func:`numerics.simulate.simulate`):

* the **x circuit** is the sample of ``simulate`` (source strip x < l_c at potential 1, drain strip
  x > L − l_c at 0, open transverse borders); the **y circuit** is the same cluster with the strips
  y < l_c (at 1) and y > L − l_c (at 0) as electrodes and the x strips as ordinary sites;
* **Hall current with equipotential transverse borders**, ``hall_current`` = σ_yx: the current that
  the Hall sources of the x circuit's current drive between the transverse strips held at the same
  potential (short circuit), to first order in η and exact in Φ.  By reciprocity it equals
  ``Σ_i χ^T_i P_i[V^x] = Σ_t h_t (∇V^x × ∇χ^T)_t``, the discrete form of σ_yx = ∫ h ∇V^x × ∇V^y / L²,
  which for a homogeneous medium (V^x, V^y linear) is exactly the bulk σ_yx of a square: this is why
  this geometry was chosen (no corner or contact form factor; the transverse "electrodes" are the whole
  borders, held equipotential — the short-circuit condition E_y = 0 of the bulk definition).
  Computed as the short-circuit current of edge EMFs (:func:`numerics.solvers.short_circuit_current`,
  subtraction-free); positive = particle current along +y for b > 0, the sign of free electrons
  (the Lorentz force −e v × B on v ∥ +x points along +y);
* ``hall_current_reciprocal`` = σ_xy(−b): the Hall sources of the **y** circuit's current at −b measured
  in the x circuit (short circuit) — a different computation that Onsager–Casimir σ_xy(B) = σ_yx(−B)
  makes equal to ``hall_current`` (``onsager_error``);
* ``current`` I_x(b): the x circuit's longitudinal border current **with** the Hall sources (exact in η,
  Neumann series of :mod:`numerics.flux.solve`); it is even in b, its change (magnetoresistance of the
  Hall term) is O(η²);  ``current_y``: the y circuit's zero-field current;
* Hall angle θ = hall_current / I_x(0); Hall voltage with open borders V_H = hall_current/current_y (the
  open-circuit voltage of the transverse circuit per unit longitudinal potential difference);
  ``hall_voltage_open``: the mean Hall potential of the top minus the bottom border sites of the exact
  x-circuit solution (open borders, a cruder single-sample probe);
* Hall mobility μ_H = θ/b in units of e a_b²/ħ (SI: × e a_b²/ħ = 0.152 m²/(V s) for a_b = 10 nm);
  Hall coefficient R_H = V_H/(I_x(0) b) in units of (e a_b²/ħ)/G, G the conductance unit e²ν/(k_BT τ0)
  (SI in :mod:`numerics.flux.estimates`); the ``_linear`` values are the b → 0 limits.

Not included: the second (principal-value) line of (S10) in the field, whose charge part ∝ cos Φ would add a
magnetoresistance (its phonon factor is not given by the paper); the magnetoresistance reported here is that
of the Hall term alone, O(η²).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from hopspin.errors import NotPercolatingError, ParameterError

from ..config import SimulationConfig, resolve_config
from ..network import DRAIN, SOURCE, Network, build_network
from ..percolation import critical_length
from ..results import Quantity, ResultSchema
from ..sample import random_sample
from ..solvers import NetworkAnalysis, short_circuit_current, solve_kirchhoff
from ..triads import triangle_list
from .kernels import hall_emfs, triangle_geometry
from .solve import hall_kirchhoff

__all__ = ["HallResult", "hall", "hall_network", "y_circuit", "ETA_TYPICAL", "check_flux", "check_equal_energies",
           "check_network", "unscale"]

#: η = ħ/(J0 τ0) for the paper's J0 = 10 meV, τ0 = 10 ps
ETA_TYPICAL = 1.054571817e-34 / (10e-3 * 1.602176634e-19 * 10e-12)
#: largest |b| accepted: a phase of ~10⁴ rad on the smallest triads is far beyond any experiment
FLUX_MAX = 1e4


def check_flux(flux) -> np.ndarray:
    """The flux values b = eB_z a_b²/ħ as a 1-D float array (finite, |b| ≤ FLUX_MAX, at least one)."""
    try:
        arr = np.atleast_1d(np.asarray(flux, dtype=np.float64))
    except (TypeError, ValueError):
        raise ParameterError(f"flux must be one or more numbers b = e B_z a_b^2/hbar, got {flux!r}",
                             parameter="flux") from None
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(np.abs(arr) > FLUX_MAX):
        raise ParameterError(f"flux must be one or more finite numbers b = e B_z a_b^2/hbar with |b| <= {FLUX_MAX:g} "
                             f"(0.152 per tesla for a_b = 10 nm), got {flux!r}", parameter="flux")
    return arr


def check_eta(eta) -> float:
    if isinstance(eta, bool) or not isinstance(eta, (int, float, np.floating, np.integer)) \
            or not math.isfinite(float(eta)) or float(eta) < 0:
        raise ParameterError(f"eta = hbar/(J0 tau0) must be a finite number >= 0, got {eta!r}", parameter="eta")
    return float(eta)


def check_equal_energies(cfg) -> None:
    """The flux kernels are those of the paper's equal-energy model (w = τ_kj Q J0τ0/ħ of the exponential
    model): refuse a configuration with site-energy disorder instead of ignoring it."""
    if (getattr(cfg, "energy_disorder", 0.0) or 0.0) != 0.0 or getattr(cfg, "site_energies", None) is not None:
        raise ParameterError("the orbital-flux numerics uses the paper's equal-energy model: energy_disorder must be 0 "
                             "and site_energies None", parameter="energy_disorder")


def check_network(network) -> None:
    """Refuse a network with site energies (see :func:`check_equal_energies`)."""
    if getattr(network, "energies", None) is not None:
        raise ParameterError("the orbital-flux numerics uses the paper's equal-energy model: this network has site "
                             "energies", parameter="energy_disorder")


def unscale(x, network) -> np.ndarray:
    """Currents from the solver units (g/g_c) back to g = e^{−2R}: × e^{−2 R_c}, in log space."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(divide="ignore"):
        return np.sign(x) * np.exp(np.log(np.abs(x)) - 2.0 * network.scale_length)


def y_circuit(network: Network, electrode_width: float | None = None) -> Network:
    """The same cluster with the transverse strips y < w (source, at 1) and y > L − w (drain) as
    electrodes and the x strips as ordinary sites (w = l_c by default)."""
    width = critical_length(network.site_density) if electrode_width is None else float(electrode_width)
    y = network.positions[:, 1]
    el = np.zeros(y.size, np.int8)
    el[y < width] = SOURCE
    el[y > network.side - width] = DRAIN
    if not (np.any(el == SOURCE) and np.any(el == DRAIN)):
        raise NotPercolatingError("the spanning cluster does not reach both transverse borders (y < l_c and "
                                  "y > L - l_c); use more sites")
    el.setflags(write=False)
    return dataclasses.replace(network, electrode=el)


@dataclass
class HallResult(ResultSchema):
    """Hall response of one sample for each flux b (see the module doc for every definition)."""

    site_density: float
    sites: int
    seed: int | None
    eta: float
    flux: np.ndarray
    hall_current: np.ndarray
    hall_current_reciprocal: np.ndarray
    current: np.ndarray
    current_zero: float
    current_y: float
    hall_voltage_open: np.ndarray
    hall_current_linear: float
    magnetoresistance: np.ndarray
    neumann_terms: int
    neumann_contraction: float
    neumann_bound: float
    cluster_sites: int
    bonds: int
    triangles: int
    max_conservation_error: float
    critical_triad_flux: float = float("nan")
    timings: dict = field(default_factory=dict)
    config: SimulationConfig | None = field(default=None, repr=False)

    QUANTITIES = (
        Quantity("hall_current", ("flux",), "1", "Hall current sigma_yx: transverse particle current between the "
                 "short-circuited transverse borders per unit longitudinal potential difference, first order in eta, "
                 "exact in the phase; same units as current; > 0 along +y for b > 0 (free-electron sign)"),
        Quantity("current", ("flux",), "1", "longitudinal border current I_x(b) with the Hall sources (exact in eta); "
                 "particle current per unit potential difference, conductances exp(-2R/a_b)"),
        Quantity("hall_current_reciprocal", ("flux",), "1", "sigma_xy(-b): Hall sources of the y circuit at -b "
                 "measured in the x circuit (Onsager-Casimir partner of hall_current)"),
        Quantity("hall_angle", ("flux",), "1", "hall_current / current at b = 0"),
        Quantity("hall_voltage", ("flux",), "1", "open-circuit Hall voltage per unit longitudinal potential "
                 "difference: hall_current / current_y"),
        Quantity("hall_voltage_open", ("flux",), "1", "mean Hall potential of the top minus the bottom border sites "
                 "of the exact x-circuit solution (open borders)"),
        Quantity("hall_mobility", ("flux",), "e a_b^2/hbar", "hall_angle / b (null at b = 0)"),
        Quantity("hall_coefficient", ("flux",), "(e a_b^2/hbar)/G", "hall_voltage / (current(0) b) (null at b = 0); "
                 "G = e^2 nu/(k_B T tau_0) the conductance unit"),
        Quantity("magnetoresistance", ("flux",), "1", "current(b)/current(0) - 1 (Hall term only, O(eta^2))"),
        Quantity("hall_mobility_linear", (), "e a_b^2/hbar", "b -> 0 limit of hall_mobility"),
        Quantity("hall_coefficient_linear", (), "(e a_b^2/hbar)/G", "b -> 0 limit of hall_coefficient"),
        Quantity("current_zero", (), "1", "longitudinal border current at b = 0 (= border_current of simulate)"),
        Quantity("current_y", (), "1", "border current of the y circuit at b = 0"),
        Quantity("onsager_error", (), "1", "max |sigma_yx(b) - sigma_xy(-b)| / max |sigma_yx|"),
        Quantity("antisymmetry_error", (), "1", "max |I_H(b) + I_H(-b)| / max |I_H| over the +-b pairs given "
                 "(null without pairs)"),
        Quantity("critical_triad_flux", (), "rad per unit b", "sqrt(3) l_c^2/4: the phase of an equilateral "
                 "critical triad per unit b"),
        Quantity("neumann_terms", (), "1", "Hall terms summed in the exact x-circuit solve", "i8"),
        Quantity("neumann_contraction", (), "1", "largest ratio of successive Neumann terms"),
        Quantity("neumann_bound", (), "1", "proved bound on the contraction (numerics.flux.solve)"),
        Quantity("cluster_sites", (), "1", "sites in the spanning cluster", "i8"),
        Quantity("bonds", (), "1", "bonds in the spanning cluster", "i8"),
        Quantity("triangles", (), "1", "triangles of the bond graph", "i8"),
        Quantity("max_conservation_error", (), "1", "zero-field Kirchhoff conservation error / I_total"),
    )
    COORDS = {"flux": ("flux", "1", "b = e B_z a_b^2/hbar (0.152 per tesla for a_b = 10 nm)")}

    @property
    def hall_angle(self) -> np.ndarray:
        return self.hall_current / self.current_zero

    @property
    def hall_voltage(self) -> np.ndarray:
        return self.hall_current / self.current_y

    @property
    def hall_mobility(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.flux != 0, self.hall_angle / np.where(self.flux != 0, self.flux, 1.0), np.nan)

    @property
    def hall_coefficient(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.flux != 0, self.hall_voltage / self.current_zero / np.where(self.flux != 0, self.flux,
                                                                                              1.0), np.nan)

    @property
    def hall_mobility_linear(self) -> float:
        return self.hall_current_linear / self.current_zero

    @property
    def hall_coefficient_linear(self) -> float:
        return self.hall_current_linear / self.current_y / self.current_zero

    @property
    def onsager_error(self) -> float:
        ref = float(np.max(np.abs(self.hall_current))) if self.hall_current.size else 0.0
        if ref == 0.0:
            return 0.0
        return float(np.max(np.abs(self.hall_current - self.hall_current_reciprocal)) / ref)

    @property
    def antisymmetry_error(self) -> float:
        pairs = [(a, b) for a in range(self.flux.size) for b in range(self.flux.size)
                 if self.flux[a] > 0 and self.flux[b] == -self.flux[a]]
        ref = float(np.max(np.abs(self.hall_current))) if self.hall_current.size else 0.0
        if not pairs:
            return float("nan")
        if ref == 0.0:
            return 0.0
        return max(abs(self.hall_current[a] + self.hall_current[b]) for a, b in pairs) / ref

    def parameters(self) -> dict:
        base = self.config.parameters() if self.config is not None else {}
        return {**base, "site_density": self.site_density, "sites": self.sites, "seed": self.seed, "eta": self.eta,
                "timings": {k: round(v, 4) for k, v in self.timings.items()}}


def _open_hall_voltage(network: Network, hall_potential: np.ndarray, width: float) -> np.ndarray:
    """Mean Hall potential of the interior sites within ``width`` of the top minus the bottom border."""
    y = network.positions[:, 1]
    interior = network.electrode == 0
    top, bottom = interior & (y > network.side - width), interior & (y < width)
    if not (np.any(top) and np.any(bottom)):
        return np.full(hall_potential.shape[0], np.nan)
    return hall_potential[:, top].mean(axis=1) - hall_potential[:, bottom].mean(axis=1)


def hall_network(network: Network, flux: Sequence[float], eta: float = ETA_TYPICAL, engine: str = "multifrontal",
                 order: int | None = None, progress: Callable[[str], None] | None = None,
                 electrode_width: float | None = None) -> HallResult:
    """The Hall response of ``network`` (the x circuit) for each flux (see the module doc).

    ``order``: Hall terms of the exact x-circuit solve (None: to convergence; the Hall current itself is
    the first-order response).  Units and signs as in :class:`HallResult`.
    """
    flux = check_flux(flux)
    eta = check_eta(eta)
    check_network(network)
    say = progress or (lambda msg: None)
    timings = {}
    t = time.perf_counter()
    an_x = NetworkAnalysis(network)
    kx = solve_kirchhoff(network, analysis=an_x, engine=engine)
    net_y = y_circuit(network, electrode_width)
    an_y = NetworkAnalysis(net_y)
    ky = solve_kirchhoff(net_y, analysis=an_y, engine=engine)
    tri, edges = triangle_list(network.positions.shape[0], network.bonds)
    timings["kirchhoff"] = time.perf_counter() - t
    say(f"Kirchhoff: I_x = {kx.total_current:.4e}, I_y = {ky.total_current:.4e} (solver units), "
        f"{tri.shape[0]} triangles")
    geo = triangle_geometry(network, tri, edges)
    # linear response: a flux so small that sin Φ = Φ to rounding on every triangle
    tiny = 1e-7 / max(float(np.max(geo["area"])) if geo["area"].size else 1.0, 1e-300)
    lanes = np.concatenate([flux, [tiny]])
    t = time.perf_counter()
    emf_a = hall_emfs(network, tri, edges, np.repeat(kx.bond_current[None, :], lanes.size, axis=0), lanes, eta)
    sigma_yx = short_circuit_current(net_y, emf_a, an_y)
    emf_b = hall_emfs(net_y, tri, edges, np.repeat(ky.bond_current[None, :], flux.size, axis=0), -flux, eta)
    sigma_xy_rev = short_circuit_current(network, emf_b, an_x)
    timings["hall_current"] = time.perf_counter() - t
    t = time.perf_counter()
    hk = hall_kirchhoff(network, kx, flux, eta, an_x, tri, edges, order=order)
    timings["hall_kirchhoff"] = time.perf_counter() - t
    say(f"Hall: {hk.terms} Neumann terms (contraction {hk.contraction:.1e}, proved bound {hk.bound:.2f}) in "
        f"{sum(timings.values()):.1f} s")
    width = critical_length(network.site_density) if electrode_width is None else float(electrode_width)
    lc = critical_length(network.site_density)
    return HallResult(
        site_density=network.site_density, sites=network.sites, seed=None, eta=eta, flux=flux,
        hall_current=unscale(sigma_yx[:-1], network), hall_current_reciprocal=unscale(sigma_xy_rev, network),
        current=unscale(hk.total_current, network), current_zero=float(unscale(kx.total_current, network)),
        current_y=float(unscale(ky.total_current, network)),
        hall_voltage_open=_open_hall_voltage(network, hk.hall_potential, width),
        hall_current_linear=float(unscale(sigma_yx[-1], network) / tiny),
        magnetoresistance=hk.total_current / kx.total_current - 1.0, neumann_terms=hk.terms,
        neumann_contraction=hk.contraction, neumann_bound=hk.bound, cluster_sites=int(network.positions.shape[0]),
        bonds=int(network.bonds.shape[0]), triangles=int(tri.shape[0]),
        max_conservation_error=float(max(kx.max_conservation_error, ky.max_conservation_error)),
        critical_triad_flux=math.sqrt(3) * lc * lc / 4, timings=timings)


def hall(config: SimulationConfig | None = None, *, flux, eta: float = ETA_TYPICAL,
         progress: Callable[[str], None] | None = None, electrode_width: float | None = None,
         order: int | None = None, **overrides) -> HallResult:
    """Sample → network → :func:`hall_network`: the hopping Hall effect of one random sample.

    Parameters
    ----------
    config : SimulationConfig, optional
        site_density, sites, seed, hop_cutoff, engine (τ_s and β do not enter the charge Hall effect).
    flux : sequence of float
        b = e B_z a_b²/ħ (electrons; 0.152 per tesla for a_b = 10 nm).
    eta : float
        ħ/(J0 τ0), the strength of the three-site (Hall) rates against the hops (default 6.58×10⁻³:
        J0 = 10 meV, τ0 = 10 ps).
    progress : callable, optional
    **overrides
        Fields of :class:`SimulationConfig`.

    Returns
    -------
    HallResult
    """
    cfg = resolve_config(config, overrides).check()
    check_equal_energies(cfg)
    say = progress or (lambda msg: None)
    t = time.perf_counter()
    say(f"sample and bond network: N = {cfg.sites}, n_s a_b^2 = {cfg.site_density:g}, seed {cfg.seed}")
    network = build_network(random_sample(cfg.site_density, cfg.sites, cfg.seed), hop_cutoff=cfg.hop_cutoff,
                            electrode_width=electrode_width)
    t_net = time.perf_counter() - t
    res = hall_network(network, flux, eta=eta, engine=cfg.engine, order=order, progress=progress,
                       electrode_width=electrode_width)
    res.seed, res.config = cfg.seed, cfg
    res.timings = {"network": t_net, **res.timings}
    return res
