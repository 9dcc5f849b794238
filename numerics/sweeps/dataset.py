"""The sweep store's dataset: the one result schema stacked along the sweep axes.

Layout (dimensions: the sweep axes ``site_density`` × ``seed``, then each quantity's own dimensions):

* every quantity of :data:`numerics.results.SIMULATION_QUANTITIES` — ``f``, ``f_diff`` (…, tau_s),
  ``f_dr`` and the per-run diagnostics (…) — with its ``units`` and ``description`` attributes;
* ``done`` — 1 when the run finished (successfully or with a recorded, deterministic failure), 0 while
  pending; ``failed`` — 1 when the run finished with an error (message in the ``failures`` attribute,
  a JSON object ``{"n_s,seed": message}``);
* attributes: ``hopspin_version``, ``git_commit``, ``sites``, ``hop_cutoff``, ``tau_s_grid`` and the
  conventions (lengths in a_b, times in τ0).
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from hopspin.errors import StoreFormatError

from ..results import SIMULATION_COORDS, SIMULATION_QUANTITIES, from_json_value, json_safe
from .journal import FORMAT_VERSION, RunRecord

__all__ = ["AXES", "PARAMETERS", "build_dataset", "records_from_dataset", "store_format", "open_dataset",
           "params_from_attrs", "params_equal", "describe", "netcdf_encoding", "zarr_encoding"]

#: the sweep axes of a store, in order (the record key)
AXES = ("site_density", "seed")
#: parameters shared by every run of a store (a rerun must match them)
PARAMETERS = ("sites", "hop_cutoff", "tau_s")
_AXIS_ATTRS = {"site_density": {"long_name": "n_s a_b^2", "units": "1"},
               "seed": {"long_name": "seed of numpy.random.default_rng"}}


def store_format(path) -> str:
    """``"netcdf"`` for ``*.nc``, ``"zarr"`` for ``*.zarr``; :class:`hopspin.errors.StoreFormatError` otherwise."""
    name = str(path).rstrip("/")
    if name.endswith(".nc"):
        return "netcdf"
    if name.endswith(".zarr"):
        return "zarr"
    raise StoreFormatError(f"the store path must end in .nc (netCDF) or .zarr (zarr), got {str(path)!r}",
                           parameter="out")


def _fill(q):
    return -1 if q.dtype == "i8" else math.nan


def build_dataset(axes: dict, params: dict, records: dict, version: dict):
    """The dataset of ``records`` ({key tuple: RunRecord}) on the grid ``axes`` ({axis: values})."""
    import xarray as xr

    grid = {a: np.asarray(axes[a], dtype=np.int64 if a == "seed" else float) for a in AXES}
    shape = tuple(len(grid[a]) for a in AXES)
    taus = np.asarray(params["tau_s"], dtype=float)
    dim_sizes = {"tau_s": len(taus)}
    data = {q.name: np.full(shape + tuple(dim_sizes[d] for d in q.dims), _fill(q),
                            dtype=np.int64 if q.dtype == "i8" else float) for q in SIMULATION_QUANTITIES}
    done = np.zeros(shape, dtype=np.int8)
    failed = np.zeros(shape, dtype=np.int8)
    index = {a: {v: i for i, v in enumerate(grid[a].tolist())} for a in AXES}
    failures = {}
    for key, rec in records.items():
        try:
            cell = tuple(index[a][v] for a, v in zip(AXES, key))
        except KeyError:
            continue
        done[cell] = 1
        if rec.error:
            failed[cell] = 1
            failures[",".join(repr(v) for v in key)] = rec.error
            continue
        for q in SIMULATION_QUANTITIES:
            if q.name in rec.values:
                data[q.name][cell] = from_json_value(rec.values[q.name])
    data_vars = {q.name: (AXES + q.dims, data[q.name], {"units": q.units, "long_name": q.description})
                 for q in SIMULATION_QUANTITIES}
    data_vars["done"] = (AXES, done, {"long_name": "1 when the run finished (see failed), 0 while pending"})
    data_vars["failed"] = (AXES, failed, {"long_name": "1 when the run finished with an error (see attribute failures)"})
    coords = {a: (a, grid[a], _AXIS_ATTRS[a]) for a in AXES}
    _, tau_units, tau_desc = SIMULATION_COORDS["tau_s"]
    coords["tau_s"] = ("tau_s", taus, {"long_name": tau_desc, "units": tau_units})
    attrs = {
        "title": "hopspin sweep: spin function f(n_s, tau_s), Smirnov & Golub, PRL 118, 116801 (2017)",
        "conventions": "lengths in a_b, times in tau_0; unit spin-orbit model beta_xy = beta_yx = 1 divided out",
        "store_format_version": FORMAT_VERSION,
        "hopspin_version": version.get("hopspin_version", ""),
        "git_commit": version.get("git_commit", ""),
        "sites": int(params["sites"]),
        "hop_cutoff": float(params["hop_cutoff"]),
        "hop_cutoff_units": "l_c = 1.19847 / sqrt(n_s)",
        "tau_s_grid": json.dumps([t if math.isfinite(t) else "inf" for t in params["tau_s"]]),
        "failures": json.dumps(failures),
        "runs_done": int(done.sum()),
        "runs_total": int(done.size),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def records_from_dataset(ds) -> list[RunRecord]:
    """The finished runs stored in a dataset (the inverse of :func:`build_dataset`)."""
    failures = json.loads(ds.attrs.get("failures", "{}"))
    done = ds["done"].values
    out = []
    for cell in zip(*np.nonzero(done)):
        key = {a: (int if a == "seed" else float)(ds[a].values[i]) for a, i in zip(AXES, cell)}
        if ds["failed"].values[cell]:
            label = ",".join(repr(key[a]) for a in AXES)
            out.append(RunRecord(key, error=failures.get(label, "failed")))
            continue
        values = {}
        for q in SIMULATION_QUANTITIES:
            if q.name in ds:
                v = ds[q.name].values[cell]
                values[q.name] = v.tolist() if np.ndim(v) else (int(v) if q.dtype == "i8" else float(v))
        out.append(RunRecord(key, json_safe(values)))
    return out


def open_dataset(path: Path, fmt: str):
    """Load a stored dataset; :class:`hopspin.errors.StoreFormatError` if it is not a readable store."""
    import xarray as xr

    try:
        if fmt == "netcdf":
            ds = xr.load_dataset(path, engine="h5netcdf")
        else:
            ds = xr.open_zarr(path, consolidated=False).load()
    except Exception as exc:  # h5py/zarr raise many types for a file that is not theirs
        raise StoreFormatError(f"{path} is not a readable hopspin sweep store ({type(exc).__name__}: "
                               f"{str(exc).splitlines()[0] if str(exc) else 'unreadable'})", parameter="store") from None
    missing = [k for k in ("sites", "hop_cutoff", "tau_s_grid") if k not in ds.attrs] + \
        [v for v in ("done", "failed") if v not in ds]
    if missing:
        raise StoreFormatError(f"{path} is a dataset but not a hopspin sweep store (missing {', '.join(missing)})",
                               parameter="store")
    return ds


def params_from_attrs(attrs) -> dict:
    taus = json.loads(attrs["tau_s_grid"])
    return {"sites": int(attrs["sites"]), "hop_cutoff": float(attrs["hop_cutoff"]),
            "tau_s": [math.inf if t == "inf" else float(t) for t in taus]}


def params_equal(a: dict, b: dict) -> bool:
    ta, tb = np.asarray(a["tau_s"], dtype=float), np.asarray(b["tau_s"], dtype=float)
    return (int(a["sites"]) == int(b["sites"]) and float(a["hop_cutoff"]) == float(b["hop_cutoff"])
            and ta.shape == tb.shape and bool(np.array_equal(ta, tb)))


def describe(params: dict) -> str:
    taus = params["tau_s"]
    tau_text = (f"{len(taus)} values {taus[0]:g}..{taus[-1]:g}" if len(taus) > 1 else f"[{taus[0]:g}]")
    return f"sites={params['sites']}, hop_cutoff={params['hop_cutoff']:g}, tau_s={tau_text}"


def netcdf_encoding(ds) -> dict:
    """No fill value for float variables (NaN is stored as NaN and reads back as NaN)."""
    return {name: {"_FillValue": None} for name in list(ds.data_vars) + list(ds.coords)
            if ds[name].dtype.kind == "f"}


def zarr_encoding(ds) -> dict:
    """One chunk per (site_density, seed) cell, so that each run is a region write of its own."""
    enc = {}
    for name, var in ds.data_vars.items():
        chunks = tuple(1 if dim in AXES else size for dim, size in zip(var.dims, var.shape))
        enc[name] = {"chunks": chunks}
    return enc
