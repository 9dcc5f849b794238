"""The validation studies of f(n_s, τ_s) and their grids, in quick and full mode, with their cost.

Four studies (issue 12), each run through the sweep machinery (:func:`numerics.sweeps.run_sweep`,
resumable stores):

1. **cut-off** — f_dr and f(τ_s) versus the bond cut-off (1.2 … 3 l_c) at fixed N, the same samples at
   every cut-off (the sample depends on (n_s, N, seed) only), so that paired differences measure the
   cut-off effect free of the sample-to-sample spread;
2. **finite size** — f versus N at the paper's 1.5 l_c, with the sizes of the reference density
   (n_s a_b² = 0.01) mapped to the other densities at equal L/L_0 (L_0 = l_c ξ_c^{4/3},
   :func:`numerics.percolation.correlation_length`), fewer seeds for larger N;
3. **percolation inputs** — no runs of its own: the union-find threshold and ln R of the samples of 2 and 4;
4. **f(n_s)** — n_s a_b² = 0.001 … 0.1 with the cut-off converged in 1 (at least 1.5 l_c) and the
   size from 2 (L/L_0 large enough for a finite-size bias below the target, capped by cost).

Costs: :func:`run_seconds` is a model of one run on one core (5 values of τ_s), calibrated on
single runs on the 2-core machine under load (N = 1e4 … 1e6 at 1.5 l_c; 2e4 … 1e5 at 1.2 … 4 l_c):
t(N, 1.5) = 0.1 s + 2.6 s (N/1e5)^1.27, times (c/1.5)^p with p growing from ≈ 2 at N = 2e4 to
≈ 3.7 at 1e5 (the factorisation's fill outgrows the bonds at large cut-offs).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from ..percolation import correlation_length

__all__ = ["TAU_S", "REFERENCE_DENSITY", "CutoffStudy", "SizeStudy", "DensityStudy", "ValidationPlan",
           "validation_plan", "run_seconds", "plan_cost", "critical_sites", "round_sites"]

#: τ_s grid of every run (τ0); 0 gives f_dr
TAU_S = (0.0, 1e2, 1e4, 1e6, 1e8)
#: the density whose sizes define the finite-size grid (the paper's Fig. 4 density)
REFERENCE_DENSITY = 0.01


def critical_sites(density: float) -> float:
    """N_0 = n_s L_0²: the number of sites in a square of side L_0 (the critical subnetwork's size)."""
    return density * correlation_length(density) ** 2


def round_sites(n: float) -> int:
    """Round a number of sites to two significant digits."""
    if n <= 0:
        return 0
    e = 10 ** max(0, int(math.floor(math.log10(n))) - 1)
    return int(round(n / e) * e)


@dataclass(frozen=True)
class CutoffStudy:
    """Study 1: every (density, cut-off, seed) at fixed sites per density."""

    densities: tuple = (0.003, 0.01, 0.05, 0.1)
    sites: tuple = (50_000, 50_000, 20_000, 20_000)     # per density
    cutoffs: tuple = (1.2, 1.35, 1.5, 1.75, 2.0, 2.5, 3.0)
    seeds: int = 6
    tol: float = 0.01

    def sites_for(self, density: float) -> int:
        return int(self.sites[self.densities.index(density)])

    def runs(self):
        """(density, sites, cut-off, seeds) of every run group."""
        return [(d, self.sites_for(d), c, self.seeds) for d in self.densities for c in self.cutoffs]


@dataclass(frozen=True)
class SizeStudy:
    """Study 2: f versus N at 1.5 l_c; ``reference_sizes`` at n_s a_b² = 0.01, mapped to equal L/L_0."""

    densities: tuple = (0.003, 0.01, 0.05)
    reference_sizes: tuple = (10_000, 30_000, 100_000, 300_000, 1_000_000, 2_000_000)
    map_to_ratio: bool = True
    max_sites: int = 2_000_000
    #: (largest N, seeds) — fewer seeds where a run costs more and the spread is smaller
    seeds_rule: tuple = ((20_000, 24), (60_000, 16), (200_000, 12), (600_000, 8), (1_200_000, 6), (10**12, 4))
    hop_cutoff: float = 1.5
    #: sizes with L/L_0 below this are shown, not fitted (the distribution of f is skewed there)
    fit_min_ratio: float = 2.0

    def seeds_for(self, sites: int) -> int:
        return next(k for n, k in self.seeds_rule if sites <= n)

    def sizes(self, density: float) -> list[tuple[int, int]]:
        """(sites, seeds) of each size at ``density``."""
        scale = critical_sites(density) / critical_sites(REFERENCE_DENSITY) if self.map_to_ratio else 1.0
        out = []
        for n in self.reference_sizes:
            sites = round_sites(n * scale)
            if sites <= self.max_sites and sites not in [s for s, _ in out]:
                out.append((sites, self.seeds_for(sites)))
        return out


@dataclass(frozen=True)
class DensityStudy:
    """Study 4: f(n_s, τ_s) at the converged cut-off and a size chosen from study 2."""

    densities: tuple = (0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.05, 0.1)
    seeds: int = 6
    #: target finite-size bias (relative) that fixes L/L_0, and the clamps of L/L_0 and N
    bias_target: float = 0.005
    ratio_range: tuple = (3.0, 12.0)
    default_ratio: float = 6.0
    min_sites: int = 10_000
    max_sites: int = 1_000_000
    min_cutoff: float = 1.5

    def sites_for(self, density: float, ratio: float) -> int:
        n = ratio ** 2 * critical_sites(density)
        return round_sites(min(max(n, self.min_sites), self.max_sites))


@dataclass(frozen=True)
class ValidationPlan:
    mode: str
    tau_s: tuple = TAU_S
    cutoff: CutoffStudy = field(default_factory=CutoffStudy)
    size: SizeStudy = field(default_factory=SizeStudy)
    density: DensityStudy = field(default_factory=DensityStudy)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["size"]["grid"] = {str(x): self.size.sizes(x) for x in self.size.densities}
        return d


def validation_plan(quick: bool = False) -> ValidationPlan:
    """The grids of ``hopspin validate`` (``--quick``: N ≤ 2e4, 2 seeds, 3 cut-offs, 3 densities, 3 sizes —
    enough to exercise every study and figure in about a minute; the numbers mean little)."""
    if not quick:
        return ValidationPlan(mode="full")
    return ValidationPlan(
        mode="quick",
        cutoff=CutoffStudy(densities=(0.01, 0.05, 0.1), sites=(10_000, 5_000, 5_000), cutoffs=(1.2, 1.5, 3.0), seeds=2),
        size=SizeStudy(reference_sizes=(2_000, 6_000, 20_000), map_to_ratio=False, max_sites=20_000,
                       seeds_rule=((10**12, 2),), fit_min_ratio=0.0),
        density=DensityStudy(densities=(0.003, 0.01, 0.1), seeds=2, ratio_range=(0.5, 3.0), default_ratio=1.0,
                             min_sites=2_000, max_sites=10_000))


# ----------------------------------------------------------------------------- cost
def run_seconds(sites: int, hop_cutoff: float = 1.5) -> float:
    """Model of one run's wall time on one core (5 values of τ_s), seconds (see the module docstring)."""
    base = 0.1 + 2.6 * (sites / 1e5) ** 1.27
    ratio = max(hop_cutoff / 1.5, 0.5)
    p = min(4.0, max(2.0, 2.0 + 1.05 * math.log(max(sites, 2e4) / 2e4)))
    return base * ratio ** p


def plan_cost(plan: ValidationPlan, workers: int = 2, density_sites: dict | None = None,
              density_cutoffs: dict | None = None) -> dict:
    """Estimated runs and seconds per study (core-seconds and wall-clock on ``workers`` workers).

    Study 4 depends on studies 1 and 2; without ``density_sites`` / ``density_cutoffs`` it is
    estimated at its default L/L_0 and the cut-off 1.5 l_c (2.0 above n_s a_b² = 0.02, 2.5 at 0.1).
    """
    studies = {}
    c1 = [(run_seconds(n, c), k) for d, n, c, k in plan.cutoff.runs()]
    studies["cutoff"] = (sum(k for _, k in c1), sum(t * k for t, k in c1))
    c2 = [(run_seconds(n, plan.size.hop_cutoff), k) for d in plan.size.densities for n, k in plan.size.sizes(d)]
    studies["size"] = (sum(k for _, k in c2), sum(t * k for t, k in c2))
    c4 = []
    for d in plan.density.densities:
        n = (density_sites or {}).get(d, plan.density.sites_for(d, plan.density.default_ratio))
        c = (density_cutoffs or {}).get(d, 1.5 if d < 0.02 else (2.0 if d < 0.1 else 2.5))
        c4.append((run_seconds(n, c), plan.density.seeds))
    studies["density"] = (sum(k for _, k in c4), sum(t * k for t, k in c4))
    out = {name: {"runs": r, "core_seconds": round(s, 1), "wall_seconds": round(s / max(workers, 1), 1)}
           for name, (r, s) in studies.items()}
    total = sum(v["core_seconds"] for v in out.values())
    out["total"] = {"runs": sum(v["runs"] for v in out.values()), "core_seconds": round(total, 1),
                    "wall_seconds": round(total / max(workers, 1) + 20.0, 1)}
    return out
