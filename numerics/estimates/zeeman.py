"""Zeeman-field estimates in SI units: Larmor frequency, Hanle half-width, the dropped equilibrium-drift term.

Conventions of ``theory/zeeman.py`` (derived in ``derivations/d10_zeeman.py``): ``Ω_L = μ_B ĝ B/ħ`` with
ĝ = diag(g_∥, g_∥, g_⊥); the total spin obeys ``(1/τ_s − Ω_L×) s = τ_s-rate``, so the Hanle curve of a field
across the spin has the half-width ``Ω_L τ_s = 1``, i.e. ``B_½ = ħ/(|g| μ_B τ_s)``.

The dropped term (d10 item 3): the equilibrium spin ``s0 = |g|μ_B B/(4k_BT)`` per carrier drifting with the
current precesses in the hop spin-orbit field, a generation ``Ω_dr × s0``, ``Ω_dr = (2m/ħ²) β v_dr``,
``v_dr = j/(en)``, first order in β.  Its ratio to the β³ drift generation of Eq. (13) (current along x,
``Tr β² β_xy P f_dr E`` per τ_s) is

    r = s0 (2m/ħ²) |β ê_x| / (ρ e n |Tr β² β_xy| P f_dr)   (ρ and E cancel),

which for β_xy = β_yx = β is the compact ``(|g|μ_BB/4k_BT)(J0τ0/ħ)/(φ² n_s a_b² f_dr)``, φ = mβa_b/ħ²
(``theory.zeeman.drift_precession_estimate``; the tests compare the two).
"""
from __future__ import annotations

import math

import numpy as np
from scipy import constants as C

from hopspin.errors import ParameterError

from .estimates import P, resistivity
from .parameters import E_CHARGE, HBAR, K_B, Parameters, trace_beta2

__all__ = ["MU_B", "larmor_frequency", "hanle_half_width", "drift_precession_ratio", "zeeman_estimate"]

MU_B = C.physical_constants["Bohr magneton"][0]


def _g_pair(g_factor) -> tuple[float, float]:
    vals = [g_factor] if isinstance(g_factor, (int, float)) else list(g_factor)
    if len(vals) not in (1, 2) or not all(isinstance(v, (int, float)) and math.isfinite(v) and v != 0 for v in vals):
        raise ParameterError(f"g-factor must be one or two finite non-zero numbers (g_par [g_perp]), got {g_factor!r}",
                             parameter="g_factor")
    return float(vals[0]), float(vals[-1])


def larmor_frequency(field_T: float, g: float) -> float:
    """|Ω_L| = |g| μ_B B/ħ in 1/s."""
    return abs(g) * MU_B * abs(field_T) / HBAR


def hanle_half_width(tau_s: float, g: float) -> float:
    """B_½ = ħ/(|g| μ_B τ_s) in tesla (Ω_L τ_s = 1)."""
    return HBAR / (abs(g) * MU_B * tau_s)


def drift_precession_ratio(params: Parameters | None, field_T: float, g_abs: float = 0.44, f_dr: float = 1.0) -> dict:
    """Ratio of the dropped first-order generation Ω_dr × s0 to the β³ drift generation (module doc).

    ``params`` default: the paper's typical set (T = 4 K).  Returns ``s0``, ``phi``, ``generation_ratio``.
    """
    p = Parameters.typical() if params is None else params
    s0 = abs(g_abs) * MU_B * abs(field_T) / (4 * K_B * p.T)
    drift_rate = 2 * p.m / HBAR**2 * float(np.linalg.norm(p.beta[:, 0])) / (resistivity(p) * E_CHARGE * p.n)
    beta3 = abs(trace_beta2(p.beta) * p.beta_xy) * P(p) * f_dr
    ratio = s0 * drift_rate / beta3 if beta3 > 0 else math.inf
    phi = p.m * math.sqrt(abs(p.beta_xy * p.beta_yx)) * p.a_b / HBAR**2
    return {"field_T": float(field_T), "s0": s0, "phi": phi, "generation_ratio": ratio}


def zeeman_estimate(params: Parameters, field_T: float, g_factor=-0.44, f_dr: float = 1.0) -> dict:
    """The magnetic-field part of ``hopspin estimate``: Ω_L, ω_L τ0, ω_L τ_s, Hanle half-widths, dropped term.

    ``g_factor``: one value (isotropic) or (g_∥, g_⊥); in-plane fields use g_∥, fields along the growth axis g_⊥.
    """
    if not (math.isfinite(field_T) and field_T >= 0):
        raise ParameterError(f"--magnetic-field must be a finite field >= 0, got {field_T!r} T",
                             parameter="magnetic_field")
    g_par, g_perp = _g_pair(g_factor)
    out = {"magnetic_field": float(field_T), "g_factor": [g_par, g_perp]}
    for name, g in (("in_plane", g_par), ("perpendicular", g_perp)):
        om = larmor_frequency(field_T, g)
        out[name] = {"omega_L": om, "omega_L_tau0": om * params.tau0, "omega_L_tau_s": om * params.tau_s,
                     "hanle_half_width_T": hanle_half_width(params.tau_s, g)}
    r = drift_precession_ratio(params, field_T, g_par, f_dr)
    out["drift_precession_ratio"] = r["generation_ratio"]
    out["equilibrium_spin_s0"] = r["s0"]
    out["note"] = ("hopspin hanle computes the non-equilibrium (beta^3) part; the neglected drift of the equilibrium "
                   "Zeeman spin s0 in the hop spin-orbit field is drift_precession_ratio times the beta^3 CISP "
                   "generation (in-plane g; derivations/d10_zeeman.py item 3)")
    out["units"] = {"magnetic_field": "T", "omega_L": "1/s", "hanle_half_width_T": "T"}
    return out
