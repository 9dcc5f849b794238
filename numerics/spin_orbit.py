"""Numeric spin-orbit matrices β for the simulation (no SymPy), and the vectors built from them.

β is 3×2: rows spin x, y, z; columns k_x, k_y; entries in units ħ²/(m a_b), i.e. the
dimensionless ``m β a_b/ħ²`` (the spin-rotation angle per a_b of hop).  The named models
mirror ``theory.models``.  The cross product of β's columns, ``c = (βê_x) × (βê_y)``, replaces
``−(Tr β²/2) ẑ`` of the [001] form for a general β (README, "General spin-orbit matrix β");
:func:`column_cross` is its one implementation in the numerical layer.
"""

from __future__ import annotations

import ast
import math

import numpy as np

from hopspin.errors import BetaParseError

__all__ = ["UNIT_BETA_001", "rashba_dresselhaus", "grown_110", "parse_beta_numeric", "as_beta", "column_cross",
           "separation_axis", "z_cross", "cisp_structure", "NAMED_MODELS"]

#: the unit [001] model β_xy = β_yx = 1 (Tr β² = 2) in which f is defined (Eq. 13)
UNIT_BETA_001 = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 0.0]])
UNIT_BETA_001.setflags(write=False)


def rashba_dresselhaus(alpha: float, beta_d: float) -> np.ndarray:
    """[001] well: ``β_xy = β_D + α``, ``β_yx = β_D − α`` (Eq. 2)."""
    return np.array([[0.0, beta_d + alpha], [beta_d - alpha, 0.0], [0.0, 0.0]])


def grown_110(beta_zx: float, alpha: float = 0.0) -> np.ndarray:
    """[110] well: ``β_zx σ_z k_x`` plus Rashba α (x ∥ [1-10], y ∥ [001], z ∥ [110])."""
    return np.array([[0.0, alpha], [-alpha, 0.0], [beta_zx, 0.0]])


NAMED_MODELS = {
    "rashba": (lambda a: rashba_dresselhaus(a, 0.0), "rashba:ALPHA"),
    "dresselhaus": (lambda b: rashba_dresselhaus(0.0, b), "dresselhaus:BETA_D"),
    "rd": (rashba_dresselhaus, "rd:ALPHA,BETA_D (Rashba + Dresselhaus, [001])"),
    "110": (grown_110, "110:BETA_ZX[,ALPHA] ([110]-grown well)"),
}

#: largest |β| entry accepted, in ħ²/(m a_b): the spin rotation per a_b of hop; beyond ~1 the
#: perturbative (third-order) kinetic coefficients of the simulation lose their meaning
BETA_MAX = 1e3


def as_beta(beta) -> np.ndarray:
    """β as a finite (3, 2) float array (a 2×2 gets a zero z row); ``None`` gives the unit [001] model.

    Raises :class:`hopspin.errors.BetaParseError` naming the problem.
    """
    if beta is None:
        return UNIT_BETA_001.copy()
    if isinstance(beta, str):
        return parse_beta_numeric(beta)
    try:
        arr = np.array(beta, dtype=float)
    except (TypeError, ValueError):
        raise BetaParseError(f"beta must be a 2x2 or 3x2 matrix of numbers, got {beta!r}", parameter="beta") from None
    if arr.shape == (2, 2):
        arr = np.vstack([arr, np.zeros((1, 2))])
    if arr.shape != (3, 2):
        raise BetaParseError(f"beta must be a 2x2 or 3x2 matrix (rows spin x, y[, z]; columns k_x, k_y), "
                             f"got shape {arr.shape}", parameter="beta")
    if not np.all(np.isfinite(arr)):
        raise BetaParseError(f"beta entries must be finite numbers, got {arr.tolist()}", parameter="beta")
    if np.max(np.abs(arr)) > BETA_MAX:
        raise BetaParseError(f"beta entries must lie within ±{BETA_MAX:g} hbar^2/(m a_b) (the spin rotation per "
                             f"a_b of hop), got {arr.tolist()}", parameter="beta")
    return arr


def parse_beta_numeric(text: str) -> np.ndarray:
    """β from ``"[[bxx, bxy], [byx, byy][, [bzx, bzy]]]"`` or a named model ``"rd:0.3,1"``.

    Raises :class:`hopspin.errors.BetaParseError` with a one-line message on bad input.
    """
    text = text.strip()
    head, _, args = text.partition(":")
    if head.lower() in NAMED_MODELS and args:
        fn, usage = NAMED_MODELS[head.lower()]
        try:
            values = [float(v) for v in args.split(",")]
            if not all(math.isfinite(v) for v in values):
                raise ValueError
            arr = as_beta(fn(*values))
        except (TypeError, ValueError):
            raise BetaParseError(f"--beta {text!r}: expected {usage} with finite numbers", parameter="beta") from None
        return arr
    try:
        rows = ast.literal_eval(text)
        arr = np.asarray(rows, dtype=float)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        names = ", ".join(u for _, u in NAMED_MODELS.values())
        raise BetaParseError(f"--beta {text!r} is neither a numeric 2x2/3x2 matrix nor a named model ({names})",
                             parameter="beta") from None
    try:
        return as_beta(arr)
    except BetaParseError as exc:
        raise BetaParseError(f"--beta {text!r}: {exc}", parameter="beta") from None


def column_cross(beta) -> np.ndarray:
    """``c = (βê_x) × (βê_y)``, the cross product of β's columns (a 3-vector)."""
    beta = np.asarray(beta, dtype=float).reshape(3, 2)
    return np.cross(beta[:, 0], beta[:, 1])


def separation_axis(beta) -> np.ndarray | None:
    """``ĉ = c/|c|``, the direction of the separated spin; ``None`` when c = 0 (all d_ij parallel: no effect)."""
    c = column_cross(beta)
    norm = np.linalg.norm(c)
    return None if norm == 0 else c / norm


def z_cross(v) -> np.ndarray:
    """``ẑ × v`` for 3-vectors (last axis): ``(−v_y, v_x, 0)``."""
    v = np.asarray(v, dtype=float)
    out = np.zeros_like(v)
    out[..., 0] = -v[..., 1]
    out[..., 1] = v[..., 0]
    return out


def cisp_structure(beta) -> np.ndarray:
    """``−2 [c]_× β R₉₀`` (3×2): the β dependence of the CISP tensor of an isotropic sample, for any
    linear β (``c = (βê_x) × (βê_y)``, ``R₉₀ = [[0, −1], [1, 0]]``); equals ``Tr(β²) βᵀ`` (with a zero
    z row) for the [001] form, Eq. (13).  Derived in ``derivations/d08_general_beta_response.py``; the
    tensor of a sample is this times f (:func:`numerics.tensor.predicted_tensor`)."""
    beta = np.asarray(beta, dtype=float).reshape(3, 2)
    c = column_cross(beta)
    cols = beta @ np.array([[0.0, -1.0], [1.0, 0.0]])
    return -2.0 * np.column_stack([np.cross(c, cols[:, 0]), np.cross(c, cols[:, 1])])
