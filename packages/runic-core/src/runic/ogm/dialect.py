"""Dialects: turn the backend-neutral query IR into a backend's Cypher text.

:class:`CypherDialect` is the plain openCypher reference renderer (what
``Select.build()`` uses when no backend is bound). A backend subclasses it and
overrides small hooks:

* ``name``, ``capabilities``, ``param_functions`` -- class attributes;
* :meth:`~CypherDialect.wrap_param` -- native value constructors (``vecf32($p0)``);
* :meth:`~CypherDialect.node_id_expr` / :meth:`~CypherDialect.edge_id_expr`;
* :meth:`~CypherDialect.quote_identifier`, :meth:`~CypherDialect.render_labels`,
  :meth:`~CypherDialect.render_create_labels` (e.g. label emulation on
  single-label backends; the session's statements use them too);
* :meth:`~CypherDialect.render_id_list`, :meth:`~CypherDialect.flush_variable`,
  :meth:`~CypherDialect.render_edge_match`, :meth:`~CypherDialect.render_merge_parts`
  -- how the session's flush statement returns new ids, names its variables,
  finds the edges it deletes and merges edges between existing nodes;
* :meth:`~CypherDialect.render_fulltext_source` /
  :meth:`~CypherDialect.render_vector_source` -- search procedures;
* :meth:`~CypherDialect.render_skip` / :meth:`~CypherDialect.render_limit`;
* :meth:`~CypherDialect.finalize` -- post-process the whole statement (AGE wraps
  it in SQL using ``CompiledQuery.columns``).

Dialects are pure: no I/O. A feature the backend lacks raises
:class:`~runic.ogm.exceptions.UnsupportedFeatureError` from :meth:`compile`,
before anything is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from runic.ogm.driver.protocols import Capability
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
    ReturnItem,
    ValueExpr,
    VarRef,
    VectorSource,
    WithClause,
)
from runic.ogm.query.names import check_alias, raw_column

if TYPE_CHECKING:
    from runic.ogm.driver.results import QueryResult
    from runic.ogm.schema.ir import DDL, CreateEntityType, CreateIndex, DropIndex, SchemaOp
    from runic.ogm.schema.specs import IndexSpec

__all__ = [
    "CompiledQuery",
    "CypherDialect",
    "GraphDialect",
    "RelPattern",
    "RenderContext",
    "default_dialect",
]


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    """A statement ready to send: text, parameters and the result decoding spec.

    ``params`` is shared by every user of a cached compilation: do not mutate it.
    """

    cypher: str
    params: dict[str, Any]
    columns: tuple[str, ...]
    returns: tuple[ReturnItem, ...]


@dataclass(frozen=True, slots=True)
class RelPattern:
    """A relationship of type ``rel_type`` between two bound node variables.

    ``direction`` is ``OUTGOING`` (``start -> end``), ``INCOMING`` or ``BOTH``.
    """

    start: str
    rel_type: str
    direction: str
    end: str

    def render(self, var: str, start: str | None = None, end: str | None = None) -> str:
        """``(start)-[var:`T`]->(end)`` (the node variables may be replaced)."""
        rel = f"{var}:{escape(self.rel_type)}"
        a = self.start if start is None else start
        b = self.end if end is None else end
        if self.direction == "OUTGOING":
            return f"({a})-[{rel}]->({b})"
        if self.direction == "INCOMING":
            return f"({a})<-[{rel}]-({b})"
        return f"({a})-[{rel}]-({b})"


@runtime_checkable
class GraphDialect(Protocol):
    """What the core needs from a backend's dialect."""

    name: str
    capabilities: frozenset[Capability]

    def supports(self, capability: Capability) -> bool:
        """True when the backend has ``capability``."""
        ...

    def compile(self, query: Query) -> CompiledQuery:
        """Render ``query``; raise UnsupportedFeatureError for a missing feature."""
        ...

    def wrap_param(self, cypher_fn: str | None, ref: str) -> str:
        """Wrap a parameter reference in a native constructor (or return it as is)."""
        ...

    def quote_identifier(self, name: str) -> str:
        """Validate and quote a label, relationship type or property name."""
        ...

    def node_id_expr(self, var: str) -> str:
        """The expression giving the database id of node variable ``var``."""
        ...

    def render_labels(self, labels: tuple[str, ...]) -> str:
        """The label part of a node pattern that matches ``labels``."""
        ...

    def render_create_labels(self, labels: tuple[str, ...]) -> str:
        """The label part of a ``CREATE`` pattern giving a node ``labels``."""
        ...

    def render_key_match(self, var: str, labels: tuple[str, ...], prop: str, param: str) -> str:
        """``MATCH`` one node of ``labels`` by the value ``param`` of property ``prop``."""
        ...

    def render_id_list(self, nodes: str) -> str | None:
        """An expression mapping node list ``nodes`` to ids (``None``: not expressible)."""
        ...

    def render_create(
        self, var: str, labels: tuple[str, ...], items: Sequence[tuple[str, str]]
    ) -> str:
        """The clause creating one node per flush row: ``CREATE (var:Labels) SET ...``."""
        ...

    def flush_variable(self, name: str, part: int) -> str:
        """The name of variable ``name`` in part ``part`` of a flush statement."""
        ...

    def render_edge_match(self, pattern: str, where: str) -> str:
        """The clause binding the edges a flush deletes: ``MATCH pattern WHERE where``."""
        ...

    def render_set(self, var: str, items: Sequence[tuple[str, str]], carry: str) -> str:
        """``SET var.p = v, ...`` on an existing entity (``carry``: the other live variables)."""
        ...

    def render_merge_parts(
        self,
        rows: str,
        rel: RelPattern,
        var: str,
        items: Sequence[tuple[str, str]],
        *,
        only_on_create: bool,
    ) -> list[str]:
        """The flush parts merging edge ``rel`` between existing nodes, one per row."""
        ...


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

    def param(self, param: Param) -> str:
        """Store a :class:`Param`; return its (possibly wrapped) reference."""
        ref = self.ref(param.value)
        if param.cypher_fn is None:
            return ref
        return self.dialect.wrap_param(param.cypher_fn, ref)

    def param_list(self, param: Param) -> str:
        """Store a list :class:`Param` whose *elements* need ``cypher_fn`` wrapping."""
        ref = self.ref(param.value)
        if param.cypher_fn is None:
            return ref
        wrapped = self.dialect.wrap_param(param.cypher_fn, "__x")
        if wrapped == "__x":
            return ref
        return f"[__x IN {ref} | {wrapped}]"


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
    #: Cypher functions that ``wrap_param`` applies (converter ``cypher_fn`` values).
    param_functions: frozenset[str] = frozenset({"point"})

    def supports(self, capability: Capability) -> bool:
        """True when ``capability`` is in :attr:`capabilities`."""
        return capability in self.capabilities

    # -- entry point ------------------------------------------------------------------

    def compile(self, query: Query) -> CompiledQuery:
        """Render ``query`` to text and parameters."""
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

    def wrap_param(self, cypher_fn: str | None, ref: str) -> str:
        """``fn(ref)`` when ``cypher_fn`` is in :attr:`param_functions`, else ``ref``."""
        if cypher_fn is not None and cypher_fn in self.param_functions:
            return f"{cypher_fn}({ref})"
        return ref

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

    def render_create(
        self, var: str, labels: tuple[str, ...], items: Sequence[tuple[str, str]]
    ) -> str:
        """``CREATE (var:Labels) SET var.p1 = v1, ...`` (``items``: escaped name, value).

        A ``null`` value leaves the property out. A backend that creates faster
        with an inline property map (AGE) renders that instead.
        """
        text = f"CREATE ({var}{self.render_create_labels(labels)})"
        if items:
            text += " SET " + ", ".join(f"{var}.{prop} = {value}" for prop, value in items)
        return text

    # -- the session's flush statement ----------------------------------------------------

    def render_id_list(self, nodes: str) -> str | None:
        """``[x IN nodes | id(x)]``: the ids of a collected node list.

        ``None`` when the backend has no list comprehension: the flush then
        collects the ids next to the nodes (``collect(id(n))``).
        """
        return f"[x IN {nodes} | {self.node_id_expr('x')}]"

    def flush_variable(self, name: str, part: int) -> str:
        """The variable ``name`` (``n``, ``a``, ``b``, ``r``) in part ``part`` of a flush.

        ``name`` here; a backend that cannot declare a variable again in a later
        query part (AGE) makes it unique per part.
        """
        return name

    def render_edge_match(self, pattern: str, where: str) -> str:
        """``MATCH pattern WHERE where``: binds the edges a flush part deletes.

        A backend where a ``MATCH`` finding no relationship type would void the
        statement's earlier writes (AGE) uses ``OPTIONAL MATCH`` (deleting
        ``null`` does nothing).
        """
        return f"MATCH {pattern} WHERE {where}"

    def render_set(self, var: str, items: Sequence[tuple[str, str]], carry: str) -> str:
        """``SET var.p1 = v1, var.p2 = v2``: properties of an entity that already exists.

        ``items`` are ``(escaped property, value expression)`` pairs; a ``null`` value
        removes the property. ``carry`` names the part's other variables still needed
        (``row``), for a backend that must split the clause (FalkorDB).
        """
        return "SET " + ", ".join(f"{var}.{prop} = {value}" for prop, value in items)

    def render_merge_parts(
        self,
        rows: str,
        rel: RelPattern,
        var: str,
        items: Sequence[tuple[str, str]],
        *,
        only_on_create: bool,
    ) -> list[str]:
        """Flush parts merging edge ``rel`` for every row of ``rows`` (``[id a, id b, ...]``).

        ``var`` names the edge; ``items`` are ``(escaped property, value
        expression)`` pairs set on every merge, or with ``only_on_create`` only
        on edges the merge creates. Here one part: ``UNWIND rows AS row WITH row,
        row[0] AS ak, row[1] AS bk MATCH (a) ... MATCH (b) ... MERGE (a)-[var:T]->(b)
        [ON CREATE] SET ...``.
        """
        a, b = rel.start, rel.end
        nid = self.node_id_expr
        # Ids bound to variables first: FalkorDB seeks ``id(a) = ka``, scans for row[0].
        text = (
            f"UNWIND {rows} AS row WITH row, row[0] AS {a}k, row[1] AS {b}k "
            f"MATCH ({a}) WHERE {nid(a)} = {a}k MATCH ({b}) WHERE {nid(b)} = {b}k "
            f"MERGE {rel.render(var)}"
        )
        if items and only_on_create:
            sets = ", ".join(f"{var}.{prop} = {value}" for prop, value in items)
            text += f" ON CREATE SET {sets}"
        elif items:
            text += " " + self.render_set(var, items, "row")
        return [text]

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
        if clause.direction == "OUTGOING":
            return f"-{body}->"
        if clause.direction == "INCOMING":
            return f"<-{body}-"
        if clause.direction == "BOTH":
            return f"-{body}-"
        raise QueryBuildError(f"unknown relationship direction {clause.direction!r}")

    # -- clauses ----------------------------------------------------------------------

    def render_clause(self, clause: Clause, ctx: RenderContext) -> str:
        """Render one clause, including its WHERE."""
        if isinstance(clause, MatchNode):
            text = self.render_match_node(clause, ctx)
        elif isinstance(clause, MatchPath):
            text = self.render_match_path(clause, ctx)
        elif isinstance(clause, WithClause):
            text = self.render_with(clause, ctx)
        elif isinstance(clause, FulltextSource):
            text = self.render_fulltext_source(clause, ctx)
        elif isinstance(clause, VectorSource):
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

    def render_with(self, clause: WithClause, ctx: RenderContext) -> str:
        """``WITH [DISTINCT] a, b``."""
        items = ", ".join(self.render_projection(p, ctx, in_with=True) for p in clause.items)
        return f"WITH DISTINCT {items}" if clause.distinct else f"WITH {items}"

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


def _count_literal(what: str, n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise QueryBuildError(f"{what} must be an integer >= 0, got {n!r}")
    return n


_DEFAULT = CypherDialect()


def default_dialect() -> CypherDialect:
    """The shared reference dialect instance."""
    return _DEFAULT
