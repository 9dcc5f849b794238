"""Supernodal versions of the subtraction-free factorisation and current back-propagation.

A (fundamental) supernode is a run of positions j0..j1-1 whose factor rows share their
structure: row k = {k+1, ..., j1-1} U S with S = row(j1-1) (the separators of the nested
dissection are such runs).  Inside a supernode every row is a contiguous slice of the
sparse arrays with the same layout (block part, then S), so

* the updates among block rows are direct AXPYs on contiguous slices (no index search);
* the S x S updates of all b pivots are summed in a dense scratch by dot products of
  length b and scattered into the sparse rows of S **once per supernode** (one index
  merge per row of S instead of one per pivot and row);
* in the back-propagation the final arm potentials P of the S x S edges are gathered once
  per supernode into a dense antisymmetric Q, and their contribution to all b pivots is a
  dense product G = c_S Q^T.

The arithmetic is the same as in ``numerics.laplacian._factor`` / ``_backprop`` (GTH: every
update is a sum of products of positive numbers, pivots are sums of positive numbers; arm
currents are sums of fractions of bounded currents), only the order of summation differs,
so results agree with the per-pivot kernels to rounding.  Dense dot products are compiled
with reassociation allowed (vectorised); that changes nothing but the summation order.
"""
from __future__ import annotations

import numba as nb
import numpy as np

_FM = {"reassoc", "contract", "nsz"}


@nb.njit(cache=True)
def supernodes(ptr, idx, n):
    """Start positions of the fundamental supernodes (+ n at the end)."""
    out = np.empty(n + 1, np.int64)
    cnt = 0
    out[0] = 0
    cnt = 1
    for k in range(n - 1):
        L = ptr[k + 1] - ptr[k]
        joins = L > 0 and idx[ptr[k]] == k + 1 and L == ptr[k + 2] - ptr[k + 1] + 1
        if not joins:
            out[cnt] = k + 1
            cnt += 1
    out[cnt] = n
    cnt += 1
    return out[:cnt].copy()


@nb.njit(cache=True, nogil=True, fastmath=_FM)
def _dot(x, x0, y, y0, n):
    acc = 0.0
    for t in range(n):
        acc += x[x0 + t] * y[y0 + t]
    return acc


@nb.njit(cache=True, nogil=True)
def _sizes(ptr, sn, n_elim):
    bmax = 1
    smax = 1
    for J in range(sn.shape[0] - 1):
        j0 = sn[J]
        if j0 >= n_elim:
            break
        j1 = min(sn[J + 1], n_elim)
        bmax = max(bmax, j1 - j0)
        smax = max(smax, ptr[j1] - ptr[j1 - 1])
    return bmax, smax


@nb.njit(cache=True, nogil=True)
def factor_sn(ptr, idx, vals, gamma, sn, n_elim):
    """In-place elimination of positions 0..n_elim-1 by supernodes. Returns (C, bad).

    bad = -1 on success, else the position whose pivot vanished (disconnected node).
    """
    C = np.empty(n_elim)
    bmax, smax = _sizes(ptr, sn, n_elim)
    Wt = np.empty(smax * bmax)  # [sigma, i]: w = c / C_i of pivot i towards S[sigma]
    Vt = np.empty(smax * bmax)  # [sigma, i]: c of pivot i towards S[sigma]
    for J in range(sn.shape[0] - 1):
        j0 = sn[J]
        if j0 >= n_elim:
            break
        j1 = min(sn[J + 1], n_elim)
        b = j1 - j0
        sb = ptr[j1 - 1]
        s = ptr[j1] - sb
        for i in range(b):
            k = j0 + i
            r0 = ptr[k]
            nb_ = b - 1 - i
            ln = nb_ + s
            gk = gamma[k]
            tot = gk
            for a in range(ln):
                tot += vals[r0 + a]
            if not tot > 0.0:
                return C, k
            C[k] = tot
            for a in range(nb_):
                w = vals[r0 + a] / tot
                l = k + 1 + a
                if gk > 0.0:
                    gamma[l] += w * gk
                rl = ptr[l]
                src = r0 + a + 1
                for t in range(ln - a - 1):  # row l = entries a+1.. of row k
                    vals[rl + t] += w * vals[src + t]
            for sg in range(s):
                v = vals[r0 + nb_ + sg]
                w = v / tot
                if gk > 0.0:
                    gamma[idx[sb + sg]] += w * gk
                Wt[sg * bmax + i] = w
                Vt[sg * bmax + i] = v
        for sg in range(s):
            l = idx[sb + sg]
            q = ptr[l]
            for sg2 in range(sg + 1, s):
                m = idx[sb + sg2]
                while idx[q] != m:
                    q += 1
                vals[q] += _dot(Wt, sg * bmax, Vt, sg2 * bmax, b)
    return C, -1


@nb.njit(cache=True, nogil=True)
def backprop_sn(ptr, idx, vals, gamma, C, s_, P, Pg, sn, n_elim):
    """Arm potentials P (current / final conductance) and Pg, as ``laplacian._backprop``.

    Every entry of rows 0..n_elim-1 of P is written; rows >= n_elim must be preset.
    """
    bmax, smax = _sizes(ptr, sn, n_elim)
    Q = np.empty(smax * smax)  # antisymmetric: Q[l, m] = flow m -> l per conductance
    G = np.empty(bmax * smax)  # G[i, sigma] = sum_sigma' c_{i sigma'} Q[sigma, sigma']
    base = np.empty(smax + bmax)
    nJ = sn.shape[0] - 1
    for J in range(nJ - 1, -1, -1):
        j0 = sn[J]
        if j0 >= n_elim:
            continue
        j1 = min(sn[J + 1], n_elim)
        b = j1 - j0
        sb = ptr[j1 - 1]
        s = ptr[j1] - sb
        # gather Q over S x S (final arm potentials of later rows)
        for sg in range(s):
            Q[sg * smax + sg] = 0.0
            l = idx[sb + sg]
            q = ptr[l]
            for sg2 in range(sg + 1, s):
                m = idx[sb + sg2]
                while idx[q] != m:
                    q += 1
                Q[sg * smax + sg2] = P[q]
                Q[sg2 * smax + sg] = -P[q]
        for i in range(b):
            cs0 = ptr[j0 + i] + (b - 1 - i)
            for sg in range(s):
                G[i * smax + sg] = _dot(vals, cs0, Q, sg * smax, s)
        for i in range(b - 1, -1, -1):
            k = j0 + i
            r0 = ptr[k]
            nb_ = b - 1 - i
            cs0 = r0 + nb_
            Ck = C[k]
            sk = s_[k]
            gk = gamma[k]
            # S arms: base = s_k + sum_m c_km Q[l, m] (ground term added below)
            for sg in range(s):
                base[sg] = sk + G[i * smax + sg]
            for a in range(nb_):
                c = vals[r0 + a]
                rp = ptr[k + 1 + a] + (nb_ - 1 - a)  # S part of row k+1+a
                for sg in range(s):
                    base[sg] -= c * P[rp + sg]
            # block arms l = k+1+a
            for a in range(nb_):
                kk = k + 1 + a
                rp = ptr[kk]
                acc = sk + _dot(vals, cs0, P, rp + (nb_ - 1 - a), s)
                for a2 in range(a + 1, nb_):
                    acc += vals[r0 + a2] * P[rp + (a2 - a - 1)]
                for a2 in range(a):
                    acc -= vals[r0 + a2] * P[ptr[k + 1 + a2] + (a - a2 - 1)]
                base[s + a] = acc
            agk = 0.0
            for a in range(nb_ + s):
                va = vals[r0 + a]
                w = va / Ck
                if a < nb_:
                    l = k + 1 + a
                    bs = base[s + a]
                else:
                    l = idx[r0 + a]
                    bs = base[a - nb_]
                A = -(w * bs)
                f = w * gk
                if f > 0.0:
                    t = f * Pg[l]
                    A -= t
                    agk += t
                P[r0 + a] = A / va if va > 0.0 else 0.0
            if gk > 0.0:
                Pg[k] = (agk - (gk / Ck) * sk) / gk
            else:
                Pg[k] = 0.0
    return P, Pg


# ----------------------------------------------------------------------------- lanes
# Several shifts per pass, arrays laid out [entry, lane] as in ``_elimination_batch``; each
# lane performs exactly the arithmetic of ``factor_sn`` / ``backprop_sn`` except that the
# dense dot products are summed in index order (no reassociation), so a lane's result does
# not depend on which other lanes share its pass.  An eps == 0 lane treats the last position
# as the reference node (pivot stored as +inf), as in ``_elimination_batch``.
@nb.njit(cache=True, nogil=True)
def factor_sn_lanes(ptr, idx, vals, gamma, sn, n_elim):
    """vals (nnz, K), gamma (n, K) in place. Returns (C (n_elim, K), bad)."""
    K = vals.shape[1]
    C = np.empty((n_elim, K))
    bmax, smax = _sizes(ptr, sn, n_elim)
    Wt = np.empty((smax * bmax, K))
    Vt = np.empty((smax * bmax, K))
    tot = np.empty(K)
    gk = np.empty(K)
    w = np.empty(K)
    acc = np.empty(K)
    for J in range(sn.shape[0] - 1):
        j0 = sn[J]
        if j0 >= n_elim:
            break
        j1 = min(sn[J + 1], n_elim)
        b = j1 - j0
        sb = ptr[j1 - 1]
        s = ptr[j1] - sb
        for i in range(b):
            k = j0 + i
            r0 = ptr[k]
            nb_ = b - 1 - i
            ln = nb_ + s
            for j in range(K):
                gk[j] = gamma[k, j]
                tot[j] = gk[j]
            for a in range(ln):
                for j in range(K):
                    tot[j] += vals[r0 + a, j]
            for j in range(K):
                if not tot[j] > 0.0:
                    if k == n_elim - 1 and ln == 0 and tot[j] == 0.0:
                        tot[j] = np.inf  # reference node of an eps == 0 lane
                    else:
                        return C, k
                C[k, j] = tot[j]
            for a in range(nb_):
                l = k + 1 + a
                for j in range(K):
                    w[j] = vals[r0 + a, j] / tot[j]
                    if gk[j] > 0.0:
                        gamma[l, j] += w[j] * gk[j]
                rl = ptr[l]
                src = r0 + a + 1
                for t in range(ln - a - 1):
                    for j in range(K):
                        vals[rl + t, j] += w[j] * vals[src + t, j]
            for sg in range(s):
                l = idx[sb + sg]
                e = sg * bmax + i
                for j in range(K):
                    v = vals[r0 + nb_ + sg, j]
                    ww = v / tot[j]
                    if gk[j] > 0.0:
                        gamma[l, j] += ww * gk[j]
                    Wt[e, j] = ww
                    Vt[e, j] = v
        for sg in range(s):
            l = idx[sb + sg]
            q = ptr[l]
            e0 = sg * bmax
            for sg2 in range(sg + 1, s):
                m = idx[sb + sg2]
                while idx[q] != m:
                    q += 1
                e1 = sg2 * bmax
                for j in range(K):
                    acc[j] = 0.0
                for i in range(b):
                    for j in range(K):
                        acc[j] += Wt[e0 + i, j] * Vt[e1 + i, j]
                for j in range(K):
                    vals[q, j] += acc[j]
    return C, -1


@nb.njit(cache=True, nogil=True)
def backprop_sn_lanes(ptr, idx, vals, gamma, C, s_, P, Pg, sn, n_elim):
    """Lane version of ``backprop_sn``; P (nnz, K), Pg (n, K)."""
    K = vals.shape[1]
    bmax, smax = _sizes(ptr, sn, n_elim)
    Q = np.empty((smax * smax, K))
    G = np.empty((bmax * smax, K))
    base = np.empty((smax + bmax, K))
    acc = np.empty(K)
    agk = np.empty(K)
    nJ = sn.shape[0] - 1
    for J in range(nJ - 1, -1, -1):
        j0 = sn[J]
        if j0 >= n_elim:
            continue
        j1 = min(sn[J + 1], n_elim)
        b = j1 - j0
        sb = ptr[j1 - 1]
        s = ptr[j1] - sb
        for sg in range(s):
            for j in range(K):
                Q[sg * smax + sg, j] = 0.0
            l = idx[sb + sg]
            q = ptr[l]
            for sg2 in range(sg + 1, s):
                m = idx[sb + sg2]
                while idx[q] != m:
                    q += 1
                for j in range(K):
                    Q[sg * smax + sg2, j] = P[q, j]
                    Q[sg2 * smax + sg, j] = -P[q, j]
        for i in range(b):
            cs0 = ptr[j0 + i] + (b - 1 - i)
            for sg in range(s):
                for j in range(K):
                    acc[j] = 0.0
                q0 = sg * smax
                for t in range(s):
                    for j in range(K):
                        acc[j] += vals[cs0 + t, j] * Q[q0 + t, j]
                for j in range(K):
                    G[i * smax + sg, j] = acc[j]
        for i in range(b - 1, -1, -1):
            k = j0 + i
            r0 = ptr[k]
            nb_ = b - 1 - i
            cs0 = r0 + nb_
            for sg in range(s):
                for j in range(K):
                    base[sg, j] = s_[k, j] + G[i * smax + sg, j]
            for a in range(nb_):
                rp = ptr[k + 1 + a] + (nb_ - 1 - a)
                for sg in range(s):
                    for j in range(K):
                        base[sg, j] -= vals[r0 + a, j] * P[rp + sg, j]
            for a in range(nb_):
                kk = k + 1 + a
                rp = ptr[kk]
                rs = rp + (nb_ - 1 - a)
                for j in range(K):
                    acc[j] = 0.0
                for t in range(s):
                    for j in range(K):
                        acc[j] += vals[cs0 + t, j] * P[rs + t, j]
                for j in range(K):
                    acc[j] += s_[k, j]
                for a2 in range(a + 1, nb_):
                    for j in range(K):
                        acc[j] += vals[r0 + a2, j] * P[rp + (a2 - a - 1), j]
                for a2 in range(a):
                    r2 = ptr[k + 1 + a2] + (a - a2 - 1)
                    for j in range(K):
                        acc[j] -= vals[r0 + a2, j] * P[r2, j]
                for j in range(K):
                    base[s + a, j] = acc[j]
            for j in range(K):
                agk[j] = 0.0
            for a in range(nb_ + s):
                if a < nb_:
                    l = k + 1 + a
                    x = s + a
                else:
                    l = idx[r0 + a]
                    x = a - nb_
                for j in range(K):
                    va = vals[r0 + a, j]
                    w = va / C[k, j]
                    A = -(w * base[x, j])
                    f = w * gamma[k, j]
                    if f > 0.0:
                        t = f * Pg[l, j]
                        A -= t
                        agk[j] += t
                    P[r0 + a, j] = A / va if va > 0.0 else 0.0
            for j in range(K):
                g = gamma[k, j]
                if g > 0.0:
                    Pg[k, j] = (agk[j] - (g / C[k, j]) * s_[k, j]) / g
                else:
                    Pg[k, j] = 0.0
    return P, Pg
