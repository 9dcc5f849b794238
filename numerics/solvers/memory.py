"""Memory model of the exact solves: estimates before the work starts, and the checks that use them.

The estimates are calibrated on these geometric networks (measured from N = 1e5 to 3e6, see
docs/kirchhoff.md); :func:`check_memory` refuses a run whose estimate exceeds the available memory
*before* any large allocation, and :func:`workers_that_fit` sizes the concurrency of the shifted
factorisations from the exact sizes of the symbolic plan.
"""
from __future__ import annotations

import math
import os

from hopspin.errors import InsufficientMemoryError

__all__ = ["estimate_memory", "estimate_factor_nnz", "available_memory", "check_memory", "workers_that_fit",
           "lanes_per_batch", "NNZ_COEFF", "MF_STORED_PER_NNZ", "TRIANGLE_BYTES_PER_SITE", "LANE_BUDGET"]

#: factor entries per site ~ NNZ_COEFF x (mean degree) x log2(M) for the METIS order of
#: these geometric networks (measured: 2.17e6 at M = 1e5, 1.26e7 at M = 5e5, degree 10.1)
NNZ_COEFF = 0.134
#: memory shared by the concurrent lane batches of the "backprop" engine (bytes)
LANE_BUDGET = 1.5e9
#: stored front entries per estimated factor entry (measured 1.294 at N = 1e5 ... 1.299 at 3e6)
MF_STORED_PER_NNZ = 1.3
#: triangle list (2 × 3 int32) and per-part triad buffers, per site (≈ 10 triangles per site)
TRIANGLE_BYTES_PER_SITE = 400


def estimate_factor_nnz(n_sites: int, n_bonds: int) -> float:
    """Predicted number of factor entries (an estimate: +-20 % on the measured networks)."""
    M = max(int(n_sites), 2)
    deg = 2.0 * n_bonds / M
    return NNZ_COEFF * deg * M * math.log2(M) + n_bonds


def estimate_memory(network, shifts: int = 30, threads: int | None = None,
                    method: str = "multifrontal") -> int:
    """Estimated peak bytes of ``solve_kirchhoff`` + triad sums + ``solve_shifted`` with
    ``shifts`` shifts (0: Kirchhoff only) on ``network`` (network arrays included).

    ``"multifrontal"``: the stored fronts are :data:`MF_STORED_PER_NNZ` × the estimated factor
    entries (measured 1.29–1.30 from N = 1e5 to 3e6); the Kirchhoff phase holds one factor plus
    the symbolic pattern, the shift phase the K × sites spins plus one factor, update stack and
    front per concurrent shift; triangles cost :data:`TRIANGLE_BYTES_PER_SITE`.  ``"backprop"``:
    the plan (pattern int64 + values), Kirchhoff work arrays, K × bonds differences and lane
    buffers (2 × nnz float64 per lane, capped by ``LANE_BUDGET``).
    """
    M = int(network.positions.shape[0])
    B = int(network.bonds.shape[0])
    nnz = estimate_factor_nnz(M, B)
    base = 300 * 2**20 + M * 48 + B * 72  # interpreter + libraries, network, order, bond arrays
    if method == "multifrontal":
        stored = MF_STORED_PER_NNZ * nnz
        kirch = 8 * (2 * stored + nnz) + B * 40
        triads = TRIANGLE_BYTES_PER_SITE * M
        total = base + max(kirch, triads)
        if shifts > 0:
            workers = max(1, min(int(threads or os.cpu_count() or 1), shifts))
            per = 8 * (stored + 0.06 * stored + 6 * M)
            total = max(total, base + 8 * nnz + shifts * 8 * M + workers * per)
        return int(total)
    plan = 8 * (M + 1) + 16 * nnz + B * 41 + M * 16
    kirch = 24 * nnz + B * 40 + M * 40
    total = base + plan + kirch
    if shifts > 0:
        workers = max(1, min(int(threads or os.cpu_count() or 1), shifts))
        lanes = lanes_per_batch(int(nnz), shifts, workers)
        work = workers * lanes * (16 * nnz + 40 * M)
        out = shifts * (8 * B + 8 * M)
        total = max(total, base + plan + out + work + 8 * B * 4)
    return int(total)


def available_memory() -> int | None:
    """MemAvailable from /proc/meminfo in bytes (None where unknown)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def check_memory(network, shifts: int, threads: int | None = None, method: str = "multifrontal") -> None:
    """Raise :class:`hopspin.errors.InsufficientMemoryError` early (before any large allocation)
    if the estimate exceeds the available memory."""
    need = estimate_memory(network, shifts, threads, method)
    have = available_memory()
    if have is not None and need > have:
        raise InsufficientMemoryError(
            f"estimated memory {need / 2**30:.2f} GiB for {network.positions.shape[0]} sites, "
            f"{network.bonds.shape[0]} bonds and {shifts} shifts exceeds the available "
            f"{have / 2**30:.2f} GiB (see numerics.solvers.memory.estimate_memory)")


def lanes_per_batch(nnz: int, n_shifts: int, workers: int, lanes: int | None = None,
                    budget: float | None = None) -> int:
    """Shifts eliminated together in one pass ("lanes"), limited by memory.

    Each lane holds its factor values and arm currents (2 x nnz float64); ``budget`` bytes
    (default 1.5 GB) are shared by the ``workers`` concurrent batches.
    """
    if lanes is not None:
        return max(1, int(lanes))
    if n_shifts <= 0:
        return 1
    budget = LANE_BUDGET if budget is None else float(budget)
    cap = max(1, int(budget // (workers * 16.0 * max(nnz, 1))))
    per_worker = -(-n_shifts // workers)
    return max(1, min(cap, per_worker, 16))



def workers_that_fit(sn, M: int, workers: int) -> int:
    """Concurrent shifts whose factors fit in the available memory (exact sizes from the
    symbolic plan ``sn``); :class:`hopspin.errors.InsufficientMemoryError` naming the need if not
    even one fits."""
    per = 8 * (sn.stored + sn.stack_size + sn.max_front + 6 * M)
    have = available_memory()
    if have is None:
        return workers
    fit = int(0.9 * have // per)
    if fit < 1:
        raise InsufficientMemoryError(
            f"one shifted factorisation needs {per / 2**30:.2f} GiB for {M} sites ({sn.stored} stored "
            f"front entries) but only {have / 2**30:.2f} GiB are available (see numerics.solvers.memory)")
    return min(workers, fit)
