"""The reference dialect renders hand-built IR exactly, and backends can override hooks."""

from __future__ import annotations

from typing import Any

import pytest

from runic.ogm.dialect import (
    CompiledQuery,
    CypherDialect,
    GraphDialect,
    RenderContext,
    default_dialect,
)
from runic.ogm.driver.protocols import Capability
from runic.ogm.exceptions import InvalidIdentifierError, QueryBuildError, UnsupportedFeatureError
from runic.ogm.query.ir import (
    Aggregate,
    And,
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
    Projection,
    PropRef,
    Query,
    Raw,
    ReturnClause,
    ReturnItem,
    VarRef,
    VectorSource,
    WithClause,
)

D = CypherDialect()


class Person:
    """Stand-in model class (the IR only carries it through to ReturnItem)."""


def root(alias: str = "n", labels: tuple[str, ...] = ("Person",), where: Any = None) -> MatchNode:
    return MatchNode(NodePattern(alias, labels, Person), where=where)


def ret(*aliases: str, **kw: Any) -> ReturnClause:
    return ReturnClause(tuple(Projection(VarRef(a), a, "node", Person) for a in aliases), **kw)


def compile_(*clauses: Any, r: ReturnClause | None = None) -> CompiledQuery:
    return D.compile(Query(tuple(clauses), r or ret("n")))


# -- patterns -------------------------------------------------------------------------


def test_root_match_quotes_labels_and_returns_the_variable() -> None:
    c = compile_(root())
    assert c.cypher == "MATCH (n:`Person`) RETURN n"
    assert c.params == {}
    assert c.columns == ("n",)
    assert c.returns == (ReturnItem("n", "node", Person),)


def test_multi_label_node() -> None:
    c = compile_(root(labels=("Location", "Country")))
    assert c.cypher == "MATCH (n:`Location`:`Country`) RETURN n"


def test_optional_root_match() -> None:
    clause = MatchNode(NodePattern("n", ("Person",)), optional=True)
    assert compile_(clause).cypher == "OPTIONAL MATCH (n:`Person`) RETURN n"


@pytest.mark.parametrize(
    ("direction", "arrow"),
    [
        ("OUTGOING", "(n)-[:`KNOWS`]->(f:`Person`)"),
        ("INCOMING", "(n)<-[:`KNOWS`]-(f:`Person`)"),
        ("BOTH", "(n)-[:`KNOWS`]-(f:`Person`)"),
    ],
)
def test_relationship_directions(direction: Any, arrow: str) -> None:
    path = MatchPath("n", "KNOWS", direction, NodePattern("f", ("Person",)))
    c = compile_(root(), path, r=ret("f"))
    assert c.cypher == f"MATCH (n:`Person`) OPTIONAL MATCH {arrow} RETURN f"


def test_required_path_with_edge_alias() -> None:
    path = MatchPath("n", "RATED", "OUTGOING", NodePattern("m", ("Movie",)), "r", optional=False)
    c = compile_(root(), path, r=ret("n", "r", "m"))
    assert c.cypher == "MATCH (n:`Person`) MATCH (n)-[r:`RATED`]->(m:`Movie`) RETURN n, r, m"


@pytest.mark.parametrize(
    ("length", "text"),
    [
        (PathLength(1, None), "*1.."),
        (PathLength(1, 5), "*1..5"),
        (PathLength(0, 2), "*0..2"),
        (PathLength(3, 3), "*3..3"),
    ],
)
def test_variable_length_quantifiers(length: PathLength, text: str) -> None:
    path = MatchPath("n", "PARENT", "OUTGOING", NodePattern("a", ("Person",)), length=length)
    c = compile_(root(), path, r=ret("a"))
    assert (
        c.cypher
        == f"MATCH (n:`Person`) OPTIONAL MATCH (n)-[:`PARENT`{text}]->(a:`Person`) RETURN a"
    )


@pytest.mark.parametrize(
    ("length", "message"),
    [
        (PathLength(-1, None), "min_hops must be an integer >= 0, got -1"),
        (PathLength(2, 1), "max_hops must be an integer >= max(min_hops, 1), got 1"),
        (PathLength(0, 0), "max_hops must be an integer >= max(min_hops, 1), got 0"),
    ],
)
def test_bad_path_lengths_are_rejected(length: PathLength, message: str) -> None:
    path = MatchPath("n", "PARENT", "OUTGOING", NodePattern("a", ("Person",)), length=length)
    with pytest.raises(QueryBuildError, match=message.replace("(", r"\(").replace(")", r"\)")):
        compile_(root(), path, r=ret("a"))


def test_unknown_direction_is_rejected() -> None:
    path = MatchPath("n", "X", "SIDEWAYS", NodePattern("a", ("Person",)))  # type: ignore[arg-type]
    with pytest.raises(QueryBuildError, match="unknown relationship direction 'SIDEWAYS'"):
        compile_(root(), path, r=ret("a"))


def test_with_clause_and_its_where() -> None:
    stage = WithClause(
        (Projection(VarRef("n"), "n", "node"),),
        where=Comparison(PropRef("n", "age"), CompareOp.GT, Param(3)),
    )
    c = compile_(root(), stage)
    assert c.cypher == "MATCH (n:`Person`) WITH n WHERE n.`age` > $p0 RETURN n"
    assert c.params == {"p0": 3}


def test_with_distinct_aliases_raw_and_property_items() -> None:
    stage = WithClause(
        (
            Projection(PropRef("n", "city"), "city"),
            Projection(Raw("n.age + 1"), "n.age + 1"),
            Projection(Raw("n.x AS x"), "x"),
        ),
        distinct=True,
    )
    r = ReturnClause((Projection(VarRef("city"), "city"),))
    c = compile_(root(), stage, r=r)
    assert c.cypher == (
        "MATCH (n:`Person`) WITH DISTINCT n.`city` AS `city`, n.age + 1 AS `n.age + 1`, "
        "n.x AS x RETURN city"
    )


# -- predicates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "text"),
    [
        (CompareOp.EQ, "n.`age` = $p0"),
        (CompareOp.NE, "n.`age` <> $p0"),
        (CompareOp.LT, "n.`age` < $p0"),
        (CompareOp.LE, "n.`age` <= $p0"),
        (CompareOp.GT, "n.`age` > $p0"),
        (CompareOp.GE, "n.`age` >= $p0"),
        (CompareOp.CONTAINS, "n.`age` CONTAINS $p0"),
        (CompareOp.STARTS_WITH, "n.`age` STARTS WITH $p0"),
        (CompareOp.ENDS_WITH, "n.`age` ENDS WITH $p0"),
        (CompareOp.MATCHES, "n.`age` =~ $p0"),
        (CompareOp.IN, "n.`age` IN $p0"),
    ],
)
def test_every_binary_operator(op: CompareOp, text: str) -> None:
    c = compile_(root(where=Comparison(PropRef("n", "age"), op, Param(7))))
    assert c.cypher == f"MATCH (n:`Person`) WHERE {text} RETURN n"
    assert c.params == {"p0": 7}


@pytest.mark.parametrize("op", [CompareOp.IS_NULL, CompareOp.IS_NOT_NULL])
def test_null_checks_take_no_parameter(op: CompareOp) -> None:
    c = compile_(root(where=Comparison(PropRef("n", "age"), op)))
    assert c.cypher == f"MATCH (n:`Person`) WHERE n.`age` {op.value} RETURN n"
    assert c.params == {}


def test_binary_operator_without_value_is_an_error() -> None:
    with pytest.raises(QueryBuildError, match="comparison = needs a value"):
        compile_(root(where=Comparison(PropRef("n", "age"), CompareOp.EQ)))


def test_and_or_not_nesting_and_parameter_order() -> None:
    a = Comparison(PropRef("n", "a"), CompareOp.EQ, Param(1))
    b = Comparison(PropRef("n", "b"), CompareOp.EQ, Param(2))
    c_ = Comparison(PropRef("n", "c"), CompareOp.EQ, Param(3))
    pred = And((Or((a, b)), Not(c_), And((a, b))))
    c = compile_(root(where=pred))
    assert c.cypher == (
        "MATCH (n:`Person`) WHERE (n.`a` = $p0 OR n.`b` = $p1) AND NOT (n.`c` = $p2) "
        "AND (n.`a` = $p3 AND n.`b` = $p4) RETURN n"
    )
    assert c.params == {"p0": 1, "p1": 2, "p2": 3, "p3": 1, "p4": 2}


def test_single_item_compound_is_not_parenthesised() -> None:
    a = Comparison(PropRef("n", "a"), CompareOp.EQ, Param(1))
    c = compile_(root(where=And((Or((a,)),))))
    assert c.cypher == "MATCH (n:`Person`) WHERE n.`a` = $p0 RETURN n"


def test_empty_compound_is_an_error() -> None:
    with pytest.raises(QueryBuildError, match="empty AND/OR predicate"):
        compile_(root(where=Or(())))


def test_id_comparisons_use_the_id_hooks() -> None:
    pred = Comparison(IdRef("n"), CompareOp.EQ, Param(5))
    path = MatchPath(
        "n",
        "R",
        "OUTGOING",
        NodePattern("f", ("Person",)),
        "r",
        where=Comparison(IdRef("r", "edge"), CompareOp.IN, Param([1, 2])),
    )
    c = compile_(root(where=pred), path)
    assert c.cypher == (
        "MATCH (n:`Person`) WHERE id(n) = $p0 "
        "OPTIONAL MATCH (n)-[r:`R`]->(f:`Person`) WHERE id(r) IN $p1 RETURN n"
    )
    assert c.params == {"p0": 5, "p1": [1, 2]}


# -- parameter wrapping ---------------------------------------------------------------


def test_reference_dialect_wraps_point_but_not_unknown_functions() -> None:
    pred = And(
        (
            Comparison(PropRef("n", "home"), CompareOp.EQ, Param({"latitude": 1.0}, "point")),
            Comparison(PropRef("n", "emb"), CompareOp.EQ, Param([1.0], "vecf32")),
        )
    )
    c = compile_(root(where=pred))
    assert c.cypher == "MATCH (n:`Person`) WHERE n.`home` = point($p0) AND n.`emb` = $p1 RETURN n"
    assert c.params == {"p0": {"latitude": 1.0}, "p1": [1.0]}


def test_in_list_wraps_each_element_with_a_comprehension() -> None:
    pred = Comparison(PropRef("n", "home"), CompareOp.IN, Param([{"latitude": 1.0}], "point"))
    c = compile_(root(where=pred))
    assert c.cypher == "MATCH (n:`Person`) WHERE n.`home` IN [__x IN $p0 | point(__x)] RETURN n"


def test_in_list_without_native_function_stays_plain() -> None:
    pred = Comparison(PropRef("n", "emb"), CompareOp.IN, Param([[1.0]], "vecf32"))
    assert compile_(root(where=pred)).cypher == "MATCH (n:`Person`) WHERE n.`emb` IN $p0 RETURN n"


def test_render_context_numbers_parameters_in_order() -> None:
    ctx = RenderContext(D)
    assert ctx.ref("a") == "$p0"
    assert ctx.param(Param("b", "point")) == "point($p1)"
    assert ctx.param(Param("c")) == "$p2"
    assert ctx.params == {"p0": "a", "p1": "b", "p2": "c"}


# -- return, order, paging ------------------------------------------------------------


def test_return_distinct_order_skip_limit() -> None:
    r = ret(
        "n",
        distinct=True,
        order_by=(OrderItem(PropRef("n", "name")), OrderItem(Raw("n.age"), desc=True)),
        skip=5,
        limit=10,
    )
    c = compile_(root(), r=r)
    assert c.cypher == (
        "MATCH (n:`Person`) RETURN DISTINCT n ORDER BY n.`name`, n.age DESC SKIP 5 LIMIT 10"
    )


def test_order_by_projected_property_uses_its_column_after_distinct() -> None:
    r = ReturnClause(
        (Projection(PropRef("n", "name"), "name"),),
        distinct=True,
        order_by=(OrderItem(PropRef("n", "name"), desc=True), OrderItem(PropRef("n", "age"))),
    )
    c = compile_(root(), r=r)
    assert c.cypher == (
        "MATCH (n:`Person`) RETURN DISTINCT n.`name` AS `name` ORDER BY `name` DESC, n.`age`"
    )


def test_order_by_projected_property_keeps_expression_without_distinct() -> None:
    r = ReturnClause(
        (Projection(PropRef("n", "name"), "name"),),
        order_by=(OrderItem(PropRef("n", "name")),),
    )
    assert compile_(root(), r=r).cypher == (
        "MATCH (n:`Person`) RETURN n.`name` AS `name` ORDER BY n.`name`"
    )


def test_order_by_id_and_variable() -> None:
    r = ret("n", order_by=(OrderItem(IdRef("n")), OrderItem(VarRef("n"), desc=True)))
    assert compile_(root(), r=r).cypher == "MATCH (n:`Person`) RETURN n ORDER BY id(n), n DESC"


def test_aggregates_render_with_columns() -> None:
    r = ReturnClause(
        (
            Projection(VarRef("n"), "n", "node", Person),
            Projection(Aggregate("count"), "total"),
            Projection(Aggregate("count", PropRef("n", "name"), distinct=True), "names"),
            Projection(Aggregate("avg", PropRef("n", "age")), "avg_age"),
            Projection(Aggregate("sum", Raw("n.x * 2")), "s"),
            Projection(Aggregate("min", PropRef("n", "age")), "lo"),
            Projection(Aggregate("max", PropRef("n", "age")), "hi"),
            Projection(Aggregate("collect", VarRef("n"), distinct=True), "all"),
        )
    )
    c = compile_(root(), r=r)
    assert c.cypher == (
        "MATCH (n:`Person`) RETURN n, count(*) AS `total`, count(DISTINCT n.`name`) AS `names`, "
        "avg(n.`age`) AS `avg_age`, sum(n.x * 2) AS `s`, min(n.`age`) AS `lo`, "
        "max(n.`age`) AS `hi`, collect(DISTINCT n) AS `all`"
    )
    assert c.columns == ("n", "total", "names", "avg_age", "s", "lo", "hi", "all")
    assert c.returns[0] == ReturnItem("n", "node", Person)
    assert all(item.kind == "value" and item.cls is None for item in c.returns[1:])


def test_star_is_only_valid_for_count() -> None:
    r = ReturnClause((Projection(Aggregate("avg"), "a"),))
    with pytest.raises(QueryBuildError, match=r"avg\(\*\) is not valid Cypher"):
        compile_(root(), r=r)


def test_raw_projection_is_verbatim_and_renamed_variable_gets_as() -> None:
    r = ReturnClause(
        (
            Projection(Raw("n.city"), "n.city"),
            Projection(Raw("size(n.tags) AS tags"), "tags"),
            Projection(Raw("n.x"), "x"),
            Projection(VarRef("n"), "person", "node", Person),
        )
    )
    c = compile_(root(), r=r)
    assert c.cypher == (
        "MATCH (n:`Person`) RETURN n.city, size(n.tags) AS tags, n.x AS `x`, n AS `person`"
    )
    assert c.columns == ("n.city", "tags", "x", "person")


def test_empty_return_is_an_error() -> None:
    with pytest.raises(QueryBuildError, match="the statement returns nothing"):
        compile_(root(), r=ReturnClause(()))


@pytest.mark.parametrize(("field", "value"), [("skip", -1), ("limit", True), ("limit", 1.5)])
def test_bad_paging_values_are_rejected(field: str, value: Any) -> None:
    r = ret("n", **{field: value})
    with pytest.raises(QueryBuildError, match=f"{field} must be an integer >= 0"):
        compile_(root(), r=r)


# -- count transform ------------------------------------------------------------------


def test_count_form_of_a_node_return_counts_the_variable() -> None:
    q = Query((root(),), ret("n", order_by=(OrderItem(Raw("n.name")),), skip=1, limit=2))
    c = D.compile(q.to_count())
    assert c.cypher == "MATCH (n:`Person`) RETURN count(n) AS `count`"
    assert c.returns == (ReturnItem("count", "value", None),)


def test_count_form_of_a_distinct_node_return() -> None:
    q = Query((root(),), ret("n", distinct=True))
    assert (
        D.compile(q.to_count()).cypher == "MATCH (n:`Person`) RETURN count(DISTINCT n) AS `count`"
    )


def test_count_form_of_rows_and_aggregates_pipes_through_with() -> None:
    items = (Projection(Raw("n.city"), "n.city"), Projection(Aggregate("count"), "total"))
    q = Query((root(),), ReturnClause(items))
    assert D.compile(q.to_count()).cypher == (
        "MATCH (n:`Person`) WITH n.city AS `__c0`, count(*) AS `__c1` RETURN count(*) AS `count`"
    )
    plain = Query((root(),), ReturnClause((Projection(PropRef("n", "a"), "a"),)))
    assert D.compile(plain.to_count()).cypher == "MATCH (n:`Person`) RETURN count(*) AS `count`"


def test_exists_form_stops_at_the_first_match() -> None:
    q = Query((root(),), ret("n", order_by=(OrderItem(Raw("n.name")),), skip=1, limit=2))
    c = D.compile(q.to_exists())
    assert c.cypher == "MATCH (n:`Person`) RETURN true AS `found` LIMIT 1"
    assert c.columns == ("found",) and c.params == {}


def test_exists_form_of_an_optional_target_skips_nulls() -> None:
    path = MatchPath("n", "KNOWS", "OUTGOING", NodePattern("f", ("Person",), Person))
    q = Query((root(), path), ret("f"))
    assert D.compile(q.to_exists()).cypher == (
        "MATCH (n:`Person`) OPTIONAL MATCH (n)-[:`KNOWS`]->(f:`Person`) "
        "WITH f WHERE f IS NOT NULL RETURN true AS `found` LIMIT 1"
    )


def test_exists_form_of_an_aggregate_pipes_through_with() -> None:
    q = Query((root(),), ReturnClause((Projection(Aggregate("count"), "total"),)))
    assert D.compile(q.to_exists()).cypher == (
        "MATCH (n:`Person`) WITH count(*) AS `__c0` RETURN true AS `found` LIMIT 1"
    )


def test_with_limit_keeps_order_and_skip() -> None:
    q = Query((root(),), ret("n", order_by=(OrderItem(Raw("n.a")),), skip=3))
    assert D.compile(q.with_limit(1)).cypher == (
        "MATCH (n:`Person`) RETURN n ORDER BY n.a SKIP 3 LIMIT 1"
    )


# -- identifiers ----------------------------------------------------------------------


@pytest.mark.parametrize("label", ["", "a`b", "line\nbreak", "x" * 300, "tab\there", "nul\x00"])
def test_unsafe_labels_are_rejected(label: str) -> None:
    with pytest.raises(InvalidIdentifierError):
        compile_(root(labels=(label,)))


@pytest.mark.parametrize("alias", ["", "1n", "a-b", "a b", "match", "RETURN", "n`", "é"])
def test_unsafe_or_reserved_aliases_are_rejected(alias: str) -> None:
    with pytest.raises(InvalidIdentifierError):
        compile_(root(alias=alias), r=ReturnClause((Projection(Raw("1"), "1"),)))


def test_unusual_but_safe_identifiers_are_quoted() -> None:
    pred = Comparison(PropRef("n", "first name"), CompareOp.EQ, Param("x"))
    c = compile_(root(labels=("Ünïcode Label",), where=pred))
    assert c.cypher == "MATCH (n:`Ünïcode Label`) WHERE n.`first name` = $p0 RETURN n"


# -- capabilities and backend hooks ---------------------------------------------------


def _fulltext() -> Query:
    src = FulltextSource(NodePattern("n", ("Post",)), "Post", Param("graph"), ("title",))
    return Query((src,), ret("n"))


def _vector() -> Query:
    src = VectorSource(NodePattern("n", ("Doc",)), "Doc", "emb", Param([0.5], "vecf32"), 3, "sim")
    return Query((src,), ret("n"))


def test_reference_dialect_rejects_search_before_rendering() -> None:
    with pytest.raises(UnsupportedFeatureError) as info:
        D.compile(_fulltext())
    assert (info.value.backend, info.value.feature) == ("cypher", "fulltext search")
    assert str(info.value).startswith("fulltext search is not supported on cypher")
    with pytest.raises(UnsupportedFeatureError, match="vector search is not supported on cypher"):
        D.compile(_vector())


def test_single_label_backend_rejects_multi_label_nodes() -> None:
    class SingleLabel(CypherDialect):
        name = "single"
        capabilities = frozenset()

    with pytest.raises(UnsupportedFeatureError) as info:
        SingleLabel().compile(Query((root(labels=("A", "B")),), ret("n")))
    assert info.value.backend == "single"
    assert info.value.feature == "nodes with several labels"
    # one label is fine
    assert SingleLabel().compile(Query((root(),), ret("n"))).cypher == "MATCH (n:`Person`) RETURN n"


class SearchDialect(CypherDialect):
    """A FalkorDB-like subclass overriding only hooks."""

    name = "search"
    capabilities = frozenset(
        {Capability.MULTI_LABEL, Capability.FULLTEXT_SEARCH, Capability.VECTOR_SEARCH}
    )
    param_functions = frozenset({"vecf32", "point"})

    def render_fulltext_source(self, clause: FulltextSource, ctx: RenderContext) -> str:
        label = ctx.ref(clause.index_label)
        return (
            f"CALL db.idx.fulltext.queryNodes({label}, {ctx.param(clause.query)}) "
            f"YIELD node AS {self.quote_alias(clause.node.alias)}"
        )

    def render_vector_source(self, clause: VectorSource, ctx: RenderContext) -> str:
        score = f", score AS {clause.score_alias}" if clause.score_alias else ""
        return (
            f"CALL db.idx.vector.queryNodes({ctx.ref(clause.index_label)}, "
            f"{ctx.ref(clause.prop)}, {ctx.ref(clause.k)}, {ctx.param(clause.vector)}) "
            f"YIELD node AS {clause.node.alias}{score}"
        )

    def node_id_expr(self, var: str) -> str:
        return f"elementId({var})"

    def render_limit(self, limit: int, ctx: RenderContext) -> str:
        return f"LIMIT {ctx.ref(limit)}"

    def finalize(self, compiled: CompiledQuery) -> CompiledQuery:
        cols = ", ".join(f"{c} agtype" for c in compiled.columns)
        return CompiledQuery(
            f"SELECT * FROM cypher('g', $$ {compiled.cypher} $$) AS ({cols})",
            compiled.params,
            compiled.columns,
            compiled.returns,
        )


def test_backend_hooks_render_search_sources_ids_limit_and_wrapping() -> None:
    dialect = SearchDialect()
    assert isinstance(dialect, GraphDialect)
    where = Comparison(IdRef("n"), CompareOp.EQ, Param(1))
    src = FulltextSource(NodePattern("n", ("Post",)), "Post", Param("graph"), where=where)
    c = dialect.compile(Query((src,), ret("n", limit=5)))
    assert c.cypher == (
        "SELECT * FROM cypher('g', $$ CALL db.idx.fulltext.queryNodes($p0, $p1) YIELD node AS n "
        "WHERE elementId(n) = $p2 RETURN n LIMIT $p3 $$) AS (n agtype)"
    )
    assert c.params == {"p0": "Post", "p1": "graph", "p2": 1, "p3": 5}
    v = dialect.compile(_vector())
    assert (
        "CALL db.idx.vector.queryNodes($p0, $p1, $p2, vecf32($p3)) YIELD node AS n, score AS sim"
        in v.cypher
    )
    assert v.params == {"p0": "Doc", "p1": "emb", "p2": 3, "p3": [0.5]}


def test_dialect_protocol_and_default_instance() -> None:
    assert isinstance(D, GraphDialect)
    assert default_dialect() is default_dialect()
    assert D.supports(Capability.MULTI_LABEL)
    assert not D.supports(Capability.VECTOR_SEARCH)
    assert D.quote_identifier("name") == "`name`"
    assert D.wrap_param("point", "$p0") == "point($p0)"
    assert D.wrap_param(None, "$p0") == "$p0"
    assert D.node_id_expr("n") == "id(n)"
