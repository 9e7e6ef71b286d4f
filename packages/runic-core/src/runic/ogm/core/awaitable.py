"""``entity.awaitable_attrs``: await a relation (or an expired field) of an entity.

``await person.awaitable_attrs.friends`` loads ``friends`` through the entity's
:class:`~runic.ogm.session.async_session.AsyncSession` (``session.load(person,
"friends")``) and returns it; a loaded attribute is returned without a query.
SQLAlchemy's ``AsyncAttrs`` spelling.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from runic.ogm.core.state import STATE_KEY

__all__ = ["RESERVED_NODE_NAMES", "AwaitableAttrs"]

#: attribute names of the Node base that model fields may not use
RESERVED_NODE_NAMES = frozenset({"awaitable_attrs"})


class AwaitableAttrs:
    """A read-only proxy: each attribute is an awaitable giving the entity's attribute."""

    __slots__ = ("_entity",)

    def __init__(self, entity: Any) -> None:
        object.__setattr__(self, "_entity", entity)

    def __getattr__(self, name: str) -> Awaitable[Any]:
        entity = object.__getattribute__(self, "_entity")
        cls = type(entity)
        meta = cls.__runic_meta__
        if name not in meta.relations and name not in meta.fields:
            raise AttributeError(
                f"{cls.__name__} has no relation or field {name!r} to await; its relations "
                f"are: {', '.join(meta.relations) or '(none)'}"
            )
        return _load(entity, name)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("awaitable_attrs is read-only; assign to the entity itself")

    def __repr__(self) -> str:
        return f"<awaitable_attrs of {object.__getattribute__(self, '_entity')!r}>"


async def _load(entity: Any, name: str) -> Any:
    values = entity.__dict__
    if name in values:  # loaded: no query
        return values[name]
    state = values.get(STATE_KEY)
    core = state.session if state is not None else None
    ref = getattr(core, "facade", None)
    facade = ref() if ref is not None else None
    loader = getattr(facade, "_await_attribute", None)
    if loader is None:
        # a sync Session loads on access; a detached entity raises DetachedEntityError;
        # a transient one gives its default
        return getattr(entity, name)
    return await loader(entity, name)
