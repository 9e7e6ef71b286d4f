"""What ``Repository`` and ``AsyncRepository`` share (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from runic.ogm.core.metadata import node_meta
from runic.ogm.session import reads
from runic.ogm.session.execution import raw
from runic.ogm.session.ops import Statement

if TYPE_CHECKING:
    from runic.ogm.session.base import SessionBase

__all__ = ["RepositoryBase"]

T = TypeVar("T")
S = TypeVar("S", bound="SessionBase")


class RepositoryBase(Generic[S, T]):
    """Typed reads for one entity class ``T``, through a session of type ``S``."""

    def __init__(self, session: S, entity_class: type[T]) -> None:
        self._session = session
        self._cls = entity_class
        self._meta = node_meta(entity_class)

    @property
    def session(self) -> S:
        """The session this repository reads through."""
        return self._session

    @property
    def entity_class(self) -> type[T]:
        """The class this repository serves."""
        return self._cls

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
