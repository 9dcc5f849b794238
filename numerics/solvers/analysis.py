"""Analyse once, factor many: the ordering and symbolic plans of one network, owned by the caller.

A :class:`NetworkAnalysis` holds everything about a network that does not depend on the numbers a
solve puts into it: the fill-reducing order of its sites (shared by the Kirchhoff problem and the
spin problem (S43)), the supernodal plan of the closed spin problem (independent of the shift
ε = τ0/τ_s, so one plan serves every τ_s and, for the field work, every complex shift), and the
electrode plan of the one-pivot engine.  Each is computed on first use and kept by the object —
there is no hidden global cache: pass the same analysis to every solve on the same network
(scikit-sparse's ``analyze`` / ``factor`` split)::

    analysis = NetworkAnalysis(network)
    kirchhoff = solve_kirchhoff(network, analysis=analysis)
    spins = solve_shifted(network, source, shifts, analysis=analysis)

:meth:`NetworkAnalysis.prefetch_spin_plan` starts the symbolic analysis of the spin problem in a
background thread (its kernels release the GIL), so that it overlaps the Kirchhoff solve.
"""
from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from ..network import DRAIN, SOURCE
from .memory import available_memory, estimate_memory
from .ordering import default_ordering, network_order
from .supernodal import SupernodalPlan, plan_from_edges
from .symbolic import EliminationPlan, plan_elimination

__all__ = ["NetworkAnalysis", "SpinPlan", "ElectrodePlan", "electrode_plan"]

_BACKGROUND = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hopspin-analysis")


@dataclass(frozen=True)
class SpinPlan:
    """Symbolic analysis of the closed spin problem (L + shift) S = source on all cluster sites.

    ``order`` (position -> site) is the network order, ``position`` its inverse, ``supernodal`` the
    supernodal plan in those positions.
    """

    order: np.ndarray
    position: np.ndarray
    supernodal: SupernodalPlan


class NetworkAnalysis:
    """Ordering and symbolic analyses of ``network``, each computed once on first use.

    Parameters
    ----------
    network : numerics.network.Network
    ordering : str, optional
        Fill-reducing ordering (:data:`numerics.solvers.ordering.ORDERINGS`; default METIS when
        ``pymetis`` is installed, else MMD).
    """

    def __init__(self, network, ordering: str | None = None):
        self.network = network
        self.ordering = ordering or default_ordering(getattr(network, "hop_cutoff", None))
        self._lock = threading.RLock()
        self._order: np.ndarray | None = None
        self._spin: SpinPlan | Future | None = None
        self._electrode: dict = {}

    @property
    def order(self) -> np.ndarray:
        """Fill-reducing order of all cluster sites (position -> site), read-only."""
        with self._lock:
            if self._order is None:
                self._order = network_order(self.network, self.ordering)
            return self._order

    def spin_plan(self) -> SpinPlan:
        """The :class:`SpinPlan` of the closed spin problem (waits for a prefetch in flight)."""
        with self._lock:
            if self._spin is None:
                self._spin = self._compute_spin_plan()
            plan = self._spin
        if isinstance(plan, Future):
            plan = plan.result()
            with self._lock:
                self._spin = plan
        return plan

    def prefetch_spin_plan(self) -> None:
        """Start :meth:`spin_plan` in a background thread when memory is plentiful (twice the whole
        run's estimate available: both symbolic analyses are then held at once)."""
        with self._lock:
            if self._spin is not None:
                return
        have = available_memory()
        if have is not None and 2 * estimate_memory(self.network) > have:
            return  # two symbolic analyses at once would raise the peak: keep them sequential
        self.order  # METIS holds the GIL: order first, in the caller's thread
        with self._lock:
            if self._spin is None:
                self._spin = _BACKGROUND.submit(self._compute_spin_plan)

    def _compute_spin_plan(self) -> SpinPlan:
        M = self.network.positions.shape[0]
        order = self.order
        position = np.empty(M, np.int64)
        position[order] = np.arange(M)
        bonds = self.network.bonds
        return SpinPlan(order=order, position=position,
                        supernodal=plan_from_edges(M, position[bonds[:, 0]], position[bonds[:, 1]]))

    def electrode_plan(self) -> ElectrodePlan:
        """The one-pivot engine's plan of the Kirchhoff problem with each electrode strip merged into
        one node (:func:`electrode_plan`), computed once."""
        with self._lock:
            if "plan" not in self._electrode:
                self._electrode["plan"] = electrode_plan(self.network, self.order)
            return self._electrode["plan"]


@dataclass(frozen=True)
class ElectrodePlan:
    """Kirchhoff problem of the one-pivot engine: each electrode strip merged into one node.

    ``node`` (M,) node of each cluster site; ``u``, ``v`` (B,) nodes of each bond's ends; ``live``
    (B,) bonds joining two different nodes (a bond inside one strip carries nothing); ``plan`` the
    :class:`numerics.solvers.symbolic.EliminationPlan` of the live bonds (terminals S = n − 2,
    D = n − 1, eliminated last).
    """

    node: np.ndarray
    u: np.ndarray
    v: np.ndarray
    live: np.ndarray
    plan: EliminationPlan


def electrode_plan(network, order: np.ndarray) -> ElectrodePlan:
    """:class:`ElectrodePlan` of ``network``; interior sites keep their place in ``order`` (the network
    order shared with the spin solves), the source and drain strips become the last two nodes."""
    el = np.asarray(network.electrode)
    interior = np.flatnonzero(el == 0)
    n_int = interior.size
    node = np.empty(el.shape[0], np.int64)
    node[interior] = np.arange(n_int)
    node[el == SOURCE] = n_int
    node[el == DRAIN] = n_int + 1
    u, v = node[network.bonds[:, 0]], node[network.bonds[:, 1]]
    live = u != v
    coords = np.zeros((n_int + 2, 2))
    coords[:n_int] = network.positions[interior]
    inner_order = node[order[el[order] == 0]]
    plan = plan_elimination(n_int + 2, u[live], v[live], network.conductances[live], coords,
                            terminals=(n_int, n_int + 1), cutoff=network.cutoff_length, inner_order=inner_order)
    return ElectrodePlan(node=node, u=u, v=v, live=live, plan=plan)
