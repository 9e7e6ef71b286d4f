"""Persistence: the flush of a unit of work, as one batched write statement.

Pure code, no I/O: :func:`flush` is an operation generator (see
:mod:`runic.ogm.session.ops`) over the state a :class:`~runic.ogm.session.core.SessionCore`
holds. It cascades to transient entities reachable through relations,
validates, plans the writes into a :class:`~runic.ogm.session.flush.FlushPlan`,
checks the new primary keys against the graph, and applies the result to the
session (graph ids, snapshots, the pending sets). ``SessionCore.flush()`` runs it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from runic.ogm.core.descriptors import FieldDescriptor
from runic.ogm.core.metadata import NodeMeta
from runic.ogm.core.state import STATE_KEY, EntityState, changed_fields
from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import (
    DuplicateEntityError,
    FieldValidationError,
    OrmError,
    UniqueViolationError,
)
from runic.ogm.session import reads
from runic.ogm.session.badvalue import name_refused_value
from runic.ogm.session.classplan import (
    IMMUTABLE_TYPES,
    MUTABLE_TYPES,
    ClassPlan,
    class_plan,
    default_edge,
)
from runic.ogm.session.entities import (
    StaleDataError,
    _by_class,
    _entity_label,
    _meta,
    _targets,
    _to_graph,
)
from runic.ogm.session.flush import FlushPlan, NewRef, build_statement
from runic.ogm.session.gcpause import gc_paused
from runic.ogm.session.ops import Op, Statement

if TYPE_CHECKING:
    from runic.ogm.session.bulk import BulkUndo
    from runic.ogm.session.core import SessionCore

__all__ = ["flush"]


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


def flush(core: SessionCore) -> Op[None]:
    """Write every pending change in one statement.

    A failing flush leaves the staged changes as they were before it: nothing is
    applied to the session before the statement succeeded, and the only staging
    done first, adding transient entities reachable through relations (cascade),
    is taken back.
    """
    cascaded: list[Any] = []
    try:
        return (yield from _flush(core, cascaded))
    except BaseException:
        _undo_cascade(core, cascaded)
        raise


def _undo_cascade(core: SessionCore, added: list[Any]) -> None:
    """A flush failed: take back the entities it added through relations."""
    for entity in added:
        state: EntityState | None = entity.__dict__.get(STATE_KEY)
        if state is not None and state.session is core and id(entity) in core.new:
            core._discard(entity, state)


def _flush(core: SessionCore, cascaded: list[Any]) -> Op[None]:
    core.check_open()
    if not core.has_changes():
        return None
    size = len(core.new) + len(core.dirty) + len(core.watched)
    with gc_paused(size):
        watched = _changed_watched(core)
        if not (core.new or core.dirty or core.deleted or core.edge_ops or watched):
            return None  # loaded relations and mutable values, all as they were
        _cascade(core, watched, cascaded)
        updates = _updates(core, watched)
        _validate(core, updates)
        pending = _by_class(core.new.values())
        plan, created, updated = _plan(core, updates, pending)
        if not plan:
            core.edge_ops.clear()
            return None
        keys = _new_keys(pending)
        plan.guard(keys)
        # what this flush writes: staging calls made while its statement runs (tasks
        # sharing an AsyncSession) stay staged for the next flush
        staged = (list(core.deleted.values()), len(core.edge_ops))
        compiled = core.dialect.compile(build_statement(plan, keys))
        stmt = Statement(compiled.cypher, compiled.params, compiled.columns, write=True)
        check = reads.existing_keys_statement(keys, core.dialect)
    if check is not None:
        # the keys are checked by the write itself (compiled.guarded) or by a read
        # first; a lock (AGE) makes a concurrent inserter of the same key wait for us
        for lock in compiled.before:
            yield Statement(lock.cypher, lock.params, lock.columns, write=True)
        if not compiled.guarded:
            _raise_duplicates(core, (yield check))
    try:
        result = yield stmt
    except UniqueViolationError as exc:
        entities = [e for group in pending.values() for e in group]
        entities += core.dirty.values()
        raise core._unique_refused(exc, entities) from exc
    except OrmError as exc:
        _name_refused_value(core, exc, watched)
        raise
    if compiled.guarded and check is not None and not result.rows:
        # the guard found a key taken, so nothing was written: which one?
        _raise_duplicates(core, (yield check))
    with gc_paused(size):
        _apply(core, plan, created, updated, result, staged)
    return None


def _new_keys(pending: dict[type, list[Any]]) -> dict[tuple[str, str], list[Any]]:
    """Primary keys of the pending entities, by (primary label, key field)."""
    keys: dict[tuple[str, str], list[Any]] = {}
    for cls, entities in pending.items():
        facts = class_plan(cls)
        desc = facts.key_desc
        if desc is None:
            continue
        name = desc.name
        values = (
            [entity.__dict__[name] for entity in entities]
            if desc.converter is None
            else [_to_graph(desc, entity.__dict__[name]) for entity in entities]
        )
        keys.setdefault((facts.label, desc.graph_name), []).extend(values)
    return keys


def _name_refused_value(core: SessionCore, exc: OrmError, watched: dict[int, Any]) -> None:
    """Raise a FieldValidationError naming entity and field for a refused value."""
    entities = (*core.new.values(), *core.dirty.values(), *watched.values())
    edges = [
        (f"{type(e).__name__}({_entity_label(src)} -> {_entity_label(tgt)})", e)
        for _, src, _, tgt, e in core.edge_ops
        if e is not None
    ]
    named = name_refused_value(exc, entities, edges)
    if named is not None:
        raise named from exc


def _raise_duplicates(core: SessionCore, existing: QueryResult) -> None:
    if not existing.rows:
        return
    found = [
        (label, key)
        for label, keys in zip(existing.columns, existing.rows[0], strict=True)
        for key in keys
    ]
    found = list(dict.fromkeys(found))  # once each, if the graph holds it twice
    if found and core.deleted:
        found = _not_being_deleted(core, found)
    if found:
        shown = ", ".join(_describe_key(core, label, key) for label, key in found[:5])
        more = f" and {len(found) - 5} more" if len(found) > 5 else ""
        _unstage_duplicates(core, found)
        raise DuplicateEntityError(
            f"cannot insert {shown}{more}: a node with that primary key already exists "
            "in the graph; load it with session.get() and modify it instead. "
            "Nothing was written; the duplicates were removed from the session, "
            "everything else stays staged."
        )


def _not_being_deleted(core: SessionCore, found: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """``found`` without the keys of nodes this flush deletes before it inserts."""
    going = {core._key_of(entity, entity.__dict__[STATE_KEY]) for entity in core.deleted.values()}
    return [key for key in found if key not in going]


def _unstage_duplicates(core: SessionCore, found: list[tuple[str, Any]]) -> None:
    """Make the pending entities with keys already in the graph transient again."""
    for key in found:
        entity = core.identity.get(key)
        if entity is not None and id(entity) in core.new:
            core._discard(entity, entity.__dict__[STATE_KEY])


def _describe_key(core: SessionCore, label: str, key: Any) -> str:
    entity = core.identity.get((label, key))
    return _entity_label(entity) if entity is not None else f"{label} {key!r}"


def _changed_watched(core: SessionCore) -> dict[int, Any]:
    """The watched entities whose mutable values or loaded relations changed."""
    return {
        key: entity
        for key, entity in core.watched.items()
        if key not in core.dirty and _watched_changed(entity)
    }


def _cascade(core: SessionCore, watched: dict[int, Any], added: list[Any]) -> None:
    """Add transient entities referenced through relations of staged entities (to ``added``)."""
    # Staged entities are attached already: only those with relations can lead
    # to transient ones. A target attached to this session is staged itself (and
    # so walked from here) or unchanged since loaded (so all its targets are in
    # the graph): only targets added here need walking further.
    queue = [
        entity
        for group in (core.new, core.dirty, watched)
        for entity in group.values()
        if class_plan(type(entity)).has_relations
    ]
    queue.extend(op[3] for op in core.edge_ops)
    queue.extend(op[1] for op in core.edge_ops)
    seen: set[int] = set()
    refused: list[tuple[Any, FieldDescriptor, Any]] = []  # through cascade=False
    while queue:
        entity = queue.pop()
        if id(entity) in seen:
            continue
        seen.add(id(entity))
        state: EntityState | None = entity.__dict__.get(STATE_KEY)
        if state is None or (state.session is None and not state.persistent):
            core.add(entity)
            added.append(entity)
        facts = class_plan(type(entity))
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
        if tstate is None or tstate.session is not core:
            raise FieldValidationError(
                f"{desc.qualname} of {_entity_label(entity)} holds {_entity_label(target)}, "
                "which is not in the session, and the relation is declared cascade=False: "
                f"add it with session.add() first (or declare {desc.qualname} with "
                "cascade=True). Nothing was written."
            )


def _updates(core: SessionCore, watched: dict[int, Any]) -> list[tuple[Any, list[str]]]:
    """Each dirty or changed watched entity (not deleted) with its changed fields."""
    dirty = dict(core.dirty)
    deleted = core.deleted
    for key, entity in watched.items():
        if key not in deleted:
            dirty.setdefault(key, entity)
    return [
        (entity, changed_fields(entity))
        for entity in dirty.values()
        if not entity.__dict__[STATE_KEY].deleted
    ]


def _validate(core: SessionCore, updates: list[tuple[Any, list[str]]]) -> None:
    for entity in core.new.values():
        facts = class_plan(type(entity))
        values = entity.__dict__
        pk = facts.pk
        if pk is not None:
            value = values.get(pk)
            # a key of exactly the declared simple type needs no further check
            if value is not None and type(value) is not facts.pk_type:
                reads.check_pk_type(facts.meta, value)
            changed = values[STATE_KEY].changed
            if changed and pk in changed:  # the key was assigned after add()
                core._rekey(entity, facts.label, value)
        for name in facts.must_have:
            if values.get(name) is None:
                _raise_missing(entity, facts.meta, name)
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
            _raise_pk_changed(entity, pk)


def _raise_missing(entity: Any, meta: NodeMeta, name: str) -> None:
    """Raise for field ``name`` of a pending entity holding ``None``."""
    if name == meta.pk_field_name and not meta.fields[name].generated:
        raise FieldValidationError(
            f"{type(entity).__name__}.{name} is the primary key and has no value; "
            "set it before flushing, or declare it Field(generated=True)"
        )
    raise FieldValidationError(f"{type(entity).__name__}.{name} is required but is None")


def _raise_pk_changed(entity: Any, pk: str) -> None:
    """Raise when the loaded primary key ``pk`` of ``entity`` was given another value."""
    state: EntityState = entity.__dict__[STATE_KEY]
    if pk in state.snapshot:
        raise FieldValidationError(
            f"{type(entity).__name__}.{pk} is the primary key and cannot change "
            f"(from {state.snapshot[pk]!r} to {entity.__dict__[pk]!r}); create a new "
            "entity instead"
        )


def _ref(core: SessionCore, entity: Any, created: _Created) -> Any:
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
    core: SessionCore, updated: list[tuple[Any, list[str]]], pending: dict[type, list[Any]]
) -> tuple[FlushPlan, _Created, list[tuple[Any, list[str]]]]:
    plan = FlushPlan()
    created = _Created()
    for cls, entities in pending.items():
        facts = class_plan(cls)
        group, start = plan.create_rows(
            facts.labels, facts.insert_fields, _insert_rows(facts, entities)
        )
        created.add(facts, group, start, entities)
    for entity in core.deleted.values():
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
            [values[n] for n in names] if plain else [_to_graph(d, values[d.name]) for d in descs],
        )
    # relation attributes of new and changed entities
    with_relations = {
        cls
        for cls in {type(e) for e in core.new.values()}.union(type(e) for e, _ in updated)
        if class_plan(cls).has_relations
    }
    if with_relations:
        for entity in [*core.new.values(), *(e for e, _ in updated)]:
            if type(entity) in with_relations:
                _plan_relations(core, plan, entity, created)
    for kind, source, desc, target, edge in core.edge_ops:
        src = _ref(core, source, created)
        tgt = _ref(core, target, created)
        if kind == "merge":
            # without an edge instance, a new edge gets the edge model's defaults
            edge_fields, edge_values = (
                _edge_values(edge) if edge is not None else default_edge(desc)
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


def _plan_relations(core: SessionCore, plan: FlushPlan, entity: Any, created: _Created) -> None:
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
        src = _ref(core, entity, created)
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
            edge_fields, edge_values = default_edge(desc)
            plan.merge_edges(
                rel,
                direction,
                src,
                [_ref(core, t, created) for t in added_targets],
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
    core: SessionCore,
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
            _apply_created(core, facts, entities, ids)
    record = _record_flush(core, created, deleted, edge_ops) if core.track_flushes else None
    watched = core.watched
    for entity, names in updated:
        values = entity.__dict__
        state = values[STATE_KEY]
        if record is not None:
            record.updated.append(
                (
                    entity,
                    names,
                    state.changed,
                    dict(state.relations) if class_plan(type(entity)).has_relations else None,
                )
            )
        if names:
            state.take_snapshot(values, names)
        state.clear_changed()
        if class_plan(type(entity)).has_relations:
            _snapshot_relations(core, entity, state)
        elif state.mutable:
            watched[id(entity)] = entity
        else:
            watched.pop(id(entity), None)
    for entity in deleted:
        state = entity.__dict__[STATE_KEY]
        core._discard(entity, state)
        state.persistent = False
        state.deleted = True
        state.detached = True
    for _, source, desc, _, _ in core.edge_ops[:edge_ops]:
        # the cached relation is stale now: reload on next access
        source.__dict__.pop(desc.name, None)
        sstate = source.__dict__.get(STATE_KEY)
        if sstate is not None:
            sstate.drop_relation(desc.name)
    del core.edge_ops[:edge_ops]
    if not core.shared_by_tasks:
        # nothing can be staged while a blocking flush runs: it wrote all of them
        core.new.clear()
        core.dirty.clear()
        return
    # only what this flush wrote leaves the pending sets (deleted ones: _discard)
    new, dirty = core.new, core.dirty
    for _, _, _, entities in created.groups:
        for entity in entities:
            new.pop(id(entity), None)
    for entity, _ in updated:
        dirty.pop(id(entity), None)


def _record_flush(
    core: SessionCore, created: _Created, deleted: list[Any], edge_ops: int
) -> _Flushed:
    """Start the record of a flush that succeeded inside the open transaction.

    ``deleted`` and the first ``edge_ops`` relation operations are what this flush
    wrote (tasks sharing an AsyncSession may stage more while it runs).
    """
    record = _Flushed()
    record.created = [entities for _, _, _, entities in created.groups]
    record.deleted = list(deleted)
    record.edge_ops = core.edge_ops[:edge_ops]
    core._flushed.append(record)
    return record


def _apply_created(
    core: SessionCore, facts: ClassPlan, entities: list[Any], ids: Sequence[Any]
) -> None:
    """Record the graph ids and snapshots of newly created entities of one class."""
    meta = facts.meta
    pk = facts.pk
    names = facts.field_names
    generated_key = pk is not None and facts.key_desc is None
    # an instance dict holding exactly the fields and the state (no relations)
    # is copied whole for the snapshot: the cheapest way to take it
    exact = len(names) + 1 if not facts.has_relations else -1
    identity = core.identity
    watched = core.watched
    immutable = IMMUTABLE_TYPES
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
                mutable = [n for n, v in snap.items() if isinstance(v, MUTABLE_TYPES)]
                break
        if mutable or state.mutable:
            state.take_snapshot(values, mutable)
        if facts.has_relations:
            _snapshot_relations(core, entity, state)
        elif state.mutable:
            watched[id(entity)] = entity


def _snapshot_relations(core: SessionCore, entity: Any, state: EntityState) -> None:
    meta = _meta(entity)
    values = entity.__dict__
    for name in meta.relations:
        if name in values:
            state.set_relation(name, tuple(_targets(values[name])))
    state.unmark(meta.relations)
    if state.mutable or state.relations:
        core.watched[id(entity)] = entity
    else:
        core.watched.pop(id(entity), None)


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


class _Created:
    """The entities a flush creates, by class: creation group and first row of each class.

    The per-entity references (:class:`NewRef`) are only needed to wire up
    relations; they are built on first use, so a plain bulk insert never makes them.
    """

    __slots__ = ("_refs", "groups")

    def __init__(self) -> None:
        self.groups: list[tuple[ClassPlan, int, int, list[Any]]] = []
        self._refs: dict[int, NewRef] | None = None

    def __bool__(self) -> bool:
        return bool(self.groups)

    def add(self, facts: ClassPlan, group: int, start: int, entities: list[Any]) -> None:
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


def _insert_rows(facts: ClassPlan, entities: list[Any]) -> list[Sequence[Any]]:
    """The parameter rows creating ``entities`` (all of the class ``facts`` describes).

    Rows of plain fields are the getter's tuples as they are (every driver sends a
    tuple as a list); 100,000 rows as tuples take 3 MiB less than as lists.
    """
    names = facts.insert_names
    if facts.insert_plain:
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


def _edge_values(edge: Any) -> tuple[tuple[FieldDescriptor, ...], list[Any]]:
    if edge is None:
        return (), []
    fields = tuple(type(edge).__runic_meta__.fields.values())
    values = edge.__dict__
    return fields, [_to_graph(d, values.get(d.name)) for d in fields]
