"""Grids of a parameter sweep: numbers and ranges ``START:STOP:COUNT[:log]``, and seed lists."""
from __future__ import annotations

import math

import numpy as np

from hopspin.errors import GridError

__all__ = ["parse_grid", "parse_seeds", "GridError", "MAX_GRID", "MAX_SEEDS"]

_SIG_DIGITS = 12  # grid values are rounded to 12 significant digits so that spellings compare equal
#: largest number of values of one grid axis, and of seeds
MAX_GRID = 100_000
MAX_SEEDS = 100_000


def _round(x: float) -> float:
    return float(f"{x:.{_SIG_DIGITS}g}")


def _parse_number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise GridError(f"{text!r} is not a number") from None
    if math.isnan(value):
        raise GridError(f"{text!r} is not a number")
    return value


def parse_grid(spec) -> np.ndarray:
    """Parse a grid into a sorted array of unique floats.

    Parameters
    ----------
    spec : str, number or sequence of those
        Items separated by whitespace or commas (or given as a list).  An item is a number or a
        range ``START:STOP:COUNT[:log]`` — COUNT points from START to STOP inclusive, evenly spaced,
        or geometrically spaced with ``:log`` (then 0 < START, STOP).  Plain values and ranges mix
        freely, e.g. ``"0 1e2:1e14:25:log inf"``.

    Returns
    -------
    numpy.ndarray
        Sorted unique values, each rounded to 12 significant digits.

    Raises
    ------
    GridError
        With a message naming the bad item.
    """
    if isinstance(spec, (int, float, np.integer, np.floating)):
        items = [str(float(spec))]
    elif isinstance(spec, str):
        items = spec.replace(",", " ").split()
    else:
        items = []
        for part in spec:
            if isinstance(part, str):
                items.extend(part.replace(",", " ").split())
            else:
                items.append(repr(float(part)))
    values: list[float] = []
    for item in items:
        if ":" not in item:
            values.append(_parse_number(item))
            continue
        parts = item.split(":")
        if len(parts) not in (3, 4) or (len(parts) == 4 and parts[3].lower() not in ("log", "lin")):
            raise GridError(f"range {item!r} must be START:STOP:COUNT or START:STOP:COUNT:log")
        start, stop = _parse_number(parts[0]), _parse_number(parts[1])
        try:
            count = int(parts[2])
        except ValueError:
            raise GridError(f"range {item!r}: COUNT {parts[2]!r} is not an integer") from None
        if count < 1:
            raise GridError(f"range {item!r}: COUNT must be >= 1")
        if count > MAX_GRID:
            raise GridError(f"range {item!r}: COUNT must be <= {MAX_GRID}")
        if not (math.isfinite(start) and math.isfinite(stop)):
            raise GridError(f"range {item!r}: START and STOP must be finite")
        if count == 1 and start != stop:
            raise GridError(f"range {item!r}: COUNT 1 needs START == STOP")
        if len(parts) == 4 and parts[3].lower() == "log":
            if start <= 0 or stop <= 0:
                raise GridError(f"range {item!r}: a log range needs START > 0 and STOP > 0")
            values.extend(np.geomspace(start, stop, count).tolist())
        else:
            values.extend(np.linspace(start, stop, count).tolist())
    if not values:
        raise GridError("empty grid")
    if len(values) > MAX_GRID:
        raise GridError(f"a grid holds at most {MAX_GRID} values, got {len(values)}")
    return np.array(sorted({_round(v) if math.isfinite(v) else v for v in values}), dtype=float)


def parse_seeds(spec) -> np.ndarray:
    """Seeds of a sweep: ``K`` (an integer, or one string of digits) means seeds 0..K−1; several values,
    a range ``START:STOP:COUNT`` or a list give explicit seeds (non-negative integers).

    A single non-integer spelling such as ``"3.0"`` is refused rather than guessed (count 3, or seed 3?).
    """
    if isinstance(spec, (bool, np.bool_)):
        raise GridError(f"seeds must be a count or non-negative integers, got {spec!r}", parameter="seeds")
    if isinstance(spec, (int, np.integer)):
        if spec < 1:
            raise GridError(f"the number of seeds must be >= 1, got {spec}", parameter="seeds")
        if spec > MAX_SEEDS:
            raise GridError(f"the number of seeds must be <= {MAX_SEEDS}, got {spec}", parameter="seeds")
        return np.arange(int(spec), dtype=np.int64)
    items = spec.replace(",", " ").split() if isinstance(spec, str) else list(spec)
    if len(items) == 1 and isinstance(items[0], str):
        one = items[0].strip()
        if one.isdigit():
            return parse_seeds(int(one))
        if ":" not in one:
            raise GridError(f"seeds {one!r}: give a count as an integer (3 means seeds 0, 1, 2) or two or more "
                            "explicit seeds", parameter="seeds")
    values = parse_grid(items)
    if values.size == 0 or np.any(~np.isfinite(values)) or np.any(values != np.round(values)) or np.any(values < 0):
        raise GridError(f"seeds must be non-negative integers, got {spec!r}", parameter="seeds")
    if values.size > MAX_SEEDS:
        raise GridError(f"at most {MAX_SEEDS} seeds, got {values.size}", parameter="seeds")
    return np.unique(values.astype(np.int64))
