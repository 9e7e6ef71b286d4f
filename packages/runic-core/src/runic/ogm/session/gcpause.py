"""Pausing the cyclic garbage collector around bulk pure-Python work.

A flush or a hydration of thousands of entities allocates a few containers per
entity, all of which stay alive; each allocation burst triggers collections that
traverse every live container again, which makes large batches superlinear.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["gc_paused"]

_GC_PAUSE_MIN = 500


@contextlib.contextmanager
def gc_paused(size: int) -> Iterator[None]:
    """Pause the cyclic garbage collector while a flush or a hydration handles many entities.

    Planning and applying a flush, or hydrating a result, allocates a few
    containers per entity, all of which stay alive; each allocation burst triggers
    collections that traverse every live container (the entities included), which
    made large flushes superlinear. Reference counting still frees everything; the
    paused section never yields to the driver, so other code of this thread never
    runs with the collector off. A collector disabled by the application stays
    disabled.
    """
    if size < _GC_PAUSE_MIN or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
