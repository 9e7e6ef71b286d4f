"""The lock an :class:`~runic.ogm.session.async_session.AsyncSession` runs its operations under.

Tasks sharing one session (``asyncio.gather``) must not interleave an operation
that changes the session's state across an ``await`` (a flush plans, sends, then
applies the result) with any other. Reads may overlap each other where the
backend runs them in parallel: their only state change, hydration into the
identity map, happens between two awaits and is the same in any order. So the
lock is shared by reads and exclusive for everything else; a waiting exclusive
operation goes before reads that arrive after it (no writer starvation).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

__all__ = ["OperationLock"]


class OperationLock:
    """A shared/exclusive lock for one session's operations (asyncio only)."""

    __slots__ = ("_changed", "_exclusive", "_readers", "_waiting")

    def __init__(self) -> None:
        self._changed = asyncio.Condition()
        self._readers = 0
        self._exclusive = False
        self._waiting = 0  # exclusive operations waiting: new readers queue behind them

    @asynccontextmanager
    async def shared(self) -> AsyncIterator[None]:
        """Hold the lock with other readers (never while an exclusive operation runs)."""
        changed = self._changed
        async with changed:
            if self._exclusive or self._waiting:
                await changed.wait_for(lambda: not (self._exclusive or self._waiting))
            self._readers += 1
        try:
            yield
        finally:
            async with changed:
                self._readers -= 1
                if not self._readers:
                    changed.notify_all()

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        """Hold the lock alone."""
        changed = self._changed
        async with changed:
            if self._exclusive or self._readers:
                self._waiting += 1
                try:
                    await changed.wait_for(lambda: not (self._exclusive or self._readers))
                finally:
                    self._waiting -= 1
            self._exclusive = True
        try:
            yield
        finally:
            async with changed:
                self._exclusive = False
                changed.notify_all()
