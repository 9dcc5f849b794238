"""Spin response of one network to a current along +x, for any linear spin-orbit β.

Given the exact Kirchhoff currents, the generated kernels give per triad the drift spin
generation (third-order Γ) and the spin-separation source (second-order Γ = 6 A c, along
``ĉ = c/|c|`` with ``c = (βê_x) × (βê_y)``; for the [001] form ĉ = −ẑ sign(Tr β²)).  The
separated spin ``S_i = S̃_i ĉ`` obeys (S43) with the source ``γ_i = source_i·ĉ`` and diffuses
back; its precession (S41), ``Σ_ij Ω_ij × S_j``, gives the diffusion polarization.  In the
normalisation of f (Eq. 13; L/N per unit current through one border, β in ħ²/(m a_b)):

* ``s_dr   = (L/N) Σ_i drift_i / I_total``                                (S42 for any β)
* ``s_diff = (2L/N) Σ_bonds (β R_ab × ĉ) g_ab (S̃_b − S̃_a) / I_total``      ((S41), (S45) for any β)
* spin current (11), a 2-vector carrying spin along ĉ:
  ``u_dr = (2L/N) Σ_i R_i γ_i / I_total`` and ``u_diff = (2L/N) Σ_bonds R_ab g_ab (S̃_b − S̃_a) / I_total``.

For the [001] form ``s = Tr β² βᵀ ê_x f`` (f_dr and f_diff of (S42), (S45)).  Two identities
are checked on every run: the discrete KKM relation (10), ``s = β u × ĉ``, and Eq. (12),
``u = (2L/N) (τ0/τ_s) Σ_i R_i S̃_i / I_total`` (summing (S43) weighted by R_i).  Where the total is
a cancellation (|u| < 10⁻³ |u_dr|, large τ_s) it is taken from Eq. (12) and (10), which are exact
identities free of that cancellation (the Onsager check then holds to ~1e-7 at τ_s = 1e14 instead
of ~1e-6); f_diff is reported as f − f_dr.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network
from .solvers import KirchhoffSolution, NetworkAnalysis, get_engine, solve_shifted
from .spin_orbit import separation_axis
from .triads import triad_sums

__all__ = ["SpinResponse", "spin_response", "CANCELLATION"]

#: Below |u| < CANCELLATION·|u_dr| the total is taken from Eq. (12) instead of u_dr + u_diff.
CANCELLATION = 1e-3


@dataclass
class SpinResponse:
    """Spin response to a current along +x (normalisation of f, Eq. 13).

    Attributes
    ----------
    tau_s : (K,) in τ0
    s_dr : (3,) drift spin polarization;  s_diff : (K, 3) diffusion part;  s : (K, 3) total
    u_dr : (2,) drift spin current;  u_diff : (K, 2) diffusion spin current;  u : (K, 2) total
    axis : (3,) ĉ, the direction of the separated spin (zeros if c = 0)
    kkm_error : largest |s − β u × ĉ| / |s_dr| over τ_s (Eq. 10)
    eq12_error : largest |u − (2L/N) ε Σ R_i S̃_i / I| / |u_dr| over τ_s > 0 (Eq. 12); None on the
        multifrontal route, where u is computed from Eq. (12)
    max_balance_error : of the (S43) solves (backward error on the multifrontal route);  triangles : triangles in the bond graph
    drift_site : (M, 3) per-site drift generation (same normalisation as s_dr)
    spin_sep : (K, M) separated spin S̃ (zero-mean part; per unit current, along ĉ); None unless kept
    source : (M,) γ_i along ĉ
    """

    tau_s: np.ndarray
    s_dr: np.ndarray
    s_diff: np.ndarray
    s: np.ndarray
    u_dr: np.ndarray
    u_diff: np.ndarray
    u: np.ndarray
    axis: np.ndarray
    kkm_error: float
    eq12_error: float | None
    max_balance_error: float
    triangles: int
    drift_site: np.ndarray
    spin_sep: np.ndarray | None
    source: np.ndarray


def spin_response(network: Network, kirchhoff: KirchhoffSolution, beta, tau_s,
                  threads: int | None = None, engine: str = "multifrontal",
                  keep_fields: bool = True, analysis: NetworkAnalysis | None = None) -> SpinResponse:
    """Compute the spin response of ``network`` carrying ``kirchhoff``'s currents (see module doc).

    ``engine`` selects the (S43) engine of :func:`numerics.solvers.solve_shifted`:
    ``"multifrontal"`` (default) gives S̃ only, and the total spin current is taken from
    Eq. (12), ``u = (2L/N) ε Σ_i (R_i − R̄) S̃_i / I_total`` (Σ_i S̃_i = 0 exactly, so the centred
    positions change nothing but the rounding); ``eq12_error`` is then ``None`` (not an
    independent check on this route — ``max_balance_error`` is the solve's backward error).
    ``"backprop"`` also back-propagates every bond difference, forms u = u_dr + u_diff from them
    and checks Eq. (12) against it.  ``threads``: default all cores.  ``keep_fields=False``: the
    per-site S̃ (``spin_sep``) is not kept (None), only what the totals need.
    """
    beta = np.asarray(beta, dtype=float).reshape(3, 2)
    diffs_wanted = get_engine(engine).bond_differences
    taus = np.atleast_1d(np.asarray(tau_s, dtype=np.float64))
    shifts = network.shifts(taus)           # ε/g_c, in the units of the scaled conductances
    pos = network.positions
    m = pos.shape[0]
    scale = network.side / network.sites / kirchhoff.total_current   # L/(N I_total)
    sums = triad_sums(pos, network.bonds, kirchhoff.bond_current, beta, threads=threads, energies=network.energies)
    s_dr = scale * sums.drift_total
    axis = separation_axis(beta)
    k = taus.size
    a, b = network.bonds[:, 0], network.bonds[:, 1]
    r_ab = pos[a] - pos[b]
    # Eq. (12) with energies weights the positions by the occupations: u = (2L/N) ε Σ_i w_i (R_i − R̄_w) σ̃_i / I
    w = network.weights
    centred = pos - pos.mean(axis=0) if w is None else w[:, None] * (pos - (w @ pos) / np.sum(w))
    # (𝓛R)_i = Σ_j g_ij (R_i − R_j): its moment with S̃ is the diffusion spin current, Σ_bonds R_ab g_ab ΔS̃
    gr = network.conductances[:, None] * r_ab
    lap_r = np.zeros((m, 2))
    np.add.at(lap_r, a, gr)
    np.add.at(lap_r, b, -gr)
    if axis is None:
        gamma = np.zeros(m)
        spin = np.zeros((k, m)) if keep_fields or diffs_wanted else None
        moment = np.zeros((k, 4))
        diffs = np.zeros((k, network.bonds.shape[0])) if diffs_wanted else None
        balance = 0.0
        axis_out = np.zeros(3)
    else:
        gamma = sums.source_site @ axis
        solution = solve_shifted(network, gamma, shifts, analysis=analysis, engine=engine, threads=threads,
                                 moments=np.hstack([centred, lap_r]), keep_spin=keep_fields or diffs_wanted)
        spin, diffs, moment = solution.spin, solution.bond_difference, solution.moment
        balance = float(np.max(solution.max_balance_error)) if k else 0.0
        axis_out = axis
    u_dr = 2 * scale * (pos.T @ gamma)
    # Eq. (12): u = (2L/N) ε Σ_i (R_i − R̄) S̃_i / I — small and accurate at large τ_s (ε = ∞: u = u_dr,
    # ε = 0: u = 0).  Where ε exceeds every node's total conductance S̃ ≈ γ/ε is smooth and the diffusion
    # current u_diff = −(2L/N) Σ_i (𝓛R)_i S̃_i / I (from (𝓛 + ε) S̃ = γ) is accurate and tiny, while
    # u − u_dr would lose it (τ_s → 0, the triangle of side 400: f_diff/f_dr ~ e^{-800}); below, that
    # moment sums cancelling terms of strongly coupled clusters and the engines' own forms are used
    u12 = np.array([u_dr if np.isinf(eps) else 2 * scale * eps * moment[idx, :2] for idx, eps in enumerate(shifts)])
    u12 = u12.reshape(k, 2)
    node_g = np.zeros(m)
    np.add.at(node_g, a, network.conductances)
    np.add.at(node_g, b, network.conductances)
    above = shifts > ((np.max(node_g) if w is None else np.max(node_g / w)) if m else 0.0)
    u_lap = np.where(above[:, None], -2 * scale * np.where(np.isinf(shifts)[:, None], 0.0, moment[:, 2:]), 0.0)
    ref_u = max(np.linalg.norm(u_dr), 1e-300)
    if diffs is None:
        u_diff = np.where(above[:, None], u_lap, u12 - u_dr)
        eq12_error = None
        eligible = np.ones(k, bool)
    else:
        u_diff = 2 * scale * (diffs @ r_ab)                                   # (K, 2), the (S45) bond form
        eligible = (shifts > 0) & np.isfinite(shifts) & (axis is not None)
        eq12_error = float(np.max(np.linalg.norm(u_dr + u_diff - u12, axis=1)[eligible], initial=0.0) / ref_u)
    # Σ_bonds (β R_ab × ĉ) D_ab = (β Σ_bonds R_ab D_ab) × ĉ
    s_diff = np.cross(u_diff @ beta.T, axis_out) if axis is not None else np.zeros((k, 3))
    s = s_dr + s_diff
    u = u_dr + u_diff
    # Large τ_s: the total is a cancellation of s_dr and s_diff; Eq. (12) gives u without it, and the
    # KKM relation (10) the polarization
    small = eligible & (np.linalg.norm(u, axis=1) < CANCELLATION * ref_u)
    u[small] = u12[small]
    s[small] = np.cross(u12[small] @ beta.T, axis_out)
    # the KKM relation (10) between the two totals (for the drift parts an independent check of the
    # kernels: the drift generation against the source dipole)
    kkm = np.cross(u @ beta.T, axis_out)
    ref_s = max(np.linalg.norm(s_dr), 1e-300)
    kkm_error = float(np.max(np.linalg.norm(s - kkm, axis=1)) / ref_s) if axis is not None and k else 0.0
    return SpinResponse(tau_s=taus, s_dr=s_dr, s_diff=s_diff, s=s, u_dr=u_dr, u_diff=u_diff, u=u, axis=axis_out,
                        kkm_error=kkm_error, eq12_error=eq12_error, max_balance_error=balance,
                        triangles=sums.triangles, drift_site=scale * sums.drift_site, spin_sep=spin, source=gamma)
