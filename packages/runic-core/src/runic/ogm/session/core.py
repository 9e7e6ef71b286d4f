"""The unit of work: identity map, change tracking, and every session operation.

:class:`SessionCore` holds all of a session's state and logic and performs no
I/O. Operations that need the database are generators (see
:mod:`runic.ogm.session.ops`); ``Session`` and ``AsyncSession`` drive them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from runic.ogm.core.descriptors import FieldDescriptor
from runic.ogm.core.metadata import NodeMeta, node_meta
from runic.ogm.core.models import Edge, Node
from runic.ogm.core.state import STATE_KEY, EntityState, changed_fields
from runic.ogm.core.types import unwrap_optional
from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import (
    DetachedEntityError,
    DuplicateEntityError,
    FieldValidationError,
    MetadataError,
    OrmError,
    QueryBuildError,
    SessionClosedError,
    UniqueViolationError,
)
from runic.ogm.schema.violations import taken_keys, unique_violation
from runic.ogm.session import reads
from runic.ogm.session.badvalue import name_refused_value
from runic.ogm.session.bulk import BulkUndo, undo_bulk
from runic.ogm.session.flush import FlushPlan, NewRef, build_statement
from runic.ogm.session.gcpause import gc_paused
from runic.ogm.session.hydrate import identity_key
from runic.ogm.session.loading import Loading
from runic.ogm.session.ops import Op, Statement

if TYPE_CHECKING:
    from runic.ogm.dialect import GraphDialect

__all__ = ["SessionCore", "StaleDataError"]


class StaleDataError(OrmError):
    """A flush expected a node that is no longer in the graph."""


def _entity_label(entity: Any) -> str:
    """``Person(id='ada')`` (or just ``Person`` without a key value), for messages."""
    cls = type(entity)
    meta = cls.__dict__.get("__runic_meta__")
    pk = getattr(meta, "pk_field_name", None)
    value = entity.__dict__.get(pk) if pk is not None else None
    return cls.__name__ if value is None else f"{cls.__name__}({pk}={value!r})"


def _restoring_staging(
    flush: Callable[[SessionCore], Op[None]],
) -> Callable[[SessionCore], Op[None]]:
    """Make a failing flush leave the staged changes as they were before it.

    The flush applies nothing to the session before its statement succeeded; the
    only staging it does first is adding transient entities reachable through
    relations (cascade), which is undone here when the flush fails.
    """

    @functools.wraps(flush)
    def guarded(core: SessionCore) -> Op[None]:
        core._cascaded = []
        try:
            return (yield from flush(core))
        except BaseException:
            core._undo_cascade()
            raise

    return guarded


class _Flushed:
    """What one successful flush of an open transaction wrote (to undo on rollback)."""

    __slots__ = ("bulk", "created", "deleted", "edge_ops", "updated")

    def __init__(self) -> None:
        #: the inserted entities, one list per class (the flush's own lists)
        self.created: list[list[Any]] = []
        #: (entity, written fields, names assigned before, relation snapshot before)
        self.updated: list[
            tuple[Any, list[str], Iterable[str], dict[str, tuple[Any, ...]] | None]
        ] = []
        self.deleted: list[Any] = []
        self.edge_ops: list[tuple[str, Any, FieldDescriptor, Any, Any]] = []
        #: what a bulk statement changed in the session (session/bulk.py)
        self.bulk: list[BulkUndo] = []


class SessionCore(Loading):
    """All state and logic of one session, shared by the sync and async facades."""

    def __init__(
        self,
        dialect: GraphDialect,
        *,
        lazy_loader: Callable[[Any, FieldDescriptor], Any] | None = None,
    ) -> None:
        self.dialect = dialect
        self.identity: dict[tuple[Any, ...], Any] = {}
        self.new: dict[int, Any] = {}
        self.dirty: dict[int, Any] = {}
        self.deleted: dict[int, Any] = {}
        self.watched: dict[int, Any] = {}
        self.edge_ops: list[tuple[str, Any, FieldDescriptor, Any, Any]] = []
        self.closed = False
        self._lazy_loader = lazy_loader
        #: set by the facade on transactional backends: record what each flush wrote,
        #: so a rollback of the transaction can put the session back in step with it
        self.track_flushes = False
        #: tasks share the session (AsyncSession): they may stage work while a flush
        #: waits for the server, so a flush removes only what it wrote from the sets
        self.shared_by_tasks = False
        self._flushed: list[_Flushed] = []
        self._cascaded: list[Any] = []
        #: a weak reference to the facade owning this core (set by AsyncSession, for
        #: ``entity.awaitable_attrs``)
        self.facade: Callable[[], Any] | None = None

    # -- AttributeLoader protocol (used by descriptors and __setattr__) ---------------

    def load_attribute(self, entity: Any, descriptor: FieldDescriptor) -> Any:
        """Load an absent attribute through the facade (sync: query; async: error)."""
        if self._lazy_loader is None:
            raise DetachedEntityError(f"{_entity_label(entity)} has no session to load from")
        return self._lazy_loader(entity, descriptor)

    def note_change(self, entity: Any) -> None:
        """A tracked attribute of ``entity`` was assigned."""
        state: EntityState = entity.__dict__[STATE_KEY]
        if state.persistent and not state.deleted:
            self.dirty[id(entity)] = entity

    # -- membership -------------------------------------------------------------------

    def check_open(self) -> None:
        """Raise :class:`SessionClosedError` after ``close()``."""
        if self.closed:
            raise SessionClosedError("this session is closed; open a new Session for further work")

    def register_loaded(self, entity: Any, key: tuple[Any, ...], state: EntityState) -> None:
        """Record a hydrated entity in the identity map; watch its mutable values."""
        self.identity[key] = entity
        self._watch(entity, state)

    def add(self, entity: Any) -> None:
        """Stage ``entity`` for insertion (or re-attach a detached persistent one)."""
        if self.closed:
            self.check_open()
        cls = type(entity)
        facts = _FACTS.get(cls)
        if facts is not None:
            meta = facts.meta  # a Node class seen before
        else:
            _require_node(entity, "add")
            meta = node_meta(cls)
        values = entity.__dict__
        state: EntityState | None = values.get(STATE_KEY)
        if state is not None and state.session is self:
            if state.deleted:
                self._undelete(entity, state)
            return
        if state is not None and state.session is not None:
            raise OrmError(
                f"{cls.__name__} instance is attached to another session; expunge it there "
                "first or load it in this session"
            )
        pk_name = meta.pk_field_name
        pk_value = values.get(pk_name) if pk_name is not None else None
        key = (meta.primary_label, pk_value) if pk_value is not None else None
        if key is not None:
            other = self.identity.get(key)
            if other is not None and other is not entity and not self._replaceable(other):
                raise DuplicateEntityError(
                    f"{cls.__name__} with {pk_name}={pk_value!r} is already in this session "
                    f"(as a {type(other).__name__}); modify that instance instead of adding "
                    "a second one"
                )
        if state is None:
            state = EntityState(self)
            values[STATE_KEY] = state
        else:
            state.session = self
            state.detached = False
            state.deleted = False  # a node deleted earlier may be inserted again
        if state.persistent:
            if key is None:
                key = ("#", state.graph_id)
            self.identity[key] = entity
            if state.changed:
                self.dirty[id(entity)] = entity
            self._watch(entity, state)
        else:
            if key is not None:
                self.identity[key] = entity
            self.new[id(entity)] = entity

    def add_all(self, entities: Iterable[Any]) -> None:
        """Stage several entities (the collector is paused for a large batch)."""
        batch = entities if isinstance(entities, (list, tuple)) else list(entities)
        add = self.add
        identity = self.identity
        new = self.new
        facts_of = _FACTS.get
        if self.closed and batch:
            self.check_open()  # as add() would for the first entity
        before = len(new)
        try:
            with gc_paused(len(batch)):
                for entity in batch:
                    facts = facts_of(type(entity))
                    if facts is None or STATE_KEY in (values := entity.__dict__):
                        add(entity)  # first of its class, known to a session, or an error
                        continue
                    # the common case of add(): a fresh instance of a known Node class
                    pk = facts.pk
                    pk_value = values.get(pk) if pk is not None else None
                    if pk_value is not None:
                        key = (facts.meta.primary_label, pk_value)
                        other = identity.get(key)
                        if other is not None and other is not entity:
                            add(entity)  # raises DuplicateEntityError (or replaces a deleted)
                            continue
                        identity[key] = entity
                    values[STATE_KEY] = EntityState(self)
                    new[id(entity)] = entity
        except BaseException:
            # all or nothing: unstage what this call staged (appended to ``new``)
            for staged in list(new.values())[before:]:
                self._discard(staged, staged.__dict__[STATE_KEY])
            raise

    def delete(self, entity: Any) -> None:
        """Stage ``entity`` for ``DETACH DELETE`` (a pending one is simply dropped)."""
        self.check_open()
        state = self._attached_state(entity, "delete")
        if not state.persistent:
            self._discard(entity, state)
            return
        state.deleted = True
        self.deleted[id(entity)] = entity
        self.dirty.pop(id(entity), None)

    def expunge(self, entity: Any) -> None:
        """Detach ``entity`` from the session without touching the graph."""
        state = self._attached_state(entity, "expunge")
        self._discard(entity, state)

    def expunge_all(self) -> None:
        """Detach every entity."""
        for entity in [*self.identity.values(), *self.new.values()]:
            state = entity.__dict__.get(STATE_KEY)
            if state is not None and state.session is self:
                state.session = None
                state.detached = True
        self.identity.clear()
        self.new.clear()
        self.dirty.clear()
        self.deleted.clear()
        self.watched.clear()
        self.edge_ops.clear()

    def expire(self, entity: Any, names: Iterable[str] | None = None) -> None:
        """Forget loaded values; they are reloaded on next access (sync sessions)."""
        state = self._attached_state(entity, "expire")
        if not state.persistent:
            return
        meta = node_meta(entity)
        chosen = list(names) if names is not None else [*meta.fields, *meta.relations]
        values = entity.__dict__
        for name in chosen:
            if name not in meta.fields and name not in meta.relations:
                raise FieldValidationError(f"{type(entity).__name__} has no field {name!r}")
            if name == meta.pk_field_name:
                continue
            values.pop(name, None)
            state.drop_relation(name)
        state.unmark(chosen)
        state.forget(chosen)
        self.dirty.pop(id(entity), None)

    def _attached_state(self, entity: Any, action: str) -> EntityState:
        self.check_open()
        _require_node(entity, action)
        state: EntityState | None = entity.__dict__.get(STATE_KEY)
        if state is None or state.session is not self:
            raise DetachedEntityError(
                f"cannot {action} {_entity_label(entity)}: it is not attached to this session"
                + ("; add it first" if action != "expunge" else "")
            )
        return state

    def _discard(self, entity: Any, state: EntityState) -> None:
        key_id = id(entity)
        self.new.pop(key_id, None)
        self.dirty.pop(key_id, None)
        self.deleted.pop(key_id, None)
        self.watched.pop(key_id, None)
        key = self._key_of(entity, state)
        if key is not None and self.identity.get(key) is entity:
            del self.identity[key]
        elif key is not None and key[0] != "#" and not state.persistent:
            self._unmap(entity)  # a pending entity whose key changed since it was mapped
        state.session = None
        state.detached = state.persistent

    def _unmap(self, entity: Any) -> None:
        """Remove every identity-map entry holding ``entity`` (slow: rare cases only)."""
        for key in [k for k, held in self.identity.items() if held is entity]:
            del self.identity[key]

    def _replaceable(self, other: Any) -> bool:
        """Whether ``other`` may give up its identity-map key to a new entity.

        True for an entity staged for deletion: the flush deletes it before it
        inserts the new one (delete, then add another object with the same key).
        """
        ostate: EntityState | None = other.__dict__.get(STATE_KEY)
        return ostate is not None and ostate.deleted and id(other) in self.deleted

    def _undelete(self, entity: Any, state: EntityState) -> None:
        """``add()`` of an entity staged for deletion: keep it after all."""
        key = self._key_of(entity, state)
        holder = self.identity.get(key) if key is not None else None
        if holder is not None and holder is not entity:
            raise DuplicateEntityError(
                f"cannot add {_entity_label(entity)} back: it was deleted and another "
                f"{type(holder).__name__} with that key was added to this session since; "
                "expunge that one first"
            )
        state.deleted = False
        self.deleted.pop(id(entity), None)
        if key is not None:
            self.identity[key] = entity
        if state.changed:
            self.dirty[id(entity)] = entity

    @staticmethod
    def _key_of(entity: Any, state: EntityState) -> tuple[Any, ...] | None:
        meta = node_meta(entity)
        pk = meta.pk_field_name
        if pk is not None:
            value = entity.__dict__.get(pk, state.snapshot.get(pk))
            if value is not None:
                return (meta.primary_label, value)
        if state.graph_id is not None:
            return ("#", state.graph_id)
        return None

    def _stale_entry(self, held: Any, key: tuple[Any, ...]) -> Any:
        """``held`` is mapped under ``key`` but its primary key was changed since.

        A persistent entity keeps its key (the change is refused at flush); a
        pending one is mapped again under its new key, so the old key finds nothing.
        """
        state: EntityState = held.__dict__[STATE_KEY]
        if state.persistent:
            return held
        del self.identity[key]
        meta = _meta(held)
        value = held.__dict__.get(meta.pk_field_name or "")
        moved = (meta.primary_label, value)
        if value is not None and moved not in self.identity:
            self.identity[moved] = held  # (a clash is reported by the next flush)
        return None

    def _rekey(self, entity: Any, label: str, value: Any) -> None:
        """Map the pending ``entity`` under ``(label, value)`` only (its key changed)."""
        new_key = (label, value)
        holder = self.identity.get(new_key) if value is not None else None
        if holder is entity:
            return
        self._unmap(entity)
        if value is None:
            return
        if holder is not None:
            raise DuplicateEntityError(
                f"{_entity_label(entity)}: its primary key was changed to {value!r} after "
                f"add(), and a {type(holder).__name__} with that key is already in this "
                "session; give it another key, or expunge one of them"
            )
        self.identity[new_key] = entity

    def _watch(self, entity: Any, state: EntityState) -> None:
        if state.mutable or state.relations:
            self.watched[id(entity)] = entity

    def lookup(self, cls: type[Node], pk: Any) -> Any:
        """Return the identity-map entry for ``cls`` and ``pk`` (or ``None``)."""
        meta = node_meta(cls)
        found = self.identity.get((meta.primary_label, pk))
        if found is not None and found.__dict__.get(meta.pk_field_name) != pk:
            found = self._stale_entry(found, (meta.primary_label, pk))
        if found is not None and isinstance(found, cls):
            state = found.__dict__[STATE_KEY]
            if not state.deleted:
                return found
        return None

    # -- flush ------------------------------------------------------------------------

    def has_changes(self) -> bool:
        """True when a flush would write something."""
        return bool(self.new or self.dirty or self.deleted or self.edge_ops or self.watched)

    @_restoring_staging
    def flush(self) -> Op[None]:
        """Write every pending change in one statement."""
        self.check_open()
        if not self.has_changes():
            return None
        size = len(self.new) + len(self.dirty) + len(self.watched)
        with gc_paused(size):
            watched = self._changed_watched()
            if not (self.new or self.dirty or self.deleted or self.edge_ops or watched):
                return None  # loaded relations and mutable values, all as they were
            self._cascade(watched)
            updates = self._updates(watched)
            self._validate(updates)
            pending = _by_class(self.new.values())
            plan, created, updated = self._plan(updates, pending)
            if not plan:
                self.edge_ops.clear()
                return None
            keys = self._new_keys(pending)
            plan.guard(keys)
            # what this flush writes: staging calls made while its statement runs (tasks
            # sharing an AsyncSession) stay staged for the next flush
            staged = (list(self.deleted.values()), len(self.edge_ops))
            compiled = self.dialect.compile(build_statement(plan, keys))
            stmt = Statement(compiled.cypher, compiled.params, compiled.columns, write=True)
            check = reads.existing_keys_statement(keys, self.dialect)
        if check is not None:
            # the keys are checked by the write itself (compiled.guarded) or by a read
            # first; a lock (AGE) makes a concurrent inserter of the same key wait for us
            for lock in compiled.before:
                yield Statement(lock.cypher, lock.params, lock.columns, write=True)
            if not compiled.guarded:
                self._raise_duplicates((yield check))
        try:
            result = yield stmt
        except UniqueViolationError as exc:
            entities = [e for group in pending.values() for e in group]
            entities += self.dirty.values()
            raise self._unique_refused(exc, entities) from exc
        except OrmError as exc:
            self._name_refused_value(exc, watched)
            raise
        if compiled.guarded and check is not None and not result.rows:
            # the guard found a key taken, so nothing was written: which one?
            self._raise_duplicates((yield check))
        with gc_paused(size):
            self._apply(plan, created, updated, result, staged)
        return None

    @staticmethod
    def _new_keys(pending: dict[type, list[Any]]) -> dict[tuple[str, str], list[Any]]:
        """Primary keys of the pending entities, by (primary label, key field)."""
        keys: dict[tuple[str, str], list[Any]] = {}
        for cls, entities in pending.items():
            facts = _facts(cls)
            desc = facts.key_desc
            if desc is None:
                continue
            name = desc.name
            values = (
                [entity.__dict__[name] for entity in entities]
                if desc.converter is None
                else [_to_graph(desc, entity.__dict__[name]) for entity in entities]
            )
            keys.setdefault((facts.meta.primary_label, desc.graph_name), []).extend(values)
        return keys

    def _name_refused_value(self, exc: OrmError, watched: dict[int, Any]) -> None:
        """Raise a FieldValidationError naming entity and field for a refused value."""
        entities = (*self.new.values(), *self.dirty.values(), *watched.values())
        edges = [
            (f"{type(e).__name__}({_entity_label(src)} -> {_entity_label(tgt)})", e)
            for _, src, _, tgt, e in self.edge_ops
            if e is not None
        ]
        named = name_refused_value(exc, entities, edges)
        if named is not None:
            raise named from exc

    def _raise_duplicates(self, existing: QueryResult) -> None:
        if not existing.rows:
            return
        found = [
            (label, key)
            for label, keys in zip(existing.columns, existing.rows[0], strict=True)
            for key in keys
        ]
        found = list(dict.fromkeys(found))  # once each, if the graph holds it twice
        if found and self.deleted:
            found = self._not_being_deleted(found)
        if found:
            shown = ", ".join(self._describe_key(label, key) for label, key in found[:5])
            more = f" and {len(found) - 5} more" if len(found) > 5 else ""
            self._unstage_duplicates(found)
            raise DuplicateEntityError(
                f"cannot insert {shown}{more}: a node with that primary key already exists "
                "in the graph; load it with session.get() and modify it instead. "
                "Nothing was written; the duplicates were removed from the session, "
                "everything else stays staged."
            )

    def _not_being_deleted(self, found: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
        """``found`` without the keys of nodes this flush deletes before it inserts."""
        going = {
            self._key_of(entity, entity.__dict__[STATE_KEY]) for entity in self.deleted.values()
        }
        return [key for key in found if key not in going]

    def _unstage_duplicates(self, found: list[tuple[str, Any]]) -> None:
        """Make the pending entities with keys already in the graph transient again."""
        for key in found:
            entity = self.identity.get(key)
            if entity is not None and id(entity) in self.new:
                self._discard(entity, entity.__dict__[STATE_KEY])

    def _describe_key(self, label: str, key: Any) -> str:
        entity = self.identity.get((label, key))
        return _entity_label(entity) if entity is not None else f"{label} {key!r}"

    def _changed_watched(self) -> dict[int, Any]:
        """The watched entities whose mutable values or loaded relations changed."""
        return {
            key: entity
            for key, entity in self.watched.items()
            if key not in self.dirty and _watched_changed(entity)
        }

    def _cascade(self, watched: dict[int, Any]) -> None:
        """Add transient entities referenced through relations of staged entities."""
        # Staged entities are attached already: only those with relations can lead
        # to transient ones. A target attached to this session is staged itself (and
        # so walked from here) or unchanged since loaded (so all its targets are in
        # the graph): only targets added here need walking further.
        queue = [
            entity
            for group in (self.new, self.dirty, watched)
            for entity in group.values()
            if _facts(type(entity)).has_relations
        ]
        queue.extend(op[3] for op in self.edge_ops)
        queue.extend(op[1] for op in self.edge_ops)
        seen: set[int] = set()
        refused: list[tuple[Any, FieldDescriptor, Any]] = []  # through cascade=False
        while queue:
            entity = queue.pop()
            if id(entity) in seen:
                continue
            seen.add(id(entity))
            state: EntityState | None = entity.__dict__.get(STATE_KEY)
            if state is None or (state.session is None and not state.persistent):
                self.add(entity)
                self._cascaded.append(entity)
            facts = _facts(type(entity))
            if not facts.has_relations:
                continue
            values = entity.__dict__
            for name, desc in facts.meta.relations.items():
                if name not in values:
                    continue
                for target in _relation_targets(entity, desc):
                    tstate: EntityState | None = target.__dict__.get(STATE_KEY)
                    if tstate is None or (tstate.session is None and not tstate.persistent):
                        if desc.cascade:
                            queue.append(target)
                        else:
                            refused.append((entity, desc, target))
        for entity, desc, target in refused:
            tstate = target.__dict__.get(STATE_KEY)
            if tstate is None or tstate.session is not self:
                raise FieldValidationError(
                    f"{desc.qualname} of {_entity_label(entity)} holds {_entity_label(target)}, "
                    "which is not in the session, and the relation is declared cascade=False: "
                    f"add it with session.add() first (or declare {desc.qualname} with "
                    "cascade=True). Nothing was written."
                )

    def _updates(self, watched: dict[int, Any]) -> list[tuple[Any, list[str]]]:
        """Each dirty or changed watched entity (not deleted) with its changed fields."""
        dirty = dict(self.dirty)
        deleted = self.deleted
        for key, entity in watched.items():
            if key not in deleted:
                dirty.setdefault(key, entity)
        return [
            (entity, changed_fields(entity))
            for entity in dirty.values()
            if not entity.__dict__[STATE_KEY].deleted
        ]

    def _validate(self, updates: list[tuple[Any, list[str]]]) -> None:
        for entity in self.new.values():
            facts = _facts(type(entity))
            values = entity.__dict__
            pk = facts.pk
            if pk is not None:
                value = values.get(pk)
                # a key of exactly the declared simple type needs no further check
                if value is not None and type(value) is not facts.pk_type:
                    reads.check_pk_type(facts.meta, value)
                changed = values[STATE_KEY].changed
                if changed and pk in changed:  # the key was assigned after add()
                    self._rekey(entity, facts.meta.primary_label, value)
            for name in facts.must_have:
                if values.get(name) is None:
                    self._raise_missing(entity, facts.meta, name)
        for entity, names in updates:
            if not names:
                continue
            meta = _meta(entity)
            values = entity.__dict__
            pk = meta.pk_field_name
            for name in names:
                if values.get(name) is None and (meta.fields[name].required or name == pk):
                    raise FieldValidationError(
                        f"{type(entity).__name__}.{name} is required but was set to None"
                    )
            if pk is not None and pk in names:
                self._raise_pk_changed(entity, pk)

    @staticmethod
    def _raise_missing(entity: Any, meta: NodeMeta, name: str) -> None:
        """Raise for field ``name`` of a pending entity holding ``None``."""
        if name == meta.pk_field_name and not meta.fields[name].generated:
            raise FieldValidationError(
                f"{type(entity).__name__}.{name} is the primary key and has no value; "
                "set it before flushing, or declare it Field(generated=True)"
            )
        raise FieldValidationError(f"{type(entity).__name__}.{name} is required but is None")

    @staticmethod
    def _raise_pk_changed(entity: Any, pk: str) -> None:
        """Raise when the loaded primary key ``pk`` of ``entity`` was given another value."""
        state: EntityState = entity.__dict__[STATE_KEY]
        if pk in state.snapshot:
            raise FieldValidationError(
                f"{type(entity).__name__}.{pk} is the primary key and cannot change "
                f"(from {state.snapshot[pk]!r} to {entity.__dict__[pk]!r}); create a new "
                "entity instead"
            )

    def _ref(self, entity: Any, created: _Created) -> Any:
        if created.groups:
            ref = created.ref(entity)
            if ref is not None:
                return ref
        state: EntityState | None = entity.__dict__.get(STATE_KEY)
        if state is None or state.graph_id is None:
            raise OrmError(
                f"{_entity_label(entity)} is not in the graph and not pending in this session"
            )
        return state.graph_id

    def _plan(
        self, updated: list[tuple[Any, list[str]]], pending: dict[type, list[Any]]
    ) -> tuple[FlushPlan, _Created, list[tuple[Any, list[str]]]]:
        plan = FlushPlan()
        created = _Created()
        for cls, entities in pending.items():
            facts = _facts(cls)
            group, start = plan.create_rows(
                facts.meta.labels, facts.insert_fields, _insert_rows(facts, entities)
            )
            created.add(facts, group, start, entities)
        for entity in self.deleted.values():
            plan.delete_node(entity.__dict__[STATE_KEY].graph_id)
        # (class, changed names) -> their descriptors, and whether none converts
        shapes: dict[tuple[type, tuple[str, ...]], tuple[tuple[FieldDescriptor, ...], bool]] = {}
        for entity, names in updated:
            if not names:
                continue
            shape_key = (type(entity), tuple(names))
            shape = shapes.get(shape_key)
            if shape is None:
                fields = _meta(entity).fields
                descs = tuple(fields[n] for n in names)
                shape = shapes[shape_key] = (descs, all(d.converter is None for d in descs))
            descs, plain = shape
            values = entity.__dict__
            plan.update(
                values[STATE_KEY].graph_id,
                descs,
                [values[n] for n in names]
                if plain
                else [_to_graph(d, values[d.name]) for d in descs],
            )
        # relation attributes of new and changed entities
        with_relations = {
            cls
            for cls in {type(e) for e in self.new.values()}.union(type(e) for e, _ in updated)
            if _facts(cls).has_relations
        }
        if with_relations:
            for entity in [*self.new.values(), *(e for e, _ in updated)]:
                if type(entity) in with_relations:
                    self._plan_relations(plan, entity, created)
        for kind, source, desc, target, edge in self.edge_ops:
            src = self._ref(source, created)
            tgt = self._ref(target, created)
            if kind == "merge":
                # without an edge instance, a new edge gets the edge model's defaults
                edge_fields, edge_values = (
                    _edge_values(edge) if edge is not None else _default_edge(desc)
                )
                plan.merge_edge(
                    desc.relationship or "",
                    desc.direction or "OUTGOING",
                    src,
                    tgt,
                    edge_fields,
                    edge_values,
                    only_on_create=edge is None,
                )
            else:
                plan.delete_edge(desc.relationship or "", desc.direction or "OUTGOING", src, tgt)
        return plan, created, updated

    def _plan_relations(self, plan: FlushPlan, entity: Any, created: _Created) -> None:
        meta = _meta(entity)
        values = entity.__dict__
        state: EntityState = values[STATE_KEY]
        is_new = created.ref(entity) is not None
        for name, desc in meta.relations.items():
            if name not in values:
                continue
            current = _targets(values[name])
            rel = desc.relationship or ""
            direction = desc.direction or "OUTGOING"
            src = self._ref(entity, created)
            cleared = False
            if is_new:
                previous: tuple[Any, ...] = ()
            elif name in state.relations:
                previous = state.relations[name]
            elif name in state.changed:
                plan.clear_edges(
                    rel, direction, desc.resolve_target().__runic_meta__.primary_label, src
                )
                previous = ()
                cleared = True  # the new edges cannot exist any more: CREATE them
            else:
                continue
            after = {id(t): t for t in current}
            if previous:
                before = {id(t): t for t in previous}
                added_targets = [t for key, t in after.items() if key not in before]
            else:
                before = {}
                added_targets = list(after.values())
            if added_targets:
                edge_fields, edge_values = _default_edge(desc)
                plan.merge_edges(
                    rel,
                    direction,
                    src,
                    [self._ref(t, created) for t in added_targets],
                    edge_fields,
                    edge_values,
                    fresh=cleared,
                )
            for key, target in before.items():
                if key not in after:
                    tstate = target.__dict__.get(STATE_KEY)
                    if tstate is not None and tstate.graph_id is not None and not is_new:
                        plan.delete_edge(rel, direction, src, tstate.graph_id)

    def _apply(
        self,
        plan: FlushPlan,
        created: _Created,
        updated: list[tuple[Any, list[str]]],
        result: QueryResult,
        staged: tuple[list[Any], int],
    ) -> None:
        deleted, edge_ops = staged
        if created:
            if not result.rows:
                raise StaleDataError(
                    "the flush matched no row: a node it needed was deleted by someone else; "
                    "roll back and reload"
                )
            id_lists = result.rows[0]
            for facts, group, start, entities in created.groups:
                ids = id_lists[group][start : start + len(entities)]
                self._apply_created(facts, entities, ids)
        record = self._record_flush(created, deleted, edge_ops) if self.track_flushes else None
        watched = self.watched
        for entity, names in updated:
            values = entity.__dict__
            state = values[STATE_KEY]
            if record is not None:
                record.updated.append(
                    (
                        entity,
                        names,
                        state.changed,
                        dict(state.relations) if _facts(type(entity)).has_relations else None,
                    )
                )
            if names:
                state.take_snapshot(values, names)
            state.clear_changed()
            if _facts(type(entity)).has_relations:
                self._snapshot_relations(entity, state)
            elif state.mutable:
                watched[id(entity)] = entity
            else:
                watched.pop(id(entity), None)
        for entity in deleted:
            state = entity.__dict__[STATE_KEY]
            self._discard(entity, state)
            state.persistent = False
            state.deleted = True
            state.detached = True
        for _, source, desc, _, _ in self.edge_ops[:edge_ops]:
            # the cached relation is stale now: reload on next access
            source.__dict__.pop(desc.name, None)
            sstate = source.__dict__.get(STATE_KEY)
            if sstate is not None:
                sstate.drop_relation(desc.name)
        del self.edge_ops[:edge_ops]
        if not self.shared_by_tasks:
            # nothing can be staged while a blocking flush runs: it wrote all of them
            self.new.clear()
            self.dirty.clear()
            return
        # only what this flush wrote leaves the pending sets (deleted ones: _discard)
        new, dirty = self.new, self.dirty
        for _, _, _, entities in created.groups:
            for entity in entities:
                new.pop(id(entity), None)
        for entity, _ in updated:
            dirty.pop(id(entity), None)

    def _record_flush(self, created: _Created, deleted: list[Any], edge_ops: int) -> _Flushed:
        """Start the record of a flush that succeeded inside the open transaction.

        ``deleted`` and the first ``edge_ops`` relation operations are what this flush
        wrote (tasks sharing an AsyncSession may stage more while it runs).
        """
        record = _Flushed()
        record.created = [entities for _, _, _, entities in created.groups]
        record.deleted = list(deleted)
        record.edge_ops = self.edge_ops[:edge_ops]
        self._flushed.append(record)
        return record

    def _apply_created(self, facts: _Facts, entities: list[Any], ids: Sequence[Any]) -> None:
        """Record the graph ids and snapshots of newly created entities of one class."""
        meta = facts.meta
        pk = facts.pk
        names = facts.field_names
        generated_key = pk is not None and facts.key_desc is None
        # an instance dict holding exactly the fields and the state (no relations)
        # is copied whole for the snapshot: the cheapest way to take it
        exact = len(names) + 1 if not facts.has_relations else -1
        identity = self.identity
        watched = self.watched
        immutable = _IMMUTABLE_TYPES
        for entity, graph_id in zip(entities, ids, strict=True):
            values = entity.__dict__
            state: EntityState = values[STATE_KEY]
            state.graph_id = graph_id
            state.persistent = True
            if generated_key:
                stale = (meta.primary_label, values.get(pk))
                if identity.get(stale) is entity:
                    del identity[stale]  # a value set by hand: the database decides
                values[pk] = graph_id
                identity[(meta.primary_label, graph_id)] = entity
            elif pk is None:
                identity[("#", graph_id)] = entity
            # the snapshot of every field, as take_snapshot would take it, with the
            # deep copies limited to the mutable values
            if len(values) == exact:
                snap = values.copy()
                del snap[STATE_KEY]
            else:
                snap = {name: values[name] for name in names if name in values}
            state.update_snapshot(snap)
            if state.changed:
                state.unmark(names)
            mutable: list[str] = []
            for value in snap.values():
                if type(value) not in immutable:
                    mutable = [n for n, v in snap.items() if isinstance(v, _MUTABLE)]
                    break
            if mutable or state.mutable:
                state.take_snapshot(values, mutable)
            if facts.has_relations:
                self._snapshot_relations(entity, state)
            elif state.mutable:
                watched[id(entity)] = entity

    def _snapshot_relations(self, entity: Any, state: EntityState) -> None:
        meta = _meta(entity)
        values = entity.__dict__
        for name in meta.relations:
            if name in values:
                state.set_relation(name, tuple(_targets(values[name])))
        state.unmark(meta.relations)
        if state.mutable or state.relations:
            self.watched[id(entity)] = entity
        else:
            self.watched.pop(id(entity), None)

    # -- relate / unrelate -------------------------------------------------------------

    def stage_edge(
        self, kind: str, source: Any, field: str | FieldDescriptor, target: Any, edge: Any
    ) -> FieldDescriptor:
        """Stage a relate (``kind="merge"``) or unrelate (``"delete"``)."""
        self.check_open()
        meta = node_meta(source)
        name = field if isinstance(field, str) else field.name
        desc = meta.relations.get(name)
        if desc is None:
            raise FieldValidationError(
                f"{type(source).__name__} has no relation {name!r}; its relations are: "
                f"{', '.join(meta.relations) or '(none)'}"
            )
        target_cls = desc.resolve_target()
        if not isinstance(target, target_cls):
            raise FieldValidationError(
                f"{type(source).__name__}.{name} relates to {target_cls.__name__}, "
                f"got {type(target).__name__}"
            )
        if edge is not None:
            if not isinstance(edge, Edge):
                raise FieldValidationError(f"edge must be an Edge instance, got {edge!r}")
            if desc.edge_model is not None and not isinstance(edge, desc.edge_model):
                raise FieldValidationError(
                    f"{type(source).__name__}.{name} takes {desc.edge_model.__name__} edges, "
                    f"got {type(edge).__name__}"
                )
            _check_edge(edge, desc, source, target)
        elif kind == "merge":
            _default_edge(desc)  # an edge model with required fields needs an edge
        for entity in (source, target):
            state = entity.__dict__.get(STATE_KEY)
            if state is None or state.session is not self:
                if kind == "merge" and (state is None or not state.persistent):
                    self.add(entity)
                else:
                    raise DetachedEntityError(
                        f"{_entity_label(entity)} is not attached to this session"
                    )
        self.edge_ops.append((kind, source, desc, target, edge))
        return desc

    # -- after the transaction ended ----------------------------------------------------

    def forget_flushed(self) -> None:
        """The transaction committed: what it flushed is in the graph for good."""
        self._flushed = []

    def clear_after_rollback(self) -> None:
        """``rollback()``: drop staged work, undo the transaction's flushes, expire the rest.

        As in SQLAlchemy: entities inserted by the rolled-back transaction become
        transient again (``add`` + ``commit`` inserts them anew), entities it deleted
        are back in the session, and every persistent entity is expired. Never raises.
        """
        records, self._flushed = self._flushed, []
        for record in reversed(records):
            undo_bulk(self, record.bulk)
            for entities in record.created:
                for entity in entities:
                    self._unflush_insert(entity, keep_pending=False)
            for entity in record.deleted:
                self._unflush_delete(entity, keep_staged=False)
        for entity in list(self.new.values()):
            self._discard(entity, entity.__dict__[STATE_KEY])
        for entity in list(self.deleted.values()):
            entity.__dict__[STATE_KEY].deleted = False
        self.new.clear()
        self.deleted.clear()
        self.dirty.clear()
        self.edge_ops.clear()
        self.watched.clear()
        for key, entity in list(self.identity.items()):
            state: EntityState | None = entity.__dict__.get(STATE_KEY)
            if state is None or state.session is not self:
                del self.identity[key]  # a stale entry: never let it break a rollback
            elif state.persistent:
                self.expire(entity)

    def commit_failed(self, exc: BaseException) -> BaseException | None:
        """The commit raised ``exc``: the transaction is gone, stage its work again.

        As :meth:`restore_after_abort`. A unique constraint checked at commit
        (ArcadeDB) becomes a :class:`DuplicateEntityError` naming the class, field
        and value among what the transaction flushed (returned: raise it from
        ``exc``; None: raise ``exc``).
        """
        if not isinstance(exc, UniqueViolationError):
            self.restore_after_abort()
            return None
        entities = [e for record in self._flushed for group in record.created for e in group]
        entities += [update[0] for record in self._flushed for update in record.updated]
        self.restore_after_abort()
        return self._unique_refused(exc, entities)

    def _unique_refused(
        self, exc: UniqueViolationError, entities: list[Any]
    ) -> DuplicateEntityError:
        """The error for a unique violation; a pending entity whose key was taken leaves.

        As after the key check (``_raise_duplicates``): an entity whose primary key
        the server names as taken becomes transient, the rest stays staged.
        """
        taken = [e for e in taken_keys(exc, entities) if id(e) in self.new]
        for entity in taken:
            self._discard(entity, entity.__dict__[STATE_KEY])
        return unique_violation(exc, entities, removed=bool(taken))

    def restore_after_abort(self) -> None:
        """The database rolled the open transaction back on its own (a statement failed).

        Everything the transaction's flushes wrote is staged again (inserted
        entities pending, updates dirty, deletes and relate/unrelate staged), in
        front of what was staged since; nothing is expired. The next flush or
        commit writes it all in a new transaction. Never raises.
        """
        records, self._flushed = self._flushed, []
        if not records:
            return
        pending: list[list[Any]] = []
        edge_ops: list[tuple[str, Any, FieldDescriptor, Any, Any]] = []
        for record in reversed(records):
            undo_bulk(self, record.bulk)
            again = [
                e
                for group in record.created
                for e in group
                if self._unflush_insert(e, keep_pending=True)
            ]
            pending.append(again)
            for entity in record.deleted:
                self._unflush_delete(entity, keep_staged=True)
            for entity, names, changed, relations in record.updated:
                self._unflush_update(entity, names, changed, relations)
            edge_ops[:0] = record.edge_ops
        staged = list(self.new.items())
        self.new.clear()
        for group in reversed(pending):
            for entity in group:
                if entity.__dict__[STATE_KEY].session is self and not (
                    entity.__dict__[STATE_KEY].persistent
                ):
                    self.new[id(entity)] = entity
        self.new.update(staged)
        self.edge_ops[:0] = edge_ops

    def _unflush_insert(self, entity: Any, *, keep_pending: bool) -> bool:
        """A rollback removed the node ``entity`` was inserted as; True: pending again."""
        values = entity.__dict__
        state: EntityState = values[STATE_KEY]
        if state.session is not None and state.session is not self:
            return False  # moved to another session since
        meta = _meta(entity)
        pk = meta.pk_field_name
        identity = self.identity
        if identity.get(("#", state.graph_id)) is entity:
            del identity[("#", state.graph_id)]
        if pk is not None and meta.fields[pk].generated:
            key = (meta.primary_label, values.get(pk))
            if identity.get(key) is entity:
                del identity[key]
            values[pk] = None  # the database hands out a new one on the next insert
        deleted_since = id(entity) in self.deleted
        state.forget_graph_state()
        self.dirty.pop(id(entity), None)
        self.watched.pop(id(entity), None)
        if not keep_pending or state.session is not self or deleted_since:
            # explicit rollback, expunged since, or deleted later in the transaction
            self._discard(entity, state)
            state.detached = False
            return False
        return True

    def _unflush_delete(self, entity: Any, *, keep_staged: bool) -> None:
        """A rollback brought back the node ``entity`` was deleted from."""
        state: EntityState = entity.__dict__[STATE_KEY]
        if state.session is not None:
            return  # added again since (to this or another session): leave it be
        state.session = self
        state.persistent = True
        state.detached = False
        key = self._key_of(entity, state)
        if key is not None and key not in self.identity:
            self.identity[key] = entity
        state.deleted = keep_staged
        if keep_staged:
            self.deleted[id(entity)] = entity

    def _unflush_update(
        self,
        entity: Any,
        names: list[str],
        changed: Iterable[str],
        relations: dict[str, tuple[Any, ...]] | None,
    ) -> None:
        """A rollback undid the update of ``entity``: make it dirty again."""
        state: EntityState = entity.__dict__[STATE_KEY]
        if state.session is not self or not state.persistent:
            return
        if names:
            state.forget(names)  # unknown in the graph: written on the next flush
        for name in (*names, *changed):
            state.mark_changed(name)
        if relations is not None:
            state.restore_relations(relations)
        if state.changed and not state.deleted:
            self.dirty[id(entity)] = entity
        self._watch(entity, state)

    def _undo_cascade(self) -> None:
        """A flush failed: take back the entities it added through relations."""
        added, self._cascaded = self._cascaded, []
        for entity in added:
            state: EntityState | None = entity.__dict__.get(STATE_KEY)
            if state is not None and state.session is self and id(entity) in self.new:
                self._discard(entity, state)

    def close(self) -> None:
        """Detach everything; later use raises :class:`SessionClosedError`."""
        if self._flushed:  # closed with the transaction open: it is rolled back
            self.clear_after_rollback()
        self.expunge_all()
        self.closed = True


# -- helpers ------------------------------------------------------------------------------


def _meta(entity: Any) -> NodeMeta:
    """The metadata of an entity already known to be a registered Node (hot path)."""
    meta: NodeMeta = type(entity).__runic_meta__
    return meta


def _require_node(entity: Any, action: str) -> None:
    if not isinstance(entity, Node):
        raise MetadataError(
            f"cannot {action} {type(entity).__qualname__}: only instances of Node subclasses "
            "are managed by a session"
        )


def _relation_targets(entity: Any, desc: FieldDescriptor) -> list[Any]:
    """The entities relation ``desc`` of ``entity`` holds, checked against its target class."""
    value = entity.__dict__[desc.name]
    target_cls = desc.resolve_target()
    items = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
    for item in items:
        if item is not None and not isinstance(item, target_cls):
            raise FieldValidationError(
                f"{type(entity).__name__}.{desc.name} relates to {target_cls.__name__}, got "
                f"{type(item).__name__} {item!r} (on {_entity_label(entity)})"
            )
    return [item for item in items if item is not None]


def _watched_changed(entity: Any) -> bool:
    """Whether a watched entity's mutable fields or loaded relations differ from the graph.

    Conservative: a relation holding the same targets in another order counts as
    changed (the flush plan then finds nothing to write for it).
    """
    values = entity.__dict__
    state: EntityState = values[STATE_KEY]
    if state.changed or (state.mutable and changed_fields(entity, state.mutable)):
        return True
    for name, previous in state.relations.items():
        if name not in values:
            continue
        value = values[name]
        if isinstance(value, list | tuple):
            if len(value) != len(previous) or any(
                a is not b for a, b in zip(value, previous, strict=True)
            ):
                return True
        elif value is None:
            if previous:
                return True
        elif len(previous) != 1 or previous[0] is not value:
            return True
    return False


def _targets(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, Node):
        return [value]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [v for v in value if v is not None]
    raise QueryBuildError(f"a relation value must be a Node or a list of Nodes, got {value!r}")


class _Facts:
    """What a flush needs to know about a Node class, computed once per class.

    Flushing thousands of entities of one class repeats the same metadata look-ups
    per entity; these tuples turn them into a few attribute reads.
    """

    __slots__ = (
        "field_names",
        "has_relations",
        "insert_fields",
        "insert_names",
        "key_desc",
        "meta",
        "must_have",
        "pk",
        "pk_type",
        "plain",
    )

    def __init__(self, meta: NodeMeta) -> None:
        self.meta = meta
        self.pk = meta.pk_field_name
        pk_desc = meta.fields[self.pk] if self.pk is not None else None
        expected = (
            unwrap_optional(pk_desc.python_type)
            if pk_desc is not None and not pk_desc.generated
            else None
        )
        # a key whose type is exactly this one passes reads.check_pk_type
        self.pk_type: type | None = (
            expected if isinstance(expected, type) and expected in _SIMPLE_PK_TYPES else None
        )
        # the key field checked against the graph before inserting (not generated keys)
        self.key_desc = pk_desc if pk_desc is not None and not pk_desc.generated else None
        self.must_have = tuple(
            name
            for name, desc in meta.fields.items()
            if desc.required or (name == self.pk and not desc.generated)
        )
        self.field_names = tuple(meta.fields)
        self.insert_fields = tuple(d for d in meta.fields.values() if not d.generated)
        self.insert_names = tuple(d.name for d in self.insert_fields)
        # no converter on any inserted field: rows are the attribute values as they are
        self.plain = all(d.converter is None for d in self.insert_fields)
        self.has_relations = bool(meta.relations)


_SIMPLE_PK_TYPES = (str, int, float, bytes)
# values of these exact types never need a deep-copied snapshot
_IMMUTABLE_TYPES = frozenset({str, int, float, bool, type(None), bytes})
_MUTABLE = (list, dict, set, bytearray)  # as runic.ogm.core.state: snapshot by deep copy
_FACTS: dict[type, _Facts] = {}


class _Created:
    """The entities a flush creates, by class: creation group and first row of each class.

    The per-entity references (:class:`NewRef`) are only needed to wire up
    relations; they are built on first use, so a plain bulk insert never makes them.
    """

    __slots__ = ("_refs", "groups")

    def __init__(self) -> None:
        self.groups: list[tuple[_Facts, int, int, list[Any]]] = []
        self._refs: dict[int, NewRef] | None = None

    def __bool__(self) -> bool:
        return bool(self.groups)

    def add(self, facts: _Facts, group: int, start: int, entities: list[Any]) -> None:
        """Record that ``entities`` are rows ``start...`` of creation group ``group``."""
        self.groups.append((facts, group, start, entities))
        self._refs = None

    def ref(self, entity: Any) -> NewRef | None:
        """The reference of a created entity (``None`` when it is not created here)."""
        if not self.groups:
            return None
        refs = self._refs
        if refs is None:
            refs = self._refs = {
                id(entity): NewRef(group, index)
                for _, group, start, entities in self.groups
                for index, entity in enumerate(entities, start)
            }
        return refs.get(id(entity))


def _by_class(entities: Iterable[Any]) -> dict[type, list[Any]]:
    """``entities`` grouped by class, in order of first appearance."""
    groups: dict[type, list[Any]] = {}
    for entity in entities:
        cls = type(entity)
        found = groups.get(cls)
        if found is None:
            groups[cls] = [entity]
        else:
            found.append(entity)
    return groups


def _insert_rows(facts: _Facts, entities: list[Any]) -> list[Sequence[Any]]:
    """The parameter rows creating ``entities`` (all of the class ``facts`` describes).

    Rows of plain fields are the getter's tuples as they are (every driver sends a
    tuple as a list); 100,000 rows as tuples take 3 MiB less than as lists.
    """
    names = facts.insert_names
    if facts.plain:
        if len(names) > 1:
            getter = itemgetter(*names)
            try:
                return [getter(entity.__dict__) for entity in entities]
            except KeyError:
                pass  # a field without a value: fall back to None for it
        return [[entity.__dict__.get(name) for name in names] for entity in entities]
    fields = facts.insert_fields
    return [
        [_to_graph(desc, entity.__dict__.get(desc.name)) for desc in fields] for entity in entities
    ]


def _facts(cls: type) -> _Facts:
    try:
        return _FACTS[cls]
    except KeyError:
        facts = _FACTS[cls] = _Facts(cls.__runic_meta__)  # type: ignore[attr-defined]
        return facts


def _to_graph(desc: FieldDescriptor, value: Any) -> Any:
    if value is None or desc.converter is None:
        return value
    try:
        return desc.converter.to_graph(value)
    except (TypeError, ValueError) as exc:
        raise FieldValidationError(f"{desc.qualname}: {exc}") from exc


_DEFAULT_EDGES: dict[type, tuple[tuple[FieldDescriptor, ...], list[Any]]] = {}


def _default_edge(desc: FieldDescriptor) -> tuple[tuple[FieldDescriptor, ...], list[Any]]:
    """Properties for an edge created by assignment: the edge model's defaults, if any.

    Raises :class:`FieldValidationError` when the edge model has a ``required``
    field without a default: such an edge can only be made with ``relate(edge=...)``.
    """
    model = desc.edge_model
    if model is None:
        return (), []
    cached = _DEFAULT_EDGES.get(model)
    if cached is None:
        fields = tuple(model.__runic_meta__.fields.values())
        values = [d.make_default() if d.has_default else None for d in fields]
        for d, value in zip(fields, values, strict=True):
            if d.required and value is None:
                raise FieldValidationError(
                    f"{model.__name__}.{d.name} is required and has no default, so "
                    f"{desc.qualname} cannot create its edges by assignment; create each "
                    f"edge with session.relate(source, {desc.qualname}, target, "
                    f"edge={model.__name__}({d.name}=...)). Nothing was written."
                )
        cached = (fields, [_to_graph(d, v) for d, v in zip(fields, values, strict=True)])
        _DEFAULT_EDGES[model] = cached
    return cached


def _check_edge(edge: Any, desc: FieldDescriptor, source: Any, target: Any) -> None:
    """Raise for a ``required`` field of the edge instance ``edge`` holding ``None``."""
    values = edge.__dict__
    for name, d in type(edge).__runic_meta__.fields.items():
        if d.required and values.get(name) is None:
            raise FieldValidationError(
                f"{type(edge).__name__}.{name} is required but is None (the {desc.qualname} "
                f"edge from {_entity_label(source)} to {_entity_label(target)}); nothing "
                "was written"
            )


def _edge_values(edge: Any) -> tuple[tuple[FieldDescriptor, ...], list[Any]]:
    if edge is None:
        return (), []
    fields = tuple(type(edge).__runic_meta__.fields.values())
    values = edge.__dict__
    return fields, [_to_graph(d, values.get(d.name)) for d in fields]


__all__ += ["identity_key"]
