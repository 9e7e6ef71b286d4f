"""The protocols every backend driver implements, sync and async.

A driver executes compiled Cypher and returns :class:`QueryResult` objects whose
values are already decoded into :class:`GraphNode`/:class:`GraphEdge`/
:class:`GraphPath` and plain Python values.

Transactions are objects: :meth:`TransactionalGraphDriver.begin` returns a
:class:`GraphTransaction` that the session keeps for its lifetime, so one pooled
driver can serve many sessions (threads or tasks) at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from runic.ogm.capabilities import Capability
from runic.ogm.driver.results import QueryResult

if TYPE_CHECKING:
    from runic.ogm.dialect import GraphDialect

__all__ = [
    "AsyncGraphDriver",
    "AsyncGraphTransaction",
    "AsyncTransactionalGraphDriver",
    "Capability",
    "GraphDriver",
    "GraphTransaction",
    "TransactionalGraphDriver",
]


@runtime_checkable
class GraphDriver(Protocol):
    """A blocking driver: one pooled connection to one graph or database."""

    @property
    def backend(self) -> str:
        """The backend's registry name, e.g. ``"falkordb"``."""
        ...

    @property
    def dialect(self) -> GraphDialect:
        """The dialect compiling statements for this backend."""
        ...

    def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = True,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run one statement (auto-commit) and return its decoded rows.

        ``write=False`` lets the backend route the statement as read-only.
        ``columns`` are the result column names known from the compiled IR;
        backends that need them up front (AGE) use them, others may ignore them.
        """
        ...

    def close(self) -> None:
        """Release every pooled connection (and any server the driver started)."""
        ...


@runtime_checkable
class GraphTransaction(Protocol):
    """An explicit transaction begun by :meth:`TransactionalGraphDriver.begin`."""

    def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = True,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run one statement inside the transaction."""
        ...

    def commit(self) -> None:
        """Make every statement of the transaction durable."""
        ...

    def rollback(self) -> None:
        """Discard every statement of the transaction."""
        ...


@runtime_checkable
class TransactionalGraphDriver(GraphDriver, Protocol):
    """A driver whose backend has multi-statement transactions."""

    def begin(self, *, write: bool = True) -> GraphTransaction:
        """Begin a transaction on a connection taken from the pool."""
        ...


@runtime_checkable
class AsyncGraphDriver(Protocol):
    """The awaiting twin of :class:`GraphDriver`."""

    @property
    def backend(self) -> str:
        """The backend's registry name."""
        ...

    @property
    def dialect(self) -> GraphDialect:
        """The dialect compiling statements for this backend."""
        ...

    async def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = True,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run one statement (auto-commit) and return its decoded rows."""
        ...

    async def close(self) -> None:
        """Release every pooled connection."""
        ...


@runtime_checkable
class AsyncGraphTransaction(Protocol):
    """The awaiting twin of :class:`GraphTransaction`."""

    async def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = True,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run one statement inside the transaction."""
        ...

    async def commit(self) -> None:
        """Make the transaction durable."""
        ...

    async def rollback(self) -> None:
        """Discard the transaction."""
        ...


@runtime_checkable
class AsyncTransactionalGraphDriver(AsyncGraphDriver, Protocol):
    """An async driver whose backend has multi-statement transactions."""

    async def begin(self, *, write: bool = True) -> AsyncGraphTransaction:
        """Begin a transaction on a pooled connection."""
        ...
