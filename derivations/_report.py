"""Shared machinery of the derivation chain: an ordered, printable :class:`Report`.

A derivation is a list of :class:`Step` objects.  Each step has prose, optionally one or
more SymPy expressions (shown with ``sympy.pretty`` in the terminal and ``sympy.latex`` in
Markdown), and optionally a *verified* flag together with a sentence saying what was
verified.  The flag is always the result of a computation made while the derivation runs:
:meth:`Report.verify` only accepts a value that it can convert to a plain ``bool`` and the
helpers :func:`is_zero` / :func:`all_zero` reduce a difference of independently derived
expressions to zero.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import sympy as sp

from theory.simplify import all_zero, is_zero  # noqa: F401  (re-exported for the derivation modules)
from theory.vectors import z_cross  # noqa: F401  (re-exported for the derivation modules)

__all__ = ["Step", "Report", "Shown", "is_zero", "all_zero", "vec", "z_cross"]


def vec(values) -> sp.Matrix:
    """A column ``sympy.Matrix`` from a 3-tuple (for display of spin vectors)."""
    return sp.Matrix(list(values))


@dataclass(frozen=True)
class Shown:
    """A display that is not a SymPy object: its terminal text and its LaTeX."""

    text: str
    tex: str


@dataclass
class Step:
    """One step of a derivation.

    Attributes
    ----------
    text : str
        Prose (plain text; Unicode allowed).  Inline code in backticks is kept verbatim.
    expressions : list of (text label, LaTeX label, expression)
        SymPy objects (or :class:`Shown`) to display as ``label = expr``; labels may be empty.
    verified : bool or None
        ``None`` for an explanatory step; otherwise the computed truth of ``claim``.
    claim : str
        What was verified (empty for explanatory steps).
    """

    text: str
    expressions: list = field(default_factory=list)
    verified: bool | None = None
    claim: str = ""


def _pretty(expr) -> str:
    if isinstance(expr, Shown):
        return expr.text
    try:
        return sp.pretty(expr, use_unicode=True, wrap_line=False)
    except Exception:  # pragma: no cover - pretty printing is best effort
        return str(expr)


def _latex(expr) -> str:
    if isinstance(expr, Shown):
        return expr.tex
    return sp.latex(expr)


def _plain_label_tex(label: str) -> str:
    return r"\text{" + label.replace("_", r"\_") + "}"


@dataclass
class Report:
    """An ordered derivation: title, equations covered, intro and steps.

    Use :meth:`say` for an explanatory step and :meth:`verify` for a step whose statement
    is checked by a computation.  :meth:`to_text` and :meth:`to_markdown` render it.
    """

    name: str
    title: str
    equations: str
    intro: str = ""
    steps: list[Step] = field(default_factory=list)
    seconds: float = 0.0

    # ------------------------------------------------------------------ building
    @staticmethod
    def _collect(exprs, labeled) -> list:
        items = []
        for e in exprs:
            if isinstance(e, tuple) and len(e) == 3:
                items.append(e)
            elif isinstance(e, tuple) and len(e) == 2 and isinstance(e[0], str):
                items.append((e[0], _plain_label_tex(e[0]), e[1]))
            else:
                items.append(("", "", e))
        items.extend((k, _plain_label_tex(k), v) for k, v in labeled.items())
        return items

    def say(self, text: str, *exprs, **labeled) -> Step:
        """Add an explanatory step (no verification flag)."""
        step = Step(text, self._collect(exprs, labeled))
        self.steps.append(step)
        return step

    def verify(self, text: str, ok, claim: str, *exprs, **labeled) -> Step:
        """Add a step whose statement ``claim`` was checked; ``ok`` is the computed result."""
        if isinstance(ok, sp.logic.boolalg.BooleanAtom):
            ok = bool(ok)
        if not isinstance(ok, bool):
            raise TypeError(f"verification result must be a bool, got {type(ok).__name__}: {ok!r}")
        step = Step(text, self._collect(exprs, labeled), ok, claim)
        self.steps.append(step)
        return step

    # ------------------------------------------------------------------ queries
    @property
    def verified_steps(self) -> list[Step]:
        return [s for s in self.steps if s.verified is not None]

    @property
    def all_verified(self) -> bool:
        return all(s.verified for s in self.verified_steps)

    @property
    def failures(self) -> list[Step]:
        return [s for s in self.verified_steps if not s.verified]

    # ------------------------------------------------------------------ rendering
    def _header(self) -> str:
        return f"{self.title} — Eqs. {self.equations}"

    def to_text(self, width: int = 92) -> str:
        """Plain-text rendering for a terminal (``sympy.pretty`` for expressions)."""
        out = [self._header(), "=" * min(width, len(self._header()))]
        if self.intro:
            out += [textwrap.fill(p, width) for p in self.intro.strip().split("\n\n")]
            out.append("")
        for n, step in enumerate(self.steps, 1):
            paragraphs = step.text.strip().split("\n\n")
            out.append(textwrap.fill(paragraphs[0], width, initial_indent=f"{n}. ", subsequent_indent="   "))
            for p in paragraphs[1:]:
                out.append(textwrap.fill(p, width, initial_indent="   ", subsequent_indent="   "))
            for lab, _, expr in step.expressions:
                body = _pretty(expr)
                if lab:
                    lines = body.split("\n")
                    mid = len(lines) // 2
                    pad = " " * (len(lab) + 3)
                    lines = [(f"{lab} = " if m == mid else pad) + line for m, line in enumerate(lines)]
                    body = "\n".join(lines)
                out.append(textwrap.indent(body, "      "))
            if step.verified is not None:
                mark = "[verified]" if step.verified else "[FAILED]"
                out.append(textwrap.fill(f"{mark} {step.claim}", width, initial_indent="   ",
                                         subsequent_indent="   "))
            out.append("")
        n_ok = sum(bool(s.verified) for s in self.verified_steps)
        out.append(f"{n_ok}/{len(self.verified_steps)} verified statements hold"
                   + (f" ({self.seconds:.2f} s)" if self.seconds else "") + ".")
        return "\n".join(out) + "\n"

    def to_markdown(self) -> str:
        """Markdown rendering with display LaTeX (``$$ ... $$``, via ``sympy.latex``)."""
        out = [f"# {self.title}", "", f"Equations {self.equations} of Smirnov & Golub, PRL 118, 116801 (2017)"
               " and its Supplemental Material.", ""]
        if self.intro:
            out += [self.intro.strip(), ""]
        for n, step in enumerate(self.steps, 1):
            out.append(f"{n}. " + step.text.strip().replace("\n\n", "\n\n   "))
            out.append("")
            for _, label, expr in step.expressions:
                tex = _latex(expr)
                if label:
                    tex = f"{label} = {tex}"
                out += ["   $$", f"   {tex}", "   $$", ""]
            if step.verified is not None:
                mark = "✅ **Verified:**" if step.verified else "❌ **FAILED:**"
                out += [f"   {mark} {step.claim}", ""]
        n_ok = sum(bool(s.verified) for s in self.verified_steps)
        out.append(f"*{n_ok}/{len(self.verified_steps)} verified statements hold.*")
        return "\n".join(out) + "\n"

    def __str__(self) -> str:
        return self.to_text()


def run_as_script(derive) -> int:
    """``python -m derivations.dNN_name``: print the report; exit 0 only if every verified step holds."""
    rep = derive()
    print(rep.to_text())
    return 0 if rep.all_verified else 1
