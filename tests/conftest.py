"""Shared test machinery: the ``run_cli`` fixture, engine parametrisation, ``--update-generated``."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser):
    parser.addoption("--update-generated", action="store_true", default=False,
                     help="rewrite the committed generated kernels (numerics/_generated) from theory/ instead of "
                          "failing on a difference (SymForce-style compare-or-update)")


@pytest.fixture
def update_generated(request) -> bool:
    return bool(request.config.getoption("--update-generated"))


def engine_keys():
    from numerics.solvers import ENGINES

    return list(ENGINES)


@pytest.fixture(params=engine_keys())
def engine(request) -> str:
    """Every registered exact engine: tests taking this fixture run once per engine (Kwant-style)."""
    return request.param


class CliResult:
    """The outcome of one ``hopspin`` command line run in a subprocess."""

    def __init__(self, proc: subprocess.CompletedProcess):
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def json(self):
        """stdout parsed by a strict JSON parser (NaN / Infinity tokens are refused)."""
        def refuse(token):
            raise ValueError(f"invalid JSON token {token}")
        return json.loads(self.stdout, parse_constant=refuse)

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.strip().splitlines() if line.startswith("hopspin: error:")]


@pytest.fixture
def run_cli():
    """``run_cli(*args, timeout=300, input=None, cwd=None)`` runs ``python -m hopspin *args``."""
    def run(*args, timeout: float = 300, input: str | None = None, cwd=None, env=None) -> CliResult:
        full_env = {**os.environ, **(env or {})}
        proc = subprocess.run([sys.executable, "-m", "hopspin", *map(str, args)], capture_output=True, text=True,
                              timeout=timeout, input=input, cwd=cwd or ROOT, env=full_env)
        return CliResult(proc)
    return run
