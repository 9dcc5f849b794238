"""The derivation chain of Smirnov & Golub, PRL 118, 116801 (2017), as executable steps.

One module per result, in the paper's order (see :data:`REGISTRY`).  Each module exposes
``NAME``, ``TITLE``, ``EQUATIONS`` and ``derive() -> Report`` (:mod:`derivations._report`)
and runs on its own as ``python -m derivations.d01_hopping_matrix``.  :func:`run` runs
several, prints them and optionally writes Markdown (with LaTeX) per derivation plus an index.
"""

from __future__ import annotations

import sys
import time
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from importlib import import_module

from hopspin.errors import HopspinError
from hopspin._io import output_dir, write_text

from ._report import Report

__all__ = ["REGISTRY", "UnknownDerivationError", "run", "resolve", "derive_all"]

_MODULE_NAMES = ("d01_hopping_matrix", "d02_kinetic_coefficients", "d03_relations", "d04_equilibrium",
                 "d05_onsager", "d06_triangle", "d07_spin_galvanic", "d08_general_beta_response",
                 "d09_normalisation", "d10_zeeman", "d11_flux", "d12_energy_disorder")
_MODULES = tuple(import_module(f"{__name__}.{name}") for name in _MODULE_NAMES)

REGISTRY: OrderedDict[str, ModuleType] = OrderedDict((m.NAME, m) for m in _MODULES)
"""NAME → derivation module, in the paper's order."""


class UnknownDerivationError(HopspinError, KeyError, ValueError):
    """A derivation name that is not in :data:`REGISTRY` (both a KeyError and a ValueError)."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


def resolve(names: str | Iterable[str] | None = None) -> list[ModuleType]:
    """The derivation modules for ``names`` (all if None), in the paper's order.

    A name is a module's ``NAME`` (``"hopping_matrix"``) or its file name
    (``"d01_hopping_matrix"``).

    Raises
    ------
    UnknownDerivationError
        For a name that is not known; the message lists the valid names.
    """
    if names is None:
        return list(REGISTRY.values())
    if isinstance(names, str):
        names = [names]
    by_file = {m.__name__.rsplit(".", 1)[-1]: m for m in REGISTRY.values()}
    wanted = []
    for name in names:
        module = REGISTRY.get(name) or by_file.get(name)
        if module is None:
            raise UnknownDerivationError(
                f"unknown derivation {name!r}; valid names: {', '.join(REGISTRY)}")
        if module not in wanted:
            wanted.append(module)
    return [m for m in REGISTRY.values() if m in wanted]


def _derive(module: ModuleType) -> Report:
    start = time.perf_counter()
    report = module.derive()
    report.seconds = time.perf_counter() - start
    return report


def derive_all(names: str | Iterable[str] | None = None) -> list[Report]:
    """Run the named derivations (all if None) and return their reports."""
    return [_derive(m) for m in resolve(names)]


def _index(reports: list[Report]) -> str:
    lines = ["# The derivation chain", "",
             "Smirnov & Golub, *Electrical spin orientation, spin-galvanic and spin-Hall effects in "
             "disordered two-dimensional systems*, PRL 118, 116801 (2017), derived step by step with "
             "SymPy (`python -m derivations`). Every statement marked verified is recomputed on each run.",
             "", "| # | Derivation | Equations | Verified | Time |", "|---|---|---|---|---|"]
    for n, rep in enumerate(reports, 1):
        ok = sum(bool(s.verified) for s in rep.verified_steps)
        status = f"{ok}/{len(rep.verified_steps)}" + ("" if rep.all_verified else " **FAILED**")
        lines.append(f"| {n} | [{rep.title}]({rep.name}.md) | {rep.equations} | {status} | {rep.seconds:.1f} s |")
    return "\n".join(lines) + "\n"


def run(names: str | Iterable[str] | None = None, out: str | Path | None = None,
        stream=sys.stdout, progress=None) -> list[Path]:
    """Run derivations, print their text to ``stream`` and optionally write Markdown.

    Parameters
    ----------
    names : str or iterable of str, optional
        Derivation names (see :data:`REGISTRY`); all, in the paper's order, if None.
    out : path, optional
        Directory for ``NAME.md`` per derivation and ``index.md`` (created if needed).
    stream : file-like, optional
        Where the plain-text reports go (``None`` to print nothing).
    progress : callable, optional
        Called with each :class:`Report` as soon as it is derived.

    Returns
    -------
    list of pathlib.Path
        The files written (empty without ``out``).

    Raises
    ------
    UnknownDerivationError
        (a ``KeyError`` and ``ValueError``) for an unknown name, before anything runs.
    """
    modules = resolve(names)
    directory = output_dir(out, "--out") if out is not None else None   # before the derivations run
    reports = []
    for module in modules:
        report = _derive(module)
        reports.append(report)
        if progress is not None:
            progress(report)
        if stream is not None:
            stream.write(report.to_text() + "\n")
            stream.flush()
    written: list[Path] = []
    if directory is not None:
        for report in reports:
            path = directory / f"{report.name}.md"
            write_text(path, report.to_markdown())
            written.append(path)
        index = directory / "index.md"
        write_text(index, _index(reports))
        written.append(index)
    return written
