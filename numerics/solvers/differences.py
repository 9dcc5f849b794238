"""Top-down potential-difference back-propagation through the fronts (the Kirchhoff currents).

After :func:`numerics.solvers.multifrontal.factor` of a network whose only injection is at the last
position (the source terminal) and whose ground node is the drain, every front gets the dense
antisymmetric matrix of the potential differences of its nodes (plus the ground), each a convex
combination of differences that are already accurate: the arm-current back-propagation of
:mod:`numerics.solvers.gth` in potential-difference form, with the same error bound
(a bond current g Δ carries an absolute error ~1e-16 × I_total whatever the contrast).
"""
from __future__ import annotations

import numba as nb
import numpy as np

from .blas import DGEMM, N as _N, gemm as _gemm
from .multifrontal import BLOCK, GEMM_MIN
from .supernodal import SupernodalPlan

__all__ = ["differences"]


@nb.njit(cache=True, nogil=True)
def _differences(sn_start, s_ptr, rel, parent, c_ptr, f_ptr, fvals, cinv, e_ptr, e_off, e_perm, block,
                 gemm_min, dgemm, tn):
    """Potential differences of a network whose only injection is at the last position (the
    source terminal, potential 1) and whose ground node is the drain (potential 0).

    Top-down over the supernodes, each front gets the dense antisymmetric matrix
    Δ[p, q] = V_p − V_q of its nodes plus the ground (index n_f): the structure part is copied
    from the parent's matrix, the pivot rows follow from
    ``Δ[k, q] = Σ_{m > k} (c_km / C_k) Δ[m, q]`` (the weights, ground included, sum to 1),
    blocked so that the bulk is one dense product per block of pivots.  This is the current
    back-propagation of :mod:`numerics.solvers.gth` in potential-difference form (c_kl Δ[k, l] is
    the arm current of the reduced edge): every Δ is a convex combination of differences that
    are already accurate in this sense, so a bond current g Δ carries an absolute error of
    order 1e-16 × (total current) whatever the contrast.  Returns (V_a − V_b of each original
    edge (a < b) in the input edge order, V of every position)."""
    nsn = sn_start.shape[0] - 1
    n = sn_start[nsn]
    out = np.zeros(e_perm.shape[0])
    V = np.empty(n)
    dmat = [np.empty((0, 0)) for _ in range(nsn)]
    pending = np.zeros(nsn, np.int64)
    for J in range(nsn):
        pending[J] = c_ptr[J + 1] - c_ptr[J]
    for J in range(nsn - 1, -1, -1):
        f = sn_start[J]
        b = sn_start[J + 1] - f
        s0 = s_ptr[J]
        s = s_ptr[J + 1] - s0
        nf = b + s
        w = nf + 1
        D = np.zeros((w, w))
        P = parent[J]
        if P >= 0:
            DP = dmat[P]
            gp = DP.shape[0] - 1
            for i in range(s):
                ri = rel[s0 + i]
                for j in range(s):
                    D[b + i, b + j] = DP[ri, rel[s0 + j]]
                D[b + i, nf] = DP[ri, gp]
                D[nf, b + i] = -DP[ri, gp]
            pending[P] -= 1
            if pending[P] == 0:
                dmat[P] = np.empty((0, 0))
        base = f_ptr[J]
        for k0 in range(((b - 1) // block) * block, -1, -block):
            k1 = min(b, k0 + block)
            kb = k1 - k0
            m = w - k1                      # trailing nodes k1..nf-1 and the ground
            Wt = np.empty((kb, m))          # weights c_kq / C_k towards the trailing nodes
            for r in range(kb):
                inv = cinv[f + k0 + r]
                row = base + (k0 + r) * w + k1
                for j in range(m):
                    Wt[r, j] = fvals[row + j] * inv
            if kb * m * m >= gemm_min:
                # X = Wt Δ[T, T]: column-major X' = Δ_T' Wt' with Δ_T read in place (ld w)
                X = np.empty((kb, m))
                Df0 = D.reshape(w * w)
                _gemm(dgemm, tn, tn, m, kb, m, Df0[k1 * w + k1:], w, Wt.reshape(kb * m), m, 0.0,
                      X.reshape(kb * m), m)
            else:
                X = np.zeros((kb, m))
                for r in range(kb):
                    for q in range(m):
                        a = Wt[r, q]
                        if a != 0.0:
                            for j in range(m):
                                X[r, j] += a * D[k1 + q, k1 + j]
            # in-block part of the recurrence, last pivot first
            for r in range(kb - 1, -1, -1):
                k = k0 + r
                if f + k == n - 1:          # the source terminal: V = 1 (its trailing set is the ground)
                    for j in range(m):
                        X[r, j] = 0.0
                    X[r, m - 1] = 1.0
                    continue
                inv = cinv[f + k]
                row = base + k * w
                for q in range(r + 1, kb):
                    a = fvals[row + k0 + q] * inv
                    if a != 0.0:
                        for j in range(m):
                            X[r, j] += a * X[q, j]
            for r in range(kb):
                for j in range(m):
                    D[k0 + r, k1 + j] = X[r, j]
                    D[k1 + j, k0 + r] = -X[r, j]
            # pairs inside the block: Δ[k, p] = Σ_{q in block, q > k} w_kq Δ[q, p] − Σ_T w_kq Δ[p, q]
            for r in range(kb - 1, -1, -1):
                k = k0 + r
                inv = cinv[f + k]
                row = base + k * w
                for p in range(r + 1, kb):
                    acc = 0.0
                    for j in range(m):
                        acc -= Wt[r, j] * X[p, j]
                    for q in range(r + 1, kb):
                        acc += fvals[row + k0 + q] * inv * D[k0 + q, k0 + p]
                    if f + k == n - 1:
                        acc = 0.0
                    D[k, k0 + p] = acc
                    D[k0 + p, k] = -acc
        for r in range(b):
            V[f + r] = D[r, nf]
        Df = D.reshape(w * w)
        for q in range(e_ptr[J], e_ptr[J + 1]):
            out[e_perm[q]] = Df[e_off[q]]
        if pending[J] > 0:
            dmat[J] = D
    return out, V


def differences(plan: SupernodalPlan, fvals: np.ndarray, cinv: np.ndarray, block: int = BLOCK,
                gemm_min: int = GEMM_MIN) -> tuple[np.ndarray, np.ndarray]:
    """Potential differences after :func:`factor` (see :func:`_differences`): the last position
    is the source (V = 1), the ground node the drain (V = 0).  Returns (V_a − V_b of each
    edge (a < b) in the order given to the plan, V in input positions)."""
    delta, v = _differences(plan.sn_start, plan.s_ptr, plan.rel, plan.parent, plan.c_ptr, plan.f_ptr, fvals,
                            cinv, plan.e_ptr, plan.e_off, plan.e_perm, int(block), int(gemm_min), DGEMM, _N)
    out = np.empty_like(v)
    out[plan.perm] = v
    return delta, out
