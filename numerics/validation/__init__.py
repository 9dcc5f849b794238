"""How far to trust f: convergence in the cut-off and the sample size, the percolation inputs, f(n_s).

``studies`` (the grids of quick and full mode and their cost), ``run`` (the studies through the sweep
machinery into resumable stores), ``analysis`` (error bars, the converged cut-off, N → ∞), ``summary``
(the JSON summary and the error budget), ``figures`` and ``report`` (the report section).
"""
from .run import run_validation
from .studies import validation_plan

__all__ = ["run_validation", "validation_plan"]
