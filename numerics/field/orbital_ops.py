"""Per-flux operators of a real field and the non-symmetric channel solve around :class:`ShiftSolver`.

For one network and one flux density b = e B_z a_b²/ħ (electrons, lengths in a_b; ``numerics.flux``):

* :func:`hall_matrix` — the spin-Hall transport H of the separated spin as one sparse (M × B) matrix acting
  on bond differences D = g(X_b − X_a): ``(H X)_i = η Σ'_jk spin_hall_ikj D_kj`` (M^{(0)} = −6 sin Φ δ_μν at β⁰,
  spin-scalar; equal to :func:`numerics.flux.spin.spin_hall_injection`, tested);
* :func:`m1_tensors` — the field-odd precession M^{(1)} = −12 sin Φ [d_ij]_× (β¹) as 3×3 tensors, so that it acts
  on a spin field of **any** direction: the rate of S = X a is ``η Σ_b D_b C_b a`` (= ``kernels.m1_rate`` with
  axis a) and the S̃ source of a uniform spin s is ``η U_i s`` (a·η U_i s = ``kernels.m1_uniform_source``);
* :class:`Channel` — ``(𝓛 + z − H) T = source`` at one shift z (real ε or complex ε − i|ω|, scaled units) as the
  Neumann series ``T = Σ_n ((𝓛 + z)⁻¹H)ⁿ (𝓛 + z)⁻¹ source`` around one exact symmetric factorisation of
  :class:`numerics.field.complex_shift.ShiftSolver`.  Convergence (real and complex z alike) is proved in
  :mod:`numerics.field.orbital` (module doc): the contraction in the energy norm is at most the proved bound ρ̄ of
  :func:`numerics.flux.solve.neumann_bound`.

Units a_b = τ0 = J0 = m = ħ = 1, the network's scaled conductances; η = ħ/(J0 τ0) explicit.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit
from scipy.sparse import csr_matrix

from .._generated import triad_hall
from ..flux.kernels import SPIN_HALL_ZZ
from ..flux.solve import MAX_TERMS, TOLERANCE, NeumannDiverged
from ..solvers.backward_error import backward_error
from ..solvers.shifted import BIG_SHIFT
from ..triads import oriented_area, rotation
from .complex_shift import ShiftSolver

__all__ = ["FluxOperators", "hall_matrix", "m1_tensors", "Channel"]


@njit(cache=True)
def _hall_entries(pos, bonds, tri, edges, flux, rows, cols, vals):
    """Entry 3t + rot: spin_hall_zz (β⁰) of the triad (i; j, k) times ±1 (the flow along bond e into k)."""
    for t in range(tri.shape[0]):
        for rot in range(3):
            i, j, k, e = rotation(tri, edges, t, rot)
            o = triad_hall(pos[i, 0], pos[i, 1], pos[j, 0], pos[j, 1], pos[k, 0], pos[k, 1],
                           0.0, 0.0, 0.0, 0.0, 0.0, 0.0, flux * oriented_area(pos, i, k, j))
            n = 3 * t + rot
            rows[n], cols[n] = i, e
            vals[n] = o[SPIN_HALL_ZZ] if bonds[e, 0] == k else -o[SPIN_HALL_ZZ]


@njit(cache=True, inline="always")
def _odd(pos, i, j, k, beta, phi, out):
    """M^{(1)}/Q·w of the ordered triad (i, k, j): the odd part in β of the generated M (as kernels._m1)."""
    b = beta
    p = triad_hall(pos[i, 0], pos[i, 1], pos[j, 0], pos[j, 1], pos[k, 0], pos[k, 1], b[0], b[1], b[2], b[3], b[4], b[5],
                   phi)
    q = triad_hall(pos[i, 0], pos[i, 1], pos[j, 0], pos[j, 1], pos[k, 0], pos[k, 1], -b[0], -b[1], -b[2], -b[3], -b[4],
                   -b[5], phi)
    for a in range(9):
        out[a] = 0.5 * (p[1 + a] - q[1 + a])


@njit(cache=True)
def _m1_entries(pos, bonds, lengths, g, tri, edges, beta, flux, C, U):
    """C[bond] (3×3): the M^{(1)} rate per bond difference (reference-vertex form of kernels._m1_rate);
    U[i] (3×3): the S̃ source at i of a uniform spin (kernels._m1_uniform_source)."""
    pa, pb = np.empty(9), np.empty(9)
    for t in range(tri.shape[0]):
        l_uv, l_uw, l_vw = lengths[edges[t, 0]], lengths[edges[t, 1]], lengths[edges[t, 2]]
        ref = 0 if (l_vw >= l_uv and l_vw >= l_uw) else (1 if l_uw >= l_uv else 2)
        c = tri[t, ref]
        for rot in range(3):
            i, j, k, e = rotation(tri, edges, t, rot)
            phi = flux * oriented_area(pos, i, k, j)
            _odd(pos, i, j, k, beta, phi, pa)
            _odd(pos, i, k, j, beta, -phi, pb)
            for a in range(9):
                U[i, a] += g[e] * (pa[a] + pb[a])
            for s in range(2):
                x = j if s == 0 else k
                if x == c:
                    continue
                px = 0 if tri[t, 0] == x else (1 if tri[t, 1] == x else 2)
                eb = edges[t, px + ref - 1]                 # {u,v} → 0, {u,w} → 1, {v,w} → 2
                w = (g[e] / g[eb]) * (1.0 if bonds[eb, 0] == c else -1.0)   # S_x − S_c = ±D_eb/g_eb
                for a in range(9):
                    C[eb, a] += w * (pa[a] if s == 0 else pb[a])


def hall_matrix(network, tri, edges, flux: float, eta: float) -> csr_matrix:
    """(M × B) sparse H with ``H @ D`` the spin-Hall injections η Σ'_jk spin_hall_ikj D_kj of bond differences D."""
    n = 3 * tri.shape[0]
    rows, cols, vals = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n)
    _hall_entries(network.positions, network.bonds, tri, edges, float(flux), rows, cols, vals)
    return csr_matrix((eta * vals, (rows, cols)), shape=(network.positions.shape[0], network.bonds.shape[0]))


def m1_tensors(network, tri, edges, beta, flux: float) -> tuple[np.ndarray, np.ndarray]:
    """(C (B, 3, 3), U (M, 3, 3)), η-free, rows spin μ, columns ν (module doc)."""
    M, B = network.positions.shape[0], network.bonds.shape[0]
    C, U = np.zeros((B, 9)), np.zeros((M, 9))
    b = np.ascontiguousarray(np.asarray(beta, dtype=np.float64).reshape(3, 2)).ravel()
    _m1_entries(network.positions, network.bonds, network.lengths, network.conductances, tri, edges, b, float(flux),
                C, U)
    return C.reshape(B, 3, 3), U.reshape(M, 3, 3)


class FluxOperators:
    """H(b) and the M^{(1)} tensors for β of one network at one flux (b = 0 or η = 0: both vanish)."""

    def __init__(self, network, tri, edges, beta, flux: float, eta: float):
        self.flux, self.eta = float(flux), float(eta)
        self.live = self.flux != 0.0 and self.eta != 0.0
        self.sites = network.positions.shape[0]
        if self.live:
            self.H = hall_matrix(network, tri, edges, flux, eta)
            self.C, self.U = m1_tensors(network, tri, edges, beta, flux)

    def hall(self, D: np.ndarray) -> np.ndarray:
        """Injections (L, M) of bond differences D (L, B), real or complex."""
        if not self.live:
            return np.zeros((D.shape[0], self.sites), D.dtype)
        return np.asarray((self.H @ D.T).T)

    def m1_matrix(self, D: np.ndarray) -> np.ndarray:
        """(L, 3, 3) with the M^{(1)} rate of S = X a equal to ``m1_matrix(D) @ a`` (D (L, B) real)."""
        if not self.live:
            return np.zeros((D.shape[0], 3, 3))
        return self.eta * np.einsum("lb,bmn->lmn", D, self.C)

    def uniform_source(self, spin) -> np.ndarray:
        """(M, 3) M^{(1)} source of S̃ from a uniform spin (zeros at b = 0)."""
        if not self.live:
            return np.zeros((self.sites, 3))
        return self.eta * (self.U @ np.asarray(spin, dtype=float))


class Channel:
    """(𝓛 + z − H_r) T_r = source_r at one shift z for many lanes r, each with its flux's operators (module doc).

    z = ∞ (τ_s = 0): T = 0; |z| above ``BIG_SHIFT`` × every node conductance: T = source/z (next term < 1e-18)."""

    def __init__(self, solver: ShiftSolver, z: complex):
        self.solver, self.z = solver, complex(z)
        net = solver.network
        self.a, self.b, self.g = net.bonds[:, 0], net.bonds[:, 1], net.conductances
        self.zero = math.isinf(self.z.real)
        self.big = not self.zero and abs(self.z) > BIG_SHIFT * solver.g_max
        self.fac = None if (self.zero or self.big) else solver.factor(self.z)

    def _subst(self, rhs):
        rhs = rhs - rhs.mean(axis=1, keepdims=True)
        if self.big:
            return rhs / (self.z.real if self.z.imag == 0 else self.z)
        if self.z.imag == 0 and np.iscomplexobj(rhs):      # a real factorisation: real and imaginary parts apart
            return self.solver.substitute(self.fac, rhs.real) + 1j * self.solver.substitute(self.fac, rhs.imag)
        return self.solver.substitute(self.fac, rhs)

    def diffs(self, T):
        """Bond differences g(T_b − T_a) of every lane."""
        return self.g * (T[:, self.b] - T[:, self.a])

    def solve(self, sources, ops, tolerance: float = TOLERANCE) -> dict:
        """sources (R, M); ops: R :class:`FluxOperators`.  Returns dict T, D (bond differences), inj (= H T),
        terms, contraction (largest measured ratio of successive terms), backward (of the full problem)."""
        R, M = sources.shape
        cplx = self.z.imag != 0 or np.iscomplexobj(sources)
        dtype = np.complex128 if cplx else np.float64
        if self.zero:
            z0 = np.zeros((R, M), dtype)
            return dict(T=z0, D=np.zeros((R, self.a.size), dtype), inj=z0, terms=0, contraction=0.0, backward=0.0)
        sources = np.asarray(sources, dtype)
        T = self._subst(sources)
        D = self.diffs(T)
        groups = {}
        for r, o in enumerate(ops):
            if o.live:
                groups.setdefault(id(o), (o, []))[1].append(r)
        ref = np.maximum(np.max(np.abs(D), axis=1, initial=0.0), 1e-300)
        term, terms, contraction, last = D, 0, 0.0, None
        while groups:
            new = _apply(groups, term, np.zeros_like(T))
            t_n = self._subst(new)
            d_n = self.diffs(t_n)
            T += t_n
            D += d_n
            terms += 1
            size = float(np.max(np.max(np.abs(d_n), axis=1, initial=0.0) / ref))
            if last is not None and last > 0:
                contraction = max(contraction, size / last)
            last, term = size, d_n
            if size <= tolerance:
                break
            if not np.isfinite(size) or size > 1e6 or terms >= MAX_TERMS:
                raise NeumannDiverged(f"the spin Hall Neumann series at shift {self.z:.3g} does not converge (term "
                                      f"{terms}: {size:.1e}); eta is too large for this sample")
        inj = _apply(groups, D, np.zeros_like(T))                 # H T of the sum (the Hall transport solved for)
        z = self.z if self.z.imag != 0 else self.z.real
        back = max((backward_error(self.a, self.b, self.g, z, T[r], sources[r] - sources[r].mean() + inj[r])
                    for r in range(R)), default=0.0)
        return dict(T=T, D=D, inj=inj, terms=terms, contraction=contraction, backward=float(back))


def _apply(groups, D, out):
    """out[rows] = H_o D[rows] for every group (operators o, lanes rows)."""
    for o, rows in groups.values():
        out[rows] = o.hall(D[rows])
    return out
