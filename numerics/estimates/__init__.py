"""Estimates in SI units: the unit boundary (``units``, pint), the physical ``parameters``, the
``estimates`` of Eqs. (10), (13)–(16), (S28)–(S30), the Zeeman-field ``zeeman`` estimates and the whole
``record`` of ``hopspin estimate``."""
from .estimates import (SI_UNITS, P, cisp_structure, crossover_estimate, drift_spin_current, factors,
                        kkm_spin_polarization, resistivity, sigma_cisp, sigma_she, sigma_sge, spin_polarization)
from .record import estimate, simulated_f
from .parameters import (CUTOFF_DENSITY_MAX, Parameters, critical_length, is_001_form, site_density_ab2,
                         trace_beta2)
from .zeeman import drift_precession_ratio, hanle_half_width, larmor_frequency, zeeman_estimate

__all__ = ["Parameters", "SI_UNITS", "CUTOFF_DENSITY_MAX", "P", "cisp_structure", "critical_length",
           "crossover_estimate", "drift_spin_current", "estimate", "factors", "is_001_form", "kkm_spin_polarization",
           "resistivity", "sigma_cisp", "sigma_she", "sigma_sge", "simulated_f", "site_density_ab2",
           "spin_polarization", "trace_beta2", "drift_precession_ratio", "hanle_half_width", "larmor_frequency",
           "zeeman_estimate"]
