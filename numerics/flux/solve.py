"""Exact solves with Hall sources: the non-symmetric problems as Neumann series of symmetric ones.

With the Hall terms the charge problem (linearised (5a)) and the spin problem (S43) read

    Σ_j g_ij (V_j − V_i) + (H V)_i = 0          (interior i; V fixed on the electrodes)
    Σ_j g_ij (S_j − S_i) − ε S_i + (H S)_i + γ_i = 0    (every site; closed spin system)

with the same operator ``(H X)_i = η Σ'_{jk} hall_ikj g_kj (X_j − X_k)`` (β⁰; :mod:`numerics.flux.kernels`),
antisymmetric (Hᵀ = −H), odd in B and with H·1 = 0 (``theory/flux_network.py``).  The matrices are
non-symmetric; we keep the exact symmetric engines and expand in H:

    X = Σ_n X_n,   X_0 = 𝓛⁻¹ (drive or γ),   X_{n+1} = 𝓛⁻¹ (H X_n)

(𝓛 the Dirichlet or shifted Laplacian), one factorisation reused for every term.  **Convergence
(proved):** 𝓛^{-1/2} H 𝓛^{-1/2} is antisymmetric, so the iteration contracts in the energy norm by
its spectral norm ρ ≤ ρ̄, and per triangle |wᵀ H_t v| ≤ (|h_t|/g_2) √(E_t(w) E_t(v)) (E_t the
energy of the triangle's two strongest bonds, g_2 the weaker of them), hence

    ρ̄ = m · max_t (3/4) η |sin Φ_t| e^{R_2 − R_1 − R_3}   (R_1 ≤ R_2 ≤ R_3 the sides of triangle t)

with m the largest number of triangles that share one bond among their two strongest (Cauchy–Schwarz).
:func:`neumann_bound` evaluates ρ̄ for the sample; below 1 the series converges geometrically and the
remainder after n terms is below ρ̄ⁿ/(1 − ρ̄) of the first (energy norm).  For η = 6.6×10⁻³ (the paper's
J0, τ0) ρ̄ ≈ 0.1–0.3; the observed contraction is ~10⁻³–10⁻².  The series is summed until a term is below
``tolerance`` (default 1e-14) of the zeroth order, or to a fixed ``order`` (``order = 1`` is the response
linear in η: exact in Φ, error O(η²)).  Truncations at a common order keep Onsager–Casimir exact, since
the relations hold for every η and hence order by order.

Every term is solved with the subtraction-free one-pivot engine (:mod:`numerics.solvers.gth`,
:mod:`numerics.solvers.lanes`) with current (bond-difference) back-propagation: the next Hall source
needs bond differences to full relative accuracy, which potentials cannot give across strong bonds.
The node injections ``η hall_ikj I_kj`` are bounded by (3/4) η times a bond current, so forming them is
safe (unlike the uniform-spin dipoles of the spin-galvanic route).  Cross-checked against a dense LU of
the full non-symmetric system and a 60-digit mpmath solve (tests/numerics/test_hall.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hopspin.errors import DisconnectedNetworkError, HopspinError

from ..solvers import gth
from ..solvers import lanes as _lanes
from ..solvers.symbolic import bond_locations, edge_flows, plan_elimination
from .kernels import hall_injection, triangle_geometry

__all__ = ["DirichletSolver", "ClosedSpinSolver", "neumann_bound", "NeumannDiverged", "hall_kirchhoff",
           "HallKirchhoff", "TOLERANCE", "MAX_TERMS"]

TOLERANCE = 1e-14
MAX_TERMS = 80


class NeumannDiverged(HopspinError, ArithmeticError):
    """The Neumann series of the Hall problem does not contract (η too large for this sample)."""


def neumann_bound(network, tri, edges, flux, eta, geometry: dict | None = None) -> float:
    """The proved bound ρ̄ on the contraction of the Neumann series (module doc) for the largest |flux|."""
    if tri.shape[0] == 0:
        return 0.0
    geo = geometry or triangle_geometry(network, tri, edges)
    lengths = network.lengths[edges]                          # (T, 3): (u,v), (u,w), (v,w)
    longest = np.argmax(lengths, axis=1)
    strong = np.array([[1, 2], [0, 2], [0, 1]])[longest]      # the two strongest bonds of each triangle
    counts = np.bincount(np.take_along_axis(edges, strong, axis=1).ravel(), minlength=network.bonds.shape[0])
    sines = np.max([np.abs(np.sin(b * geo["area"])) for b in np.atleast_1d(flux)], axis=0)
    return float(counts.max() * np.max(0.75 * abs(eta) * sines * geo["ratio"]))


class DirichletSolver:
    """(𝓛_II)⁻¹ for node injections with both electrode strips at potential 0: bond currents by the
    one-pivot subtraction-free elimination on the electrode plan (factorised once, any number of
    right-hand sides).  ``solve(injection)`` → (bond currents (B,) from j into i, flow into the source
    strip, flow into the drain strip, potentials (M,)); injections at electrode sites go to the electrode."""

    def __init__(self, network, analysis):
        ep = analysis.electrode_plan()
        plan = ep.plan
        self.network, self.ep, self.plan = network, ep, plan
        n = plan.n
        self.vals = plan.vals0.copy()
        self.gamma = np.zeros(n)
        self.C = gth.factor(plan.ptr, plan.idx, self.vals, self.gamma, n - 2)
        if self.C.shape[0] != n - 2:
            raise DisconnectedNetworkError("a cluster site is not connected to the electrodes")
        r0, r1 = plan.ptr[n - 2], plan.ptr[n - 1]
        if r1 - r0 != 1 or plan.idx[r0] != n - 1:
            raise DisconnectedNetworkError("the electrodes are not connected")
        u, v, live = ep.u, ep.v, ep.live
        lo, hi = np.minimum(u, v), np.maximum(u, v)
        key_plan = plan.edge_u * (n + 1) + plan.edge_v
        srt = np.argsort(key_plan)
        self.lv = np.flatnonzero(live)
        self.loc = srt[np.searchsorted(key_plan[srt], lo[self.lv] * (n + 1) + hi[self.lv])]
        self.forward_sign = u[self.lv] == lo[self.lv]
        self.site_position = plan.position[ep.node]

    def solve(self, injection: np.ndarray):
        plan, n = self.plan, self.plan.n
        s = np.zeros(n)
        np.add.at(s, self.site_position, injection)
        gth.forward(plan.ptr, plan.idx, self.vals, self.C, s, n - 2)
        into_source, into_drain = float(s[n - 2]), float(s[n - 1])
        P = np.zeros_like(self.vals)
        gth.backprop(plan.ptr, plan.idx, self.vals, self.gamma, self.C, s, P, np.zeros(n), n - 2)
        V = np.zeros(n)
        gth.potentials(plan.ptr, plan.idx, self.vals, self.C, s, V, n - 2)
        flow = edge_flows(plan, P)
        g = self.network.conductances
        current = np.zeros(self.network.bonds.shape[0])
        share = g[self.lv] / plan.edge_g[self.loc] * flow[self.loc]
        current[self.lv] = np.where(self.forward_sign, share, -share)
        v_node = np.empty(n)
        v_node[plan.order] = V
        return current, into_source, into_drain, v_node[self.ep.node]


class ClosedSpinSolver:
    """(𝓛 + ε)⁻¹ of the closed spin problem for several shifts at once (lanes), factorised once:
    ``solve(source (L, M))`` → (S (L, M) zero-mean, bond differences D (L, B), D = g(S_j − S_i)).

    ``shifts`` are ε/g_c (``Network.shifts``): ε = ∞ gives S = 0; ε = 0 needs zero-mean sources (the
    last position is the reference).  A lane whose root carries a rounding residual above 10⁻³ of its
    solution (ε below ~10⁻¹³ of the slowest relaxation rate) is solved at ε = 0 instead, as the
    ``"backprop"`` engine of :func:`numerics.solvers.solve_shifted` does."""

    def __init__(self, network, analysis, shifts):
        self.network = network
        self.shifts = np.atleast_1d(np.asarray(shifts, dtype=np.float64))
        m = network.positions.shape[0]
        bonds = network.bonds
        self.plan = plan_elimination(m, bonds[:, 0], bonds[:, 1], network.conductances, network.positions,
                                     terminals=(), cutoff=network.cutoff_length, inner_order=analysis.order)
        self.loc = bond_locations(self.plan, bonds)
        self.finite = np.flatnonzero(np.isfinite(self.shifts))
        self._factors = {}

    def _factor(self, eps: np.ndarray):
        key = tuple(eps.tolist())
        if key not in self._factors:
            plan, m = self.plan, self.network.positions.shape[0]
            vals = np.repeat(plan.vals0[:, None], eps.size, axis=1)
            gamma = np.repeat(eps[None, :], m, axis=0)
            C, bad = _lanes.factor_lanes(plan.ptr, plan.idx, vals, gamma, m)
            if bad >= 0:
                raise DisconnectedNetworkError("a site of the spin problem is not connected (vanishing pivot)")
            self._factors[key] = (vals, gamma, C)
        return self._factors[key]

    def _solve_lanes(self, eps, src):
        plan, m = self.plan, self.network.positions.shape[0]
        vals, gamma, C = self._factor(eps)
        s = np.ascontiguousarray(src[:, plan.order].T)
        abs_source = np.sum(np.abs(s), axis=0)
        s = _lanes.forward_lanes(plan.ptr, plan.idx, vals, C, s, m)
        V = _lanes.potentials_lanes(plan.ptr, plan.idx, vals, C, s, np.zeros((m, eps.size)), m)
        P = np.zeros_like(vals)
        _lanes.backprop_lanes(plan.ptr, plan.idx, vals, gamma, C, s, P, np.zeros((m, eps.size)), m)
        flow = plan.edge_g[:, None] * P[plan.edge_entry, :]
        D = np.where(plan.edge_flip[:, None], -flow, flow)[self.loc].T
        S = np.empty((eps.size, m))
        S[:, plan.order] = V.T
        tiny = (eps > 0) & (1.2e-16 * abs_source / C[m - 1] > 1e-3 * np.max(np.abs(V), axis=0))
        return S - S.mean(axis=1, keepdims=True), D, tiny

    def solve(self, source):
        source = np.atleast_2d(np.asarray(source, dtype=np.float64))
        L, m = self.shifts.size, self.network.positions.shape[0]
        S, D = np.zeros((L, m)), np.zeros((L, self.network.bonds.shape[0]))
        idx = self.finite
        if idx.size:
            src = source[idx] - source[idx].mean(axis=1, keepdims=True) * (self.shifts[idx] == 0)[:, None]
            s_f, d_f, tiny = self._solve_lanes(self.shifts[idx], src)
            if np.any(tiny):       # the ε → 0 limit, exact to ~1e-13 there
                sub = np.flatnonzero(tiny)
                zsrc = src[sub] - src[sub].mean(axis=1, keepdims=True)
                s_z, d_z, _ = self._solve_lanes(np.zeros(sub.size), zsrc)
                s_f[sub], d_f[sub] = s_z, d_z
            S[idx], D[idx] = s_f, d_f
        return S, D

    def balance_error(self, source, S, D) -> float:
        """max_i |Σ_j D_ij − ε S_i + source_i| / max|source| over the finite shifts (zero-mean parts)."""
        bonds, m = self.network.bonds, self.network.positions.shape[0]
        worst = 0.0
        for k in self.finite:
            src = source[k] - source[k].mean()
            net = np.bincount(bonds[:, 0], weights=D[k], minlength=m) - np.bincount(bonds[:, 1], weights=D[k],
                                                                                    minlength=m)
            eps = self.shifts[k] if self.shifts[k] > 0 else 0.0
            scale = max(float(np.max(np.abs(src))), 1e-300)
            worst = max(worst, float(np.max(np.abs(net - eps * S[k] + src))) / scale)
        return worst


@dataclass
class HallKirchhoff:
    """The Kirchhoff problem with Hall sources, one row per flux (units of the scaled conductances).

    bond_current (F, B): flow from j into i; total_current (F,): flow into the drain (Kirchhoff plus
    the Hall injections at drain sites); potential (F, M); terms: Neumann terms summed; contraction:
    largest ratio of successive terms; bound: the proved ρ̄; hall_potential (F, M): the Hall part
    V − V_0 (open transverse borders)."""

    flux: np.ndarray
    bond_current: np.ndarray
    total_current: np.ndarray
    potential: np.ndarray
    hall_potential: np.ndarray
    terms: int
    contraction: float
    bound: float


def hall_kirchhoff(network, kirchhoff, flux, eta, analysis, tri, edges, order: int | None = None,
                   tolerance: float = TOLERANCE, solver: DirichletSolver | None = None) -> HallKirchhoff:
    """V = Σ_n V_n for each flux: V_0 the zero-field ``kirchhoff`` (source 1, drain 0), V_{n+1} the
    response to the Hall injections of V_n with both electrodes at 0 (``order``: number of Hall terms,
    None = until a term is below ``tolerance`` of V_0's currents)."""
    flux = np.atleast_1d(np.asarray(flux, dtype=np.float64))
    nf = flux.size
    i0 = np.asarray(kirchhoff.bond_current, dtype=np.float64)
    current = np.repeat(i0[None, :], nf, axis=0)
    total = np.full(nf, float(kirchhoff.total_current))
    hall_pot = np.zeros((nf, network.positions.shape[0]))
    term = current.copy()
    scale = max(float(np.max(np.abs(i0))), 1e-300)
    bound = neumann_bound(network, tri, edges, flux, eta)
    n, contraction, last = 0, 0.0, 1.0
    limit = MAX_TERMS if order is None else int(order)
    if np.any(flux != 0) and limit > 0 and eta != 0:
        solver = solver or DirichletSolver(network, analysis)
        while n < limit:
            inj = hall_injection(network.positions, network.bonds, tri, edges, term, flux, eta)
            new = np.zeros_like(term)
            for f in range(nf):
                if flux[f] == 0.0:
                    continue
                cur, _, into_drain, pot = solver.solve(inj[f])
                new[f] = cur
                total[f] += into_drain
                hall_pot[f] += pot
            n += 1
            size = float(np.max(np.abs(new))) / scale
            if n > 1:
                contraction = max(contraction, size / last)
            current += new
            term, last = new, max(size, 1e-300)
            if size <= tolerance:
                break
            if not np.isfinite(size) or size > 1e6:
                raise NeumannDiverged(f"the Hall Neumann series grows (term {n}: {size:.2e} of the zero-field "
                                      f"currents); eta = {eta:g} is too large for this sample (proved bound "
                                      f"rho = {bound:.2f}); use order=1 (linear in eta)")
        if order is None and last > tolerance:
            raise NeumannDiverged(f"the Hall Neumann series did not reach {tolerance:g} in {MAX_TERMS} terms "
                                  f"(last term {last:.1e}, bound rho = {bound:.2f}); use order=1 or a smaller eta")
    pot0 = np.asarray(kirchhoff.potential, dtype=np.float64)
    return HallKirchhoff(flux=flux, bond_current=current, total_current=total, potential=pot0[None, :] + hall_pot,
                         hall_potential=hall_pot, terms=n, contraction=contraction, bound=bound)

