"""``python -m derivations [NAME ...] [--out DIR]``: run the derivation chain."""

from __future__ import annotations

import argparse
import sys

from . import REGISTRY, UnknownDerivationError, run


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m derivations", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"derivations to run (default all): {', '.join(REGISTRY)}")
    parser.add_argument("--out", help="write NAME.md per derivation and index.md into this directory")
    args = parser.parse_args(argv)
    try:
        paths = run(args.names or None, out=args.out)
    except UnknownDerivationError as exc:
        parser.error(str(exc))
    for path in paths:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
