"""Exact Kirchhoff solve of the Miller-Abrahams network between two strip electrodes (both engines).

Conductances g_ij = exp(-2 R_ij) span ~40 orders of magnitude at n_s a_b^2 = 0.002, which
destroys the potential-based float64 solve (the current through a strong bond is g times a
potential difference far below the resolution of the potentials).  Both engines here compute
the currents without ever forming a potential difference from two independently rounded
potentials: subtraction-free elimination (star-mesh / GTH) in a nested-dissection order followed
by a back-propagation of currents (``"backprop"``, :mod:`numerics.solvers.gth`) or of potential
differences front by front (``"multifrontal"``, :mod:`numerics.solvers.differences`).  Every bond
current then carries an absolute error of order 1e-16 x I_total.  See docs/kirchhoff.md.

Convention (paper): I_ij = particle flow from j into i = g_ij (V_j - V_i); the source strip
is at particle potential 1, the drain strip at 0, I_total = flow leaving the source.
The public entry point is :func:`numerics.solvers.solve_kirchhoff` (engine registry).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from hopspin.errors import ConservationError, DisconnectedNetworkError

from ..network import DRAIN, SOURCE, Network
from . import gth
from . import multifrontal as _mf
from .differences import differences
from .memory import check_memory
from .supernodal import plan_from_edges
from .symbolic import edge_flows

__all__ = ["KirchhoffSolution", "conservation_error", "kirchhoff_multifrontal", "kirchhoff_backprop"]


@dataclass(frozen=True)
class KirchhoffSolution:
    potential: np.ndarray  # (M,) particle potential, source 1, drain 0 (plotting only)
    bond_current: np.ndarray  # (B,) flow from j into i for bond (i, j), same units as total_current
    total_current: float  # I_total = flow out of the source for V_source - V_drain = 1 (= G_eff)
    max_conservation_error: float
    method: str
    seconds: float
    engine: str = "multifrontal"


def conservation_error(network: Network, bond_current: np.ndarray, total_current: float) -> float:
    """max(|sum_j I_ij| over interior sites, |I_in - I_out|, |I_in - I_total|) / I_total."""
    i, j = network.bonds[:, 0], network.bonds[:, 1]
    M = network.positions.shape[0]
    net = np.bincount(i, weights=bond_current, minlength=M) \
        - np.bincount(j, weights=bond_current, minlength=M)  # net inflow per site
    el = network.electrode
    interior = el == 0
    node = float(np.max(np.abs(net[interior]))) if np.any(interior) else 0.0
    # flow leaving the source / entering the drain; bonds inside a strip carry zero current
    i_in = -float(np.sum(net[el == SOURCE]))
    i_out = float(np.sum(net[el == DRAIN]))
    return max(node, abs(i_in - i_out), abs(i_in - total_current)) / total_current


def kirchhoff_backprop(network: Network, analysis, tolerance: float = 1e-9) -> KirchhoffSolution:
    """The ``"backprop"`` engine: one pivot at a time, then the arm-current back-propagation."""
    t0 = time.perf_counter()
    check_memory(network, 0, method="backprop")
    g = network.conductances
    ep = analysis.electrode_plan()
    node, u, v, live, plan = ep.node, ep.u, ep.v, ep.live, ep.plan
    n = plan.n
    n_elim = n - 2
    vals = plan.vals0.copy()
    gamma = np.zeros(n)
    C = gth.factor(plan.ptr, plan.idx, vals, gamma, n_elim)
    if C.shape[0] != n_elim:
        raise DisconnectedNetworkError("a cluster site is not connected to the electrodes")
    # terminal edge S-D (positions n-2, n-1)
    r0, r1 = plan.ptr[n - 2], plan.ptr[n - 1]
    if r1 - r0 != 1 or plan.idx[r0] != n - 1:
        raise DisconnectedNetworkError("the electrodes are not connected")
    total = float(vals[r0])
    A = np.zeros_like(vals)
    A[r0] = -1.0  # (flow from drain into source) / c_SD for V_S = 1, V_D = 0
    s = np.zeros(n)
    Pg = np.zeros(n)
    gth.backprop(plan.ptr, plan.idx, vals, gamma, C, s, A, Pg, n_elim)
    V = np.zeros(n)
    V[n - 2] = 1.0
    gth.potentials(plan.ptr, plan.idx, vals, C, s, V, n_elim)
    Vnode = np.empty(n)
    Vnode[plan.order] = V
    potential = Vnode[node]
    # flows on the reduced edges (u', v') = plan edges, original share only
    flow = edge_flows(plan, A)  # flow from edge_v into edge_u, summed parallel bonds
    key_plan = plan.edge_u * (n + 1) + plan.edge_v
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    srt = np.argsort(key_plan)
    current = np.zeros(network.bonds.shape[0])
    lv = np.flatnonzero(live)
    loc = srt[np.searchsorted(key_plan[srt], lo[lv] * (n + 1) + hi[lv])]
    share = g[lv] / plan.edge_g[loc] * flow[loc]  # flow from hi into lo (reduced nodes)
    current[lv] = np.where(u[lv] == lo[lv], share, -share)  # flow from j into i
    return _checked(network, potential, current, total, tolerance, t0,
                    "subtraction-free nested-dissection elimination + current back-propagation", "backprop")


def kirchhoff_multifrontal(network: Network, analysis, tolerance: float = 1e-9,
                           prefetch: bool = False) -> KirchhoffSolution:
    """The ``"multifrontal"`` engine: the drain is the ground node, the source strip the last
    position, eliminated with dense fronts; the potential differences of every front are
    back-propagated in the same subtraction-free form (:func:`numerics.solvers.differences.differences`).
    ``prefetch``: start the symbolic analysis of the spin problem (S43) on the same network in a
    background thread (:meth:`NetworkAnalysis.prefetch_spin_plan`) — the simulation does."""
    t0 = time.perf_counter()
    check_memory(network, 0)
    g = network.conductances
    el = np.asarray(network.electrode)
    interior = np.flatnonzero(el == 0)
    n_int = interior.size
    n = n_int + 1                          # interior sites, then the source strip; drain = ground
    node = np.full(el.shape[0], -1, np.int64)
    node[interior] = np.arange(n_int)
    node[el == SOURCE] = n_int
    u, v = node[network.bonds[:, 0]], node[network.bonds[:, 1]]
    regular = (u >= 0) & (v >= 0) & (u != v)
    to_drain = (u >= 0) != (v >= 0)        # exactly one end in the drain strip
    full = analysis.order                  # shared with the spin solves on the same network
    if prefetch:
        analysis.prefetch_spin_plan()      # the spin problem's symbolic analysis, on the other core
    order = np.concatenate([node[full[el[full] == 0]], [n_int]])
    position = np.empty(n, np.int64)
    position[order] = np.arange(n)
    reg = np.flatnonzero(regular)
    pa, pb = position[u[reg]], position[v[reg]]
    sn = plan_from_edges(n, pa, pb)
    dr = np.flatnonzero(to_drain)
    end = np.where(u[dr] >= 0, u[dr], v[dr])
    ground = np.bincount(position[end], weights=g[dr], minlength=n)
    try:
        fvals, cinv = _mf.factor(sn, g[reg], ground)
    except DisconnectedNetworkError:
        raise DisconnectedNetworkError("a cluster site is not connected to the electrodes") from None
    if not cinv[-1] > 0:
        raise DisconnectedNetworkError("the electrodes are not connected")
    total = 1.0 / cinv[-1]                 # C of the source = conductance source -> drain
    delta, v_pos = differences(sn, fvals, cinv)   # V_lo - V_hi of each regular bond (positions)
    v_node = v_pos[position]
    # V_i - V_j for every bond (i, j): regular bonds, drain bonds (V = 0 there), zero inside a strip
    diff = np.zeros(network.bonds.shape[0])
    diff[reg] = np.where(pa < pb, delta, -delta)
    diff[dr] = np.where(u[dr] >= 0, v_node[np.maximum(u[dr], 0)], -v_node[np.maximum(v[dr], 0)])
    current = -g * diff                    # flow from j into i = g (V_j - V_i)
    # V is a convex combination of 0 and 1 (maximum principle); clip the last-ulp overshoot
    potential = np.clip(np.where(node >= 0, v_node[np.maximum(node, 0)], 0.0), 0.0, 1.0)
    return _checked(network, potential, current, total, tolerance, t0,
                    "subtraction-free supernodal multifrontal elimination + potential-difference "
                    "back-propagation (dense fronts)", "multifrontal")


def _checked(network, potential, current, total, tolerance, t0, method, engine) -> KirchhoffSolution:
    """The solution with its conservation check (raises :class:`hopspin.errors.ConservationError`)."""
    err = conservation_error(network, current, total)
    sol = KirchhoffSolution(potential=potential, bond_current=current, total_current=total,
                            max_conservation_error=err, method=method,
                            seconds=time.perf_counter() - t0, engine=engine)
    if not (err <= tolerance):
        raise ConservationError(
            f"Kirchhoff current conservation error {err:.3g} exceeds tolerance {tolerance:g} "
            f"(site_density={network.site_density:g}, sites={network.sites})")
    return sol
