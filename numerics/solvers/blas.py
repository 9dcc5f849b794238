"""BLAS ``dgemm`` / ``zgemm`` for the numba kernels of the multifrontal engine.

The function pointer comes from scipy's bundled ``scipy.linalg.cython_blas`` and is passed to the
kernels as an *argument*, so that numba can cache them (a ctypes pointer baked into the code would
not be cacheable).
"""
from __future__ import annotations

import ctypes

import numba as nb
import numpy as np
from numba.extending import get_cython_function_address

__all__ = ["DGEMM", "ZGEMM", "N", "T", "gemm"]

# BLAS dgemm (column-major) from scipy's bundled library, passed to the kernels as an argument so
# that numba can cache them (a ctypes pointer baked into the code would not be cacheable)
_VP = ctypes.c_void_p
DGEMM = ctypes.CFUNCTYPE(None, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP)(
    get_cython_function_address("scipy.linalg.cython_blas", "dgemm"))
#: complex ``zgemm`` (same argument list, complex128 scalars and matrices): the complex-shift solves
#: (L + ε − iω) of the Zeeman field; the same numba type as DGEMM, so one kernel takes either
ZGEMM = ctypes.CFUNCTYPE(None, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP, _VP)(
    get_cython_function_address("scipy.linalg.cython_blas", "zgemm"))
N = np.array([ord("N")], np.uint8)
T = np.array([ord("T")], np.uint8)


@nb.njit(cache=True, nogil=True)
def gemm(dgemm, transa, transb, m, n, k, a, lda, b, ldb, beta, c, ldc):
    """C := op(A) op(B) + beta C, column-major, on raw 1-D views (alpha = 1): ``dgemm`` for float64
    arrays, ``zgemm`` (pass :data:`ZGEMM`) for complex128 ones — the scalars take the arrays' dtype."""
    dims = np.array([m, n, k, lda, ldb, ldc], np.int32)
    scal = np.empty(2, a.dtype)
    scal[0] = 1.0
    scal[1] = beta
    dgemm(transa.ctypes, transb.ctypes, dims[0:].ctypes, dims[1:].ctypes, dims[2:].ctypes, scal[0:].ctypes,
          a.ctypes, dims[3:].ctypes, b.ctypes, dims[4:].ctypes, scal[1:].ctypes, c.ctypes, dims[5:].ctypes)


