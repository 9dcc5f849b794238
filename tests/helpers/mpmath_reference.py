"""60-digit mpmath reference solves of the Kirchhoff and spin-diffusion problems (tests only).

Ordinary (subtracting) sparse Gaussian elimination: the high working precision, not the arithmetic,
is what makes it exact, so it is an independent check of the subtraction-free float64 engines.
Small networks only (N ≲ 1000).
"""

import mpmath as mp
import numpy as np

__all__ = ["eliminate_solve", "kirchhoff_reference", "shifted_reference"]


def eliminate_solve(n, edges, diag_extra, rhs, fixed):
    """Sparse Gaussian elimination in mpmath on a symmetric system.

    Unknown nodes: those not in ``fixed`` (dict node -> value).  Matrix: Laplacian of
    ``edges`` (dict (a, b) -> mpf conductance) plus diag_extra; rhs: injections.
    Ordinary (subtracting) elimination: the high working precision is what makes it exact.
    """
    adj = {k: {} for k in range(n)}
    for (a, b), c in edges.items():
        adj[a][b] = adj[a].get(b, 0) + c
        adj[b][a] = adj[b].get(a, 0) + c
    unknown = [k for k in range(n) if k not in fixed and (adj[k] or diag_extra.get(k))]
    diag = {k: sum(adj[k].values(), mp.mpf(0)) + diag_extra.get(k, 0) for k in unknown}
    b = {k: mp.mpf(rhs.get(k, 0)) for k in unknown}
    for k in unknown:
        for m, c in adj[k].items():
            if m in fixed:
                b[k] += c * fixed[m]
    # matrix A[k][m] = -c for unknown neighbours
    A = {k: {m: -c for m, c in adj[k].items() if m not in fixed} for k in unknown}
    for k in unknown:
        A[k][k] = diag[k]
    left = set(unknown)
    order, rows = [], []
    while left:
        k = min(left, key=lambda q: len(A[q]))
        left.remove(k)
        row = A[k]
        piv = row[k]
        nb = [m for m in row if m != k]
        for i in nb:
            f = A[i].pop(k) / piv
            for j in nb:
                A[i][j] = A[i].get(j, 0) - f * row[j]
            b[i] -= f * b[k]
        for i in nb:
            pass
        order.append(k)
        rows.append((piv, {m: row[m] for m in nb}, b[k]))
    x = dict(fixed)
    for k, (piv, row, bk) in zip(reversed(order), reversed(rows)):
        x[k] = (bk - sum((c * x[m] for m, c in row.items()), mp.mpf(0))) / piv
    return x


def kirchhoff_reference(network, dps=60):
    """Bond currents (flow from j into i) and I_total in mpmath."""
    with mp.workdps(dps):
        el = network.electrode
        M = len(el)
        S, D = M, M + 1
        node = [S if e == -1 else D if e == 1 else k for k, e in enumerate(el)]
        g = network.conductances
        edges = {}
        for (i, j), gb in zip(network.bonds.tolist(), g.tolist()):
            a, b = node[i], node[j]
            if a != b:
                key = (min(a, b), max(a, b))
                edges[key] = edges.get(key, 0) + mp.mpf(gb)
        V = eliminate_solve(M + 2, edges, {}, {}, {S: mp.mpf(1), D: mp.mpf(0)})
        cur = []
        for (i, j), gb in zip(network.bonds.tolist(), g.tolist()):
            a, b = node[i], node[j]
            cur.append(mp.mpf(gb) * (V[b] - V[a]) if a != b else mp.mpf(0))
        total = sum((mp.mpf(gb) * (V[S] - V[node[j] if node[i] == S else node[i]])
                     for (i, j), gb in zip(network.bonds.tolist(), g.tolist())
                     if (node[i] == S) != (node[j] == S)), mp.mpf(0))
        return cur, total


def shifted_reference(network, source, eps, dps=60, spin=False):
    """Bond differences g (S_j - S_i) of (L + eps) S = source - mean (eps = 0: zero-mean S);
    with ``spin=True`` also the site values S (as a float array)."""
    with mp.workdps(dps):
        M = network.positions.shape[0]
        g = network.conductances
        src = [mp.mpf(float(s)) for s in source]
        mean = sum(src, mp.mpf(0)) / M
        rhs = {k: src[k] - mean for k in range(M)}
        edges = {}
        for (i, j), gb in zip(network.bonds.tolist(), g.tolist()):
            edges[(i, j)] = edges.get((i, j), 0) + mp.mpf(gb)
        if eps == 0:
            fixed = {M - 1: mp.mpf(0)}
            x = eliminate_solve(M, edges, {}, rhs, fixed)
            shift = sum((x[k] for k in range(M)), mp.mpf(0)) / M
            x = {k: x[k] - shift for k in range(M)}
        else:
            x = eliminate_solve(M, edges, {k: mp.mpf(eps) for k in range(M)}, rhs, {})
        diffs = [mp.mpf(gb) * (x[j] - x[i]) for (i, j), gb in zip(network.bonds.tolist(), g.tolist())]
        if spin:
            return diffs, np.array([float(x[k]) for k in range(M)])
        return diffs
