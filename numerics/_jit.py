"""Is this the first run (the numba kernels not yet compiled into the cache)?  Used to say so."""
from __future__ import annotations

import importlib

__all__ = ["kernels_cached", "COMPILE_NOTICE"]

#: a few large kernels of the pipeline; when their cache is valid, the rest is too
_KEY_KERNELS = (("numerics.solvers.multifrontal", "_factor"), ("numerics.solvers.differences", "_differences"),
                ("numerics.triads", "_accumulate"))
COMPILE_NOTICE = "compiling the numba kernels (first run only: about 30-60 s on 2 cores, cached afterwards)"


def kernels_cached() -> bool:
    """True if the key kernels have a valid on-disk cache for the current source (numba's index, which
    also checks the source's time stamp); True when that cannot be told (no false alarms)."""
    try:
        for module, name in _KEY_KERNELS:
            dispatcher = getattr(importlib.import_module(module), name)
            if dispatcher.signatures:          # compiled in this process already
                continue
            cache_file = dispatcher._cache._cache_file  # numba internals: guarded by the except below
            if not cache_file._load_index():
                return False
    except Exception:  # noqa: BLE001 - a numba without these internals: say nothing
        return True
    return True
