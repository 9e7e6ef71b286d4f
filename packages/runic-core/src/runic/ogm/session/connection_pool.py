"""Connection managers: one pooled driver for the application, one session per unit of work.

Create the manager once at start-up and call :meth:`ConnectionManager.session`
for each request; every session shares the driver's connection pool.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from runic.ogm.driver.protocols import AsyncGraphDriver, GraphDriver
from runic.ogm.session.async_session import AsyncSession
from runic.ogm.session.session import Session

__all__ = ["AsyncConnectionManager", "ConnectionManager"]


def _falkordb_driver(handle: Any, graph_name: str | None, *, is_async: bool) -> Any:
    """Wrap a raw ``falkordb`` client or graph handle (seed compatibility)."""
    from runic.ogm.driver import falkordb as fdb

    graph = handle
    if graph_name is not None:
        graph = handle.select_graph(graph_name)
    cls = fdb.AsyncFalkorDBDriver if is_async else fdb.FalkorDBDriver
    return cls(graph)


class ConnectionManager:
    """Shares one :class:`~runic.ogm.driver.protocols.GraphDriver` across sessions.

    ``ConnectionManager(driver)``; for compatibility also ``ConnectionManager(db,
    "graph")`` or ``ConnectionManager(graph)`` with ``falkordb`` client objects.
    """

    def __init__(self, driver: Any, graph_name: str | None = None, *, log_cypher: bool = False):
        if not isinstance(driver, GraphDriver):
            driver = _falkordb_driver(driver, graph_name, is_async=False)
        self._driver: GraphDriver = driver
        self._log_cypher = log_cypher

    @property
    def driver(self) -> GraphDriver:
        """The shared driver."""
        return self._driver

    def acquire(self) -> GraphDriver:
        """Return the shared driver (its pool hands out connections per statement)."""
        return self._driver

    def release(self, driver: GraphDriver) -> None:
        """Nothing to do: connections return to the pool after each statement."""

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on the shared driver; commits on success, rolls back on error."""
        with Session(self._driver, log_cypher=self._log_cypher) as session:
            yield session

    def close(self) -> None:
        """Close the driver and its pool (at application shutdown)."""
        self._driver.close()

    def __enter__(self) -> ConnectionManager:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncConnectionManager:
    """Shares one :class:`~runic.ogm.driver.protocols.AsyncGraphDriver` across sessions."""

    def __init__(self, driver: Any, graph_name: str | None = None, *, log_cypher: bool = False):
        if not isinstance(driver, AsyncGraphDriver):
            driver = _falkordb_driver(driver, graph_name, is_async=True)
        self._driver: AsyncGraphDriver = driver
        self._log_cypher = log_cypher

    @property
    def driver(self) -> AsyncGraphDriver:
        """The shared driver."""
        return self._driver

    def acquire(self) -> AsyncGraphDriver:
        """Return the shared driver."""
        return self._driver

    async def release(self, driver: AsyncGraphDriver) -> None:
        """Nothing to do: connections return to the pool after each statement."""

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """An async session on the shared driver; commits on success."""
        async with AsyncSession(self._driver, log_cypher=self._log_cypher) as session:
            yield session

    async def close(self) -> None:
        """Close the driver and its pool."""
        await self._driver.close()

    async def __aenter__(self) -> AsyncConnectionManager:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
