"""``AsyncRepository``: the awaiting twin of :class:`~runic.ogm.repository.Repository`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from runic.ogm.repository.base import RepositoryBase
from runic.ogm.repository.shaping import shape
from runic.ogm.session.async_session import AsyncSession

if TYPE_CHECKING:
    from runic.ogm.session.bound import AsyncBoundQuery

__all__ = ["AsyncRepository"]

T = TypeVar("T")


class AsyncRepository(RepositoryBase[AsyncSession, T]):
    """Reads through an :class:`~runic.ogm.session.async_session.AsyncSession`."""

    def query(self) -> AsyncBoundQuery[T]:
        """A statement on the entity class bound to the session."""
        return self._session.query(self._cls)

    async def find_all(
        self, fetch: Sequence[str] | None = None, skip: int = 0, limit: int | None = None
    ) -> list[T]:
        """Every entity of the class, ordered by key when paginated, ``fetch`` eager-loaded."""
        found: list[T] = await self._session._repo_find_all(
            self._cls, fetch=fetch, skip=skip, limit=limit
        )
        return found

    async def find_all_by_ids(
        self, ids: Iterable[Any], fetch: Sequence[str] | None = None
    ) -> list[T]:
        """The entities with the given primary keys, in one query."""
        found: list[T] = await self._session._repo_find_all(self._cls, fetch=fetch, ids=list(ids))
        return found

    async def count(self) -> int:
        """How many entities of the class the graph holds."""
        return int((await self._session._run_statement(self._count_stmt())).scalar() or 0)

    async def exists(self, pk: Any) -> bool:
        """Whether an entity with primary key ``pk`` exists in the graph."""
        return bool((await self._session._run_statement(self._exists_stmt(pk))).scalar())

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
        result = await self._session._run_statement(self._raw(query, params, write, columns))
        return shape(self._session._core, result, returns)
