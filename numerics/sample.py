"""Random site samples for the 2D hopping network.

Lengths are in units of the localization radius a_b.  ``site_density`` is the
dimensionless n_s a_b^2 (valid range 0 < n_s a_b^2 < 1; the paper uses
0.002 ... 0.1).  The sample is an L x L square with L = sqrt(N / n_s).
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from hopspin.errors import ParameterError

__all__ = ["Sample", "random_sample"]


@dataclass(frozen=True)
class Sample:
    """N sites placed uniformly in the square [0, side) x [0, side)."""

    positions: np.ndarray  # (N, 2) float64, in a_b
    side: float  # L in a_b
    site_density: float  # n_s a_b^2
    seed: int | None

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


def random_sample(site_density: float, sites: int, seed: int | None = 0) -> Sample:
    """Draw ``sites`` positions uniformly in an L x L square, L = sqrt(sites / site_density).

    Uses ``numpy.random.default_rng(seed)``: the same seed gives identical arrays.
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
    return Sample(positions=positions, side=side, site_density=density,
                  seed=None if seed is None else int(seed))
