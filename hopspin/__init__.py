"""hopspin — spin phenomena in two-dimensional hopping conductivity.

Layers: ``theory`` (SymPy derivations, checks, kernel generation), ``numerics`` (percolation
simulation, SymPy-free), ``derivations`` (the paper's derivation chain as readable steps).
The command-line entry point is :func:`hopspin.cli.main`.
"""

__version__ = "0.1.0"
