"""The ``hopspin`` command line: one entry point over the theory and numerics layers.

Each command group is a module with a ``register(sub)`` function, listed in :data:`COMMAND_MODULES`
(an explicit list: a missing module is an import error, not a silently absent command).  Commands
import their layer lazily, so numerical commands never import SymPy.

Error mapping (one place, :func:`main`): a :class:`hopspin.errors.HopspinError` — bad input, a
refused request, a failed a-posteriori check — is one line ``hopspin: error: …`` on stderr and exit
status 2 (warnings not yet shown are folded into that line); a warning about a modelling assumption
is one line ``hopspin: warning: …`` before the first progress message or at the end; Ctrl-C exits
with status 130 and a closed output pipe ends quietly.  Anything else is a bug and shows as one.
"""

from __future__ import annotations

import errno
import importlib
import os
import sys
import time
import warnings

from ._common import WARNINGS, Parser, UsageError

__all__ = ["main", "build_parser", "UsageError", "COMMAND_MODULES"]

#: command-group modules, in the order of ``hopspin --help``
COMMAND_MODULES = ("theory", "reproduce", "simulate", "estimate", "onsager", "sweep", "validate", "hanle", "hall")


def build_parser() -> Parser:
    parser = Parser(prog="hopspin", description=(
        "Spin phenomena in 2D hopping conductivity (Smirnov & Golub, PRL 118, 116801, 2017): "
        "symbolic theory and percolation simulation. Lengths in a_b, times in tau_0."))
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


#: errors of writing the output stream itself (full disk, gone device, quota)
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.EPIPE}


def _silence_stdout() -> None:
    """Keep Python from failing again when it flushes stdout at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _collect_warning(message, category, filename, lineno, file=None, line=None):
    WARNINGS.add(message)


def main(argv=None) -> int:
    from hopspin.errors import HopspinError, HopspinWarning

    start = time.perf_counter()
    old_show = warnings.showwarning
    warnings.showwarning = _collect_warning
    WARNINGS.reset()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", HopspinWarning)
            warnings.simplefilter("always", RuntimeWarning)
            parser = build_parser()
            args = parser.parse_args(argv)
            status = args.func(args)
            sys.stdout.flush()                   # a full disk / closed pipe shows here, not at exit
        WARNINGS.flush()
        return status
    except HopspinError as exc:
        print(f"hopspin: error: {exc}{WARNINGS.fold()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        WARNINGS.flush()
        print(f"hopspin: interrupted after {time.perf_counter() - start:.1f} s", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (e.g. `hopspin verify | head -1`): end quietly
        _silence_stdout()
        return 0
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRNOS:
            raise
        _silence_stdout()
        print(f"hopspin: error: cannot write the output ({os.strerror(exc.errno)})", file=sys.stderr)
        return 2
    finally:
        warnings.showwarning = old_show


if __name__ == "__main__":
    raise SystemExit(main())
