"""What ``Session`` and ``AsyncSession`` share: every method that does no I/O."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from runic.ogm.core.state import STATE_KEY
from runic.ogm.session.core import SessionCore
from runic.ogm.session.ops import Statement

if TYPE_CHECKING:
    from runic.ogm.dialect import GraphDialect

__all__ = ["SessionBase"]

T = TypeVar("T")
logger = logging.getLogger("runic.cypher")


def offers_transactions(driver: object) -> bool:
    """Whether ``driver`` begins transactions (it has a callable ``begin``).

    For runic's drivers this is ``isinstance(driver, TransactionalGraphDriver)``
    (or its async twin) at a fraction of the cost: a runtime protocol check looks up
    every member of the protocol (~17 us), which a session per request would pay.
    """
    return callable(getattr(driver, "begin", None))


class SessionBase:
    """Staging, identity-map inspection and query construction."""

    def __init__(self, dialect: GraphDialect, *, log_cypher: bool = False) -> None:
        self._core = SessionCore(dialect)
        self.log_cypher = log_cypher

    @property
    def dialect(self) -> GraphDialect:
        """The dialect statements are compiled with."""
        return self._core.dialect

    @property
    def closed(self) -> bool:
        """True after ``close()``."""
        return self._core.closed

    def _log(self, stmt: Statement) -> None:
        if self.log_cypher:
            logger.info("%s  params=%r", stmt.cypher, _short(stmt.params))

    # -- staging (no I/O in either flavour) ---------------------------------------------

    def add(self, entity: Any) -> None:
        """Stage ``entity`` for insertion on the next flush."""
        self._core.add(entity)

    def add_all(self, entities: Iterable[Any]) -> None:
        """Stage several entities."""
        self._core.add_all(entities)

    def delete(self, entity: Any) -> None:
        """Stage ``entity`` for ``DETACH DELETE`` on the next flush."""
        self._core.delete(entity)

    def expunge(self, entity: Any) -> None:
        """Detach ``entity``; the graph is not touched."""
        self._core.expunge(entity)

    def expunge_all(self) -> None:
        """Detach every entity."""
        self._core.expunge_all()

    def expire(self, entity: Any, names: Iterable[str] | None = None) -> None:
        """Forget ``entity``'s loaded values (all, or ``names``)."""
        self._core.expire(entity, names)

    def __contains__(self, entity: object) -> bool:
        state = getattr(entity, "__dict__", {}).get(STATE_KEY)
        return state is not None and state.session is self._core

    @property
    def new(self) -> list[Any]:
        """Entities staged for insertion."""
        return list(self._core.new.values())

    @property
    def dirty(self) -> list[Any]:
        """Persistent entities with assigned fields since the last flush."""
        return list(self._core.dirty.values())

    @property
    def deleted(self) -> list[Any]:
        """Entities staged for deletion."""
        return list(self._core.deleted.values())

    @property
    def identity_map(self) -> dict[tuple[Any, ...], Any]:
        """A copy of the identity map: ``(primary label, key) -> entity``."""
        return dict(self._core.identity)


def _short(params: Any) -> Any:
    if not isinstance(params, dict):
        return params
    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, list) and len(value) > 5:
            out[key] = f"[{len(value)} items]"
        else:
            out[key] = value
    return out
