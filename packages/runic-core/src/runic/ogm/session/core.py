"""The unit of work: identity map, staging, change tracking, and the session operations.

:class:`SessionCore` holds all of a session's state and performs no I/O.
Operations that need the database are generators (see
:mod:`runic.ogm.session.ops`); ``Session`` and ``AsyncSession`` drive them. The
flush (cascade, validation, planning, applying results) is
:mod:`runic.ogm.session.persistence`; what a flush wrote is kept here, to put
the session back in step with the graph after a rollback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from runic.ogm.core.descriptors import FieldDescriptor
from runic.ogm.core.metadata import node_meta
from runic.ogm.core.models import Edge, Node
from runic.ogm.core.state import STATE_KEY, EntityState
from runic.ogm.exceptions import (
    DetachedEntityError,
    DuplicateEntityError,
    FieldValidationError,
    MetadataError,
    OrmError,
    SessionClosedError,
    UniqueViolationError,
)
from runic.ogm.schema.violations import taken_keys, unique_violation
from runic.ogm.session import persistence
from runic.ogm.session.bulk import undo_bulk
from runic.ogm.session.classplan import NODE_PLANS as _FACTS
from runic.ogm.session.classplan import default_edge
from runic.ogm.session.entities import (
    StaleDataError,
    _entity_label,
    _meta,
)
from runic.ogm.session.gcpause import gc_paused
from runic.ogm.session.loading import Loading
from runic.ogm.session.ops import Op
from runic.ogm.session.persistence import _Flushed

if TYPE_CHECKING:
    from runic.ogm.dialect import GraphDialect

__all__ = ["SessionCore", "StaleDataError"]


class SessionCore(Loading):
    """The state of one session and its operations, shared by the sync and async facades.

    The flush is :func:`runic.ogm.session.persistence.flush`; the per-class facts it and
    the reads use are :class:`runic.ogm.session.classplan.ClassPlan`.
    """

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
                        key = (facts.label, pk_value)
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

    # -- flush ------------------------------------------------------------------------

    def has_changes(self) -> bool:
        """True when a flush would write something."""
        return bool(self.new or self.dirty or self.deleted or self.edge_ops or self.watched)

    def flush(self) -> Op[None]:
        """Write every pending change in one statement (see :mod:`.persistence`)."""
        return persistence.flush(self)

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
            default_edge(desc)  # an edge model with required fields needs an edge
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

    def close(self) -> None:
        """Detach everything; later use raises :class:`SessionClosedError`."""
        if self._flushed:  # closed with the transaction open: it is rolled back
            self.clear_after_rollback()
        self.expunge_all()
        self.closed = True


# -- helpers ------------------------------------------------------------------------------


def _require_node(entity: Any, action: str) -> None:
    if not isinstance(entity, Node):
        raise MetadataError(
            f"cannot {action} {type(entity).__qualname__}: only instances of Node subclasses "
            "are managed by a session"
        )


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
