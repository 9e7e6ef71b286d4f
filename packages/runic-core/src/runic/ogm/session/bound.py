"""Statements bound to a session: ``session.query(User).where(...).all()``.

A bound query *is* a statement: :class:`BoundQuery` and :class:`AsyncBoundQuery`
subclass :class:`~runic.ogm.query.builder.SelectBase`, the class that defines every
builder method (``where``, ``where_id``, ``traverse(..., source=...)``, ``repeat``,
``with_``, ``order_by``, ``project``, ...) once for unbound and bound statements.
Each builder method returns a statement of the receiver's class, carrying the
session along; the subclasses only add the terminals (plain on ``Session``,
awaitable on ``AsyncSession``).

``T`` is the statement's root class: ``all()`` is typed ``list[T]`` and ``one()``
``T | None``. A statement that returns another class (``return_target("f")``
after a traversal) or projected values still says ``T``: annotate such results
yourself, or use ``all_rows()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from runic.ogm.query.builder import Select, SelectBase
from runic.ogm.query.bulk import Delete, Update
from runic.ogm.session.bulk import from_query

if TYPE_CHECKING:
    from runic.ogm.dialect import CompiledQuery, GraphDialect
    from runic.ogm.session.async_session import AsyncSession
    from runic.ogm.session.session import Session

__all__ = ["AsyncBoundQuery", "BoundQuery"]

T = TypeVar("T")


class _Bound(SelectBase[T]):
    """What both bound flavours add to a statement: the session, and its dialect."""

    _session: Any

    def __init__(self, session: Any, statement: SelectBase[T]) -> None:
        # A statement is frozen: copy its state (the compiled-forms cache is shared,
        # it describes the same statement) and add the session.
        state = self.__dict__
        state.update(statement.__dict__)
        state["_session"] = session

    @property
    def statement(self) -> Select[T]:
        """The same statement, unbound (to pass to ``session.scalars`` and friends)."""
        plain: Select[T] = object.__new__(Select)
        plain.__dict__.update(self.__dict__)
        del plain.__dict__["_session"]
        return plain

    def compile(self, dialect: GraphDialect | None = None) -> CompiledQuery:
        """Compile with ``dialect`` (default: the session's)."""
        return super().compile(dialect if dialect is not None else self._session.dialect)

    def build(self, dialect: GraphDialect | None = None) -> tuple[str, dict[str, Any]]:
        """``(cypher, params)`` for the session's dialect (or ``dialect``)."""
        return super().build(dialect if dialect is not None else self._session.dialect)

    def _as_update(self, fields: dict[str, Any]) -> Update[T]:
        return Update(from_query(self, "update")).values(**fields)

    def _as_delete(self) -> Delete[T]:
        return Delete(from_query(self, "delete"))


class BoundQuery(_Bound[T]):
    """A statement bound to a :class:`~runic.ogm.session.session.Session`."""

    _session: Session

    def __init__(self, session: Session, statement: SelectBase[T]) -> None:
        super().__init__(session, statement)

    def all(self) -> list[T]:
        """Execute; return the target entities."""
        return self._session.scalars(self)

    def one(self) -> T | None:
        """Execute with ``LIMIT 1``; return the first entity or ``None``."""
        return self._session.scalar(self)

    def first(self) -> T | None:
        """Same as :meth:`one`."""
        return self._session.scalar(self)

    def scalars(self) -> list[T]:
        """Execute; return the first column's values (entities or projected values)."""
        return self._session.scalars(self)

    def scalar(self) -> T | None:
        """Execute; return the first row's first value, or ``None``."""
        return self._session.scalar(self)

    def count(self) -> int:
        """Execute a count of the matches."""
        return self._session.count(self)

    def exists(self) -> bool:
        """Execute a query that stops at the first match; whether there is one."""
        return self._session.exists(self)

    def all_rows(self) -> list[dict[str, Any]]:
        """Execute; return ``{column: value}`` dicts."""
        return self._session.all_rows(self)

    def all_with_edges(self) -> list[tuple[Any, ...]]:
        """Execute; return ``(node, edge, node)`` tuples."""
        return self._session.all_with_edges(self)

    def update(self, **fields: Any) -> int:
        """Flush, then set ``fields`` on every matching node in one statement (``None``
        removes the property); return how many were updated. See ``update()``."""
        return self._session.execute(self._as_update(fields)).rowcount

    def delete(self) -> int:
        """Flush, then delete every matching node with its edges in one statement;
        return how many were deleted. See ``delete()``."""
        return self._session.execute(self._as_delete()).rowcount


class AsyncBoundQuery(_Bound[T]):
    """A statement bound to an :class:`~runic.ogm.session.async_session.AsyncSession`."""

    _session: AsyncSession

    def __init__(self, session: AsyncSession, statement: SelectBase[T]) -> None:
        super().__init__(session, statement)

    async def all(self) -> list[T]:
        """Execute; return the target entities."""
        return await self._session.scalars(self)

    async def one(self) -> T | None:
        """Execute with ``LIMIT 1``; return the first entity or ``None``."""
        return await self._session.scalar(self)

    async def first(self) -> T | None:
        """Same as :meth:`one`."""
        return await self._session.scalar(self)

    async def scalars(self) -> list[T]:
        """Execute; return the first column's values."""
        return await self._session.scalars(self)

    async def scalar(self) -> T | None:
        """Execute; return the first row's first value, or ``None``."""
        return await self._session.scalar(self)

    async def count(self) -> int:
        """Execute a count of the matches."""
        return await self._session.count(self)

    async def exists(self) -> bool:
        """Execute a query that stops at the first match; whether there is one."""
        return await self._session.exists(self)

    async def all_rows(self) -> list[dict[str, Any]]:
        """Execute; return ``{column: value}`` dicts."""
        return await self._session.all_rows(self)

    async def all_with_edges(self) -> list[tuple[Any, ...]]:
        """Execute; return ``(node, edge, node)`` tuples."""
        return await self._session.all_with_edges(self)

    async def update(self, **fields: Any) -> int:
        """Flush, then set ``fields`` on every matching node in one statement (``None``
        removes the property); return how many were updated. See ``update()``."""
        return (await self._session.execute(self._as_update(fields))).rowcount

    async def delete(self) -> int:
        """Flush, then delete every matching node with its edges in one statement;
        return how many were deleted. See ``delete()``."""
        return (await self._session.execute(self._as_delete())).rowcount
