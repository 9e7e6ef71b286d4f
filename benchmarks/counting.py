"""Round trips, counted where they happen.

* ``statements``: calls of a runic driver's ``execute`` (or of its transaction's),
  i.e. the statements runic sends;
* ``commands``: Redis commands sent by a ``falkordb`` graph handle (its
  ``execute_command``): every server round trip of the raw client and of
  falkordb-orm, and of runic's FalkorDB driver underneath, including the
  schema look-ups (``db.labels()``...) the client makes on its own.

Wrapping replaces bound methods on the *instance*, so ``isinstance`` checks
against runic's driver protocols keep working.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Counter", "count_driver", "count_graph_handle"]


@dataclass
class Counter:
    """Counts of one contender; :meth:`reset` before a timed run, :meth:`snapshot` after."""

    statements: int = 0
    commands: int = 0
    counts_statements: bool = False
    counts_commands: bool = False

    def reset(self) -> None:
        self.statements = 0
        self.commands = 0

    def snapshot(self) -> dict[str, int]:
        out: dict[str, int] = {}
        if self.counts_statements:
            out["statements"] = self.statements
        if self.counts_commands:
            out["commands"] = self.commands
        return out


def _wrap(target: Any, name: str, bump: Callable[[], None]) -> None:
    original = getattr(target, name)
    if inspect.iscoroutinefunction(original):

        @functools.wraps(original)
        async def counted_async(*args: Any, **kwargs: Any) -> Any:
            bump()
            return await original(*args, **kwargs)

        setattr(target, name, counted_async)
    else:

        @functools.wraps(original)
        def counted(*args: Any, **kwargs: Any) -> Any:
            bump()
            return original(*args, **kwargs)

        setattr(target, name, counted)


def count_graph_handle(graph: Any, counter: Counter) -> None:
    """Count every Redis command a ``falkordb`` (sync or asyncio) graph handle sends."""

    def bump() -> None:
        counter.commands += 1

    _wrap(graph, "execute_command", bump)
    counter.counts_commands = True


def count_driver(driver: Any, counter: Counter) -> None:
    """Count the statements a runic driver executes (and its Redis commands on FalkorDB).

    Transactional drivers run statements through the transaction ``begin()``
    returns; those are counted too.
    """

    def bump() -> None:
        counter.statements += 1

    _wrap(driver, "execute", bump)
    counter.counts_statements = True
    begin = getattr(driver, "begin", None)
    if begin is not None:
        if inspect.iscoroutinefunction(begin):

            async def counted_begin_async(*args: Any, **kwargs: Any) -> Any:
                tx = await begin(*args, **kwargs)
                _wrap(tx, "execute", bump)
                return tx

            driver.begin = counted_begin_async
        else:

            def counted_begin(*args: Any, **kwargs: Any) -> Any:
                tx = begin(*args, **kwargs)
                _wrap(tx, "execute", bump)
                return tx

            driver.begin = counted_begin
    handle = getattr(driver, "graph", None)
    if handle is not None and hasattr(handle, "execute_command"):
        count_graph_handle(handle, counter)
