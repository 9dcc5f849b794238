"""The elementary equilateral triangle (S46) as a 3-site network for the general pipeline.

Sites 1 = (0, 0) (current in), 2 = (a, 0) (current out), 3 = (a/2, √3a/2); the current
flows along +x; L = the height √3a/2 and N = 3, the convention for which (S42) reproduces
the printed (S46) (derived in ``theory/triangle.py``).
"""

from __future__ import annotations

import math

import numpy as np

from hopspin.errors import ParameterError

from .config import SimulationConfig, resolve_config
from .energies import bond_parameters, check_site_energies
from .network import DRAIN, SOURCE, Network
from .percolation import critical_parameter
from .simulate import SimulationResult, simulate_network

__all__ = ["triangle_network", "simulate_triangle", "triangle", "s46"]


#: sides of the triangle the pipeline accepts, in a_b: below, f_dr ∝ a⁴ e^{−a} is below 1e-24; above,
#: e^{−a} (and with it f_dr) is below float64's range
SIDE_RANGE = (1e-6, 700.0)


def triangle_network(side: float, energies=None) -> Network:
    """Three sites at the corners of an equilateral triangle of side ``side`` (in a_b); ``energies``
    (three values in k_BT, optional) are the site energies (derivations/d12, step 20)."""
    lo, hi = SIDE_RANGE
    if isinstance(side, bool) or not isinstance(side, (int, float, np.floating, np.integer)) \
            or not (math.isfinite(side) and lo <= side <= hi):
        raise ParameterError(f"side must be a length in [{lo:g}, {hi:g}] a_b (f_dr ~ a^4 e^-a leaves float64's "
                             f"range outside it), got {side!r}", parameter="side")
    pos = np.array([[0.0, 0.0], [side, 0.0], [side / 2, math.sqrt(3) * side / 2]])
    bonds = np.array([[0, 1], [0, 2], [1, 2]], dtype=np.int64)
    lengths = np.linalg.norm(pos[bonds[:, 0]] - pos[bonds[:, 1]], axis=1)
    electrode = np.array([SOURCE, DRAIN, 0], dtype=np.int8)
    common = dict(positions=pos, site_index=np.arange(3), bonds=bonds, lengths=lengths, electrode=electrode,
                  side=math.sqrt(3) * side / 2, site_density=float("nan"), hop_cutoff=float("nan"),
                  cutoff_length=side * (1 + 1e-9), sites=3)
    if energies is None:
        return Network(**common, scale_length=float(side))
    e = check_site_energies(energies, 3)
    xi_c = critical_parameter(3, bonds, bond_parameters(lengths, e, bonds), electrode == SOURCE, electrode == DRAIN)
    return Network(**common, scale_length=0.5 * xi_c, energies=e, energy_reference=float(np.mean(e)))


def simulate_triangle(side: float, tau_s, engine: str = "multifrontal", energies=None) -> SimulationResult:
    """f_dr and f_diff of the triangle through the general network pipeline (S42)–(S45)."""
    return simulate_network(triangle_network(side, energies), np.atleast_1d(np.asarray(tau_s, dtype=float)),
                            engine=engine)


def triangle(side: float, config: SimulationConfig | None = None, *, energies=None, **overrides) -> SimulationResult:
    """The equilateral triangle of side ``side`` (in a_b) through the general pipeline, (S46).

    Only ``tau_s``, ``engine`` and ``threads`` of the configuration apply (the triangle has no site
    density, size or seed); ``site_density`` and ``sites`` of the result are NaN and 3.  ``energies``:
    the three site energies in k_BT (source corner, drain corner, apex), default all equal.
    """
    ignored = {"site_density", "sites", "seed", "hop_cutoff", "beta", "energy_disorder", "energy_distribution",
               "site_energies"} & set(overrides)
    if ignored:
        raise ParameterError(f"the triangle has no {', '.join(sorted(ignored))}: only tau_s, engine and threads "
                             "apply", parameter=sorted(ignored)[0])
    cfg = resolve_config(config, overrides)
    net = triangle_network(side, energies)
    return simulate_network(net, cfg.tau_s_array, engine=cfg.engine, threads=cfg.threads)


def s46(side: float, tau_s) -> tuple[float, np.ndarray]:
    """Closed form (S46): ``f_dr = √3 a⁴/32 e^{−a}``, ``f_diff = −f_dr τ_s/(τ_s + e^{2a}/3)``."""
    tau_s = np.atleast_1d(np.asarray(tau_s, dtype=float))
    f_dr = math.sqrt(3) * side**4 / 32 * math.exp(-side)
    # τ_s/(τ_s + e^{2a}/3) = 1/(1 + e^{2a − ln 3τ_s}), in log space (no overflow at any side or τ_s)
    with np.errstate(divide="ignore", over="ignore"):
        ratio = np.exp(2 * side - np.log(3 * np.where(tau_s > 0, tau_s, 1.0)))
        frac = np.where(tau_s > 0, 1.0 / (1.0 + ratio), 0.0)
    return f_dr, -f_dr * frac
