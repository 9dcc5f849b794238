"""The symbolic part of the public API (imports SymPy; loaded only when used)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

__all__ = ["coefficients", "verify"]


def coefficients(beta, order: int | None = 3, sites: tuple[str, str, str] = ("i", "k", "j")):
    """Kinetic coefficients G, W, Λ, Γ of the triad (i, k, j) divided by Q_ikj of (S19), m = ħ = 1.

    Parameters
    ----------
    beta : str, nested sequence or theory.models.SpinOrbitModel
        The 3×2 (or 2×2) spin-orbit matrix β, numeric or symbolic (``"[[0, bxy], [byx, 0]]"``).
    order : int or None
        Truncation order in β (≥ 1), or ``None`` for the exact all-orders result.
    sites : (first, auxiliary, last)
        Labels of the triad; coordinates are the SymPy symbols ``x_<label>, y_<label>``.

    Returns
    -------
    theory.coefficients.KineticCoefficients
    """
    from theory.coefficients import triad_coefficients
    from theory.models import as_model

    return triad_coefficients(as_model(beta), order, tuple(sites))


def verify(names: Iterable[str] | None = None, progress: Callable | None = None):
    """Run the symbolic checks of the paper's identities (all, or those named); returns their results
    (:class:`theory.checks.CheckResult`, each with ``passed``, ``detail`` and ``seconds``)."""
    from theory.checks import run_checks

    return run_checks(names, progress=progress)
