"""Mixed backward error of a shifted Laplacian solve (componentwise in the conductances)."""
from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["backward_error"]


def backward_error(a: np.ndarray, b: np.ndarray, g: np.ndarray, ground, S: np.ndarray,
                   rhs: np.ndarray) -> float:
    """Mixed backward error of S for (L + D) S = rhs, bonds (a, b) with conductances g.

    ``ground`` is the shift: a number ε (D = εI) or one value per site (D = diag(ground), e.g. ε w_i with
    energy disorder); real or complex (a complex shift ε − iω of the Zeeman problem), as are S and rhs.
    Returns max_i |r_i| / (|rhs_i| + |D_i| |S_i| + sum_j g_ij (|S_i| + |S_j|) + max_j |rhs_j|), with
    r_i = sum_j g_ij (S_j - S_i) - D_i S_i + rhs_i: the smallest η such that S is exact for
    conductances and shift perturbed by a relative η each and a source perturbed by η max|rhs|
    (componentwise in the matrix, normwise in the source, because the zero-mean projection of
    the source is itself only accurate to ~1e-16 max|rhs| on every site)."""
    if S.shape[0] == 0:
        return 0.0
    cplx = np.iscomplexobj(S) or np.iscomplexobj(rhs) or np.iscomplexobj(ground)
    dtype = np.complex128 if cplx else np.float64
    shift = np.broadcast_to(np.asarray(ground, dtype), S.shape)
    return _backward_error(np.ascontiguousarray(a, np.int64), np.ascontiguousarray(b, np.int64),
                           np.ascontiguousarray(g, np.float64), np.ascontiguousarray(shift),
                           np.ascontiguousarray(S, dtype), np.ascontiguousarray(rhs, dtype))


@nb.njit(cache=True, nogil=True)
def _backward_error(a, b, g, shift, S, rhs):
    M = S.shape[0]
    r = rhs - shift * S
    den = np.abs(rhs) + np.abs(shift) * np.abs(S)
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
