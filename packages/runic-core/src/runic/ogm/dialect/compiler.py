"""The reference compiler: turn the backend-neutral IR into openCypher text.

:class:`CypherDialect` compiles both sides of the IR: reads
(:class:`~runic.ogm.query.ir.Query`, what ``select()`` builds) and writes
(:class:`~runic.ogm.query.write.WriteQuery`, what the session's flush builds). It
is a visitor: one method per IR node, and a backend subclasses it and overrides
the methods for what differs on that backend:

* ``name``, ``capabilities``, ``param_functions``, ``plain_functions``,
  ``callable_functions``, ``list_comprehensions``, ``edge_match`` -- class
  attributes;
* :meth:`~CypherDialect.wrap_param` -- a converter's ``cypher_fn`` around a value
  (``vecf32($p0)``, ``toUpper($p0)``), or UnsupportedFeatureError where the backend
  cannot call it;
* :meth:`~CypherDialect.node_id_expr` / :meth:`~CypherDialect.edge_id_expr`;
* :meth:`~CypherDialect.quote_identifier`, :meth:`~CypherDialect.render_labels`,
  :meth:`~CypherDialect.render_create_labels` (e.g. label emulation on
  single-label backends);
* reads: :meth:`~CypherDialect.render_fulltext_source` /
  :meth:`~CypherDialect.render_vector_source` (search procedures),
  :meth:`~CypherDialect.render_vector_score`, :meth:`~CypherDialect.render_comparison`,
  :meth:`~CypherDialect.render_return`, :meth:`~CypherDialect.render_skip` /
  :meth:`~CypherDialect.render_limit`;
* writes: :meth:`~CypherDialect.write_variable` (variable names per part),
  :meth:`~CypherDialect.render_set` (``SET`` on existing entities),
  :meth:`~CypherDialect.render_create_node`, :meth:`~CypherDialect.render_merge_edge`
  / :meth:`~CypherDialect.render_merge_either_way`, and the key check:
  :meth:`~CypherDialect.render_key_guard`, :meth:`~CypherDialect.render_guarded`,
  :meth:`~CypherDialect.render_key_lock`;
* :meth:`~CypherDialect.render_arrow` -- the one relationship arrow renderer;
* :meth:`~CypherDialect.finalize` -- post-process a whole read statement.

Dialects are pure: no I/O. A feature the backend lacks raises
:class:`~runic.ogm.exceptions.UnsupportedFeatureError` from :meth:`compile`,
before anything is sent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from runic.ogm.capabilities import Capability
from runic.ogm.dialect.base import CompiledQuery, GraphDialect
from runic.ogm.exceptions import QueryBuildError, UnsupportedFeatureError
from runic.ogm.identifiers import escape
from runic.ogm.query.ir import (
    Aggregate,
    And,
    Clause,
    CompareOp,
    Comparison,
    FulltextSource,
    IdRef,
    MatchId,
    MatchKey,
    MatchNode,
    MatchPath,
    NodePattern,
    Not,
    Or,
    OrderItem,
    Param,
    PathLength,
    Predicate,
    Projection,
    PropRef,
    Query,
    Raw,
    ReturnClause,
    Unwind,
    ValueExpr,
    VarRef,
    VectorSource,
    WithClause,
)
from runic.ogm.query.names import check_alias, raw_column
from runic.ogm.query.write import (
    BulkWrite,
    ClearEdges,
    CreateEdge,
    CreateNode,
    DeleteEdge,
    DetachDelete,
    EdgeType,
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
    from runic.ogm.driver.results import QueryResult
    from runic.ogm.schema.ir import DDL, CreateEntityType, CreateIndex, DropIndex, SchemaOp
    from runic.ogm.schema.specs import IndexSpec

__all__ = [
    "CompiledQuery",
    "CypherDialect",
    "GraphDialect",
    "RenderContext",
    "default_dialect",
]


class RenderContext:
    """Per-compilation state: allocates ``$p0``, ``$p1``, ... in order of appearance."""

    __slots__ = ("dialect", "params")

    def __init__(self, dialect: CypherDialect) -> None:
        self.dialect = dialect
        self.params: dict[str, Any] = {}

    def ref(self, value: Any) -> str:
        """Store ``value`` as the next parameter; return its bare reference."""
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"${name}"

    def named(self, param: Param) -> str:
        """Store ``param`` under its own name when it has one (``$pk``), else as the next."""
        if param.name is None:
            return self.ref(param.value)
        self.params[param.name] = param.value
        return f"${param.name}"

    def param(self, param: Param) -> str:
        """Store a :class:`Param`; return its (possibly wrapped) reference."""
        ref = self.named(param)
        if param.cypher_fn is None:
            return ref
        return self.dialect.wrap_param(param.cypher_fn, ref, param.field)

    def param_list(self, param: Param) -> str:
        """Store a list :class:`Param` whose *elements* need ``cypher_fn`` wrapping."""
        ref = self.named(param)
        if param.cypher_fn is None:
            return ref
        size = len(param.value) if isinstance(param.value, (list, tuple)) else 0
        return self.dialect.wrap_param_list(param.cypher_fn, ref, size, param.field)


_FEATURES: dict[Capability, tuple[str, str]] = {
    Capability.FULLTEXT_SEARCH: (
        "fulltext search",
        "use a backend with fulltext indexes (e.g. FalkorDB) or filter with contains()",
    ),
    Capability.VECTOR_SEARCH: (
        "vector search",
        "use a backend with vector indexes (e.g. FalkorDB)",
    ),
    Capability.MULTI_LABEL: (
        "nodes with several labels",
        "give the model a single label",
    ),
}


class CypherDialect:
    """The openCypher reference dialect; subclass it and override hooks per backend."""

    name: str = "cypher"
    capabilities: frozenset[Capability] = frozenset({Capability.MULTI_LABEL})
    #: runic's value constructors (the built-in converters' ``cypher_fn``) the backend has.
    param_functions: frozenset[str] = frozenset({"point"})
    #: runic's constructors the backend lacks: the value is stored as it is (a vector as
    #: a list of floats, an interned string as a string).
    plain_functions: frozenset[str] = frozenset({"vecf32", "intern"})
    #: Which other functions a converter's ``cypher_fn`` may name: ``None`` for any
    #: valid name (built-in or user-defined: the server resolves it), or the names
    #: (lower case) of the only functions the backend can call.
    callable_functions: frozenset[str] | None = None
    #: The backend has list comprehensions (``[x IN l | id(x)]``); without them a
    #: write statement collects the ids of the nodes it creates next to the nodes,
    #: and an ``in_()`` list through a converter's ``cypher_fn`` is wrapped by index.
    list_comprehensions: bool = True
    #: The clause finding the edges a write statement deletes: ``MATCH``, or
    #: ``OPTIONAL MATCH`` where a ``MATCH`` finding no relationship type would void
    #: the statement's earlier writes (AGE; deleting ``null`` does nothing).
    edge_match: str = "MATCH"
    _write_cache: dict[WriteQuery, tuple[str, tuple[str, ...], bool]]

    def supports(self, capability: Capability) -> bool:
        """True when ``capability`` is in :attr:`capabilities`."""
        return capability in self.capabilities

    # -- entry point ------------------------------------------------------------------

    def compile(self, query: Query | WriteQuery | BulkWrite) -> CompiledQuery:
        """Render ``query`` (a read or a write statement) to text and parameters."""
        if isinstance(query, WriteQuery):
            return self.compile_write(query)
        if isinstance(query, BulkWrite):
            return self.compile_bulk(query)
        self.check(query)
        ctx = RenderContext(self)
        parts = [self.render_clause(clause, ctx) for clause in query.clauses]
        parts.append(self.render_return(query.ret, ctx))
        return self.finalize(
            CompiledQuery(" ".join(parts), ctx.params, query.columns, query.returns)
        )

    def check(self, query: Query) -> None:
        """Raise UnsupportedFeatureError for the first capability the backend lacks."""
        missing = query.required_capabilities() - self.capabilities
        for capability in sorted(missing):
            feature, hint = _FEATURES.get(capability, (str(capability), ""))
            raise UnsupportedFeatureError(self.name, feature, hint or None)

    def finalize(self, compiled: CompiledQuery) -> CompiledQuery:
        """Post-process a rendered statement (identity here)."""
        return compiled

    # -- identifiers and values -------------------------------------------------------

    def quote_identifier(self, name: str) -> str:
        """Validate and backtick-quote a label, relationship type or property name."""
        return escape(name)

    def quote_alias(self, name: str) -> str:
        """Validate a variable name; variables are rendered unquoted."""
        return check_alias(name, internal=True)

    def wrap_param(self, cypher_fn: str | None, ref: str, field: str | None = None) -> str:
        """A value reference written through a converter's ``cypher_fn``.

        ``fn(ref)`` for a constructor in :attr:`param_functions` or any other valid
        name the backend can call (:attr:`callable_functions`); ``ref`` as it is
        for ``None`` and for :attr:`plain_functions`. A name that is not a valid
        (optionally dotted) function name is a QueryBuildError, a function the
        backend cannot call an UnsupportedFeatureError naming ``field``.
        """
        if cypher_fn is None:
            return ref
        if cypher_fn in self.param_functions:
            return f"{cypher_fn}({ref})"
        if cypher_fn in self.plain_functions:
            return ref
        name = check_function_name(cypher_fn, field)
        allowed = self.callable_functions
        if allowed is not None and name.lower() not in allowed:
            raise UnsupportedFeatureError(
                self.name,
                f"the Cypher function {name}() (cypher_fn of the converter of "
                f"{field or 'a field'})",
                f"{self.name} can call only its own functions ({', '.join(sorted(allowed))}); "
                "convert the value in the converter's to_graph() instead, or name one of "
                "those",
            )
        return f"{name}({ref})"

    def wrap_param_list(self, cypher_fn: str, ref: str, size: int, field: str | None = None) -> str:
        """List parameter ``ref`` (``size`` values) with ``cypher_fn`` applied to each.

        ``[__x IN ref | fn(__x)]``; without :attr:`list_comprehensions` each value
        is wrapped by index, ``[fn(ref[0]), fn(ref[1]), ...]`` (so the text
        depends on ``size``). ``ref`` when :meth:`wrap_param` leaves values as is.
        """
        wrapped = self.wrap_param(cypher_fn, "__x", field)
        if wrapped == "__x":
            return ref
        if not self.list_comprehensions:
            items = [self.wrap_param(cypher_fn, f"{ref}[{i}]", field) for i in range(size)]
            return f"[{', '.join(items)}]"
        return f"[__x IN {ref} | {wrapped}]"

    def node_id_expr(self, var: str) -> str:
        """``id(var)``."""
        return f"id({var})"

    def edge_id_expr(self, var: str) -> str:
        """``id(var)``."""
        return f"id({var})"

    # -- patterns ---------------------------------------------------------------------

    def render_labels(self, labels: tuple[str, ...]) -> str:
        """``:`A`:`B``` (the session's read statements use it too)."""
        quote = self.quote_identifier
        return "".join(f":{quote(label)}" for label in labels)

    def render_create_labels(self, labels: tuple[str, ...]) -> str:
        """Labels of a node the flush creates: :meth:`render_labels` here.

        Backends emulating labels (AGE) store the extra labels differently than
        they match them.
        """
        return self.render_labels(labels)

    def render_key_match(self, var: str, labels: tuple[str, ...], prop: str, param: str) -> str:
        """``MATCH (var:Labels) WHERE var.prop = param`` (``prop`` already escaped).

        ``session.get()`` uses it; FalkorDB answers the inline-map form of the same
        match faster.
        """
        return f"MATCH ({var}{self.render_labels(labels)}) WHERE {var}.{prop} = {param}"

    # -- write statements (runic.ogm.query.write) -------------------------------------
    #
    # A WriteQuery is compiled part by part: the parts that create nothing first,
    # joined by ``WITH count(*) AS _c`` (an aggregate without grouping keys always
    # yields one row, so an empty match never stops the chain), then the creations,
    # which collect their nodes into lists (``_n0``, ``_n1`` ...) that the edges to
    # new nodes index, and the ``RETURN`` of the new ids. Variables are named by
    # :meth:`write_variable`; ids of existing nodes are bound to plain variables
    # (``row[0] AS ka``) before the MATCH that compares them: FalkorDB seeks a node
    # by ``id(n) = ka`` but scans every node for ``id(n) = row[0]``.

    def compile_write(self, query: WriteQuery) -> CompiledQuery:
        """Compile a write statement; the text is cached per shape (rows are parameters)."""
        try:
            cache = self._write_cache
        except AttributeError:
            cache = self._write_cache = {}
        shape = cache.get(query)
        if shape is None:
            if len(cache) >= _WRITE_CACHE_SIZE:
                cache.clear()
            shape = self.render_write(query)
            # the key must not keep this statement's rows (or lock keys) alive: equal
            # by shape, a copy without values stands for it
            no_keys = None if query.lock is None else KeyLock({})
            cache[WriteQuery(query.parts, query.guard, no_keys)] = shape
        cypher, columns, guarded = shape
        params = {**query.params, **query.guard_params} if guarded else query.params
        before: tuple[CompiledQuery, ...] = ()
        if query.lock is not None:
            lock = self.render_key_lock(query.lock)
            if lock is not None:
                before = (lock,)
        return CompiledQuery(cypher, params, columns, (), guarded=guarded, before=before)

    def render_write(self, query: WriteQuery) -> tuple[str, tuple[str, ...], bool]:
        """``(text, columns, guarded)`` of ``query`` (see :meth:`compile_write`).

        ``guarded``: the text carries the key guard; where it cannot
        (:meth:`render_key_guard` or :meth:`render_guarded` give ``None``) the
        caller checks the keys in a separate statement first.
        """
        head: list[str] = []
        tail_parts: list[tuple[int, CreateNode | CreateEdge]] = []
        for number, part in enumerate(query.parts):
            if isinstance(part, CreateNode) or (
                isinstance(part, CreateEdge)
                and (isinstance(part.source, NewNode) or isinstance(part.target, NewNode))
            ):
                tail_parts.append((number, part))
            else:
                head.extend(self.render_write_part(part, number))
        guard = None
        if query.guard is not None and tail_parts:
            guard = self.render_key_guard(query.guard, _GUARD)
        # Without earlier parts the guard leads the creations, its variable carried
        # along (a grouping key: no row from the guard, no row after it); with earlier
        # parts (whose joins make a row from nothing) the dialect may run them in a
        # subquery (render_guarded).
        carried: list[str] = [_GUARD] if guard is not None and not head else []
        id_lists: list[str] = []
        tail: list[str] = []
        creates = 0
        for number, part in tail_parts:
            if isinstance(part, CreateEdge):
                tail.append(self.render_create_edge(part, number, carried))
                continue
            index = creates
            creates += 1
            n = self.write_variable("n", number)
            keep = "".join(f"{c}, " for c in carried)
            text = (
                f"UNWIND ${part.rows} AS row {self.render_create_node(part, n)} "
                f"WITH {keep}collect({n}) AS _n{index}"
            )
            carried.append(f"_n{index}")
            if self.list_comprehensions:
                id_list = f"[x IN _n{index} | {self.node_id_expr('x')}]"
            else:  # the ids collected next to the nodes
                text += f", collect({self.node_id_expr(n)}) AS _i{index}"
                carried.append(f"_i{index}")
                id_list = f"_i{index}"
            id_lists.append(f"{id_list} AS i{index}")
            tail.append(text)
        if not tail:
            return " WITH count(*) AS _c ".join(head), (), False
        columns = tuple(f"i{index}" for index in range(creates))
        tail_text = " ".join(tail) + f" RETURN {', '.join(id_lists)}"
        cypher = " WITH count(*) AS _c ".join([*head, tail_text]) if head else tail_text
        if guard is None:
            return cypher, columns, False
        guarded = f"{guard} {cypher}" if not head else self.render_guarded(guard, cypher, columns)
        if guarded is None:
            return cypher, columns, False
        return guarded, columns, True

    def render_write_part(self, part: WritePart, number: int) -> list[str]:
        """The text of part ``number`` of a write statement (a part may take several)."""
        if isinstance(part, ClearEdges):
            return [self.render_clear_edges(part, number)]
        if isinstance(part, DeleteEdge):
            return [self.render_delete_edge(part, number)]
        if isinstance(part, SetProperties):
            return [self.render_set_properties(part, number)]
        if isinstance(part, MergeEdge):
            return self.render_merge_edge(part, number)
        if isinstance(part, CreateEdge):
            return [self.render_create_edge(part, number, None)]
        if isinstance(part, DetachDelete):
            return [self.render_detach_delete(part, number)]
        raise TypeError(f"not a write part here: {part!r}")

    def write_variable(self, name: str, part: int) -> str:
        """The variable ``name`` (``n``, ``a``, ``b``, ``r``, ``ka`` ...) in part ``part``.

        ``name`` here; a backend that cannot declare a variable again in a later
        query part (AGE) makes it unique per part.
        """
        return name

    def render_edge_pattern(self, a: str, var: str, edge: EdgeType, b: str) -> str:
        """``(a)-[var:`T`]->(b)``: a write statement's edge between bound nodes."""
        body = f"[{var}:{self.quote_identifier(edge.rel_type)}]"
        return f"({a}){self.render_arrow(edge.direction, body)}({b})"

    def render_arrow(self, direction: str, body: str) -> str:
        """``-[body]->``, ``<-[body]-`` or ``-[body]-``: the one arrow renderer (reads too)."""
        if direction == "OUTGOING":
            return f"-{body}->"
        if direction == "INCOMING":
            return f"<-{body}-"
        if direction == "BOTH":
            return f"-{body}-"
        raise QueryBuildError(f"unknown relationship direction {direction!r}")

    def render_row_value(self, value: RowValue) -> str:
        """``row[i]``, or ``CASE WHEN row[i] IS NULL THEN null ELSE fn(row[i]) END``."""
        ref = f"row[{value.index}]"
        if value.cypher_fn is None:
            return ref
        wrapped = self.wrap_param(value.cypher_fn, ref, value.field)
        if wrapped == ref:
            return ref
        return f"CASE WHEN {ref} IS NULL THEN null ELSE {wrapped} END"

    def render_set_items(self, var: str, items: Sequence[SetItem]) -> str:
        """``var.p1 = v1, var.p2 = v2`` (a ``null`` value removes the property)."""
        quote = self.quote_identifier
        return ", ".join(
            f"{var}.{quote(item.prop)} = {self.render_row_value(item.value)}" for item in items
        )

    def render_set(self, var: str, items: Sequence[SetItem], carry: str) -> str:
        """``SET var.p1 = v1, ...`` on an entity that already exists.

        ``carry`` names the other variables still needed (``row``), for a backend
        that must split the clause (FalkorDB).
        """
        return f"SET {self.render_set_items(var, items)}"

    def render_clear_edges(self, part: ClearEdges, number: int) -> str:
        """``UNWIND $w AS row MATCH (a)-[r:T]->(b:L) WHERE id(a) = row DELETE r``."""
        a, r, b = (self.write_variable(name, number) for name in ("a", "r", "b"))
        target = f"{b}{self.render_labels((part.target_label,))}"
        pattern = self.render_edge_pattern(a, r, part.edge, target)
        return (
            f"UNWIND ${part.rows} AS row {self.edge_match} {pattern} "
            f"WHERE {self.node_id_expr(a)} = row DELETE {r}"
        )

    def render_delete_edge(self, part: DeleteEdge, number: int) -> str:
        """``UNWIND $w AS row WITH row[0] AS ka, row[1] AS kb MATCH (a)-[r:T]->(b) ...``."""
        a, r, b, ka, kb = (self.write_variable(name, number) for name in _EDGE_VARS)
        nid = self.node_id_expr
        pattern = self.render_edge_pattern(a, r, part.edge, b)
        return (
            f"UNWIND ${part.rows} AS row WITH row[0] AS {ka}, row[1] AS {kb} "
            f"{self.edge_match} {pattern} WHERE {nid(a)} = {ka} AND {nid(b)} = {kb} DELETE {r}"
        )

    def render_set_properties(self, part: SetProperties, number: int) -> str:
        """``UNWIND $w AS row WITH row, row[0] AS k MATCH (n) WHERE id(n) = k SET ...``."""
        n, k = self.write_variable("n", number), self.write_variable("k", number)
        return (
            f"UNWIND ${part.rows} AS row WITH row, row[0] AS {k} "
            f"MATCH ({n}) WHERE {self.node_id_expr(n)} = {k} "
            + self.render_set(n, part.items, "row")
        )

    def render_merge_edge(self, part: MergeEdge, number: int) -> list[str]:
        """``UNWIND $w AS row WITH row, row[0] AS ak, row[1] AS bk MATCH (a) ... MATCH (b)
        ... MERGE (a)-[r:T]->(b) [ON CREATE] SET ...`` (one part here)."""
        a, r, b = (self.write_variable(name, number) for name in ("a", "r", "b"))
        if part.edge.direction == "BOTH":
            return self.render_merge_either_way(part, a, r, b)
        nid = self.node_id_expr
        text = (
            f"UNWIND ${part.rows} AS row WITH row, row[0] AS {a}k, row[1] AS {b}k "
            f"MATCH ({a}) WHERE {nid(a)} = {a}k MATCH ({b}) WHERE {nid(b)} = {b}k "
            f"MERGE {self.render_edge_pattern(a, r, part.edge, b)}"
        )
        if part.items and part.only_on_create:
            text += f" ON CREATE SET {self.render_set_items(r, part.items)}"
        elif part.items:
            text += " " + self.render_set(r, part.items, "row")
        return [text]

    def render_merge_either_way(self, part: MergeEdge, a: str, r: str, b: str) -> list[str]:
        """Merge parts of a ``BOTH`` relation: an edge either way counts as existing.

        No backend creates an undirected edge (``MERGE (a)-[r]-(b)`` is refused or
        picks a direction), so: set the items on the edges found in either
        direction (unless ``only_on_create``), then create ``a -> b`` for the rows
        that have none.
        """
        nid = self.node_id_expr
        ak, bk, old = f"{a}k", f"{b}k", f"{r}o"
        bind = f"UNWIND ${part.rows} AS row WITH row, row[0] AS {ak}, row[1] AS {bk} "
        parts: list[str] = []
        if part.items and not part.only_on_create:
            found = (
                f"{self.edge_match} {self.render_edge_pattern(a, r, part.edge, b)} "
                f"WHERE {nid(a)} = {ak} AND {nid(b)} = {bk}"
            )
            parts.append(f"{bind}{found} {self.render_set(r, part.items, 'row')}")
        text = (
            f"{bind}MATCH ({a}) WHERE {nid(a)} = {ak} MATCH ({b}) WHERE {nid(b)} = {bk} "
            f"OPTIONAL MATCH {self.render_edge_pattern(a, old, part.edge, b)} "
            f"WITH row, {a}, {b}, {old} WHERE {old} IS NULL "
            f"CREATE {self.render_edge_pattern(a, r, part.edge.written(), b)}"
        )
        if part.items:
            text += " " + self.render_set(r, part.items, "row")
        parts.append(text)
        return parts

    def render_create_edge(self, part: CreateEdge, number: int, carried: list[str] | None) -> str:
        """``UNWIND $w AS row WITH row, <source> AS a WITH row, a, <target> AS b CREATE
        (a)-[r:T]->(b) [SET ...]``; an end is ``_n0[row[0]]`` (a new node) or matched by id.

        In the creation tail (``carried``: the created lists) the part ends with
        ``WITH <carried>, count(*) AS _c``.
        """
        a, r, b, ka, kb = (self.write_variable(name, number) for name in _EDGE_VARS)
        nid = self.node_id_expr
        keep = "".join(f"{c}, " for c in carried or ())
        text = f"UNWIND ${part.rows} AS row"
        source, target = part.source, part.target
        if isinstance(source, NewNode):
            text += f" WITH {keep}row, _n{source.group}[row[{source.index}]] AS {a}"
        else:
            text += (
                f" WITH {keep}row, row[{source.index}] AS {ka} MATCH ({a}) WHERE {nid(a)} = {ka}"
            )
        if isinstance(target, NewNode):
            text += f" WITH {keep}row, {a}, _n{target.group}[row[{target.index}]] AS {b}"
        else:
            text += (
                f" WITH {keep}row, {a}, row[{target.index}] AS {kb} "
                f"MATCH ({b}) WHERE {nid(b)} = {kb}"
            )
        text += f" CREATE {self.render_edge_pattern(a, r, part.edge.written(), b)}"
        if part.items:
            text += f" SET {self.render_set_items(r, part.items)}"
        if carried is not None:
            text += f" WITH {keep}count(*) AS _c"
        return text

    def render_detach_delete(self, part: DetachDelete, number: int) -> str:
        """``UNWIND $w AS i MATCH (n) WHERE id(n) = i DETACH DELETE n``."""
        n = self.write_variable("n", number)
        return (
            f"UNWIND ${part.rows} AS i MATCH ({n}) WHERE {self.node_id_expr(n)} = i "
            f"DETACH DELETE {n}"
        )

    def render_create_node(self, part: CreateNode, var: str) -> str:
        """``CREATE (var:Labels) SET var.p1 = v1, ...``: one node per row.

        A ``null`` value leaves the property out. A backend that creates faster
        with an inline property map (AGE) renders that instead.
        """
        text = f"CREATE ({var}{self.render_create_labels(part.labels)})"
        if part.items:
            text += f" SET {self.render_set_items(var, part.items)}"
        return text

    def render_key_guard(self, guard: KeyGuard, var: str) -> str | None:
        """The key guard leading a write: a row with ``var`` = 0 when no key is taken, else none.

        ``OPTIONAL MATCH (_g0:L) WHERE _g0.k IN $g0 WITH count(_g0) AS _h0 ...
        WITH _h0 + ... AS var WHERE var = 0``; nodes whose ids are in
        ``guard.exclude`` do not count. ``None``: the backend checks the keys in a
        separate statement.
        """
        nid = self.node_id_expr
        parts: list[str] = []
        counts: list[str] = []
        for index, check in enumerate(guard.checks):
            node = f"_g{index}"
            where = f"{node}.{self.quote_identifier(check.prop)} IN ${check.keys}"
            if guard.exclude is not None:
                where += f" AND NOT {nid(node)} IN ${guard.exclude}"
            keep = "".join(f"{c}, " for c in counts)
            parts.append(
                f"OPTIONAL MATCH ({node}{self.render_labels((check.label,))}) WHERE {where} "
                f"WITH {keep}count({node}) AS _h{index}"
            )
            counts.append(f"_h{index}")
        return " ".join(parts) + f" WITH {' + '.join(counts)} AS {var} WHERE {var} = 0"

    def render_guarded(self, guard: str, body: str, columns: Sequence[str]) -> str | None:
        """``guard`` then the write ``body`` (returning ``columns``) as a subquery.

        ``None`` here (openCypher has no subqueries): such a write carries no guard
        and the caller checks the keys first. FalkorDB wraps ``body`` in ``CALL {}``.
        """
        return None

    def render_key_lock(self, lock: KeyLock) -> CompiledQuery | None:
        """A statement holding locks on ``lock.keys`` until the transaction ends, sent
        before the write checks them; ``None`` here.

        A backend whose concurrent transactions cannot see each other's uncommitted
        nodes (AGE: PostgreSQL advisory locks) makes a second inserter wait for the
        first to commit, so that its check then sees the node.
        """
        return None

    # -- bulk writes (update(Cls) / delete(Cls)) ---------------------------------------

    def compile_bulk(self, query: BulkWrite) -> CompiledQuery:
        """``MATCH ... WHERE ... SET ... REMOVE ... RETURN count(*) AS rowcount``, or
        ``... DETACH DELETE n RETURN count(*) AS rowcount``; with ``query.ids`` also
        ``collect(<node id>) AS ids`` (taken before the delete)."""
        ctx = RenderContext(self)
        parts = [self.render_clause(clause, ctx) for clause in query.clauses]
        var = self.quote_alias(query.alias)
        ids = ""
        if query.delete:
            if query.ids:
                parts.append(f"WITH {var}, {self.node_id_expr(var)} AS __id")
                ids = ", collect(__id) AS ids"
            parts.append(f"DETACH DELETE {var}")
        else:
            if not query.sets and not query.removes:
                raise QueryBuildError("a bulk update needs at least one value to set or remove")
            sets = [(self.quote_identifier(prop), ctx.param(value)) for prop, value in query.sets]
            removes = [self.quote_identifier(prop) for prop in query.removes]
            parts.append(self.render_bulk_set(var, sets, removes))
            if query.ids:
                ids = f", collect({self.node_id_expr(var)}) AS ids"
        parts.append(f"RETURN count(*) AS rowcount{ids}")
        columns = ("rowcount", "ids") if query.ids else ("rowcount",)
        compiled = CompiledQuery(" ".join(parts), ctx.params, columns, ())
        return self.finalize(compiled)

    def render_bulk_set(
        self, var: str, sets: Sequence[tuple[str, str]], removes: Sequence[str]
    ) -> str:
        """``SET var.a = $p1, var.b = $p2 REMOVE var.c, var.d`` (names already quoted)."""
        clauses = []
        if sets:
            clauses.append("SET " + ", ".join(f"{var}.{prop} = {value}" for prop, value in sets))
        if removes:
            clauses.append("REMOVE " + ", ".join(f"{var}.{prop}" for prop in removes))
        return " ".join(clauses)

    def render_node(self, node: NodePattern, *, labels: bool = True) -> str:
        """``(alias:`Label`)`` (or ``(alias)`` when the variable is already bound)."""
        alias = self.quote_alias(node.alias)
        return f"({alias}{self.render_labels(node.labels)})" if labels else f"({alias})"

    def render_length(self, length: PathLength) -> str:
        """``*min..max`` / ``*min..``."""
        lo, hi = length.min_hops, length.max_hops
        if isinstance(lo, bool) or not isinstance(lo, int) or lo < 0:
            raise QueryBuildError(f"min_hops must be an integer >= 0, got {lo!r}")
        if hi is None:
            return f"*{lo}.."
        if isinstance(hi, bool) or not isinstance(hi, int) or hi < max(lo, 1):
            raise QueryBuildError(f"max_hops must be an integer >= max(min_hops, 1), got {hi!r}")
        return f"*{lo}..{hi}"

    def render_relationship(self, clause: MatchPath) -> str:
        """``-[r:`TYPE`*1..2]->`` for the clause's direction."""
        edge = self.quote_alias(clause.edge_alias) if clause.edge_alias else ""
        length = self.render_length(clause.length) if clause.length is not None else ""
        body = f"[{edge}:{self.quote_identifier(clause.rel_type)}{length}]"
        return self.render_arrow(clause.direction, body)

    # -- clauses ----------------------------------------------------------------------

    def render_clause(self, clause: Clause, ctx: RenderContext) -> str:
        """Render one clause, including its WHERE."""
        if isinstance(clause, MatchNode):
            text = self.render_match_node(clause, ctx)
        elif isinstance(clause, MatchKey):
            return self.render_match_key(clause, ctx)
        elif isinstance(clause, MatchId):
            return self.render_match_id(clause, ctx)
        elif isinstance(clause, Unwind):
            return self.render_unwind(clause, ctx)
        elif isinstance(clause, MatchPath):
            text = self.render_match_path(clause, ctx)
        elif isinstance(clause, WithClause):
            text = self.render_with(clause, ctx)
        elif isinstance(clause, FulltextSource):
            text = self.render_fulltext_source(clause, ctx)
        elif isinstance(clause, VectorSource):
            if clause.where is not None:  # filter first, then the k nearest (exact)
                return self.render_filtered_vector_source(clause, ctx)
            text = self.render_vector_source(clause, ctx)
        else:
            raise TypeError(f"not a query clause: {clause!r}")
        if clause.where is not None:
            text = f"{text} WHERE {self.render_predicate(clause.where, ctx)}"
        return text

    def render_match_node(self, clause: MatchNode, ctx: RenderContext) -> str:
        """``MATCH (n:`Label`)``."""
        keyword = "OPTIONAL MATCH" if clause.optional else "MATCH"
        return f"{keyword} {self.render_node(clause.node)}"

    def render_match_path(self, clause: MatchPath, ctx: RenderContext) -> str:
        """``OPTIONAL MATCH (u)-[:`T`]->(f:`Label`)``."""
        keyword = "OPTIONAL MATCH" if clause.optional else "MATCH"
        source = f"({self.quote_alias(clause.source_alias)})"
        return (
            f"{keyword} {source}{self.render_relationship(clause)}{self.render_node(clause.target)}"
        )

    def render_match_key(self, clause: MatchKey, ctx: RenderContext) -> str:
        """``MATCH (n:`Label`) WHERE n.`key` = $pk`` (through :meth:`render_key_match`)."""
        node = clause.node
        return self.render_key_match(
            self.quote_alias(node.alias),
            node.labels,
            self.quote_identifier(clause.prop),
            ctx.param(clause.value),
        )

    def render_match_id(self, clause: MatchId, ctx: RenderContext) -> str:
        """``MATCH (n:`Label`) WHERE id(n) = $pk`` (or ``= i``, a variable)."""
        value = clause.value
        ref = ctx.param(value) if isinstance(value, Param) else self.render_value(value, ctx)
        var = self.quote_alias(clause.node.alias)
        return f"MATCH {self.render_node(clause.node)} WHERE {self.node_id_expr(var)} = {ref}"

    def render_unwind(self, clause: Unwind, ctx: RenderContext) -> str:
        """``UNWIND $ids AS i``."""
        return f"UNWIND {ctx.param(clause.items)} AS {self.quote_alias(clause.alias)}"

    def render_with(self, clause: WithClause, ctx: RenderContext) -> str:
        """``WITH [DISTINCT] a, b [ORDER BY ...] [SKIP $s] [LIMIT $l]``."""
        items = ", ".join(self.render_projection(p, ctx, in_with=True) for p in clause.items)
        text = f"WITH DISTINCT {items}" if clause.distinct else f"WITH {items}"
        if clause.order_by:
            terms = ", ".join(self.render_order_item(o, ctx, {}) for o in clause.order_by)
            text += f" ORDER BY {terms}"
        if clause.skip is not None:
            text += f" SKIP {ctx.param(clause.skip)}"
        if clause.limit is not None:
            text += f" LIMIT {ctx.param(clause.limit)}"
        return text

    def render_fulltext_source(self, clause: FulltextSource, ctx: RenderContext) -> str:
        """Render a fulltext-index root (``CALL ... YIELD node AS n``); not in openCypher."""
        raise UnsupportedFeatureError(
            self.name, "fulltext search", _FEATURES[Capability.FULLTEXT_SEARCH][1]
        )

    def render_vector_source(self, clause: VectorSource, ctx: RenderContext) -> str:
        """Render a vector-index root; not in openCypher."""
        raise UnsupportedFeatureError(
            self.name, "vector search", _FEATURES[Capability.VECTOR_SEARCH][1]
        )

    def render_filtered_vector_source(self, clause: VectorSource, ctx: RenderContext) -> str:
        """The exact ``k`` nearest of the nodes a filter keeps (the filter runs first).

        ``MATCH (n:L) WHERE <filter> AND n.p IS NOT NULL WITH n, <score> AS s ORDER BY s
        LIMIT k``: a KNN procedure takes its ``k`` before any ``WHERE``, so a filter
        after it could drop every neighbour while ``k`` matching nodes exist. The
        score is :meth:`render_vector_score`; no index is used.
        """
        node = clause.node
        alias = self.quote_alias(node.alias)
        k = clause.k
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise QueryBuildError(f"vector search k must be an integer >= 1, got {k!r}")
        has_vector = Comparison(PropRef(node.alias, clause.prop), CompareOp.IS_NOT_NULL)
        kept = has_vector if clause.where is None else And((clause.where, has_vector))
        where = self.render_predicate(kept, ctx)
        score, direction = self.render_vector_score(clause, ctx)
        name = self.quote_alias(clause.score_alias or "__score")
        order = f"ORDER BY {name} DESC" if direction == "DESC" else f"ORDER BY {name}"
        return (
            f"MATCH {self.render_node(node)} WHERE {where} "
            f"WITH {alias}, {score} AS {name} {order} {self.render_limit(k, ctx)}"
        )

    def render_vector_score(
        self, clause: VectorSource, ctx: RenderContext
    ) -> tuple[str, Literal["ASC", "DESC"]]:
        """The score of node ``clause.node`` against the query vector, and its order.

        Plain openCypher (``reduce`` over the elements), as Neo4j defines the scores,
        higher is nearer (``DESC``): euclidean ``1 / (1 + d^2)``, cosine
        ``(1 + cos) / 2``. Backends with native vector functions override it.
        """
        v = ctx.param(clause.vector)
        p = f"{self.quote_alias(clause.node.alias)}.{self.quote_identifier(clause.prop)}"
        last = f"size({v}) - 1"
        if clause.similarity == "cosine":
            dot = f"reduce(__s = 0.0, __i IN range(0, {last}) | __s + {p}[__i] * {v}[__i])"
            pp = f"reduce(__s = 0.0, __x IN {p} | __s + __x * __x)"
            vv = f"reduce(__s = 0.0, __x IN {v} | __s + __x * __x)"
            return f"(1.0 + {dot} / (sqrt({pp}) * sqrt({vv}))) / 2.0", "DESC"
        d2 = (
            f"reduce(__s = 0.0, __i IN range(0, {last}) | "
            f"__s + ({p}[__i] - {v}[__i]) * ({p}[__i] - {v}[__i]))"
        )
        return f"1.0 / (1.0 + {d2})", "DESC"

    # -- predicates -------------------------------------------------------------------

    def render_predicate(self, pred: Predicate, ctx: RenderContext, nested: bool = False) -> str:
        """Render a predicate tree; nested AND/OR are parenthesised."""
        if isinstance(pred, Comparison):
            return self.render_comparison(pred, ctx)
        if isinstance(pred, Not):
            return f"NOT ({self.render_predicate(pred.item, ctx)})"
        if isinstance(pred, (And, Or)):
            if not pred.items:
                raise QueryBuildError("empty AND/OR predicate")
            joiner = " AND " if isinstance(pred, And) else " OR "
            text = joiner.join(self.render_predicate(p, ctx, nested=True) for p in pred.items)
            return f"({text})" if nested and len(pred.items) > 1 else text
        raise TypeError(f"not a predicate: {pred!r}")

    def render_comparison(self, cmp: Comparison, ctx: RenderContext) -> str:
        """``left OP $pN``."""
        left = self.render_value(cmp.left, ctx)
        op = cmp.op
        if op is CompareOp.IS_NULL or op is CompareOp.IS_NOT_NULL:
            return f"{left} {op.value}"
        if cmp.right is None:
            raise QueryBuildError(f"comparison {op.value} needs a value")
        if op is CompareOp.IN:
            return f"{left} IN {ctx.param_list(cmp.right)}"
        return f"{left} {op.value} {ctx.param(cmp.right)}"

    # -- values and projections -------------------------------------------------------

    def render_value(self, expr: ValueExpr, ctx: RenderContext) -> str:
        """Render a value expression."""
        if isinstance(expr, PropRef):
            return f"{self.quote_alias(expr.alias)}.{self.quote_identifier(expr.prop)}"
        if isinstance(expr, VarRef):
            return self.quote_alias(expr.alias)
        if isinstance(expr, IdRef):
            var = self.quote_alias(expr.alias)
            return self.node_id_expr(var) if expr.kind == "node" else self.edge_id_expr(var)
        if isinstance(expr, Raw):
            return expr.text
        if isinstance(expr, Aggregate):
            if expr.arg is None:
                if expr.func != "count":
                    raise QueryBuildError(f"{expr.func}(*) is not valid Cypher")
                return "count(*)"
            arg = self.render_value(expr.arg, ctx)
            return f"{expr.func}(DISTINCT {arg})" if expr.distinct else f"{expr.func}({arg})"
        raise TypeError(f"not a value expression: {expr!r}")

    def render_projection(self, p: Projection, ctx: RenderContext, *, in_with: bool) -> str:
        """``expr`` or ``expr AS `column```."""
        expr = p.expr
        if isinstance(expr, VarRef) and expr.alias == p.column:
            return self.quote_alias(expr.alias)
        if p.variable:
            return f"{self.render_value(expr, ctx)} AS {self.quote_alias(p.column)}"
        if (
            isinstance(expr, Raw)
            and raw_column(expr.text) == p.column
            and (not in_with or expr.text.strip() != p.column)
        ):
            # Verbatim when the server names it ``column`` (WITH needs an explicit AS).
            return expr.text
        return f"{self.render_value(expr, ctx)} AS {self.quote_identifier(p.column)}"

    def render_return(self, ret: ReturnClause, ctx: RenderContext) -> str:
        """``RETURN ... ORDER BY ... SKIP ... LIMIT ...``."""
        if not ret.items:
            raise QueryBuildError("the statement returns nothing")
        items = ", ".join(self.render_projection(p, ctx, in_with=False) for p in ret.items)
        parts = [f"RETURN DISTINCT {items}" if ret.distinct else f"RETURN {items}"]
        if ret.order_by:
            parts.append(self.render_order_by(ret, ctx))
        if ret.skip is not None:
            parts.append(self.render_skip(ret.skip, ctx))
        if ret.limit is not None:
            parts.append(self.render_limit(ret.limit, ctx))
        return " ".join(parts)

    def render_order_by(self, ret: ReturnClause, ctx: RenderContext) -> str:
        """``ORDER BY a, b DESC``.

        After ``RETURN DISTINCT`` or an aggregation only returned columns may be
        used, so a property that is also projected is ordered by its column.
        """
        projected: dict[Any, str] = {}
        if ret.distinct or any(isinstance(p.expr, Aggregate) for p in ret.items):
            projected = {p.expr: p.column for p in ret.items if isinstance(p.expr, PropRef)}
        terms = []
        for item in ret.order_by:
            terms.append(self.render_order_item(item, ctx, projected))
        return "ORDER BY " + ", ".join(terms)

    def render_order_item(
        self, item: OrderItem, ctx: RenderContext, projected: dict[Any, str]
    ) -> str:
        """One ORDER BY term."""
        column = projected.get(item.expr)
        text = (
            self.quote_identifier(column)
            if column is not None
            else self.render_value(item.expr, ctx)
        )
        return f"{text} DESC" if item.desc else text

    def render_skip(self, skip: int, ctx: RenderContext) -> str:
        """``SKIP n`` (a validated integer literal)."""
        return f"SKIP {_count_literal('skip', skip)}"

    def render_limit(self, limit: int, ctx: RenderContext) -> str:
        """``LIMIT n`` (a validated integer literal)."""
        return f"LIMIT {_count_literal('limit', limit)}"

    # -- schema DDL (runic.ogm.schema.ir) ---------------------------------------------

    def compile_schema(self, op: SchemaOp, *, graph: str = "") -> list[DDL]:
        """The statements that carry out the schema operation ``op`` on this backend.

        ``graph`` is the graph's name, for backends whose DDL names it (FalkorDB's
        constraint commands, AGE's label tables). Backends override
        :meth:`schema_create`, :meth:`schema_drop`, :meth:`schema_list` and
        :meth:`parse_indexes`; the reference raises UnsupportedFeatureError.
        """
        from runic.ogm.schema.ir import (
            CreateEntityType,
            CreateIndex,
            DropIndex,
            IndexStatus,
            ListIndexes,
        )

        if isinstance(op, CreateIndex):
            return self.schema_create(op, graph)
        if isinstance(op, DropIndex):
            return self.schema_drop(op, graph)
        if isinstance(op, ListIndexes):
            return self.schema_list(graph)
        if isinstance(op, IndexStatus):
            return self.schema_status(graph)
        if isinstance(op, CreateEntityType):
            return self.schema_entity_type(op, graph)
        raise QueryBuildError(f"not a schema operation: {op!r}")

    def schema_create(self, op: CreateIndex, graph: str) -> list[DDL]:
        """DDL creating ``op.spec``."""
        raise UnsupportedFeatureError(self.name, f"creating a {op.spec.index_type} index")

    def schema_drop(self, op: DropIndex, graph: str) -> list[DDL]:
        """DDL dropping ``op.spec``."""
        raise UnsupportedFeatureError(self.name, f"dropping a {op.spec.index_type} index")

    def schema_list(self, graph: str) -> list[DDL]:
        """Statements reading the live indexes (parsed by :meth:`parse_indexes`)."""
        raise UnsupportedFeatureError(self.name, "listing indexes")

    def schema_status(self, graph: str) -> list[DDL]:
        """Statements whose result rows name indexes still being built (none by default)."""
        return []

    def schema_entity_type(self, op: CreateEntityType, graph: str) -> list[DDL]:
        """DDL creating a vertex/edge type; nothing on schemaless backends."""
        return []

    def parse_indexes(self, results: Sequence[QueryResult]) -> list[IndexSpec]:
        """The specs in the results of :meth:`schema_list`'s statements, in order."""
        raise UnsupportedFeatureError(self.name, "listing indexes")

    def indexes_pending(self, results: Sequence[QueryResult]) -> bool:
        """True while the results of :meth:`schema_status` show an index being built."""
        return False


_FUNCTION_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def check_function_name(name: object, field: str | None = None) -> str:
    """Validate a Cypher function name: identifiers joined by dots (``my.fn``)."""
    if not isinstance(name, str) or not all(_FUNCTION_PART.match(part) for part in name.split(".")):
        raise QueryBuildError(
            f"cypher_fn {name!r} of the converter of {field or 'a field'} is not a Cypher "
            "function name; use letters, digits and underscores (not first), parts joined "
            "by dots (e.g. 'toUpper' or 'my.fn')"
        )
    return name


def _count_literal(what: str, n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise QueryBuildError(f"{what} must be an integer >= 0, got {n!r}")
    return n


_GUARD = "_dup"
_EDGE_VARS = ("a", "r", "b", "ka", "kb")
#: Write shapes compiled per dialect before its cache starts over.
_WRITE_CACHE_SIZE = 1024

_DEFAULT = CypherDialect()


def default_dialect() -> CypherDialect:
    """The shared reference dialect instance."""
    return _DEFAULT
