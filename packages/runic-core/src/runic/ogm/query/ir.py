"""The backend-neutral query IR: frozen dataclasses describing one read statement.

A :class:`Query` is a sequence of clauses (a root source, traversals, ``WITH``
stages; each may carry a ``WHERE`` predicate) followed by a :class:`ReturnClause`.
Values only ever appear inside :class:`Param` nodes; a dialect names them
(``$p0``, ``$p1``, ... in order of appearance) while rendering, so two statements
of the same shape render to the same text. Aliases, labels, relationship types and
property names are plain strings here, validated and escaped by the dialect.

:class:`Raw` holds Cypher text written by the developer and passed through
``text()`` (``order_by(text("size(n.tags) DESC"))``), or a validated result column
name; it is rendered verbatim and must never contain user input.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeAlias

from runic.ogm.capabilities import Capability

__all__ = [
    "Aggregate",
    "AggregateFunction",
    "And",
    "Clause",
    "CompareOp",
    "Comparison",
    "Direction",
    "FulltextSource",
    "IdRef",
    "MatchId",
    "MatchKey",
    "MatchNode",
    "MatchPath",
    "NodePattern",
    "Not",
    "Or",
    "OrderItem",
    "Param",
    "PathLength",
    "Predicate",
    "Projection",
    "PropRef",
    "Query",
    "Raw",
    "ReturnClause",
    "ReturnItem",
    "ReturnKind",
    "Unwind",
    "ValueExpr",
    "VarRef",
    "VectorSimilarity",
    "VectorSource",
    "WithClause",
    "and_",
    "rename_alias",
]

Direction: TypeAlias = Literal["OUTGOING", "INCOMING", "BOTH"]
ReturnKind: TypeAlias = Literal["node", "edge", "value"]
AggregateFunction: TypeAlias = Literal["count", "avg", "sum", "min", "max", "collect"]


class CompareOp(enum.StrEnum):
    """Comparison operators, valued with their Cypher spelling."""

    EQ = "="
    NE = "<>"
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    CONTAINS = "CONTAINS"
    STARTS_WITH = "STARTS WITH"
    ENDS_WITH = "ENDS WITH"
    MATCHES = "=~"
    IN = "IN"
    IS_NULL = "IS NULL"
    IS_NOT_NULL = "IS NOT NULL"


# -- values and references ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Param:
    """A value sent as a query parameter (already converted to its graph form).

    ``cypher_fn`` names a function the dialect may wrap around the reference
    (``vecf32($p0)``); for ``IN`` comparisons it applies to each list element.
    ``field`` (``Owner.name``) names the field it came from, for error messages.
    ``name`` fixes the parameter's name (``$pk``) instead of the next ``$pN``: the
    session's own statements (``get``, relation loading) keep one text per shape and
    send new values under the same names.
    """

    value: Any
    cypher_fn: str | None = None
    field: str | None = field(default=None, compare=False)
    name: str | None = None


@dataclass(frozen=True, slots=True)
class PropRef:
    """``alias.property``."""

    alias: str
    prop: str


@dataclass(frozen=True, slots=True)
class IdRef:
    """The database id of a node or edge variable (``id(n)``; dialect-specific)."""

    alias: str
    kind: Literal["node", "edge"] = "node"


@dataclass(frozen=True, slots=True)
class VarRef:
    """A bare variable: a whole node, edge or value bound earlier."""

    alias: str


@dataclass(frozen=True, slots=True)
class Raw:
    """Developer-written Cypher, rendered verbatim (never user input)."""

    text: str


@dataclass(frozen=True, slots=True)
class Aggregate:
    """``func([DISTINCT] arg)``; ``arg=None`` is ``*`` (only for ``count``)."""

    func: AggregateFunction
    arg: PropRef | VarRef | Raw | None = None
    distinct: bool = False


ValueExpr: TypeAlias = VarRef | PropRef | IdRef | Raw | Aggregate


# -- predicates -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Comparison:
    """``left OP right``; ``right`` is ``None`` for ``IS [NOT] NULL``."""

    left: PropRef | IdRef | VarRef
    op: CompareOp
    right: Param | None = None


@dataclass(frozen=True, slots=True)
class And:
    """Conjunction of two or more predicates."""

    items: tuple[Predicate, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """Disjunction of two or more predicates."""

    items: tuple[Predicate, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """Negation of a predicate."""

    item: Predicate


Predicate: TypeAlias = Comparison | And | Or | Not


def and_(left: Predicate | None, right: Predicate) -> Predicate:
    """Combine two predicates with AND, flattening nested conjunctions."""
    if left is None:
        return right
    items = left.items if isinstance(left, And) else (left,)
    items += right.items if isinstance(right, And) else (right,)
    return And(items)


# -- clauses --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NodePattern:
    """A node variable with its labels and the model class it decodes to."""

    alias: str
    labels: tuple[str, ...]
    cls: type | None = None


@dataclass(frozen=True, slots=True)
class PathLength:
    """A variable-length quantifier ``*min..max`` (``max=None``: unbounded)."""

    min_hops: int = 1
    max_hops: int | None = None


@dataclass(frozen=True, slots=True)
class MatchNode:
    """``[OPTIONAL] MATCH (alias:Label...) [WHERE ...]``: the usual root."""

    node: NodePattern
    optional: bool = False
    where: Predicate | None = None


@dataclass(frozen=True, slots=True)
class MatchPath:
    """``[OPTIONAL] MATCH (source)-[edge:TYPE*len]->(target:Label) [WHERE ...]``."""

    source_alias: str
    rel_type: str
    direction: Direction
    target: NodePattern
    edge_alias: str | None = None
    edge_cls: type | None = None
    length: PathLength | None = None
    optional: bool = True
    where: Predicate | None = None


@dataclass(frozen=True, slots=True)
class MatchKey:
    """``MATCH (alias:Label...)`` the node whose property ``prop`` equals ``value``.

    A look-up by primary key (``session.get()``); the dialect picks the form its
    server answers fastest (``WHERE n.k = $pk``, or FalkorDB's inline ``{k: $pk}``).
    """

    node: NodePattern
    prop: str
    value: Param


@dataclass(frozen=True, slots=True)
class MatchId:
    """``MATCH (alias:Label...) WHERE id(alias) = value``: a node by database id.

    ``value`` is a parameter or a variable bound before (``UNWIND $ids AS i``).
    """

    node: NodePattern
    value: Param | VarRef


@dataclass(frozen=True, slots=True)
class Unwind:
    """``UNWIND $param AS alias``: one row per element of a list parameter."""

    items: Param
    alias: str


@dataclass(frozen=True, slots=True)
class FulltextSource:
    """Root from a fulltext index: nodes of ``index_label`` matching ``query``.

    Needs :attr:`Capability.FULLTEXT_SEARCH`; the dialect renders it
    (``CALL ... YIELD node AS n`` on FalkorDB) through ``render_fulltext_source``.
    """

    node: NodePattern
    index_label: str
    query: Param
    fields: tuple[str, ...] = ()
    where: Predicate | None = None


VectorSimilarity: TypeAlias = Literal["euclidean", "cosine"]
"""The similarity functions a filtered (exact) vector search can order by."""


@dataclass(frozen=True, slots=True)
class VectorSource:
    """Root from a vector index: the ``k`` nodes nearest to ``vector`` on ``prop``.

    Needs :attr:`Capability.VECTOR_SEARCH`. Without ``where`` it is rendered by
    ``render_vector_source`` (the index's KNN procedure); with ``where`` (a filter
    on these nodes) by ``render_filtered_vector_source``: the k nearest of the
    nodes the filter keeps, ordered by ``similarity`` (exact, no index).
    ``score_alias``, when set, must be bound to the similarity score.
    """

    node: NodePattern
    index_label: str
    prop: str
    vector: Param
    k: int
    score_alias: str | None = None
    where: Predicate | None = None
    similarity: VectorSimilarity = "euclidean"


@dataclass(frozen=True, slots=True)
class Projection:
    """One returned (or ``WITH``-carried) expression and its column.

    ``kind``/``cls`` tell the session how to decode the column. A :class:`VarRef`
    whose column equals its alias and a :class:`Raw` whose column is what the
    server names it are rendered without ``AS``. ``variable`` renders the column
    as a bare variable (``collect(m) AS m``) instead of a quoted name.
    """

    expr: ValueExpr
    column: str
    kind: ReturnKind = "value"
    cls: type | None = None
    variable: bool = False


@dataclass(frozen=True, slots=True)
class OrderItem:
    """One ``ORDER BY`` term."""

    expr: PropRef | VarRef | IdRef | Raw
    desc: bool = False


@dataclass(frozen=True, slots=True)
class WithClause:
    """``WITH [DISTINCT] items [ORDER BY ...] [SKIP $s] [LIMIT $l] [WHERE ...]``: a stage.

    ``order_by``/``skip``/``limit`` page the rows before later clauses (the
    session's ``find_all(skip=, limit=)``); ``skip`` and ``limit`` are parameters.
    """

    items: tuple[Projection, ...]
    distinct: bool = False
    where: Predicate | None = None
    order_by: tuple[OrderItem, ...] = ()
    skip: Param | None = None
    limit: Param | None = None


Clause: TypeAlias = (
    MatchNode | MatchPath | MatchKey | MatchId | Unwind | FulltextSource | VectorSource | WithClause
)


@dataclass(frozen=True, slots=True)
class ReturnItem:
    """How the session decodes one result column."""

    column: str
    kind: ReturnKind
    cls: type | None = None


@dataclass(frozen=True, slots=True)
class ReturnClause:
    """``RETURN [DISTINCT] items [ORDER BY ...] [SKIP n] [LIMIT n]``."""

    items: tuple[Projection, ...]
    distinct: bool = False
    order_by: tuple[OrderItem, ...] = ()
    skip: int | None = None
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class Query:
    """A whole read statement."""

    clauses: tuple[Clause, ...]
    ret: ReturnClause
    _derived: dict[str, Any] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    @property
    def columns(self) -> tuple[str, ...]:
        """Result column names, in order."""
        cached = self._derived.get("columns")
        if cached is None:
            cached = self._derived["columns"] = tuple(p.column for p in self.ret.items)
        return cached

    @property
    def returns(self) -> tuple[ReturnItem, ...]:
        """The decoding spec of every result column, in order."""
        cached = self._derived.get("returns")
        if cached is None:
            cached = self._derived["returns"] = tuple(
                ReturnItem(p.column, p.kind, p.cls) for p in self.ret.items
            )
        return cached

    def required_capabilities(self) -> frozenset[Capability]:
        """Backend features this statement needs."""
        needed: set[Capability] = set()
        for clause in self.clauses:
            if isinstance(clause, FulltextSource):
                needed.add(Capability.FULLTEXT_SEARCH)
            elif isinstance(clause, VectorSource):
                needed.add(Capability.VECTOR_SEARCH)
            node = clause.node if isinstance(clause, MatchNode | MatchKey | MatchId) else None
            if isinstance(clause, MatchPath):
                node = clause.target
            if node is not None and len(node.labels) > 1:
                needed.add(Capability.MULTI_LABEL)
        return frozenset(needed)

    def to_count(self) -> Query:
        """The same match, returning only ``count`` (no ORDER BY, SKIP or LIMIT).

        A single node/edge column counts non-null entities (``count([DISTINCT] x)``);
        other returns count the rows the statement would produce.
        """
        ret = self.ret
        count_item = Projection(Aggregate("count"), "count")
        clauses = self.clauses
        items = ret.items
        has_aggregate = any(isinstance(p.expr, Aggregate) for p in items)
        if len(items) == 1 and items[0].kind != "value" and isinstance(items[0].expr, VarRef):
            count_item = Projection(Aggregate("count", items[0].expr, ret.distinct), "count")
        elif ret.distinct or has_aggregate:
            carried = tuple(Projection(p.expr, f"__c{i}") for i, p in enumerate(items))
            clauses = (*clauses, WithClause(carried, ret.distinct))
        return Query(clauses, ReturnClause((count_item,)))

    def to_exists(self) -> Query:
        """The same match, returning ``true AS found`` with ``LIMIT 1``: the server stops
        at the first match (no ORDER BY or SKIP; true exactly when ``to_count()`` > 0).

        A single node/edge column bound by an ``OPTIONAL MATCH`` is filtered on
        ``IS NOT NULL`` first, as ``count(x)`` skips nulls; aggregates are carried
        through a ``WITH`` (they always yield a row).
        """
        clauses = self.clauses
        items = self.ret.items
        if len(items) == 1 and items[0].kind != "value" and isinstance(items[0].expr, VarRef):
            var = items[0].expr
            if any(_binds_optional(c, var.alias) for c in clauses):
                test = Comparison(var, CompareOp.IS_NOT_NULL)
                clauses = (*clauses, WithClause((Projection(var, var.alias),), where=test))
        elif any(isinstance(p.expr, Aggregate) for p in items):
            carried = tuple(Projection(p.expr, f"__c{i}") for i, p in enumerate(items))
            clauses = (*clauses, WithClause(carried))
        return Query(clauses, ReturnClause((Projection(Raw("true"), "found"),), limit=1))

    def with_limit(self, limit: int) -> Query:
        """The same statement with ``LIMIT limit`` (SKIP and ORDER BY kept)."""
        return Query(self.clauses, replace(self.ret, limit=limit))


def _binds_optional(clause: Clause, alias: str) -> bool:
    """Whether ``clause`` is an ``OPTIONAL MATCH`` binding ``alias`` (null when unmatched)."""
    if isinstance(clause, MatchPath):
        return clause.optional and alias in (clause.target.alias, clause.edge_alias)
    if isinstance(clause, MatchNode):
        return clause.optional and clause.node.alias == alias
    return False


# -- alias renaming -------------------------------------------------------------------


def _rn(alias: str, old: str, new: str) -> str:
    return new if alias == old else alias


def _rename_expr(expr: Any, old: str, new: str) -> Any:
    if isinstance(expr, (PropRef, IdRef, VarRef)):
        return replace(expr, alias=_rn(expr.alias, old, new)) if expr.alias == old else expr
    if isinstance(expr, Aggregate) and expr.arg is not None:
        return replace(expr, arg=_rename_expr(expr.arg, old, new))
    return expr  # Raw, Param, Aggregate(*): untouched


def _rename_pred(pred: Predicate | None, old: str, new: str) -> Predicate | None:
    if pred is None:
        return None
    if isinstance(pred, Comparison):
        return replace(pred, left=_rename_expr(pred.left, old, new))
    if isinstance(pred, And):
        return And(tuple(_rename_pred(p, old, new) for p in pred.items))  # type: ignore[misc]
    if isinstance(pred, Or):
        return Or(tuple(_rename_pred(p, old, new) for p in pred.items))  # type: ignore[misc]
    return Not(_rename_pred(pred.item, old, new))  # type: ignore[arg-type]


def _rename_projection(p: Projection, old: str, new: str) -> Projection:
    column = p.column
    if isinstance(p.expr, VarRef) and p.expr.alias == old and column == old:
        column = new
    return replace(p, expr=_rename_expr(p.expr, old, new), column=column)


def _rename_node(node: NodePattern, old: str, new: str) -> NodePattern:
    return replace(node, alias=new) if node.alias == old else node


def _rename_clause(clause: Clause, old: str, new: str) -> Clause:
    if isinstance(clause, MatchKey):
        return replace(clause, node=_rename_node(clause.node, old, new))
    if isinstance(clause, MatchId):
        value = clause.value
        if isinstance(value, VarRef):
            value = _rename_expr(value, old, new)
        return replace(clause, node=_rename_node(clause.node, old, new), value=value)
    if isinstance(clause, Unwind):
        return replace(clause, alias=_rn(clause.alias, old, new))
    where = _rename_pred(clause.where, old, new)
    if isinstance(clause, (MatchNode, FulltextSource)):
        return replace(clause, node=_rename_node(clause.node, old, new), where=where)
    if isinstance(clause, VectorSource):
        score = clause.score_alias
        return replace(
            clause,
            node=_rename_node(clause.node, old, new),
            score_alias=_rn(score, old, new) if score is not None else None,
            where=where,
        )
    if isinstance(clause, MatchPath):
        edge = clause.edge_alias
        return replace(
            clause,
            source_alias=_rn(clause.source_alias, old, new),
            target=_rename_node(clause.target, old, new),
            edge_alias=_rn(edge, old, new) if edge is not None else None,
            where=where,
        )
    return replace(
        clause,
        items=tuple(_rename_projection(p, old, new) for p in clause.items),
        where=where,
        order_by=tuple(_rename_order(o, old, new) for o in clause.order_by),
    )


def _rename_order(item: OrderItem, old: str, new: str) -> OrderItem:
    return replace(item, expr=_rename_expr(item.expr, old, new))


_RENAMERS: dict[type, Callable[[Any, str, str], Any]] = {
    MatchNode: _rename_clause,
    MatchPath: _rename_clause,
    MatchKey: _rename_clause,
    MatchId: _rename_clause,
    Unwind: _rename_clause,
    FulltextSource: _rename_clause,
    VectorSource: _rename_clause,
    WithClause: _rename_clause,
    Projection: _rename_projection,
    OrderItem: _rename_order,
    Comparison: _rename_pred,
    And: _rename_pred,
    Or: _rename_pred,
    Not: _rename_pred,
    PropRef: _rename_expr,
    IdRef: _rename_expr,
    VarRef: _rename_expr,
    Aggregate: _rename_expr,
    Raw: _rename_expr,
}


def rename_alias(node: Any, old: str, new: str) -> Any:
    """Return ``node`` (any IR node, or a tuple of them) with variable ``old`` renamed.

    :class:`Raw` text is not rewritten: it is the developer's own Cypher.
    """
    if isinstance(node, tuple):
        return tuple(rename_alias(n, old, new) for n in node)
    if isinstance(node, Query):
        ret = node.ret
        return Query(
            tuple(_rename_clause(c, old, new) for c in node.clauses),
            replace(
                ret,
                items=tuple(_rename_projection(p, old, new) for p in ret.items),
                order_by=tuple(_rename_order(o, old, new) for o in ret.order_by),
            ),
        )
    renamer = _RENAMERS.get(type(node))
    if renamer is None:
        raise TypeError(f"not a query IR node: {node!r}")
    return renamer(node, old, new)
