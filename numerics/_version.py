"""The code version recorded in every result: the package version and, in a git checkout, the commit."""
from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

from hopspin._version import __version__

__all__ = ["code_version", "__version__"]


@lru_cache(maxsize=1)
def code_version() -> dict:
    """``{"hopspin_version": ..., "git_commit": ...}``; the commit is empty outside a git checkout and
    ends in ``-dirty`` when tracked files differ from it."""
    commit = ""
    root = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=10)
        if out.returncode == 0:
            commit = out.stdout.strip()
            dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                                   capture_output=True, text=True, timeout=10)
            if dirty.returncode == 0 and dirty.stdout.strip():
                commit += "-dirty"
    except (OSError, subprocess.SubprocessError):
        pass
    return {"hopspin_version": __version__, "git_commit": commit}
