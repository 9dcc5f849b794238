"""Spin responses in a perpendicular field (orbital part, no Zeeman term): CISP and SHE with flux.

What changes in the field (``theory/flux_core.py``, ``derivations/d11_flux.py``), all included here:

1. the Kirchhoff currents carry the Hall sources (exact in η, :func:`numerics.flux.solve.hall_kirchhoff`);
2. every triad's spin generation Υ (drift Γ^{(3)}, separation source Γ^{(2)} of (S44)) is cos Φ_ikj
   times its zero-field value, driven by those currents (:func:`numerics.flux.kernels.flux_triad_sums`);
3. the separated spin S̃ (along ĉ) obeys (S43) plus the Hall transport of spin by the spin–spin term
   M^{(0)} = −6 sin Φ δ_μν (the same operator H as the charge, β⁰), solved by the Neumann series of
   :mod:`numerics.flux.solve`;
4. the in-plane polarization gains the field-odd precession M^{(1)} = −12 sin Φ [d_ij]_× acting on S̃
   (β¹): ``s_M`` (:func:`numerics.flux.kernels.m1_rate`).

Orders kept: the spin response to β³ (as at zero field: drift Γ^{(3)}, S̃ from Γ^{(2)} and its
precession β¹), exact in Φ and in η.  Not kept: M^{(2)} on S̃ and M^{(1)} on the in-plane spin (β⁴),
the β⁴ part of K, and the second (principal-value) line of (S10), whose phonon factor the paper does
not give (its spin parts are ∝ sin Φ, a field-odd source at β²Φ¹ — the one known omission).

Normalisation of f (Eq. 13, unit [001] β): ``s = (L/N) (rates)/I_total(b)`` and ``f_y = s_y/(Tr β² β_xy)``,
``f_x = s_x/(Tr β² β_yx)``, with I_total(b) the field's border current.  Two identities hold on every
run and are reported: the KKM relation (10) with the Hall terms, ``s_dr + s_diff + s_M = β(u_dr + u_diff
+ u_H) × ĉ`` (u_H the moment of the Hall transport of spin: a check of M^{(1)} against M^{(0)}), and
Eq. (12) with them, ``u_dr + u_diff + u_H = (2L/N) ε Σ_i R_i S̃_i / I``.  As in :mod:`numerics.response`,
where the total is a cancellation (|u| < 10⁻³ |u_dr|) it is taken from Eq. (12) and (10).

For the Zeeman work (``hanle --orbital``) the pieces are separate functions of (network, kirchhoff, β, flux):
:func:`flux_currents`, :func:`flux_sources`, :func:`solve_flux_spin` (any symmetric solver plus
:func:`spin_hall_injection`), and :func:`flux_spin_response` assembles them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..config import SimulationConfig, resolve_config
from ..network import Network, build_network
from ..response import CANCELLATION, spin_response
from ..results import Quantity, ResultSchema
from ..sample import random_sample
from ..solvers import KirchhoffSolution, NetworkAnalysis, solve_kirchhoff
from ..spin_orbit import UNIT_BETA_001, separation_axis
from ..triads import triangle_list
from .hall import ETA_TYPICAL, check_eta, check_equal_energies, check_flux, check_network
from .kernels import flux_triad_sums, hall_injection, m1_rate
from .solve import MAX_TERMS, TOLERANCE, ClosedSpinSolver, HallKirchhoff, NeumannDiverged, hall_kirchhoff

__all__ = ["FluxSpinResult", "flux_cisp", "flux_spin_response", "flux_currents", "flux_sources", "solve_flux_spin",
           "spin_hall_injection", "FluxSpin"]


def flux_currents(network: Network, kirchhoff: KirchhoffSolution, flux, eta: float = ETA_TYPICAL,
                  analysis: NetworkAnalysis | None = None, tri=None, edges=None) -> HallKirchhoff:
    """The bond currents in the field (F, B), exact in η: the currents every spin source is driven by."""
    analysis = analysis if analysis is not None else NetworkAnalysis(network)
    if tri is None:
        tri, edges = triangle_list(network.positions.shape[0], network.bonds)
    return hall_kirchhoff(network, kirchhoff, check_flux(flux), check_eta(eta), analysis, tri, edges)


def flux_sources(network: Network, currents: np.ndarray, beta, flux, tri=None, edges=None):
    """(drift_total (F, 3), γ (F, M) along ĉ, ĉ): the cos Φ-weighted triad sums of the field's currents
    (units of the currents; multiply by L/(N I_total) for the normalisation of f)."""
    if tri is None:
        tri, edges = triangle_list(network.positions.shape[0], network.bonds)
    beta = np.asarray(beta, dtype=np.float64).reshape(3, 2)
    drift, source, _ = flux_triad_sums(network.positions, network.bonds, currents, beta, tri, edges, flux)
    axis = separation_axis(beta)
    gamma = source @ axis if axis is not None else np.zeros(source.shape[:2])
    return drift, gamma, axis


def spin_hall_injection(network: Network, diff: np.ndarray, flux, eta: float, tri, edges) -> np.ndarray:
    """Hall transport of the separated spin, ``η Σ'_{jk} spin_hall_ikj D_kj`` per lane (``diff`` (L, B) bond
    differences D = g(S̃_j − S̃_i), ``flux`` (L,)): the operator H acting on S̃, (L, M)."""
    return hall_injection(network.positions, network.bonds, tri, edges, diff, flux, eta, spin=True)


@dataclass
class FluxSpin:
    """S̃ with the Hall transport for the lanes of one flux: spin (K, M), diff (K, B), injection (K, M) (the
    Hall transport actually solved for), terms, balance (the solves' largest balance error)."""

    spin: np.ndarray
    diff: np.ndarray
    injection: np.ndarray
    terms: int
    balance: float


def solve_flux_spin(solve: Callable, source: np.ndarray, flux: float, eta: float, network: Network, tri, edges,
                    tolerance: float = TOLERANCE, first=None) -> FluxSpin:
    """(𝓛 + ε − H(b)) S̃ = source by the Neumann series with any symmetric solver ``solve(source (K, M)) →
    (S, D)`` (e.g. :class:`numerics.flux.solve.ClosedSpinSolver`; a Zeeman solver with complex shifts works the
    same way).  ``first`` = (S, D) of the zeroth term if already known."""
    source = np.atleast_2d(source)
    spin, diff = first if first is not None else solve(source)
    spin, diff = spin.copy(), diff.copy()
    injection = np.zeros_like(spin)
    scale = max(float(np.max(np.abs(diff))), 1e-300)
    term_d, terms = diff, 0
    if flux != 0.0 and eta != 0.0:
        lanes = np.full(source.shape[0], float(flux))
        while terms < MAX_TERMS:
            inj = spin_hall_injection(network, term_d, lanes, eta, tri, edges)
            s_n, d_n = solve(inj)
            injection += inj
            spin += s_n
            diff += d_n
            terms += 1
            size = float(np.max(np.abs(d_n))) / scale
            term_d = d_n
            if size <= tolerance:
                break
            if not np.isfinite(size) or size > 1e6:
                raise NeumannDiverged(f"the spin Hall Neumann series grows (term {terms}: {size:.1e}); eta = {eta:g} "
                                      "is too large for this sample")
        else:
            raise NeumannDiverged(f"the spin Hall Neumann series did not converge in {MAX_TERMS} terms")
    return FluxSpin(spin=spin, diff=diff, injection=injection, terms=terms, balance=0.0)


@dataclass
class FluxSpinResult(ResultSchema):
    """Spin response to a current along +x in the field, per flux b and τ_s (normalisation of f).

    s (F, K, 3): total spin generation (s_dr + s_diff + s_M); f_y, f_x (F, K) for the [001] form;
    u (F, K, 2): the spin current (11) of S̃ (the spin-Hall current, along ĉ); *_odd: (X(b) − X(−b))/2
    where −b is also in the flux list (NaN otherwise); current (F,): I_total(b) (units of border_current);
    zero_field_error: max |s(b = 0) − spin_response| / |s_dr| on the same network (NaN without b = 0)."""

    site_density: float
    sites: int
    seed: int | None
    eta: float
    flux: np.ndarray
    tau_s: np.ndarray
    s: np.ndarray
    s_dr: np.ndarray
    s_diff: np.ndarray
    s_m: np.ndarray
    u: np.ndarray
    current: np.ndarray
    beta: np.ndarray
    kkm_error: float
    eq12_error: float
    zero_field_error: float
    max_balance_error: float
    neumann_terms: int
    triangles: int
    timings: dict = field(default_factory=dict)
    config: SimulationConfig | None = field(default=None, repr=False)

    QUANTITIES = (
        Quantity("f_y", ("flux", "tau_s"), "1", "s_y / (Tr beta^2 beta_xy): f of Eq. (13) in the field"),
        Quantity("f_x", ("flux", "tau_s"), "1", "s_x / (Tr beta^2 beta_yx): the transverse (field-odd on average) part"),
        Quantity("f_y_odd", ("flux", "tau_s"), "1", "(f_y(b) - f_y(-b))/2 (null without -b)"),
        Quantity("f_x_odd", ("flux", "tau_s"), "1", "(f_x(b) - f_x(-b))/2 (null without -b)"),
        Quantity("s", ("flux", "tau_s", "spin"), "1", "spin generation s_dr + s_diff + s_M (normalisation of f)"),
        Quantity("s_m", ("flux", "tau_s", "spin"), "1", "field-odd precession M^(1) of the separated spin"),
        Quantity("spin_current", ("flux", "tau_s", "flow"), "1", "spin current (11) of S~ along c (spin-Hall current)",
                 attr="u"),
        Quantity("current", ("flux",), "1", "border current I_total(b) with the Hall sources"),
        Quantity("kkm_error", (), "1", "KKM (10) with the Hall terms: max |s - beta u x c| / |s_dr|"),
        Quantity("eq12_error", (), "1", "Eq. (12) with the Hall transport: max |u - u12| / |u_dr| (tau_s > 0)"),
        Quantity("zero_field_error", (), "1", "b = 0 against numerics.response.spin_response on the same network"),
        Quantity("max_balance_error", (), "1", "largest balance error of the spin solves"),
    )
    COORDS = {"flux": ("flux", "1", "b = e B_z a_b^2/hbar"), "tau_s": ("tau_s", "tau_0", "spin relaxation time"),
              "spin": (None, "1", "spin axis"), "flow": (None, "1", "direction of the spin current")}
    LABELS = {"spin": ["x", "y", "z"], "flow": ["x", "y"]}

    def _norm(self, comp: int) -> float:
        b = self.beta
        form_001 = b[0, 0] == 0 and b[1, 1] == 0 and not np.any(b[2])
        tr = 2 * b[0, 1] * b[1, 0]
        den = tr * (b[0, 1] if comp == 1 else b[1, 0])
        return den if form_001 and den != 0 else np.nan

    @property
    def f_y(self) -> np.ndarray:
        return self.s[:, :, 1] / self._norm(1)

    @property
    def f_x(self) -> np.ndarray:
        return self.s[:, :, 0] / self._norm(0)

    def odd(self, x: np.ndarray) -> np.ndarray:
        out = np.full(x.shape, np.nan)
        for a, b in enumerate(self.flux):
            hit = np.flatnonzero(self.flux == -b)
            if hit.size:
                out[a] = 0.5 * (x[a] - x[hit[0]])
        return out

    @property
    def f_y_odd(self) -> np.ndarray:
        return self.odd(self.f_y)

    @property
    def f_x_odd(self) -> np.ndarray:
        return self.odd(self.f_x)

    def parameters(self) -> dict:
        base = self.config.parameters() if self.config is not None else {}
        return {**base, "site_density": self.site_density, "sites": self.sites, "seed": self.seed, "eta": self.eta,
                "beta": self.beta.tolist(), "timings": {k: round(v, 4) for k, v in self.timings.items()}}


def flux_inputs(network: Network, beta, flux, tau_s, eta, analysis: NetworkAnalysis | None):
    """The checked inputs shared by the flux responses: (flux (F,), η, β (3, 2), τ_s (K,), analysis, triangles,
    their edges) — one place for the checks of :func:`flux_spin_response` and :func:`numerics.flux.onsager.flux_sge`."""
    flux, eta = check_flux(flux), check_eta(eta)
    check_network(network)
    beta = np.asarray(beta, dtype=np.float64).reshape(3, 2)
    taus = np.atleast_1d(np.asarray(tau_s, dtype=np.float64))
    analysis = analysis if analysis is not None else NetworkAnalysis(network)
    tri, edges = triangle_list(network.positions.shape[0], network.bonds)
    return flux, eta, beta, taus, analysis, tri, edges


def flux_spin_response(network: Network, kirchhoff: KirchhoffSolution, beta, flux, tau_s, eta: float = ETA_TYPICAL,
                       analysis: NetworkAnalysis | None = None, hk: HallKirchhoff | None = None,
                       compare_zero_field: bool = True) -> FluxSpinResult:
    """CISP (and the spin current) of ``network`` in the field for each flux and τ_s (see the module doc)."""
    timings = {}
    t0 = time.perf_counter()
    flux, eta, beta, taus, analysis, tri, edges = flux_inputs(network, beta, flux, tau_s, eta, analysis)
    pos, bonds = network.positions, network.bonds
    m, nb = pos.shape[0], bonds.shape[0]
    hk = hk if hk is not None else hall_kirchhoff(network, kirchhoff, flux, eta, analysis, tri, edges)
    drift, gamma, axis = flux_sources(network, hk.bond_current, beta, flux, tri, edges)
    timings["currents_sources"] = time.perf_counter() - t0
    nf, k = flux.size, taus.size
    shifts = network.shifts(taus)
    scale = network.side / network.sites / hk.total_current                  # (F,) L/(N I_total(b))
    s_dr = scale[:, None] * drift
    r_ab = pos[bonds[:, 0]] - pos[bonds[:, 1]]
    centred = pos - pos.mean(axis=0)
    u_dr = 2 * scale[:, None] * (gamma @ pos)
    s_diff, s_m, u_diff, u_h, u12 = (np.zeros((nf, k, 3)), np.zeros((nf, k, 3)), np.zeros((nf, k, 2)),
                                     np.zeros((nf, k, 2)), np.zeros((nf, k, 2)))
    terms, balance = 0, 0.0
    t = time.perf_counter()
    if axis is not None:
        solver = ClosedSpinSolver(network, analysis, shifts)
        for f in range(nf):
            src = np.repeat(gamma[f][None, :], k, axis=0)
            sol = solve_flux_spin(solver.solve, src, flux[f], eta, network, tri, edges)
            terms = max(terms, sol.terms)
            balance = max(balance, solver.balance_error(src + sol.injection, sol.spin, sol.diff))
            u_diff[f] = 2 * scale[f] * (sol.diff @ r_ab)
            u_h[f] = 2 * scale[f] * (sol.injection @ centred)
            finite = np.isfinite(shifts)
            u12[f] = np.where(np.isinf(shifts)[:, None], u_dr[f][None, :],
                              2 * scale[f] * np.where(finite, shifts, 0.0)[:, None] * (sol.spin @ centred))
            s_diff[f] = np.cross(u_diff[f] @ beta.T, axis)
            if flux[f] != 0.0:
                s_m[f] = scale[f] * m1_rate(network, tri, edges, beta, np.full(k, flux[f]), sol.diff, axis, eta)
    timings["spin"] = time.perf_counter() - t
    s = s_dr[:, None, :] + s_diff + s_m
    u = u_dr[:, None, :] + u_diff + u_h
    ref_s = max(float(np.max(np.linalg.norm(s_dr, axis=1))), 1e-300)
    ref_u = max(float(np.max(np.linalg.norm(u_dr, axis=1))), 1e-300)
    eligible = np.isfinite(shifts)            # Eq. (12) holds at ε = 0 too (u = 0: the closed-system sum rule)
    kkm_error = eq12_error = 0.0
    if axis is not None:
        kkm = np.cross(u @ beta.T, axis)
        kkm_error = float(np.max(np.linalg.norm(s - kkm, axis=2)) / ref_s)
        if np.any(eligible):
            eq12_error = float(np.max(np.linalg.norm(u - u12, axis=2)[:, eligible]) / ref_u)
        small = eligible[None, :] & (np.linalg.norm(u, axis=2) < CANCELLATION * np.linalg.norm(u_dr, axis=1)[:, None])
        u[small] = u12[small]
        s[small] = np.cross(u12[small] @ beta.T, axis)
    zero_error = float("nan")
    zero = np.flatnonzero(flux == 0.0)
    if compare_zero_field and zero.size:
        ref = spin_response(network, kirchhoff, beta, taus, engine=kirchhoff.engine, keep_fields=False,
                            analysis=analysis)
        zero_error = float(np.max(np.linalg.norm(s[zero[0]] - ref.s, axis=1)) / ref_s)
    return FluxSpinResult(site_density=network.site_density, sites=network.sites, seed=None, eta=eta, flux=flux,
                          tau_s=taus, s=s, s_dr=s_dr, s_diff=s_diff, s_m=s_m, u=u,
                          current=np.exp(np.log(hk.total_current) - 2.0 * network.scale_length), beta=beta,
                          kkm_error=kkm_error, eq12_error=eq12_error, zero_field_error=zero_error,
                          max_balance_error=balance, neumann_terms=max(terms, hk.terms), triangles=int(tri.shape[0]),
                          timings=timings)


def flux_cisp(config: SimulationConfig | None = None, *, flux: Sequence[float], eta: float = ETA_TYPICAL,
              progress: Callable[[str], None] | None = None, **overrides) -> FluxSpinResult:
    """Sample → network → :func:`flux_spin_response` (the CISP and spin current in the field, β of the
    config or the unit [001] model, τ_s of the config)."""
    cfg = resolve_config(config, overrides).check()
    check_equal_energies(cfg)
    say = progress or (lambda msg: None)
    t = time.perf_counter()
    network = build_network(random_sample(cfg.site_density, cfg.sites, cfg.seed), hop_cutoff=cfg.hop_cutoff)
    analysis = NetworkAnalysis(network)
    kirch = solve_kirchhoff(network, analysis=analysis, engine=cfg.engine)
    t_net = time.perf_counter() - t
    say(f"network and Kirchhoff: {network.positions.shape[0]} sites in {t_net:.1f} s; spin with flux")
    beta = UNIT_BETA_001 if cfg.beta is None else cfg.beta_matrix
    res = flux_spin_response(network, kirch, beta, flux, cfg.tau_s_array, eta=eta, analysis=analysis)
    res.seed, res.config = cfg.seed, cfg
    res.timings = {"network": t_net, **res.timings}
    return res
