"""Sync and async drivers of the in-memory example backend.

Both run statements (:mod:`.engine`) on a :class:`~runic_example_backend.graph.MemoryGraph`: the
process-wide graph named by ``graph=`` (so two drivers on one name see the same
nodes). Nothing does I/O, so the async driver awaits nothing: it calls the same
code. There are no transactions: each statement is atomic on its own (a failing
write changes nothing), like FalkorDB's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import ConnectionFailedError
from runic_example_backend.dialect import ExampleDialect
from runic_example_backend.engine import execute
from runic_example_backend.graph import BACKEND, MemoryGraph, graph_named

__all__ = ["AsyncExampleDriver", "ExampleDriver"]


class _Core:
    """What both drivers share: the graph, the dialect and the statement log."""

    def __init__(self, graph: str) -> None:
        self.graph = graph
        self.store: MemoryGraph = graph_named(graph)
        #: ``(cypher, params, write)`` of every statement run, for tests and the guide.
        self.executed: list[tuple[str, dict[str, Any], bool]] = []
        self.closed = False
        self._dialect = ExampleDialect()

    @property
    def backend(self) -> str:
        """The registry name of this backend."""
        return BACKEND

    @property
    def dialect(self) -> ExampleDialect:
        """The dialect compiling statements for the engine."""
        return self._dialect

    def _run(self, cypher: str, params: Mapping[str, Any] | None, write: bool) -> QueryResult:
        if self.closed:
            raise ConnectionFailedError(
                f"the {BACKEND} driver for graph {self.graph!r} is closed; create a new one"
            )
        bound = dict(params or {})
        self.executed.append((cypher, bound, write))
        return execute(self.store, cypher, bound, write=write)


class ExampleDriver(_Core):
    """Blocking driver: ``create_driver("example", graph="name")``."""

    def __init__(self, *, graph: str = "example") -> None:
        super().__init__(graph)

    def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = True,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run one statement; ``write=False`` refuses one that creates, sets or deletes."""
        return self._run(cypher, params, write)

    def close(self) -> None:
        """Refuse further statements (the graph stays for other drivers)."""
        self.closed = True


class AsyncExampleDriver(_Core):
    """Awaiting driver: ``create_async_driver("example", graph="name")``."""

    def __init__(self, *, graph: str = "example") -> None:
        super().__init__(graph)

    async def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = True,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run one statement (in-memory: nothing to await)."""
        return self._run(cypher, params, write)

    async def close(self) -> None:
        """Refuse further statements."""
        self.closed = True
