"""Resumable result store of a parameter sweep (netCDF or zarr, through xarray).

Layout of the dataset (dimensions ``site_density`` × ``seed`` × ``tau_s``):

* ``f``, ``f_diff`` (site_density, seed, tau_s) — total spin function and its diffusion part (S45)
* ``f_dr`` (site_density, seed) — drift part (S42), independent of τ_s
* per-run diagnostics (site_density, seed): ``max_conservation_error``, ``max_balance_error``,
  ``cluster_sites``, ``bonds``, ``triangles``, ``seconds``
* ``done`` (site_density, seed) — 1 when the run finished (successfully or with a recorded,
  deterministic failure), 0 while pending; ``failed`` — 1 when the run finished with an error
  (message in the ``failures`` attribute, a JSON object ``{"n_s,seed": message}``)
* attributes: ``hopspin_version``, ``git_commit``, ``sites``, ``hop_cutoff``, ``tau_s_grid`` and
  the conventions (lengths in a_b, times in τ0).

Interruption safety
-------------------
The source of truth is a small append-only **journal** next to the store
(``PATH.journal.jsonl``): one header line with the parameters, then one JSON line per finished
run, written with ``flush`` + ``fsync`` before the run counts as recorded.  Floats are written
with ``repr`` and so round-trip bit for bit.  A line cut short by a crash does not parse and is
ignored (that run is simply computed again).  The dataset itself is a view rebuilt from the journal:

* netCDF: the whole file is rewritten into ``PATH.tmp`` (fsync) and moved over ``PATH`` with
  ``os.replace`` — a reader sees either the old or the new complete file, never a half-written one;
* zarr: created (or rebuilt from the journal) in one full write, then each finished run is a
  region write of its own (site_density, seed) cell — data first, ``done`` last — with one chunk
  per cell, so a crash mid-write can only touch the cell being written, which the journal restores.

Only the client process writes; an exclusive ``flock`` on the journal refuses a second writer.
A rerun with other ``sites``, ``hop_cutoff`` or τ_s grid refuses with :class:`StoreMismatchError`.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = ["SweepStore", "StoreMismatchError", "StoreLockedError", "RunRecord", "open_sweep",
           "store_format", "journal_path", "code_version", "DIAGNOSTICS"]

DIAGNOSTICS = {  # name: (dtype, fill value, description)
    "max_conservation_error": ("f8", np.nan, "largest node-current imbalance / I_total of the Kirchhoff solve"),
    "max_balance_error": ("f8", np.nan, "largest node balance error of the (S43) spin-diffusion solves"),
    "cluster_sites": ("i8", -1, "sites in the spanning cluster"),
    "bonds": ("i8", -1, "bonds in the spanning cluster"),
    "triangles": ("i8", -1, "triads (triangles) summed over in (S42), (S44)"),
    "seconds": ("f8", np.nan, "wall time of the run on its worker, s"),
}
_FORMAT_VERSION = 1


class StoreMismatchError(ValueError):
    """The existing store holds a sweep with other parameters than the ones requested."""


class StoreLockedError(RuntimeError):
    """Another process is writing the same store."""


def store_format(path) -> str:
    """``"netcdf"`` for ``*.nc``, ``"zarr"`` for ``*.zarr``; ValueError otherwise."""
    name = str(path).rstrip("/")
    if name.endswith(".nc"):
        return "netcdf"
    if name.endswith(".zarr"):
        return "zarr"
    raise ValueError(f"the store path must end in .nc (netCDF) or .zarr (zarr), got {str(path)!r}")


def journal_path(path) -> Path:
    return Path(str(path).rstrip("/") + ".journal.jsonl")


def code_version() -> dict:
    """``hopspin.__version__`` and, when the package sits in a git checkout, the commit."""
    import hopspin

    commit = ""
    try:
        root = Path(hopspin.__file__).resolve().parent.parent
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
    return {"hopspin_version": hopspin.__version__, "git_commit": commit}


@dataclass
class RunRecord:
    """The result of one (site_density, seed) run as it is journalled."""

    site_density: float
    seed: int
    f_dr: float = math.nan
    f_diff: list = field(default_factory=list)
    f: list = field(default_factory=list)
    diagnostics: dict = field(default_factory=dict)
    error: str | None = None

    def to_json(self) -> str:
        return json.dumps({"type": "run", "site_density": self.site_density, "seed": self.seed,
                           "f_dr": self.f_dr, "f_diff": list(self.f_diff), "f": list(self.f),
                           "diagnostics": self.diagnostics, "error": self.error})

    @classmethod
    def from_dict(cls, d: dict) -> RunRecord:
        return cls(site_density=float(d["site_density"]), seed=int(d["seed"]), f_dr=float(d["f_dr"]),
                   f_diff=[float(v) for v in d["f_diff"]], f=[float(v) for v in d["f"]],
                   diagnostics=dict(d.get("diagnostics") or {}), error=d.get("error"))


def _same_floats(a, b) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.array_equal(a, b))


def _describe(params: dict) -> str:
    taus = params["tau_s"]
    tau_text = (f"{len(taus)} values {taus[0]:g}..{taus[-1]:g}" if len(taus) > 1 else f"[{taus[0]:g}]")
    return f"sites={params['sites']}, hop_cutoff={params['hop_cutoff']:g}, tau_s={tau_text}"


class SweepStore:
    """Open (create or resume) the store at ``path`` for a sweep with the given parameters.

    Parameters
    ----------
    path : str or Path
        ``*.nc`` (netCDF through h5netcdf) or ``*.zarr``.
    densities, seeds : array-like
        The requested grid; the store's grid becomes the union with what it already holds.
    sites : int;  hop_cutoff : float;  tau_s : array-like
        Must equal the parameters of an existing store, else :class:`StoreMismatchError`.
    flush_seconds : float
        netCDF only: the file is rewritten at most this often (the journal is always current).
    """

    def __init__(self, path, densities, seeds, sites: int, hop_cutoff: float, tau_s, flush_seconds: float = 5.0):
        self.path = Path(str(path).rstrip("/"))
        self.format = store_format(self.path)
        self.journal = journal_path(self.path)
        self.flush_seconds = float(flush_seconds)
        self.params = {"sites": int(sites), "hop_cutoff": float(hop_cutoff),
                       "tau_s": [float(t) for t in np.asarray(tau_s, dtype=float)]}
        self.records: dict[tuple[float, int], RunRecord] = {}
        self._journal_file = None
        self._last_flush = -math.inf
        self._dirty = False
        self._lock()
        try:
            existing = self._load_existing()
            self._check_params(existing)
            grid_d = sorted(set(float(d) for d in densities) | {k[0] for k in self.records})
            grid_s = sorted(set(int(s) for s in seeds) | {k[1] for k in self.records})
            self.densities = np.array(grid_d, dtype=float)
            self.seeds = np.array(grid_s, dtype=np.int64)
            self.version = code_version()
            if not self.journal.exists() or self.journal.stat().st_size == 0:
                self._append({"type": "header", "format_version": _FORMAT_VERSION, **self.params, **self.version})
            self._write_full()
        except BaseException:
            self.close()
            raise

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
        f.write(json.dumps(obj) + "\n")
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
            ds = _open_dataset(self.path, self.format)
            try:
                found = _params_from_attrs(ds.attrs)
                for rec in _records_from_dataset(ds):
                    self.records[(rec.site_density, rec.seed)] = rec
            finally:
                ds.close()
        header, runs = read_journal(self.journal)
        if header is not None:
            jparams = {k: header[k] for k in ("sites", "hop_cutoff", "tau_s")}
            if found is not None and not _params_equal(found, jparams):
                raise StoreMismatchError(f"{self.path} and its journal {self.journal} disagree "
                                         f"({_describe(found)} vs {_describe(jparams)}); remove one of them")
            found = jparams
        for rec in runs:
            self.records[(rec.site_density, rec.seed)] = rec
        return found

    def _check_params(self, found: dict | None) -> None:
        if found is None:
            return
        if not _params_equal(found, self.params):
            raise StoreMismatchError(
                f"{self.path} holds a sweep with {_describe(found)}; this run asks for "
                f"{_describe(self.params)}. Use a new --out path or the store's parameters")

    # ------------------------------------------------------------------ state
    def is_done(self, density: float, seed: int) -> bool:
        return (float(density), int(seed)) in self.records

    def pending(self, densities, seeds) -> list[tuple[float, int]]:
        return [(float(d), int(s)) for d in densities for s in seeds if not self.is_done(d, s)]

    def add(self, record: RunRecord) -> bool:
        """Record one finished run: journal it (the commit point), then update the store view.
        Returns False (and writes nothing) when that cell is already recorded."""
        key = (float(record.site_density), int(record.seed))
        if key in self.records:
            return False
        if len(record.f) != len(self.params["tau_s"]):
            raise ValueError(f"run {key} has {len(record.f)} values of f, the store's tau_s grid has "
                             f"{len(self.params['tau_s'])}")
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
        return build_dataset(self.densities, self.seeds, self.params, self.records, self.version)

    def _write_full(self) -> None:
        ds = self.to_dataset()
        if self.format == "netcdf":
            tmp = self.path.with_name(self.path.name + ".tmp")
            ds.to_netcdf(tmp, engine="h5netcdf", encoding=_netcdf_encoding(ds))
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
            ds.to_zarr(tmp, mode="w", encoding=_zarr_encoding(ds), consolidated=False)
            if self.path.exists():
                os.replace(self.path, old)
            os.replace(tmp, self.path)
            _fsync_dir(self.path.parent)
            if old.exists():
                shutil.rmtree(old)
        self._last_flush = time.monotonic()
        self._dirty = False

    def _write_cell(self, key) -> None:
        i = int(np.searchsorted(self.densities, key[0]))
        j = int(np.searchsorted(self.seeds, key[1]))
        one = build_dataset(self.densities[i:i + 1], self.seeds[j:j + 1], self.params, {key: self.records[key]},
                            self.version)
        region = {"site_density": slice(i, i + 1), "seed": slice(j, j + 1)}
        data = one.drop_vars(["site_density", "seed", "tau_s", "done"])
        data.to_zarr(self.path, mode="r+", region=region, consolidated=False)
        one[["done"]].drop_vars(["site_density", "seed"]).to_zarr(self.path, mode="r+", region=region,
                                                                 consolidated=False)
        if self.records[key].error:
            self._write_attrs()

    def _write_attrs(self) -> None:
        import zarr

        group = zarr.open_group(str(self.path), mode="r+")
        group.attrs.update(self.to_dataset().attrs)


# ------------------------------------------------------------------ dataset construction

def build_dataset(densities, seeds, params: dict, records: dict, version: dict):
    import xarray as xr

    densities = np.asarray(densities, dtype=float)
    seeds = np.asarray(seeds, dtype=np.int64)
    taus = np.asarray(params["tau_s"], dtype=float)
    nd, ns, nk = len(densities), len(seeds), len(taus)
    f = np.full((nd, ns, nk), np.nan)
    f_diff = np.full((nd, ns, nk), np.nan)
    f_dr = np.full((nd, ns), np.nan)
    done = np.zeros((nd, ns), dtype=np.int8)
    failed = np.zeros((nd, ns), dtype=np.int8)
    diags = {name: np.full((nd, ns), fill, dtype=dt) for name, (dt, fill, _) in DIAGNOSTICS.items()}
    d_index = {float(d): i for i, d in enumerate(densities)}
    s_index = {int(s): j for j, s in enumerate(seeds)}
    failures = {}
    for (d, s), rec in records.items():
        if d not in d_index or s not in s_index:
            continue
        i, j = d_index[d], s_index[s]
        done[i, j] = 1
        if rec.error:
            failed[i, j] = 1
            failures[f"{d!r},{s}"] = rec.error
            continue
        f[i, j] = rec.f
        f_diff[i, j] = rec.f_diff
        f_dr[i, j] = rec.f_dr
        for name in DIAGNOSTICS:
            if name in rec.diagnostics:
                diags[name][i, j] = rec.diagnostics[name]
    ds2 = ("site_density", "seed")
    ds3 = ("site_density", "seed", "tau_s")
    data_vars = {
        "f": (ds3, f, {"long_name": "spin function f = f_dr + f_diff (Eq. 13)", "units": "1"}),
        "f_diff": (ds3, f_diff, {"long_name": "diffusion part of f (S45)", "units": "1"}),
        "f_dr": (ds2, f_dr, {"long_name": "drift part of f (S42), independent of tau_s", "units": "1"}),
        "done": (ds2, done, {"long_name": "1 when the run finished (see failed), 0 while pending"}),
        "failed": (ds2, failed, {"long_name": "1 when the run finished with an error (see attribute failures)"}),
    }
    for name, (_, _, desc) in DIAGNOSTICS.items():
        data_vars[name] = (ds2, diags[name], {"long_name": desc})
    coords = {
        "site_density": ("site_density", densities, {"long_name": "n_s a_b^2", "units": "1"}),
        "seed": ("seed", seeds, {"long_name": "seed of numpy.random.default_rng"}),
        "tau_s": ("tau_s", taus, {"long_name": "spin relaxation time tau_s", "units": "tau_0"}),
    }
    attrs = {
        "title": "hopspin sweep: spin function f(n_s, tau_s), Smirnov & Golub, PRL 118, 116801 (2017)",
        "conventions": "lengths in a_b, times in tau_0; unit spin-orbit model beta_xy = beta_yx = 1 divided out",
        "store_format_version": _FORMAT_VERSION,
        "hopspin_version": version.get("hopspin_version", ""),
        "git_commit": version.get("git_commit", ""),
        "sites": int(params["sites"]),
        "hop_cutoff": float(params["hop_cutoff"]),
        "hop_cutoff_units": "l_c = 1.19847 / sqrt(n_s)",
        "tau_s_grid": json.dumps(params["tau_s"]),
        "failures": json.dumps(failures),
        "runs_done": int(done.sum()),
        "runs_total": int(done.size),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def _netcdf_encoding(ds) -> dict:
    return {name: {"_FillValue": None} for name in ("f", "f_diff", "f_dr", "site_density", "tau_s")}


def _zarr_encoding(ds) -> dict:
    enc = {}
    for name, var in ds.data_vars.items():
        chunks = tuple(1 if dim in ("site_density", "seed") else size for dim, size in zip(var.dims, var.shape))
        enc[name] = {"chunks": chunks}
    return enc


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


def _open_dataset(path: Path, fmt: str):
    import xarray as xr

    if fmt == "netcdf":
        return xr.load_dataset(path, engine="h5netcdf")
    return xr.open_zarr(path, consolidated=False).load()


def _params_from_attrs(attrs) -> dict:
    return {"sites": int(attrs["sites"]), "hop_cutoff": float(attrs["hop_cutoff"]),
            "tau_s": [float(t) for t in json.loads(attrs["tau_s_grid"])]}


def _params_equal(a: dict, b: dict) -> bool:
    return (int(a["sites"]) == int(b["sites"]) and float(a["hop_cutoff"]) == float(b["hop_cutoff"])
            and _same_floats(a["tau_s"], b["tau_s"]))


def _records_from_dataset(ds) -> list[RunRecord]:
    failures = json.loads(ds.attrs.get("failures", "{}"))
    out = []
    done = ds["done"].values
    for i, d in enumerate(ds["site_density"].values):
        for j, s in enumerate(ds["seed"].values):
            if not done[i, j]:
                continue
            d, s = float(d), int(s)
            if ds["failed"].values[i, j]:
                out.append(RunRecord(d, s, f_diff=[], f=[], error=failures.get(f"{d!r},{s}", "failed")))
                continue
            diag = {}
            for name, (dt, _, _) in DIAGNOSTICS.items():
                v = ds[name].values[i, j]
                diag[name] = int(v) if dt == "i8" else float(v)
            out.append(RunRecord(d, s, f_dr=float(ds["f_dr"].values[i, j]),
                                 f_diff=[float(v) for v in ds["f_diff"].values[i, j]],
                                 f=[float(v) for v in ds["f"].values[i, j]], diagnostics=diag))
    return out


def read_journal(path) -> tuple[dict | None, list[RunRecord]]:
    """Header and finished runs of a journal; lines cut short by a crash are skipped."""
    path = Path(path)
    if not path.exists():
        return None, []
    header, runs = None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            if not isinstance(obj, dict):
                continue
            if obj.get("type") == "header" and header is None:
                header = obj
            elif obj.get("type") == "run":
                try:
                    runs.append(RunRecord.from_dict(obj))
                except (KeyError, TypeError, ValueError):
                    continue
    return header, runs


def open_sweep(path):
    """The sweep at ``path`` as an in-memory xarray.Dataset, including runs only in the journal
    (e.g. while a sweep is running, or after it was killed)."""
    path = Path(str(path).rstrip("/"))
    fmt = store_format(path)
    header, runs = read_journal(journal_path(path))
    if not path.exists():
        if header is None:
            raise FileNotFoundError(f"no sweep store at {path}")
        records = {(r.site_density, r.seed): r for r in runs}
        params = {k: header[k] for k in ("sites", "hop_cutoff", "tau_s")}
        return build_dataset(sorted({k[0] for k in records}), sorted({k[1] for k in records}), params, records,
                             header)
    ds = _open_dataset(path, fmt)
    if not runs:
        return ds
    params = _params_from_attrs(ds.attrs)
    version = {"hopspin_version": ds.attrs.get("hopspin_version", ""), "git_commit": ds.attrs.get("git_commit", "")}
    records = {(r.site_density, r.seed): r for r in _records_from_dataset(ds)}
    for r in runs:
        records[(r.site_density, r.seed)] = r
    densities = sorted({float(d) for d in ds["site_density"].values} | {k[0] for k in records})
    seeds = sorted({int(s) for s in ds["seed"].values} | {k[1] for k in records})
    ds.close()
    return build_dataset(densities, seeds, params, records, version)
