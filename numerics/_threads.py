"""Run independent work items on a few threads (the numba kernels they call release the GIL)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

__all__ = ["run_in_threads"]


def run_in_threads(work: Callable, items: Iterable, workers: int) -> None:
    """Call ``work(item)`` for every item: in order on this thread when ``workers`` ≤ 1 or there
    is a single item, else on ``workers`` threads (exceptions propagate either way)."""
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        for item in items:
            work(item)
        return
    with ThreadPoolExecutor(max_workers=workers) as ex:
        list(ex.map(work, items))
