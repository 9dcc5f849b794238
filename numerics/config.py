"""One frozen configuration of a simulation, validated in one place.

Every entry point (``hopspin.simulate``, ``hopspin.cisp_tensor``, ``hopspin.spin_galvanic``,
``hopspin.run_sweep``, …) takes ``config=None, **overrides``: a :class:`SimulationConfig` (or none,
for the defaults) and keyword overrides of its fields.  Unknown keywords, values of the wrong type
and values outside their valid range raise :class:`hopspin.errors.ParameterError` naming the
parameter and the range, before any work starts::

    cfg = SimulationConfig(site_density=0.01, sites=20000, tau_s=(0, 1e3))
    simulate(cfg, seed=3)            # the same sample family, another seed

Units: the site density as n_s a_b², lengths in a_b, times in τ0, β in ħ²/(m a_b).
"""
from __future__ import annotations

import dataclasses
import math
import numbers
import warnings
from dataclasses import dataclass

import numpy as np

from hopspin.errors import HopspinWarning, ParameterError

from .energies import ENERGY_DISORDER_MAX, ENERGY_DISTRIBUTIONS, check_site_energies
from .percolation import critical_length, sample_size_verdict
from .sample import Sample, random_sample
from .spin_orbit import as_beta

__all__ = ["SimulationConfig", "resolve_config", "MIN_SITES", "MAX_SITES", "VALID_DENSITY_MAX", "TAU_S_GRID_MAX"]

MIN_SITES = 20
#: sites of one sample: the memory model of numerics.solvers.memory refuses what does not fit long before
MAX_SITES = 10**9
#: the 1.5 l_c cut-off is acceptable below this density (paper, S5C)
VALID_DENSITY_MAX = 0.1
#: largest number of τ_s values in one run
TAU_S_GRID_MAX = 10_000


def _real(name: str, value, lo: float, hi: float = math.inf, lo_open: bool = False, hi_open: bool = False,
          allow_inf: bool = False) -> float:
    """``value`` as a float in the range, or a ParameterError naming ``name`` and the range."""
    lb, rb = "(" if lo_open else "[", ")" if hi_open or hi == math.inf else "]"
    rng = f"{lb}{lo:g}, {'inf' if hi == math.inf else f'{hi:g}'}{rb}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, str)):
        raise ParameterError(f"{name} must be a number in {rng}, got {value!r}", parameter=name)
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError(f"{name} must be a number in {rng}, got {value!r}", parameter=name) from None
    bad = math.isnan(v) or (math.isinf(v) and not allow_inf) or v < lo or v > hi \
        or (lo_open and v == lo) or (hi_open and v == hi)
    if bad:
        raise ParameterError(f"{name} must lie in {rng}, got {value!r}", parameter=name)
    return v


def _integer(name: str, value, lo: int, hi: int | None = None, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and not isinstance(value, bool) and float(value).is_integer():
            value = int(value)  # 20000.0 is the integer 20000; 3.5 is refused below
        else:
            rng = f">= {lo}" if hi is None else f"in [{lo}, {hi}]"
            raise ParameterError(f"{name} must be an integer {rng}{' or None' if allow_none else ''}, "
                                 f"got {value!r}", parameter=name)
    v = int(value)
    if v < lo or (hi is not None and v > hi):
        rng = f">= {lo}" if hi is None else f"in [{lo}, {hi}]"
        raise ParameterError(f"{name} must be an integer {rng}, got {value!r}", parameter=name)
    return v


def _tau_grid(value) -> tuple[float, ...]:
    items = [value] if isinstance(value, (numbers.Real, str)) else value
    try:
        items = list(items)
    except TypeError:
        raise ParameterError(f"tau_s must be one or more spin relaxation times >= 0 (in tau_0, inf allowed), "
                             f"got {value!r}", parameter="tau_s") from None
    if not items:
        raise ParameterError("tau_s must hold at least one spin relaxation time (in tau_0)", parameter="tau_s")
    if len(items) > TAU_S_GRID_MAX:
        raise ParameterError(f"tau_s holds {len(items)} values; at most {TAU_S_GRID_MAX} per run", parameter="tau_s")
    return tuple(_real("tau_s", t, 0.0, allow_inf=True) for t in items)


@dataclass(frozen=True)
class SimulationConfig:
    """Parameters of one simulated sample and of its solves.

    Attributes
    ----------
    site_density : float
        n_s a_b², in (0, 1); the paper's range is 0.002–0.1 (a warning above 0.1, where the
        1.5 l_c cut-off is outside the paper's range of validity).
    sites : int
        N, sites in the L × L sample (L = √(N/n_s) a_b), at least 20.
    seed : int or None
        Seed of ``numpy.random.default_rng``: the same seed gives the identical sample and result.
    hop_cutoff : float
        Bond cut-off in units of l_c = 1.19847/√(n_s a_b²) (≥ 1; the paper's 1.5).
    beta : 3×2 nested tuple or None
        Spin-orbit matrix in ħ²/(m a_b) (rows spin x, y, z; columns k_x, k_y); None is the unit [001]
        model β_xy = β_yx = 1 in which f is defined.  A string is parsed (``"rd:0.3,1"``, a matrix).
    tau_s : tuple of float
        Spin relaxation times in τ0, each in [0, ∞] (both ends included).
    engine : str
        Exact engine of every solve (:data:`numerics.solvers.ENGINES`).
    threads : int or None
        Threads of one run (None: all cores; 1: one core, no BLAS threads).
    energy_disorder : float
        W/k_BT ≥ 0, the spread of the site energies in units of k_BT (0: every site at the same energy,
        the paper's model).  Non-degenerate (Boltzmann) statistics, Miller–Abrahams rates
        (:mod:`numerics.energies`, derivations/d12).
    energy_distribution : str
        ``"uniform"`` (width W) or ``"gaussian"`` (r.m.s. W).
    site_energies : tuple of float or None
        Energies of the N sites in k_BT, instead of a drawn distribution (then energy_disorder must be 0).
    """

    site_density: float = 0.01
    sites: int = 20_000
    seed: int | None = 0
    hop_cutoff: float = 1.5
    beta: tuple | None = None
    tau_s: tuple = (0.0,)
    engine: str = "multifrontal"
    threads: int | None = None
    energy_disorder: float = 0.0
    energy_distribution: str = "uniform"
    site_energies: tuple | None = None

    def __post_init__(self):
        from .solvers.engines import ENGINES

        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731  (frozen dataclass)
        set_("site_density", _real("site_density", self.site_density, 0.0, 1.0, lo_open=True, hi_open=True))
        set_("sites", _integer("sites", self.sites, MIN_SITES, MAX_SITES))
        set_("seed", _integer("seed", self.seed, 0, allow_none=True))
        set_("hop_cutoff", _real("hop_cutoff", self.hop_cutoff, 1.0, 10.0))
        if self.beta is not None:
            set_("beta", tuple(tuple(float(x) for x in row) for row in as_beta(self.beta)))
        set_("tau_s", _tau_grid(self.tau_s))
        if self.engine not in ENGINES:
            raise ParameterError(f"engine must be one of {', '.join(ENGINES)}, got {self.engine!r}", parameter="engine")
        set_("threads", _integer("threads", self.threads, 1, 4096, allow_none=True))
        set_("energy_disorder", _real("energy_disorder", self.energy_disorder, 0.0, ENERGY_DISORDER_MAX))
        if self.energy_distribution not in ENERGY_DISTRIBUTIONS:
            raise ParameterError(f"energy_distribution must be one of {', '.join(ENERGY_DISTRIBUTIONS)}, got "
                                 f"{self.energy_distribution!r}", parameter="energy_distribution")
        if self.site_energies is not None:
            if self.energy_disorder:
                raise ParameterError("give either energy_disorder or site_energies, not both",
                                     parameter="site_energies")
            set_("site_energies", tuple(float(e) for e in check_site_energies(self.site_energies, self.sites)))

    # ------------------------------------------------------------------ derived
    @property
    def beta_matrix(self) -> np.ndarray:
        """β as a (3, 2) array (the unit [001] model if ``beta`` is None)."""
        return as_beta(None if self.beta is None else np.array(self.beta))

    @property
    def tau_s_array(self) -> np.ndarray:
        return np.array(self.tau_s, dtype=np.float64)

    @property
    def critical_length(self) -> float:
        """l_c in a_b."""
        return critical_length(self.site_density)

    @property
    def side(self) -> float:
        """L = √(N/n_s) in a_b."""
        return math.sqrt(self.sites / self.site_density)

    @property
    def has_energies(self) -> bool:
        """Whether the sites carry energies (energy disorder or a user array)."""
        return bool(self.energy_disorder) or self.site_energies is not None

    def sample(self) -> Sample:
        """The random sample of this configuration (positions, and energies if any; seeded)."""
        return random_sample(self.site_density, self.sites, self.seed, energy_disorder=self.energy_disorder,
                             energy_distribution=self.energy_distribution, site_energies=self.site_energies)

    def replace(self, **changes) -> SimulationConfig:
        """A copy with some fields changed (validated again; unknown names refused)."""
        return resolve_config(self, changes)

    def parameters(self) -> dict:
        """The fields as plain JSON-ready values (β as a nested list or None)."""
        d = dataclasses.asdict(self)
        d["beta"] = None if self.beta is None else [list(r) for r in self.beta]
        d["tau_s"] = list(self.tau_s)
        if self.site_energies is not None:   # the array itself is the user's; the record says what it was
            e = np.asarray(self.site_energies)
            d["site_energies"] = {"sites": int(e.size), "mean": float(e.mean()), "rms": float(e.std())}
        return d

    def model_warnings(self) -> list[str]:
        """Broken modelling assumptions (also issued as :class:`hopspin.errors.HopspinWarning` by
        :meth:`check`): density above the cut-off's validity, a sample small against the critical
        subnetwork.  Raises :class:`hopspin.errors.ParameterError` for a sample far too small to mean
        anything (the rule: :func:`numerics.percolation.sample_size_verdict`)."""
        notes = []
        if self.site_density > VALID_DENSITY_MAX:
            notes.append(f"site_density {self.site_density:g} > {VALID_DENSITY_MAX}: the {self.hop_cutoff:g} l_c "
                         "cut-off is outside the paper's range of validity (n_s a_b^2 < 0.1)")
        verdict = sample_size_verdict(self.site_density, self.sites)
        if verdict.refuse:
            raise ParameterError(verdict.message, parameter="sites")
        if verdict.message:
            notes.append(verdict.message)
        return notes

    def check(self) -> SimulationConfig:
        """Issue :meth:`model_warnings` as warnings; returns ``self``."""
        for note in self.model_warnings():
            warnings.warn(note, HopspinWarning, stacklevel=3)
        return self


def resolve_config(config, overrides: dict, cls=SimulationConfig, default=None):
    """``config`` (default: ``default(**overrides)``, or ``cls(**overrides)``) with ``overrides`` applied
    and validated — the one implementation of ``config=None, **overrides`` for every config dataclass
    (:class:`SimulationConfig`, :class:`numerics.estimates.Parameters`, …).

    Raises :class:`hopspin.errors.ParameterError` for a keyword that is not a field of ``cls`` or a
    ``config`` of another type.
    """
    names = [f.name for f in dataclasses.fields(cls)]
    unknown = sorted(set(overrides) - set(names))
    if unknown:
        raise ParameterError(f"unknown parameter{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                             f"valid: {', '.join(names)}", parameter=unknown[0])
    if config is None:
        return (default or cls)(**overrides)
    if not isinstance(config, cls):
        raise ParameterError(f"config must be a {cls.__module__}.{cls.__name__} or None, got {type(config).__name__}",
                             parameter="config")
    return dataclasses.replace(config, **overrides) if overrides else config
