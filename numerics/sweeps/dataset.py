"""The sweep store's dataset: the one result schema stacked along the sweep axes.

Layout (dimensions: the sweep axes — ``site_density`` × ``seed`` by default, any of :data:`SWEEPABLE`
in that order, ``seed`` last — then each quantity's own dimensions):

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

__all__ = ["AXES", "SWEEPABLE", "axis_type", "order_axes", "build_dataset", "records_from_dataset", "store_format",
           "open_dataset", "params_from_attrs", "axes_from_attrs", "params_equal", "describe", "netcdf_encoding",
           "zarr_encoding"]

#: the default sweep axes of a store, in order (the record key)
AXES = ("site_density", "seed")
#: the configuration fields a store may sweep, in the order of its dimensions (seed always last)
SWEEPABLE = ("site_density", "hop_cutoff", "sites", "energy_disorder", "seed")
_AXIS_ATTRS = {"site_density": {"long_name": "n_s a_b^2", "units": "1"},
               "hop_cutoff": {"long_name": "bond cut-off", "units": "l_c = 1.19847/sqrt(n_s)"},
               "sites": {"long_name": "sites N of the sample", "units": "1"},
               "energy_disorder": {"long_name": "energy disorder W/k_BT", "units": "1"},
               "seed": {"long_name": "seed of numpy.random.default_rng"}}


def axis_type(axis: str):
    """The Python type of an axis value (int for seed and sites, float otherwise)."""
    return int if axis in ("seed", "sites") else float


def order_axes(names) -> tuple:
    """``names`` in the canonical order of :data:`SWEEPABLE` (unknown names refused)."""
    from hopspin.errors import ParameterError

    unknown = sorted(set(names) - set(SWEEPABLE))
    if unknown:
        raise ParameterError(f"cannot sweep {', '.join(unknown)}; sweepable: {', '.join(SWEEPABLE)}", parameter=unknown[0])
    return tuple(a for a in SWEEPABLE if a in names)


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
    """The dataset of ``records`` ({key tuple: RunRecord}) on the grid ``axes`` ({axis: values}, in order);
    ``params`` are the parameters every run shares (``tau_s`` among them)."""
    import xarray as xr

    names = tuple(axes)
    grid = {a: np.asarray(axes[a], dtype=np.int64 if axis_type(a) is int else float) for a in names}
    shape = tuple(len(grid[a]) for a in names)
    taus = np.asarray(params["tau_s"], dtype=float)
    dim_sizes = {"tau_s": len(taus)}
    data = {q.name: np.full(shape + tuple(dim_sizes[d] for d in q.dims), _fill(q),
                            dtype=np.int64 if q.dtype == "i8" else float) for q in SIMULATION_QUANTITIES}
    done = np.zeros(shape, dtype=np.int8)
    failed = np.zeros(shape, dtype=np.int8)
    index = {a: {v: i for i, v in enumerate(grid[a].tolist())} for a in names}
    failures = {}
    for key, rec in records.items():
        try:
            cell = tuple(index[a][v] for a, v in zip(names, key))
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
    data_vars = {q.name: (names + q.dims, data[q.name], {"units": q.units, "long_name": q.description})
                 for q in SIMULATION_QUANTITIES}
    data_vars["done"] = (names, done, {"long_name": "1 when the run finished (see failed), 0 while pending"})
    data_vars["failed"] = (names, failed, {"long_name": "1 when the run finished with an error (see attribute failures)"})
    coords = {a: (a, grid[a], _AXIS_ATTRS[a]) for a in names}
    _, tau_units, tau_desc = SIMULATION_COORDS["tau_s"]
    coords["tau_s"] = ("tau_s", taus, {"long_name": tau_desc, "units": tau_units})
    fixed = {k: v for k, v in params.items() if k != "tau_s"}
    attrs = {
        "title": "hopspin sweep: spin function f(n_s, tau_s), Smirnov & Golub, PRL 118, 116801 (2017)",
        "conventions": "lengths in a_b, times in tau_0; unit spin-orbit model beta_xy = beta_yx = 1 divided out",
        "store_format_version": FORMAT_VERSION,
        "hopspin_version": version.get("hopspin_version", ""),
        "git_commit": version.get("git_commit", ""),
        **{k: v for k, v in fixed.items() if isinstance(v, (int, float, str))},
        "hop_cutoff_units": "l_c = 1.19847 / sqrt(n_s)",
        "tau_s_grid": json.dumps([t if math.isfinite(t) else "inf" for t in params["tau_s"]]),
        "axes": json.dumps(list(names)),
        "parameters": json.dumps(json_safe(params)),
        "failures": json.dumps(failures),
        "runs_done": int(done.sum()),
        "runs_total": int(done.size),
    }
    return xr.Dataset(data_vars, coords=coords, attrs=attrs)


def axes_from_attrs(attrs) -> tuple:
    return tuple(json.loads(attrs["axes"])) if "axes" in attrs else AXES


def records_from_dataset(ds) -> list[RunRecord]:
    """The finished runs stored in a dataset (the inverse of :func:`build_dataset`)."""
    names = axes_from_attrs(ds.attrs)
    failures = json.loads(ds.attrs.get("failures", "{}"))
    done = ds["done"].values
    out = []
    for cell in zip(*np.nonzero(done)):
        key = {a: axis_type(a)(ds[a].values[i]) for a, i in zip(names, cell)}
        if ds["failed"].values[cell]:
            label = ",".join(repr(key[a]) for a in names)
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
    missing = [k for k in ("tau_s_grid",) if k not in ds.attrs] + \
        [v for v in ("done", "failed") if v not in ds]
    if missing:
        raise StoreFormatError(f"{path} is a dataset but not a hopspin sweep store (missing {', '.join(missing)})",
                               parameter="store")
    return ds


def params_from_attrs(attrs) -> dict:
    if "parameters" in attrs:
        params = json.loads(attrs["parameters"])
        params["tau_s"] = [math.inf if t == "inf" else float(t) for t in params["tau_s"]]
        return params
    taus = json.loads(attrs["tau_s_grid"])   # format 1/2 stores: sites × hop_cutoff fixed
    return {"sites": int(attrs["sites"]), "hop_cutoff": float(attrs["hop_cutoff"]),
            "tau_s": [math.inf if t == "inf" else float(t) for t in taus]}


def params_equal(a: dict, b: dict) -> bool:
    if set(a) != set(b):
        return False
    ta, tb = np.asarray(a["tau_s"], dtype=float), np.asarray(b["tau_s"], dtype=float)
    return ta.shape == tb.shape and bool(np.array_equal(ta, tb)) and all(
        a[k] == b[k] for k in a if k != "tau_s")


def describe(params: dict) -> str:
    taus = params["tau_s"]
    tau_text = (f"{len(taus)} values {taus[0]:g}..{taus[-1]:g}" if len(taus) > 1 else f"[{taus[0]:g}]")
    fixed = ", ".join(f"{k}={v:g}" if isinstance(v, (int, float)) else f"{k}={v}"
                      for k, v in params.items() if k != "tau_s")
    return f"{fixed + ', ' if fixed else ''}tau_s={tau_text}"


def netcdf_encoding(ds) -> dict:
    """No fill value for float variables (NaN is stored as NaN and reads back as NaN)."""
    return {name: {"_FillValue": None} for name in list(ds.data_vars) + list(ds.coords)
            if ds[name].dtype.kind == "f"}


def zarr_encoding(ds) -> dict:
    """One chunk per (site_density, seed) cell, so that each run is a region write of its own."""
    enc = {}
    for name, var in ds.data_vars.items():
        chunks = tuple(1 if dim in SWEEPABLE else size for dim, size in zip(var.dims, var.shape))
        enc[name] = {"chunks": chunks}
    return enc
