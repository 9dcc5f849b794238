"""One-pivot-at-a-time subtraction-free elimination (GTH / star–mesh) and current back-propagation.

Method (docs/kirchhoff.md): Gaussian elimination of a weighted graph Laplacian in a fill-reducing
order (Kron reduction / star–mesh transform, the "GTH" trick) followed by a *current*
back-propagation that never forms a potential difference.

Eliminating node k with current neighbours l (reduced conductances c_kl) and a conductance γ_k to
a common ground node adds c_kl c_km / C_k to edge (l, m) and c_kl γ_k / C_k to γ_l, where
C_k = Σ_l c_kl + γ_k is formed as a sum of positive numbers (never as a difference), so every
reduced conductance is accurate to a few ulps whatever the contrast.  In reverse elimination
order the current in every arm (k, l) is then a sum of (fill fraction) × (current of the reduced
edge (l, m) it contributed to)::

    A_{k<-l} = Σ_m [c_kl c_km / (C_k c_lm)] J_{m<-l}  + [c_kl γ_k/(C_k γ_l)] J_{G<-l} − (c_kl / C_k) s_k

with every coefficient in [0, 1] and every J bounded by the total current, so each bond current
carries an absolute error of order 1e-16 × (total current), independent of the conductance
contrast.  An original bond's current is its share g_b / c_b^final of the arm current of the edge
it belongs to.

This is the ``"backprop"`` engine (:data:`numerics.solvers.ENGINES`); the default
``"multifrontal"`` engine performs the same arithmetic with dense fronts
(:mod:`numerics.solvers.multifrontal`).  Kernels take the plan arrays of
:class:`numerics.solvers.symbolic.EliminationPlan` (row pointers ``ptr``, column indices ``idx``).
"""
from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["factor", "forward", "backprop", "potentials"]


@nb.njit(cache=True, nogil=True)
def factor(ptr, idx, vals, gamma, n_elim):
    """In-place subtraction-free elimination of positions 0..n_elim-1. Returns C."""
    C = np.empty(n_elim)
    for k in range(n_elim):
        s0 = ptr[k]
        s1 = ptr[k + 1]
        gk = gamma[k]
        tot = gk
        for a in range(s0, s1):
            tot += vals[a]
        if not tot > 0.0:
            return C[:k]  # signals a disconnected node
        C[k] = tot
        for a in range(s0, s1):
            l = idx[a]
            w = vals[a] / tot  # same expression as wa in backprop (bitwise)
            if gk > 0.0:
                gamma[l] += w * gk
            q = ptr[l]
            for b in range(a + 1, s1):
                m = idx[b]
                while idx[q] != m:
                    q += 1
                vals[q] += w * vals[b]
    return C


@nb.njit(cache=True, nogil=True)
def forward(ptr, idx, vals, C, s, n_elim):
    for k in range(n_elim):
        sk = s[k]
        if sk != 0.0:
            f = sk / C[k]
            for a in range(ptr[k], ptr[k + 1]):
                s[idx[a]] += vals[a] * f
    return s


@nb.njit(cache=True, nogil=True)
def backprop(ptr, idx, vals, gamma, C, s, P, Pg, n_elim):
    """Arm currents in reverse elimination order, stored as P = current / conductance.

    For entry e = (k, l) of row k, P[e] = A_e / c_e where A_e is the particle flow from l into
    k across the reduced edge and c_e its final conductance (so the flow through an original
    bond of conductance g in that edge is g * P[e]).  Pg[k] likewise for k's ground edge
    (flow from ground into k divided by gamma_k).  P is *not* formed from potentials: it is
    the current divided by a conductance, so it keeps the current's relative accuracy.
    Entries among terminal positions (>= n_elim) must be preset by the caller; all other
    entries of P must be zero on entry.
    """
    for k in range(n_elim - 1, -1, -1):
        s0 = ptr[k]
        s1 = ptr[k + 1]
        Ck = C[k]
        sk = s[k]
        gk = gamma[k]
        agk = 0.0
        for a in range(s0, s1):  # P[s0:s1] accumulates currents A first
            l = idx[a]
            wa = vals[a] / Ck  # bitwise the same w as in factor
            acc = -wa * sk
            f = wa * gk  # ground fill added to gamma[l] in factor
            if f > 0.0:
                t = f * Pg[l]
                acc -= t
                agk += t
            q = ptr[l]
            for b in range(a + 1, s1):
                m = idx[b]
                while idx[q] != m:
                    q += 1
                t = wa * vals[b] * P[q]  # (fill added to entry q) x (current/conductance of q)
                acc -= t
                P[b] += t
            P[a] += acc
        for a in range(s0, s1):
            va = vals[a]
            P[a] = P[a] / va if va > 0.0 else 0.0  # va == 0 only after underflow
        if gk > 0.0:
            Pg[k] = (agk - (gk / Ck) * sk) / gk
        else:
            Pg[k] = 0.0
    return P, Pg


@nb.njit(cache=True, nogil=True)
def potentials(ptr, idx, vals, C, s, V, n_elim):
    """Back substitution V_k = (s_k + sum_l c_kl V_l) / C_k (ground at 0)."""
    for k in range(n_elim - 1, -1, -1):
        acc = s[k]
        for a in range(ptr[k], ptr[k + 1]):
            acc += vals[a] * V[idx[a]]
        V[k] = acc / C[k]
    return V

