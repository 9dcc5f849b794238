"""hopspin — spin phenomena in two-dimensional hopping conductivity (Smirnov & Golub, PRL 118, 116801, 2017).

The curated public API.  Numerical entry points take ``config=None, **overrides`` (a
:class:`SimulationConfig` and keyword overrides of its fields) and return results with
``.to_xarray()`` (a labelled dataset) and ``.to_record()`` (the JSON record)::

    import hopspin
    r = hopspin.simulate(site_density=0.01, sites=20000, tau_s=[0, 1e3])
    r.to_xarray()

=====================  ========================================================================
``simulate``           f(n_s, τ_s) of one random sample, Eq. (13) via (S40)–(S45)
``cisp_tensor``        the full CISP tensor, SGE tensor and spin currents for any β
``spin_galvanic``      the SGE by its own route and the Onsager ratio (S39) on the same sample
``run_sweep``          an (n_s, seed) grid on dask.distributed into a resumable store
``estimate``           the paper's estimates in SI units (Eqs. 10, 13–16, S28–S30)
``triangle``           the equilateral triangle (S46) through the network pipeline
``hanle``              CISP, SGE and spin-Hall tensors versus a Zeeman field of any direction (numerics.field)
``hall``               the hopping Hall effect of one sample in a perpendicular flux b (numerics.flux)
``coefficients``       the symbolic kinetic coefficients G, W, Λ, Γ of a triad (SymPy, lazy)
``verify``             every symbolic check of the paper's identities (SymPy, lazy)
``SimulationConfig``   the one configuration object;  ``Parameters`` its SI counterpart for ``estimate``
``ENGINES``            the registry of exact solver engines (``engine=`` everywhere)
``errors``             the one error family (:class:`hopspin.errors.HopspinError`)
=====================  ========================================================================

Everything is imported lazily: ``import hopspin`` costs nothing, numerical use never imports SymPy,
and the layers below (``theory``, ``numerics``, ``derivations``) stay importable on their own.
Units: lengths in a_b, times in τ0, the site density as n_s a_b², β in ħ²/(m a_b).
"""

from __future__ import annotations

import importlib

from ._version import __version__

__all__ = ["simulate", "cisp_tensor", "spin_galvanic", "run_sweep", "estimate", "triangle", "hanle", "hall",
           "coefficients",
           "verify", "SimulationConfig", "Parameters", "ENGINES", "errors", "__version__"]

# public name -> (module, attribute)
_LAZY = {
    "simulate": ("numerics.simulate", "simulate"),
    "cisp_tensor": ("numerics.tensor", "cisp_tensor"),
    "spin_galvanic": ("numerics.sge", "spin_galvanic"),
    "run_sweep": ("numerics.sweeps.run", "run_sweep"),
    "estimate": ("numerics.estimates.record", "estimate"),
    "triangle": ("numerics.triangle", "triangle"),
    "hanle": ("numerics.field.hanle", "hanle"),
    "hall": ("numerics.flux.hall", "hall"),
    "SimulationConfig": ("numerics.config", "SimulationConfig"),
    "Parameters": ("numerics.estimates.parameters", "Parameters"),
    "ENGINES": ("numerics.solvers.engines", "ENGINES"),
    "coefficients": ("hopspin._symbolic", "coefficients"),
    "verify": ("hopspin._symbolic", "verify"),
    "errors": ("hopspin.errors", None),
}


def __getattr__(name: str):
    try:
        module, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'hopspin' has no attribute {name!r}") from None
    mod = importlib.import_module(module)
    value = mod if attr is None else getattr(mod, attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
