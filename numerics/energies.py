"""Site energies and the bond network of the Miller–Abrahams model with energy disorder.

Model (``derivations/d12_energy_disorder.py``): non-degenerate statistics (n ≪ n_s, Boltzmann
occupations n_i ∝ w_i = e^{−ε_i}), site energies ε_i in units of k_BT measured from the centre of their
distribution, Miller–Abrahams hop rates ``1/τ_ab = (1/τ0) e^{−2R_ab} e^{−(ε_a − ε_b)⁺}``.  The linearised
network has the symmetric bond conductances

    g_ij = e^{−ξ_ij},   ξ_ij = 2 R_ij/a_b + max(ε_i, ε_j)/k_BT        (the percolation bond parameter)

and the spin problem the site-dependent ground ε w_i (ε = τ0/τ_s).  Energies are drawn after the
positions from the same generator, so a sample with energy disorder has the same positions as the
equal-energy sample of its seed.

Bond selection (:func:`energy_bonds`): the equal-energy network keeps the pairs closer than
``hop_cutoff · l_c``; that is, bonds at most ``Δ = 2 hop_cutoff l_c − ξ_c⁰`` above the sample's own
threshold ξ_c⁰ (union–find on 2R).  With energies the same excess over the sample's threshold ξ_c
(union–find on ξ) is kept: ``ξ_ij ≤ ξ_cut = ξ_c + Δ``.  As W → 0, ξ_c → ξ_c⁰ and the bond set becomes the
equal-energy one.

Range: in units of the critical conductance g_c = e^{−ξ_c} every kept bond has
``e^{−Δ} ≤ g_ij/g_c ≤ e^{ξ_c − ξ_min}``, inside float64's range for W/k_BT ≤ :data:`ENERGY_DISORDER_MAX`
(checked on every network: a conductance that under- or overflows is an error, never a silent zero).  Nothing
is pruned: a bond far below its sites' total conductances costs a few flops and changes no current beyond
rounding, but removing it would also remove the triads it closes, whose spin generation does not scale with
that bond's conductance (measured: dropping the 27 of 26 074 bonds below 2⁻⁵³ of both ends' totals, N = 7000,
W/k_BT = 20, changed f_dr by 2e-7).
"""
from __future__ import annotations

import math

import numba as nb
import numpy as np

from hopspin.errors import NotPercolatingError, ParameterError

from .percolation import critical_parameter

__all__ = ["ENERGY_DISTRIBUTIONS", "ENERGY_DISORDER_MAX", "draw_site_energies", "check_site_energies",
           "bond_parameters", "energy_bonds", "EnergyBonds"]

#: named distributions of the site energies: uniform of width W, Gaussian of r.m.s. W
ENERGY_DISTRIBUTIONS = ("uniform", "gaussian")
#: largest W/k_BT accepted: the scaled conductances stay inside float64's range (the unscaled ones leave it
#: already at W/k_BT ~ 30 for a low density), far beyond experiments (W/k_BT of order 10)
ENERGY_DISORDER_MAX = 100.0
#: largest |ε_i|/k_BT of a user array (a common shift changes nothing; the spread is checked per network)
SITE_ENERGY_MAX = 1e4


def draw_site_energies(rng: np.random.Generator, sites: int, energy_disorder: float,
                       energy_distribution: str = "uniform") -> np.ndarray:
    """ε_i/k_BT for ``sites`` sites: uniform in [−W/2, W/2] or Gaussian of r.m.s. W (mean 0), W = energy_disorder."""
    if energy_distribution == "uniform":
        return (rng.random(sites) - 0.5) * energy_disorder
    if energy_distribution == "gaussian":
        return rng.standard_normal(sites) * energy_disorder
    raise ParameterError(f"energy_distribution must be one of {', '.join(ENERGY_DISTRIBUTIONS)}, "
                         f"got {energy_distribution!r}", parameter="energy_distribution")


def check_site_energies(energies, sites: int) -> np.ndarray:
    """A user array of site energies (in k_BT) as a finite float64 array of length ``sites``."""
    try:
        arr = np.asarray(energies, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise ParameterError("site_energies must be an array of numbers (energies in k_BT, one per site)",
                             parameter="site_energies") from None
    if arr.size != sites:
        raise ParameterError(f"site_energies must hold one energy per site ({sites}), got {arr.size}",
                             parameter="site_energies")
    if not np.all(np.isfinite(arr)) or np.max(np.abs(arr), initial=0.0) > SITE_ENERGY_MAX:
        raise ParameterError(f"site_energies must be finite and within +-{SITE_ENERGY_MAX:g} k_BT",
                             parameter="site_energies")
    return arr


def bond_parameters(lengths: np.ndarray, energies: np.ndarray | None, bonds: np.ndarray) -> np.ndarray:
    """ξ_ij = 2 R_ij + max(ε_i, ε_j) per bond (2 R_ij without energies)."""
    xi = 2.0 * np.asarray(lengths, dtype=np.float64)
    if energies is None:
        return xi
    return xi + np.maximum(energies[bonds[:, 0]], energies[bonds[:, 1]])


@nb.njit(cache=True)
def _pairs_below(pos, energies, threshold, cell, fill, out):
    """Every pair (a, b) with 2R_ab + max(ε_a, ε_b) ≤ threshold, once, as (min, max) index rows.

    Site a is the higher-energy end (ties by index): its partners lie within r_a = (threshold − ε_a)/2.
    A grid of square cells of side ``cell`` is scanned around each site.  With ``fill`` False only count.
    """
    n = pos.shape[0]
    x0, y0 = pos[:, 0].min(), pos[:, 1].min()
    nx = int((pos[:, 0].max() - x0) / cell) + 1
    ny = int((pos[:, 1].max() - y0) / cell) + 1
    cx = np.empty(n, np.int64)
    cy = np.empty(n, np.int64)
    head = np.full(nx * ny, -1, np.int64)
    nxt = np.full(n, -1, np.int64)
    for a in range(n):
        cx[a] = int((pos[a, 0] - x0) / cell)
        cy[a] = int((pos[a, 1] - y0) / cell)
        c = cy[a] * nx + cx[a]
        nxt[a] = head[c]
        head[c] = a
    count = 0
    for a in range(n):
        reach = 0.5 * (threshold - energies[a])
        if reach <= 0.0:
            continue
        span = int(reach / cell) + 1
        for gy in range(max(0, cy[a] - span), min(ny, cy[a] + span + 1)):
            for gx in range(max(0, cx[a] - span), min(nx, cx[a] + span + 1)):
                b = head[gy * nx + gx]
                while b >= 0:
                    if energies[b] < energies[a] or (energies[b] == energies[a] and b < a):
                        dx = pos[a, 0] - pos[b, 0]
                        dy = pos[a, 1] - pos[b, 1]
                        r = math.sqrt(dx * dx + dy * dy)
                        if 2.0 * r + energies[a] <= threshold:
                            if fill:
                                out[count, 0] = min(a, b)
                                out[count, 1] = max(a, b)
                            count += 1
                    b = nxt[b]
    return count


def _pairs(pos, energies, threshold, cell):
    empty = np.zeros((0, 2), np.int64)
    n = _pairs_below(pos, energies, float(threshold), float(cell), False, empty)
    out = np.empty((n, 2), np.int64)
    _pairs_below(pos, energies, float(threshold), float(cell), True, out)
    return out


class EnergyBonds:
    """Result of :func:`energy_bonds`: the kept pairs, their ξ and the thresholds ξ_c, ξ_c⁰, ξ_cut."""

    def __init__(self, pairs, xi, xi_c, xi_c_equal, xi_cut):
        self.pairs, self.xi = pairs, xi
        self.xi_c, self.xi_c_equal, self.xi_cut = xi_c, xi_c_equal, xi_cut


def energy_bonds(pos: np.ndarray, energies: np.ndarray, equal_pairs: np.ndarray, l_c: float, hop_cutoff: float,
                 source: np.ndarray, drain: np.ndarray, describe: str) -> EnergyBonds:
    """The bonds of a sample with site energies (see the module docstring for the rule).

    ``equal_pairs`` are the pairs closer than ``hop_cutoff · l_c`` (the equal-energy bonds, which give ξ_c⁰);
    ``source``/``drain`` mark the electrode sites.  Raises NotPercolatingError if even the equal-energy
    bonds do not connect the electrodes (``describe`` names the sample in the message).
    """
    d = pos[equal_pairs[:, 0]] - pos[equal_pairs[:, 1]]
    xi_c_equal = critical_parameter(pos.shape[0], equal_pairs, 2.0 * np.sqrt(d[:, 0] ** 2 + d[:, 1] ** 2),
                                    source, drain)
    if not math.isfinite(xi_c_equal):
        raise NotPercolatingError(f"no bond cluster connects the source and drain electrodes for {describe}; "
                                  "use more sites or a larger hop_cutoff")
    excess = 2.0 * hop_cutoff * l_c - xi_c_equal
    cell = max(l_c, 1e-9)
    # ξ_c ≤ X as soon as the bonds with ξ ≤ X connect the electrodes: raise X until they do
    threshold = xi_c_equal + float(np.median(energies))
    step = max(0.25 * l_c, 0.5)
    while True:
        pairs = _pairs(pos, energies, threshold, cell)
        xi = _xi(pos, energies, pairs)
        xi_c = critical_parameter(pos.shape[0], pairs, xi, source, drain)
        if math.isfinite(xi_c):
            break
        step = 2.0 * step
        threshold += step
    xi_cut = xi_c + excess
    if xi_cut > threshold:
        pairs = _pairs(pos, energies, xi_cut, cell)
        xi = _xi(pos, energies, pairs)
    keep = xi <= xi_cut
    pairs, xi = pairs[keep], xi[keep]
    span = float(xi_c - xi.min(initial=xi_c))
    if span > 700.0:       # e^{ξ_c − ξ_min} would overflow (only far beyond ENERGY_DISORDER_MAX)
        raise ParameterError(f"the site energies span too much: conductances reach e^{span:.0f} times the critical "
                             f"one, beyond float64's range (reduce the energy disorder)", parameter="energy_disorder")
    return EnergyBonds(pairs, xi, xi_c, xi_c_equal, xi_cut)


def _xi(pos, energies, pairs):
    d = pos[pairs[:, 0]] - pos[pairs[:, 1]]
    return 2.0 * np.sqrt(d[:, 0] ** 2 + d[:, 1] ** 2) + np.maximum(energies[pairs[:, 0]], energies[pairs[:, 1]])
