"""The field at the input boundary: grids, directions, the g-tensor and tesla → ω_L τ0.

* A **bare number** is the dimensionless Larmor frequency ω_L τ0 along the given direction (the direction is
  that of the Larmor vector Ω_L; no g-factor enters).
* A **magnetic field** (pint quantity, or text such as ``"2 mT"``) goes through the g-tensor of a quantum
  well, ``ĝ = diag(g_∥, g_∥, g_⊥)`` (x, y in the plane, z the growth axis):
  ``ω = Ω_L τ0 = (μ_B τ0/ħ) ĝ B`` — sign convention of ``theory/zeeman.py`` (H_Z = (μ_B/2) σ·ĝB, Ṡ = Ω_L × S;
  for g < 0, ω is antiparallel to B).  Default g = −0.44 isotropic (bulk GaAs; a well's g_∥, g_⊥ differ and
  depend on its width — give them), default τ0 = 10 ps (the paper's typical hopping time).
* Directions: ``"x"``, ``"y"``, ``"z"`` (optionally signed, ``"-z"``), ``(θ, φ)`` in degrees (polar angle from
  z, azimuth from x) or a 3-vector (normalised); text ``"THETA,PHI"`` or ``"X,Y,Z"``.
* Grids (command line): items ``VALUE`` or ``START:STOP:COUNT[:log]``, a unit attached to the numbers
  (``2mT``, ``0mT:10mT:41``); all items dimensionless or all magnetic.
"""
from __future__ import annotations

import math
import numbers
import re

import numpy as np
from scipy import constants as _C

from hopspin.errors import GridError, ParameterError, QuantityError

__all__ = ["MU_B", "HBAR", "DEFAULT_G", "DEFAULT_TAU0", "OMEGA_MAX", "field_direction", "g_tensor",
           "larmor_vectors", "parse_field_grid", "field_in_tesla"]

MU_B = _C.physical_constants["Bohr magneton"][0]      # J/T (scipy's CODATA, as numerics.estimates)
HBAR = _C.hbar                                        # J s
#: default g-factor (isotropic, bulk GaAs) and hopping time τ0 (the paper's typical 10 ps)
DEFAULT_G = -0.44
DEFAULT_TAU0 = 10e-12
#: largest |ω_L τ0| accepted (ω_L τ0 = 1 is ~26 T at |g| = 0.44, τ0 = 10 ps)
OMEGA_MAX = 1e6
_AXES = {"x": (1.0, 0.0, 0.0), "y": (0.0, 1.0, 0.0), "z": (0.0, 0.0, 1.0)}


def field_direction(spec) -> np.ndarray:
    """The unit vector of ``spec`` (module doc); :class:`hopspin.errors.ParameterError` naming it otherwise."""
    bad = ParameterError(f"field_direction must be 'x', 'y', 'z' (optionally '-x' ...), (theta, phi) in degrees or a "
                         f"non-zero 3-vector, got {spec!r}", parameter="field_direction")
    if isinstance(spec, str):
        text = spec.strip().lower()
        sign = -1.0 if text.startswith("-") else 1.0
        if text.lstrip("+-") in _AXES:
            return sign * np.array(_AXES[text.lstrip("+-")])
        try:
            spec = [float(v) for v in text.replace(" ", "").split(",")]
        except ValueError:
            raise bad from None
    try:
        vals = np.asarray(spec, dtype=float).ravel()
    except (TypeError, ValueError):
        raise bad from None
    if not np.all(np.isfinite(vals)):
        raise bad
    if vals.size == 2:
        th, ph = np.radians(vals)
        return np.array([math.sin(th) * math.cos(ph), math.sin(th) * math.sin(ph), math.cos(th)])
    if vals.size == 3 and np.linalg.norm(vals) > 0:
        return vals / np.linalg.norm(vals)
    raise bad


def g_tensor(g_factor=None) -> np.ndarray:
    """ĝ = diag(g_∥, g_∥, g_⊥) from one value (isotropic) or two (g_∥, g_⊥); default :data:`DEFAULT_G`."""
    if g_factor is None:
        g_factor = DEFAULT_G
    vals = [g_factor] if isinstance(g_factor, numbers.Real) else list(g_factor)
    ok = len(vals) in (1, 2) and all(isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v)
                                     and 0 < abs(v) <= 100 for v in vals)
    if not ok:
        raise ParameterError(f"g_factor must be one number (isotropic) or two (g_par, g_perp), each finite, "
                             f"non-zero and within +-100, got {g_factor!r}", parameter="g_factor")
    g_par, g_perp = (float(vals[0]), float(vals[-1]))
    return np.diag([g_par, g_par, g_perp])


def field_in_tesla(value) -> float | None:
    """A magnetic field (pint quantity or text with a unit) in tesla; None for a bare number."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return None
    if hasattr(value, "dimensionality") and hasattr(value, "magnitude"):
        value = f"{value:~}" if hasattr(value, "units") else str(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            float(text)
            return None
        except ValueError:
            pass
        from ..estimates.units import parse_quantity
        try:
            return parse_quantity(text, "magnetic_field", "field")
        except QuantityError as exc:
            raise QuantityError(f"{exc} (a magnetic field such as '2 mT', or a bare number: omega_L tau_0)",
                                parameter="field") from None
    raise ParameterError(f"field values must be numbers (omega_L tau_0) or magnetic fields ('2 mT'), got {value!r}",
                         parameter="field")


def larmor_vectors(field, direction, g_factor=None, tau0=None) -> tuple[np.ndarray, np.ndarray, str]:
    """(values (F,), ω (F, 3), unit) for field values along ``direction`` (module doc).

    unit is ``"1"`` (ω_L τ0 given) or ``"T"``; ``g_factor``/``tau0`` (s) apply to magnetic fields only.
    """
    items = list(field) if isinstance(field, (list, tuple, np.ndarray)) else [field]
    if hasattr(field, "magnitude") and np.ndim(getattr(field, "magnitude")) == 1:
        items = [field[i] for i in range(len(field.magnitude))]
    if not items:
        raise ParameterError("field must hold at least one value", parameter="field")
    tesla = [field_in_tesla(v) for v in items]
    n_hat = field_direction(direction)
    if all(t is None for t in tesla):
        if g_factor is not None or tau0 is not None:
            raise ParameterError("g_factor and tau0 apply only to a magnetic field with a unit (e.g. '2 mT'); bare "
                                 "field values are omega_L tau_0 already", parameter="g_factor")
        values = np.array([float(v) for v in items])
        omega, unit = np.outer(values, n_hat), "1"
    elif all(t is not None for t in tesla):
        tau = DEFAULT_TAU0 if tau0 is None else float(tau0)
        if not (math.isfinite(tau) and 1e-18 < tau < 1.0):
            raise ParameterError(f"tau0 must be a time in (1e-18, 1) s, got {tau0!r}", parameter="tau0")
        values = np.array(tesla)
        omega = (MU_B * tau / HBAR) * np.outer(values, g_tensor(g_factor) @ n_hat)
        unit = "T"
    else:
        raise ParameterError("field values must be all bare numbers (omega_L tau_0) or all magnetic fields",
                             parameter="field")
    if not np.all(np.isfinite(values)) or np.max(np.linalg.norm(omega, axis=1)) > OMEGA_MAX:
        raise ParameterError(f"field: every |omega_L tau_0| must be finite and at most {OMEGA_MAX:g}, got "
                             f"{float(np.max(np.linalg.norm(omega, axis=1))):.3g}", parameter="field")
    return values, omega, unit


_RANGE = re.compile(r"^(?P<a>[^:]+):(?P<b>[^:]+):(?P<n>[^:]+)(?::(?P<mode>log|lin))?$", re.IGNORECASE)
_NUM_UNIT = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-zµμ][A-Za-z0-9µμ*/^]*)?\s*$")


def _split_unit(text: str) -> tuple[float, str | None]:
    m = _NUM_UNIT.match(text)
    if not m:
        raise GridError(f"--field item {text!r} is not a number (optionally with a unit such as mT)", parameter="field")
    return float(m.group(1)), m.group(2)


def parse_field_grid(items) -> list:
    """Command-line field grid → list of values (floats, or texts with units such as ``"2 mT"``), in order."""
    out: list = []
    for item in (items if isinstance(items, (list, tuple)) else [items]):
        for part in str(item).replace(",", " ").split():
            m = _RANGE.match(part)
            if not m:
                v, unit = _split_unit(part)
                out.append(v if unit is None else f"{v!r} {unit}")
                continue
            (a, ua), (b, ub) = _split_unit(m.group("a")), _split_unit(m.group("b"))
            unit = ua or ub
            if (ua or unit) != (ub or unit):
                raise GridError(f"--field range {part!r}: START and STOP have different units", parameter="field")
            try:
                count = int(m.group("n"))
            except ValueError:
                raise GridError(f"--field range {part!r}: COUNT {m.group('n')!r} is not an integer",
                                parameter="field") from None
            if not 1 <= count <= 10_000:
                raise GridError(f"--field range {part!r}: COUNT must lie in [1, 10000]", parameter="field")
            if (m.group("mode") or "lin").lower() == "log":
                if not (a > 0 and b > 0):
                    raise GridError(f"--field range {part!r}: a log range needs 0 < START, STOP", parameter="field")
                vals = np.geomspace(a, b, count)
            else:
                vals = np.linspace(a, b, count)
            out += [float(v) if unit is None else f"{float(v)!r} {unit}" for v in vals]
    if not out:
        raise GridError("--field needs at least one value", parameter="field")
    return out
