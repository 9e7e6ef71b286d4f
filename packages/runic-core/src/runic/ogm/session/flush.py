"""Flush planning: turn the unit of work into one batched write statement.

Pure code, no I/O. Changes of the same shape (same class and changed keys, same
relationship type and endpoint kinds) share one ``UNWIND $rows AS row ...``
part, so the statement count does not grow with the number of entities. The
parts are chained into ONE statement, which every backend runs atomically: on
FalkorDB (no multi-statement transactions) a failing flush writes nothing.

Part order: relationship removals, property updates, relationship merges
between existing nodes, node deletions, node creations, relationships touching
new nodes. Parts before the creations are joined with ``WITH count(*) AS _c``
(an aggregate without grouping keys always yields one row, so an empty match
never stops the chain). Creations collect their nodes into lists (``_n0``,
``_n1`` ...) that later parts index, and the statement returns the new nodes'
ids so the session can record them (and fill ``generated=True`` keys).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from runic.ogm.identifiers import escape
from runic.ogm.session.ops import Statement

if TYPE_CHECKING:
    from runic.ogm.core.descriptors import FieldDescriptor
    from runic.ogm.dialect import GraphDialect

__all__ = ["FlushPlan", "NewRef", "Ref", "render_flush"]


@dataclass(frozen=True, slots=True)
class NewRef:
    """A node created by this flush: row ``index`` of creation group ``group``."""

    group: int
    index: int


Ref = NewRef | Any
"""An endpoint: a :class:`NewRef`, or the backend id of an existing node."""


@dataclass(slots=True)
class _CreateGroup:
    labels: tuple[str, ...]
    fields: tuple[FieldDescriptor, ...]
    rows: list[list[Any]] = field(default_factory=list)


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
    ) -> None:
        """Stage an edge (MERGE between existing nodes, CREATE when one end is new).

        The edge properties are set on every merge, or with ``only_on_create``
        only when the edge did not exist yet (defaults must not overwrite values).
        """
        src_new = src.group if isinstance(src, NewRef) else None
        tgt_new = tgt.group if isinstance(tgt, NewRef) else None
        key = (rel_type, direction, edge_fields, src_new, tgt_new, only_on_create)
        group = self.edge_merges.get(key)
        if group is None:
            group = self.edge_merges[key] = _EdgeGroup(
                rel_type, direction, edge_fields, src_new, tgt_new, only_on_create
            )
        s = src.index if isinstance(src, NewRef) else src
        t = tgt.index if isinstance(tgt, NewRef) else tgt
        group.rows.append([s, t, *edge_values])

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


# -- rendering --------------------------------------------------------------------------


def _arrow(direction: str, rel: str) -> tuple[str, str]:
    if direction == "OUTGOING":
        return "-", f"-[{rel}]->"
    if direction == "INCOMING":
        return "<-", f"<-[{rel}]-"
    return "-", f"-[{rel}]-"


def _pattern(a: str, direction: str, rel: str, b: str) -> str:
    _, arrow = _arrow(direction, rel)
    return f"({a}){arrow}({b})"


def _value_expr(dialect: GraphDialect, desc: FieldDescriptor, ref: str) -> str:
    fn = desc.converter.cypher_fn if desc.converter is not None else None
    if fn is None and desc.interned:
        fn = "intern"
    if fn is None:
        return ref
    wrapped = dialect.wrap_param(fn, ref)
    if wrapped == ref:
        return ref
    return f"CASE WHEN {ref} IS NULL THEN null ELSE {wrapped} END"


def _set_clause(
    dialect: GraphDialect, var: str, fields: Sequence[FieldDescriptor], offset: int
) -> str:
    return ", ".join(
        f"{var}.{escape(desc.name)} = {_value_expr(dialect, desc, f'row[{i + offset}]')}"
        for i, desc in enumerate(fields)
    )


def render_flush(plan: FlushPlan, dialect: GraphDialect) -> Statement:
    """Render the whole plan as one statement (see the module docstring)."""
    nid = dialect.node_id_expr
    params: dict[str, Any] = {}
    parts: list[str] = []

    def param(rows: Any) -> str:
        name = f"w{len(params)}"
        params[name] = rows
        return name

    for clear in plan.edge_clears.values():
        p = param(clear.rows)
        pattern = _pattern("a", clear.direction, f"r:{escape(clear.rel_type)}",
                           f"b:{escape(clear.target_label)}")
        parts.append(f"UNWIND ${p} AS row MATCH {pattern} WHERE {nid('a')} = row DELETE r")
    for removal in plan.edge_deletes.values():
        p = param(removal.rows)
        pattern = _pattern("a", removal.direction, f"r:{escape(removal.rel_type)}", "b")
        parts.append(
            f"UNWIND ${p} AS row MATCH {pattern} "
            f"WHERE {nid('a')} = row[0] AND {nid('b')} = row[1] DELETE r"
        )
    for upd in plan.updates.values():
        p = param(upd.rows)
        parts.append(
            f"UNWIND ${p} AS row MATCH (n) WHERE {nid('n')} = row[0] "
            f"SET {_set_clause(dialect, 'n', upd.fields, 1)}"
        )
    for edge in plan.edge_merges.values():
        if edge.src_new is not None or edge.tgt_new is not None:
            continue
        p = param(edge.rows)
        pattern = _pattern("a", edge.direction, f"r:{escape(edge.rel_type)}", "b")
        text = (
            f"UNWIND ${p} AS row MATCH (a) WHERE {nid('a')} = row[0] "
            f"MATCH (b) WHERE {nid('b')} = row[1] MERGE {pattern}"
        )
        if edge.edge_fields:
            on_create = " ON CREATE" if edge.only_on_create else ""
            text += f"{on_create} SET {_set_clause(dialect, 'r', edge.edge_fields, 2)}"
        parts.append(text)
    if plan.node_deletes:
        p = param(plan.node_deletes)
        parts.append(f"UNWIND ${p} AS i MATCH (n) WHERE {nid('n')} = i DETACH DELETE n")

    # Creations and the edges that touch new nodes carry the created lists.
    carried: list[str] = []
    tail: list[str] = []
    for index, create in enumerate(plan.creates.values()):
        p = param(create.rows)
        labels = ":".join(escape(label) for label in create.labels)
        text = f"UNWIND ${p} AS row CREATE (n:{labels})"
        if create.fields:
            text += f" SET {_set_clause(dialect, 'n', create.fields, 0)}"
        keep = "".join(f"{c}, " for c in carried)
        text += f" WITH {keep}collect(n) AS _n{index}"
        carried.append(f"_n{index}")
        tail.append(text)
    for edge in plan.edge_merges.values():
        if edge.src_new is None and edge.tgt_new is None:
            continue
        p = param(edge.rows)
        keep = "".join(f"{c}, " for c in carried)
        text = f"UNWIND ${p} AS row"
        if edge.src_new is not None:
            text += f" WITH {keep}row, _n{edge.src_new}[row[0]] AS a"
        else:
            text += f" MATCH (a) WHERE {nid('a')} = row[0]"
        if edge.tgt_new is not None:
            text += f" WITH {keep}row, a, _n{edge.tgt_new}[row[1]] AS b"
        else:
            text += f" MATCH (b) WHERE {nid('b')} = row[1]"
        pattern = _pattern("a", edge.direction, f"r:{escape(edge.rel_type)}", "b")
        text += f" CREATE {pattern}"
        if edge.edge_fields:
            text += f" SET {_set_clause(dialect, 'r', edge.edge_fields, 2)}"
        text += f" WITH {keep}count(*) AS _c"
        tail.append(text)

    columns: tuple[str, ...] = ()
    if tail:
        returns = ", ".join(f"[x IN {c} | {nid('x')}] AS i{c[2:]}" for c in carried)
        columns = tuple(f"i{c[2:]}" for c in carried)
        tail_text = " ".join(tail) + f" RETURN {returns}"
        cypher = " WITH count(*) AS _c ".join([*parts, tail_text]) if parts else tail_text
    else:
        cypher = " WITH count(*) AS _c ".join(parts)
    return Statement(cypher, params, columns, write=True)
