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
from typing import Any, ClassVar, Generic, TypeVar, overload

from runic.ogm.driver.protocols import AsyncGraphDriver, GraphDriver
from runic.ogm.session.async_session import AsyncSession
from runic.ogm.session.base import accept_driver
from runic.ogm.session.session import Session

__all__ = ["AsyncConnectionManager", "AsyncSessionScope", "ConnectionManager", "SessionScope"]

R = TypeVar("R")
D = TypeVar("D", GraphDriver, AsyncGraphDriver)


class _Manager(Generic[D]):
    """What both managers share: accepting the driver (or a backend client object)."""

    _asynchronous: ClassVar[bool] = False

    def __init__(self, driver: Any, graph_name: str | None = None, *, log_cypher: bool = False):
        owner = type(self).__name__
        if graph_name is not None:
            # a backend client plus a graph name (falkordb: ``db``, "graph")
            select_graph = getattr(driver, "select_graph", None)
            if not callable(select_graph):
                raise TypeError(
                    f"{owner}(driver, graph_name): graph_name selects a graph of a backend "
                    f"client object (falkordb.FalkorDB(...)), and {type(driver).__name__} "
                    f"has no select_graph(); pass {owner}(driver) alone"
                )
            driver = select_graph(graph_name)
        # raw client handles are wrapped by their backend's registry adapter
        self._driver: D = accept_driver(driver, asynchronous=self._asynchronous, owner=owner)
        self._log_cypher = log_cypher

    @property
    def driver(self) -> D:
        """The shared driver."""
        return self._driver

    def acquire(self) -> D:
        """Return the shared driver (its pool hands out connections per statement)."""
        return self._driver


class ConnectionManager(_Manager[GraphDriver]):
    """Shares one :class:`~runic.ogm.driver.protocols.GraphDriver` across sessions.

    ``ConnectionManager(driver)``; for compatibility also ``ConnectionManager(db,
    "graph")`` or ``ConnectionManager(graph)`` with a backend's own client objects
    (``falkordb``), wrapped by that backend's registry adapter.
    """

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


class AsyncConnectionManager(_Manager[AsyncGraphDriver]):
    """Shares one :class:`~runic.ogm.driver.protocols.AsyncGraphDriver` across sessions."""

    _asynchronous: ClassVar[bool] = True

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


S = TypeVar("S", Session, AsyncSession)


class _Scope(Generic[D, S]):
    """What both scopes share: one session at a time, and the decorator's checks."""

    _session_class: type[S]

    def __init__(self, driver: D, log_cypher: bool) -> None:
        self._driver: D = driver
        self._log_cypher = log_cypher
        self._session: S | None = None

    def _open(self) -> S:
        return self._session_class(self._driver, log_cypher=self._log_cypher)

    def _enter(self) -> S:
        if self._session is not None:
            raise RuntimeError("this session() scope is already open; call session() again")
        self._session = self._open()
        return self._session

    def _leave(self) -> S | None:
        session, self._session = self._session, None
        return session

    def _decorating(self, function: Callable[..., Any]) -> inspect.Signature:
        """Check ``function`` suits this scope; the signature callers see."""
        asynchronous = self._session_class is AsyncSession
        name = getattr(function, "__qualname__", repr(function))
        if inspect.iscoroutinefunction(function) and not asynchronous:
            raise TypeError(
                f"ConnectionManager.session() cannot decorate the coroutine function "
                f"{name}: use an AsyncConnectionManager for async code"
            )
        if asynchronous and not inspect.iscoroutinefunction(function):
            raise TypeError(
                f"AsyncConnectionManager.session() decorates coroutine functions (async "
                f"def), and {name} is not one; use a ConnectionManager for plain functions"
            )
        manager = "AsyncConnectionManager" if asynchronous else "ConnectionManager"
        return _check_takes_session(function, manager)


class SessionScope(_Scope[GraphDriver, Session]):
    """What :meth:`ConnectionManager.session` returns: a context manager and a decorator."""

    _session_class = Session

    def __enter__(self) -> Session:
        return self._enter()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self._leave()
        if session is not None:
            session.__exit__(exc_type, exc, tb)

    def __call__(self, function: Callable[..., R]) -> Callable[..., R]:
        """Decorate ``function``: each call runs in a new session passed as ``session=``."""
        signature = self._decorating(function)

        @functools.wraps(function)
        def in_session(*args: Any, **kwargs: Any) -> R:
            _refuse_session_argument(function, kwargs)
            with self._open() as session:
                return function(*args, session=session, **kwargs)

        in_session.__signature__ = signature  # type: ignore[attr-defined]
        return in_session


class AsyncSessionScope(_Scope[AsyncGraphDriver, AsyncSession]):
    """What :meth:`AsyncConnectionManager.session` returns: a context manager and a decorator."""

    _session_class = AsyncSession

    async def __aenter__(self) -> AsyncSession:
        return self._enter()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self._leave()
        if session is not None:
            await session.__aexit__(exc_type, exc, tb)

    def __call__(
        self, function: Callable[..., Awaitable[R]]
    ) -> Callable[..., Coroutine[Any, Any, R]]:
        """Decorate a coroutine function: each call runs in a new ``AsyncSession``."""
        signature = self._decorating(function)

        @functools.wraps(function)
        async def in_session(*args: Any, **kwargs: Any) -> R:
            _refuse_session_argument(function, kwargs)
            async with self._open() as session:
                return await function(*args, session=session, **kwargs)

        in_session.__signature__ = signature  # type: ignore[attr-defined]
        return in_session
