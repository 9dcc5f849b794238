"""The whole estimate as one JSON-ready record (``hopspin estimate``), and f from small simulations."""

from __future__ import annotations

import math
import warnings

import numpy as np

from hopspin.errors import ParameterError

from .estimates import (SI_UNITS, P, critical_length, crossover_estimate, drift_spin_current, factors,
                        is_001_form, resistivity, sigma_cisp, sigma_she, sigma_sge, site_density_ab2,
                        spin_polarization, trace_beta2, _field_vector)
from .parameters import Parameters

__all__ = ["estimate", "simulated_f"]


def simulated_f(site_density: float, tau_s_over_tau0: float, seeds=(0, 1, 2), sites: int = 20000,
                energy_disorder: float = 0.0) -> dict:
    """f(n_s, τ_s) and f(n_s, 0) from small runs of :func:`numerics.simulate.simulate` (site energies uniform
    of width ``energy_disorder`` = W/k_BT when > 0).

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
            r = simulate(site_density=site_density, sites=sites, seed=seed, tau_s=[0.0, float(tau_s_over_tau0)],
                         energy_disorder=energy_disorder)
        f0s.append(float(r.f[0]))
        fs.append(float(r.f[1]))
    return {"f": float(np.mean(fs)), "f0": float(np.mean(f0s)), "f_std": float(np.std(fs)),
            "f0_std": float(np.std(f0s)), "seeds": list(seeds), "sites": int(sites), "energy_disorder": energy_disorder,
            "per_seed": [[a, b] for a, b in zip(fs, f0s)]}


def estimate(config: Parameters | None = None, *, f: float | None = None, f0: float | None = None,
             crossover_resistivity: float | None = None, **overrides) -> dict:
    """All estimates for the parameters, JSON-ready, in SI units (see :data:`SI_UNITS`).

    Parameters
    ----------
    config : Parameters, optional
        The physical parameters (default: the paper's typical set, :meth:`Parameters.typical`);
        validated here (:class:`hopspin.errors.HopspinWarning` for broken assumptions).
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
    **overrides
        Fields of :class:`Parameters` in SI units (e.g. ``n_s=1e15, tau_s=1e-7``); unknown names raise
        :class:`hopspin.errors.ParameterError`.
    """
    params = _resolve_parameters(config, overrides)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        params.validate()
    for w in caught:  # re-emit for the caller, and keep them in the record
        warnings.warn(w.message, w.category, stacklevel=2)
    source = "given" if f is not None else "assumed 1.0 (paper: f(n_s, 0) ~ 1.0)"
    f = 1.0 if f is None else float(f)
    f0 = f if f0 is None else float(f0)
    if not (math.isfinite(f) and math.isfinite(f0)):
        raise ParameterError(f"f must be a finite number, got f = {f}, f0 = {f0}")
    s_vec, s = spin_polarization(params, f)
    if not (s <= 0.5):   # a carrier's spin is at most 1/2: the inputs are outside the theory's range
        worst = max(params.small_parameters().items(), key=lambda kv: kv[1][0])
        raise ParameterError(f"the linear-response polarization s = {s:.3g} exceeds 1/2, the most a carrier's spin "
                             f"can be: the inputs are outside the theory's range ({worst[0]} = {worst[1][0]:.3g} "
                             f"should be << 1; set by {worst[1][1]})", parameter=worst[0])
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


def _resolve_parameters(config, overrides) -> Parameters:
    from ..config import resolve_config

    return resolve_config(config, overrides, Parameters, default=Parameters.typical)
