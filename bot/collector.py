"""Python's cyclic garbage collector, set for this service's processes (docs/performance.md).

With Python's default (a young collection every 700 new objects), a national `/summary` or
monitoring return, which makes a few hundred thousand short-lived rows and records, moved so
many through the young generations that the full collection, which walks every object in
the process, ran about 25 times a return: a third of its time. Collecting the young every
10,000 objects lets those die young; cycles are still collected, a little later.
"""

from __future__ import annotations

import gc

YOUNG = 10_000  # new objects between young collections (Python's default: 700)


def tune() -> None:
    """Once, at the start of a process (`oocps`, the benchmarks)."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG, middle, old)
