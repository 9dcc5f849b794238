"""Physical parameters of the order-of-magnitude estimates (SI units), validated on construction.

Densities per m², lengths in m, energies in J, β (3×2, rows spin x, y, z; columns k_x, k_y) in J·m,
the resistivity prefactor ρ0 as a 2D sheet resistance in Ω.  :meth:`Parameters.typical` is the
paper's typical set; :meth:`Parameters.validate` warns about broken modelling assumptions.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import constants as C

from hopspin.errors import HopspinWarning, ParameterError

from ..percolation import CRITICAL_LENGTH_COEFFICIENT
from ..percolation import critical_length as percolation_length
from ..spin_orbit import column_cross

__all__ = ["Parameters", "HBAR", "E_CHARGE", "K_B", "M_E", "MEV", "ANGSTROM", "CRITICAL_LENGTH_COEFFICIENT",
           "CUTOFF_DENSITY_MAX", "site_density_ab2", "critical_length", "is_001_form", "trace_beta2"]

HBAR, E_CHARGE, K_B, M_E = C.hbar, C.e, C.k, C.m_e
MEV = 1e-3 * C.e  # J
ANGSTROM = 1e-10  # m

#: the paper's 1.5 l_c bond cut-off is acceptable for n_s a_b² below this (S5C).
CUTOFF_DENSITY_MAX = 0.1


def _positive(name: str, value, what: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a positive {what}, got {value!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise ParameterError(f"{name} must be a positive, finite {what} (valid range (0, inf)), got {value!r}")
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
            raise ParameterError(f"E must be a field strength >= 0 (V/m), got {self.E!r}") from None
        if not (math.isfinite(E) and E >= 0):
            raise ParameterError(f"E must be a finite field strength >= 0 (V/m), got {self.E!r}")
        object.__setattr__(self, "E", E)
        try:
            beta = np.array(self.beta, dtype=np.float64)
        except (TypeError, ValueError):
            raise ParameterError(f"beta must be a 3x2 (or 2x2) matrix in J m, got {self.beta!r}") from None
        if beta.shape == (2, 2):
            beta = np.vstack([beta, np.zeros((1, 2))])
        if beta.shape != (3, 2) or not np.all(np.isfinite(beta)):
            raise ParameterError(f"beta must be a finite 3x2 matrix (rows spin x, y, z; columns k_x, k_y) in J m, "
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

    def small_parameters(self) -> dict:
        """The dimensionless quantities the theory takes small, with the inputs that set each:
        ``{name: (value, "inputs")}`` — the electric field per hop ``e E a_b/J0`` (linear response), the
        spin rotation per hop ``m β a_b/ħ²`` (perturbation theory in β), ``n_s a_b²`` (hopping regime),
        ``n/n_s`` (sparsely occupied sites), ``g μ_B``-free ``k_B T/J0`` is not required."""
        phi = self.m * float(np.max(np.abs(self.beta))) * self.a_b / HBAR ** 2
        return {
            "e E a_b/J0": (E_CHARGE * self.E * self.a_b / self.J0, "field E (--field), a_b, J0 (--hopping-energy)"),
            "m beta a_b/hbar^2": (phi, "beta (--beta-xy, --beta-yx, --beta), mass m (--mass), a_b"),
            "n_s a_b^2": (site_density_ab2(self), "n_s (--site-density), a_b (--localization-radius)"),
            "n/n_s": (self.n / self.n_s, "n (--carrier-density), n_s (--site-density)"),
        }

    def validate(self) -> list[str]:
        """Check the modelling assumptions; warn (:class:`hopspin.errors.HopspinWarning`) for each broken
        one.

        Errors (negative, zero or non-finite densities, lengths, times, ...) are raised already
        when the object is built.  Returns the list of warning messages.
        """
        messages = []
        for name, (value, inputs) in self.small_parameters().items():
            if name in ("e E a_b/J0", "m beta a_b/hbar^2") and value > 0.1:
                messages.append(f"{name} = {value:.3g} is not << 1 (set by {inputs}): the linear-response, "
                                "perturbative estimate does not apply")
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
            if not np.any(column_cross(self.beta)):
                messages.append("c = (beta e_x) x (beta e_y) = 0 (all spin-rotation axes parallel): every "
                                "effect vanishes")
        elif trace_beta2(self.beta) == 0:
            messages.append("Tr beta^2 = 2 b_xy b_yx = 0 (e.g. Rashba = Dresselhaus): every effect vanishes")
        for msg in messages:
            warnings.warn(msg, HopspinWarning, stacklevel=2)
        return messages


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
    return percolation_length(site_density_ab2(params)) * params.a_b


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
    return float(-2.0 * column_cross(b)[2])
