"""The append-only journal of a sweep store: the source of truth for what has finished.

``PATH.journal.jsonl`` holds one header line with the sweep's parameters, then one JSON line per
finished run, written with ``flush`` + ``fsync`` before the run counts as recorded.  Floats are written
with ``repr`` and so round-trip bit for bit; a line cut short by a crash does not parse and is ignored
(that run is simply computed again).  A run line carries the run's key on the sweep axes and its
result record in the one result schema (:mod:`numerics.results`), or the error of a deterministic
failure.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from ..results import json_safe

__all__ = ["RunRecord", "read_journal", "journal_path", "FORMAT_VERSION"]

#: 2: run lines hold the schema record (``values``); 1 (read only): f_dr / f_diff / f / diagnostics
FORMAT_VERSION = 2


def journal_path(path) -> Path:
    return Path(str(path).rstrip("/") + ".journal.jsonl")


@dataclass
class RunRecord:
    """One finished run: its key on the sweep axes, its result values by quantity name (in their strict-JSON
    form, :func:`numerics.results.json_safe`), or its error."""

    key: dict
    values: dict = field(default_factory=dict)
    error: str | None = None

    @property
    def site_density(self) -> float:
        return float(self.key["site_density"])

    @property
    def seed(self) -> int:
        return int(self.key["seed"])

    def key_tuple(self, axes) -> tuple:
        return tuple(_axis_value(a, self.key[a]) for a in axes)

    def to_json(self) -> str:
        return json.dumps({"type": "run", "key": self.key, "values": self.values, "error": self.error},
                          allow_nan=False)

    @classmethod
    def from_dict(cls, d: dict) -> RunRecord:
        if "key" in d:  # format 2
            return cls(key={k: _axis_value(k, v) for k, v in d["key"].items()},
                       values=dict(d.get("values") or {}),
                       error=d.get("error"))
        # format 1: {"site_density", "seed", "f_dr", "f_diff", "f", "diagnostics", "error"}
        values = {} if d.get("error") else json_safe({"f_dr": float(d["f_dr"]), "f_diff": [float(v) for v in d["f_diff"]],
                                                       "f": [float(v) for v in d["f"]], **(d.get("diagnostics") or {})})
        return cls(key={"site_density": float(d["site_density"]), "seed": int(d["seed"])}, values=values,
                   error=d.get("error"))


def _axis_value(axis: str, value):
    return int(value) if axis in ("seed", "sites") else float(value)


def read_journal(path) -> tuple[dict | None, list[RunRecord]]:
    """Header and finished runs of a journal; lines cut short by a crash are skipped."""
    path = Path(path)
    if not path.exists():
        return None, []
    header, runs = None, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            try:
                obj = json.loads(line, parse_constant=lambda c: math.nan)
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
