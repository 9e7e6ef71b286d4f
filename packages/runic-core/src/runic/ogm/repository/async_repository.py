"""``AsyncRepository``: the awaiting flavour of :class:`~runic.ogm.repository.Repository`.

Every method is a one-line shell over the shared :class:`RepositoryBase`; derived
finders (``await repo.find_by_name("Ada")``) and typed stubs (``async def``) work
as on ``Repository``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from runic.ogm.repository.base import RepositoryBase
from runic.ogm.repository.shaping import shape
from runic.ogm.session.async_session import AsyncSession

if TYPE_CHECKING:
    from runic.ogm.session.bound import AsyncBoundQuery

__all__ = ["AsyncRepository"]

T = TypeVar("T")


class AsyncRepository(RepositoryBase[AsyncSession, T]):
    """Reads through an :class:`~runic.ogm.session.async_session.AsyncSession`."""

    _asynchronous: ClassVar[bool] = True

    def query(self) -> AsyncBoundQuery[T]:
        """A statement on the entity class bound to the session."""
        return self._session.query(self._cls)

    async def find_all(
        self, fetch: Sequence[str] | None = None, skip: int = 0, limit: int | None = None
    ) -> list[T]:
        """Every entity of the class, ordered by key when paginated, ``fetch`` eager-loaded."""
        return await self._session.find_all(self._cls, fetch=fetch, skip=skip, limit=limit)

    async def find_all_by_ids(
        self, ids: Iterable[Any], fetch: Sequence[str] | None = None
    ) -> list[T]:
        """The entities with the given primary keys, in one query."""
        return await self._session.find_all(self._cls, fetch=fetch, ids=ids)

    async def count(self) -> int:
        """How many entities of the class the graph holds."""
        return await self._session.count(self._all_stmt())

    async def exists(self, pk: Any) -> bool:
        """Whether an entity with primary key ``pk`` exists in the graph."""
        return await self._session.exists(self._exists_stmt(pk))

    async def sum(self, field: Any) -> Any:
        """The sum of ``field`` (a name or ``User.age``) over the class; 0 when empty."""
        stmt, finish = self._aggregate("sum", field)
        return finish(await self._session.scalar(stmt))

    async def avg(self, field: Any) -> Any:
        """The average of ``field``; ``None`` when the graph holds no entity of the class."""
        stmt, finish = self._aggregate("avg", field)
        return finish(await self._session.scalar(stmt))

    async def min(self, field: Any) -> Any:
        """The smallest value of ``field``; ``None`` when empty."""
        stmt, finish = self._aggregate("min", field)
        return finish(await self._session.scalar(stmt))

    async def max(self, field: Any) -> Any:
        """The largest value of ``field``; ``None`` when empty."""
        stmt, finish = self._aggregate("max", field)
        return finish(await self._session.scalar(stmt))

    async def cypher(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        returns: Any = None,
        write: bool = False,
        columns: Sequence[str] | None = None,
    ) -> list[Any]:
        """Run Cypher and decode rows as ``returns`` says (``columns``: see Repository)."""
        result = await self._session.execute(query, params, write, columns=columns)
        return shape(self._session, result, returns)
