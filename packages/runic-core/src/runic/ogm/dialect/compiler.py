"""Dialects: turn the backend-neutral query IR into a backend's Cypher text.

:class:`CypherDialect` is the plain openCypher reference renderer (what
``Select.build()`` uses when no backend is bound). A backend subclasses it and
overrides small hooks:

* ``name``, ``capabilities``, ``param_functions``, ``plain_functions``,
  ``callable_functions`` -- class attributes;
* :meth:`~CypherDialect.wrap_param` -- a converter's ``cypher_fn`` around a value
  (``vecf32($p0)``, ``toUpper($p0)``), or UnsupportedFeatureError where the backend
  cannot call it;
* :meth:`~CypherDialect.node_id_expr` / :meth:`~CypherDialect.edge_id_expr`;
* :meth:`~CypherDialect.quote_identifier`, :meth:`~CypherDialect.render_labels`,
  :meth:`~CypherDialect.render_create_labels` (e.g. label emulation on
  single-label backends; the session's statements use them too);
* :meth:`~CypherDialect.render_id_list`, :meth:`~CypherDialect.flush_variable`,
  :meth:`~CypherDialect.render_edge_match`, :meth:`~CypherDialect.render_merge_parts`
  -- how the session's flush statement returns new ids, names its variables,
  finds the edges it deletes and merges edges between existing nodes;
* :meth:`~CypherDialect.render_key_guard`, :meth:`~CypherDialect.render_guarded`,
  :meth:`~CypherDialect.key_lock_statement` -- how a flush makes sure the keys it
  inserts are not in the graph yet (see :mod:`runic.ogm.session.flush`);
* :meth:`~CypherDialect.render_fulltext_source` /
  :meth:`~CypherDialect.render_vector_source` -- search procedures;
  :meth:`~CypherDialect.render_vector_score` -- the score a filtered (exact) vector
  search orders by;
* :meth:`~CypherDialect.render_skip` / :meth:`~CypherDialect.render_limit`;
* :meth:`~CypherDialect.finalize` -- post-process the whole statement (AGE wraps
  it in SQL using ``CompiledQuery.columns``).

Dialects are pure: no I/O. A feature the backend lacks raises
:class:`~runic.ogm.exceptions.UnsupportedFeatureError` from :meth:`compile`,
before anything is sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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
    from runic.ogm.session.ops import Statement

__all__ = [
    "CompiledQuery",
    "CypherDialect",
    "GraphDialect",
    "RelPattern",
    "RenderContext",
    "default_dialect",
]


@dataclass(frozen=True, slots=True)
class RelPattern:
    """A relationship of type ``rel_type`` between two bound node variables.

    ``direction`` is ``OUTGOING`` (``start -> end``), ``INCOMING`` or ``BOTH``.
    """

    start: str
    rel_type: str
    direction: str
    end: str

    def written(self) -> RelPattern:
        """The pattern an edge is created with: ``BOTH`` is written ``OUTGOING``.

        Backends create directed edges only; a ``BOTH`` relation's edge goes from
        the relation's owner to its target, and is matched in either direction.
        """
        if self.direction != "BOTH":
            return self
        return RelPattern(self.start, self.rel_type, "OUTGOING", self.end)

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
        return self.dialect.wrap_param(param.cypher_fn, ref, param.field)

    def param_list(self, param: Param) -> str:
        """Store a list :class:`Param` whose *elements* need ``cypher_fn`` wrapping."""
        ref = self.ref(param.value)
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
        """List parameter ``ref`` (``size`` values) with ``cypher_fn`` applied to each:
        ``[__x IN ref | fn(__x)]`` (``ref`` when :meth:`wrap_param` leaves values as is)."""
        wrapped = self.wrap_param(cypher_fn, "__x", field)
        if wrapped == "__x":
            return ref
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
        if rel.direction == "BOTH":
            return self.render_merge_either_way(rows, rel, var, items, only_on_create)
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

    def render_merge_either_way(
        self,
        rows: str,
        rel: RelPattern,
        var: str,
        items: Sequence[tuple[str, str]],
        only_on_create: bool,
    ) -> list[str]:
        """Merge parts of a ``BOTH`` relation: an edge either way counts as existing.

        No backend creates an undirected edge (``MERGE (a)-[r]-(b)`` is refused or
        picks a direction), so: set ``items`` on the edges found in either
        direction (unless ``only_on_create``), then create ``a -> b`` for the rows
        that have none.
        """
        a, b = rel.start, rel.end
        nid = self.node_id_expr
        ak, bk, old = f"{a}k", f"{b}k", f"{var}o"
        bind = f"UNWIND {rows} AS row WITH row, row[0] AS {ak}, row[1] AS {bk} "
        parts: list[str] = []
        if items and not only_on_create:
            found = self.render_edge_match(rel.render(var), f"{nid(a)} = {ak} AND {nid(b)} = {bk}")
            parts.append(f"{bind}{found} {self.render_set(var, items, 'row')}")
        text = (
            f"{bind}MATCH ({a}) WHERE {nid(a)} = {ak} MATCH ({b}) WHERE {nid(b)} = {bk} "
            f"OPTIONAL MATCH {rel.render(old)} WITH row, {a}, {b}, {old} WHERE {old} IS NULL "
            f"CREATE {rel.written().render(var)}"
        )
        if items:
            text += " " + self.render_set(var, items, "row")
        parts.append(text)
        return parts

    def render_key_guard(
        self, checks: Sequence[tuple[str, str, str]], var: str, exclude: str | None
    ) -> str | None:
        """The key guard leading a flush: a row with ``var`` = 0 when no key is taken, else none.

        ``checks`` are ``(primary label, escaped key property, keys parameter)``;
        ``exclude`` is the parameter of the node ids the flush deletes first (they do
        not count). ``OPTIONAL MATCH (_g0:L) WHERE _g0.k IN $g0 WITH count(_g0) AS _h0
        ... WITH _h0 + ... AS var WHERE var = 0``. ``None``: the backend checks the keys
        in a separate statement.
        """
        nid = self.node_id_expr
        parts: list[str] = []
        counts: list[str] = []
        for index, (label, prop, keys) in enumerate(checks):
            node = f"_g{index}"
            where = f"{node}.{prop} IN {keys}"
            if exclude is not None:
                where += f" AND NOT {nid(node)} IN {exclude}"
            keep = "".join(f"{c}, " for c in counts)
            parts.append(
                f"OPTIONAL MATCH ({node}{self.render_labels((label,))}) WHERE {where} "
                f"WITH {keep}count({node}) AS _h{index}"
            )
            counts.append(f"_h{index}")
        return " ".join(parts) + f" WITH {' + '.join(counts)} AS {var} WHERE {var} = 0"

    def render_guarded(self, guard: str, body: str, columns: Sequence[str]) -> str | None:
        """``guard`` then the flush statement ``body`` (returning ``columns``) as a subquery.

        ``None`` here (openCypher has no subqueries): such a flush carries no guard
        and the session reads the keys first. FalkorDB wraps ``body`` in ``CALL {}``.
        """
        return None

    def key_lock_statement(self, keys: Mapping[tuple[str, str], Sequence[Any]]) -> Statement | None:
        """A statement holding locks on ``keys`` (by primary label and key property)
        until the transaction ends, sent before the flush checks them; ``None`` here.

        A backend whose concurrent transactions cannot see each other's uncommitted
        nodes (AGE: PostgreSQL advisory locks) makes a second inserter wait for the
        first to commit, so that its check then sees the node.
        """
        return None

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


_DEFAULT = CypherDialect()


def default_dialect() -> CypherDialect:
    """The shared reference dialect instance."""
    return _DEFAULT
