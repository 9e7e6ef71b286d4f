"""Per-entity bookkeeping: session membership, snapshot and changed fields.

Every entity a session knows carries one :class:`EntityState` in its instance
dict. The snapshot holds the field values as last read from or written to the
graph (mutable values copied), so the session can tell which fields changed —
including lists and dicts mutated in place — and write only those.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from runic.ogm.exceptions import DetachedEntityError

if TYPE_CHECKING:
    from runic.ogm.core.descriptors import FieldDescriptor

__all__ = [
    "STATE_KEY",
    "AttributeLoader",
    "EntityState",
    "changed_fields",
    "inspect",
    "load_missing_attribute",
]

STATE_KEY = "_runic_state"

_MUTABLE = (list, dict, set, bytearray)
_ABSENT: Any = object()


class AttributeLoader(Protocol):
    """What a session offers to entities for loading absent attributes."""

    def load_attribute(self, entity: Any, descriptor: FieldDescriptor) -> Any:
        """Load and return an expired field or unloaded relation of ``entity``."""
        ...

    def note_change(self, entity: Any) -> None:
        """Record that a tracked attribute of ``entity`` was assigned."""
        ...


class EntityState:
    """The session-side facts about one entity instance."""

    __slots__ = (
        "changed",
        "deleted",
        "detached",
        "graph_id",
        "mutable",
        "persistent",
        "relations",
        "session",
        "snapshot",
    )

    def __init__(self, session: AttributeLoader | None = None) -> None:
        self.session = session
        self.persistent = False
        self.deleted = False
        self.detached = False
        self.graph_id: Any = None
        #: field values as last synchronised with the graph
        self.snapshot: dict[str, Any] = {}
        #: fields assigned since the snapshot
        self.changed: set[str] = set()
        #: snapshot fields holding mutable values (checked by comparison)
        self.mutable: tuple[str, ...] = ()
        #: relation name -> targets as last synchronised with the graph
        self.relations: dict[str, tuple[Any, ...]] = {}

    def take_snapshot(self, values: dict[str, Any], names: Iterable[str]) -> None:
        """Record ``values[name]`` for each name as the graph's current state."""
        snap = self.snapshot
        mutable = []
        changed = self.changed
        for name in names:
            changed.discard(name)
            if name in values:
                value = values[name]
                if isinstance(value, _MUTABLE):
                    value = copy.deepcopy(value)
                    mutable.append(name)
                snap[name] = value
        if mutable or self.mutable:
            self.mutable = tuple(
                n for n in dict.fromkeys((*self.mutable, *mutable))
                if isinstance(snap.get(n), _MUTABLE)
            )

    def forget(self, names: Iterable[str]) -> None:
        """Drop snapshot entries (after expiring those fields)."""
        for name in names:
            self.snapshot.pop(name, None)
        self.mutable = tuple(n for n in self.mutable if n in self.snapshot)

    def __repr__(self) -> str:
        status = (
            "deleted"
            if self.deleted
            else "persistent"
            if self.persistent
            else "detached"
            if self.detached
            else "pending"
            if self.session is not None
            else "transient"
        )
        return f"<EntityState {status} changed={sorted(self.changed)}>"


def inspect(entity: Any) -> EntityState | None:
    """Return the state runic keeps for ``entity`` (``None`` when never attached)."""
    state: EntityState | None = entity.__dict__.get(STATE_KEY)
    return state


def changed_fields(entity: Any, field_names: Iterable[str] | None = None) -> list[str]:
    """Names of property fields whose value differs from the last graph state.

    A field counts as changed when it was assigned a different value since the
    snapshot, or when its mutable value (list, dict, set) was changed in place.
    An entity that was never synchronised with the graph reports every field.
    """
    values = entity.__dict__
    names = (
        list(field_names)
        if field_names is not None
        else list(type(entity).__runic_meta__.fields)
    )
    state: EntityState | None = values.get(STATE_KEY)
    if state is None or not state.persistent:
        return [n for n in names if n in values]
    candidates = state.changed.union(state.mutable)
    if not candidates:
        return []
    snap = state.snapshot
    return [
        name
        for name in names
        if name in candidates
        and name in values
        and _differs(values[name], snap.get(name, _ABSENT))
    ]


def _differs(current: Any, previous: Any) -> bool:
    if previous is _ABSENT:
        return True
    if type(current) is not type(previous):
        return True
    try:
        return bool(current != previous)
    except Exception:  # noqa: BLE001 - exotic values without comparison: assume changed
        return True


def load_missing_attribute(entity: Any, descriptor: FieldDescriptor) -> Any:
    """Called by a descriptor when ``entity`` has no value for it."""
    state: EntityState | None = entity.__dict__.get(STATE_KEY)
    cls_name = type(entity).__name__
    if state is not None and state.session is not None:
        return state.session.load_attribute(entity, descriptor)
    if state is not None and state.detached:
        kind = "relation" if descriptor.is_relation else "field"
        raise DetachedEntityError(
            f"cannot load {kind} {cls_name}.{descriptor.name}: the {cls_name} instance is "
            "detached (its session was closed or it was expunged); load it with "
            f"fetch=[{descriptor.name!r}] before the session ends, or add the entity to "
            "an open session"
        )
    if descriptor.is_relation or descriptor.has_default:
        value = descriptor.make_default() if descriptor.has_default else (
            [] if descriptor.many else None
        )
        entity.__dict__[descriptor.name] = value
        return value
    raise AttributeError(f"{cls_name} instance has no value for field {descriptor.name!r}")
