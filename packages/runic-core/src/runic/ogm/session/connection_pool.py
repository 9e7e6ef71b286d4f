"""Connection managers: one pooled driver for the application, one session per unit of work.

Create the manager once at start-up and call :meth:`ConnectionManager.session`
for each request; every session shares the driver's connection pool. ``session()``
is also a decorator (``@manager.session()`` or ``@manager.session``): each call of
the decorated function runs in a session of its own, passed as its ``session``
keyword argument, committed on return and rolled back on an exception.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Coroutine
from types import TracebackType
from typing import Any, TypeVar, overload

from runic.ogm.driver.protocols import AsyncGraphDriver, GraphDriver
from runic.ogm.session.async_session import AsyncSession
from runic.ogm.session.session import Session

__all__ = ["AsyncConnectionManager", "AsyncSessionScope", "ConnectionManager", "SessionScope"]

R = TypeVar("R")


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

    @overload
    def session(self) -> SessionScope: ...

    @overload
    def session(self, function: Callable[..., R]) -> Callable[..., R]: ...

    def session(self, function: Callable[..., R] | None = None) -> SessionScope | Callable[..., R]:
        """A session on the shared driver; commits on success, rolls back on error.

        ``with manager.session() as session:`` opens one; ``@manager.session()`` (or
        ``@manager.session``) decorates a function taking a ``session`` keyword
        argument: every call opens a session, passes it and commits on return.
        """
        scope = SessionScope(self._driver, self._log_cypher)
        return scope if function is None else scope(function)

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

    @overload
    def session(self) -> AsyncSessionScope: ...

    @overload
    def session(
        self, function: Callable[..., Awaitable[R]]
    ) -> Callable[..., Coroutine[Any, Any, R]]: ...

    def session(
        self, function: Callable[..., Awaitable[R]] | None = None
    ) -> AsyncSessionScope | Callable[..., Coroutine[Any, Any, R]]:
        """An async session on the shared driver; commits on success, rolls back on error.

        ``async with manager.session() as session:`` opens one; ``@manager.session()``
        (or ``@manager.session``) decorates a coroutine function taking a ``session``
        keyword argument: every call opens a session, passes it and commits on return.
        """
        scope = AsyncSessionScope(self._driver, self._log_cypher)
        return scope if function is None else scope(function)

    async def close(self) -> None:
        """Close the driver and its pool."""
        await self._driver.close()

    async def __aenter__(self) -> AsyncConnectionManager:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


# -- session() as a context manager and as a decorator ----------------------------------


def _check_takes_session(function: Callable[..., Any], manager: str) -> inspect.Signature:
    """Refuse, at decoration time, a function that cannot receive ``session=``."""
    name = getattr(function, "__qualname__", repr(function))
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{manager}.session() cannot decorate {name}: {exc}") from exc
    param = signature.parameters.get("session")
    takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in signature.parameters.values())
    if (param is None and not takes_kwargs) or (
        param is not None and param.kind is param.POSITIONAL_ONLY
    ):
        raise TypeError(
            f"{manager}.session() decorates functions that take the session as a "
            f"'session' keyword argument, and {name}{signature} has none; add a "
            "parameter, e.g. def f(..., *, session: Session) (AsyncSession for "
            "AsyncConnectionManager)"
        )
    # what callers pass: every parameter but the session the decorator supplies
    return signature.replace(
        parameters=[p for n, p in signature.parameters.items() if n != "session"]
    )


def _refuse_session_argument(function: Callable[..., Any], kwargs: dict[str, Any]) -> None:
    if "session" in kwargs:
        name = getattr(function, "__qualname__", repr(function))
        raise TypeError(
            f"{name}() got a 'session' argument, but its decorator opens the session "
            "itself; call it without session=, or call the undecorated function"
        )


class SessionScope:
    """What :meth:`ConnectionManager.session` returns: a context manager and a decorator."""

    def __init__(self, driver: GraphDriver, log_cypher: bool) -> None:
        self._driver = driver
        self._log_cypher = log_cypher
        self._session: Session | None = None

    def _open(self) -> Session:
        return Session(self._driver, log_cypher=self._log_cypher)

    def __enter__(self) -> Session:
        if self._session is not None:
            raise RuntimeError("this session() scope is already open; call session() again")
        self._session = self._open()
        return self._session

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        if session is not None:
            session.__exit__(exc_type, exc, tb)

    def __call__(self, function: Callable[..., R]) -> Callable[..., R]:
        """Decorate ``function``: each call runs in a new session passed as ``session=``."""
        if inspect.iscoroutinefunction(function):
            raise TypeError(
                f"ConnectionManager.session() cannot decorate the coroutine function "
                f"{function.__qualname__}: use an AsyncConnectionManager for async code"
            )
        signature = _check_takes_session(function, "ConnectionManager")

        @functools.wraps(function)
        def in_session(*args: Any, **kwargs: Any) -> R:
            _refuse_session_argument(function, kwargs)
            with self._open() as session:
                return function(*args, session=session, **kwargs)

        in_session.__signature__ = signature  # type: ignore[attr-defined]
        return in_session


class AsyncSessionScope:
    """What :meth:`AsyncConnectionManager.session` returns: a context manager and a decorator."""

    def __init__(self, driver: AsyncGraphDriver, log_cypher: bool) -> None:
        self._driver = driver
        self._log_cypher = log_cypher
        self._session: AsyncSession | None = None

    def _open(self) -> AsyncSession:
        return AsyncSession(self._driver, log_cypher=self._log_cypher)

    async def __aenter__(self) -> AsyncSession:
        if self._session is not None:
            raise RuntimeError("this session() scope is already open; call session() again")
        self._session = self._open()
        return self._session

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.__aexit__(exc_type, exc, tb)

    def __call__(
        self, function: Callable[..., Awaitable[R]]
    ) -> Callable[..., Coroutine[Any, Any, R]]:
        """Decorate a coroutine function: each call runs in a new ``AsyncSession``."""
        if not inspect.iscoroutinefunction(function):
            name = getattr(function, "__qualname__", repr(function))
            raise TypeError(
                f"AsyncConnectionManager.session() decorates coroutine functions (async "
                f"def), and {name} is not one; use a ConnectionManager for plain functions"
            )
        signature = _check_takes_session(function, "AsyncConnectionManager")

        @functools.wraps(function)
        async def in_session(*args: Any, **kwargs: Any) -> R:
            _refuse_session_argument(function, kwargs)
            async with self._open() as session:
                return await function(*args, session=session, **kwargs)

        in_session.__signature__ = signature  # type: ignore[attr-defined]
        return in_session
