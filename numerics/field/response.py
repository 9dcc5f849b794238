"""CISP, spin-galvanic and spin-Hall responses of networks in a Zeeman field, from shared exact solves.

Theory: ``theory/zeeman.py`` (module doc), derived in ``derivations/d10_zeeman.py`` (items cited); units
a_b = τ0 = m = ħ = 1, everything in the network's scaled units (conductances g/g_c, ε/g_c, ω/g_c; every
result is a ratio and does not depend on g_c).  For one current direction (a :class:`CurrentRun`):

* separated spin (item 6): ``S̃ = lift(ĉ; T_∥, T_⊥)`` with ``T_∥ = (𝓛 + ε)⁻¹γ``, ``T_⊥ = (𝓛 + ε − i|ω|)⁻¹γ``
  (:func:`numerics.field.vectors.lift`); only moments of T enter below;
* spin current (item 8; normalised like ``numerics.response``: ĉ ⊗ u at B = 0):
  ``J = εD − ω×D = 2s·lift(ĉ; εD_∥, zD_⊥)``, ``D = Σ_i T_i (R_i − R̄)``, s = L/(N I_total), z = ε − i|ω|;
  its diffusion part ``J^diff = J − J^dr``, J^dr = 2s ĉ ⊗ Σ_i γ_i R_i, or, where a channel's |shift| exceeds
  every node conductance, ``J^diff = −2s Σ_i S̃_i ⊗ (𝓛R)_i`` (the two forms of ``numerics.response``);
* generation ``R = s_dr + KKM(J^diff)`` (item 8; = KKM(J) where J is a cancellation, |J| < 10⁻³|J^dr|),
  CISP ``s(B) = ε(ε − ω×)⁻¹R`` (item 5); spin-Hall response = J;
* SGE by its own route (item 12, the route of ``numerics/sge.py`` in a field): a uniform spin s drives the
  direct Λ^{(3)} sources and the precession spin ``S = (𝓛 + ε − ω×)⁻¹ 2𝓛P = 2(P_c − Z)``, ``P_i = (βR_i) × s``,
  ``Z = Σ_ν lift(βê_ν × s; ε X^ν_∥, z X^ν_⊥)``, ``X^ν = (𝓛 + ·)⁻¹ x^ν_c``; its ĉ part drives the Λ^{(2)} sources.
  Short-circuit currents by network reciprocity ``I_SC = Σ_b e_b I_b`` (κ·(ĉ·Z) for the precession patterns, κ
  from the Kirchhoff bond currents: every (τ_s, ω) needs only moments); the field-independent direct and 2p_c
  patterns optionally by the exact edge-source elimination (:mod:`numerics.field.sge_route`); the gauge identity
  at large τ_s as in sge.py.
* Onsager–Casimir per sample (item 12): ``SGE(B) = R(−B)ᵀ`` — R(−B) costs nothing (same T, b̂ → −b̂) and the
  difference is reported on every run.

One real factorisation per τ_s and one complex per (τ_s, |ω|) serve every source of every run, every field
direction with that |ω| and both signs of B; the inputs of a run (network, bond currents, triad sums) and the
solver (:class:`numerics.field.complex_shift.ShiftSolver`, the operator acting on S̃) can be replaced by a caller.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..spin_orbit import separation_axis
from .complex_shift import ShiftSolver
from .sge_route import sge_parts
from .vectors import bloch_solve, kkm, lift, project, unit_or_none

__all__ = ["CurrentRun", "FieldResponse", "field_response", "large_field_terms", "CANCELLATION", "scaled_larmor"]

#: as numerics.response.CANCELLATION: below |J| < CANCELLATION |J^dr| the total is taken from Eq. (12)
CANCELLATION = 1e-3


@dataclass
class CurrentRun:
    """One current direction: the network in its own frame (current along its +x), its Kirchhoff solution,
    its triad sums (anything with ``drift_total`` (3,) and ``source_site`` (M, 3)), β in that frame, and the
    orthogonal ``frame`` A (run positions = A · sample positions + const; flow vectors back: Aᵀ)."""

    network: object
    kirchhoff: object
    sums: object
    beta: np.ndarray
    analysis: object
    frame: np.ndarray = field(default_factory=lambda: np.eye(2))
    label: str = "x"

    @property
    def rotation(self) -> np.ndarray:
        """Q with (sample-frame flow) = Q · (run-frame flow)."""
        return np.asarray(self.frame, dtype=float).T

    @classmethod
    def solve(cls, network, beta, *, frame=None, label: str = "x", threads: int | None = None,
              prefetch: bool = False) -> "CurrentRun":
        """The run of ``network`` (current along its +x): analysis, exact Kirchhoff solve, triad sums for β."""
        from ..solvers import NetworkAnalysis, solve_kirchhoff
        from ..triads import triad_sums
        analysis = NetworkAnalysis(network)
        kir = solve_kirchhoff(network, analysis=analysis, engine="multifrontal", prefetch=prefetch)
        sums = triad_sums(network.positions, network.bonds, kir.bond_current, beta, threads=threads)
        return cls(network=network, kirchhoff=kir, sums=sums, beta=np.asarray(beta, dtype=float), analysis=analysis,
                   frame=np.eye(2) if frame is None else frame, label=label)


@dataclass
class FieldResponse:
    """Responses per τ_s (K), field (F) and run (n): arrays in the normalisation of ``numerics.tensor``.

    cisp (K, F, 3, n) s(B);  generation (K, F, 3, n) R(B);  generation_reversed R(−B);
    she (K, F, 3, 2, n) spin current (spin × flow, sample frame);  sge (K, F, n, 3) or None;
    s_dr (3, n);  axis ĉ;  max_backward_error (real solves), max_backward_error_complex;
    onsager_casimir_error  max |SGE(B) − R(−B)ᵀ| / max |R|;  gauge_error;  kkm_error (drift, field-free);
    maps: dict run → (T_∥ (K, M), T_⊥ (K, F, M)) with keep_fields;  runs: the CurrentRuns
    """

    cisp: np.ndarray
    generation: np.ndarray
    generation_reversed: np.ndarray
    she: np.ndarray
    sge: np.ndarray | None
    s_dr: np.ndarray
    axis: np.ndarray
    max_backward_error: float
    max_backward_error_complex: float
    onsager_casimir_error: float
    gauge_error: float
    kkm_error: float
    runs: list
    maps: dict
    seconds: dict


def scaled_larmor(network, omegas) -> np.ndarray:
    """ω/g_c for Larmor vectors ω = Ω_L τ0 (F, 3), computed in log space like :meth:`Network.shifts`."""
    om = np.asarray(omegas, dtype=float).reshape(-1, 3)
    norm = np.linalg.norm(om, axis=1)
    out = np.zeros_like(om)
    nz = norm > 0
    out[nz] = om[nz] / norm[nz, None] * np.exp(2.0 * network.scale_length + np.log(norm[nz]))[:, None]
    return out


def _run_data(run: CurrentRun, sge: bool, sge_route: str) -> dict:
    """Per-run ingredients: normalisation, drift generation, sources, moment weights, SGE parts."""
    net, kir, sums = run.network, run.kirchhoff, run.sums
    beta = np.asarray(run.beta, dtype=float).reshape(3, 2)
    pos = net.positions
    M = pos.shape[0]
    scale = net.side / net.sites / kir.total_current
    axis = separation_axis(beta)
    a, b = net.bonds[:, 0], net.bonds[:, 1]
    gr = net.conductances[:, None] * (pos[a] - pos[b])
    lap_r = np.zeros((M, 2))
    np.add.at(lap_r, a, gr)
    np.add.at(lap_r, b, -gr)
    gamma = sums.source_site @ axis if axis is not None else np.zeros(M)
    d = dict(run=run, beta=beta, scale=scale, axis=axis, gamma=gamma, s_dr=scale * sums.drift_total,
             centred=pos - pos.mean(axis=0), lap_r=lap_r, j_gamma=pos.T @ gamma, g_max=0.0, sge=None)
    node_g = np.zeros(M)
    np.add.at(node_g, a, net.conductances)
    np.add.at(node_g, b, net.conductances)
    d["g_max"] = float(np.max(node_g)) if M else 0.0
    if sge and axis is not None:
        d["sge"] = sge_parts(net, kir, beta, axis, run.analysis, sge_route)
    return d


def _channels(eps, z, d_par, d_perp, l_par, l_perp, j_gamma, g_max, c2):
    """(total, diffusion) values of the two channels of J (2-vectors; par real, perp complex), see module doc."""
    if math.isinf(eps):
        return (c2 * j_gamma, c2 * j_gamma + 0j), (np.zeros(2), np.zeros(2, complex))
    tot_par, tot_perp = c2 * eps * d_par, c2 * (z * d_perp)
    dif_par = -c2 * l_par if eps > g_max else tot_par - c2 * j_gamma
    dif_perp = -c2 * l_perp if abs(z) > g_max else tot_perp - c2 * j_gamma
    return (tot_par, tot_perp), (dif_par, dif_perp)


def field_response(runs, tau_s, omegas, *, sge: bool = True, keep_fields: bool = False, threads: int | None = None,
                   share: bool = True, solver_factory=ShiftSolver, sge_route: str = "reciprocity",
                   progress=None) -> FieldResponse:
    """All responses for every τ_s (in τ0) and Larmor vector ω = Ω_L τ0 (F × 3), see the module doc.

    ``share``: when the runs' networks hold the same sites (the usual case: the x and the y run of one
    sample keep the same spanning cluster), all runs are solved with one factorisation per shift (the
    first run's), their sources and weights mapped onto its sites; the SGE position sources x_c, y_c are
    then the head's (a run's own are A·(x_c, y_c), A its frame relative to the head's).
    ``solver_factory(network, analysis, threads)`` makes the :class:`ShiftSolver` (a caller may substitute the
    operator); ``sge_route`` (:data:`numerics.field.sge_route.ROUTES`) the short circuit of the field-free parts.
    """
    import time

    say = progress or (lambda msg: None)
    times = {}
    t0 = time.perf_counter()
    taus = np.atleast_1d(np.asarray(tau_s, dtype=float))
    omegas = np.asarray(omegas, dtype=float).reshape(-1, 3)
    data = [_run_data(r, sge, sge_route) for r in runs]
    times["sge_sources" if sge else "sources"] = time.perf_counter() - t0
    groups = _groups(runs, share)
    K, F, n = taus.size, omegas.shape[0], len(runs)
    out = dict(cisp=np.zeros((K, F, 3, n)), gen=np.zeros((K, F, 3, n)), rev=np.zeros((K, F, 3, n)),
               she=np.zeros((K, F, 3, 2, n)), sge=np.zeros((K, F, n, 3)) if sge else None)
    errs, maps = [0.0, 0.0], {}
    t0 = time.perf_counter()
    for head, members in groups:
        net0 = runs[head].network
        eps = net0.shifts(taus)
        om = scaled_larmor(net0, omegas)
        wabs = [unit_or_none(o)[1] for o in om]        # the |ω| that _evaluate looks up (same rounding)
        keys = sorted({(k, w) for k in range(K) for w in wabs if w > 0 and not math.isinf(eps[k])})
        shifts = list(eps.astype(complex)) + [eps[k] - 1j * w for k, w in keys]
        index = {key: K + i for i, key in enumerate(keys)}
        sources, weights, slots = [], [], {}
        for r, perm in members:            # perm: this run's site → the solver's site
            d = data[r]
            slots[r] = len(sources)
            sources.append(_mapped(d["gamma"], perm))
            weights.append(_mapped(np.hstack([d["centred"], d["lap_r"]]), perm))
        sge_members = [(r, perm) for r, perm in members if data[r]["sge"] is not None]
        if sge_members:                    # X^ν = (𝓛 + z)⁻¹ x^ν_c of the head, κ of every SGE run as weights
            kap = np.column_stack([_mapped(data[r]["sge"]["kappa"], perm) for r, perm in sge_members])
            pos_slot = len(sources)
            for nu in range(2):
                sources.append(data[head]["centred"][:, nu])
                weights.append(kap)
            frame0 = np.asarray(runs[head].frame, dtype=float)
            for col, (r, _) in enumerate(sge_members):
                data[r]["xslot"] = (pos_slot, col, np.asarray(runs[r].frame, dtype=float) @ frame0.T)
        solver = solver_factory(net0, runs[head].analysis, threads)
        say(f"field solves: {len(shifts)} shifts ({len(keys)} complex) x {len(sources)} sources on "
            f"{net0.positions.shape[0]} sites")
        keep = {slots[r] for r, _ in members} if keep_fields else ()
        sol = solver.solve(np.array(shifts), np.array(sources), weights, keep=keep)
        cplx = np.array([p >= K for p in range(len(shifts))])
        errs[0] = max(errs[0], float(np.max(sol.backward_error[~cplx], initial=0.0)))
        errs[1] = max(errs[1], float(np.max(sol.backward_error[cplx], initial=0.0)))
        for r, perm in members:
            _evaluate(data[r], r, slots[r], sol, eps, om, index, out)
            if keep_fields:
                maps[r] = _maps(sol, slots[r], perm, eps, om, index, K)
    times["field_solves"] = time.perf_counter() - t0
    scale_r = np.max(np.abs(out["rev"]), axis=(1, 2, 3), keepdims=True)
    oc = 0.0
    if sge and all(d["sge"] is not None for d in data):
        diff = np.abs(out["sge"] - np.swapaxes(out["rev"], 2, 3))
        oc = float(np.max(diff / np.maximum(scale_r, 1e-300), initial=0.0))
    kkm_err = max(float(np.linalg.norm(d["s_dr"] - kkm(d["beta"], 2 * d["scale"] * np.outer(d["axis"], d["j_gamma"])))
                        / max(np.linalg.norm(d["s_dr"]), 1e-300)) if d["axis"] is not None else 0.0 for d in data)
    gauge = max((d["sge"]["gauge"] for d in data if d["sge"] is not None), default=0.0)
    axis = data[0]["axis"] if data[0]["axis"] is not None else np.zeros(3)
    return FieldResponse(cisp=out["cisp"], generation=out["gen"], generation_reversed=out["rev"], she=out["she"],
                         sge=out["sge"], s_dr=np.stack([d["s_dr"] for d in data], axis=-1), axis=axis,
                         max_backward_error=errs[0], max_backward_error_complex=errs[1], onsager_casimir_error=oc,
                         gauge_error=gauge, kkm_error=kkm_err, runs=list(runs), maps=maps, seconds=times)


def _groups(runs, share):
    """[(head, [(run, perm)])]: runs solved together; perm maps a run's sites onto the head's (None: own)."""
    if not share or len(runs) < 2:
        return [(r, [(r, None)]) for r in range(len(runs))]
    head = runs[0].network
    inv = np.full(int(max(np.max(r.network.site_index) for r in runs)) + 1, -1)
    inv[head.site_index] = np.arange(head.site_index.size)
    groups = [(0, [(0, None)])]
    for r in range(1, len(runs)):
        idx = runs[r].network.site_index
        same = idx.size == head.site_index.size and np.all(inv[idx] >= 0) \
            and runs[r].network.bonds.shape == head.bonds.shape          # the same cluster, hence the same 𝓛
        if same:
            groups[0][1].append((r, inv[idx]))
        else:
            groups.append((r, [(r, None)]))
    return groups


def _mapped(values, perm):
    """A run's per-site array placed on the solver's sites (perm[j] = solver site of run site j)."""
    values = np.asarray(values, dtype=float)
    if perm is None:
        return values
    out = np.empty_like(values)
    out[perm] = values
    return out


def _evaluate(d, r, slot, sol, eps, om, index, out):
    """Fill the run's CISP, R(±B), spin current and SGE from the solver's moments."""
    K = eps.size
    beta, axis, c2, s_dr = d["beta"], d["axis"], 2.0 * d["scale"], d["s_dr"]
    Q = d["run"].rotation
    mom = sol.moments[slot]                    # (P, 4): centred x, y, (𝓛R) x, y
    ref_j = abs(c2) * np.linalg.norm(d["j_gamma"])
    sg = d["sge"]
    for k in range(K):
        e = float(eps[k])
        for f in range(om.shape[0]):
            bhat, w = unit_or_none(om[f])
            p = index.get((k, w), k)
            z = e - 1j * w if p >= K else complex(e)
            for sign in (1.0, -1.0):
                bb = None if bhat is None else sign * bhat
                if axis is None:
                    gen, cur = s_dr.copy(), np.zeros((3, 2))
                else:
                    tot, dif = _channels(e, z, mom[k, :2].real, mom[p, :2], mom[k, 2:].real, mom[p, 2:], d["j_gamma"],
                                         d["g_max"], c2)
                    j_dr = np.outer(axis, c2 * d["j_gamma"])
                    j_diff = lift(axis, bb, dif[0], dif[1])
                    cur = j_dr + j_diff
                    gen = s_dr + kkm(beta, j_diff)
                    if np.linalg.norm(cur) < CANCELLATION * ref_j:
                        cur = lift(axis, bb, tot[0], tot[1])
                        gen = kkm(beta, cur)
                if sign > 0:
                    out["gen"][k, f, :, r] = gen
                    out["cisp"][k, f, :, r] = bloch_solve(e, om[f], gen)
                    out["she"][k, f, :, :, r] = cur @ Q.T
                else:
                    out["rev"][k, f, :, r] = gen
            if out["sge"] is not None:
                out["sge"][k, f, r] = _sge_row(d, sol, slot, k, p, e, z, bhat)


def _sge_row(d, sol, slot, k, p, e, z, bhat) -> np.ndarray:
    """SGE per unit uniform spin along x, y, z (current along the run's +x): direct + I(2p_c) − I(2ĉ·Z)."""
    sg = d["sge"]
    if sg is None:
        return np.zeros(3)
    if math.isinf(e):
        return sg["direct"].copy()
    beta, axis = d["beta"], d["axis"]
    # κ-moments of the head's X^ν in the two channels, turned into the run's frame (x'^ν = Σ A_νλ x^λ)
    pos_slot, col, rel = d["xslot"]
    head_par = np.array([sol.moments[pos_slot + nu][k, col].real for nu in range(2)])
    head_perp = np.array([sol.moments[pos_slot + nu][p, col] for nu in range(2)])
    x_par, x_perp = rel @ head_par, rel @ head_perp
    row = np.zeros(3)
    for mu in range(3):
        spin = np.eye(3)[mu]
        iz = 0.0
        for nu in range(2):
            u = np.cross(beta[:, nu], spin)
            iz += project(axis, u, bhat, e * x_par[nu], z * x_perp[nu])
        iz *= 2.0 * sg["norm"]
        total = sg["direct"][mu] + sg["ipc"][mu] - iz
        if abs(total) < CANCELLATION * abs(sg["direct"][mu]):
            total = -iz                         # gauge identity direct + I(2p_c) = 0 (numerics.sge)
        row[mu] = total
    return row


def _maps(sol, slot, perm, eps, om, index, K):
    """T_∥ (K, M) and T_⊥ (K, F, M) of the γ source, on the run's own sites."""
    take = (lambda v: v) if perm is None else (lambda v: v[perm])
    t_par = np.array([take(sol.fields[(k, slot)]).real for k in range(K)])
    t_perp = np.zeros((K, om.shape[0], t_par.shape[1] if t_par.size else 0), complex)
    for k in range(K):
        for f in range(om.shape[0]):
            _, w = unit_or_none(om[f])
            p = index.get((k, w), k)
            t_perp[k, f] = take(sol.fields[(p, slot)])
    return t_par, t_perp


def large_field_terms(run: CurrentRun, tau_s: float, bhat, threads: int | None = None):
    """(s_∞, s_1) with s(B) = s_∞ + s_1/|ω| + O(|ω|⁻²) for ω = |ω| b̂ (in 1/τ0) at fixed τ_s (d10 item 10).

    ``s_∞ = b̂(b̂·s_dr)``;  ``s_1 = ε b̂ × (s_dr + s_diff(∞)) + 2s b̂ [ĉ_⊥·β F]``,
    ``F = Σ_bonds g_ab R_ab (γ_b − γ_a)``, s_diff(∞) the diffusion generation of S̃ = (ĉ·b̂) b̂ T_∥ alone
    (S̃_⊥ = (b̂ × ĉ)γ/|ω| + O(|ω|⁻²)); from one real solve.
    """
    d = _run_data(run, False, "reciprocity")
    net, beta, axis, c2 = run.network, d["beta"], d["axis"], 2.0 * d["scale"]
    bhat = np.asarray(bhat, dtype=float) / np.linalg.norm(bhat)
    s_inf = bhat * float(bhat @ d["s_dr"])
    if axis is None:
        return s_inf, np.zeros(3)
    eps = float(net.shifts([tau_s])[0])
    if math.isinf(eps):
        raise ValueError("tau_s = 0: s = s_dr at every field (no expansion)")
    sol = ShiftSolver(net, run.analysis, threads).solve([eps], [d["gamma"]], [np.hstack([d["centred"], d["lap_r"]])])
    mom = sol.moments[0][0]
    _, dif = _channels(eps, complex(eps), mom[:2].real, mom[:2], mom[2:].real, mom[2:], d["j_gamma"], d["g_max"], c2)
    c_par = float(axis @ bhat)
    s_diff_inf = kkm(beta, np.outer(c_par * bhat, dif[0]))
    flux = -(d["lap_r"].T @ d["gamma"])                        # Σ_bonds g_ab R_ab (γ_b − γ_a)
    c_perp = axis - c_par * bhat
    s_1 = eps * np.cross(bhat, d["s_dr"] + s_diff_inf) + c2 * bhat * float(c_perp @ (beta @ flux))
    g_c = math.exp(-2.0 * net.scale_length)
    return s_inf, s_1 * g_c                                   # scaled 1/|ω'| → physical 1/|ω| (ω' = ω/g_c)
