"""Flush planning: turn the unit of work into one batched write statement, as IR.

Pure code, no I/O, no Cypher. Changes of the same shape (same class and changed
keys, same relationship type and endpoint kinds) share one part of the statement
(one list parameter of rows), so the statement count does not grow with the
number of entities. :func:`build_statement` chains the parts into ONE
:class:`~runic.ogm.query.write.WriteQuery`, which the dialect compiles
(``dialect.compile``, cached per shape) and every backend runs atomically: on
FalkorDB (no multi-statement transactions) a failing flush writes nothing.

Part order: relationship removals, property updates, relationship merges
between existing nodes, node deletions, node creations, relationships touching
new nodes. The statement returns the new nodes' ids so the session can record
them (and fill ``generated=True`` keys).

Edges of ``direction="BOTH"`` relations are created ``owner -> target`` (no
backend stores undirected edges) and found, merged and deleted in either
direction; one pair staged from both ends is one edge.

The key guard (:meth:`FlushPlan.guard`): the primary keys of the creations are
checked by the statement itself (a :class:`~runic.ogm.query.write.KeyGuard`),
which then writes nothing and returns no row when a node already has one of
them; the session then finds which keys, for the ``DuplicateEntityError``. On a
backend that runs one write statement at a time (FalkorDB) the check and the
insert are thus atomic. Where the dialect cannot compile the guard into the
statement (``CompiledQuery.guarded`` is ``False``) the session checks the keys
with a separate read first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from runic.ogm.query.write import (
    ById,
    ClearEdges,
    CreateEdge,
    CreateNode,
    DeleteEdge,
    DetachDelete,
    EdgeType,
    Endpoint,
    KeyCheck,
    KeyGuard,
    KeyLock,
    MergeEdge,
    NewNode,
    RowValue,
    SetItem,
    SetProperties,
    WritePart,
    WriteQuery,
)

if TYPE_CHECKING:
    from runic.ogm.core.descriptors import FieldDescriptor

__all__ = ["FlushPlan", "NewRef", "Ref", "build_statement"]


class NewRef(NamedTuple):
    """A node created by this flush: row ``row`` of creation group ``group``."""

    group: int
    row: int


Ref = NewRef | Any
"""An endpoint: a :class:`NewRef`, or the backend id of an existing node."""


@dataclass(slots=True)
class _CreateGroup:
    labels: tuple[str, ...]
    fields: tuple[FieldDescriptor, ...]
    rows: list[Sequence[Any]] = field(default_factory=list)


@dataclass(slots=True)
class _UpdateGroup:
    fields: tuple[FieldDescriptor, ...]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass(slots=True)
class _EdgeGroup:
    rel_type: str
    direction: str
    edge_fields: tuple[FieldDescriptor, ...]
    src_new: int | None
    tgt_new: int | None
    only_on_create: bool = False
    fresh: bool = False
    rows: list[list[Any]] = field(default_factory=list)


@dataclass(slots=True)
class _ClearGroup:
    rel_type: str
    direction: str
    target_label: str
    rows: list[Any] = field(default_factory=list)


class FlushPlan:
    """Accumulates the changes of one flush, grouped by shape."""

    def __init__(self) -> None:
        self.creates: dict[tuple[Any, ...], _CreateGroup] = {}
        self.updates: dict[tuple[Any, ...], _UpdateGroup] = {}
        self.edge_merges: dict[tuple[Any, ...], _EdgeGroup] = {}
        self.edge_deletes: dict[tuple[Any, ...], _EdgeGroup] = {}
        self.edge_clears: dict[tuple[Any, ...], _ClearGroup] = {}
        self.node_deletes: list[Any] = []
        self._group_index: dict[tuple[Any, ...], int] = {}
        # BOTH relations: (type, edge fields, only_on_create, {ends}) -> the staged row
        self._either_way: dict[tuple[Any, ...], list[Any]] = {}
        #: (primary label, key property) -> keys the creations must not find in the graph
        self.key_guards: dict[tuple[str, str], list[Any]] = {}

    def __bool__(self) -> bool:
        return bool(
            self.creates
            or self.updates
            or self.edge_merges
            or self.edge_deletes
            or self.edge_clears
            or self.node_deletes
        )

    # -- adding changes ---------------------------------------------------------------

    def create(
        self, labels: tuple[str, ...], fields: tuple[FieldDescriptor, ...], values: list[Any]
    ) -> NewRef:
        """Stage a node creation; returns the reference later parts use for it."""
        key = (labels, fields)
        group = self.creates.get(key)
        if group is None:
            group = self.creates[key] = _CreateGroup(labels, fields)
            self._group_index[key] = len(self._group_index)
        group.rows.append(values)
        return NewRef(self._group_index[key], len(group.rows) - 1)

    def create_rows(
        self,
        labels: tuple[str, ...],
        fields: tuple[FieldDescriptor, ...],
        rows: list[Sequence[Any]],
    ) -> tuple[int, int]:
        """Stage several creations of one shape; returns (group, index of the first row)."""
        key = (labels, fields)
        group = self.creates.get(key)
        if group is None:
            group = self.creates[key] = _CreateGroup(labels, fields)
            self._group_index[key] = len(self._group_index)
        start = len(group.rows)
        group.rows.extend(rows)
        return self._group_index[key], start

    def guard(self, keys: dict[tuple[str, str], list[Any]]) -> None:
        """Refuse to write anything when a node of the label already has one of the keys.

        ``keys``: the primary keys of the creations, by (primary label, key property).
        """
        for label_prop, values in keys.items():
            self.key_guards.setdefault(label_prop, []).extend(values)

    def update(self, node_id: Any, fields: tuple[FieldDescriptor, ...], values: list[Any]) -> None:
        """Stage ``SET`` of the given fields on an existing node (``None`` removes)."""
        group = self.updates.get(fields)
        if group is None:
            group = self.updates[fields] = _UpdateGroup(fields)
        group.rows.append([node_id, *values])

    def delete_node(self, node_id: Any) -> None:
        """Stage ``DETACH DELETE`` of an existing node."""
        self.node_deletes.append(node_id)

    def merge_edge(
        self,
        rel_type: str,
        direction: str,
        src: Ref,
        tgt: Ref,
        edge_fields: tuple[FieldDescriptor, ...] = (),
        edge_values: Sequence[Any] = (),
        *,
        only_on_create: bool = False,
        fresh: bool = False,
    ) -> None:
        """Stage an edge (MERGE between existing nodes, CREATE when one end is new).

        The edge properties are set on every merge, or with ``only_on_create``
        only when the edge did not exist yet (defaults must not overwrite values).
        ``fresh``: the statement removes every such edge of the source first
        (:meth:`clear_edges`), so the edge is created without the ``MERGE`` check.
        """
        if direction == "BOTH":
            fresh = False  # created only where no edge exists either way (render_merge_either_way)
            if self._staged_either_way(
                rel_type, src, tgt, edge_fields, edge_values, only_on_create
            ):
                return
        src_new = src.group if isinstance(src, NewRef) else None
        tgt_new = tgt.group if isinstance(tgt, NewRef) else None
        key = (rel_type, direction, edge_fields, src_new, tgt_new, only_on_create, fresh)
        group = self.edge_merges.get(key)
        if group is None:
            group = self.edge_merges[key] = _EdgeGroup(
                rel_type, direction, edge_fields, src_new, tgt_new, only_on_create, fresh
            )
        s = src.row if isinstance(src, NewRef) else src
        t = tgt.row if isinstance(tgt, NewRef) else tgt
        row = [s, t, *edge_values]
        group.rows.append(row)
        if direction == "BOTH":
            self._either_way[(rel_type, edge_fields, only_on_create, frozenset((src, tgt)))] = row

    def _staged_either_way(
        self,
        rel_type: str,
        src: Ref,
        tgt: Ref,
        edge_fields: tuple[FieldDescriptor, ...],
        edge_values: Sequence[Any],
        only_on_create: bool,
    ) -> bool:
        """True when an edge of a ``BOTH`` relation between the two ends is staged.

        Its properties become ``edge_values`` (the last staging wins, as for
        ``MERGE``); one edge, whichever end assigned or related it first.
        """
        row = self._either_way.get((rel_type, edge_fields, only_on_create, frozenset((src, tgt))))
        if row is None:
            return False
        row[2:] = edge_values
        return True

    def merge_edges(
        self,
        rel_type: str,
        direction: str,
        src: Ref,
        targets: Sequence[Ref],
        edge_fields: tuple[FieldDescriptor, ...] = (),
        edge_values: Sequence[Any] = (),
        *,
        fresh: bool = False,
    ) -> None:
        """:meth:`merge_edge` from one source to several targets (one group look-up)."""
        if direction == "BOTH":
            for tgt in targets:
                self.merge_edge(rel_type, direction, src, tgt, edge_fields, edge_values)
            return
        src_new = src.group if isinstance(src, NewRef) else None
        s = src.row if isinstance(src, NewRef) else src
        groups: dict[int | None, list[list[Any]]] = {}
        for tgt in targets:
            tgt_new, t = (tgt.group, tgt.row) if isinstance(tgt, NewRef) else (None, tgt)
            rows = groups.get(tgt_new)
            if rows is None:
                key = (rel_type, direction, edge_fields, src_new, tgt_new, False, fresh)
                group = self.edge_merges.get(key)
                if group is None:
                    group = self.edge_merges[key] = _EdgeGroup(
                        rel_type, direction, edge_fields, src_new, tgt_new, False, fresh
                    )
                rows = groups[tgt_new] = group.rows
            rows.append([s, t, *edge_values])

    def delete_edge(self, rel_type: str, direction: str, src_id: Any, tgt_id: Any) -> None:
        """Stage removal of the edges of one type between two existing nodes."""
        key = (rel_type, direction)
        group = self.edge_deletes.get(key)
        if group is None:
            group = self.edge_deletes[key] = _EdgeGroup(rel_type, direction, (), None, None)
        group.rows.append([src_id, tgt_id])

    def clear_edges(self, rel_type: str, direction: str, target_label: str, src_id: Any) -> None:
        """Stage removal of every edge of one relation from an existing node."""
        key = (rel_type, direction, target_label)
        group = self.edge_clears.get(key)
        if group is None:
            group = self.edge_clears[key] = _ClearGroup(rel_type, direction, target_label)
        group.rows.append(src_id)


# -- the statement ----------------------------------------------------------------------

_ITEMS: dict[tuple[tuple[FieldDescriptor, ...], int], tuple[SetItem, ...]] = {}


def _items(fields: tuple[FieldDescriptor, ...], offset: int) -> tuple[SetItem, ...]:
    """The IR setting ``fields`` from the row's columns ``offset``, ``offset + 1``, ..."""
    key = (fields, offset)
    items = _ITEMS.get(key)
    if items is None:
        built = []
        for i, desc in enumerate(fields):
            fn = desc.converter.cypher_fn if desc.converter is not None else None
            if fn is None and desc.interned:
                fn = "intern"
            built.append(SetItem(desc.graph_name, RowValue(i + offset, fn, desc.qualname)))
        if len(_ITEMS) >= 4096:  # one entry per changed-field combination: bounded
            _ITEMS.clear()
        items = _ITEMS[key] = tuple(built)
    return items


def _end(new: int | None, index: int) -> Endpoint:
    return ById(index) if new is None else NewNode(new, index)


def build_statement(
    plan: FlushPlan, keys: dict[tuple[str, str], list[Any]] | None = None
) -> WriteQuery:
    """The plan as one :class:`~runic.ogm.query.write.WriteQuery` (see the module docstring).

    ``keys``: the primary keys the creations insert (by primary label and key
    property), locked first where the backend needs it; the guard checks
    :attr:`FlushPlan.key_guards`.
    """
    params: dict[str, Any] = {}

    def param(rows: Any) -> str:
        name = f"w{len(params)}"
        params[name] = rows
        return name

    parts: list[WritePart] = []
    for clear in plan.edge_clears.values():
        edge = EdgeType(clear.rel_type, clear.direction)
        parts.append(ClearEdges(param(clear.rows), edge, clear.target_label))
    for removal in plan.edge_deletes.values():
        edge = EdgeType(removal.rel_type, removal.direction)
        parts.append(DeleteEdge(param(removal.rows), edge))
    for upd in plan.updates.values():
        parts.append(SetProperties(param(upd.rows), _items(upd.fields, 1)))
    for merge in plan.edge_merges.values():
        if merge.src_new is not None or merge.tgt_new is not None:
            continue
        edge = EdgeType(merge.rel_type, merge.direction)
        items = _items(merge.edge_fields, 2)
        if merge.fresh:  # the edges were all removed above: CREATE, no MERGE check
            parts.append(CreateEdge(param(merge.rows), edge, ById(0), ById(1), items))
        else:
            parts.append(MergeEdge(param(merge.rows), edge, items, merge.only_on_create))
    deletes: str | None = None
    if plan.node_deletes:
        deletes = param(plan.node_deletes)
        parts.append(DetachDelete(deletes))
    for create in plan.creates.values():
        parts.append(CreateNode(param(create.rows), create.labels, _items(create.fields, 0)))
    for merge in plan.edge_merges.values():
        if merge.src_new is None and merge.tgt_new is None:
            continue
        edge = EdgeType(merge.rel_type, merge.direction)
        parts.append(
            CreateEdge(
                param(merge.rows),
                edge,
                _end(merge.src_new, 0),
                _end(merge.tgt_new, 1),
                _items(merge.edge_fields, 2),
            )
        )
    guard: KeyGuard | None = None
    guard_params: dict[str, Any] = {}
    if plan.key_guards and plan.creates:
        checks = []
        for index, ((label, prop), values) in enumerate(plan.key_guards.items()):
            guard_params[f"g{index}"] = values
            checks.append(KeyCheck(label, prop, f"g{index}"))
        guard = KeyGuard(tuple(checks), deletes)
    lock = KeyLock(keys) if keys else None
    return WriteQuery(tuple(parts), guard, lock, params, guard_params)
