"""One test body for both APIs: the blocking API made awaitable.

Suite tests are ``async def`` bodies written against the *async* API
(``await session.commit()``, ``await session.query(X).all()``). In async mode
they get a real :class:`~runic.ogm.AsyncSession`; in sync mode they get a
:class:`SyncSession`, which calls the real blocking :class:`~runic.ogm.Session`
and hands back already-finished awaitables. Nothing runs in a thread: the
blocking call happens when the method is called, exactly as in sync code.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, Generic, Literal, Protocol, TypeVar

from runic.ogm import BoundQuery, Repository, Session
from runic.ogm.query import TraversalStep

__all__ = ["AnySession", "Ready", "SyncBound", "SyncRepository", "SyncSession"]

T = TypeVar("T")

# Bound-query methods that execute (coroutines on AsyncBoundQuery).
_QUERY_TERMINALS = frozenset(
    {
        "all",
        "one",
        "first",
        "scalars",
        "scalar",
        "count",
        "exists",
        "all_rows",
        "all_with_edges",
        "update",
        "delete",
    }
)


class Ready(Generic[T]):
    """An awaitable holding a value computed already."""

    __slots__ = ("value",)

    def __init__(self, value: T) -> None:
        self.value = value

    def __await__(self) -> Generator[Any, None, T]:
        yield from ()
        return self.value


class AnySession(Protocol):
    """The session API the suite is written against (``AsyncSession``'s shape)."""

    @property
    def closed(self) -> bool: ...
    @property
    def new(self) -> list[Any]: ...
    @property
    def dirty(self) -> list[Any]: ...
    @property
    def deleted(self) -> list[Any]: ...
    @property
    def identity_map(self) -> dict[tuple[Any, ...], Any]: ...

    def add(self, entity: Any) -> None: ...
    def add_all(self, entities: Iterable[Any]) -> None: ...
    def delete(self, entity: Any) -> None: ...
    def expunge(self, entity: Any) -> None: ...
    def expunge_all(self) -> None: ...
    def expire(self, entity: Any, names: Iterable[str] | None = None) -> None: ...
    def __contains__(self, entity: object) -> bool: ...
    def query(self, cls: type[Any]) -> Any: ...
    def fulltext_search(
        self, cls: type[Any], *, query: str, fields: Iterable[Any] | None = None
    ) -> Any: ...
    def vector_search(
        self,
        cls: type[Any],
        *,
        field: Any,
        vector: Any,
        k: int = 10,
        score_alias: str | None = None,
        similarity: Literal["euclidean", "cosine"] = "euclidean",
    ) -> Any: ...

    async def flush(self) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...
    async def close(self) -> None: ...
    async def get(self, cls: type[T], pk: Any, fetch: Sequence[str] | None = None) -> T | None: ...
    async def refresh(self, entity: Any) -> None: ...
    async def load(self, entities: Any, relation: Any) -> None: ...
    async def relate(self, source: Any, field: Any, target: Any, edge: Any = None) -> None: ...
    async def unrelate(self, source: Any, field: Any, target: Any) -> None: ...
    async def execute(
        self,
        cypher: Any,
        params: Mapping[str, Any] | None = None,
        write: bool = False,
        *,
        columns: Sequence[str] | None = None,
    ) -> Any: ...
    async def scalars(self, stmt: Any) -> list[Any]: ...
    async def scalar(self, stmt: Any) -> Any: ...
    async def count(self, stmt: Any) -> int: ...
    async def exists(self, stmt: Any) -> bool: ...
    async def all_rows(self, stmt: Any) -> list[dict[str, Any]]: ...
    async def all_with_edges(self, stmt: Any) -> list[tuple[Any, ...]]: ...
    async def __aenter__(self) -> Any: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


def _wrap(value: Any) -> Any:
    """Builder results stay builders (wrapped); everything else is returned as is."""
    if isinstance(value, (BoundQuery, TraversalStep)):
        return SyncBound(value)
    return value


class SyncBound:
    """A sync bound query (or pending traversal) whose terminals are awaitable."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    @property
    def inner(self) -> Any:
        """The wrapped :class:`~runic.ogm.BoundQuery` (or traversal step)."""
        return self._inner

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr
        if name in _QUERY_TERMINALS:

            def terminal(*args: Any, **kwargs: Any) -> Ready[Any]:
                return Ready(attr(*args, **kwargs))

            return terminal

        def chain(*args: Any, **kwargs: Any) -> Any:
            return _wrap(attr(*args, **kwargs))

        return chain

    def __repr__(self) -> str:
        return f"<SyncBound {self._inner!r}>"


class SyncSession:
    """A blocking :class:`~runic.ogm.Session` with the async session's shape."""

    def __init__(self, session: Session) -> None:
        self.sync = session

    # -- no I/O -----------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self.sync.closed

    @property
    def new(self) -> list[Any]:
        return self.sync.new

    @property
    def dirty(self) -> list[Any]:
        return self.sync.dirty

    @property
    def deleted(self) -> list[Any]:
        return self.sync.deleted

    @property
    def identity_map(self) -> dict[tuple[Any, ...], Any]:
        return self.sync.identity_map

    def add(self, entity: Any) -> None:
        self.sync.add(entity)

    def add_all(self, entities: Iterable[Any]) -> None:
        self.sync.add_all(entities)

    def delete(self, entity: Any) -> None:
        self.sync.delete(entity)

    def expunge(self, entity: Any) -> None:
        self.sync.expunge(entity)

    def expunge_all(self) -> None:
        self.sync.expunge_all()

    def expire(self, entity: Any, names: Iterable[str] | None = None) -> None:
        self.sync.expire(entity, names)

    def __contains__(self, entity: object) -> bool:
        return entity in self.sync

    def query(self, cls: type[Any]) -> Any:
        return SyncBound(self.sync.query(cls))

    def fulltext_search(
        self, cls: type[Any], *, query: str, fields: Iterable[Any] | None = None
    ) -> Any:
        return SyncBound(self.sync.fulltext_search(cls, query=query, fields=fields))

    def vector_search(
        self,
        cls: type[Any],
        *,
        field: Any,
        vector: Any,
        k: int = 10,
        score_alias: str | None = None,
        similarity: Literal["euclidean", "cosine"] = "euclidean",
    ) -> Any:
        return SyncBound(
            self.sync.vector_search(
                cls,
                field=field,
                vector=vector,
                k=k,
                score_alias=score_alias,
                similarity=similarity,
            )
        )

    # -- I/O (blocking now, awaited by the test body) ------------------------------------

    async def flush(self) -> None:
        self.sync.flush()

    async def commit(self) -> None:
        self.sync.commit()

    async def rollback(self) -> None:
        self.sync.rollback()

    async def close(self) -> None:
        self.sync.close()

    async def get(self, cls: type[T], pk: Any, fetch: Sequence[str] | None = None) -> T | None:
        return self.sync.get(cls, pk, fetch)

    async def refresh(self, entity: Any) -> None:
        self.sync.refresh(entity)

    async def load(self, entities: Any, relation: Any) -> None:
        self.sync.load(entities, relation)

    async def relate(self, source: Any, field: Any, target: Any, edge: Any = None) -> None:
        self.sync.relate(source, field, target, edge)

    async def unrelate(self, source: Any, field: Any, target: Any) -> None:
        self.sync.unrelate(source, field, target)

    async def execute(
        self,
        cypher: Any,
        params: Mapping[str, Any] | None = None,
        write: bool = False,
        *,
        columns: Sequence[str] | None = None,
    ) -> Any:
        """Raw Cypher (a QueryResult), or an update()/delete() statement (a BulkResult)."""
        if not isinstance(cypher, str):
            return self.sync.execute(cypher)
        return self.sync.execute(cypher, params, write, columns=columns)

    async def scalars(self, stmt: Any) -> list[Any]:
        return self.sync.scalars(stmt)

    async def scalar(self, stmt: Any) -> Any:
        return self.sync.scalar(stmt)

    async def count(self, stmt: Any) -> int:
        return self.sync.count(stmt)

    async def exists(self, stmt: Any) -> bool:
        return self.sync.exists(stmt)

    async def all_rows(self, stmt: Any) -> list[dict[str, Any]]:
        return self.sync.all_rows(stmt)

    async def all_with_edges(self, stmt: Any) -> list[tuple[Any, ...]]:
        return self.sync.all_with_edges(stmt)

    async def __aenter__(self) -> SyncSession:
        self.sync.__enter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.sync.__exit__(exc_type, exc, tb)


class SyncRepository:
    """A blocking :class:`~runic.ogm.Repository` (or subclass) with awaitable reads.

    ``query()`` returns a builder; every other method's result is awaitable, so
    domain methods of a ``Repository`` subclass work too.
    """

    def __init__(self, repository: Repository[Any]) -> None:
        self.sync = repository

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.sync, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attr(*args, **kwargs)
            wrapped = _wrap(result)
            return wrapped if wrapped is not result else Ready(result)

        return call
