"""Current sources on edges eliminated exactly: the short-circuit current of a network.

Sources are kept **on edges** as EMFs e_b = J_b/g_b (a current source J_b across bond b): eliminating
node k turns the sources on its arms (k, l), (k, m) into the source ``w_lm (e_km − e_kl)`` on the
fill edge (l, m), ``w_lm = c_kl c_km / C_k``, and the source left on the source–drain edge is the
short-circuit current (both electrodes at the same potential).  Node injections are never formed
(the dipoles of strong triads far from the current path would otherwise leave rounding errors far
above the current itself); the error of each step is ~1e-16·|e|·(current of that edge in the
unit-voltage problem) ≤ 1e-16·|e|·I_total.  Used by the spin-galvanic route (:mod:`numerics.sge`).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from hopspin.errors import DisconnectedNetworkError

from . import gth
from .symbolic import place_entries

__all__ = ["short_circuit_current"]


@njit(cache=True)
def _edge_source_elimination(ptr, idx, vals, C, J, n_elim):
    """Eliminate positions 0..n_elim-1 carrying current sources on edges (lanes = columns of J).

    J[a, :] for entry a = (k, l) of row k is the source current from l into k.  Eliminating k adds
    to the fill entry (l, m) the source w_lm (e_km − e_kl), w_lm = c_kl c_km / C_k, e = J/c.
    """
    K = J.shape[1]
    ea = np.empty(K)
    for k in range(n_elim):
        s0, s1 = ptr[k], ptr[k + 1]
        Ck = C[k]
        for a in range(s0, s1):
            va = vals[a]
            if va > 0.0:
                for t in range(K):
                    J[a, t] = J[a, t] / va  # now the EMF e_kl
            else:
                for t in range(K):
                    J[a, t] = 0.0
        for a in range(s0, s1):
            l = idx[a]
            wa = vals[a] / Ck  # bitwise the w of gth.factor
            for t in range(K):
                ea[t] = J[a, t]
            q = ptr[l]
            for b in range(a + 1, s1):
                m = idx[b]
                while idx[q] != m:
                    q += 1
                f = wa * vals[b]  # the fill c_kl c_km / C_k added to entry q
                for t in range(K):
                    J[q, t] += f * (J[b, t] - ea[t])
    return J


def short_circuit_current(network, emf: np.ndarray, analysis) -> np.ndarray:
    """Particle current along +x (into the drain strip) with both electrodes at equal potential,
    for current sources ``emf[:, b] · g_b`` across every bond b (from j into i for bond (i, j)).

    ``emf`` is (K, B) (K independent source patterns, eliminated as lanes).  Uses the plan and
    order of the Kirchhoff solve (``analysis``: the network's
    :class:`numerics.solvers.analysis.NetworkAnalysis`).  Returns (K,).
    """
    emf = np.atleast_2d(np.asarray(emf, dtype=np.float64))
    g = network.conductances
    ep = analysis.electrode_plan()  # a source inside one equipotential strip drives nothing
    u, v, live, plan = ep.u, ep.v, ep.live, ep.plan
    n = plan.n
    vals = plan.vals0.copy()
    C = gth.factor(plan.ptr, plan.idx, vals, np.zeros(n), n - 2)
    if C.shape[0] != n - 2:
        raise DisconnectedNetworkError("a cluster site is not connected to the electrodes")
    pu, pv = plan.position[u[live]], plan.position[v[live]]
    row, col = np.minimum(pu, pv), np.maximum(pu, pv)
    entry = place_entries(plan.ptr, plan.idx, row, col)
    sign = np.where(pu < pv, 1.0, -1.0)  # bond source is from j (v) into i (u)
    K = emf.shape[0]
    J = np.zeros((plan.idx.shape[0], K))
    for t in range(K):
        np.add.at(J[:, t], entry, sign * emf[t, live] * g[live])
    _edge_source_elimination(plan.ptr, plan.idx, vals, C, J, n - 2)
    r0 = plan.ptr[n - 2]
    # J[r0] = source from D into S on the terminal edge (V_S = V_D: its conductance carries nothing);
    # the flow from the sample into the drain is therefore −J[r0]
    return -J[r0, :].copy()


