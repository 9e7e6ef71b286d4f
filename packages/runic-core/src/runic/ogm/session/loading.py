"""Loading: the session's reads and the hydration of what they return.

:class:`Loading` holds the read operations of :class:`~runic.ogm.session.core.SessionCore`
(``get``, ``find_all``, relation and eager loading, ``refresh``, raw compiled
statements, hydration of arbitrary values); ``SessionCore`` inherits them. Like
the rest of the core it performs no I/O: each operation is a generator (see
:mod:`runic.ogm.session.ops`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from runic.ogm.core.descriptors import FieldDescriptor, eager_relations_declared
from runic.ogm.core.metadata import NodeMeta, node_meta
from runic.ogm.core.models import Edge, Node
from runic.ogm.core.state import STATE_KEY, EntityState
from runic.ogm.driver.results import GraphEdge, GraphNode, GraphPath, QueryResult
from runic.ogm.exceptions import DetachedEntityError, FieldValidationError, MetadataError
from runic.ogm.session import reads
from runic.ogm.session.classplan import NODE_PLANS, class_plan
from runic.ogm.session.entities import (
    StaleDataError,
    _by_class,
    _entity_label,
    _meta,
    _targets,
)
from runic.ogm.session.gcpause import gc_paused
from runic.ogm.session.hydrate import decode_edge, decode_node
from runic.ogm.session.ops import Op, Statement

if TYPE_CHECKING:
    from runic.ogm.dialect import GraphDialect
    from runic.ogm.session.core import SessionCore

__all__ = ["Loading"]


class Loading:
    """The read operations of a session core (a mixin of ``SessionCore``).

    The helpers shared with the flush are in ``entities`` and ``classplan``.
    """

    # the SessionCore state and methods these operations use
    dialect: GraphDialect
    identity: dict[tuple[Any, ...], Any]
    dirty: dict[int, Any]
    watched: dict[int, Any]
    closed: bool

    if TYPE_CHECKING:

        def check_open(self) -> None: ...

        def _stale_entry(self, held: Any, key: tuple[Any, ...]) -> Any: ...

        def _attached_state(self, entity: Any, action: str) -> EntityState: ...

    def get(self, cls: type[Node], pk: Any, fetch: Sequence[str] | None = None) -> Op[Any]:
        """Identity map first, then one query (with ``fetch`` relations eager-loaded)."""
        if self.closed:
            self.check_open()
        facts = NODE_PLANS.get(cls)
        if facts is None:
            facts = class_plan(node_meta(cls).cls)  # raises for a class that is not a Node
        meta = facts.meta
        if meta.pk_field_name is None:
            raise MetadataError(f"{cls.__name__} has no primary key; use a query instead")
        if pk is None or type(pk) is not facts.pk_type:
            reads.check_pk_type(meta, pk)
        eager = _eager_names(cls)
        held = self.identity.get((meta.primary_label, pk))
        if held is not None and held.__dict__.get(meta.pk_field_name) != pk:
            held = self._stale_entry(held, (meta.primary_label, pk))
        if held is not None and isinstance(held, cls):
            if held.__dict__[STATE_KEY].deleted:
                return None  # staged for deletion in this session
            if (not fetch or all(n in held.__dict__ for n in fetch)) and (
                not eager or all(n in held.__dict__ for n in eager)
            ):
                return held
        stmt, fetched = reads.get_statement(self.dialect, meta, pk, _with_eager(fetch, eager))
        result = yield stmt
        if not result.rows:
            return None
        entities = self._hydrate_fetch(result, cls, fetched)
        if fetched or (entities and type(entities[0]) is not cls):
            # eager relations (of cls, of a subclass, of fetch= targets)
            yield from self._eager_after(entities, fetched)
        return entities[0] if entities else None

    def find_all(
        self,
        cls: type[Node],
        *,
        fetch: Sequence[str] | None = None,
        skip: int = 0,
        limit: int | None = None,
        ids: Sequence[Any] | None = None,
    ) -> Op[list[Any]]:
        """All entities of ``cls`` (optionally by primary keys), paginated, eager-loaded."""
        self.check_open()
        meta = node_meta(cls)
        stmt, fetched = reads.find_all_statement(
            self.dialect,
            meta,
            _with_eager(fetch, _eager_names(meta.cls)),
            skip=skip,
            limit=limit,
            ids=ids,
        )
        result = yield stmt
        entities = self._hydrate_fetch(result, cls, fetched)
        yield from self._eager_after(entities, fetched)
        return entities

    def _hydrate_fetch(
        self, result: QueryResult, cls: type[Node], fetched: Sequence[FieldDescriptor]
    ) -> list[Any]:
        core: SessionCore = self  # type: ignore[assignment]  # what hydration takes
        rows = result.rows
        if len(rows) == 1 and not fetched:  # a get(): no bulk work to pause the collector for
            return [decode_node(core, rows[0][0], cls)]
        out = []
        with gc_paused(len(rows) * (1 + len(fetched))):
            for row in rows:
                entity = decode_node(core, row[0], cls)
                for desc, nodes in zip(fetched, row[1:], strict=True):
                    self._set_relation(entity, desc, nodes)
                out.append(entity)
        return out

    def _set_relation(self, entity: Any, desc: FieldDescriptor, nodes: Sequence[Any]) -> None:
        core: SessionCore = self  # type: ignore[assignment]  # what hydration takes
        target_cls = desc.resolve_target()
        targets = [decode_node(core, n, target_cls) for n in nodes if n is not None]
        if desc.direction == "BOTH" and len(targets) > 1:
            # edges both ways (or a loop, matched from either end) give a target twice
            targets = list({id(t): t for t in targets}.values())
        values = entity.__dict__
        state: EntityState = values[STATE_KEY]
        if desc.name in state.changed:
            return  # keep the user's unflushed assignment
        value: Any = targets if desc.many else (targets[0] if targets else None)
        values[desc.name] = value
        state.set_relation(desc.name, tuple(targets))
        self.watched[id(entity)] = entity

    def load_relation(self, entities: Sequence[Any], name: str) -> Op[None]:
        """Load relation ``name`` of every entity in one query (and the targets' eager ones)."""
        self.check_open()
        if not entities:
            return None
        cls = type(entities[0])
        meta = node_meta(cls)
        desc = meta.relations.get(name)
        if desc is None:
            raise FieldValidationError(
                f"{cls.__name__} has no relation {name!r}; its relations are: "
                f"{', '.join(meta.relations) or '(none)'}"
            )
        yield from self._load_relation(entities, desc)
        yield from self._eager_after((), [desc], entities)
        return None

    def _load_relation(self, entities: Sequence[Any], desc: FieldDescriptor) -> Op[None]:
        """One statement loading relation ``desc`` of ``entities``."""
        cls, name = type(entities[0]), desc.name
        by_id: dict[Any, list[Any]] = {}
        for entity in entities:
            state = entity.__dict__.get(STATE_KEY)
            if state is None or state.session is not self:
                raise DetachedEntityError(
                    f"cannot load {cls.__name__}.{name}: the entity is not attached to this session"
                )
            if state.graph_id is None:
                entity.__dict__.setdefault(name, [] if desc.many else None)
                continue
            by_id.setdefault(state.graph_id, []).append(entity)
        if not by_id:
            return None
        stmt = reads.relation_statement(self.dialect, desc, list(by_id))
        result = yield stmt
        for graph_id, nodes in result.rows:
            for entity in by_id.get(graph_id, ()):
                self._set_relation(entity, desc, nodes)
        return None

    # -- eager (lazy=False) relations ---------------------------------------------------

    def _eager_after(
        self,
        entities: Sequence[Any],
        fetched: Sequence[FieldDescriptor],
        sources: Sequence[Any] | None = None,
    ) -> Op[None]:
        """:meth:`load_eager` for what a read returned: ``entities`` and the targets of
        their ``fetched`` relations (of ``sources`` when given); the targets of eager
        relations are the next level of :meth:`load_eager` itself."""
        if not eager_relations_declared():
            return None  # no model has a lazy=False relation: nothing to walk
        level = list(entities)
        for desc in fetched:
            if not desc.lazy and sources is None:
                continue
            for entity in entities if sources is None else sources:
                level.extend(_targets(entity.__dict__.get(desc.name)))
        yield from self.load_eager(level)

    def load_eager(self, entities: Iterable[Any]) -> Op[None]:
        """Load the ``lazy=False`` relations of ``entities`` and of the nodes they reach.

        One statement per relation, whatever the number of entities: the
        entities are taken level by level, and each ``lazy=False`` relation is
        followed once per read (so cycles such as A to B to A, and
        self-references, stop at a relation already followed). A relation
        already loaded on an entity is not loaded again.
        """
        if not eager_relations_declared():
            return None
        items = entities if isinstance(entities, list) else list(entities)
        classes = {cls for cls in set(map(type, items)) if _eager_relations(cls)}
        if not classes:
            return None  # the common case: one set of the classes, no statement
        level = list({id(e): e for e in items if type(e) in classes}.values())
        used: set[FieldDescriptor] = set()
        while level:
            follow: dict[FieldDescriptor, list[Any]] = {}
            for cls, group in _by_class(level).items():
                for desc in _eager_relations(cls):
                    if desc not in used:
                        follow.setdefault(desc, []).extend(group)
            if not follow:
                break
            used.update(follow)
            for desc, group in follow.items():
                missing = [e for e in group if desc.name not in e.__dict__]
                if missing:
                    yield from self._load_relation(missing, desc)
            reached = {
                id(target): target
                for desc, group in follow.items()
                for entity in group
                for target in _targets(entity.__dict__.get(desc.name))
                if _eager_relations(type(target))
            }
            level = list(reached.values())
        return None

    def refresh(self, entity: Any) -> Op[None]:
        """Re-read every field of ``entity`` from the graph."""
        core: SessionCore = self  # type: ignore[assignment]  # what hydration takes
        state, node = yield from self._read_back(entity, "refresh")
        meta = _meta(entity)
        values = entity.__dict__
        for name in meta.relations:
            values.pop(name, None)
        state.clear_relations()
        for name in meta.fields:
            values.pop(name, None)
        state.clear_snapshot()
        state.clear_changed()
        self.dirty.pop(id(entity), None)
        decode_node(core, node, type(entity))
        yield from self.load_eager([entity])  # its lazy=False relations, read again
        return None

    def load_expired(self, entity: Any) -> Op[None]:
        """Fill the expired fields of ``entity`` from the graph; the others are kept."""
        core: SessionCore = self  # type: ignore[assignment]  # what hydration takes
        _, node = yield from self._read_back(entity, "load")
        decode_node(core, node, type(entity))
        return None

    def _read_back(self, entity: Any, action: str) -> Op[tuple[EntityState, GraphNode]]:
        """Read the node of the flushed ``entity`` by its graph id (for ``action``)."""
        state = self._attached_state(entity, action)
        if not state.persistent or state.graph_id is None:
            raise DetachedEntityError(f"cannot {action} {_entity_label(entity)}: it is not flushed")
        result = yield reads.by_ids_statement(self.dialect, [state.graph_id])
        if not result.rows:
            raise StaleDataError(f"{_entity_label(entity)} is no longer in the graph")
        node: GraphNode = result.rows[0][0]
        return state, node

    def run_compiled(self, stmt: Statement) -> Op[QueryResult]:
        """Execute one already-compiled statement and return its raw result."""
        self.check_open()
        result = yield stmt
        return result

    # -- hydration of arbitrary results ---------------------------------------------

    def hydrate_value(self, value: Any, expected: type | None = None) -> Any:
        """Decode nodes/edges/paths inside any value (lists and maps included)."""
        core: SessionCore = self  # type: ignore[assignment]  # what hydration takes
        if isinstance(value, GraphNode):
            node_cls = (
                expected if isinstance(expected, type) and issubclass(expected, Node) else None
            )
            return decode_node(core, value, node_cls)
        if isinstance(value, GraphEdge):
            edge_cls = (
                expected if isinstance(expected, type) and issubclass(expected, Edge) else None
            )
            return decode_edge(value, edge_cls)
        if isinstance(value, GraphPath):
            return GraphPath(
                tuple(self.hydrate_value(n) for n in value.nodes),
                tuple(self.hydrate_value(e) for e in value.edges),
            )
        if isinstance(value, list):
            return [self.hydrate_value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.hydrate_value(v) for k, v in value.items()}
        return value


# -- lazy=False relations ----------------------------------------------------------------


def _eager_relations(cls: type) -> tuple[FieldDescriptor, ...]:
    """The ``lazy=False`` relations of ``cls`` (none for anything but a Node class)."""
    plan = NODE_PLANS.get(cls)
    if plan is None:
        if not isinstance(getattr(cls, "__runic_meta__", None), NodeMeta):
            return ()
        plan = class_plan(cls)
    return plan.eager


def _eager_names(cls: type) -> tuple[str, ...]:
    """The names of the ``lazy=False`` relations of ``cls``."""
    plan = NODE_PLANS.get(cls)
    return plan.eager_names if plan is not None else tuple(d.name for d in _eager_relations(cls))


def _with_eager(fetch: Sequence[str] | None, eager: tuple[str, ...]) -> Sequence[str]:
    """``fetch`` plus the ``lazy=False`` relations (loaded in the same statement)."""
    if not eager:
        return fetch or ()
    names = list(fetch or ())
    return names + [n for n in eager if n not in names]
