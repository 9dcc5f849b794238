"""Percolation scales of the random-site network (in units of a_b).

* the critical bond length ``l_c = 1.19847/√(n_s a_b²)``: continuum percolation of discs, critical
  mean number of bonds per site B_c = π n_s l_c² = 4.51235 (Mertens & Moore, PRE 86, 061109, 2012);
* the exponent range of the critical conductances, ``ξ_c = 2 l_c/a_b`` (ρ = ρ0 e^{ξ_c});
* the correlation length of the critical subnetwork, ``L_0 = l_c ξ_c^ν`` with the 2D percolation
  exponent ν = 4/3 (Shklovskii & Efros, *Electronic Properties of Doped Semiconductors*, ch. 5):
  the size of the cells of the current-carrying network.  A sample must be larger than L_0 to
  average over them; :func:`sample_size_verdict` states the rule used before every run.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numba as nb
import numpy as np

from hopspin.errors import ParameterError

__all__ = ["CRITICAL_LENGTH_COEFFICIENT", "CRITICAL_BONDS", "NU", "critical_length", "critical_exponent",
           "correlation_length", "sample_size_verdict", "SampleSizeVerdict", "REFUSE_BELOW", "WARN_BELOW",
           "critical_parameter"]

#: l_c √(n_s) for 2D continuum percolation with a sharp cut-off (in a_b)
CRITICAL_LENGTH_COEFFICIENT = 1.19847
#: critical mean number of bonds per site, π n_s l_c² (Mertens & Moore 2012)
CRITICAL_BONDS = 4.51235
#: correlation-length exponent of 2D percolation
NU = 4.0 / 3.0
#: refuse a sample whose side L is below this fraction of L_0; warn below WARN_BELOW × L_0
REFUSE_BELOW = 0.1
WARN_BELOW = 1.0


def critical_length(site_density) -> float:
    """Percolation length l_c = 1.19847 / √(n_s a_b²), in units of a_b."""
    d = float(site_density)
    if not (math.isfinite(d) and 0.0 < d < 1.0):
        raise ParameterError(f"site_density = n_s a_b^2 must lie in (0, 1), got {site_density!r}",
                             parameter="site_density")
    return CRITICAL_LENGTH_COEFFICIENT / math.sqrt(d)


def critical_exponent(site_density) -> float:
    """ξ_c = 2 l_c/a_b, the exponent of the critical conductance e^{−ξ_c}."""
    return 2.0 * critical_length(site_density)


def correlation_length(site_density) -> float:
    """L_0 = l_c ξ_c^{4/3}, the correlation length of the critical subnetwork, in a_b."""
    lc = critical_length(site_density)
    return lc * (2.0 * lc) ** NU


@dataclass(frozen=True)
class SampleSizeVerdict:
    side_over_l0: float
    refuse: bool
    message: str


def sample_size_verdict(site_density: float, sites: int) -> SampleSizeVerdict:
    """Is an L × L sample (L = √(N/n_s)) large against the critical subnetwork's L_0?

    Rule: refuse when L < 0.1 L_0 (the sample is a handful of critical bonds: f scatters by orders of
    magnitude between seeds); warn when L < L_0 (hopspin validate measured a seed-to-seed spread of f of 5–11 % already at
    L ≈ 1.2 L_0 for n_s a_b² = 0.003–0.05, and a finite-size bias of the mean of 3–6 %).
    """
    side = math.sqrt(sites / site_density)
    l0 = correlation_length(site_density)
    ratio = side / l0
    n_min = math.ceil((REFUSE_BELOW * l0) ** 2 * site_density)
    n_ok = math.ceil((WARN_BELOW * l0) ** 2 * site_density)
    if ratio < REFUSE_BELOW:
        return SampleSizeVerdict(ratio, True, (
            f"sites = {sites} gives a sample of side L = {side:.4g} a_b, {ratio:.2g} of the critical "
            f"subnetwork's correlation length L_0 = l_c (2 l_c/a_b)^(4/3) = {l0:.4g} a_b at n_s a_b^2 = "
            f"{site_density:g}; a meaningful run needs L >= {REFUSE_BELOW:g} L_0, i.e. sites >= {n_min} "
            f"(>= {n_ok} for L >= L_0)"))
    if ratio < WARN_BELOW:
        return SampleSizeVerdict(ratio, False, (
            f"the sample (L = {side:.4g} a_b) is smaller than the critical subnetwork's correlation length "
            f"L_0 = {l0:.4g} a_b at n_s a_b^2 = {site_density:g}: expect a sample-to-sample spread of f above 5 % and a biased mean; "
            f"sites >= {n_ok} give L >= L_0"))
    return SampleSizeVerdict(ratio, False, "")


@nb.njit(cache=True)
def _find(parent, a):
    root = a
    while parent[root] != root:
        root = parent[root]
    while parent[a] != root:            # path compression
        parent[a], a = root, parent[a]
    return root


@nb.njit(cache=True)
def _bottleneck(n, ends_a, ends_b, weights, order, source, drain):
    parent = np.arange(n + 2)
    s_node, d_node = n, n + 1
    for i in range(n):
        if source[i]:
            parent[_find(parent, i)] = _find(parent, s_node)
        elif drain[i]:
            parent[_find(parent, i)] = _find(parent, d_node)
    for t in order:
        ra, rb = _find(parent, ends_a[t]), _find(parent, ends_b[t])
        if ra != rb:
            parent[ra] = rb
            if _find(parent, s_node) == _find(parent, d_node):
                return weights[t]
    return np.inf


def critical_parameter(n_sites: int, bonds: np.ndarray, weights: np.ndarray, source: np.ndarray,
                       drain: np.ndarray) -> float:
    """The percolation threshold of one sample: the smallest w such that the bonds with weight ≤ w connect
    the source and drain sites (union–find over the bonds in increasing weight) — the largest bond
    weight the strongest path between the electrodes needs.  With ``weights = 2 R_ij/a_b`` it is the
    sample's critical exponent ξ_c (l_c^sample = ξ_c/2); with energies, ξ_ij = 2R_ij/a_b +
    max(ε_i, ε_j)/k_BT.  ∞ if they are never connected."""
    bonds = np.ascontiguousarray(bonds, np.int64).reshape(-1, 2)
    weights = np.ascontiguousarray(weights, np.float64)
    order = np.argsort(weights, kind="stable")
    return float(_bottleneck(int(n_sites), bonds[:, 0].copy(), bonds[:, 1].copy(), weights, order,
                             np.ascontiguousarray(source, np.bool_), np.ascontiguousarray(drain, np.bool_)))
