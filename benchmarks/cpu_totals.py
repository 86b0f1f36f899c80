"""CPU of one function summed over all its calls, for the benchmarks that time resolution's inner steps.

Why one helper: `resolve_steps.py`, `bench_memory.py --steps` and `graph_degree_quality.py` each wrapped
functions the same way (process CPU around the call, added to a total); three copies drift apart.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any


def add_cpu(owner: Any, name: str, totals: dict[str, list[float]]) -> Callable[[], None]:
    """Wrap `owner.name` so each call adds its process CPU seconds and one call to `totals[name]`.

    `totals[name]` is `[seconds, calls]`; a step nested in another counts in both. Returns a function
    that puts the original back (benchmarks that compare two settings in one process need it).
    """
    fn: Callable[..., Any] = getattr(owner, name)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            total = totals.setdefault(name, [0.0, 0])
            total[0] += time.process_time() - start
            total[1] += 1

    setattr(owner, name, wrapper)
    return functools.partial(setattr, owner, name, fn)
