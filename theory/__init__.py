"""theory — the symbolic (SymPy) layer.

Derives the kinetic coefficients G, W, Lambda of Smirnov & Golub, PRL 118, 116801 (2017)
from traces of spin-dependent hopping matrices for any linear-in-k spin-orbit matrix beta,
checks the paper's identities, and generates the numba kernels used by ``numerics``.
``theory`` never imports ``numerics``.
"""
