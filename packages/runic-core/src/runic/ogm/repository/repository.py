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
    Derived finders (``find_by_age_greater_than(18)``, ``count_by_city("B")``, ...)
    are parsed from the method name; declare them as typed stubs on a subclass to
    have them checked at class definition and by mypy (see docs/repositories.md).
    """

    def query(self) -> BoundQuery[T]:
        """A statement on the entity class bound to the session."""
        return self._session.query(self._cls)

    def find_all(
        self, fetch: Sequence[str] | None = None, skip: int = 0, limit: int | None = None
    ) -> list[T]:
        """Every entity of the class, ordered by key when paginated, ``fetch`` eager-loaded."""
        return self._session.find_all(self._cls, fetch=fetch, skip=skip, limit=limit)

    def find_all_by_ids(self, ids: Iterable[Any], fetch: Sequence[str] | None = None) -> list[T]:
        """The entities with the given primary keys, in one query."""
        return self._session.find_all(self._cls, fetch=fetch, ids=ids)

    def count(self) -> int:
        """How many entities of the class the graph holds."""
        return self._session.count(self._all_stmt())

    def exists(self, pk: Any) -> bool:
        """Whether an entity with primary key ``pk`` exists in the graph."""
        return self._session.exists(self._exists_stmt(pk))

    def sum(self, field: Any) -> Any:
        """The sum of ``field`` (a name or ``User.age``) over the class; 0 when empty."""
        stmt, finish = self._aggregate("sum", field)
        return finish(self._session.scalar(stmt))

    def avg(self, field: Any) -> Any:
        """The average of ``field``; ``None`` when the graph holds no entity of the class."""
        stmt, finish = self._aggregate("avg", field)
        return finish(self._session.scalar(stmt))

    def min(self, field: Any) -> Any:
        """The smallest value of ``field``; ``None`` when empty."""
        stmt, finish = self._aggregate("min", field)
        return finish(self._session.scalar(stmt))

    def max(self, field: Any) -> Any:
        """The largest value of ``field``; ``None`` when empty."""
        stmt, finish = self._aggregate("max", field)
        return finish(self._session.scalar(stmt))

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
        result = self._session.execute(query, params, write, columns=columns)
        return shape(self._session, result, returns)
