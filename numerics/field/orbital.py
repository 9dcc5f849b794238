"""A real magnetic field on both: Zeeman precession and the orbital (Aharonov–Bohm) flux at once.

A field B = (B_x, B_y, B_z) gives every site's spin the Larmor vector ω = Ω_L τ0 (``numerics.field``) and every
triad the loop phase Φ_ikj = b A_ikj, b = e B_z a_b²/ħ (``numerics.flux``; only B_z threads the layer).  With
𝓛 + ε the closed (S43) operator (scaled units, ``Network.shifts``) the separated spin obeys

    (𝓛 + ε − H(b)) S̃ − ω × S̃ = γ(b) ĉ,            (H X)_i = η Σ'_jk spin_hall_ikj g_kj (X_j − X_k)

with H the spin-Hall transport M⁰ = −6 sin Φ δ_μν (β⁰: spin-scalar, Hᵀ(b) = −H(b) = H(−b)) and γ(b) the cos Φ-weighted
Γ^{(2)} source driven by the Hall-shifted Kirchhoff currents (:func:`numerics.flux.spin.flux_sources`).  Because H is
spin-scalar it commutes with ω×, and the split along b̂ = ω/|ω| of :func:`numerics.field.vectors.lift` still holds:
``S̃ = lift(ĉ; T_∥, T_⊥)`` with ``(𝓛 + ε − H) T_∥ = γ`` (real) and ``(𝓛 + ε − i|ω| − H) T_⊥ = γ`` (complex), each
non-symmetric, summed as a Neumann series around one exact symmetric factorisation per shift
(:class:`numerics.field.orbital_ops.Channel` around :class:`numerics.field.complex_shift.ShiftSolver`).

**The contraction carries over to the complex shift (proof).**  Let P = 𝓛 + ε (real symmetric, positive definite on
the zero-mean vectors, which H preserves: H·1 = 0, 1ᵀH = 0) and z = ε − iw.  The iteration matrix (P − iw)⁻¹H is
similar, by P^{1/2}, to ``F · K`` with ``K = P^{-1/2} H P^{-1/2}`` and ``F = P(P − iw)⁻¹``, a function of P, hence
normal with eigenvalues λ/(λ − iw), |·| ≤ 1.  So in the energy norm ‖x‖_P = (x*Px)^{1/2} the complex iteration
contracts at least as fast as the real one: ‖(P − iw)⁻¹H‖_P ≤ ‖K‖₂ ≤ ρ̄, the proved bound
:func:`numerics.flux.solve.neumann_bound` (its per-triangle inequality |w*H_t v| ≤ (|h_t|/g_2)√(E_t(w)E_t(v)),
E_t(w) = Σ g|Δw|², holds for complex w, v alike, and P ≥ 𝓛 only strengthens it).  The remainder after n terms is
below ρ̄ⁿ/(1 − ρ̄) of the first term in that norm (checked on dense matrices in tests/numerics/test_hanle_orbital.py).
The Ostrowski comparison |(𝓛 + z)⁻¹| ≤ (𝓛 + ε)⁻¹ (``complex_shift``) bounds each term componentwise but not the
series (|H| has no zero row sums), which is why the energy norm is used.

**Generation, CISP, SHE** (normalisation of ``numerics.field.response``; c2 = 2L/(N I_total(b))): the spin current
``J = J^dr + J^diff + J^H`` with ``J^diff = c2 lift(ĉ; D_∥·r, D_⊥·r)`` (D = g(T_b − T_a) per bond, r = R_a − R_b)
and ``J^H = c2 lift(ĉ; Σ_i R_i (HT_∥)_i, Σ_i R_i (HT_⊥)_i)``; ``R = s_dr(b) + KKM(J^diff) + s_M`` with the field-odd
precession M¹ = −12 sin Φ [d_ij]_× acting on the vector S̃ (``s_M``, all three directions of the lift, complex channel
included); ``CISP = ε(ε − ω×)⁻¹R``, SHE = J.  Checked on every run: Eq. (12) ``J = c2 lift(ĉ; ε ΣR_iT_∥, z ΣR_iT_⊥)``
(``eq12_error``) and KKM with the Hall terms ``R = KKM(J)`` (``kkm_error``: M¹ against M⁰); where J is a cancellation
(|J| < 10⁻³|J^dr|) both are taken from Eq. (12), as in ``numerics.response``.

**SGE by its own route** (``numerics.flux.onsager`` with the Zeeman term): a uniform spin s drives the direct
Λ^{(3)} cos Φ EMFs and the separated spin ``S = (𝓛 + ε − H − ω×)⁻¹(2𝓛P + σ_M)`` (P_i = (βR_i) × s, σ_M the M¹ source
of s), written ``S = 2P − 2 Σ_ν lift(βê_ν × s; W^ν_∥, W^ν_⊥) + (𝓛 + ε − H − ω×)⁻¹σ_M`` with
``W^ν = (𝓛 + z − H)⁻¹(z x^ν − H x^ν)``; ĉ·S drives the Λ^{(2)} cos Φ EMFs.  The short-circuit current of EMFs e is
``Σ_b e_b I_b(−b)``, I(−b) the unit-voltage Kirchhoff currents with the Hall sources at −b (reciprocity with the
adjoint, (𝓛 + H(b))ᵀ = 𝓛 + H(−b)).  Onsager–Casimir SGE(B) = R(−B)ᵀ, −B flipping ω **and** b, is a check between
independent routes (``onsager_casimir_error``); R(−B) comes from its own solves at −b.

Orders kept: β³ in the spin response (as at zero field), exact in Φ (cos Φ, sin Φ of every triad), all orders of the
Hall series in η (M⁰ on S̃, K on the charge, both β⁰) plus M¹ at β¹η; exact in ω.  Not kept (as ``numerics.flux.spin``):
M² on S̃ and M on the in-plane spin (β⁴), the β⁴ part of K, the second line of (S10) in the field; as ``hanle``: the
equilibrium Zeeman polarization and O(gμ_B B/k_BT).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from ..flux.kernels import sge_emfs_flux
from ..flux.solve import hall_kirchhoff, neumann_bound
from ..flux.spin import flux_sources
from ..spin_orbit import separation_axis
from ..triads import triangle_list
from .complex_shift import ShiftSolver
from .orbital_ops import Channel, FluxOperators
from .response import CANCELLATION, FieldResponse, scaled_larmor
from .vectors import bloch_solve, field_basis, kkm, lift, project, unit_or_none

__all__ = ["OrbitalResponse", "orbital_response"]


@dataclass
class OrbitalResponse(FieldResponse):
    """:class:`FieldResponse` of a field acting on both (module doc), plus: flux (F,) b per field; eta;
    generation_m1 (K, F, 3, n) the M^{(1)} part of R(B); current (F, n) I_total(b) (scaled units); eq12_error;
    neumann_terms, neumann_contraction (largest measured), neumann_bound (proved ρ̄, largest run).
    maps: run → (T_∥ (K, F, M), T_⊥ (K, F, M)) with keep_fields (T_∥ depends on the flux here)."""

    flux: np.ndarray = None
    eta: float = 0.0
    generation_m1: np.ndarray = None
    current: np.ndarray = None
    eq12_error: float = 0.0
    neumann_terms: int = 0
    neumann_contraction: float = 0.0
    neumann_bound: float = 0.0


_ZERO = dict(mom=np.zeros(2), dr=np.zeros(2), hr=np.zeros(2), DC=np.zeros((3, 3)), DCi=np.zeros((3, 3)))


def _moments(sol, r, centred, r_ab, ops, keep):
    """Moments of lane r of a channel solution: ΣR_iT_i, D·r, ΣR_i(HT)_i, the M^{(1)} matrices of Re D, Im D."""
    D = sol["D"][r:r + 1]
    out = dict(mom=sol["T"][r] @ centred, dr=D[0] @ r_ab, hr=sol["inj"][r] @ centred, DC=ops.m1_matrix(D.real)[0],
               DCi=ops.m1_matrix(D.imag)[0] if np.iscomplexobj(D) else np.zeros((3, 3)))
    if keep:
        out["T"] = sol["T"][r].copy()
    return out


def _assemble(beta, axis, bh, e, z, c2, scale, s_dr, j_gamma, par, perp):
    """(R, J, s_M, eq12 error, kkm error) of one (τ_s, B) from the two channels' moments (module doc)."""
    j_dr = np.outer(axis, c2 * j_gamma)
    if math.isinf(e):
        return s_dr.copy(), j_dr, np.zeros(3), 0.0, 0.0
    j_diff = c2 * lift(axis, bh, par["dr"], perp["dr"])
    j12 = c2 * lift(axis, bh, e * par["mom"], z * perp["mom"])
    cur = j_dr + j_diff + c2 * lift(axis, bh, par["hr"], perp["hr"])
    s_m = scale * (par["DC"] @ (axis if bh is None else (axis @ bh) * bh))
    if bh is not None:
        _, c_perp, b_x_c = field_basis(bh, axis)
        s_m = s_m + scale * (perp["DC"] @ c_perp + perp["DCi"] @ b_x_c)
    gen = s_dr + kkm(beta, j_diff) + s_m
    ref_j, ref_s = max(np.linalg.norm(j_dr), 1e-300), max(np.linalg.norm(s_dr), 1e-300)
    e12, ek = np.linalg.norm(cur - j12) / ref_j, np.linalg.norm(gen - kkm(beta, cur)) / ref_s
    if np.linalg.norm(cur) < CANCELLATION * ref_j:
        cur, gen = j12, kkm(beta, j12)
    return gen, cur, s_m, float(e12), float(ek)


def _sge_row(beta, axis, bh, e, norm, direct, ipc, xw_par, xw_perp, m_par, m_perp, gauge):
    """SGE per unit uniform spin along x, y, z: direct + I(2p_c) − 2 I(ĉ·lift(W)) + I(ĉ·(…)⁻¹σ_M) (module doc)."""
    if math.isinf(e):
        return direct.copy()
    row = np.zeros(3)
    for mu in range(3):
        iz = sum(project(axis, np.cross(beta[:, nu], np.eye(3)[mu]), bh, xw_par[nu], xw_perp[nu]) for nu in range(2))
        total = direct[mu] + ipc[mu] - 2.0 * norm * iz + norm * (m_par[mu] + np.real(m_perp[mu]))
        if gauge and abs(total) < CANCELLATION * abs(direct[mu]):
            total = -2.0 * norm * iz            # direct + I(2p_c) = 0 (numerics.sge); at b = 0 only
        row[mu] = total
    return row


class _Run:
    """Per-run ingredients at every flux: Hall currents, sources, operators (few kept), SGE parts."""

    def __init__(self, run, flux, eta, threads, sge):
        net, beta = run.network, np.asarray(run.beta, dtype=float).reshape(3, 2)
        self.net, self.beta, self.eta, self.sge = net, beta, eta, sge
        pos = net.positions
        self.M = pos.shape[0]
        self.a, self.b = net.bonds[:, 0], net.bonds[:, 1]
        self.axis = separation_axis(beta)
        self.tri, self.edges = triangle_list(self.M, net.bonds)
        fluxes = np.unique(np.concatenate([flux, -flux]))
        self.slot = {float(u): n for n, u in enumerate(fluxes)}
        self.hk = hall_kirchhoff(net, run.kirchhoff, fluxes, eta, run.analysis, self.tri, self.edges)
        self.drift, self.gamma, _ = flux_sources(net, self.hk.bond_current, beta, fluxes, self.tri, self.edges)
        self.scale = net.side / net.sites / self.hk.total_current
        self.bound = neumann_bound(net, self.tri, self.edges, fluxes, eta)
        self.centred, self.r_ab = pos - pos.mean(axis=0), pos[self.a] - pos[self.b]
        self.d_x = net.conductances * (self.centred[self.b] - self.centred[self.a]).T       # (2, B) of x^ν
        if self.axis is not None:
            self.pcs = np.array([self.centred @ (beta.T @ np.cross(np.eye(3)[mu], self.axis)) for mu in range(3)])
        self.solver = ShiftSolver(net, run.analysis, threads)
        self._ops, self._sge = {}, {}

    def ops(self, u):
        if u not in self._ops:
            if len(self._ops) >= 4:
                self._ops.pop(next(iter(self._ops)))
            self._ops[u] = FluxOperators(self.net, self.tri, self.edges, self.beta, u, self.eta)
        return self._ops[u]

    def gam(self, u):
        return self.gamma[self.slot[u]]

    def sge_parts(self, u):
        """(norm·direct (3,), κ (M,), norm, norm·I(2p_c) (3,)) at flux u, reciprocity with I(−u)."""
        if u not in self._sge:
            net, cur = self.net, self.hk.bond_current[self.slot[-u]]
            direct, kap = np.zeros(3), np.zeros(self.M)
            for mu in range(3):
                d_e, coef_b, coef_a = sge_emfs_flux(net, self.tri, self.edges, self.beta, np.eye(3)[mu], self.axis,
                                                    [u])
                direct[mu] = cur @ d_e[0]
            np.add.at(kap, self.b, coef_b[0] * cur)
            np.add.at(kap, self.a, -coef_a[0] * cur)
            norm = net.side / net.sites / (4.0 * self.hk.total_current[self.slot[u]])
            self._sge[u] = (norm * direct, kap, norm, 2.0 * norm * (self.pcs @ kap))
        return self._sge[u]

    def x_lanes(self, z, o):
        """Sources z x^ν − H x^ν (ν = x, y) of W^ν."""
        zz = 0.0 if math.isinf(z.real) else (z.real if z.imag == 0 else z)
        return [zz * self.centred[:, nu] - o.hall(self.d_x[nu:nu + 1])[0] for nu in range(2)]


def _solve_field(d, f, u, om, eps, real, keep, sge, out, r, diag, maps, caches):
    g_cache, x_cache = caches
    bh, w = unit_or_none(om)
    o_p, o_m = d.ops(u), d.ops(-u)
    axis, M = d.axis, d.M
    perp_needed = w > 0 and bool(np.any(np.cross(axis, bh) != 0))
    sig = [o_p.uniform_source(np.eye(3)[mu]) for mu in range(3)] if sge else []
    a_par = axis if bh is None else (axis @ bh) * bh

    def note(sol, cplx):
        key = "back_c" if cplx else "back_r"
        diag[key] = max(diag[key], sol["backward"])
        diag["terms"], diag["contraction"] = max(diag["terms"], sol["terms"]), max(diag["contraction"],
                                                                                    sol["contraction"])
    for k, e in enumerate(eps):
        e = float(e)
        lanes, lops, tags = [], [], []
        for uu, oo in ((u, o_p), (-u, o_m)):
            if (k, uu) not in g_cache and ("g", uu) not in tags:
                lanes.append(d.gam(uu)), lops.append(oo), tags.append(("g", uu))
        if sge and (k, u) not in x_cache:
            for nu, lane in enumerate(d.x_lanes(complex(e), o_p)):
                lanes.append(lane), lops.append(o_p), tags.append(("x", nu))
        if sge:
            for mu in range(3):
                lanes.append(sig[mu] @ a_par), lops.append(o_p), tags.append(("s", mu))
        m_par = np.zeros(3)
        if lanes:
            sol = real[k].solve(np.array(lanes), lops)
            note(sol, False)
            for n, tag in enumerate(tags):
                if tag[0] == "g":
                    g_cache[(k, tag[1])] = _moments(sol, n, d.centred, d.r_ab, lops[n], keep)
                elif tag[0] == "x":
                    x_cache.setdefault((k, u), np.zeros(2))[tag[1]] = d.sge_parts(u)[1] @ sol["T"][n]
                else:
                    m_par[tag[1]] = d.sge_parts(u)[1] @ sol["T"][n]
        zc = complex(e - 1j * w)
        perp = {u: _ZERO, -u: _ZERO}
        xw_perp, m_perp = np.zeros(2, complex), np.zeros(3, complex)
        if bh is None:
            perp = {uu: g_cache[(k, uu)] for uu in (u, -u)}
            if sge:
                xw_perp = x_cache[(k, u)] + 0j
        elif perp_needed and not math.isinf(e):
            ch = Channel(d.solver, zc)
            lanes, lops = [d.gam(u), d.gam(-u)], [o_p, o_m]
            if sge:
                _, c_perp, b_x_c = field_basis(bh, axis)
                lanes += d.x_lanes(zc, o_p) + [s @ c_perp + 1j * (s @ b_x_c) for s in sig]
                lops += [o_p] * 5
            sol = ch.solve(np.array(lanes, dtype=complex), lops)
            note(sol, True)
            perp = {u: _moments(sol, 0, d.centred, d.r_ab, o_p, keep), -u: _moments(sol, 1, d.centred, d.r_ab, o_m, 0)}
            if sge:
                kap = d.sge_parts(u)[1]
                xw_perp = np.array([kap @ sol["T"][2 + nu] for nu in range(2)])
                m_perp = np.array([kap @ sol["T"][4 + mu] for mu in range(3)])
            del ch
        for sign, uu in ((1.0, u), (-1.0, -u)):
            bb = None if bh is None else sign * bh
            sc = d.scale[d.slot[uu]]
            gen, cur, s_m, e12, ek = _assemble(d.beta, axis, bb, e, zc, 2.0 * sc, sc, sc * d.drift[d.slot[uu]],
                                               d.net.positions.T @ d.gam(uu), g_cache[(k, uu)], perp[uu])
            diag["eq12"], diag["kkm"] = max(diag["eq12"], e12), max(diag["kkm"], ek)
            if sign > 0:
                out["gen"][k, f, :, r], out["m1"][k, f, :, r] = gen, s_m
                out["cisp"][k, f, :, r] = bloch_solve(e, om, gen)
                out["she"][k, f, :, :, r] = cur @ d.Q.T
            else:
                out["rev"][k, f, :, r] = gen
        if sge:
            direct, _, norm, ipc = d.sge_parts(u)
            out["sge"][k, f, r] = _sge_row(d.beta, axis, bh, e, norm, direct, ipc, x_cache[(k, u)], xw_perp, m_par,
                                           m_perp, gauge=u == 0.0)
        if keep:
            t_par = g_cache[(k, u)].get("T", np.zeros(M))
            maps[r][0][k, f], maps[r][1][k, f] = t_par, perp[u].get("T", t_par)


def orbital_response(runs, tau_s, omegas, flux, *, eta: float, sge: bool = True, keep_fields: bool = False,
                     threads: int | None = None, progress=None) -> OrbitalResponse:
    """All responses for every τ_s (τ0), Larmor vector ω = Ω_L τ0 (F × 3) and flux b (F,) of the same field (module
    doc); ``runs``: :class:`numerics.field.response.CurrentRun` (each solved on its own network).  ``eta`` = ħ/(J0 τ0)."""
    say = progress or (lambda msg: None)
    t0 = time.perf_counter()
    taus = np.atleast_1d(np.asarray(tau_s, dtype=float))
    omegas = np.asarray(omegas, dtype=float).reshape(-1, 3)
    flux = np.asarray(flux, dtype=float).ravel()
    K, F, n = taus.size, omegas.shape[0], len(runs)
    if flux.size != F:
        raise ValueError(f"one flux per field: {flux.size} fluxes for {F} fields")
    out = dict(cisp=np.zeros((K, F, 3, n)), gen=np.zeros((K, F, 3, n)), rev=np.zeros((K, F, 3, n)),
               m1=np.zeros((K, F, 3, n)), she=np.zeros((K, F, 3, 2, n)), sge=np.zeros((K, F, n, 3)) if sge else None)
    current = np.zeros((F, n))
    diag = dict(back_r=0.0, back_c=0.0, eq12=0.0, kkm=0.0, terms=0, contraction=0.0, bound=0.0)
    maps = {}
    for r, run in enumerate(runs):
        say(f"orbital field solves, current along {run.label}: {F} fields x {K} tau_s")
        d = _Run(run, flux, float(eta), threads, sge)
        d.Q = run.rotation
        current[:, r] = [d.hk.total_current[d.slot[float(u)]] for u in flux]
        diag["bound"], diag["terms"] = max(diag["bound"], d.bound), max(diag["terms"], d.hk.terms)
        if d.axis is None:                      # c = 0: no separated spin, every effect is the drift
            for f, u in enumerate(flux):
                out["cisp"][:, f, :, r] = out["gen"][:, f, :, r] = d.scale[d.slot[u]] * d.drift[d.slot[u]]
                out["rev"][:, f, :, r] = d.scale[d.slot[-u]] * d.drift[d.slot[-u]]
            continue
        if keep_fields:
            maps[r] = (np.zeros((K, F, d.M)), np.zeros((K, F, d.M), complex))
        eps = d.net.shifts(taus)
        real = [Channel(d.solver, complex(e)) for e in eps]
        om = scaled_larmor(d.net, omegas)
        caches = ({}, {})
        for f in range(F):
            _solve_field(d, f, float(flux[f]), om[f], eps, real, keep_fields, sge, out, r, diag, maps, caches)
        del real
    oc = 0.0
    if sge:
        scale_r = np.max(np.abs(out["rev"]), axis=(1, 2, 3), keepdims=True)
        oc = float(np.max(np.abs(out["sge"] - np.swapaxes(out["rev"], 2, 3)) / np.maximum(scale_r, 1e-300),
                          initial=0.0))
    s_dr = np.stack([run.network.side / run.network.sites / run.kirchhoff.total_current * run.sums.drift_total
                     for run in runs], axis=-1)
    axis = separation_axis(np.asarray(runs[0].beta, dtype=float).reshape(3, 2))
    return OrbitalResponse(
        cisp=out["cisp"], generation=out["gen"], generation_reversed=out["rev"], she=out["she"], sge=out["sge"],
        s_dr=s_dr, axis=np.zeros(3) if axis is None else axis, max_backward_error=diag["back_r"],
        max_backward_error_complex=diag["back_c"], onsager_casimir_error=oc, gauge_error=0.0, kkm_error=diag["kkm"],
        runs=list(runs), maps=maps, seconds={"orbital_solves": time.perf_counter() - t0}, flux=flux, eta=float(eta),
        generation_m1=out["m1"], current=current, eq12_error=diag["eq12"], neumann_terms=diag["terms"],
        neumann_contraction=diag["contraction"], neumann_bound=diag["bound"])
