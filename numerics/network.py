"""Bond network (Miller-Abrahams resistor network) built from a :class:`Sample`.

Bonds join every pair of sites closer than ``hop_cutoff * l_c`` with
``l_c = 1.19847 / sqrt(n_s a_b^2)`` (in a_b).  Bond conductance is
``g_ij = exp(-2 R_ij)`` (tau_ij = tau_0 exp(2 R_ij)).  The strips ``x < w`` (source,
particle potential 1) and ``x > L - w`` (drain, potential 0) are the electrodes.  Only
the largest connected component of the bond graph that contains sites of both
electrodes (the spanning cluster) is kept.

Scale: every solve works with conductances divided by the critical conductance
``g_c = exp(-2 R_c)`` (R_c = l_c for a random sample, the side for the triangle), and every
spin-relaxation shift ε = τ0/τ_s by the same g_c (:meth:`Network.shifts`): f, the spins S̃ and every
current ratio are unchanged, while conductances of samples with very long or very short bonds stay
inside float64's range (e^{-2R} alone underflows for R > 354 a_b).

Energy disorder (``Sample.energies``, :mod:`numerics.energies`): ``g_ij = exp(-ξ_ij)`` with
``ξ_ij = 2R_ij + max(ε_i, ε_j)`` (energies in k_BT), bonds selected by ξ (same excess over the sample's
threshold as the equal-energy cut-off), and ``2 R_c = ξ_c`` the sample's own threshold; the spin
problem's ground is ``ε w_i`` with ``w_i = e^{-ε_i}`` (:meth:`Network.shifts` × :attr:`Network.weights`).
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from hopspin.errors import NotPercolatingError, ParameterError

from .energies import bond_parameters, energy_bonds
from .percolation import CRITICAL_LENGTH_COEFFICIENT, critical_length
from .sample import Sample

__all__ = ["CRITICAL_LENGTH_COEFFICIENT", "critical_length", "Network", "NotPercolatingError",
           "build_network", "spatial_order"]

SOURCE = np.int8(-1)
DRAIN = np.int8(1)


@dataclass(frozen=True)
class Network:
    positions: np.ndarray  # (M, 2) spanning-cluster sites only
    site_index: np.ndarray  # (M,) index of each cluster site in Sample.positions
    bonds: np.ndarray  # (B, 2) int64, i < j, all pairs within the cut-off inside the cluster
    lengths: np.ndarray  # (B,) R_ij in a_b
    electrode: np.ndarray  # (M,) int8: -1 source strip, +1 drain strip, 0 interior
    side: float
    site_density: float
    hop_cutoff: float  # in units of l_c
    cutoff_length: float  # in a_b
    sites: int  # N of the sample
    scale_length: float = 0.0  # R_c: conductances are in units of g_c = exp(-2 R_c)
    energies: np.ndarray | None = None  # (M,) ε_i/k_BT of the cluster sites; None: all equal (the paper)
    energy_reference: float = 0.0  # ε_ref: the weights are w_i e^{ε_ref}, the shifts carry e^{-ε_ref}
    equal_energy_critical_parameter: float = float("nan")  # ξ_c⁰: union-find on 2R (energy disorder only)

    @cached_property
    def bond_parameters(self) -> np.ndarray:
        """ξ_ij = 2R_ij + max(ε_i, ε_j) (2R_ij with equal energies): g_ij = e^{−ξ_ij}."""
        xi = bond_parameters(self.lengths, self.energies, self.bonds)
        xi.setflags(write=False)
        return xi

    @cached_property
    def conductances(self) -> np.ndarray:
        """g_ij / g_c = exp(-(ξ_ij - 2R_c)) for every bond, with g_ij = τ0/τ_ij × occupation (computed once,
        read-only); ξ_ij = 2R_ij without energies."""
        if self.energies is None:
            g = np.exp(-2.0 * (self.lengths - self.scale_length))
        else:
            with np.errstate(under="ignore"):
                g = np.exp(-(self.bond_parameters - 2.0 * self.scale_length))
        g.setflags(write=False)
        return g

    @cached_property
    def weights(self) -> np.ndarray | None:
        """Occupation weights w_i e^{ε_ref} = e^{−(ε_i − ε_ref)} of the spin problem's ground ε w_i (None:
        all 1, equal energies).  :meth:`shifts` carries the factor e^{−ε_ref}."""
        if self.energies is None:
            return None
        w = np.exp(-(self.energies - self.energy_reference))
        w.setflags(write=False)
        return w

    def shifts(self, tau_s) -> np.ndarray:
        """ε/g_c for each τ_s (ε = τ0/τ_s in the units of :attr:`conductances`; × e^{−ε_ref} with energies,
        so that the ground of site i is ``shifts × weights[i]``): τ_s = 0 → ∞, τ_s = ∞ → 0; computed in log
        space, so a shift beyond float64's range is ∞ (that τ_s acts as τ_s = 0)."""
        taus = np.atleast_1d(np.asarray(tau_s, dtype=np.float64))
        out = np.empty(taus.shape)
        with np.errstate(divide="ignore", over="ignore"):
            out[:] = np.exp(2.0 * self.scale_length - self.energy_reference
                            - np.log(np.where(taus > 0, taus, 1.0)))
        out[taus == 0] = np.inf
        out[np.isinf(taus)] = 0.0
        return out


def spatial_order(positions: np.ndarray, cell: float) -> np.ndarray:
    """Permutation of the sites visiting square cells of side ``cell`` row by row, alternating
    direction (serpentine); stable inside a cell."""
    if positions.shape[0] == 0:
        return np.zeros(0, np.int64)
    c = np.floor((positions - positions.min(axis=0)) / cell).astype(np.int64)
    ncx = int(c[:, 0].max()) + 1
    key = c[:, 1] * ncx + np.where(c[:, 1] % 2 == 0, c[:, 0], ncx - 1 - c[:, 0])
    return np.argsort(key, kind="stable").astype(np.int64)


def build_network(sample: Sample, hop_cutoff: float = 1.5,
                  electrode_width: float | None = None) -> Network:
    """Bond network of the spanning cluster of ``sample``.

    hop_cutoff : bond cut-off in units of l_c; must be >= 1.0 (below 1.0 l_c the bond
        network is below the percolation threshold).
    electrode_width : width w of each electrode strip in a_b (default l_c); must satisfy
        0 < w < L/2.
    Raises :class:`NotPercolatingError` (a ``ValueError``) when no bond cluster touches
    both electrodes.
    """
    if not isinstance(sample, Sample):
        raise ParameterError(f"sample must be a numerics.sample.Sample, got {type(sample).__name__}",
                             parameter="sample")
    if isinstance(hop_cutoff, bool) or not isinstance(hop_cutoff, numbers.Real) \
            or not math.isfinite(float(hop_cutoff)) or float(hop_cutoff) < 1.0:
        raise ParameterError(
            f"hop_cutoff must be a finite number >= 1.0 (in units of l_c; below 1.0 l_c the "
            f"network does not percolate), got {hop_cutoff!r}")
    hop_cutoff = float(hop_cutoff)
    density = sample.site_density
    side = float(sample.side)
    l_c = critical_length(density)
    if electrode_width is None:
        width = l_c
    else:
        if isinstance(electrode_width, bool) or not isinstance(electrode_width, numbers.Real) \
                or not math.isfinite(float(electrode_width)) or float(electrode_width) <= 0:
            raise ParameterError(f"electrode_width must be a positive number (in a_b), "
                                 f"got {electrode_width!r}", parameter="electrode_width")
        width = float(electrode_width)
    if not 2.0 * width < side:
        raise ParameterError(
            f"electrode_width = {width:.4g} a_b leaves no interior: it must be < side/2 = "
            f"{side / 2:.4g} a_b (increase sites, currently {sample.sites}, or reduce "
            f"electrode_width)", parameter="electrode_width")
    r_cut = hop_cutoff * l_c
    # sites in a serpentine order of r_cut-wide cells: neighbours get nearby indices, which
    # keeps every later pass over the bonds (triangles, assembly, sums) cache-friendly
    raw = np.ascontiguousarray(sample.positions, dtype=np.float64)
    spatial = spatial_order(raw, r_cut)
    pos = np.ascontiguousarray(raw[spatial])
    n = pos.shape[0]
    tree = cKDTree(pos, balanced_tree=False, compact_nodes=False)
    pairs = tree.query_pairs(r_cut, output_type="ndarray").astype(np.int64, copy=False)
    if pairs.size == 0:
        pairs = np.zeros((0, 2), dtype=np.int64)
    x = pos[:, 0]
    electrode_all = np.zeros(n, dtype=np.int8)
    electrode_all[x < width] = SOURCE
    electrode_all[x > side - width] = DRAIN
    energies_all = None if sample.energies is None else np.ascontiguousarray(sample.energies[spatial], np.float64)
    describe = (f"site_density={density:g} (n_s a_b^2), N={n} sites, hop_cutoff={hop_cutoff:g} l_c, "
                f"electrode_width={width:.4g} a_b, side={side:.4g} a_b")
    chosen = None
    if energies_all is not None:
        chosen = energy_bonds(pos, energies_all, pairs, l_c, hop_cutoff, electrode_all == SOURCE,
                              electrode_all == DRAIN, describe)
        pairs = chosen.pairs

    graph = coo_matrix((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])),
                       shape=(n, n)).tocsr()
    ncomp, labels = connected_components(graph, directed=False)
    has_source = np.zeros(ncomp, dtype=bool)
    has_drain = np.zeros(ncomp, dtype=bool)
    has_source[labels[electrode_all == SOURCE]] = True
    has_drain[labels[electrode_all == DRAIN]] = True
    spanning = np.flatnonzero(has_source & has_drain)
    if spanning.size == 0:
        raise NotPercolatingError(
            f"no bond cluster connects the source and drain electrodes for {describe}; use more sites or a "
            f"larger hop_cutoff")
    sizes = np.bincount(labels, minlength=ncomp)
    keep_label = spanning[np.argmax(sizes[spanning])]
    keep = labels == keep_label
    kept = np.flatnonzero(keep).astype(np.int64)
    new_id = np.full(n, -1, dtype=np.int64)
    new_id[kept] = np.arange(kept.size, dtype=np.int64)
    in_cluster = keep[pairs[:, 0]]  # both ends share the label
    bonds = new_id[pairs[in_cluster]]
    bonds.sort(axis=1)
    order = np.lexsort((bonds[:, 1], bonds[:, 0]))
    bonds = np.ascontiguousarray(bonds[order])
    cpos = pos[kept]
    site_index = spatial[kept]              # index of each cluster site in the sample
    d = cpos[bonds[:, 0]] - cpos[bonds[:, 1]]
    lengths = np.sqrt(d[:, 0] ** 2 + d[:, 1] ** 2)
    for arr in (cpos, site_index, bonds, lengths):
        arr.setflags(write=False)
    electrode = electrode_all[kept]
    electrode.setflags(write=False)
    if chosen is None:
        return Network(positions=cpos, site_index=site_index, bonds=bonds, lengths=lengths,
                       electrode=electrode, side=side, site_density=density,
                       hop_cutoff=hop_cutoff, cutoff_length=r_cut, sites=n, scale_length=l_c)
    energies = energies_all[kept]
    energies.setflags(write=False)
    return Network(positions=cpos, site_index=site_index, bonds=bonds, lengths=lengths,
                   electrode=electrode, side=side, site_density=density, hop_cutoff=hop_cutoff,
                   cutoff_length=max(r_cut, float(lengths.max(initial=0.0)) * (1 + 1e-12)), sites=n,
                   scale_length=0.5 * chosen.xi_c, energies=energies,
                   energy_reference=float(np.mean(energies)),
                   equal_energy_critical_parameter=chosen.xi_c_equal)
