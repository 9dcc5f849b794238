"""Steady state of the spin-diffusion problem (S43) for many shifts: (L + εW) S = source, both engines.

All M cluster sites are ordinary nodes (closed spin system, no electrodes).  W = diag(w_i) is the
network's occupation weights (:attr:`numerics.network.Network.weights`; W = 1 with equal energies).  For
each shift ε = τ0/τ_s ≥ 0 (ε = ∞ allowed: S = 0) the part S0 = (L + εW)⁻¹ (source − c w), c = Σ source/Σ w,
with Σ w S0 = 0, is computed by the subtraction-free elimination with ε w_i as a conductance to a ground
node; the uniform part c/ε is reported apart (it never enters a current).  The symbolic analysis is shared by all
shifts (:class:`numerics.solvers.analysis.NetworkAnalysis`); the numeric elimination is redone per
shift (ε enters every pivot).  The public entry point is :func:`numerics.solvers.solve_shifted`.
"""
from __future__ import annotations

import contextlib
import math
import os
import time
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from hopspin.errors import DisconnectedNetworkError, SpinBalanceError

from .._threads import run_in_threads
from . import lanes as _lanes
from . import multifrontal as _mf
from .backward_error import backward_error
from .memory import check_memory, lanes_per_batch, workers_that_fit
from .symbolic import bond_locations, plan_elimination

__all__ = ["ShiftedSolution", "shifted_multifrontal", "shifted_backprop", "prepare", "ground",
           "remove_weighted_mean"]

#: override of the lane count of the backprop engine (tests, benchmarks)
LANES: int | None = None
#: a shift above this multiple of the largest node conductance is solved analytically, S = s0/ε
#: (the next term, L s0/ε², is below 1e-18 relative: ε beyond the pivots' floating-point range is exact)
BIG_SHIFT = 1e18


@dataclass(frozen=True)
class ShiftedSolution:
    shifts: np.ndarray  # (K,) eps = tau_0 / tau_s
    bond_difference: np.ndarray | None  # (K, B) D_b = g_ij (S_j - S_i) for bond (i, j); None (multifrontal)
    spin: np.ndarray | None  # (K, M) zero-mean part S0 = (L + eps)^-1 (source - mean); None if not kept
    uniform_part: np.ndarray  # (K,) c/eps, c = Σ source/Σ w (inf if eps == 0 and c != 0; 0 if c == 0)
    source_mean: float
    max_balance_error: np.ndarray  # (K,) see numerics.solvers.solve_shifted
    method: str
    seconds: float
    moment: np.ndarray | None = None  # (K, p) moments^T S0 (see numerics.solvers.solve_shifted)
    engine: str = "multifrontal"

    def full_spin(self, k: int) -> np.ndarray:
        """S = S0 + uniform part for shift index k (may be inf)."""
        return self.spin[k] + self.uniform_part[k]


@dataclass(frozen=True)
class Prepared:
    """What both engines share: the zero-mean source, its scale, the uniform part, the shifts to solve."""

    shifts: np.ndarray
    s0: np.ndarray
    mean: float
    weights: np.ndarray | None  # w_i of the ground ε w_i (None: all 1)
    scale: float
    uniform: np.ndarray
    todo: list
    big: list
    moments: np.ndarray | None
    t0: float


def prepare(network, source, shifts, moments) -> Prepared:
    """Validate the inputs of a shifted solve and compute the shared preamble."""
    from hopspin.errors import ParameterError

    t0 = time.perf_counter()
    shifts = np.atleast_1d(np.asarray(shifts, dtype=np.float64))
    if shifts.ndim != 1 or np.any(np.isnan(shifts)) or np.any(shifts < 0):
        raise ParameterError("shifts must be a 1-D array of eps = tau_0/tau_s >= 0 (inf allowed)", parameter="shifts")
    M = network.positions.shape[0]
    source = np.asarray(source, dtype=np.float64)
    if source.shape != (M,):
        raise ParameterError(f"source must have shape ({M},) (one value per cluster site), got {source.shape}",
                             parameter="source")
    if not np.all(np.isfinite(source)):
        raise ParameterError(f"source must be finite; {int(np.sum(~np.isfinite(source)))} of its {M} values are "
                             "not (a NaN or infinite spin-orbit matrix or current?)", parameter="source")
    if moments is not None:
        moments = np.asarray(moments, dtype=np.float64).reshape(M, -1)
    w = network.weights
    if w is None:
        mean = float(np.mean(source)) if M else 0.0
        s0 = source - mean
    else:
        mean = math.fsum(source) / math.fsum(w) if M else 0.0
        s0 = source - mean * w
    scale = float(np.max(np.abs(source))) if M else 0.0
    uniform = np.array([0.0 if mean == 0.0 else (math.copysign(math.inf, mean) if eps == 0.0 else mean / eps)
                        for eps in shifts])
    todo = [k for k in range(shifts.size) if not (math.isinf(shifts[k]) or scale == 0.0)]
    node_g = np.bincount(network.bonds.ravel(), weights=np.repeat(network.conductances, 2), minlength=M) \
        if network.bonds.size else np.zeros(M)
    g_max = (float(np.max(node_g)) if w is None else float(np.max(node_g / w))) if M else 0.0
    big = [k for k in todo if shifts[k] > BIG_SHIFT * g_max]
    todo = [k for k in todo if k not in big]
    return Prepared(shifts, s0, mean, w, scale, uniform, todo, big, moments, t0)


def ground(prep: Prepared, eps: float):
    """The ground conductances ε w_i of shift ε (a number with equal energies)."""
    return eps if prep.weights is None else eps * prep.weights


def remove_weighted_mean(S: np.ndarray, weights: np.ndarray | None) -> None:
    """In place: S − Σ w S/Σ w (the exact constraint Σ w S0 = 0 of a source with Σ (source − c w) = 0)."""
    S -= S.mean() if weights is None else math.fsum(weights * S) / math.fsum(weights)


def _analytic_big_shifts(network, prep: Prepared, S, mom, err) -> None:
    """S = s0/(ε w) for the shifts far above every conductance (exact to float64 there; see BIG_SHIFT)."""
    bonds = network.bonds
    for k in prep.big:
        eps = float(prep.shifts[k])
        Sk = prep.s0 / ground(prep, eps)
        if S is not None:
            S[k] = Sk
        if mom is not None:
            mom[k] = prep.moments.T @ Sk
        err[k] = backward_error(bonds[:, 0], bonds[:, 1], network.conductances, ground(prep, eps), Sk, prep.s0)


def _workers(threads, todo) -> int:
    return max(1, min(int(threads or os.cpu_count() or 1), max(1, len(todo))))


def shifted_multifrontal(network, analysis, prep: Prepared, tolerance: float = 1e-9, threads: int | None = None,
                         keep_spin: bool = True) -> ShiftedSolution:
    """The ``"multifrontal"`` engine: supernodal elimination with dense fronts, potentials only;
    ``max_balance_error`` is the mixed backward error of every computed S."""
    # refuse early only if not even one shift at a time would fit (the concurrency adapts below)
    check_memory(network, int(np.sum(np.isfinite(prep.shifts))), 1, "multifrontal")
    M = network.positions.shape[0]
    bonds = network.bonds
    g = network.conductances
    shifts, s0, moments = prep.shifts, prep.s0, prep.moments
    K = shifts.size
    S = np.zeros((K, M)) if keep_spin else None
    mom = np.zeros((K, moments.shape[1])) if moments is not None else None
    err = np.zeros(K)
    if prep.todo:
        plan = analysis.spin_plan()
        order, sn = plan.order, plan.supernodal
        rhs = np.ascontiguousarray(s0[order])
        a, b = bonds[:, 0], bonds[:, 1]
        workers = workers_that_fit(sn, M, _workers(threads, prep.todo))

        w = prep.weights
        w_order = None if w is None else np.ascontiguousarray(w[order])

        def work(k):
            eps = float(shifts[k])
            fvals, cinv = _mf.factor(sn, g, np.full(sn.n, eps) if w is None else eps * w_order)
            Sp = _mf.solve_zero_mean(sn, fvals, cinv, rhs, w_order)
            del fvals
            Sk = np.empty(M)
            Sk[order] = Sp
            # Σ w S = Σ(source - c w)/ε = 0 exactly; the rounding of the mean removal (~1e-16 |source|)
            # would otherwise come back as a uniform offset ~1e-16 |source| / ε
            remove_weighted_mean(Sk, w)
            if S is not None:
                S[k] = Sk
            if mom is not None:
                mom[k] = moments.T @ Sk
            err[k] = backward_error(a, b, g, ground(prep, eps), Sk, s0)

        # one BLAS thread per worker when several run: the workers already fill the cores
        with threadpool_limits(limits=1) if workers > 1 else contextlib.nullcontext():
            run_in_threads(work, prep.todo, workers)
    _analytic_big_shifts(network, prep, S, mom, err)
    return _checked(ShiftedSolution(
        shifts=shifts, bond_difference=None, spin=S, uniform_part=prep.uniform, source_mean=prep.mean,
        max_balance_error=err, moment=mom, engine="multifrontal",
        method="subtraction-free supernodal multifrontal elimination (dense fronts)",
        seconds=time.perf_counter() - prep.t0), tolerance, "spin balance (backward) error")


def shifted_backprop(network, analysis, prep: Prepared, tolerance: float = 1e-9, threads: int | None = None,
                     keep_spin: bool = True) -> ShiftedSolution:
    """The ``"backprop"`` engine: one pivot at a time for all shifts at once (lanes), then the current
    back-propagation, which also gives every bond difference D_b = g_ij (S_j − S_i) to ~1e-16 of the
    source scale (for the Eq. (12) cross-check; ~10x slower).  ``max_balance_error`` is
    max_i |Σ_j D_ij − ε S0_i + (source_i − mean)| / max_i |source_i|.  ``keep_spin`` is ignored."""
    check_memory(network, int(np.sum(np.isfinite(prep.shifts))), threads, "backprop")
    M = network.positions.shape[0]
    bonds = network.bonds
    g = network.conductances
    plan = plan_elimination(M, bonds[:, 0], bonds[:, 1], g, network.positions, terminals=(),
                            cutoff=network.cutoff_length, inner_order=analysis.order)
    shifts, s0 = prep.shifts, prep.s0
    # the last position doubles as the reference node when eps == 0
    K = shifts.size
    D = np.zeros((K, bonds.shape[0]))
    S = np.zeros((K, M))
    err = np.zeros(K)
    s_pos = np.ascontiguousarray(s0[plan.order])
    w_pos = None if prep.weights is None else np.ascontiguousarray(prep.weights[plan.order])
    loc = bond_locations(plan, bonds)
    workers = _workers(threads, prep.todo)
    lanes = lanes_per_batch(plan.nnz, len(prep.todo), workers, LANES)
    batches = [prep.todo[i:i + lanes] for i in range(0, len(prep.todo), lanes)]

    def work(batch):
        eps = shifts[batch]
        Kb = len(batch)
        vals = np.repeat(plan.vals0[:, None], Kb, axis=1)
        gamma = np.repeat(eps[None, :], M, axis=0) if w_pos is None else w_pos[:, None] * eps[None, :]
        # eps == 0 lanes: the last position is the reference node (pivot stored as inf)
        C, bad = _lanes.factor_lanes(plan.ptr, plan.idx, vals, gamma, M)
        if bad >= 0:
            raise DisconnectedNetworkError("a site of the spin problem is not connected (vanishing pivot)")
        sp = _lanes.forward_lanes(plan.ptr, plan.idx, vals, C, np.repeat(s_pos[:, None], Kb, axis=1), M)
        V = _lanes.potentials_lanes(plan.ptr, plan.idx, vals, C, sp, np.zeros((M, Kb)), M)
        P = np.zeros_like(vals)
        Pg = np.zeros((M, Kb))
        _lanes.backprop_lanes(plan.ptr, plan.idx, vals, gamma, C, sp, P, Pg, M)
        del vals, gamma, Pg
        for j, k in enumerate(batch):
            # the root's rounding residual (~1e-16 Σ|s|) over its pivot (the collected ground ≈ Mε):
            # above 1e-3 of the solution it would dominate it; there ε < 1e-13 of the slowest relaxation
            # rate, and the ε = 0 solution is the solution to that accuracy (solved below)
            if eps[j] > 0 and 1.2e-16 * abs_source / C[M - 1, j] > 1e-3 * np.max(np.abs(V[:, j])):
                tiny.append(k)
                continue
            Sk = np.empty(M)
            Sk[plan.order] = V[:, j]
            remove_weighted_mean(Sk, prep.weights)  # exact Σ w S = 0 (see the multifrontal engine)
            S[k] = Sk
            flow = plan.edge_g * P[plan.edge_entry, j]
            Dk = np.where(plan.edge_flip, -flow, flow)[loc]  # bond (i, j): flow from j into i
            D[k] = Dk
            net = np.bincount(bonds[:, 0], weights=Dk, minlength=M) \
                - np.bincount(bonds[:, 1], weights=Dk, minlength=M)
            err[k] = float(np.max(np.abs(net - ground(prep, eps[j]) * Sk + s0))) / prep.scale

    abs_source = float(np.sum(np.abs(s_pos)))
    tiny: list = []
    run_in_threads(work, batches, workers)
    if tiny:
        _limit_of_vanishing_shift(network, prep, shifts, tiny, S, D, err, work)
    for k in prep.big:  # S = s0/(ε w) exactly there: D_b = g_b (S_j − S_i)
        Sk = s0 / ground(prep, float(shifts[k]))
        D[k] = g * (Sk[bonds[:, 1]] - Sk[bonds[:, 0]])
    _analytic_big_shifts(network, prep, S, None, err)
    moment = None if prep.moments is None else S @ prep.moments
    return _checked(ShiftedSolution(
        shifts=shifts, bond_difference=D, spin=S, uniform_part=prep.uniform, source_mean=prep.mean,
        max_balance_error=err, moment=moment, engine="backprop",
        method="subtraction-free nested-dissection elimination + current back-propagation",
        seconds=time.perf_counter() - prep.t0), tolerance, "spin balance error")


def _limit_of_vanishing_shift(network, prep, shifts, tiny, S, D, err, work) -> None:
    """Give the shifts in ``tiny`` the ε = 0 solution (exact to ~1e-13 relative there, see ``work``),
    with their own balance error (ε S is below every other term)."""
    saved = shifts[tiny].copy()
    spare = tiny[0]
    shifts[spare] = 0.0
    work([spare])
    shifts[tiny] = saved
    bonds = network.bonds
    M = network.positions.shape[0]
    for k in tiny:
        S[k], D[k] = S[spare], D[spare]
        net = np.bincount(bonds[:, 0], weights=D[k], minlength=M) - np.bincount(bonds[:, 1], weights=D[k], minlength=M)
        err[k] = float(np.max(np.abs(net - ground(prep, float(shifts[k])) * S[k] + prep.s0))) / prep.scale


def _checked(sol: ShiftedSolution, tolerance: float, what: str) -> ShiftedSolution:
    err = sol.max_balance_error
    if not np.all(err <= tolerance):
        raise SpinBalanceError(f"{what} {float(np.max(err)):.3g} exceeds the tolerance {tolerance:g}")
    return sol
