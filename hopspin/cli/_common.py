"""What every command shares: the parser, the usage error, progress and warnings on stderr, strict JSON.

Bad input is one line ``hopspin: error: …`` and exit status 2 (any :class:`hopspin.errors.HopspinError`,
mapped by class in :func:`hopspin.cli.main`); anything else is a bug and shows as one.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

from hopspin.errors import HopspinError, ParameterError

__all__ = ["Parser", "UsageError", "progress_printer", "print_json", "dumps_json", "finite_float", "positive_int",
           "nonnegative_int", "tau_value", "add_config_options", "add_energy_options", "config_from_args", "WARNINGS"]


class _Warnings:
    """Warnings of the running command, printed as ``hopspin: warning: …`` lines before the first
    progress message or at the end of a successful command; when the command fails they are folded
    into its one error line instead (so a failed call prints exactly one line)."""

    def __init__(self):
        self.pending: list[str] = []
        self.seen: set[str] = set()

    def add(self, message) -> None:
        text = " ".join(str(message).split())
        if text not in self.seen:
            self.seen.add(text)
            self.pending.append(text)

    def flush(self) -> None:
        for text in self.pending:
            print(f"hopspin: warning: {text}", file=sys.stderr, flush=True)
        self.pending.clear()

    def fold(self) -> str:
        """The pending warnings as a suffix of the error line (and forget them)."""
        text = "".join(f" (warning: {t})" for t in self.pending)
        self.pending.clear()
        return text

    def reset(self) -> None:
        self.pending.clear()
        self.seen.clear()


WARNINGS = _Warnings()


class UsageError(HopspinError):
    """A command-line usage error (bad option, missing argument): one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (:class:`UsageError`) instead of usage text + exit."""

    def error(self, message):
        raise UsageError(message)


def progress_printer(enabled: bool):
    """``say(message)``: a time-stamped line on stderr (nothing when not ``enabled``)."""
    start = time.perf_counter()

    def say(message: str) -> None:
        if enabled:
            WARNINGS.flush()
            print(f"[{time.perf_counter() - start:7.1f} s] {message}", file=sys.stderr, flush=True)
    return say


def dumps_json(obj) -> str:
    """Strict JSON (no NaN / Infinity tokens: :func:`numerics.results.json_safe` first)."""
    from numerics.results import json_safe

    return json.dumps(json_safe(obj), indent=2, allow_nan=False)


def print_json(obj) -> None:
    print(dumps_json(obj), flush=True)


# ----------------------------------------------------------------------------- argument types
def finite_float(text: str) -> float:
    """A finite number (argparse type)."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(v):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return v


def tau_value(text: str) -> float:
    """A spin relaxation time in τ0: a number ≥ 0 or ``inf`` (argparse type)."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time in tau_0 (a number >= 0 or inf)") from None
    if math.isnan(v) or v < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: a spin relaxation time must be >= 0 (in tau_0; inf allowed)")
    return v


def _int(text: str, lo: int) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if v < lo:
        raise argparse.ArgumentTypeError(f"{text!r} must be >= {lo}")
    return v


def positive_int(text: str) -> int:
    return _int(text, 1)


def nonnegative_int(text: str) -> int:
    return _int(text, 0)


class _Once(argparse.Action):
    """Refuse a repeated single-valued option instead of silently keeping the last one."""

    def __call__(self, parser, namespace, values, option_string=None):
        flag = f"_seen_{self.dest}"
        if getattr(namespace, flag, False):
            raise UsageError(f"{option_string} given twice; give it once (with several values where it takes them)")
        setattr(namespace, flag, True)
        setattr(namespace, self.dest, values)


def add_config_options(p, *, density_default=None, sites_default=None, tau_default=(0.0,), seeds=True,
                       energies=False) -> None:
    """The :class:`numerics.config.SimulationConfig` options shared by simulate, onsager, hanle, …
    (``energies``: also the site-energy options, for the commands whose physics includes them)."""
    p.add_argument("--site-density", type=finite_float, required=density_default is None, default=density_default,
                   metavar="NS_AB2", action=_Once, help="n_s a_b^2, in (0, 1); the paper's range is 0.002-0.1")
    p.add_argument("--sites", type=positive_int, required=sites_default is None, default=sites_default, metavar="N",
                   action=_Once, help="number of sites N in the L x L sample")
    if seeds:
        p.add_argument("--seed", type=nonnegative_int, nargs="+", default=[0], action=_Once,
                       help="one or more seeds (one record each)")
    p.add_argument("--tau-s", type=tau_value, nargs="+", default=list(tau_default), metavar="T", action=_Once,
                   help="spin relaxation times in tau_0 (>= 0; inf allowed)")
    p.add_argument("--cutoff", type=finite_float, default=1.5, action=_Once,
                   help="bond cut-off in units of l_c (>= 1, default 1.5)")
    p.add_argument("--solver", choices=("multifrontal", "backprop"), default="multifrontal", action=_Once,
                   help="exact engine of every solve: supernodal dense fronts (default, fast) or the one-pivot "
                        "back-propagation (slower; also checks Eq. (12) on every run)")
    if energies:
        add_energy_options(p)


def add_energy_options(p) -> None:
    """``--energy-disorder X [--energy-distribution uniform|gaussian]`` (X = W/k_BT)."""
    p.add_argument("--energy-disorder", type=finite_float, default=0.0, metavar="W_KT", action=_Once,
                   help="spread of the site energies W/k_BT (>= 0; default 0: all sites at the same energy). "
                        "Boltzmann statistics (n << n_s), Miller-Abrahams rates")
    p.add_argument("--energy-distribution", choices=("uniform", "gaussian"), default="uniform", action=_Once,
                   help="site energies uniform of width W (default) or Gaussian of r.m.s. W")


def config_from_args(args, **extra):
    """The validated :class:`numerics.config.SimulationConfig` of the shared options (seed: the first)."""
    from numerics.config import SimulationConfig

    seeds = getattr(args, "seed", [0])
    if len(set(seeds)) != len(seeds):
        raise ParameterError(f"--seed lists a seed twice: {seeds}", parameter="seed")
    energy = {k: getattr(args, k) for k in ("energy_disorder", "energy_distribution") if hasattr(args, k)}
    return SimulationConfig(site_density=args.site_density, sites=args.sites, seed=seeds[0], tau_s=tuple(args.tau_s),
                            hop_cutoff=args.cutoff, engine=args.solver, **energy, **extra)
