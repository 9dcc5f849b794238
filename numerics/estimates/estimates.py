"""Order-of-magnitude estimates of CISP, SGE and SHE in SI units, Eqs. (10), (13)–(16), (S28)–(S30).

Everything here takes and returns plain floats / numpy arrays in SI units (m, s, kg, J, V, Ω, K, A);
text with units is parsed at the boundary by :mod:`numerics.estimates.units`.  Constants ħ, e, k_B, m_e come
from :mod:`scipy.constants`.  Densities are per m², the resistivity is a 2D sheet resistivity in Ω,
β is the 3×2 spin-orbit matrix in J·m (rows: spin x, y, z; columns: k_x, k_y, Eq. (2)).

Conventions
-----------
* The dimensionless f(n_s, τ_s) is the function of Eq. (13) computed by :mod:`numerics.simulate`
  (paper normalisation of (S42)/(S45): current through **one** border; see README, "f(n_s, 0): a
  factor of two against the paper").
* ``Tr β²`` of Eqs. (9), (13), (14) is the trace of the square of the [001] 2×2 block
  ``[[0, β_xy], [β_yx, 0]]``, i.e. ``Tr β² = 2 β_xy β_yx`` (J² m²); it is *not* ``Σ β_μν²``.
  We compute it as ``−2 c_z`` with ``c = (β ê_x) × (β ê_y)``, the general-β replacement of
  README "General spin-orbit matrix β" (``Tr β² ẑ → −2c``), which reduces to ``2 β_xy β_yx`` for the
  [001] form.  f was computed for the [001] form only, so Eqs. (13)–(16) are applied only to a β
  of that form (``β_xx = β_yy = 0``, zero z row; Rashba + Dresselhaus in x ∥ [1-10] axes):
  for other β the CISP and SGE tensors use the derived general structure ``−2 [c]_× β R₉₀`` (which
  equals ``Tr β² βᵀ`` for [001]) with the same isotropic f; (15), (16) stay [001]-only.
* ``βᵀ`` of Eq. (13) is the transpose of the 2×2 block, embedded in a 3×2 (spin × field) tensor
  with a zero z row: ``s_y = τ_s Tr β² β_xy P f E_x``, ``s_x = τ_s Tr β² β_yx P f E_y``.
* SGE (14): ``j = σ_SGE s`` maps spin (3) to current (2), so σ_SGE is 2×3.  Onsager reciprocity
  (S31)–(S39) written with indices gives ``σ_SGE[ν, μ] = (4 k_B T n / τ_s) σ_CISP[μ, ν]``
  (a transpose); this equals the printed ``4 Tr β² βᵀ P k_B T n f`` of (14) for β_xy = β_yx and
  differs from a literal 2×2 reading of it only by β_xy ↔ β_yx.
* SHE (15), (16): ``σ_SHE = −βᵀ (ẑ × β) (ħ² n P/m) f`` with β 3×2 and ``(ẑ × β)`` the column-wise
  cross product, a 2×2 tensor from E to the in-plane flux J of S^z (units 1/(m s)).
* Sign: composing the KKM relation (10) with (15) gives ``−σ_CISP`` of (13) (same magnitude and
  tensor structure, opposite sign) with the natural reading ``ẑ × v = (−v_y, v_x)``; each
  equation is implemented as printed and :func:`kkm_spin_polarization` exposes (10) so the
  relation can be checked.

Units: ``P`` is in 1/(J³ m² V s), σ_CISP in m/V (s is a dimensionless spin per carrier),
σ_SGE in A/m (2D current density per unit spin polarization), σ_SHE in 1/(V s).

The typical parameters and the paper's numbers
----------------------------------------------
With the paper's typical parameters (``Parameters.typical()``, T = 4 K chosen by us), Eq. (13)
factorises into dimensionless ingredients (E ∥ x, s = s_y)::

    s = [Tr β² β_xy (m a_b/ħ²)³] · (τ_s/τ0) · (n_s/n) · (e E a_b/J0) · (ħ/(e²ρ0)) · e^{−2 l_c/a_b} · f
      =  4.52e-6              ·   1e4     ·   20    ·    0.1      ·  8.22e-2   ·  4.70e-3       · f
      =  3.49e-5 · f

(``Tr β² β_xy (m a_b/ħ²)³ = 2φ³`` with φ = m β a_b/ħ² = 0.0131; n_s a_b² = 0.2, l_c = 2.68 a_b,
ρ = 1.06e7 Ω, P = 4.24e89 /(J³ m² V s)).  Dependence: s ∝ β³ m³ a_b⁴ τ_s n_s E f /(n J0 τ0 ρ0)
× exp(−2.397/√(n_s a_b²)).

* With **f = 1** (the paper's "f(n_s, 0) ≈ 1.0") this is **s ≈ 3.5e-5**, the paper's
  "s ~ 3×10⁻⁵" (using the rounded l_c = 1.2/√n_s changes it by 0.7 %).  So the paper evidently
  inserted f ≈ 1.
* The simulated f at the typical parameters differs: n_s a_b² = 0.2 is outside the range where the
  1.5 l_c cut-off is acceptable (< 0.1) and outside the paper's "f ≈ 1 for n_s a_b² < 0.02", and
  f(n_s, τ_s) must be taken at τ_s/τ0 = 10⁴, where the diffusion current already cancels most of
  the drift current (the critical hop time τ0 e^{2 l_c/a_b} ≈ 210 τ0 ≪ τ_s).  Small runs (3 seeds ×
  20 000 sites) give f(n_s, 0) ≈ 1.05 but f(n_s, 10⁴ τ0) ≈ 0.24, hence s ≈ 8e-6, about four times
  below the paper's value.  (With the "both borders" normalisation, which the README shows would
  reproduce the paper's f(n_s, 0) ≈ 1 at small n_s, the simulated f would be halved again.)
* Crossover (S28)–(S30): φ = 0.0131, τ_DP = τ0/φ² = 58 ns (same order as τ_s = 100 ns, as the
  Supplement says), and with j = E/ρ0 (ρ = ρ0 at the crossover, exponent ≈ 0): k_dr = m j/(n e ħ)
  = 1.08e8 m⁻¹ (k_dr a_b ≈ 1.1), β k_dr/J0 = 0.0108, so **s ≈ 1.9 %**, the paper's "s ~ 1 %" /
  "a few percent" within the order-of-magnitude nature of (S28)–(S30).  Using ρ(n_s a_b² = 1) =
  ρ0 e^{2·1.198} ≈ 11 ρ0 instead gives 0.17 %.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from hopspin.errors import ParameterError

from ..spin_orbit import cisp_structure, z_cross
from .parameters import (CRITICAL_LENGTH_COEFFICIENT, CUTOFF_DENSITY_MAX, E_CHARGE, HBAR, K_B, Parameters,
                         _positive, critical_length, is_001_form, site_density_ab2, trace_beta2)

__all__ = [
    "Parameters", "CRITICAL_LENGTH_COEFFICIENT", "CUTOFF_DENSITY_MAX", "SI_UNITS",
    "site_density_ab2", "critical_length", "resistivity", "P", "trace_beta2", "is_001_form", "cisp_structure",
    "sigma_cisp", "spin_polarization", "sigma_sge", "sigma_she", "drift_spin_current",
    "kkm_spin_polarization", "crossover_estimate", "factors",
]

#: SI unit of every value returned by :func:`estimate`.
SI_UNITS = {
    "s": "1", "s_vector": "1", "sigma_cisp": "m/V", "sigma_sge": "A/m", "sigma_she": "1/(V s)",
    "spin_current": "1/(m s)", "drift_spin_current": "1/(m s)", "f": "1", "f0": "1",
    "site_density_ab2": "1", "l_c": "m", "l_c_over_a_b": "1", "resistivity": "Ohm", "P": "1/(J^3 m^2 V s)",
    "trace_beta2": "J^2 m^2", "crossover_s": "1", "temperature": "K",
}


# ----------------------------------------------------------------------------- percolation

def resistivity(params: Parameters) -> float:
    """Hopping sheet resistivity ρ = ρ0 exp(2 l_c/a_b) (Ω), main text before Fig. 4.

    Parameters
    ----------
    params : Parameters

    Returns
    -------
    float
        ρ in Ω (1.06e7 Ω for the typical parameters: exp(2 l_c/a_b) = 212.7).
    """
    return params.rho0 * math.exp(2.0 * critical_length(params) / params.a_b)


def P(params: Parameters) -> float:
    """The prefactor P of Eq. (13): P = (m a_b/ħ²)³ ħ n_s a_b / (e n J0 τ0 ρ).

    Parameters
    ----------
    params : Parameters

    Returns
    -------
    float
        P in 1/(J³ m² V s), so that τ_s Tr β² β P (s · J³ m³ · P) is in m/V, a spin
        polarization per field.  4.24e89 for the typical parameters.
    """
    p = params
    return (p.m * p.a_b / HBAR ** 2) ** 3 * HBAR * p.n_s * p.a_b / (E_CHARGE * p.n * p.J0 * p.tau0 * resistivity(p))


# ----------------------------------------------------------------------------- spin-orbit algebra

def _require_001(params: Parameters, what: str) -> None:
    if not is_001_form(params.beta):
        raise ParameterError(f"beta: {what} is available only for the [001] form [[0, b_xy], [b_yx, 0], [0, 0]] "
                         f"(f was computed for it), got {params.beta.tolist()}")


def _field_vector(params: Parameters) -> np.ndarray:
    return np.array([params.E, 0.0])


# ----------------------------------------------------------------------------- Eqs. (10), (13)-(16)

def sigma_cisp(params: Parameters, f: float) -> np.ndarray:
    """CISP susceptibility, Eq. (13): σ_CISP = τ_s Tr(β²) βᵀ P f(n_s, τ_s), for any linear β.

    For a general 3×2 β the factor ``Tr(β²) βᵀ`` is replaced by :func:`cisp_structure`
    ``−2 [c]_× β R₉₀`` (identical for the [001] form); f is the isotropic-sample function of the
    [001] simulation, which the general structure carries over unchanged.

    Parameters
    ----------
    params : Parameters
    f : float
        f(n_s, τ_s) at τ_s/τ0 = params.tau_s/params.tau0.

    Returns
    -------
    ndarray, (3, 2)
        σ[μ, ν] with s_μ = σ[μ, ν] E_ν, in m/V; for [001] the transposed 2×2 block
        ``[[0, β_yx], [β_xy, 0]]`` times ``τ_s Tr β² P f`` and a zero z row.
    """
    return params.tau_s * P(params) * float(f) * cisp_structure(params.beta)


def spin_polarization(params: Parameters, f: float) -> tuple[np.ndarray, float]:
    """Current-induced spin polarization s = σ_CISP E, Eqs. (1), (13), with E = (E, 0) along x.

    Parameters
    ----------
    params : Parameters
    f : float
        f(n_s, τ_s).

    Returns
    -------
    s : ndarray, (3,)
        Spin per carrier (dimensionless; along y for the [001] form).
    magnitude : float
        |s| (3.49e-5 f for the typical parameters).
    """
    s = sigma_cisp(params, f) @ _field_vector(params)
    return s, float(np.linalg.norm(s))


def sigma_sge(params: Parameters, f: float) -> np.ndarray:
    """Spin-galvanic susceptibility, Eq. (14): σ_SGE = 4 Tr(β²) βᵀ P k_B T n f(n_s, τ_s).

    Computed through the Onsager relation (S39) with its indices written out,
    ``σ_SGE[ν, μ] = (4 k_B T n/τ_s) σ_CISP[μ, ν]`` (j_ν = σ_SGE[ν, μ] s_μ), which is Eq. (14);
    for β_xy ≠ β_yx it differs from a literal 2×2 reading of the printed βᵀ by β_xy ↔ β_yx.

    Parameters
    ----------
    params : Parameters
    f : float
        f(n_s, τ_s), the same function as for CISP.

    Returns
    -------
    ndarray, (2, 3)
        In A/m per unit spin polarization (2D current density).
    """
    return (4.0 * K_B * params.T * params.n / params.tau_s) * sigma_cisp(params, f).T


def sigma_she(params: Parameters, f: float) -> np.ndarray:
    """Spin-Hall conductivity, Eq. (15): σ_SHE = −βᵀ (ẑ × β) (ħ² n P/m) f(n_s, τ_s).

    Parameters
    ----------
    params : Parameters
        β of the [001] form.
    f : float
        f(n_s, τ_s) (the total spin current; vanishes for τ_s → ∞).

    Returns
    -------
    ndarray, (2, 2)
        J_ν = σ[ν, λ] E_λ with J the in-plane flux of S^z, Eq. (11); in 1/(V s).
    """
    _require_001(params, "Eq. (15)")
    b = params.beta
    return -(b.T @ z_cross(b.T).T) * (HBAR ** 2 * params.n * P(params) / params.m) * float(f) + 0.0  # no -0.0


def drift_spin_current(params: Parameters, f0: float) -> np.ndarray:
    """Drift spin current, Eq. (16): J_dr = −βᵀ (ẑ × β E) (ħ² n P/m) f(n_s, 0).

    Parameters
    ----------
    params : Parameters
    f0 : float
        f(n_s, 0), the drift part alone (independent of τ_s).

    Returns
    -------
    ndarray, (2,)
        In 1/(m s), for E = (E, 0).
    """
    return sigma_she(params, f0) @ _field_vector(params)


def kkm_spin_polarization(params: Parameters, spin_current) -> np.ndarray:
    """KKM conversion, Eq. (10): s = −(2 τ_s m/(n ħ²)) ẑ × β J.

    Parameters
    ----------
    params : Parameters
    spin_current : array_like, (2,)
        J in 1/(m s).

    Returns
    -------
    ndarray, (3,)
        s (dimensionless).  Note: (10) applied to σ_SHE E of (15) gives −σ_CISP E of (13).
    """
    bj = params.beta @ np.asarray(spin_current, dtype=np.float64)
    return -(2.0 * params.tau_s * params.m / (params.n * HBAR ** 2)) * z_cross(bj)


# ----------------------------------------------------------------------------- crossover (S28)-(S30)

def crossover_estimate(params: Parameters, resistivity: float | None = None) -> dict:
    """Spin polarization at the hopping-to-diffusion crossover, (S28)–(S30).

    ``1/τ_DP = φ²/τ0`` (S28) with ``φ ~ m β a_b/ħ²``; ``s = (τ_s/τ_DP) β k_dr/J0`` (S29) with the
    drift wave vector from ``j = n e ħ k_dr/m`` (S30) and ``j = E/ρ``.

    For a matrix β, φ² is taken as the mean square rotation angle of a hop of length a_b over
    directions, ``(m a_b/ħ²)² Σ β_μν²/2`` (= (m β a_b/ħ²)² for β_xy = β_yx = β), and ``β k_dr`` is
    the vector β·(k_dr, 0) for E ∥ x.

    Parameters
    ----------
    params : Parameters
    resistivity : float, optional
        ρ (Ω) at the crossover; default ρ0 (at n_s a_b² ~ 1 the exponent 2 l_c/a_b is of order
        one and the paper's "s ~ 1 %" is reproduced with ρ = ρ0).

    Returns
    -------
    dict
        ``phi``, ``tau_DP`` (s), ``tau_s_over_tau_DP``, ``resistivity`` (Ω), ``j`` (A/m),
        ``k_dr`` (1/m), ``k_dr_a_b``, ``s_vector``, ``s``.
    """
    p = params
    rho = p.rho0 if resistivity is None else _positive("resistivity", resistivity, "resistance (Ohm)")
    phi2 = (p.m * p.a_b / HBAR ** 2) ** 2 * float(np.sum(p.beta ** 2)) / 2.0
    tau_dp = p.tau0 / phi2
    j = p.E / rho
    k_dr = p.m * j / (p.n * E_CHARGE * HBAR)
    s_vec = (p.tau_s / tau_dp) * (p.beta @ np.array([k_dr, 0.0])) / p.J0
    return {"phi": math.sqrt(phi2), "tau_DP": tau_dp, "tau_s_over_tau_DP": p.tau_s / tau_dp,
            "resistivity": rho, "j": j, "k_dr": k_dr, "k_dr_a_b": k_dr * p.a_b,
            "s_vector": s_vec.tolist(), "s": float(np.linalg.norm(s_vec))}


# ----------------------------------------------------------------------------- the whole estimate

def factors(params: Parameters, f: float) -> dict:
    """Dimensionless factors whose product is s_y of Eq. (13) for E ∥ x::

        s_y = [Tr β² β_xy (m a_b/ħ²)³] (τ_s/τ0) (n_s/n) (e E a_b/J0) (ħ/(e² ρ0)) e^{−2 l_c/a_b} f

    Returns a dict of the factors and their ``product``.
    """
    p = params
    out = {
        "spin_orbit": trace_beta2(p.beta) * p.beta_xy * (p.m * p.a_b / HBAR ** 2) ** 3,
        "tau_s_over_tau0": p.tau_s / p.tau0,
        "n_s_over_n": p.n_s / p.n,
        "eEa_b_over_J0": E_CHARGE * p.E * p.a_b / p.J0,
        "hbar_over_e2_rho0": HBAR / (E_CHARGE ** 2 * p.rho0),
        "exp_minus_2l_c_over_a_b": math.exp(-2.0 * critical_length(p) / p.a_b),
        "f": float(f),
    }
    out["product"] = math.prod(out.values())
    return out
