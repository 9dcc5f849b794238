"""What a sweep will cost, said before it starts (and refused above a stated limit unless confirmed).

Calibrated on the measured pipeline (``benchmarks/bench_pipeline.py``, 30 values of τ_s, 2 cores):
1.75 s at N = 1e5, 12 s at 5e5, 26 s at 1e6, 113 s at 3e6, 462 s at 1e7 — t₃₀(N) ≈ 1.34e-6 N^1.22 s —
of which ~45 % are the τ_s solves (t ∝ 0.55 + 0.45 K/30 for K values of τ_s); a sweep worker runs on
one core (×1.5) and compiles the kernels once (~30 s on a fresh install).  Memory per run from the
solvers' memory model with ~5.07 bonds per site at the 1.5 l_c cut-off (∝ cut-off²).  The time grows
faster than the bonds with the cut-off c, through the fill: ×4.6 (N = 2e4) to ×13 (N = 1e5) from 1.5 to
3 l_c (``hopspin validate`` calibration), i.e. ~(c/1.5)^3.5.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from hopspin.errors import WorkLimitError

__all__ = ["SweepCost", "sweep_cost", "check_sweep_size", "run_seconds", "run_bytes", "MAX_RUNS", "MAX_HOURS"]

#: a sweep above these needs ``confirm=True`` (``--yes``): runs, and estimated wall-clock hours
MAX_RUNS = 2000
MAX_HOURS = 12.0
#: the measured single-run fit and its parts
_A, _P, _FIXED, _ONE_CORE, _COMPILE = 1.34e-6, 1.22, 0.55, 1.5, 30.0
#: run time ∝ (cut-off/1.5)^this (measured, see the module docstring)
CUTOFF_TIME_EXPONENT = 3.5


def run_seconds(sites: int, n_tau: int, one_core: bool = True) -> float:
    """Estimated wall time of one run of ``sites`` sites with ``n_tau`` values of τ_s."""
    t30 = _A * float(sites) ** _P
    return t30 * (_FIXED + (1.0 - _FIXED) * n_tau / 30.0) * (_ONE_CORE if one_core else 1.0)


def run_bytes(sites: int, n_tau: int, hop_cutoff: float = 1.5) -> float:
    """Estimated peak memory of one run (bytes), from the solvers' memory model."""
    from ..solvers.memory import MF_STORED_PER_NNZ, estimate_factor_nnz

    bonds = 5.07 * sites * (hop_cutoff / 1.5) ** 2
    nnz = estimate_factor_nnz(sites, int(bonds))
    return 300 * 2**20 + sites * 48 + bonds * 72 + 8 * (2 * MF_STORED_PER_NNZ * nnz + nnz) + 8 * n_tau * sites


@dataclass(frozen=True)
class SweepCost:
    runs: int
    sites: int
    seconds_per_run: float
    workers: int
    wall_seconds: float
    bytes_per_run: float

    def describe(self) -> str:
        return (f"{self.runs} run{'s' if self.runs != 1 else ''} of {self.sites} sites: ~{_human(self.seconds_per_run)} each, ~{_human(self.wall_seconds)} "
                f"on {self.workers} worker{'s' if self.workers != 1 else ''}, ~{self.bytes_per_run / 2**30:.2g} GiB per "
                "worker (estimates)")


def _human(seconds: float) -> str:
    if seconds < 10:
        return f"{seconds:.2g} s"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def sweep_cost(runs: int, sites: int, n_tau: int, workers: int, hop_cutoff: float = 1.5) -> SweepCost:
    per = run_seconds(sites, n_tau) * (hop_cutoff / 1.5) ** CUTOFF_TIME_EXPONENT
    wall = math.ceil(runs / max(workers, 1)) * per + (_COMPILE if runs else 0.0)
    return SweepCost(runs, sites, per, workers, wall, run_bytes(sites, n_tau, hop_cutoff))


def check_sweep_size(cost: SweepCost, confirm: bool) -> None:
    """Refuse (:class:`hopspin.errors.WorkLimitError`) a sweep above :data:`MAX_RUNS` runs or an estimated
    :data:`MAX_HOURS` hours unless ``confirm``."""
    if confirm:
        return
    if cost.runs > MAX_RUNS or cost.wall_seconds > MAX_HOURS * 3600:
        raise WorkLimitError(f"this sweep is large — {cost.describe()}; above {MAX_RUNS} runs or {MAX_HOURS:g} h it "
                             "starts only when confirmed (--yes, or confirm=True)", parameter="--yes")
