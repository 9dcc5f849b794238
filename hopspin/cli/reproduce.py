"""``hopspin reproduce``: the main job (every check, Fig. 4, f(n_s), s(n_s), the triangle, a report)."""

from __future__ import annotations

import time

from ._common import UsageError, positive_int

__all__ = ["register"]


def _cmd_reproduce(args) -> int:
    from hopspin.reproduce import ReproduceConfig, reproduce

    if args.sites is not None and args.sites < 1000:
        raise UsageError(f"--sites must be >= 1000 for a meaningful reproduction, got {args.sites}")
    from hopspin._io import output_dir

    output_dir(args.out, "--out")                 # before any work
    config = ReproduceConfig(out=args.out, quick=args.quick, sites=args.sites, seeds=args.seeds)
    start = time.perf_counter()

    def say(message):
        print(f"[{time.perf_counter() - start:7.1f} s] {message}", flush=True)

    reproduce(config, say)
    return 0


def register(sub) -> None:
    p = sub.add_parser("reproduce", help="reproduce the paper: checks, Fig. 4, f(n_s), s(n_s), triangle; writes a report")
    p.add_argument("--out", default="hopspin-report", metavar="DIR", help="output directory (default hopspin-report)")
    p.add_argument("--quick", action="store_true", help="small samples and few points (about a minute)")
    p.add_argument("--sites", type=positive_int, help="sites per sample for Fig. 4 (default 500000; quick: 20000)")
    p.add_argument("--seeds", type=positive_int, help="realisations per point (default 3; quick: 2)")
    p.set_defaults(func=_cmd_reproduce)
