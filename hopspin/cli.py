"""The ``hopspin`` command line: one entry point over the theory and numerics layers.

Sub-commands import their layer lazily, so numerical commands never import SymPy.
Bad input exits with status 2 and one line ``hopspin: error: …``, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

__all__ = ["main", "UsageError"]


class UsageError(Exception):
    """A user-facing input error: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line instead of usage + message
        raise UsageError(message)


# ----------------------------------------------------------------------------- theory commands

def _cmd_verify(args) -> int:
    from theory.checks import CHECKS, run_checks

    def show(result):
        if not args.json:
            mark = "PASS" if result.passed else "FAIL"
            print(f"{mark}  {result.name:<26} {result.equation:<26} {result.seconds:7.2f} s", flush=True)
            if not result.passed or args.verbose:
                print(f"      {result.detail}", flush=True)

    if not args.json:
        print(f"Running {len(CHECKS)} symbolic checks of Smirnov & Golub, PRL 118, 116801 (2017)", flush=True)
    results = run_checks(progress=show)
    ok = all(r.passed for r in results)
    if args.json:
        print(json.dumps({"checks": [r.as_json() for r in results]}, indent=2))
    else:
        total = sum(r.seconds for r in results)
        print(f"{sum(r.passed for r in results)}/{len(results)} checks passed in {total:.1f} s")
    return 0 if ok else 1


def _cmd_coefficients(args) -> int:
    import sympy as sp

    from theory import coefficients as co
    from theory.models import BetaParseError, parse_beta

    try:
        model = parse_beta(args.beta)
    except BetaParseError as exc:
        raise UsageError(f"--beta: {exc}") from None
    if args.order < 1:
        raise UsageError(f"--order must be an integer >= 1, got {args.order}")
    kc = co.triad_coefficients(model, args.order)
    names = {"G": kc.G, "W": kc.W, "Lambda": kc.Lambda, "Gamma": kc.Gamma}

    def tidy(expr):
        expr = sp.expand(expr)
        return sp.factor(expr) if sp.count_ops(expr) < 400 else expr

    tidied = {k: [tidy(e) for e in v] for k, v in names.items()}
    if args.format == "json":
        print(json.dumps({k: [str(e) for e in v] for k, v in tidied.items()}, indent=2))
        return 0
    header = (f"Kinetic coefficients of the triad (i, k, j) divided by Q_ikj (S19), units m = hbar = 1, "
              f"to order {args.order} in beta = {model.beta.tolist()}; sites at (x_i, y_i), (x_k, y_k), (x_j, y_j)")
    if args.format == "latex":
        print(f"% {header}")
        for k, vec in tidied.items():
            sym = {"Lambda": r"\Lambda", "Gamma": r"\Gamma"}.get(k, k)
            for axis, e in zip("xyz", vec):
                print(f"{sym}^{{{axis}}}_{{ikj}}/Q_{{ikj}} = {sp.latex(e)} \\\\")
        return 0
    print(header)
    for k, vec in tidied.items():
        for axis, e in zip("xyz", vec):
            print(f"{k}_{axis}/Q = {e}")
    return 0


def _cmd_derive(args) -> int:
    import derivations

    try:
        paths = derivations.run([args.name] if args.name else None, out=args.out)
    except (KeyError, ValueError) as exc:
        raise UsageError(str(exc).strip("'\"")) from None
    for path in paths:
        print(f"wrote {path}", file=sys.stderr)
    return 0


def _cmd_codegen(args) -> int:
    from theory.codegen import GENERATED_DIR, write_kernels

    for path in write_kernels(args.out or GENERATED_DIR):
        print(f"wrote {path}")
    return 0


# ----------------------------------------------------------------------------- parser

def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hopspin", description=(
        "Spin phenomena in 2D hopping conductivity (Smirnov & Golub, PRL 118, 116801, 2017): "
        "symbolic theory and percolation simulation. Lengths in a_b, times in tau_0."))
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("verify", help="run every symbolic check of the paper's identities")
    p.add_argument("--json", action="store_true", help="print a JSON record of the checks")
    p.add_argument("-v", "--verbose", action="store_true", help="print each check's details")
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser("coefficients", help="G, W, Lambda, Gamma of a triad for a spin-orbit matrix beta")
    p.add_argument("--beta", required=True, metavar="MATRIX",
                   help='2x2 or 3x2 nested list, rows = spin x, y[, z], columns = k_x, k_y; e.g. "[[0, bxy], [byx, 0]]"')
    p.add_argument("--order", type=int, default=3, help="truncation order in beta (>= 1, default 3)")
    p.add_argument("--format", choices=("text", "latex", "json"), default="text")
    p.set_defaults(func=_cmd_coefficients)

    p = sub.add_parser("derive", help="run the paper's derivation chain (derivations/)")
    p.add_argument("name", nargs="?", help="one derivation (default: all, in the paper's order)")
    p.add_argument("--out", metavar="DIR", help="also write Markdown reports with LaTeX into DIR")
    p.set_defaults(func=_cmd_derive)

    p = sub.add_parser("codegen", help="regenerate the numba kernels under numerics/_generated")
    p.add_argument("--out", metavar="DIR", help="output directory (default: numerics/_generated)")
    p.set_defaults(func=_cmd_codegen)

    p = sub.add_parser("reproduce", help="reproduce the paper: checks, Fig. 4, f(n_s), s(n_s), triangle; writes a report")
    p.add_argument("--out", default="hopspin-report", metavar="DIR", help="output directory (default hopspin-report)")
    p.add_argument("--quick", action="store_true", help="small samples and few points (about a minute)")
    p.add_argument("--sites", type=int, help="sites per sample for Fig. 4 (default 500000; quick: 20000)")
    p.add_argument("--seeds", type=int, help="realisations per point (default 3; quick: 2)")
    p.set_defaults(func=_cmd_reproduce)

    _add_numerics_commands(sub)
    return parser


def _cmd_reproduce(args) -> int:
    from hopspin.reproduce import ReproduceConfig, reproduce

    if args.sites is not None and args.sites < 1000:
        raise UsageError(f"--sites must be >= 1000 for a meaningful reproduction, got {args.sites}")
    if args.seeds is not None and args.seeds < 1:
        raise UsageError(f"--seeds must be >= 1, got {args.seeds}")
    config = ReproduceConfig(out=args.out, quick=args.quick, sites=args.sites, seeds=args.seeds)
    start = time.perf_counter()

    def say(message):
        print(f"[{time.perf_counter() - start:7.1f} s] {message}", flush=True)

    reproduce(config, say)
    return 0


def _add_numerics_commands(sub) -> None:
    from hopspin import numerics_cli

    numerics_cli.register(sub)
    import importlib

    for name in ("estimate_cli", "onsager_cli", "sweep_cli"):
        try:
            module = importlib.import_module(f"hopspin.{name}")
        except ModuleNotFoundError as exc:  # a command module not in this build
            if exc.name != f"hopspin.{name}":
                raise
            continue
        module.register(sub)


def main(argv=None) -> int:
    parser = build_parser()
    start = time.perf_counter()
    try:
        args = parser.parse_args(argv)
        return args.func(args)
    except UsageError as exc:
        print(f"hopspin: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"hopspin: interrupted after {time.perf_counter() - start:.1f} s", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
