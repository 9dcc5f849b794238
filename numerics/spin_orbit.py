"""Numeric spin-orbit matrices β for the simulation (no SymPy).

β is 3×2: rows spin x, y, z; columns k_x, k_y; entries in units ħ²/(m a_b), i.e. the
dimensionless ``m β a_b/ħ²`` (the spin-rotation angle per a_b of hop).  The named models
mirror ``theory.models``.
"""

from __future__ import annotations

import ast

import numpy as np

__all__ = ["rashba_dresselhaus", "grown_110", "parse_beta_numeric", "NAMED_MODELS"]


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


def parse_beta_numeric(text: str) -> np.ndarray:
    """β from ``"[[bxx, bxy], [byx, byy][, [bzx, bzy]]]"`` or a named model ``"rd:0.3,1"``.

    Raises ``ValueError`` with a one-line message on bad input.
    """
    text = text.strip()
    head, _, args = text.partition(":")
    if head.lower() in NAMED_MODELS and args:
        fn, usage = NAMED_MODELS[head.lower()]
        try:
            values = [float(v) for v in args.split(",")]
            return np.asarray(fn(*values), dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"--beta {text!r}: expected {usage}") from None
    try:
        rows = ast.literal_eval(text)
        arr = np.asarray(rows, dtype=float)
    except (ValueError, SyntaxError, TypeError):
        names = ", ".join(u for _, u in NAMED_MODELS.values())
        raise ValueError(f"--beta {text!r} is neither a numeric 2x2/3x2 matrix nor a named model ({names})") from None
    if arr.shape == (2, 2):
        arr = np.vstack([arr, np.zeros((1, 2))])
    if arr.shape != (3, 2) or not np.all(np.isfinite(arr)):
        raise ValueError(f"--beta must be a finite 2x2 or 3x2 matrix (rows spin x, y[, z]; columns k_x, k_y), got shape {arr.shape}")
    return arr
