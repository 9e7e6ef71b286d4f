"""In-memory sync and async drivers that record statements and echo parameters.

``RETURN $a AS x, $b AS y`` answers one row ``(params["a"], params["b"])`` with
columns ``("x", "y")``; any other statement is recorded and answers no rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import ConnectionFailedError, QueryExecutionError

if TYPE_CHECKING:
    from runic.ogm.dialect import GraphDialect

__all__ = ["AsyncExampleDriver", "ExampleDriver", "answer"]

BACKEND = "example"

_RETURN_RE = re.compile(r"\s*RETURN\s+(?P<items>.+?)\s*", re.IGNORECASE | re.DOTALL)
_ITEM_RE = re.compile(r"\$(?P<param>[A-Za-z_]\w*)\s+AS\s+(?P<column>[A-Za-z_]\w*)", re.IGNORECASE)


def answer(
    cypher: str, params: Mapping[str, Any], columns: Sequence[str] | None = None
) -> QueryResult:
    """Answer ``RETURN $p AS c, ...`` from ``params``; anything else yields no rows."""
    match = _RETURN_RE.fullmatch(cypher)
    if match is None:
        return QueryResult(list(columns or ()), [])
    items = [_ITEM_RE.fullmatch(item.strip()) for item in match["items"].split(",")]
    if any(item is None for item in items):
        return QueryResult(list(columns or ()), [])
    names: list[str] = []
    values: list[Any] = []
    for item in items:
        assert item is not None
        if item["param"] not in params:
            raise QueryExecutionError(
                f"missing parameter ${item['param']}", backend=BACKEND, cypher=cypher
            )
        names.append(item["column"])
        values.append(params[item["param"]])
    return QueryResult(list(names), [tuple(values)])


class _Recorder:
    """State shared by both drivers: the graph name and the executed statements."""

    def __init__(self, graph: str) -> None:
        self.graph = graph
        self.executed: list[tuple[str, dict[str, Any], bool]] = []
        self.closed = False

    @property
    def backend(self) -> str:
        """The registry name of this backend."""
        return BACKEND

    @property
    def dialect(self) -> GraphDialect:
        """The reference Cypher dialect."""
        from runic.ogm.dialect import CypherDialect

        return CypherDialect()

    def _run(
        self,
        cypher: str,
        params: Mapping[str, Any] | None,
        write: bool,
        columns: Sequence[str] | None,
    ) -> QueryResult:
        if self.closed:
            raise ConnectionFailedError(
                f"the {BACKEND} driver for graph {self.graph!r} is closed; create a new one"
            )
        bound = dict(params or {})
        self.executed.append((cypher, bound, write))
        return answer(cypher, bound, columns)


class ExampleDriver(_Recorder):
    """Blocking in-memory driver (``create_driver("example", graph=...)``)."""

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
        """Record the statement and answer it."""
        return self._run(cypher, params, write, columns)

    def close(self) -> None:
        """Refuse further statements."""
        self.closed = True


class AsyncExampleDriver(_Recorder):
    """Awaiting in-memory driver (``create_async_driver("example", graph=...)``)."""

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
        """Record the statement and answer it."""
        return self._run(cypher, params, write, columns)

    async def close(self) -> None:
        """Refuse further statements."""
        self.closed = True
