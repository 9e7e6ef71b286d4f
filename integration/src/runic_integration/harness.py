"""What a suite test gets: :class:`RunicDB`, one backend x one API mode x one graph.

A suite test is an ``async def`` body decorated with :func:`backend_test`; it
receives a :class:`RunicDB` and runs once per selected backend and per mode
(``sync``: the blocking API behind :class:`~runic_integration.sync_mode.Awaitified`;
``async``: the real :class:`~runic.ogm.AsyncSession`). Each run has its own
isolated graph and its own event loop.

Assertions about the graph go through :meth:`RunicDB.raw` (an independent sync
driver, never the session under test) or a second session from
:meth:`RunicDB.session`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, cast

import pytest

from runic.ogm import (
    AsyncGraphDriver,
    AsyncRepository,
    AsyncSession,
    Capability,
    GraphDriver,
    QueryResult,
    Repository,
    Session,
    create_async_driver,
    create_driver,
)
from runic_integration.profile import BackendProfile, GraphContext
from runic_integration.providers.base import Server
from runic_integration.sync_mode import AnySession, Awaitified

__all__ = ["RunicDB", "backend_test"]

Body = Callable[["RunicDB"], Awaitable[None]]


class RunicDB:
    """One backend, one mode, one isolated graph, for one test."""

    def __init__(self, profile: BackendProfile, server: Server, mode: str, graph: str) -> None:
        self.profile = profile
        self.server = server
        self.mode = mode
        self.graph = graph
        self.driver_kwargs: dict[str, Any] = profile.open_graph(server, graph)
        self._raw: GraphDriver | None = None
        self._sync_drivers: list[GraphDriver] = []
        self._async_drivers: list[AsyncGraphDriver] = []
        self._sessions: list[AnySession] = []
        self._driver: GraphDriver | AsyncGraphDriver | None = None
        self._loop_running = False
        try:
            self._raw = profile.connect(self.driver_kwargs)
            self.capabilities: frozenset[Capability] = frozenset(self._raw.dialect.capabilities)
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        return f"<RunicDB {self.backend}-{self.mode} graph={self.graph}>"

    @property
    def backend(self) -> str:
        """The runic backend name."""
        return self.profile.name

    @property
    def is_async(self) -> bool:
        """True in async mode."""
        return self.mode == "async"

    def supports(self, capability: Capability) -> bool:
        """Whether the backend's dialect declares ``capability``."""
        return capability in self.capabilities

    def require(self, *capabilities: Capability) -> None:
        """Skip the test (naming the backend and capability) unless all are supported."""
        for capability in capabilities:
            if capability not in self.capabilities:
                pytest.skip(f"{self.backend}: missing capability {capability}")

    # -- drivers and sessions -----------------------------------------------------------

    @property
    def driver(self) -> Any:
        """The driver sessions of this test run on (sync or async, per mode)."""
        if self._driver is None:
            self._driver = self.new_driver()
        return self._driver

    def new_driver(self) -> Any:
        """A fresh driver on the test graph for this mode (closed after the test)."""
        if self.is_async:
            if not self._loop_running:
                raise RuntimeError("async drivers exist only while the test body runs")
            adriver = create_async_driver(self.backend, **self.driver_kwargs)
            self._async_drivers.append(adriver)
            return adriver
        driver = create_driver(self.backend, **self.driver_kwargs)
        self._sync_drivers.append(driver)
        return driver

    def session(self, *, log_cypher: bool = False) -> AnySession:
        """A new session (``AsyncSession`` or a wrapped ``Session``) on :attr:`driver`."""
        made: AnySession
        if self.is_async:
            made = cast(AnySession, AsyncSession(self.driver, log_cypher=log_cypher))
        else:
            made = cast(
                AnySession, Awaitified(Session(self.driver, log_cypher=log_cypher), AsyncSession)
            )
        self._sessions.append(made)
        return made

    def repository(
        self,
        session: AnySession,
        cls: type[Any],
        *,
        sync_class: type[Repository[Any]] = Repository,
        async_class: type[AsyncRepository[Any]] = AsyncRepository,
    ) -> Any:
        """``Repository``/``AsyncRepository`` (or the given subclasses) for the mode."""
        made: Any = session
        if isinstance(made, Awaitified):
            return Awaitified(sync_class(made.sync, cls), async_class)
        return async_class(session, cls)

    # -- reading the graph back, independently of the session under test ----------------

    @property
    def raw_driver(self) -> GraphDriver:
        """The independent sync driver used for read-back."""
        if self._raw is None:
            raise RuntimeError("the read-back driver is closed")
        return self._raw

    def raw(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        columns: Sequence[str] = (),
        write: bool = False,
    ) -> QueryResult:
        """Run Cypher on the independent read-back driver.

        ``columns`` names the result columns (backends such as AGE need them up
        front); give them for every statement that returns something.
        """
        return self.raw_driver.execute(cypher, params, write=write, columns=tuple(columns))

    def rows(
        self, cypher: str, params: Mapping[str, Any] | None = None, *, columns: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        """The rows of a read-back query."""
        return list(self.raw(cypher, params, columns=columns).rows)

    def values(
        self, cypher: str, params: Mapping[str, Any] | None = None, *, column: str
    ) -> list[Any]:
        """The single column of a read-back query."""
        return [row[0] for row in self.raw(cypher, params, columns=(column,)).rows]

    def count(self, label: str) -> int:
        """How many nodes carry ``label`` (read back independently)."""
        (lbl,) = self.profile.checked([label], "label")
        return int(self.raw(f"MATCH (n:`{lbl}`) RETURN count(n) AS c", columns=("c",)).scalar())

    def count_edges(self, rel_type: str) -> int:
        """How many relationships have type ``rel_type``."""
        (rel,) = self.profile.checked([rel_type], "relationship type")
        return int(
            self.raw(f"MATCH ()-[r:`{rel}`]->() RETURN count(r) AS c", columns=("c",)).scalar()
        )

    # -- indexes ------------------------------------------------------------------------

    @property
    def context(self) -> GraphContext:
        """The test's graph as the profile sees it."""
        return GraphContext(self.server, self.graph, self.driver_kwargs, self.raw_driver)

    def create_fulltext_index(self, label: str, *properties: str) -> None:
        """Create a fulltext index through the backend profile."""
        self.profile.create_fulltext_index(self.context, label, properties)

    def create_vector_index(
        self, label: str, prop: str, *, dimension: int, similarity: str = "euclidean"
    ) -> None:
        """Create a vector index through the backend profile."""
        self.profile.create_vector_index(
            self.context, label, prop, dimension=dimension, similarity=similarity
        )

    # -- running a body -----------------------------------------------------------------

    def run(self, body: Body) -> None:
        """Run ``body(self)`` in a fresh event loop, then close its sessions and drivers."""
        asyncio.run(self._main(body))

    async def _main(self, body: Body) -> None:
        self._loop_running = True
        try:
            await body(self)
        except BaseException:
            # the body's failure is the news: cleanup errors must not replace it
            with contextlib.suppress(Exception):
                await self._close_sessions()
            raise
        else:
            await self._close_sessions()
        finally:
            self._loop_running = False

    async def _close_sessions(self) -> None:
        """Close the sessions the body left open, then the async drivers."""
        sessions, self._sessions = self._sessions, []
        drivers, self._async_drivers = self._async_drivers, []
        if self.is_async:
            self._driver = None
        try:
            for made in sessions:
                await made.close()
        finally:
            for adriver in drivers:
                await adriver.close()

    def close(self) -> None:
        """Close the drivers and remove the test's graph."""
        try:
            for driver in [*self._sync_drivers, *([self._raw] if self._raw else [])]:
                with contextlib.suppress(Exception):
                    driver.close()
            self._sync_drivers.clear()
            self._raw = None
            self._driver = None
        finally:
            self.profile.close_graph(self.server, self.graph, self.driver_kwargs)


def backend_test(body: Body) -> Callable[[RunicDB], None]:
    """Turn an ``async def test_x(db: RunicDB)`` body into a matrix test.

    The returned test takes the ``runic_db`` fixture, so it runs once per
    selected backend and mode. Marks applied to the body are kept.
    """

    def test(runic_db: RunicDB) -> None:
        runic_db.run(body)

    test.__name__ = body.__name__
    test.__qualname__ = body.__qualname__
    test.__module__ = body.__module__
    test.__doc__ = body.__doc__
    # No __wrapped__: pytest then reports every skip at this one location, so the
    # "-ra" summary groups a backend's skips by reason instead of listing each test.
    marks = getattr(body, "pytestmark", None)
    if marks:
        test.pytestmark = list(marks)  # type: ignore[attr-defined]
    return test
