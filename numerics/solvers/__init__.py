"""Exact solvers of weighted graph Laplacians whose conductances span tens of orders of magnitude.

One job per module:

=====================  =============================================================================
``ordering``           fill-reducing orders (METIS, MMD, nested dissection) and their registry
``geometric``          geometric nested dissection from the site coordinates (vertex-cover separators)
``symbolic``           factor pattern of an elimination order, the one-pivot engine's plan
``supernodal``         supernodes and fronts (the multifrontal engine's symbolic plan)
``analysis``           :class:`NetworkAnalysis`: analyse once, factor per shift (owned by the caller)
``gth``                one-pivot subtraction-free kernels and the current back-propagation
``lanes``              the same kernels for many shifts at once
``blas``               BLAS ``dgemm`` for the numba kernels
``multifrontal``       numeric multifrontal factorisation and solve (real and complex shifts)
``substitution``       block forward/back substitution for many right-hand sides (real or complex)
``differences``        top-down potential differences (the multifrontal Kirchhoff currents)
``kirchhoff``          Kirchhoff currents between two strip electrodes (both engines)
``shifted``            spin-diffusion steady states (S43) for many shifts (both engines)
``edge_sources``       current sources on edges: short-circuit currents (spin-galvanic route)
``backward_error``     mixed backward error of a shifted solve
``memory``             the memory model (estimates and checks before the work starts)
``engines``            the engine registry :data:`ENGINES` and the public solves
=====================  =============================================================================
"""
from .analysis import NetworkAnalysis
from .edge_sources import short_circuit_current
from .engines import DEFAULT_ENGINE, ENGINES, Engine, get_engine, solve_kirchhoff, solve_shifted
from .kirchhoff import KirchhoffSolution, conservation_error
from .memory import available_memory, check_memory, estimate_memory
from .shifted import ShiftedSolution

__all__ = ["NetworkAnalysis", "ENGINES", "DEFAULT_ENGINE", "Engine", "get_engine", "solve_kirchhoff",
           "solve_shifted", "KirchhoffSolution", "ShiftedSolution", "conservation_error", "short_circuit_current",
           "estimate_memory", "check_memory", "available_memory"]
