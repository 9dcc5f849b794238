"""``hanle``: CISP, SGE and spin-Hall tensors of one sample in a Zeeman field, for a grid of fields and τ_s.

The sample is built once; the field along x uses its network, the field along y the same sample rotated
by 90° (as :func:`numerics.tensor.cisp_tensor`; spin axes do not rotate, so neither does the Larmor vector).
One Kirchhoff solve and one triad sum per current direction serve every field and τ_s; the spin problems are
solved by :func:`numerics.field.response.field_response` (one real factorisation per τ_s, one complex per
(τ_s, |ω|), shared by both current directions when they keep the same cluster).  At B = 0 every tensor is the
zero-field one of ``cisp_tensor`` (same sample, to rounding).

**Scope** (``derivations/d10_zeeman.py`` items 1–4): the field enters only the spin dynamics (Larmor precession
of the non-equilibrium spin S); the equilibrium Zeeman polarization s0 = −μ_B ĝB/4k_BT and effects of relative
order gμ_BB/k_BT are dropped.  The largest dropped term, the drift of s0 in the hop spin-orbit field (first order
in β), exceeds the β³ CISP by far for the paper's typical parameters (:func:`drift_note`), so these tensors are
the non-equilibrium part at the paper's order β³; the s0 term adds through the total spin only.

**Orbital part** (``orbital=True``, issue 14): the field B (in tesla) also threads the layer with the flux density
b = e B_z a_b²/ħ (only B_z acts orbitally), so every triad carries Φ_ikj = b A_ikj: Hall-shifted currents, cos Φ
spin sources, the spin-Hall transport M⁰ and the field-odd precession M¹, solved with the Larmor term by
:func:`numerics.field.orbital.orbital_response` (exact in Φ and in η = ħ/(J0 τ0), β³ in the spin response, M¹ at
β¹η in both channels).  ``zeeman=False`` drops the Larmor term (orbital only).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field as dc_field

import numpy as np

from hopspin.errors import ParameterError

from ..config import SimulationConfig, resolve_config
from ..network import build_network
from ..results import Quantity, ResultSchema, json_safe
from ..sample import random_sample
from ..tensor import ROTATION, rotate_sample
from .inputs import DEFAULT_TAU0, field_direction as _dir, g_tensor, larmor_vectors
from .response import CurrentRun, FieldResponse, field_response

__all__ = ["HanleResult", "hanle", "current_runs", "check_config", "drift_note", "orbital_inputs", "DEFAULT_A_B"]

#: default localization radius a_b (m) of the orbital flux b = e B_z a_b²/ħ (the paper's typical 10 nm)
DEFAULT_A_B = 10e-9
_J0_TYPICAL = 10e-3 * 1.602176634e-19           # J0 = 10 meV (the paper's), for the default η = ħ/(J0 τ0)
_ORBITAL_NOTE = (" Orbital part: the flux b = e B_z a_b^2/hbar in every triad (Hall-shifted currents, cos Phi sources, "
                 "spin-Hall transport M0 and field-odd precession M1, exact in Phi and eta, beta^3 in the spin "
                 "response); not kept: M2 on the separated spin, M on the in-plane spin (beta^4), the second line of "
                 "(S10) in the field.")


def drift_note() -> str:
    """The scope note carried by every result, with the dropped-term ratio computed (numerics.estimates)."""
    from ..estimates.zeeman import drift_precession_ratio
    lo, hi = (drift_precession_ratio(None, b, 0.44)["generation_ratio"] for b in (2.58e-4, 1e-2))
    return ("Zeeman field in the spin dynamics only (Larmor precession of the non-equilibrium spin): the CISP/SGE/SHE "
            "here are the non-equilibrium part at the paper's order beta^3. The neglected drift of the equilibrium "
            f"polarization s0 = -mu_B g B/4k_BT in the hop spin-orbit field is {lo:.0f}x (0.26 mT, Omega_L tau_s = 1) "
            f"to {hi:.0f}x (10 mT) the beta^3 CISP for the paper's typical parameters (|g| = 0.44, T = 4 K; "
            "derivations/d10_zeeman.py item 3, hopspin estimate --magnetic-field).")


_DIMS = ("tau_s", "field", "spin", "electric_field")


@dataclass
class HanleResult(ResultSchema):
    """Tensors of one sample for every τ_s (K) and field (F), normalisation of :mod:`numerics.tensor`.

    Attributes
    ----------
    tau_s : (K,) in τ0;  field : (F,) field values as given (ω_L τ0, or B in tesla: ``field_unit``)
    omega : (F, 3) Larmor vectors ω = Ω_L τ0;  field_direction : (3,) unit vector (of B, or of Ω_L for bare ω)
    cisp : (K, F, 3, 2) s(B) (spin × electric-field direction; zero field: Tr β² βᵀ f for [001])
    generation : (K, F, 3, 2) R(B) = τ_s × spin generation (CISP = ε(ε − ω×)⁻¹R)
    sge : (K, F, 2, 3) spin-galvanic current per unit uniform spin (current × spin), its own route; = R(−B)ᵀ
    she : (K, F, 3, 2, 2) spin current (spin × flow × electric-field direction; zero field: ĉ ⊗ spin_current)
    cisp_drift : (3, 2);  axis : ĉ;  beta (3, 2);  g_factor (g_∥, g_⊥) or None;  tau0 (s) or None
    onsager_casimir_error : max |SGE(B) − R(−B)ᵀ| / max |R| over the run;  max_backward_error(_complex) :
    of every real (complex) shifted solve;  max_conservation_error : Kirchhoff;  kkm_error, gauge_error
    flux : (F,) b = e B_z a_b²/ħ per field with ``orbital`` (else None);  eta (η = ħ/(J0 τ0)), localization_radius (m)
    of the orbital part;  orbital, zeeman : which parts of the field act
    note : scope of the result (:func:`drift_note`);  response : the :class:`FieldResponse` (maps with keep_fields)
    Columns of a current direction not computed (``currents``) are NaN (null in JSON).
    """

    site_density: float
    sites: int
    seed: int | None
    tau_s: np.ndarray
    field: np.ndarray
    field_unit: str
    omega: np.ndarray
    field_direction: np.ndarray
    cisp: np.ndarray
    generation: np.ndarray
    sge: np.ndarray
    she: np.ndarray
    cisp_drift: np.ndarray
    axis: np.ndarray
    beta: np.ndarray
    onsager_casimir_error: float
    max_backward_error: float
    max_backward_error_complex: float
    max_conservation_error: float
    kkm_error: float
    gauge_error: float
    currents: tuple = ("x", "y")
    g_factor: tuple | None = None
    tau0: float | None = None
    note: str = ""
    flux: np.ndarray | None = None
    eta: float | None = None
    localization_radius: float | None = None
    orbital: bool = False
    zeeman: bool = True
    timings: dict = dc_field(default_factory=dict)
    response: FieldResponse | None = dc_field(default=None, repr=False)
    config: SimulationConfig | None = dc_field(default=None, repr=False)

    QUANTITIES = (
        Quantity("cisp", _DIMS, "1", "CISP tensor s(B) in the normalisation of f (Eq. 13; B = 0: Tr(beta^2) beta^T f)"),
        Quantity("generation", _DIMS, "1", "tau_s x spin generation R(B); cisp = eps (eps - omega x)^-1 generation"),
        Quantity("sge", ("tau_s", "field", "current", "spin"), "1", "spin-galvanic current per unit uniform spin, own "
                 "route, units 4 k_B T n / tau_s of the CISP normalisation; Onsager-Casimir: = generation(-B)^T"),
        Quantity("she", ("tau_s", "field", "spin", "flow", "electric_field"), "1", "spin current J (spin x flow) per "
                 "electric-field direction, normalisation of f (spin-Hall, Eq. 15; J = eps D - omega x D)"),
        Quantity("omega", ("field", "axis"), "1", "Larmor vector Omega_L tau_0"),
        Quantity("cisp_drift", ("spin", "electric_field"), "1", "drift part (S42) of the CISP tensor (field-free)"),
        Quantity("separation_axis", ("axis",), "1", "direction of the separated spin c/|c|", attr="axis"),
        Quantity("onsager_casimir_error", (), "1", "max |sge(B) - generation(-B)^T| / max |generation|"),
        Quantity("max_backward_error", (), "1", "largest backward error of the real-shift solves"),
        Quantity("max_backward_error_complex", (), "1", "largest backward error of the complex-shift solves"),
        Quantity("max_conservation_error", (), "1", "largest node-current imbalance / I_total (Kirchhoff)"),
        Quantity("kkm_error", (), "1", "relative violation of KKM (10) by the drift parts"),
        Quantity("gauge_error", (), "1", "rounding of the SGE gauge identity direct + I(2 p_c) = 0"),
    )
    COORDS = {"tau_s": ("tau_s", "tau_0", "spin relaxation time"),
              "field": ("field", "1", "field value (omega_L tau_0, or tesla: see field_unit)"),
              "spin": (None, "1", "spin component"), "electric_field": (None, "1", "direction of the electric field"),
              "current": (None, "1", "direction of the current"), "flow": (None, "1", "direction of the spin flow"),
              "axis": (None, "1", "Cartesian axis")}
    LABELS = {"spin": ["x", "y", "z"], "electric_field": ["x", "y"], "current": ["x", "y"], "flow": ["x", "y"],
              "axis": ["x", "y", "z"]}

    def parameters(self) -> dict:
        base = self.config.parameters() if self.config is not None else {}
        return {**base, "site_density": self.site_density, "sites": self.sites, "seed": self.seed,
                "field_unit": self.field_unit, "field_direction": self.field_direction.tolist(),
                "g_factor": None if self.g_factor is None else list(self.g_factor), "tau0_seconds": self.tau0,
                "beta": self.beta.tolist(), "currents": list(self.currents), "note": self.note,
                "timings": {k: round(v, 4) for k, v in self.timings.items()},
                **({"orbital": self.orbital, "zeeman": self.zeeman, "eta": self.eta,
                    "localization_radius_m": self.localization_radius} if self.orbital or not self.zeeman else {})}

    def _field_units(self) -> str:
        return "T" if self.field_unit == "T" else "omega_L tau_0"

    def to_record(self) -> dict:
        rec = super().to_record()
        rec["units"]["field"] = self._field_units()
        return rec

    def to_xarray(self):
        ds = super().to_xarray()
        ds["field"].attrs["units"] = self._field_units()
        return ds

    def to_records(self) -> list[dict]:
        """One strict-JSON record per τ_s (``hopspin hanle --json``): "field" (F), "cisp" (F × 3 × 2),
        "sge" (F × 2 × 3), "she" (F × 3 × 2 × 2), "generation", "omega_L_tau0" (F × 3), diagnostics."""
        head = self.attrs()
        units = {"field": self._field_units(), "cisp": "1", "sge": "1", "she": "1",
                 "generation": "1", "omega_L_tau0": "1", "tau_s": "tau_0", **({"flux": "1"} if self.orbital else {})}
        out = []
        for k, t in enumerate(self.tau_s):
            out.append(json_safe({**head, "tau_s": float(t), "field": self.field, "omega_L_tau0": self.omega,
                                  "cisp": self.cisp[k], "sge": self.sge[k], "she": self.she[k],
                                  "generation": self.generation[k], "cisp_drift": self.cisp_drift,
                                  "separation_axis": self.axis, "onsager_casimir_error": self.onsager_casimir_error,
                                  "max_backward_error": self.max_backward_error,
                                  "max_backward_error_complex": self.max_backward_error_complex,
                                  "max_conservation_error": self.max_conservation_error, "units": units,
                                  **({"flux": self.flux} if self.orbital else {})}))
        return out

    def separated_spin(self, k: int, f: int, run: int = 0) -> np.ndarray:
        """(M, 3) separated spin S̃ per site at τ_s[k], field[f] (keep_fields=True), in the run's network order."""
        from .vectors import lift, unit_or_none
        if self.response is None or run not in self.response.maps:
            raise ParameterError("the per-site maps need keep_fields=True", parameter="keep_fields")
        t_par, t_perp = self.response.maps[run]
        bhat, _ = unit_or_none(self.omega[f])
        par = t_par[k, f] if t_par.ndim == 3 else t_par[k]         # orbital: T_∥ depends on the flux
        return lift(self.axis, bhat, par, t_perp[k, f]).T


def check_config(cfg: SimulationConfig) -> SimulationConfig:
    """Refuse what the field solves do not implement (one line naming the parameter)."""
    if getattr(cfg, "has_energies", False):
        raise ParameterError("hanle does not take site energies yet (energy_disorder must be 0, site_energies None): "
                             "the field solves use the equal-energy (S43) operator", parameter="energy_disorder")
    if cfg.engine != "multifrontal":
        raise ParameterError("hanle solves with the multifrontal engine (complex shifts); engine (--solver) must be "
                             "'multifrontal'", parameter="engine")
    return cfg


def current_runs(sample, cfg: SimulationConfig, currents=("x", "y"), beta=None, progress=None) -> list[CurrentRun]:
    """The :class:`CurrentRun` of each current direction (network, analysis, Kirchhoff, triad sums)."""
    say = progress or (lambda msg: None)
    beta = cfg.beta_matrix if beta is None else np.asarray(beta, dtype=float)
    runs = []
    for label in currents:
        smp, b, frame = (sample, beta, np.eye(2)) if label == "x" else (rotate_sample(sample), beta @ ROTATION.T,
                                                                        ROTATION)
        net = build_network(smp, hop_cutoff=cfg.hop_cutoff)
        # the spin analysis is needed once (the runs usually share the cluster): prefetch it for the first only
        run = CurrentRun.solve(net, b, frame=frame, label=label, threads=cfg.threads,
                               prefetch=not runs and cfg.threads != 1)
        kir = run.kirchhoff
        say(f"current along {label}: {net.positions.shape[0]} cluster sites, {net.bonds.shape[0]} bonds, "
            f"I_total = {kir.total_current:.3e}, conservation {kir.max_conservation_error:.1e}")
        runs.append(run)
    return runs


def orbital_inputs(values, unit, direction, tau0=None, *, orbital=False, zeeman=True, localization_radius=None,
                   eta=None):
    """(flux (F,) or None, η or None, a_b (m) or None) of the field's orbital part; one-line errors naming the parameter.

    b = e B_z a_b²/ħ with B_z the growth-axis component of the field vector (tesla); η defaults to ħ/(J0 τ0) with
    the paper's J0 = 10 meV and the τ0 of the Larmor conversion (10 ps: :data:`numerics.flux.hall.ETA_TYPICAL`)."""
    from ..flux.estimates import flux_of_field
    from ..flux.hall import FLUX_MAX, check_eta
    if not orbital:
        if not zeeman:
            raise ParameterError("zeeman=False leaves no field term: use it with orbital=True (--orbital)",
                                 parameter="zeeman")
        for name, v in (("localization_radius", localization_radius), ("eta", eta)):
            if v is not None:
                raise ParameterError(f"{name} applies only to the orbital part (orbital=True, --orbital)",
                                     parameter=name)
        return None, None, None
    if unit != "T":
        raise ParameterError("orbital=True needs the field with a unit (e.g. '0.5 T'): a bare omega_L tau_0 does not "
                             "say how large B_z is", parameter="field")
    a_b = DEFAULT_A_B if localization_radius is None else localization_radius
    if isinstance(a_b, str) or hasattr(a_b, "magnitude"):
        from ..estimates.units import parse_quantity
        a_b = parse_quantity(a_b if isinstance(a_b, str) else f"{a_b:~}", "[length]", "localization_radius")
    if isinstance(a_b, bool) or not isinstance(a_b, (int, float, np.floating)) or not 1e-10 <= float(a_b) <= 1e-6:
        raise ParameterError(f"localization_radius must be a length in [0.1 nm, 1 um] (e.g. '10 nm' or 1e-8 m), got "
                             f"{localization_radius!r}", parameter="localization_radius")
    tau = DEFAULT_TAU0 if tau0 is None else float(tau0)
    eta = check_eta(1.054571817e-34 / (_J0_TYPICAL * tau) if eta is None else eta)
    flux = flux_of_field(np.asarray(values, dtype=float) * _dir(direction)[2], float(a_b))
    if np.any(np.abs(flux) > FLUX_MAX):
        raise ParameterError(f"field: the flux b = e B_z a_b^2/hbar must stay within {FLUX_MAX:g}", parameter="field")
    return np.asarray(flux, dtype=float), eta, float(a_b)


def hanle(config: SimulationConfig | None = None, *, field, field_direction="x", g_factor=None, tau0=None,
          beta=None, currents=("x", "y"), with_sge: bool = True, keep_fields: bool = False, orbital: bool = False,
          zeeman: bool = True, localization_radius=None, eta: float | None = None,
          progress: Callable[[str], None] | None = None, **overrides) -> HanleResult:
    """CISP, SGE and spin-Hall tensors of one sample versus a Zeeman field (module doc).

    Parameters
    ----------
    config : SimulationConfig, optional
        Site density, sites, seed, cut-off, τ_s grid (``tau_s``), threads; ``engine`` must be multifrontal.
    field : number, sequence, pint quantity or text
        Field values: bare numbers are ω_L τ0 (the Larmor vector's magnitude along ``field_direction``);
        magnetic fields (``"2 mT"``, pint quantities) go through the g-tensor (:mod:`numerics.field.inputs`).
    field_direction : "x" | "y" | "z" | (θ, φ) degrees | 3-vector
    g_factor : g or (g_∥, g_⊥), optional — magnetic fields only (default −0.44 isotropic, GaAs-like)
    tau0 : float, optional — τ0 in seconds for magnetic fields (default 10 ps, the paper's typical value)
    beta : spin-orbit matrix, optional — overrides ``config.beta`` (default the unit [001] model)
    currents : ("x", "y") — electric-field directions computed (the other columns are NaN)
    with_sge : also the SGE by its own route;  keep_fields : keep the per-site maps (:meth:`HanleResult.separated_spin`)
    orbital : also the orbital flux b = e B_z a_b²/ħ of the same field (module doc; the field needs a unit)
    zeeman : the Larmor precession (False: orbital only)
    localization_radius : a_b of the orbital flux, metres or text ('10 nm'; default 10 nm) — orbital only
    eta : η = ħ/(J0 τ0) of the orbital terms (default: J0 = 10 meV and ``tau0``, 6.6e-3 at 10 ps) — orbital only
    progress : called with a message at each stage
    **overrides : fields of :class:`SimulationConfig`

    Returns
    -------
    HanleResult
        ``.to_xarray()``, ``.to_record()`` and ``.to_records()`` (per τ_s, the ``--json`` form).
    """
    if beta is not None:
        overrides = {**overrides, "beta": beta}
    cfg = resolve_config(config, overrides).check()
    check_config(cfg)
    currents = tuple(currents)
    if not currents or len(set(currents)) != len(currents) or not set(currents) <= {"x", "y"}:
        raise ParameterError(f"currents must be 'x', 'y' or both, got {currents!r}", parameter="currents")
    values, omega, unit = larmor_vectors(field, field_direction, g_factor, tau0)
    flux, eta, a_b = orbital_inputs(values, unit, field_direction, tau0, orbital=orbital, zeeman=zeeman,
                                    localization_radius=localization_radius, eta=eta)
    if orbital:
        from ..flux.hall import check_equal_energies
        check_equal_energies(cfg)
    if not zeeman:
        omega = np.zeros_like(omega)
    say = progress or (lambda msg: None)
    t0 = time.perf_counter()
    sample = random_sample(cfg.site_density, cfg.sites, cfg.seed)
    runs = current_runs(sample, cfg, currents, progress=say)
    t_runs = time.perf_counter() - t0
    say(f"{len(values)} fields x {cfg.tau_s_array.size} tau_s")
    if orbital:
        from .orbital import orbital_response
        resp = orbital_response(runs, cfg.tau_s_array, omega, flux, eta=eta, sge=with_sge, keep_fields=keep_fields,
                                threads=cfg.threads, progress=say)
    else:
        resp = field_response(runs, cfg.tau_s_array, omega, sge=with_sge, keep_fields=keep_fields,
                              threads=cfg.threads, progress=say)
    K, F = cfg.tau_s_array.size, len(values)
    full = {"cisp": np.full((K, F, 3, 2), np.nan), "gen": np.full((K, F, 3, 2), np.nan),
            "sge": np.full((K, F, 2, 3), np.nan), "she": np.full((K, F, 3, 2, 2), np.nan),
            "drift": np.full((3, 2), np.nan)}
    for r, label in enumerate(currents):
        col = "xy".index(label)
        full["cisp"][..., col] = resp.cisp[..., r]
        full["gen"][..., col] = resp.generation[..., r]
        full["she"][..., col] = resp.she[..., r]
        full["drift"][:, col] = resp.s_dr[:, r]
        if resp.sge is not None:
            full["sge"][:, :, col, :] = resp.sge[:, :, r, :]
    g = None if unit != "T" else tuple(float(v) for v in np.diag(g_tensor(g_factor))[1:])
    return HanleResult(
        site_density=cfg.site_density, sites=cfg.sites, seed=cfg.seed, tau_s=cfg.tau_s_array, field=values,
        field_unit=unit, omega=omega, field_direction=_dir(field_direction), cisp=full["cisp"], generation=full["gen"],
        sge=full["sge"], she=full["she"], cisp_drift=full["drift"], axis=resp.axis, beta=cfg.beta_matrix,
        onsager_casimir_error=resp.onsager_casimir_error if with_sge else float("nan"),
        max_backward_error=resp.max_backward_error, max_backward_error_complex=resp.max_backward_error_complex,
        max_conservation_error=max(r.kirchhoff.max_conservation_error for r in runs), kkm_error=resp.kkm_error,
        gauge_error=resp.gauge_error, currents=currents, g_factor=g,
        tau0=(DEFAULT_TAU0 if tau0 is None else float(tau0)) if unit == "T" else None,
        note=drift_note() + (_ORBITAL_NOTE if orbital else ""), flux=flux, eta=eta, localization_radius=a_b,
        orbital=bool(orbital), zeeman=bool(zeeman), timings={"networks_kirchhoff_triads": t_runs, **resp.seconds}, response=resp, config=cfg)
