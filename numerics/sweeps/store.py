"""Resumable result store of a parameter sweep (netCDF or zarr, through xarray).

The dataset layout is :mod:`numerics.sweeps.dataset` (the one result schema stacked along the sweep
axes); the source of truth is the append-only journal of :mod:`numerics.sweeps.journal`.

Interruption safety
-------------------
A run counts as recorded once its journal line is written (``flush`` + ``fsync``).  The dataset itself
is a view rebuilt from the journal:

* netCDF: the whole file is rewritten into ``PATH.tmp`` (fsync) and moved over ``PATH`` with
  ``os.replace`` — a reader sees either the old or the new complete file, never a half-written one;
* zarr: created (or rebuilt from the journal) in one full write, then each finished run is a
  region write of its own (site_density, seed) cell — data first, ``done`` last — with one chunk
  per cell, so a crash mid-write can only touch the cell being written, which the journal restores.

Only the client process writes; an exclusive ``flock`` on the journal refuses a second writer.
A rerun with other ``sites``, ``hop_cutoff`` or τ_s grid refuses with
:class:`hopspin.errors.StoreMismatchError`; a path that holds something else than a store, with
:class:`hopspin.errors.StoreFormatError` (before any file is created).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
from pathlib import Path

import numpy as np

from hopspin.errors import StoreFormatError, StoreLockedError, StoreMismatchError

from .._version import code_version
from ..results import json_safe
from .dataset import (AXES, axes_from_attrs, axis_type, build_dataset, describe, netcdf_encoding, open_dataset,
                      params_equal, params_from_attrs, records_from_dataset, store_format, zarr_encoding)
from .journal import FORMAT_VERSION, RunRecord, journal_path, read_journal

__all__ = ["SweepStore", "RunRecord", "open_sweep", "store_format", "journal_path", "check_location"]


class SweepStore:
    """Open (create or resume) the store at ``path`` for a sweep with the given axes and parameters.

    Parameters
    ----------
    path : str or Path
        ``*.nc`` (netCDF through h5netcdf) or ``*.zarr``.
    axes : dict
        The requested grid, ``{axis: values}`` in the order of the dimensions (``seed`` last); the
        store's grid becomes the union with what it already holds.
    params : dict
        What every run shares (``tau_s`` and the fixed configuration fields, e.g. ``sites``,
        ``hop_cutoff``); must equal those of an existing store, as must the axes' names, else
        :class:`hopspin.errors.StoreMismatchError`.
    flush_seconds : float
        netCDF only: the file is rewritten at most this often (the journal is always current).
    """

    def __init__(self, path, axes: dict, params: dict, flush_seconds: float = 5.0):
        self.path = Path(str(path).rstrip("/"))
        self.format = store_format(self.path)
        self.journal = journal_path(self.path)
        check_location(self.path, self.format)
        self.flush_seconds = float(flush_seconds)
        self.names = tuple(axes)
        self.params = {**{k: v for k, v in params.items() if k != "tau_s"},
                       "tau_s": [float(t) for t in np.asarray(params["tau_s"], dtype=float)]}
        self.records: dict[tuple, RunRecord] = {}
        self._journal_file = None
        self._last_flush = -math.inf
        self._dirty = False
        self._lock()
        try:
            existing = self._load_existing()
            self._check_params(existing)
            self.grid = {a: np.array(sorted({axis_type(a)(v) for v in axes[a]} | {k[n] for k in self.records}),
                                     dtype=np.int64 if axis_type(a) is int else float)
                         for n, a in enumerate(self.names)}
            self.version = code_version()
            if not self.journal.exists() or self.journal.stat().st_size == 0:
                self._append({"type": "header", "format_version": FORMAT_VERSION, "axes": list(self.names),
                              "params": json_safe(self.params), **self.version})
            self._write_full()
        except BaseException:
            self.close()
            raise

    @property
    def densities(self) -> np.ndarray:
        return self.grid["site_density"]

    @property
    def seeds(self) -> np.ndarray:
        return self.grid["seed"]

    # ------------------------------------------------------------------ locking and journal
    def _lock(self) -> None:
        import fcntl

        self.journal.parent.mkdir(parents=True, exist_ok=True)
        self._journal_file = open(self.journal, "a+", encoding="utf-8")
        try:
            fcntl.flock(self._journal_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._journal_file.close()
            self._journal_file = None
            raise StoreLockedError(f"another process is writing {self.path} (lock on {self.journal})") from None

    def _append(self, obj: dict) -> None:
        f = self._journal_file
        f.seek(0, os.SEEK_END)
        if f.tell() > 0:  # a crash may have left a line without its newline: start a fresh one
            f.seek(f.tell() - 1)
            last = f.read(1)
            f.seek(0, os.SEEK_END)
            if last != "\n":
                f.write("\n")
        f.write(json.dumps(obj, allow_nan=False) + "\n")
        f.flush()
        os.fsync(f.fileno())

    def close(self) -> None:
        if self._journal_file is not None:
            self._journal_file.close()  # releases the flock
            self._journal_file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            if exc[0] is None or self._dirty:
                self.flush(force=True)
        finally:
            self.close()

    # ------------------------------------------------------------------ loading
    def _load_existing(self) -> dict | None:
        """Fill ``self.records`` from the store's finished cells, then the journal; return the
        parameters found (or None for a fresh store)."""
        found = None
        if self.path.exists():
            ds = open_dataset(self.path, self.format)
            try:
                found = (axes_from_attrs(ds.attrs), params_from_attrs(ds.attrs))
                for rec in records_from_dataset(ds):
                    self.records[rec.key_tuple(found[0])] = rec
            finally:
                ds.close()
        header, runs = read_journal(self.journal)
        if header is not None:
            jfound = _header_axes(header), _header_params(header)
            if found is not None and not (found[0] == jfound[0] and params_equal(found[1], jfound[1])):
                raise StoreMismatchError(f"{self.path} and its journal {self.journal} disagree "
                                         f"({describe(found[1])} vs {describe(jfound[1])}); remove one of them")
            found = jfound
        names = found[0] if found is not None else self.names
        for rec in runs:
            self.records[rec.key_tuple(names)] = rec
        return found

    def _check_params(self, found) -> None:
        if found is None:
            return
        names, params = found
        if names != self.names:
            raise StoreMismatchError(
                f"{self.path} holds a sweep over {' x '.join(names)}; this run sweeps {' x '.join(self.names)}. "
                "Use a new --out path or the store's axes")
        if not params_equal(params, self.params):
            raise StoreMismatchError(
                f"{self.path} holds a sweep with {describe(params)}; this run asks for "
                f"{describe(self.params)}. Use a new --out path or the store's parameters")

    # ------------------------------------------------------------------ state
    def key(self, values) -> tuple:
        return tuple(axis_type(a)(v) for a, v in zip(self.names, values))

    def is_done(self, *values) -> bool:
        return self.key(values) in self.records

    def pending(self, axes: dict) -> list[tuple]:
        """The keys of the requested grid (``{axis: values}``) that are not recorded yet, in grid order."""
        import itertools

        cells = itertools.product(*(axes[a] for a in self.names))
        return [k for k in (self.key(c) for c in cells) if k not in self.records]

    def add(self, record: RunRecord) -> bool:
        """Record one finished run: journal it (the commit point), then update the store view.
        Returns False (and writes nothing) when that cell is already recorded."""
        key = record.key_tuple(self.names)
        if key in self.records:
            return False
        if not record.error and len(record.values.get("f", ())) != len(self.params["tau_s"]):
            raise StoreMismatchError(f"run {key} has {len(record.values.get('f', ()))} values of f, the store's "
                                     f"tau_s grid has {len(self.params['tau_s'])}")
        self._append(json.loads(record.to_json()))
        self.records[key] = record
        self._dirty = True
        if self.format == "zarr":
            self._write_cell(key)
        else:
            self.flush()
        return True

    def flush(self, force: bool = False) -> None:
        """netCDF: rewrite the file if ``flush_seconds`` passed since the last write (or ``force``)."""
        if not self._dirty:
            return
        if self.format == "zarr":
            if force:
                self._write_attrs()
            self._dirty = False
            return
        if force or time.monotonic() - self._last_flush >= self.flush_seconds:
            self._write_full()

    # ------------------------------------------------------------------ writing
    def to_dataset(self):
        return build_dataset(self.grid, self.params, self.records, self.version)

    def _write_full(self) -> None:
        ds = self.to_dataset()
        if self.format == "netcdf":
            tmp = self.path.with_name(self.path.name + ".tmp")
            ds.to_netcdf(tmp, engine="h5netcdf", encoding=netcdf_encoding(ds))
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
            _fsync_dir(self.path.parent)
        else:
            tmp = self.path.with_name(self.path.name + ".tmp")
            old = self.path.with_name(self.path.name + ".old")
            for p in (tmp, old):
                if p.exists():
                    shutil.rmtree(p)
            ds.to_zarr(tmp, mode="w", encoding=zarr_encoding(ds), consolidated=False)
            if self.path.exists():
                os.replace(self.path, old)
            os.replace(tmp, self.path)
            _fsync_dir(self.path.parent)
            if old.exists():
                shutil.rmtree(old)
        self._last_flush = time.monotonic()
        self._dirty = False

    def _write_cell(self, key) -> None:
        idx = {a: int(np.searchsorted(self.grid[a], v)) for a, v in zip(self.names, key)}
        one = build_dataset({a: self.grid[a][i:i + 1] for a, i in idx.items()}, self.params,
                            {key: self.records[key]}, self.version)
        region = {a: slice(i, i + 1) for a, i in idx.items()}
        data = one.drop_vars([*self.names, "tau_s", "done"])
        data.to_zarr(self.path, mode="r+", region=region, consolidated=False)
        one[["done"]].drop_vars(list(self.names)).to_zarr(self.path, mode="r+", region=region, consolidated=False)
        if self.records[key].error:
            self._write_attrs()

    def _write_attrs(self) -> None:
        import zarr

        group = zarr.open_group(str(self.path), mode="r+")
        group.attrs.update(self.to_dataset().attrs)



def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)



def open_sweep(path):
    """The sweep at ``path`` as an in-memory xarray.Dataset, including runs only in the journal
    (e.g. while a sweep is running, or after it was killed)."""
    path = Path(str(path).rstrip("/"))
    fmt = store_format(path)
    header, runs = read_journal(journal_path(path))
    if not path.exists():
        if header is None:
            raise StoreFormatError(f"no sweep store at {path} (nor its journal {journal_path(path).name})",
                                   parameter="store")
        names = _header_axes(header)
        records = {r.key_tuple(names): r for r in runs}
        axes = {a: sorted({k[n] for k in records}) for n, a in enumerate(names)}
        return build_dataset(axes, _header_params(header), records, header)
    ds = open_dataset(path, fmt)
    if not runs:
        return ds
    params = params_from_attrs(ds.attrs)
    names = axes_from_attrs(ds.attrs)
    version = {"hopspin_version": ds.attrs.get("hopspin_version", ""), "git_commit": ds.attrs.get("git_commit", "")}
    records = {r.key_tuple(names): r for r in records_from_dataset(ds)}
    for r in runs:
        records[r.key_tuple(names)] = r
    axes = {a: sorted({axis_type(a)(v) for v in ds[a].values} | {k[n] for k in records}) for n, a in enumerate(names)}
    ds.close()
    return build_dataset(axes, params, records, version)


def _header_params(header: dict) -> dict:
    params = dict(header["params"]) if "params" in header else \
        {"sites": int(header["sites"]), "hop_cutoff": float(header["hop_cutoff"]), "tau_s": header["tau_s"]}
    params["tau_s"] = [math.inf if t in ("inf", "Infinity") else float(t) for t in params["tau_s"]]
    return params


def _header_axes(header: dict) -> tuple:
    return tuple(header.get("axes", AXES))


def check_location(path, fmt: str | None = None) -> None:
    """Refuse, before any file is created, a store path that cannot hold a store: a directory for a
    netCDF file, a plain file for a zarr store, an existing file that is not a store, a parent that
    is not a writable directory."""
    path = Path(str(path).rstrip("/"))
    fmt = fmt or store_format(path)
    parent = path.parent if str(path.parent) else Path(".")
    if parent.exists() and not parent.is_dir():
        raise StoreFormatError(f"{parent} is not a directory (store path {path})", parameter="out")
    if not parent.exists():
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreFormatError(f"cannot create the directory {parent} for the store: {exc.strerror}",
                                   parameter="out") from None
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StoreFormatError(f"the directory {parent} is not writable (store path {path})", parameter="out")
    if path.exists():
        if fmt == "netcdf" and path.is_dir():
            raise StoreFormatError(f"{path} is a directory; a netCDF store is a file", parameter="out")
        if fmt == "zarr" and not path.is_dir():
            raise StoreFormatError(f"{path} is a file; a zarr store is a directory", parameter="out")
        open_dataset(path, fmt).close()  # raises StoreFormatError for anything that is not a store
