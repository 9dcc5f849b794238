"""Output locations checked before the work starts, and files written atomically.

A leaf module (standard library and :mod:`hopspin.errors` only), so every layer may use it:

* :func:`output_dir` / :func:`output_file` refuse, with one :class:`hopspin.errors.OutputError` naming
  the option, a location that cannot be written — an existing file where a directory is expected, a
  directory where a file is expected, a parent that is not a writable directory (``/proc/...``) —
  *before* any computation;
* :func:`atomic_write` writes through a temporary file in the same directory and ``os.replace``: an
  interruption never leaves a half-written file (a reader sees the old file or the new one).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from hopspin.errors import OutputError

__all__ = ["output_dir", "output_file", "atomic_write", "write_text", "write_bytes", "save_figure"]


def _probe_writable(directory: Path, what: str) -> None:
    try:
        fd, probe = tempfile.mkstemp(prefix=".hopspin-probe-", dir=directory)
    except OSError as exc:
        raise OutputError(f"{what}: cannot write into {directory} ({exc.strerror or exc})", parameter=what) from None
    os.close(fd)
    os.unlink(probe)


def output_dir(path, what: str = "--out") -> Path:
    """The directory ``path``, created if missing, checked to be a writable directory; returns it."""
    directory = Path(path)
    if directory.exists() and not directory.is_dir():
        raise OutputError(f"{what}: {directory} exists and is not a directory", parameter=what)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{what}: cannot create the directory {directory} ({exc.strerror or exc})",
                          parameter=what) from None
    _probe_writable(directory, what)
    return directory


def output_file(path, what: str = "--out") -> Path:
    """The file ``path``: not a directory, its directory created if missing and writable; returns it."""
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"{what}: {target} is a directory; a file name is expected", parameter=what)
    output_dir(target.parent if str(target.parent) else Path("."), what)
    return target


@contextlib.contextmanager
def atomic_write(path, mode: str = "w", **open_kwargs):
    """Open a temporary file next to ``path``; on success it replaces ``path`` (``os.replace``)."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, **open_kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(path, text: str) -> Path:
    with atomic_write(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return Path(path)


def write_bytes(path, data: bytes) -> Path:
    with atomic_write(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def save_figure(fig, path, **kwargs) -> Path:
    """``fig.savefig`` through :func:`atomic_write` (the format from the suffix of ``path``)."""
    target = Path(path)
    with atomic_write(target, "wb") as fh:
        fig.savefig(fh, format=target.suffix.lstrip(".") or "png", **kwargs)
    return target
