"""One result schema: the labelled dataset, the JSON record and the sweep store all come from it.

A result class lists its quantities once, as :class:`Quantity` objects (name, dimensions, units,
description); :class:`ResultSchema` turns an instance into

* :meth:`to_xarray` — an ``xarray.Dataset`` with the quantities as variables (each with ``units`` and
  ``description`` attributes), the dimensions as coordinates, and the parameters and code version as
  dataset attributes;
* :meth:`to_record` — the JSON record printed by ``--json`` and journalled by the sweep store: the
  parameters, the coordinates and the quantities by name, plus ``"units"``; always valid JSON
  (an infinite value is written as the string ``"inf"``/``"-inf"``, a missing one as ``null``).

The sweep store (:mod:`numerics.sweeps.store`) stacks the same variables along its sweep dimensions,
so no list of result fields is written anywhere else.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._version import code_version

__all__ = ["Quantity", "ResultSchema", "json_safe", "from_json_value", "SIMULATION_QUANTITIES", "SIMULATION_COORDS"]


@dataclass(frozen=True)
class Quantity:
    """One quantity of a result: ``dims`` () for a scalar; ``units`` "1" for dimensionless; ``attr``
    the result's attribute holding it when that is not ``name``."""

    name: str
    dims: tuple
    units: str
    description: str
    dtype: str = "f8"
    attr: str | None = None


def json_safe(value):
    """``value`` as strict-JSON data: numpy → Python, ±inf → ``"inf"``/``"-inf"``, NaN → ``None``."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isnan(v):
            return None
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v
    return value


def from_json_value(value):
    """Inverse of :func:`json_safe` for numbers: ``"inf"`` → inf, ``None`` → NaN (recursively)."""
    if isinstance(value, list):
        return [from_json_value(v) for v in value]
    if value is None:
        return math.nan
    if value in ("inf", "-inf"):
        return math.inf if value == "inf" else -math.inf
    return value


class ResultSchema:
    """Mixin for result dataclasses: set ``QUANTITIES`` and ``COORDS``, implement ``parameters()``.

    ``COORDS`` maps a dimension to ``(attribute or None, units, description)``: the coordinate values
    are read from that attribute (``None`` with fixed ``LABELS[dim]``, e.g. the spin axes).
    """

    QUANTITIES: tuple = ()
    COORDS: dict = {}
    LABELS: dict = {}

    def parameters(self) -> dict:  # pragma: no cover - every result overrides it
        raise NotImplementedError

    # ------------------------------------------------------------------ helpers
    def _coord_values(self, dim):
        attr, _, _ = self.COORDS[dim]
        return np.asarray(getattr(self, attr) if attr else self.LABELS[dim])

    def _value(self, q: Quantity):
        v = getattr(self, q.attr or q.name)
        if v is None:
            shape = tuple(len(self._coord_values(d)) for d in q.dims)
            return np.full(shape, np.nan) if shape else math.nan
        return v

    def attrs(self) -> dict:
        """Parameters and code version (dataset attributes / record header)."""
        return {**self.parameters(), **code_version()}

    # ------------------------------------------------------------------ outputs
    def to_xarray(self):
        """The result as a labelled ``xarray.Dataset`` (see the module docstring)."""
        import xarray as xr

        dims = {d for q in self.QUANTITIES for d in q.dims}
        coords = {}
        for d in sorted(dims):
            _, units, desc = self.COORDS[d]
            coords[d] = xr.Variable(d, self._coord_values(d), attrs={"units": units, "description": desc})
        data = {}
        for q in self.QUANTITIES:
            arr = np.asarray(self._value(q), dtype=np.float64 if q.dtype == "f8" else q.dtype)
            data[q.name] = xr.Variable(q.dims, arr, attrs={"units": q.units, "description": q.description})
        attrs = {k: _netcdf_attr(v) for k, v in self.attrs().items()}
        return xr.Dataset(data, coords=coords, attrs=attrs)

    def to_record(self) -> dict:
        """The strict-JSON record (``--json``, the sweep journal): parameters, coordinates, quantities."""
        rec = dict(self.attrs())
        for d in sorted({d for q in self.QUANTITIES for d in q.dims}):
            if self.COORDS[d][0] is not None:
                rec[d] = self._coord_values(d)
        for q in self.QUANTITIES:
            rec[q.name] = self._value(q)
        rec["units"] = {**{d: self.COORDS[d][1] for d in rec if d in self.COORDS},
                        **{q.name: q.units for q in self.QUANTITIES}}
        return json_safe(rec)


def _netcdf_attr(value):
    """Attributes netCDF can store: numbers, strings, flat numeric lists; anything else as text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float, str)):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                for v in value):
        return np.asarray(value, dtype=float)
    import json

    return json.dumps(json_safe(value))


#: the quantities of one simulated sample (numerics.simulate.SimulationResult) — also the variables of
#: the sweep store, stacked along its sweep axes
SIMULATION_QUANTITIES = (
    Quantity("f", ("tau_s",), "1", "spin function f = f_dr + f_diff of Eq. (13)"),
    Quantity("f_diff", ("tau_s",), "1", "diffusion part of f, (S45)"),
    Quantity("f_dr", (), "1", "drift part of f, (S42); independent of tau_s"),
    Quantity("border_current", (), "1", "particle current through one border for a unit potential "
             "difference, conductances g = exp(-2R/a_b) (units of the bond conductance prefactor; 0 where it "
             "lies below float64's range, see log_border_current)"),
    Quantity("log_border_current", (), "1", "natural logarithm of border_current (finite at any size)"),
    Quantity("critical_bond_length", (), "a_b", "the sample's percolation threshold: the longest bond the strongest "
             "path between the electrodes needs (union-find over the bonds in increasing length; with site "
             "energies, that of the equal-energy problem on the same positions)"),
    Quantity("critical_parameter", (), "1", "the sample's critical bond parameter xi_c: union-find over "
             "xi_ij = 2R_ij/a_b + max(eps_i, eps_j)/k_BT (= 2 critical_bond_length with equal energies)"),
    Quantity("cluster_sites", (), "1", "sites in the spanning cluster", "i8"),
    Quantity("bonds", (), "1", "bonds in the spanning cluster", "i8"),
    Quantity("triangles", (), "1", "triangles (each three triads) summed in (S42), (S44)", "i8"),
    Quantity("max_conservation_error", (), "1", "largest node-current imbalance / I_total (Kirchhoff)"),
    Quantity("max_balance_error", (), "1", "largest backward (multifrontal) or balance (backprop) error "
             "of the (S43) solves"),
    Quantity("kkm_error", (), "1", "relative violation of the KKM relation (10)"),
    Quantity("eq12_error", (), "1", "relative violation of Eq. (12) (NaN/null with the multifrontal engine, "
             "which takes the total from Eq. (12))"),
    Quantity("seconds", (), "s", "wall time of the run"),
)
SIMULATION_COORDS = {"tau_s": ("tau_s", "tau_0", "spin relaxation time")}
