"""Order-of-magnitude estimates of CISP, SGE and SHE in SI units, Eqs. (10), (13)–(16), (S28)–(S30).

Everything here takes and returns plain floats / numpy arrays in SI units (m, s, kg, J, V, Ω, K, A);
text with units is parsed at the boundary by :mod:`numerics.units`.  Constants ħ, e, k_B, m_e come
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

import dataclasses
import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import constants as C

__all__ = [
    "Parameters", "CRITICAL_LENGTH_COEFFICIENT", "CUTOFF_DENSITY_MAX", "SI_UNITS",
    "site_density_ab2", "critical_length", "resistivity", "P", "trace_beta2", "is_001_form", "cisp_structure",
    "sigma_cisp", "spin_polarization", "sigma_sge", "sigma_she", "drift_spin_current",
    "kkm_spin_polarization", "crossover_estimate", "factors", "simulated_f", "estimate",
]

HBAR, E_CHARGE, K_B, M_E = C.hbar, C.e, C.k, C.m_e
MEV = 1e-3 * C.e  # J
ANGSTROM = 1e-10  # m

#: l_c = B · n_s^{-1/2}, B = sqrt(4.51235/π) from continuum percolation of discs (Mertens & Moore 2012).
CRITICAL_LENGTH_COEFFICIENT = 1.19847
#: the paper's 1.5 l_c bond cut-off is acceptable for n_s a_b² below this (S5C).
CUTOFF_DENSITY_MAX = 0.1

#: SI unit of every value returned by :func:`estimate`.
SI_UNITS = {
    "s": "1", "s_vector": "1", "sigma_cisp": "m/V", "sigma_sge": "A/m", "sigma_she": "1/(V s)",
    "spin_current": "1/(m s)", "drift_spin_current": "1/(m s)", "f": "1", "f0": "1",
    "site_density_ab2": "1", "l_c": "m", "l_c_over_a_b": "1", "resistivity": "Ohm", "P": "1/(J^3 m^2 V s)",
    "trace_beta2": "J^2 m^2", "crossover_s": "1", "temperature": "K",
}


def _positive(name: str, value, what: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive {what}, got {value!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a positive, finite {what} (valid range (0, inf)), got {value!r}")
    return v


@dataclass(frozen=True, eq=False)
class Parameters:
    """Physical parameters of the estimate, all in SI units.

    Attributes
    ----------
    n_s : float      site density (m⁻²)
    n : float        carrier density (m⁻²), n ≪ n_s
    a_b : float      localization radius (m)
    J0 : float       hopping integral at distance ~ a_b (J)
    beta : ndarray   (3, 2) spin-orbit matrix β_μν (J m), Eq. (2); [001]: β_xy = beta[0, 1], β_yx = beta[1, 0]
    m : float        effective mass (kg)
    E : float        electric field, along x (V/m), ≥ 0
    rho0 : float     resistivity prefactor ρ0 of ρ = ρ0 exp(2 l_c/a_b) (Ω, sheet)
    tau0 : float     hopping time at distance ~ a_b (s)
    tau_s : float    hyperfine spin relaxation time (s)
    T : float        temperature (K); enters only σ_SGE (14).  The paper gives none; the
                     default 4 K is a typical liquid-helium temperature for hopping transport.

    Construction checks signs and finiteness (``ValueError`` naming the parameter);
    :meth:`validate` also warns about broken modelling assumptions.
    """

    n_s: float
    n: float
    a_b: float
    J0: float
    beta: np.ndarray
    m: float
    E: float
    rho0: float
    tau0: float
    tau_s: float
    T: float = 4.0

    def __post_init__(self):
        checks = {"n_s": "site density (m^-2)", "n": "carrier density (m^-2)", "a_b": "length (m)",
                  "J0": "energy (J)", "m": "mass (kg)", "rho0": "resistance (Ohm)", "tau0": "time (s)",
                  "tau_s": "time (s)", "T": "temperature (K)"}
        for name, what in checks.items():
            object.__setattr__(self, name, _positive(name, getattr(self, name), what))
        try:
            E = float(self.E)
        except (TypeError, ValueError):
            raise ValueError(f"E must be a field strength >= 0 (V/m), got {self.E!r}") from None
        if not (math.isfinite(E) and E >= 0):
            raise ValueError(f"E must be a finite field strength >= 0 (V/m), got {self.E!r}")
        object.__setattr__(self, "E", E)
        try:
            beta = np.array(self.beta, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"beta must be a 3x2 (or 2x2) matrix in J m, got {self.beta!r}") from None
        if beta.shape == (2, 2):
            beta = np.vstack([beta, np.zeros((1, 2))])
        if beta.shape != (3, 2) or not np.all(np.isfinite(beta)):
            raise ValueError(f"beta must be a finite 3x2 matrix (rows spin x, y, z; columns k_x, k_y) in J m, "
                             f"got shape {beta.shape}")
        beta.setflags(write=False)
        object.__setattr__(self, "beta", beta)

    @classmethod
    def typical(cls, **overrides) -> "Parameters":
        """The paper's typical parameters (main text, before the conclusion), in SI.

        n_s = 20 n = 2×10¹¹ cm⁻², a_b = 10 nm, J0 = 10 meV, β_xy = β_yx = 10 meV Å, m = 0.1 m0,
        E = 1 kV/cm, ρ0 = 50 kΩ, τ0 = 10 ps, τ_s = 100 ns; T = 4 K (our choice).
        Keyword arguments override single fields (SI), e.g. ``Parameters.typical(n_s=1e16)``.
        """
        b = 10 * MEV * ANGSTROM
        base = dict(n_s=2e15, n=1e14, a_b=10e-9, J0=10 * MEV,
                    beta=np.array([[0.0, b], [b, 0.0], [0.0, 0.0]]), m=0.1 * M_E, E=1e5,
                    rho0=50e3, tau0=10e-12, tau_s=100e-9, T=4.0)
        base.update(overrides)
        return cls(**base)

    def replace(self, **changes) -> "Parameters":
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    @property
    def beta_xy(self) -> float:
        return float(self.beta[0, 1])

    @property
    def beta_yx(self) -> float:
        return float(self.beta[1, 0])

    def validate(self) -> list[str]:
        """Check the modelling assumptions; warn (``RuntimeWarning``) for each broken one.

        Errors (negative, zero or non-finite densities, lengths, times, ...) are raised already
        when the object is built.  Returns the list of warning messages.
        """
        messages = []
        d = site_density_ab2(self)
        if d >= 1.0:
            messages.append(f"n_s a_b^2 = {d:.3g} >= 1: not the hopping regime (the theory assumes "
                            "n_s a_b^2 << 1); the estimate is meaningless, use crossover_estimate")
        elif d >= CUTOFF_DENSITY_MAX:
            messages.append(f"n_s a_b^2 = {d:.3g} >= {CUTOFF_DENSITY_MAX}: the 1.5 l_c cut-off behind f is "
                            "outside its range of validity (n_s a_b^2 < 0.1), and f(n_s, 0) ~ 1 was stated "
                            "only for n_s a_b^2 < 0.02")
        if self.n > self.n_s / 10:
            messages.append(f"n = {self.n:.3g} m^-2 is not << n_s = {self.n_s:.3g} m^-2 (n/n_s = "
                            f"{self.n / self.n_s:.3g} > 0.1): the theory assumes sparsely occupied sites")
        if not is_001_form(self.beta):
            messages.append("beta is not of the [001] form: CISP and SGE use the general structure "
                            "-2[c]x beta R90 with the isotropic f (derivations/d08); the spin-Hall formulas "
                            "(15), (16) are given for the [001] form only (use `hopspin simulate --beta`)")
            if not np.any(np.cross(self.beta[:, 0], self.beta[:, 1])):
                messages.append("c = (beta e_x) x (beta e_y) = 0 (all spin-rotation axes parallel): every "
                                "effect vanishes")
        elif trace_beta2(self.beta) == 0:
            messages.append("Tr beta^2 = 2 b_xy b_yx = 0 (e.g. Rashba = Dresselhaus): every effect vanishes")
        for msg in messages:
            warnings.warn(msg, RuntimeWarning, stacklevel=2)
        return messages


# ----------------------------------------------------------------------------- percolation

def site_density_ab2(params: Parameters) -> float:
    """Dimensionless site density n_s a_b² (the simulation's control parameter; paper: ≪ 1).

    Parameters
    ----------
    params : Parameters

    Returns
    -------
    float
        n_s a_b²; 0.2 for the typical parameters.
    """
    return params.n_s * params.a_b ** 2


def critical_length(params: Parameters) -> float:
    """Percolation length l_c = 1.19847/√n_s (m), main text before Fig. 4 ("l_c ≈ 1.2/√n_s").

    The coefficient is √(B_c/π) with B_c = n_s π l_c² = 4.51235 bonds per site at the
    continuum-percolation threshold of discs (Mertens & Moore 2012).

    Parameters
    ----------
    params : Parameters

    Returns
    -------
    float
        l_c in m (26.8 nm = 2.68 a_b for the typical parameters).
    """
    return CRITICAL_LENGTH_COEFFICIENT / math.sqrt(params.n_s)


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

def is_001_form(beta) -> bool:
    """True if β = [[0, β_xy], [β_yx, 0], [0, 0]] (Eq. (2), [001] growth, x ∥ [1-10])."""
    b = np.asarray(beta, dtype=np.float64)
    return b.shape == (3, 2) and b[0, 0] == 0 and b[1, 1] == 0 and not np.any(b[2])


def trace_beta2(beta) -> float:
    """``Tr β²`` of Eqs. (9), (13), (14), in J² m².

    For the [001] form this is the trace of the square of the 2×2 block [[0, β_xy], [β_yx, 0]],
    ``2 β_xy β_yx`` (not Σ β_μν²).  Computed as ``−2 c_z`` with ``c = (β ê_x) × (β ê_y)``, the
    replacement ``Tr β² ẑ → −2c`` that README ("General spin-orbit matrix β") derives for any
    3×2 β; for β not of the [001] form c has in-plane parts that this scalar does not capture.

    Parameters
    ----------
    beta : array_like, (3, 2)

    Returns
    -------
    float
    """
    b = np.asarray(beta, dtype=np.float64)
    c = np.cross(b[:, 0], b[:, 1])
    return float(-2.0 * c[2])


def _require_001(params: Parameters, what: str) -> None:
    if not is_001_form(params.beta):
        raise ValueError(f"beta: {what} is available only for the [001] form [[0, b_xy], [b_yx, 0], [0, 0]] "
                         f"(f was computed for it), got {params.beta.tolist()}")


def _z_cross(beta: np.ndarray) -> np.ndarray:
    """Column-wise ẑ × β: each column v ↦ (−v_y, v_x, 0)."""
    out = np.zeros_like(beta)
    out[0], out[1] = -beta[1], beta[0]
    return out


def _field_vector(params: Parameters) -> np.ndarray:
    return np.array([params.E, 0.0])


# ----------------------------------------------------------------------------- Eqs. (10), (13)-(16)

def cisp_structure(beta) -> np.ndarray:
    """``−2 [c]_× β R₉₀`` (3×2, J³ m³): the β dependence of the CISP tensor for any linear β.

    ``c = (βê_x) × (βê_y)``, ``R₉₀ = [[0, −1], [1, 0]]``; equals ``Tr(β²) βᵀ`` (with a zero z row)
    for the [001] form, Eq. (13).  Derived in ``derivations/d08_general_beta_response.py`` and
    checked on simulated samples by ``numerics.tensor`` (``tests/test_tensor.py``).
    """
    b = np.asarray(beta, dtype=np.float64).reshape(3, 2)
    c = np.cross(b[:, 0], b[:, 1])
    cols = b @ np.array([[0.0, -1.0], [1.0, 0.0]])
    return -2.0 * np.column_stack([np.cross(c, cols[:, 0]), np.cross(c, cols[:, 1])])


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
    return -(b.T @ _z_cross(b)) * (HBAR ** 2 * params.n * P(params) / params.m) * float(f) + 0.0  # no -0.0


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
    return -(2.0 * params.tau_s * params.m / (params.n * HBAR ** 2)) * np.cross([0.0, 0.0, 1.0], bj)


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


def simulated_f(site_density: float, tau_s_over_tau0: float, seeds=(0, 1, 2), sites: int = 20000) -> dict:
    """f(n_s, τ_s) and f(n_s, 0) from small runs of :func:`numerics.simulate.simulate`.

    Small samples (default 3 seeds × 20 000 sites, ~1 s each) — enough for an estimate, not for the
    < 1 % spread of the paper's N = 5×10⁵.  The simulation's own cut-off warning is suppressed
    (:meth:`Parameters.validate` reports it).

    Returns
    -------
    dict
        ``f``, ``f0`` (means), ``f_std``, ``f0_std`` (spread over seeds), ``seeds``, ``sites``,
        ``per_seed`` list of (f, f0).
    """
    from numerics.simulate import simulate

    fs, f0s = [], []
    for seed in seeds:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            r = simulate(site_density, sites, seed=seed, tau_s=[0.0, float(tau_s_over_tau0)], keep_fields=False)
        f0s.append(float(r.f[0]))
        fs.append(float(r.f[1]))
    return {"f": float(np.mean(fs)), "f0": float(np.mean(f0s)), "f_std": float(np.std(fs)),
            "f0_std": float(np.std(f0s)), "seeds": list(seeds), "sites": int(sites),
            "per_seed": [[a, b] for a, b in zip(fs, f0s)]}


def estimate(params: Parameters, f: float | None = None, f0: float | None = None,
             crossover_resistivity: float | None = None) -> dict:
    """All estimates for ``params``, JSON-ready, in SI units (see :data:`SI_UNITS`).

    Parameters
    ----------
    params : Parameters
        Validated here (``RuntimeWarning`` for broken assumptions).
    f : float, optional
        f(n_s, τ_s) at τ_s/τ0; default 1.0, the paper's "f(n_s, 0) ≈ 1.0".
    f0 : float, optional
        f(n_s, 0) for the drift spin current (16); default ``f``.
    crossover_resistivity : float, optional
        ρ for :func:`crossover_estimate` (default ρ0).

    Returns
    -------
    dict
        Keys ``s``, ``s_vector``, ``sigma_cisp`` (3×2), ``sigma_sge`` (2×3), ``sigma_she`` (2×2),
        ``spin_current`` (σ_SHE E), ``drift_spin_current``, ``f``, ``f0``, ``f_source``,
        ``site_density_ab2``, ``l_c``, ``l_c_over_a_b``, ``resistivity``, ``P``, ``trace_beta2``,
        ``temperature``, ``crossover_s``, ``crossover`` (dict), ``factors`` (dict), ``warnings``,
        ``units``.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        params.validate()
    for w in caught:  # re-emit for the caller, and keep them in the record
        warnings.warn(w.message, w.category, stacklevel=2)
    source = "given" if f is not None else "assumed 1.0 (paper: f(n_s, 0) ~ 1.0)"
    f = 1.0 if f is None else float(f)
    f0 = f if f0 is None else float(f0)
    if not (math.isfinite(f) and math.isfinite(f0)):
        raise ValueError(f"f must be a finite number, got f = {f}, f0 = {f0}")
    s_vec, s = spin_polarization(params, f)
    cross = crossover_estimate(params, crossover_resistivity)
    she = is_001_form(params.beta)  # (15), (16) as printed are for the [001] form
    return {
        "s": s, "s_vector": s_vec.tolist(),
        "sigma_cisp": sigma_cisp(params, f).tolist(),
        "sigma_sge": sigma_sge(params, f).tolist(),
        "sigma_she": sigma_she(params, f).tolist() if she else None,
        "spin_current": (sigma_she(params, f) @ _field_vector(params)).tolist() if she else None,
        "drift_spin_current": drift_spin_current(params, f0).tolist() if she else None,
        "f": f, "f0": f0, "f_source": source,
        "site_density_ab2": site_density_ab2(params),
        "l_c": critical_length(params), "l_c_over_a_b": critical_length(params) / params.a_b,
        "resistivity": resistivity(params), "P": P(params), "trace_beta2": trace_beta2(params.beta),
        "temperature": params.T,
        "crossover_s": cross["s"], "crossover": cross,
        "factors": factors(params, f),
        "warnings": [str(w.message) for w in caught],
        "units": dict(SI_UNITS),
    }
