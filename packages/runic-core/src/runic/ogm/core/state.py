"""Per-entity bookkeeping: session membership, snapshot and changed fields.

Every entity a session knows carries one :class:`EntityState` in its instance
dict. The snapshot holds the field values as last read from or written to the
graph (mutable values copied), so the session can tell which fields changed —
including lists and dicts mutated in place — and write only those.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from types import MappingProxyType
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

# Shared read-only empties: most entities never change a field or hold a relation,
# so their state starts with these and gets its own container on the first write
# (about 300 bytes less per entity; a unit of work may hold 100,000 of them).
_NO_NAMES: frozenset[str] = frozenset()
_NO_VALUES: Mapping[str, Any] = MappingProxyType({})
_NO_RELATIONS: Mapping[str, tuple[Any, ...]] = MappingProxyType({})


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

    def __init__(
        self,
        session: AttributeLoader | None = None,
        persistent: bool = False,
        graph_id: Any = None,
        snapshot: dict[str, Any] | None = None,
    ) -> None:
        self.session = session
        self.persistent = persistent
        self.deleted = False
        self.detached = False
        self.graph_id: Any = graph_id
        #: field values as last synchronised with the graph (read-only; see the methods)
        self.snapshot: Mapping[str, Any] = _NO_VALUES if snapshot is None else snapshot
        #: fields assigned since the snapshot (read-only; see the methods)
        self.changed: set[str] | frozenset[str] = _NO_NAMES
        #: snapshot fields holding mutable values (checked by comparison)
        self.mutable: tuple[str, ...] = ()
        #: relation name -> targets as last synchronised with the graph (read-only)
        self.relations: Mapping[str, tuple[Any, ...]] = _NO_RELATIONS

    # -- changed names ----------------------------------------------------------------

    def mark_changed(self, name: str) -> None:
        """Record that field or relation ``name`` was assigned."""
        changed = self.changed
        if isinstance(changed, set):
            changed.add(name)
        else:
            self.changed = {name}

    def unmark(self, names: Iterable[str]) -> None:
        """Forget that ``names`` were assigned (they are in sync with the graph again)."""
        changed = self.changed
        if changed and isinstance(changed, set):
            changed.difference_update(names)

    def clear_changed(self) -> None:
        """Forget every assignment."""
        self.changed = _NO_NAMES

    # -- relations --------------------------------------------------------------------

    def set_relation(self, name: str, targets: tuple[Any, ...]) -> None:
        """Record ``targets`` as the graph's current targets of relation ``name``."""
        relations = self.relations
        if isinstance(relations, dict):
            relations[name] = targets
        else:
            self.relations = {name: targets}

    def drop_relation(self, name: str) -> None:
        """Forget the recorded targets of relation ``name`` (it reloads on next access)."""
        relations = self.relations
        if name in relations and isinstance(relations, dict):
            del relations[name]

    def clear_relations(self) -> None:
        """Forget every recorded relation."""
        self.relations = _NO_RELATIONS

    def restore_relations(self, relations: Mapping[str, tuple[Any, ...]]) -> None:
        """Record ``relations`` (a copy taken earlier) as the graph's current targets."""
        self.relations = dict(relations) if relations else _NO_RELATIONS

    # -- snapshot ---------------------------------------------------------------------

    def update_snapshot(self, values: dict[str, Any]) -> None:
        """Record plain (immutable) field values; ``values`` may be kept as it is."""
        snap = self.snapshot
        if snap and isinstance(snap, dict):
            snap.update(values)
        else:
            self.snapshot = values

    def forget_graph_state(self) -> None:
        """Return to the state of an entity never written: no id, snapshot or relations.

        Used when a rollback removed the node this entity was inserted as.
        """
        self.persistent = False
        self.deleted = False
        self.graph_id = None
        self.snapshot = _NO_VALUES
        self.mutable = ()
        self.changed = _NO_NAMES
        self.relations = _NO_RELATIONS

    def clear_snapshot(self) -> None:
        """Forget every recorded field value."""
        self.snapshot = _NO_VALUES
        self.mutable = ()

    def take_snapshot(self, values: dict[str, Any], names: Iterable[str]) -> None:
        """Record ``values[name]`` for each name as the graph's current state."""
        snap = self.snapshot
        if not isinstance(snap, dict):
            snap = self.snapshot = {}
        mutable = []
        changed = self.changed
        discard = changed.discard if isinstance(changed, set) else None
        for name in names:
            if discard is not None:
                discard(name)
            if name in values:
                value = values[name]
                if isinstance(value, _MUTABLE):
                    value = copy.deepcopy(value)
                    mutable.append(name)
                snap[name] = value
        if mutable or self.mutable:
            self.mutable = tuple(
                n
                for n in dict.fromkeys((*self.mutable, *mutable))
                if isinstance(snap.get(n), _MUTABLE)
            )

    def forget(self, names: Iterable[str]) -> None:
        """Drop snapshot entries (after expiring those fields)."""
        snap = self.snapshot
        if isinstance(snap, dict):
            for name in names:
                snap.pop(name, None)
        self.mutable = tuple(n for n in self.mutable if n in snap)

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
    names: Iterable[str] = (
        field_names if field_names is not None else type(entity).__runic_meta__.fields
    )
    state: EntityState | None = values.get(STATE_KEY)
    if state is None or not state.persistent:
        return [n for n in names if n in values]
    changed = state.changed
    candidates = changed.union(state.mutable) if state.mutable else changed
    if not candidates:
        return []
    snap = state.snapshot
    if len(candidates) == 1:  # the usual case: test the one candidate, not every field
        (name,) = candidates
        found = (
            name in values
            and (field_names is None or name in field_names)
            and (name in type(entity).__runic_meta__.fields)
        )
        return [name] if found and _differs(values[name], snap.get(name, _ABSENT)) else []
    return [
        name
        for name in names
        if name in candidates and name in values and _differs(values[name], snap.get(name, _ABSENT))
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
        if descriptor.is_relation:
            kind = "relation"
            advice = (
                f"load it with fetch=[{descriptor.name!r}] before the session ends, or add "
                "the entity to an open session (session.add(entity))"
            )
        else:  # an expired property: fetch= takes relations only
            kind = "property"
            advice = (
                "add the entity to an open session (session.add(entity)), where reading "
                "it loads it, or call session.refresh(entity) there"
            )
        raise DetachedEntityError(
            f"cannot load {kind} {cls_name}.{descriptor.name}: the {cls_name} instance is "
            f"detached (its session was closed or it was expunged); {advice}"
        )
    if descriptor.is_relation or descriptor.has_default:
        value = (
            descriptor.make_default()
            if descriptor.has_default
            else ([] if descriptor.many else None)
        )
        entity.__dict__[descriptor.name] = value
        return value
    raise AttributeError(f"{cls_name} instance has no value for field {descriptor.name!r}")
