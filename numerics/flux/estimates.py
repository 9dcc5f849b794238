"""SI estimates of the hopping Hall effect and the field-odd CISP; the percolation (optimal-triad) comparison.

Conversions (SI, :mod:`scipy.constants`):

* flux density ``b = e B a_b²/ħ`` (0.152 per tesla for a_b = 10 nm); Φ of a triad = b × its area in a_b²;
* η = ħ/(J0 τ0) (6.58×10⁻³ for J0 = 10 meV, τ0 = 10 ps);
* Hall mobility ``μ_H = θ_H/B = (θ_H/b) e a_b²/ħ`` (m²/(V s)), θ_H the Hall angle of
  :class:`numerics.flux.hall.HallResult`;
* Hall coefficient (2D) ``R_H = ρ_yx/B = μ_H ρ`` (m²/C = Ω/T) with the sheet resistivity of the paper,
  ``ρ = ρ0 e^{2 l_c/a_b}`` (:func:`numerics.estimates.resistivity`), and the Hall density n_H = 1/(e|R_H|);
* field-odd CISP: ``s_x = τ_s Tr β² β_yx P f_x^{odd} E`` (Eq. (13) with the simulated odd f_x of
  :func:`numerics.flux.spin.flux_cisp` at τ_s/τ0 of the parameters); the even part s_y likewise with f_y.

Percolation theory of the hopping Hall effect (Holstein's three-site interference; Friedman & Pollak,
Phil. Mag. B 44, 487 (1981); Galperin, German & Karpov, JETP 72, 193 (1991); arXiv:1808.07434 for 2D, which
reports agreement of the optimal-triad model with simulation for nearest-neighbour hopping): the Hall
current is carried by triads of the critical subnetwork whose three bonds are all near critical.  For
one such equilateral triad of side l_c (the (S46) triangle in a field, ``theory/flux_triangle.py``) the
Hall voltage per unit drive is h/g = (3/4) η sin Φ_c e^{−l_c}, Φ_c = b √3 l_c²/4, so the optimal-triad
estimate is ``θ_H ≈ C (3/4) η sin Φ_c e^{−l_c}``: the Hall angle has half the conductivity's exponent
(μ_H ∝ e^{−ξ_c/2}, ξ_c = 2 l_c/a_b) and a prefactor C of order one that the model does not fix.
:func:`percolation_comparison` fits the simulated ln|θ_H/b| against l_c and compares.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence

import numpy as np
from scipy import constants as C

from ..percolation import critical_length
from .hall import ETA_TYPICAL, hall

__all__ = ["flux_of_field", "eta_of", "optimal_triad_mobility", "percolation_comparison", "hall_si_estimate",
           "FIELDS_TESLA"]

#: the fields of the SI estimate (tesla)
FIELDS_TESLA = (0.1, 0.5, 1.0, 2.0, 5.0)


def flux_of_field(field_tesla, a_b: float = 10e-9):
    """b = e B a_b²/ħ (dimensionless) for a field in tesla and a_b in m."""
    return np.asarray(field_tesla, dtype=float) * C.e * a_b ** 2 / C.hbar


def eta_of(j0: float, tau0: float) -> float:
    """η = ħ/(J0 τ0) for J0 in J and τ0 in s."""
    return C.hbar / (j0 * tau0)


def optimal_triad_mobility(site_density: float, eta: float = ETA_TYPICAL, flux: float | None = None) -> float:
    """θ_H/b of one equilateral critical triad: (3/4) η e^{−l_c} sin(b √3 l_c²/4)/b (b → 0: × √3 l_c²/4),
    in units of e a_b²/ħ."""
    lc = critical_length(site_density)
    area = math.sqrt(3) * lc * lc / 4
    phase = area if flux is None or flux == 0 else math.sin(flux * area) / flux
    return 0.75 * eta * math.exp(-lc) * phase


def percolation_comparison(densities: Sequence[float], mobilities: Sequence[Sequence[float]],
                           eta: float = ETA_TYPICAL) -> dict:
    """Compare simulated linear Hall mobilities (one list of per-seed values per density, e a_b²/ħ) with
    the optimal-triad estimate: the weighted fit ln|μ_H| = a − κ l_c (κ = 1 in the optimal-triad model up to
    the l_c² of its phase, i.e. an effective κ_opt = 1 − 2/l_c), the ratio μ_H/μ_opt per density, the sign."""
    dens = np.asarray(densities, dtype=float)
    lc = np.array([critical_length(d) for d in dens])
    mean = np.array([np.mean(m) for m in mobilities])
    err = np.array([np.std(m, ddof=1) / math.sqrt(len(m)) if len(m) > 1 else abs(np.mean(m)) * 0.1
                    for m in mobilities])
    y = np.log(np.abs(mean))
    sig = np.maximum(err / np.abs(mean), 1e-3)
    w = 1.0 / sig ** 2
    A = np.column_stack([np.ones_like(lc), -lc])
    cov = np.linalg.inv(A.T @ (w[:, None] * A))
    coef = cov @ (A.T @ (w * y))
    opt = np.array([optimal_triad_mobility(d, eta) for d in dens])
    ln_opt = np.log(opt)
    kappa_opt = float(-np.polyfit(lc, ln_opt, 1)[0])
    return {"site_density": dens.tolist(), "critical_length": lc.tolist(), "mobility": mean.tolist(),
            "mobility_error": err.tolist(), "optimal_triad": opt.tolist(), "ratio": (mean / opt).tolist(),
            "exponent": float(coef[1]), "exponent_error": float(math.sqrt(cov[1, 1])),
            "exponent_optimal_triad": kappa_opt, "sign": int(np.sign(mean[np.argmax(np.abs(mean))])),
            "all_same_sign": bool(np.all(np.sign(mean) == np.sign(mean[0])))}


def hall_si_estimate(params=None, fields_tesla: Sequence[float] = FIELDS_TESLA, sites: int = 20000,
                     seeds: Sequence[int] = (0, 1), site_density_ab2: float | None = None, with_spin: bool = True,
                     progress: Callable[[str], None] | None = None) -> dict:
    """Hall mobility, Hall coefficient, Hall density and the field-odd CISP in SI for ``params``
    (:class:`numerics.estimates.Parameters`, default the paper's typical set) at ``fields_tesla``.

    The simulation runs at n_s a_b² of the parameters (0.2 for the typical set, beyond the 1.5 l_c cut-off's
    validity: a warning says so) unless ``site_density_ab2`` is given; η = ħ/(J0 τ0) and b = e B a_b²/ħ of the
    parameters.  Returns a dict of lists (one entry per field; mean and standard deviation over seeds)."""
    from ..estimates import P, Parameters, resistivity, trace_beta2
    from .spin import flux_cisp

    p = params if params is not None else Parameters.typical()
    say = progress or (lambda msg: None)
    density = float(site_density_ab2) if site_density_ab2 is not None else p.n_s * p.a_b ** 2
    eta = eta_of(p.J0, p.tau0)
    fields = np.asarray(fields_tesla, dtype=float)
    flux = flux_of_field(fields, p.a_b)
    unit_mobility = C.e * p.a_b ** 2 / C.hbar                       # m²/(V s) per unit θ/b
    rho = resistivity(p.replace(n_s=density / p.a_b ** 2)) if site_density_ab2 is not None else resistivity(p)
    angles, odd_f, even_f = [], [], []
    tau_ratio = p.tau_s / p.tau0
    for seed in seeds:
        say(f"Hall estimate: n_s a_b^2 = {density:g}, seed {seed}, b = {', '.join(f'{b:.3g}' for b in flux)}")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = hall(site_density=density, sites=sites, seed=seed, flux=flux, eta=eta, order=1)
            angles.append(res.hall_angle)
            if with_spin:
                sp = flux_cisp(site_density=density, sites=sites, seed=seed, tau_s=(tau_ratio,),
                               flux=np.concatenate([flux, -flux]), eta=eta)
                odd_f.append(sp.f_x_odd[:flux.size, 0])
                even_f.append(sp.f_y[:flux.size, 0])
    angles = np.array(angles)
    mu = angles / flux[None, :] * unit_mobility
    r_h = mu * rho
    out = {"fields_tesla": fields.tolist(), "flux": flux.tolist(), "site_density_ab2": density, "eta": eta,
           "resistivity_ohm": rho, "hall_angle": angles.mean(axis=0).tolist(),
           "hall_angle_std": angles.std(axis=0, ddof=1).tolist() if len(seeds) > 1 else [0.0] * flux.size,
           "hall_mobility_m2_per_Vs": mu.mean(axis=0).tolist(),
           "hall_mobility_std": mu.std(axis=0, ddof=1).tolist() if len(seeds) > 1 else [0.0] * flux.size,
           "hall_coefficient_m2_per_C": r_h.mean(axis=0).tolist(),
           "hall_density_per_m2": (1.0 / (C.e * np.abs(r_h.mean(axis=0)))).tolist(),
           "carrier_density_per_m2": p.n, "units": {"hall_mobility": "m^2/(V s)", "hall_coefficient": "m^2/C",
                                                    "hall_density": "1/m^2", "resistivity": "Ohm (sheet)"}}
    if with_spin:
        tr = trace_beta2(p.beta)
        common = p.tau_s * P(p) * tr * p.E
        odd, even = np.array(odd_f), np.array(even_f)
        out["f_x_odd"] = odd.mean(axis=0).tolist()
        out["s_x_odd"] = (common * p.beta_yx * odd.mean(axis=0)).tolist()
        out["s_y"] = (common * p.beta_xy * even.mean(axis=0)).tolist()
        out["tau_s_over_tau0"] = tau_ratio
    return out
