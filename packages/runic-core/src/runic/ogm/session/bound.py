"""Statements bound to a session: ``session.query(User).where(...).all()``.

A bound query wraps an immutable ``select()`` statement; builder methods return a
new bound query, terminal methods execute through the session. The builder
methods are written once in :class:`_BoundBase`; the two subclasses only add
terminals (plain on ``Session``, awaitable on ``AsyncSession``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from runic.ogm.session.async_session import AsyncSession
    from runic.ogm.session.session import Session

__all__ = ["AsyncBoundQuery", "BoundQuery"]

T = TypeVar("T")
B = TypeVar("B", bound="_BoundBase[Any]")


class _BoundStep(Generic[B]):
    """A pending traversal of a bound query; ``.alias(name)`` completes it."""

    def __init__(self, owner: B, step: Any) -> None:
        self._owner = owner
        self._step = step

    def alias(self, name: str) -> B:
        """Name the traversal's target node and return the bound query."""
        return self._owner._wrap(self._step.alias(name))


class _BoundBase(Generic[T]):
    """Builder methods shared by sync and async bound queries."""

    def __init__(self, session: Any, statement: Any) -> None:
        self._session = session
        self.statement = statement

    def _wrap(self: B, statement: Any) -> B:
        return type(self)(self._session, statement)

    def alias(self: B, name: str) -> B:
        """Name the most recent node variable."""
        return self._wrap(self.statement.alias(name))

    def where(self: B, expr: Any, *, on: str | None = None) -> B:
        """Add a predicate (AND-ed with earlier ones)."""
        return self._wrap(self.statement.where(expr, on=on))

    def traverse(
        self: B, relation: Any, *, edge_alias: str | None = None, optional: bool = True
    ) -> _BoundStep[B]:
        """Follow a relation; complete with ``.alias(name)``."""
        return _BoundStep(
            self, self.statement.traverse(relation, edge_alias=edge_alias, optional=optional)
        )

    def repeat(
        self: B,
        relation: Any,
        *,
        min_hops: int = 1,
        max_hops: int | None = None,
        optional: bool = False,
    ) -> _BoundStep[B]:
        """Follow a relation over a variable number of hops."""
        return _BoundStep(
            self,
            self.statement.repeat(
                relation, min_hops=min_hops, max_hops=max_hops, optional=optional
            ),
        )

    def with_(self: B, *aliases: str) -> B:
        """Insert a ``WITH`` stage carrying ``aliases``."""
        return self._wrap(self.statement.with_(*aliases))

    def order_by(self: B, *keys: Any, desc: bool = False) -> B:
        """Add ``ORDER BY`` terms (see :meth:`~runic.ogm.query.Select.order_by`)."""
        return self._wrap(self.statement.order_by(*keys, desc=desc))

    def limit(self: B, n: int) -> B:
        """Set ``LIMIT``."""
        return self._wrap(self.statement.limit(n))

    def skip(self: B, n: int) -> B:
        """Set ``SKIP``."""
        return self._wrap(self.statement.skip(n))

    def distinct(self: B) -> B:
        """Return distinct rows."""
        return self._wrap(self.statement.distinct())

    def return_target(self: B, alias: str | None = None) -> B:
        """Return the nodes of ``alias`` (default: the last alias)."""
        return self._wrap(self.statement.return_target(alias))

    def return_nodes(self: B, *aliases: str) -> B:
        """Return several node aliases."""
        return self._wrap(self.statement.return_nodes(*aliases))

    def return_edge(self: B, alias: str) -> B:
        """Return an edge alias as well."""
        return self._wrap(self.statement.return_edge(alias))

    def project(self: B, *fields: Any) -> B:
        """Return only some property values."""
        return self._wrap(self.statement.project(*fields))

    def aggregate(self: B, *aggregates: Any, group_by: Any = None) -> B:
        """Return aggregates, grouped by ``group_by``."""
        return self._wrap(self.statement.aggregate(*aggregates, group_by=group_by))

    def build(self) -> tuple[str, dict[str, Any]]:
        """``(cypher, params)`` for the session's dialect."""
        compiled = self.statement.compile(self._session.dialect)
        return compiled.cypher, dict(compiled.params)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.statement!r}>"


class BoundQuery(_BoundBase[T]):
    """A statement bound to a :class:`~runic.ogm.session.session.Session`."""

    _session: Session

    def all(self) -> list[T]:
        """Execute; return the target entities."""
        return self._session.scalars(self.statement)

    def one(self) -> T | None:
        """Execute with ``LIMIT 1``; return the first entity or ``None``."""
        result: T | None = self._session.scalar(self.statement)
        return result

    first = one

    def scalars(self) -> list[Any]:
        """Execute; return the first column's values (entities or projected values)."""
        return self._session.scalars(self.statement)

    def scalar(self) -> Any:
        """Execute; return the first row's first value."""
        return self._session.scalar(self.statement)

    def count(self) -> int:
        """Execute a count of the matches."""
        return self._session.count(self.statement)

    def all_rows(self) -> list[dict[str, Any]]:
        """Execute; return ``{column: value}`` dicts."""
        return self._session.all_rows(self.statement)

    def all_with_edges(self) -> list[tuple[Any, ...]]:
        """Execute; return ``(node, edge, node)`` tuples."""
        return self._session.all_with_edges(self.statement)


class AsyncBoundQuery(_BoundBase[T]):
    """A statement bound to an :class:`~runic.ogm.session.async_session.AsyncSession`."""

    _session: AsyncSession

    async def all(self) -> list[T]:
        """Execute; return the target entities."""
        return await self._session.scalars(self.statement)

    async def one(self) -> T | None:
        """Execute with ``LIMIT 1``; return the first entity or ``None``."""
        result: T | None = await self._session.scalar(self.statement)
        return result

    first = one

    async def scalars(self) -> list[Any]:
        """Execute; return the first column's values."""
        return await self._session.scalars(self.statement)

    async def scalar(self) -> Any:
        """Execute; return the first row's first value."""
        return await self._session.scalar(self.statement)

    async def count(self) -> int:
        """Execute a count of the matches."""
        return await self._session.count(self.statement)

    async def all_rows(self) -> list[dict[str, Any]]:
        """Execute; return ``{column: value}`` dicts."""
        return await self._session.all_rows(self.statement)

    async def all_with_edges(self) -> list[tuple[Any, ...]]:
        """Execute; return ``(node, edge, node)`` tuples."""
        return await self._session.all_with_edges(self.statement)
