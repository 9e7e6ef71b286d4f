"""``Repository``: typed reads and Cypher helpers for one entity class (sync)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from runic.ogm.repository.base import RepositoryBase
from runic.ogm.repository.shaping import shape
from runic.ogm.session.session import Session

if TYPE_CHECKING:
    from runic.ogm.session.bound import BoundQuery

__all__ = ["Repository"]

T = TypeVar("T")


class Repository(RepositoryBase[Session, T]):
    """Reads through a :class:`~runic.ogm.session.session.Session`.

    Writes belong to the session (``add``, ``delete``); every entity read here
    goes through the session's identity map. Subclass it for domain queries.
    ``Repository(session, User)`` is a ``Repository[User]``: its reads are typed.
    """

    def query(self) -> BoundQuery[T]:
        """A statement on the entity class bound to the session."""
        return self._session.query(self._cls)

    def find_all(
        self, fetch: Sequence[str] | None = None, skip: int = 0, limit: int | None = None
    ) -> list[T]:
        """Every entity of the class, ordered by key when paginated, ``fetch`` eager-loaded."""
        found: list[T] = self._session._repo_find_all(
            self._cls, fetch=fetch, skip=skip, limit=limit
        )
        return found

    def find_all_by_ids(self, ids: Iterable[Any], fetch: Sequence[str] | None = None) -> list[T]:
        """The entities with the given primary keys, in one query."""
        found: list[T] = self._session._repo_find_all(self._cls, fetch=fetch, ids=list(ids))
        return found

    def count(self) -> int:
        """How many entities of the class the graph holds."""
        return int(self._session._run_statement(self._count_stmt()).scalar() or 0)

    def exists(self, pk: Any) -> bool:
        """Whether an entity with primary key ``pk`` exists in the graph."""
        return bool(self._session._run_statement(self._exists_stmt(pk)).scalar())

    def cypher(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        *,
        returns: Any = None,
        write: bool = False,
        columns: Sequence[str] | None = None,
    ) -> list[Any]:
        """Run Cypher and decode rows as ``returns`` says (see ``shaping.shape``).

        ``columns`` names the result columns, for backends that need them up front (AGE).
        """
        result = self._session._run_statement(self._raw(query, params, write, columns))
        return shape(self._session._core, result, returns)
