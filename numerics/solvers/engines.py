"""The engine registry and the two public solves: Kirchhoff currents and shifted spin problems.

Every exact engine implements both problems with the same subtraction-free arithmetic; one keyword,
``engine=``, selects it everywhere (API, ``SimulationConfig``, ``--solver`` on the command line), and
every solution records the key of the engine that made it.

======================  ==========================================================================
``"multifrontal"``      default: supernodal dense fronts, BLAS-3 products of non-negative conductances
``"backprop"``          one pivot at a time; also back-propagates every bond difference of the spin
                        problem (the Eq. (12) cross-check) — ~10x slower, kept as the reference
======================  ==========================================================================
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hopspin.errors import ParameterError

from .analysis import NetworkAnalysis
from .kirchhoff import KirchhoffSolution, kirchhoff_backprop, kirchhoff_multifrontal
from .shifted import ShiftedSolution, prepare, shifted_backprop, shifted_multifrontal

__all__ = ["Engine", "ENGINES", "DEFAULT_ENGINE", "get_engine", "solve_kirchhoff", "solve_shifted"]


@dataclass(frozen=True)
class Engine:
    """One exact engine: its key, what it is, and its two solves."""

    key: str
    description: str
    kirchhoff: Callable
    shifted: Callable
    bond_differences: bool  # the spin solves also give every bond difference g_ij (S_j − S_i)


ENGINES: dict[str, Engine] = {
    "multifrontal": Engine("multifrontal", "supernodal multifrontal subtraction-free elimination (dense fronts, "
                           "BLAS-3); potentials only in the spin solves", kirchhoff_multifrontal,
                           shifted_multifrontal, False),
    "backprop": Engine("backprop", "one-pivot-at-a-time subtraction-free elimination with current "
                       "back-propagation (every bond difference; the Eq. (12) cross-check)", kirchhoff_backprop,
                       shifted_backprop, True),
}
DEFAULT_ENGINE = "multifrontal"


def get_engine(key: str | None) -> Engine:
    """The :class:`Engine` registered under ``key`` (default :data:`DEFAULT_ENGINE`)."""
    key = DEFAULT_ENGINE if key is None else key
    try:
        return ENGINES[key]
    except (KeyError, TypeError):
        raise ParameterError(f"engine must be one of {', '.join(ENGINES)}, got {key!r}", parameter="engine") from None


def solve_kirchhoff(network, *, analysis: NetworkAnalysis | None = None, engine: str | None = None,
                    tolerance: float = 1e-9, prefetch: bool = False) -> KirchhoffSolution:
    """Bond currents of ``network`` with the source strip at particle potential 1 and the drain at 0.

    Parameters
    ----------
    network : numerics.network.Network
    analysis : NetworkAnalysis, optional
        The network's analysis (order, plans), reused by later solves on the same network; a fresh
        one is made if not given.
    engine : str, optional
        A key of :data:`ENGINES` (default ``"multifrontal"``).  Both give every bond current to
        ~1e-16 I_total (tested against each other and against a 60-digit mpmath solve).
    tolerance : float
        Largest node-current imbalance / I_total accepted (:class:`hopspin.errors.ConservationError`).
    prefetch : bool
        Start the symbolic analysis of the spin problem (S43) in a background thread while the
        Kirchhoff solve runs (multifrontal only; used by the simulation).
    """
    eng = get_engine(engine)
    analysis = analysis if analysis is not None else NetworkAnalysis(network)
    if eng.key == "multifrontal":
        return eng.kirchhoff(network, analysis, tolerance, prefetch)
    return eng.kirchhoff(network, analysis, tolerance)


def solve_shifted(network, source: np.ndarray, shifts, *, analysis: NetworkAnalysis | None = None,
                  engine: str | None = None, tolerance: float = 1e-9, threads: int | None = None,
                  moments: np.ndarray | None = None, keep_spin: bool = True) -> ShiftedSolution:
    """Steady state of (S43): Σ_j g_ij (S_j − S_i) − ε S_i + source_i = 0 for each shift ε = τ0/τ_s.

    Parameters
    ----------
    network : numerics.network.Network
        All M cluster sites are ordinary nodes (closed spin system).
    source : (M,) array
        The spin source γ_i (S44); its mean is removed and reported as ``uniform_part = mean/ε``.
    shifts : array-like
        ε ≥ 0 (``inf`` allowed: S = 0).
    analysis, engine : as :func:`solve_kirchhoff`
    tolerance : float
        Largest accepted ``max_balance_error`` (:class:`hopspin.errors.SpinBalanceError`): the mixed
        backward error (multifrontal) or the node balance error (backprop).
    threads : int, optional
        Shifts solved concurrently (default: all cores; the kernels release the GIL).
    moments : (M, p) array, optional
        Also return ``moment[k] = momentsᵀ S0_k`` (e.g. centred positions for Eq. (12)).
    keep_spin : bool
        Keep the (K, M) zero-mean spins (multifrontal may drop them to save memory).
    """
    eng = get_engine(engine)
    prep = prepare(network, source, shifts, moments)
    analysis = analysis if analysis is not None else NetworkAnalysis(network)
    return eng.shifted(network, analysis, prep, tolerance, threads, keep_spin)
