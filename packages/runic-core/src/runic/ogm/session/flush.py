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

Edges of ``direction="BOTH"`` relations are created ``owner -> target`` (no
backend stores undirected edges) and found, merged and deleted in either
direction; one pair staged from both ends is one edge.

Dialect hooks adapt the text to a backend: ``render_labels`` /
``render_create_labels`` (label emulation), ``render_id_list`` (``None``: the
ids are collected next to the nodes), ``flush_variable`` (per-part variable
names), ``render_set`` (updating existing entities), ``render_edge_match``
(finding edges to delete) and ``render_merge_parts`` (merging edges between
existing nodes).

The key guard (:meth:`FlushPlan.guard`): the primary keys of the creations are
checked by the statement itself, in a leading part (``render_key_guard``) that
yields no row when a node already has one of them, so the statement writes
nothing and returns no row; the session then finds which keys, for the
``DuplicateEntityError``. On a backend that runs one write statement at a time
(FalkorDB) the check and the insert are thus atomic. A flush with parts before
the creations runs them after the guard in a subquery where the dialect can
(``render_guarded``; FalkorDB's ``CALL {}``); otherwise the statement carries no
guard (``FlushPlan.guarded`` stays ``False``) and the session checks the keys
with a separate read first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from runic.ogm.dialect import RelPattern
from runic.ogm.identifiers import escape
from runic.ogm.session.ops import Statement

if TYPE_CHECKING:
    from runic.ogm.core.descriptors import FieldDescriptor
    from runic.ogm.dialect import GraphDialect

__all__ = ["FlushPlan", "NewRef", "Ref", "render_flush"]


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
        #: set by :func:`render_flush`: the statement checks the keys itself (see there)
        self.guarded = False

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
            fresh = False  # created only where no edge exists either way (see render_flush)
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


def _written(direction: str) -> str:
    """The direction an edge is created in: a ``BOTH`` relation's goes owner -> target."""
    return "OUTGOING" if direction == "BOTH" else direction


def _value_expr(dialect: GraphDialect, desc: FieldDescriptor, ref: str) -> str:
    fn = desc.converter.cypher_fn if desc.converter is not None else None
    if fn is None and desc.interned:
        fn = "intern"
    if fn is None:
        return ref
    wrapped = dialect.wrap_param(fn, ref, desc.qualname)
    if wrapped == ref:
        return ref
    return f"CASE WHEN {ref} IS NULL THEN null ELSE {wrapped} END"


def _set_items(
    dialect: GraphDialect, fields: Sequence[FieldDescriptor], offset: int
) -> list[tuple[str, str]]:
    return [
        (escape(desc.graph_name), _value_expr(dialect, desc, f"row[{i + offset}]"))
        for i, desc in enumerate(fields)
    ]


def _set_clause(
    dialect: GraphDialect, var: str, fields: Sequence[FieldDescriptor], offset: int
) -> str:
    items = _set_items(dialect, fields, offset)
    return ", ".join(f"{var}.{prop} = {value}" for prop, value in items)


def render_flush(plan: FlushPlan, dialect: GraphDialect) -> Statement:
    """Render the whole plan as one statement (see the module docstring)."""
    nid = dialect.node_id_expr
    params: dict[str, Any] = {}
    parts: list[str] = []

    def param(rows: Any) -> str:
        name = f"w{len(params)}"
        params[name] = rows
        return name

    part = 0

    def names(*wanted: str) -> list[str]:
        # The dialect may rename a part's variables (AGE cannot declare one twice).
        nonlocal part
        part += 1
        return [dialect.flush_variable(name, part - 1) for name in wanted]

    for clear in plan.edge_clears.values():
        p = param(clear.rows)
        a, r, b = names("a", "r", "b")
        pattern = _pattern(
            a,
            clear.direction,
            f"{r}:{escape(clear.rel_type)}",
            f"{b}{dialect.render_labels((clear.target_label,))}",
        )
        match = dialect.render_edge_match(pattern, f"{nid(a)} = row")
        parts.append(f"UNWIND ${p} AS row {match} DELETE {r}")
    # Ids are bound to plain variables (``row[0] AS ka``) before the MATCH that
    # compares them: FalkorDB seeks a node by ``id(n) = ka`` but scans every node
    # for ``id(n) = row[0]``.
    for removal in plan.edge_deletes.values():
        p = param(removal.rows)
        a, r, b, ka, kb = names("a", "r", "b", "ka", "kb")
        pattern = _pattern(a, removal.direction, f"{r}:{escape(removal.rel_type)}", b)
        match = dialect.render_edge_match(pattern, f"{nid(a)} = {ka} AND {nid(b)} = {kb}")
        parts.append(f"UNWIND ${p} AS row WITH row[0] AS {ka}, row[1] AS {kb} {match} DELETE {r}")
    for upd in plan.updates.values():
        p = param(upd.rows)
        n, k = names("n", "k")
        parts.append(
            f"UNWIND ${p} AS row WITH row, row[0] AS {k} MATCH ({n}) WHERE {nid(n)} = {k} "
            + dialect.render_set(n, _set_items(dialect, upd.fields, 1), "row")
        )
    for edge in plan.edge_merges.values():
        if edge.src_new is not None or edge.tgt_new is not None:
            continue
        p = param(edge.rows)
        if edge.fresh:  # the edges were all removed above: CREATE, no MERGE check
            a, r, b, ka, kb = names("a", "r", "b", "ka", "kb")
            pattern = _pattern(a, _written(edge.direction), f"{r}:{escape(edge.rel_type)}", b)
            text = (
                f"UNWIND ${p} AS row WITH row, row[0] AS {ka} MATCH ({a}) WHERE {nid(a)} = {ka} "
                f"WITH row, {a}, row[1] AS {kb} MATCH ({b}) WHERE {nid(b)} = {kb} "
                f"CREATE {pattern}"
            )
            if edge.edge_fields:
                text += f" SET {_set_clause(dialect, r, edge.edge_fields, 2)}"
            parts.append(text)
            continue
        a, r, b = names("a", "r", "b")
        parts.extend(
            dialect.render_merge_parts(
                f"${p}",
                RelPattern(a, edge.rel_type, edge.direction, b),
                r,
                _set_items(dialect, edge.edge_fields, 2),
                only_on_create=edge.only_on_create,
            )
        )
    deletes: str | None = None
    if plan.node_deletes:
        p = deletes = param(plan.node_deletes)
        (n,) = names("n")
        parts.append(f"UNWIND ${p} AS i MATCH ({n}) WHERE {nid(n)} = i DETACH DELETE {n}")

    # The key guard: a leading part yielding no row when a key exists, so nothing runs.
    guard: str | None = None
    guard_params: dict[str, Any] = {}
    if plan.key_guards and plan.creates:
        checks = []
        for index, ((label, prop), keys) in enumerate(plan.key_guards.items()):
            guard_params[f"g{index}"] = keys
            checks.append((label, escape(prop), f"$g{index}"))
        guard = dialect.render_key_guard(
            checks, _GUARD, f"${deletes}" if deletes is not None else None
        )

    # Creations and the edges that touch new nodes carry the created lists (and,
    # without list comprehensions, the lists of their ids).
    # Without earlier parts the guard leads the creations, its variable carried along
    # (a grouping key: no row from the guard, no row after it); with earlier parts
    # (whose joins make a row from nothing) the dialect may run them in a subquery.
    carried: list[str] = [_GUARD] if guard is not None and not parts else []
    id_lists: list[str] = []
    tail: list[str] = []
    for index, create in enumerate(plan.creates.values()):
        p = param(create.rows)
        (n,) = names("n")
        create_clause = dialect.render_create(
            n, create.labels, _set_items(dialect, create.fields, 0)
        )
        text = f"UNWIND ${p} AS row {create_clause}"
        keep = "".join(f"{c}, " for c in carried)
        text += f" WITH {keep}collect({n}) AS _n{index}"
        carried.append(f"_n{index}")
        id_list = dialect.render_id_list(f"_n{index}")
        if id_list is None:
            text += f", collect({nid(n)}) AS _i{index}"
            carried.append(f"_i{index}")
            id_list = f"_i{index}"
        id_lists.append(f"{id_list} AS i{index}")
        tail.append(text)
    for edge in plan.edge_merges.values():
        if edge.src_new is None and edge.tgt_new is None:
            continue
        p = param(edge.rows)
        a, r, b, ka, kb = names("a", "r", "b", "ka", "kb")
        keep = "".join(f"{c}, " for c in carried)
        text = f"UNWIND ${p} AS row"
        if edge.src_new is not None:
            text += f" WITH {keep}row, _n{edge.src_new}[row[0]] AS {a}"
        else:
            text += f" WITH {keep}row, row[0] AS {ka} MATCH ({a}) WHERE {nid(a)} = {ka}"
        if edge.tgt_new is not None:
            text += f" WITH {keep}row, {a}, _n{edge.tgt_new}[row[1]] AS {b}"
        else:
            text += f" WITH {keep}row, {a}, row[1] AS {kb} MATCH ({b}) WHERE {nid(b)} = {kb}"
        # one end is new, so no edge can exist yet: CREATE (a BOTH relation's goes a -> b)
        pattern = _pattern(a, _written(edge.direction), f"{r}:{escape(edge.rel_type)}", b)
        text += f" CREATE {pattern}"
        if edge.edge_fields:
            text += f" SET {_set_clause(dialect, r, edge.edge_fields, 2)}"
        text += f" WITH {keep}count(*) AS _c"
        tail.append(text)

    columns: tuple[str, ...] = ()
    if tail:
        columns = tuple(f"i{index}" for index in range(len(plan.creates)))
        tail_text = " ".join(tail) + f" RETURN {', '.join(id_lists)}"
        cypher = " WITH count(*) AS _c ".join([*parts, tail_text]) if parts else tail_text
        if guard is not None:
            guarded = (
                f"{guard} {cypher}" if not parts else dialect.render_guarded(guard, cypher, columns)
            )
            if guarded is not None:
                cypher = guarded
                params.update(guard_params)
                plan.guarded = True
    else:
        cypher = " WITH count(*) AS _c ".join(parts)
    return Statement(cypher, params, columns, write=True)


_GUARD = "_dup"
