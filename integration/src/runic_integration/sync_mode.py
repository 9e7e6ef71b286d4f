"""Sync mode: the blocking API driven by the same ``async def`` test bodies.

Suite tests are ``async def`` bodies written against the *async* API
(``await session.commit()``, ``await session.query(X).all()``). In async mode
they get a real :class:`~runic.ogm.AsyncSession`; in sync mode the real blocking
object (``Session``, ``BoundQuery``, ``Repository``) behind :class:`Awaitified`,
whose calls run at once and whose I/O methods hand back finished awaitables.

Nothing here lists the session API: which methods do I/O is read off the async
class itself (a method that is a coroutine function there is awaited by the
test body), and results that are statements (bound queries, traversal steps) are
wrapped in turn. Nothing runs in a thread: the blocking call happens when the
method is called, exactly as in sync code.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Generator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from runic.ogm import AsyncBoundQuery, AsyncSession, BoundQuery
from runic.ogm.query import TraversalStep

__all__ = ["AnySession", "Awaitified", "Ready"]

T = TypeVar("T")

if TYPE_CHECKING:

    class AnySession(AsyncSession):
        """The session API the suite is written against: ``AsyncSession``'s (in sync
        mode, a ``Session`` behind :class:`Awaitified` has the same shape), with
        statements and ``async with`` sessions left untyped, as before."""

        async def __aenter__(self) -> Any: ...
        def query(self, cls: type[Any]) -> Any: ...
        def fulltext_search(self, cls: type[Any], *, query: str, fields: Any = None) -> Any: ...
        def vector_search(self, cls: type[Any], **kwargs: Any) -> Any: ...

else:
    AnySession = AsyncSession


class Ready(Generic[T]):
    """An awaitable holding a value computed already."""

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value

    def __await__(self) -> Generator[Any, None, T]:
        yield from ()
        return self.value


@functools.cache
def _coroutine_methods(async_class: type) -> frozenset[str]:
    """The methods of ``async_class`` a caller awaits."""
    return frozenset(
        name
        for name in dir(async_class)
        if inspect.iscoroutinefunction(inspect.getattr_static(async_class, name, None))
    )


class Awaitified:
    """A blocking object with the shape of its async counterpart ``async_class``.

    A method that is a coroutine function on ``async_class``, or that
    ``async_class`` does not define (a derived finder, a domain method of a
    repository subclass), returns a :class:`Ready` awaitable; a statement result
    (``BoundQuery``, ``TraversalStep``) is wrapped again; anything else (staging
    calls, properties) is returned as it is. ``async with`` enters the blocking
    object's ``with``.
    """

    def __init__(self, sync: Any, async_class: type) -> None:
        self.sync = sync
        self._async_class = async_class
        self._awaited = _coroutine_methods(async_class)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.sync, name)
        if not callable(attr):
            return attr
        awaited = name in self._awaited or not hasattr(self._async_class, name)
        return functools.partial(self._call, attr, awaited)

    @staticmethod
    def _call(attr: Callable[..., Any], awaited: bool, *args: Any, **kwargs: Any) -> Any:
        result = attr(*args, **kwargs)
        if isinstance(result, (BoundQuery, TraversalStep)):
            return Awaitified(result, AsyncBoundQuery)
        return Ready(result) if awaited else result

    def __contains__(self, item: object) -> bool:
        return item in self.sync

    async def __aenter__(self) -> Awaitified:
        self.sync.__enter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.sync.__exit__(exc_type, exc, tb)

    def __repr__(self) -> str:
        return f"<Awaitified {self.sync!r}>"
