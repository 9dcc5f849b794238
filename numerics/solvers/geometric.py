"""Geometric nested dissection with minimum separators (the ``"geometric"`` ordering).

The bond graph of a random site network is a random geometric graph: every bond is shorter than the
cut-off r.  Each subdomain (a range of sites) is cut across its longer side (either side when it is
nearly square):

1. the cut position: among ``candidates`` quantiles within 50 ± 10 % of the sites, the one whose
   straight separator is smallest — a straight cut at c is crossed only by bonds between the strips
   [c − r, c) and [c, c + r), and the fewest sites blocking them all are a minimum vertex cover of that
   bipartite crossing graph (König: its size is the maximum matching, found exactly by augmenting
   paths);
2. the separator: with ``band`` > 0, the minimum vertex separator inside the band [c − band·r,
   c + band·r) — the fewest band sites whose removal disconnects the sites below the band from those
   above (Menger; maximum flow by Dinic on the split graph v_in → v_out), which may bend around dense
   spots like METIS's refined separators; with ``band`` = 0 the straight cover of step 1;
3. the separator is ordered after both halves; subdomains of at most ``leaf`` sites keep their order
   (the network's serpentine cell order, which is spatial).

Measured (``benchmarks/bench_ordering.py``; n_s a_b² = 0.01, N = 1e5): at 3 l_c 7.7e9 factorisation
flops and 2.24e7 stored front entries against METIS's 7.8e9 and 2.19e7 (the older ``"nd"``: 1.7e10,
3.3e7), at 1.5 l_c 1.9e8 and 3.9e6 against 1.7e8 and 3.6e6; ordering time about half of METIS's.
Positions → node, like every ordering; it needs only the coordinates, the adjacency and r.
"""
from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["geometric_nd"]


@nb.njit(cache=True)
def _max_matching_cover(nl, nr, ptr, adj, is_cover_l, is_cover_r):
    """Maximum matching of the bipartite graph left (nl) → right (nr) given in CSR (ptr, adj), then
    König's minimum vertex cover: cover = (left not reachable) ∪ (right reachable) from the free left
    vertices by alternating paths.  Fills the two boolean arrays; returns the cover size."""
    match_l = np.full(nl, -1, np.int64)
    match_r = np.full(nr, -1, np.int64)
    for a in range(nl):                     # greedy start
        for t in range(ptr[a], ptr[a + 1]):
            b = adj[t]
            if match_r[b] == -1:
                match_l[a] = b
                match_r[b] = a
                break
    seen = np.full(nr, -1, np.int64)
    prev = np.empty(nr, np.int64)
    queue = np.empty(nl, np.int64)
    for u in range(nl):                     # one BFS for an augmenting path from each free left vertex
        if match_l[u] != -1:
            continue
        head, tail = 0, 0
        queue[tail] = u
        tail += 1
        found = -1
        while head < tail and found == -1:
            a = queue[head]
            head += 1
            for t in range(ptr[a], ptr[a + 1]):
                b = adj[t]
                if seen[b] == u:
                    continue
                seen[b] = u
                prev[b] = a
                if match_r[b] == -1:
                    found = b
                    break
                queue[tail] = match_r[b]
                tail += 1
        b = found
        while b != -1:                      # augment along the path
            a = prev[b]
            nxt = match_l[a]
            match_l[a] = b
            match_r[b] = a
            b = nxt
    reach_l = np.zeros(nl, np.bool_)
    reach_r = np.zeros(nr, np.bool_)
    stack = np.empty(nl, np.int64)
    top = 0
    for a in range(nl):
        if match_l[a] == -1:
            reach_l[a] = True
            stack[top] = a
            top += 1
    while top > 0:
        top -= 1
        a = stack[top]
        for t in range(ptr[a], ptr[a + 1]):
            b = adj[t]
            if not reach_r[b]:
                reach_r[b] = True
                a2 = match_r[b]
                if a2 != -1 and not reach_l[a2]:
                    reach_l[a2] = True
                    stack[top] = a2
                    top += 1
    size = 0
    for a in range(nl):
        is_cover_l[a] = not reach_l[a]
        size += is_cover_l[a]
    for b in range(nr):
        is_cover_r[b] = reach_r[b]
        size += is_cover_r[b]
    return size


@nb.njit(cache=True)
def _cover_at(perm, s, e, coord, cut, r_cut, indptr, indices, stamp, sid, side, loc, left, right):
    """Sides of the range [s, e) cut at ``cut``: 0 below, 1 above, 2 the minimum vertex cover of the
    crossing bonds (which all join the strips [cut − r, cut) and [cut, cut + r)); returns its size."""
    for q in range(s, e):
        v = perm[q]
        side[v] = 0 if coord[v] < cut else 1
    nl, nr = 0, 0
    for q in range(s, e):
        v = perm[q]
        if coord[v] < cut - r_cut or coord[v] >= cut + r_cut:
            continue
        for t in range(indptr[v], indptr[v + 1]):
            w = indices[t]
            if stamp[w] == sid and side[w] != side[v]:
                if side[v] == 0:
                    loc[v] = nl
                    left[nl] = v
                    nl += 1
                else:
                    loc[v] = nr
                    right[nr] = v
                    nr += 1
                break
    ptr = np.zeros(nl + 1, np.int64)
    cnt = 0
    for i in range(nl):
        v = left[i]
        for t in range(indptr[v], indptr[v + 1]):
            w = indices[t]
            if stamp[w] == sid and side[w] == 1 and loc[w] >= 0:
                cnt += 1
        ptr[i + 1] = cnt
    adj = np.empty(cnt, np.int64)
    cnt = 0
    for i in range(nl):
        v = left[i]
        for t in range(indptr[v], indptr[v + 1]):
            w = indices[t]
            if stamp[w] == sid and side[w] == 1 and loc[w] >= 0:
                adj[cnt] = loc[w]
                cnt += 1
    cov_l = np.zeros(nl, np.bool_)
    cov_r = np.zeros(nr, np.bool_)
    size = _max_matching_cover(nl, nr, ptr, adj, cov_l, cov_r)
    for i in range(nl):
        loc[left[i]] = -1
        if cov_l[i]:
            side[left[i]] = 2
    for i in range(nr):
        loc[right[i]] = -1
        if cov_r[i]:
            side[right[i]] = 2
    return size


@nb.njit(cache=True)
def _dinic(n_nodes, src, dst, cap, s_node, t_node):
    """Dinic's maximum flow on arcs (src → dst, cap; arc k ^ 1 is the reverse of arc k); returns the
    residual capacities and the nodes reachable from ``s_node`` in the final residual graph."""
    m = src.shape[0]
    head = np.full(n_nodes, -1, np.int64)
    nxt = np.empty(m, np.int64)
    for k in range(m):
        nxt[k] = head[src[k]]
        head[src[k]] = k
    res = cap.copy()
    level = np.empty(n_nodes, np.int64)
    it = np.empty(n_nodes, np.int64)
    queue = np.empty(n_nodes, np.int64)
    path = np.empty(n_nodes + 1, np.int64)
    while True:
        level[:] = -1
        level[s_node] = 0
        h, tl = 0, 1
        queue[0] = s_node
        while h < tl:
            v = queue[h]
            h += 1
            k = head[v]
            while k != -1:
                if res[k] > 0 and level[dst[k]] < 0:
                    level[dst[k]] = level[v] + 1
                    queue[tl] = dst[k]
                    tl += 1
                k = nxt[k]
        if level[t_node] < 0:
            break
        it[:] = head
        while True:                          # blocking flow: unit augmentations by iterative DFS
            depth = 0
            v = s_node
            found = False
            while True:
                if v == t_node:
                    found = True
                    break
                k = it[v]
                while k != -1 and not (res[k] > 0 and level[dst[k]] == level[v] + 1):
                    k = nxt[k]
                it[v] = k
                if k == -1:
                    if depth == 0:
                        break
                    level[v] = -1            # dead end
                    depth -= 1
                    v = src[path[depth]]
                    it[v] = nxt[it[v]]
                    continue
                path[depth] = k
                depth += 1
                v = dst[k]
            if not found:
                break
            for d in range(depth):
                res[path[d]] -= 1
                res[path[d] ^ 1] += 1
    reach = level >= 0                       # the last BFS: reachable in the residual graph
    return reach


@nb.njit(cache=True)
def _band_cut(perm, s, e, coord, cut, width, indptr, indices, stamp, sid, side, loc):
    """Minimum vertex separator of the range [s, e) inside the band [cut − w, cut + w): the fewest band
    sites whose removal disconnects the sites below the band from those above (Menger: the maximum
    number of site-disjoint paths, by Dinic on the split graph v_in → v_out).  Sets side 0 / 1 / 2."""
    nb_ = 0
    band = np.empty(e - s, np.int64)
    for q in range(s, e):
        v = perm[q]
        c = coord[v]
        if c < cut - width:
            side[v] = 0
        elif c >= cut + width:
            side[v] = 1
        else:
            side[v] = 3
            loc[v] = nb_
            band[nb_] = v
            nb_ += 1
    n_arcs = 0
    for i in range(nb_):
        v = band[i]
        n_arcs += 1
        for t in range(indptr[v], indptr[v + 1]):
            w = indices[t]
            if stamp[w] == sid and (side[w] == 0 or side[w] == 1 or (side[w] == 3 and w > v)):
                n_arcs += 1
    big = nb_ + 1
    src = np.empty(4 * n_arcs, np.int64)
    dst = np.empty(4 * n_arcs, np.int64)
    cap = np.zeros(4 * n_arcs, np.int64)
    S, T = 2 * nb_, 2 * nb_ + 1
    k = 0
    for i in range(nb_):
        v = band[i]
        src[k], dst[k], cap[k] = 2 * i, 2 * i + 1, 1            # v_in → v_out
        src[k + 1], dst[k + 1] = 2 * i + 1, 2 * i
        k += 2
        to_s, to_t = False, False
        for t in range(indptr[v], indptr[v + 1]):
            w = indices[t]
            if stamp[w] != sid:
                continue
            if side[w] == 0:
                to_s = True
            elif side[w] == 1:
                to_t = True
            elif side[w] == 3 and w > v:
                j = loc[w]
                src[k], dst[k], cap[k] = 2 * i + 1, 2 * j, big   # v_out → w_in
                src[k + 1], dst[k + 1] = 2 * j, 2 * i + 1
                src[k + 2], dst[k + 2], cap[k + 2] = 2 * j + 1, 2 * i, big   # w_out → v_in
                src[k + 3], dst[k + 3] = 2 * i, 2 * j + 1
                k += 4
        if to_s:
            src[k], dst[k], cap[k] = S, 2 * i, big
            src[k + 1], dst[k + 1] = 2 * i, S
            k += 2
        if to_t:
            src[k], dst[k], cap[k] = 2 * i + 1, T, big
            src[k + 1], dst[k + 1] = T, 2 * i + 1
            k += 2
    reach = _dinic(2 * nb_ + 2, src[:k], dst[:k], cap[:k], S, T)
    size = 0
    for i in range(nb_):
        v = band[i]
        loc[v] = -1
        if reach[2 * i] and reach[2 * i + 1]:
            side[v] = 0
        elif reach[2 * i]:
            side[v] = 2
            size += 1
        else:
            side[v] = 1
    return size


@nb.njit(cache=True)
def _geometric(x, y, indptr, indices, r_cut, leaf, candidates, spread, both, band):
    n = x.shape[0]
    perm = np.arange(n)
    side = np.zeros(n, np.int8)
    stamp = np.full(n, -1, np.int64)
    loc = np.full(n, -1, np.int64)
    st_s = np.empty(2 * n + 2, np.int64)
    st_e = np.empty(2 * n + 2, np.int64)
    st_s[0], st_e[0] = 0, n
    top = 1
    sid = 0
    buf = np.empty(n, np.int64)
    left = np.empty(n, np.int64)
    right = np.empty(n, np.int64)
    while top > 0:
        top -= 1
        s, e = st_s[top], st_e[top]
        m = e - s
        if m <= leaf:
            continue
        sid += 1
        xmin, xmax, ymin, ymax = np.inf, -np.inf, np.inf, -np.inf
        for q in range(s, e):
            v = perm[q]
            stamp[v] = sid
            xmin, xmax = min(xmin, x[v]), max(xmax, x[v])
            ymin, ymax = min(ymin, y[v]), max(ymax, y[v])
        wx, wy = xmax - xmin, ymax - ymin
        best, best_cut, best_axis = -1, 0.0, 0 if wx >= wy else 1
        vals = np.empty(m)
        for axis in range(2):
            # the longer axis; both when the range is nearly square (aspect within ``both``)
            if not (max(wx, wy) <= both * min(wx, wy) or axis == (0 if wx >= wy else 1)):
                continue
            coord = x if axis == 0 else y
            for q in range(s, e):
                vals[q - s] = coord[perm[q]]
            vals.sort()
            if best == -1:
                best_cut, best_axis = vals[m // 2], axis
            if candidates > 1:              # the cut: the quantile with the smallest cover
                for k in range(candidates):
                    frac = 0.5 - spread + 2 * spread * k / (candidates - 1)
                    cut = vals[min(m - 1, int(frac * m))]
                    size = _cover_at(perm, s, e, coord, cut, r_cut, indptr, indices, stamp, sid, side, loc, left,
                                     right)
                    if best == -1 or size < best:
                        best, best_cut, best_axis = size, cut, axis
        coord = x if best_axis == 0 else y
        if band > 0:
            _band_cut(perm, s, e, coord, best_cut, band * r_cut, indptr, indices, stamp, sid, side, loc)
        else:
            _cover_at(perm, s, e, coord, best_cut, r_cut, indptr, indices, stamp, sid, side, loc, left, right)
        n0, n1 = 0, 0
        c0 = 0                              # stable partition: low | high | separator
        for lab in range(3):
            for q in range(s, e):
                if side[perm[q]] == lab:
                    buf[c0] = perm[q]
                    c0 += 1
            if lab == 0:
                n0 = c0
            elif lab == 1:
                n1 = c0
        if n0 == 0 or n1 == n0:
            continue                        # no split (all on one side): leave the range as it is
        for q in range(m):
            perm[s + q] = buf[q]
        st_s[top], st_e[top] = s, s + n0
        top += 1
        st_s[top], st_e[top] = s + n0, s + n1
        top += 1
    return perm


def geometric_nd(coords: np.ndarray, adj, cutoff: float, leaf: int = 8, candidates: int = 9,
                 spread: float = 0.1, both: float = 1.25, band: float = 1.5) -> np.ndarray:
    """Fill-reducing order (position → node) by geometric nested dissection (see the module docstring).

    Parameters
    ----------
    coords : (n, 2) site positions (a_b);  adj : symmetric 0/1 CSR adjacency of the bonds
    cutoff : every bond is shorter than this (a_b): the bond cut-off r
    leaf : subdomains of at most this many sites are not cut further
    candidates, spread : cut positions tried, at the quantiles 0.5 − spread … 0.5 + spread
    both : try both axes when the subdomain's aspect ratio is below this (else the longer side only)
    band : half-width of the band of the minimum separator, in units of r (0: the straight cover)
    """
    coords = np.asarray(coords, dtype=np.float64).reshape(-1, 2)
    if coords.shape[0] == 0:
        return np.zeros(0, np.int64)
    return _geometric(np.ascontiguousarray(coords[:, 0]), np.ascontiguousarray(coords[:, 1]),
                      np.ascontiguousarray(adj.indptr, dtype=np.int64), np.ascontiguousarray(adj.indices, dtype=np.int64),
                      float(cutoff), int(leaf), int(candidates), float(spread), float(both), float(band))
