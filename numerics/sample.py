"""Random site samples for the 2D hopping network.

Lengths are in units of the localization radius a_b.  ``site_density`` is the
dimensionless n_s a_b^2 (valid range 0 < n_s a_b^2 < 1; the paper uses
0.002 ... 0.1).  The sample is an L x L square with L = sqrt(N / n_s).  Site energies (in k_BT,
optional; :mod:`numerics.energies`) are drawn after the positions from the same generator, so the
positions of a seed do not depend on the energy disorder.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from hopspin.errors import ParameterError

from .energies import ENERGY_DISORDER_MAX, check_site_energies, draw_site_energies

__all__ = ["Sample", "random_sample"]


@dataclass(frozen=True)
class Sample:
    """N sites placed uniformly in the square [0, side) x [0, side), optionally with site energies."""

    positions: np.ndarray  # (N, 2) float64, in a_b
    side: float  # L in a_b
    site_density: float  # n_s a_b^2
    seed: int | None
    energies: np.ndarray | None = None  # (N,) ε_i/k_BT from the centre of the distribution; None: all equal

    @property
    def sites(self) -> int:
        return int(self.positions.shape[0])


def _check_density(site_density) -> float:
    if isinstance(site_density, bool) or not isinstance(site_density, numbers.Real):
        raise ParameterError(f"site_density must be a real number in (0, 1), got {site_density!r}",
                             parameter="site_density")
    value = float(site_density)
    if not (math.isfinite(value) and 0.0 < value < 1.0):
        raise ParameterError(
            f"site_density = n_s a_b^2 must lie in the open interval (0, 1) "
            f"(paper range 0.002..0.1), got {site_density!r}", parameter="site_density")
    return value


def random_sample(site_density: float, sites: int, seed: int | None = 0, energy_disorder: float = 0.0,
                  energy_distribution: str = "uniform", site_energies=None) -> Sample:
    """Draw ``sites`` positions uniformly in an L x L square, L = sqrt(sites / site_density).

    Uses ``numpy.random.default_rng(seed)``: the same seed gives identical arrays.  ``energy_disorder``
    W/k_BT > 0 draws site energies after the positions (uniform of width W or Gaussian of r.m.s. W,
    :func:`numerics.energies.draw_site_energies`); ``site_energies`` gives them instead (k_BT, one per site).
    With neither, every site has the same energy (``energies`` None, the paper's model).
    """
    density = _check_density(site_density)
    if isinstance(sites, bool) or not isinstance(sites, numbers.Integral):
        raise ParameterError(f"sites must be an integer >= 3, got {sites!r}", parameter="sites")
    if int(sites) < 3:
        raise ParameterError(f"sites must be an integer >= 3, got {sites!r}", parameter="sites")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
                             or int(seed) < 0):
        raise ParameterError(f"seed must be None or a non-negative integer, got {seed!r}", parameter="seed")
    n = int(sites)
    side = math.sqrt(n / density)
    rng = np.random.default_rng(seed)
    positions = rng.random((n, 2)) * side
    positions.setflags(write=False)
    energies = None
    if site_energies is not None:
        if energy_disorder:
            raise ParameterError("give either energy_disorder or site_energies, not both", parameter="site_energies")
        energies = check_site_energies(site_energies, n).copy()
    elif energy_disorder:
        w = float(energy_disorder)
        if not (math.isfinite(w) and 0.0 <= w <= ENERGY_DISORDER_MAX):
            raise ParameterError(f"energy_disorder W/k_BT must lie in [0, {ENERGY_DISORDER_MAX:g}], got "
                                 f"{energy_disorder!r}", parameter="energy_disorder")
        energies = draw_site_energies(rng, n, w, energy_distribution)
    if energies is not None:
        energies.setflags(write=False)
    return Sample(positions=positions, side=side, site_density=density,
                  seed=None if seed is None else int(seed), energies=energies)
