"""Mixed backward error of a shifted Laplacian solve (componentwise in the conductances)."""
from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["backward_error"]


def backward_error(a: np.ndarray, b: np.ndarray, g: np.ndarray, eps: float, S: np.ndarray,
                   rhs: np.ndarray) -> float:
    """Mixed backward error of S for (L + eps) S = rhs, bonds (a, b) with conductances g:
    max_i |r_i| / (|rhs_i| + eps |S_i| + sum_j g_ij (|S_i| + |S_j|) + max_j |rhs_j|), with
    r_i = sum_j g_ij (S_j - S_i) - eps S_i + rhs_i: the smallest η such that S is exact for
    conductances and shift perturbed by a relative η each and a source perturbed by η max|rhs|
    (componentwise in the matrix, normwise in the source, because the zero-mean projection of
    the source is itself only accurate to ~1e-16 max|rhs| on every site)."""
    if S.shape[0] == 0:
        return 0.0
    return _backward_error(np.ascontiguousarray(a, np.int64), np.ascontiguousarray(b, np.int64),
                           np.ascontiguousarray(g, np.float64), float(eps),
                           np.ascontiguousarray(S, np.float64), np.ascontiguousarray(rhs, np.float64))


@nb.njit(cache=True, nogil=True)
def _backward_error(a, b, g, eps, S, rhs):
    M = S.shape[0]
    r = rhs - eps * S
    den = np.abs(rhs) + eps * np.abs(S)
    top = 0.0
    for i in range(M):
        top = max(top, abs(rhs[i]))
    for t in range(a.shape[0]):
        i = a[t]
        j = b[t]
        d = g[t] * (S[j] - S[i])
        w = g[t] * (abs(S[i]) + abs(S[j]))
        r[i] += d
        r[j] -= d
        den[i] += w
        den[j] += w
    worst = 0.0
    for i in range(M):
        q = den[i] + top
        if q > 0.0:
            worst = max(worst, abs(r[i]) / q)
        elif r[i] != 0.0:
            return np.inf
    return worst


_LANES: int | None = None  # override of the lane count (tests, benchmarks)

