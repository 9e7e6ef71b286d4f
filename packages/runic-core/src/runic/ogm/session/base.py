"""What ``Session`` and ``AsyncSession`` share: every method that does no I/O."""

from __future__ import annotations

import inspect
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


_ASYNC_DRIVER_TYPES: dict[type, bool] = {}  # driver class -> whether its execute is async


def accept_driver(driver: Any, *, asynchronous: bool, owner: str | None = None) -> Any:
    """Return ``driver`` if it is a runic driver, else a driver wrapping it.

    A backend library's own client object (a raw ``falkordb`` graph handle, as
    seed 003 writes ``Session(graph)``) is wrapped by that backend's registry
    adapter; anything else is a ``TypeError`` saying what to pass. A driver of
    a class seen before costs one dict look-up. ``owner`` names the caller in
    errors (default: ``Session``/``AsyncSession``).
    """
    kind = type(driver)
    is_async = _ASYNC_DRIVER_TYPES.get(kind)
    if is_async is asynchronous:
        return driver  # a driver type seen before: one dict look-up
    execute = getattr(driver, "execute", None)
    if execute is not None and getattr(driver, "dialect", None) is not None:
        is_async = inspect.iscoroutinefunction(execute)
        if len(_ASYNC_DRIVER_TYPES) < 256:
            _ASYNC_DRIVER_TYPES[kind] = is_async
        if is_async is asynchronous:
            return driver
        if asynchronous:
            raise TypeError(
                f"{owner or 'AsyncSession'}() needs an async driver, got the blocking "
                f"{type(driver).__name__}: use Session(driver), or create_async_driver(...)"
            )
        raise TypeError(
            f"{owner or 'Session'}() needs a blocking driver, got the async "
            f"{type(driver).__name__}: use AsyncSession(driver), or create_driver(...)"
        )
    from runic.ogm.registry import default_registry

    adapted = default_registry().adapt(driver, asynchronous=asynchronous)
    if adapted is not None:
        return adapted
    session, factory = (
        ("AsyncSession", "create_async_driver") if asynchronous else ("Session", "create_driver")
    )
    raise TypeError(
        f"{owner or session}() needs a runic driver, got {type(driver).__name__}: pass "
        f"{factory}('falkordb', ...) (or another backend's driver, see "
        "runic.ogm.available_backends()), or a falkordb graph handle (db.select_graph('name'))"
    )


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
        if self.log_cypher and logger.isEnabledFor(logging.INFO):
            logger.info("%s  params=%s", stmt.cypher, _short(stmt.params))

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

    def hydrate(self, value: Any, cls: type | None = None) -> Any:
        """Decode the nodes, edges and paths inside a raw result value into entities.

        Nodes go through the identity map (``cls`` says which class to expect);
        lists and maps are decoded item by item; other values are returned as they are.
        """
        return self._core.hydrate_value(value, cls)

    @property
    def identity_map(self) -> dict[tuple[Any, ...], Any]:
        """A copy of the identity map: ``(primary label, key) -> entity``."""
        return dict(self._core.identity)


_TEXT_LIMIT = 80  # characters (or bytes) of a long string shown in the log
_ITEMS_LIMIT = 10  # a longer list shows its first _ITEMS_SHOWN items
_ITEMS_SHOWN = 5
_KEYS_LIMIT = 20  # a map with more keys shows its first _KEYS_LIMIT entries
_DEPTH_LIMIT = 6


def _short(params: Any) -> str:
    """A bounded rendering of statement parameters for the Cypher log.

    Long strings and bytes are cut and marked (``'abc...' (10485760 chars)``),
    long lists (and maps of over 20 keys) show their first entries and size
    (``[1, 2, 3, ...] (1000 items)``), at any depth; the rest is ``repr``.
    """
    return _render(params, 0)


def _render(value: Any, depth: int) -> str:
    kind = type(value)
    if kind is str:
        if len(value) > _TEXT_LIMIT:
            return f"{value[:_TEXT_LIMIT] + '...'!r} ({len(value)} chars)"
        return repr(value)
    if kind is bytes or kind is bytearray:
        if len(value) > _TEXT_LIMIT:
            return f"{bytes(value[:_TEXT_LIMIT])!r}... ({len(value)} bytes)"
        return repr(value)
    if depth >= _DEPTH_LIMIT and isinstance(value, list | tuple | dict):
        return f"<{kind.__name__} of {len(value)} items>"
    if isinstance(value, list | tuple):
        open_, close = ("[", "]") if isinstance(value, list) else ("(", ")")
        if len(value) > _ITEMS_LIMIT:
            shown = ", ".join(_render(item, depth + 1) for item in value[:_ITEMS_SHOWN])
            return f"{open_}{shown}, ...{close} ({len(value)} items)"
        inner = ", ".join(_render(item, depth + 1) for item in value)
        return f"{open_}{inner}{',' if len(value) == 1 and close == ')' else ''}{close}"
    if isinstance(value, dict):
        entries = list(value.items())
        more = len(entries) > _KEYS_LIMIT
        body = ", ".join(
            f"{_render(key, depth + 1)}: {_render(item, depth + 1)}"
            for key, item in (entries[:_KEYS_LIMIT] if more else entries)
        )
        return f"{{{body}, ...}} ({len(entries)} items)" if more else f"{{{body}}}"
    text = repr(value)
    if len(text) > 2 * _TEXT_LIMIT:
        return f"{text[: 2 * _TEXT_LIMIT]}... ({len(text)} chars of repr)"
    return text
