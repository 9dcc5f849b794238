"""The result of one symbolic check (a leaf: every check module imports it, it imports nothing of ours)."""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["CheckResult", "run_check", "cached_check"]


@dataclass
class CheckResult:
    name: str
    equation: str
    passed: bool
    seconds: float = 0.0
    detail: str = ""
    expressions: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"name": self.name, "equation": self.equation, "passed": bool(self.passed),
                "seconds": round(self.seconds, 4), "detail": self.detail}


def run_check(fn: Callable[[], CheckResult]) -> CheckResult:
    """Run one check and record its wall time; an exception counts as a failure."""
    start = time.perf_counter()
    try:
        result = fn()
    except Exception as exc:  # a broken check must be reported, not crash `verify`
        result = CheckResult(fn.__name__, "?", False, detail=f"error: {type(exc).__name__}: {exc}")
    result.seconds = time.perf_counter() - start
    return result


def cached_check(fn: Callable[[], CheckResult]) -> Callable[[], CheckResult]:
    """A check computed once per process (checks are pure: no arguments, deterministic): ``hopspin verify``,
    the derivation chain that quotes the same checks and ``reproduce`` share one computation.  Each call
    returns a fresh copy, so callers may set ``seconds``."""
    once = functools.cache(fn)

    @functools.wraps(fn)
    def wrapper() -> CheckResult:
        return dataclasses.replace(once())

    wrapper.uncached = fn
    return wrapper
