"""``hopspin verify``, ``coefficients``, ``derive``, ``codegen``: the theory-layer commands (SymPy)."""

from __future__ import annotations

import sys

from ._common import UsageError, print_json

__all__ = ["register", "MAX_ORDER"]

#: highest truncation order of ``hopspin coefficients``
MAX_ORDER = 6


def _cmd_verify(args) -> int:
    from theory.checks import CHECKS, run_checks

    def show(result):
        mark = "PASS" if result.passed else "FAIL"
        line = f"{mark}  {result.name:<26} {result.equation:<26} {result.seconds:7.2f} s"
        if args.json:  # stdout carries the JSON only: progress on stderr
            print(f"hopspin verify: {line}", file=sys.stderr, flush=True)
            return
        print(line, flush=True)
        if not result.passed or args.verbose:
            print(f"      {result.detail}", flush=True)

    if not args.json:
        print(f"Running {len(CHECKS)} symbolic checks of Smirnov & Golub, PRL 118, 116801 (2017)", flush=True)
    results = run_checks(progress=show)
    ok = all(r.passed for r in results)
    if args.json:
        print_json({"checks": [r.as_json() for r in results]})
    else:
        total = sum(r.seconds for r in results)
        print(f"{sum(r.passed for r in results)}/{len(results)} checks passed in {total:.1f} s")
    return 0 if ok else 1


def _cmd_coefficients(args) -> int:
    import sympy as sp

    from hopspin.errors import BetaParseError
    from theory import coefficients as co
    from theory.models import parse_beta

    if not 1 <= args.order <= MAX_ORDER:
        raise UsageError(f"--order must be an integer in [1, {MAX_ORDER}] (the expansion grows steeply: order 6 "
                         f"takes ~25 s), got {args.order}")
    try:
        model = parse_beta(args.beta)
    except BetaParseError as exc:
        raise BetaParseError(f"--beta: {exc}", parameter="--beta") from None
    kc = co.triad_coefficients(model, args.order)
    names = {"G": kc.G, "W": kc.W, "Lambda": kc.Lambda, "Gamma": kc.Gamma}

    def tidy(expr):
        expr = sp.expand(expr)
        return sp.factor(expr) if sp.count_ops(expr) < 400 else expr

    tidied = {k: [tidy(e) for e in v] for k, v in names.items()}
    if args.format == "json":
        print_json({k: [str(e) for e in v] for k, v in tidied.items()})
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

    if args.out:
        from hopspin._io import output_dir
        output_dir(args.out, "--out")            # before the derivations run

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


def register(sub) -> None:
    p = sub.add_parser("verify", help="run every symbolic check of the paper's identities")
    p.add_argument("--json", action="store_true", help="print a JSON record of the checks")
    p.add_argument("-v", "--verbose", action="store_true", help="print each check's details")
    p.set_defaults(func=_cmd_verify)

    p = sub.add_parser("coefficients", help="G, W, Lambda, Gamma of a triad for a spin-orbit matrix beta")
    p.add_argument("--beta", required=True, metavar="MATRIX",
                   help='2x2 or 3x2 nested list, rows = spin x, y[, z], columns = k_x, k_y; e.g. "[[0, bxy], [byx, 0]]"')
    p.add_argument("--order", type=int, default=3, help=f"truncation order in beta (1 to {MAX_ORDER}, default 3)")
    p.add_argument("--format", choices=("text", "latex", "json"), default="text")
    p.set_defaults(func=_cmd_coefficients)

    p = sub.add_parser("derive", help="run the paper's derivation chain (derivations/)")
    p.add_argument("name", nargs="?", help="one derivation (default: all, in the paper's order)")
    p.add_argument("--out", metavar="DIR", help="also write Markdown reports with LaTeX into DIR")
    p.set_defaults(func=_cmd_derive)

    p = sub.add_parser("codegen", help="regenerate the numba kernels under numerics/_generated")
    p.add_argument("--out", metavar="DIR", help="output directory (default: numerics/_generated)")
    p.set_defaults(func=_cmd_codegen)
