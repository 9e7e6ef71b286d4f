"""What ``Repository`` and ``AsyncRepository`` share (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

from runic.ogm.core.metadata import node_meta
from runic.ogm.session import reads
from runic.ogm.session.execution import raw
from runic.ogm.session.ops import Statement

__all__ = ["RepositoryBase"]

T = TypeVar("T")


class RepositoryBase(Generic[T]):
    """Typed reads for one entity class, through a session."""

    def __init__(self, session: Any, entity_class: type[T]) -> None:
        self._session = session
        self._cls = entity_class
        self._meta = node_meta(entity_class)

    @property
    def session(self) -> Any:
        """The session this repository reads through."""
        return self._session

    @property
    def entity_class(self) -> type[T]:
        """The class this repository serves."""
        return self._cls

    def query(self) -> Any:
        """A statement on the entity class bound to the session."""
        return self._session.query(self._cls)

    def _count_stmt(self) -> Statement:
        return reads.count_statement(self._meta, self._session.dialect)

    def _exists_stmt(self, pk: Any) -> Statement:
        return reads.exists_statement(self._session.dialect, self._meta, pk)

    @staticmethod
    def _raw(
        query: str,
        params: Mapping[str, Any] | None,
        write: bool,
        columns: Sequence[str] | None = None,
    ) -> Statement:
        return raw(query, params, write, columns)
