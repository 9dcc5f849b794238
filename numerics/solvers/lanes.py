"""Multi-shift ("lane") versions of the subtraction-free elimination kernels.

Every kernel here performs, for each lane j (one shift eps_j), *exactly* the floating-point
operations of its single-shift counterpart in ``numerics.solvers.gth`` in the same order, so a
lane's result is bitwise identical to a single-shift run (tested).  The point is cost: the
symbolic work (index search along the rows, loop control, cache misses on ``idx``) is shared
by all lanes and the per-lane arithmetic runs as short contiguous vectors (arrays are laid
out ``[entry, lane]``), which the compiler vectorises.

Conventions as in ``numerics.solvers.gth``: positions 0..n_elim-1 are eliminated.  A lane whose
pivot at the *last* position is exactly zero (eps == 0: no ground) treats that position as
the reference node (potential 0): its pivot is stored as +inf, which makes the forward
step, the potential and the ground current of that node exactly 0, as in the single-shift
code where the reference is simply not eliminated.
"""
from __future__ import annotations

import numba as nb
import numpy as np


@nb.njit(cache=True, nogil=True)
def factor_lanes(ptr, idx, vals, gamma, n_elim):
    """In-place elimination for all lanes; vals (nnz, K), gamma (n, K). Returns (C, bad).

    bad = -1 on success, else the first position whose pivot vanished (disconnected node)
    in some lane (the last position excepted: see the module docstring).
    """
    K = vals.shape[1]
    C = np.empty((n_elim, K))
    w = np.empty(K)
    gk = np.empty(K)
    tot = np.empty(K)
    for k in range(n_elim):
        s0 = ptr[k]
        s1 = ptr[k + 1]
        for j in range(K):
            gk[j] = gamma[k, j]
            tot[j] = gk[j]
        for a in range(s0, s1):
            for j in range(K):
                tot[j] += vals[a, j]
        for j in range(K):
            if not tot[j] > 0.0:
                if k == n_elim - 1 and s1 == s0 and tot[j] == 0.0:
                    tot[j] = np.inf  # reference node of an eps == 0 lane
                else:
                    return C, k
            C[k, j] = tot[j]
        for a in range(s0, s1):
            l = idx[a]
            for j in range(K):
                w[j] = vals[a, j] / tot[j]
                if gk[j] > 0.0:
                    gamma[l, j] += w[j] * gk[j]
            q = ptr[l]
            for b in range(a + 1, s1):
                m = idx[b]
                while idx[q] != m:
                    q += 1
                for j in range(K):
                    vals[q, j] += w[j] * vals[b, j]
    return C, -1


@nb.njit(cache=True, nogil=True)
def forward_lanes(ptr, idx, vals, C, s, n_elim):
    K = vals.shape[1]
    f = np.empty(K)
    for k in range(n_elim):
        nz = False
        for j in range(K):
            f[j] = 0.0
            if s[k, j] != 0.0:
                f[j] = s[k, j] / C[k, j]
                nz = True
        if nz:  # a lane with s_k == 0 adds vals * 0 == +0: bitwise no change
            for a in range(ptr[k], ptr[k + 1]):
                l = idx[a]
                for j in range(K):
                    s[l, j] += vals[a, j] * f[j]
    return s


@nb.njit(cache=True, nogil=True)
def potentials_lanes(ptr, idx, vals, C, s, V, n_elim):
    K = vals.shape[1]
    acc = np.empty(K)
    for k in range(n_elim - 1, -1, -1):
        for j in range(K):
            acc[j] = s[k, j]
        for a in range(ptr[k], ptr[k + 1]):
            l = idx[a]
            for j in range(K):
                acc[j] += vals[a, j] * V[l, j]
        for j in range(K):
            V[k, j] = acc[j] / C[k, j]
    return V


@nb.njit(cache=True, nogil=True)
def backprop_lanes(ptr, idx, vals, gamma, C, s, P, Pg, n_elim):
    """Lane version of ``gth.backprop`` (same arithmetic per lane)."""
    K = vals.shape[1]
    wa = np.empty(K)
    acc = np.empty(K)
    agk = np.empty(K)
    for k in range(n_elim - 1, -1, -1):
        s0 = ptr[k]
        s1 = ptr[k + 1]
        for j in range(K):
            agk[j] = 0.0
        for a in range(s0, s1):
            l = idx[a]
            for j in range(K):
                wa[j] = vals[a, j] / C[k, j]
                acc[j] = -wa[j] * s[k, j]
                f = wa[j] * gamma[k, j]
                if f > 0.0:
                    t = f * Pg[l, j]
                    acc[j] -= t
                    agk[j] += t
            q = ptr[l]
            for b in range(a + 1, s1):
                m = idx[b]
                while idx[q] != m:
                    q += 1
                for j in range(K):
                    t = wa[j] * vals[b, j] * P[q, j]
                    acc[j] -= t
                    P[b, j] += t
            for j in range(K):
                P[a, j] += acc[j]
        for a in range(s0, s1):
            for j in range(K):
                va = vals[a, j]
                P[a, j] = P[a, j] / va if va > 0.0 else 0.0
        for j in range(K):
            gk = gamma[k, j]
            if gk > 0.0:
                Pg[k, j] = (agk[j] - (gk / C[k, j]) * s[k, j]) / gk
            else:
                Pg[k, j] = 0.0
    return P, Pg
