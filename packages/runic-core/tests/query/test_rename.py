"""alias() renames a variable through every part of the statement; edge-case errors."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

import pytest

from runic.ogm.exceptions import QueryBuildError
from runic.ogm.query import collect, count, select, text, vector_search
from runic.ogm.query.expressions import Expr
from runic.ogm.query.ir import (
    Aggregate,
    And,
    CompareOp,
    Comparison,
    MatchNode,
    NodePattern,
    Not,
    Or,
    OrderItem,
    Param,
    Projection,
    PropRef,
    Query,
    Raw,
    ReturnClause,
    VarRef,
    VectorSource,
    WithClause,
    rename_alias,
)


def test_rename_reaches_predicates_with_projections_and_order(m: SimpleNamespace) -> None:
    stmt = (
        select(m.User)
        .where(((m.User.age > 1) | (m.User.age < 0)) & ~(m.User.name == "x"))
        .with_("n")
        .where(m.User.active == True)  # noqa: E712
        .aggregate(count(m.User.name), collect("n").as_("all"), group_by=["n", m.User.age])
        .order_by(m.User.age)
        .alias("u")
    )
    assert stmt.build() == (
        "MATCH (u:`QUser`) WHERE (u.`age` > $p0 OR u.`age` < $p1) AND NOT (u.`name` = $p2) "
        "WITH u WHERE u.`active` = $p3 "
        "RETURN u, u.`age` AS `age`, count(u.`name`) AS `count_name`, collect(u) AS `all` "
        "ORDER BY `age`",
        {"p0": 1, "p1": 0, "p2": "x", "p3": True},
    )
    assert stmt.columns == ("u", "age", "count_name", "all")


def test_rename_keeps_raw_text(m: SimpleNamespace) -> None:
    stmt = select(m.User).project(text("n.name")).order_by(text("n.age")).alias("u")
    # raw Cypher is the developer's own text: it is not rewritten
    assert stmt.build()[0] == "MATCH (u:`QUser`) RETURN n.name ORDER BY n.age"


def test_rename_follows_alias_property_strings(m: SimpleNamespace) -> None:
    # validated 'alias.property' strings are references, renamed with the alias
    stmt = select(m.User).project("n.name").order_by("n.age DESC").alias("u")
    assert stmt.build()[0] == (
        "MATCH (u:`QUser`) RETURN u.`name` AS `n.name` ORDER BY u.`age` DESC"
    )


def test_rename_of_vector_root_and_score(m: SimpleNamespace) -> None:
    stmt = vector_search(m.User, field=m.User.embedding, vector=[1.0], score_alias="s").alias("d")
    clause = stmt.to_ir().clauses[0]
    assert isinstance(clause, VectorSource)
    assert clause.node.alias == "d"
    assert clause.score_alias == "s"
    ir = rename_alias(clause, "s", "score")
    assert ir.score_alias == "score"


def test_rename_alias_on_whole_queries_and_nodes() -> None:
    pred = And(
        (
            Or((Comparison(PropRef("a", "x"), CompareOp.EQ, Param(1)),)),
            Not(Comparison(PropRef("b", "x"), CompareOp.IS_NULL)),
        )
    )
    q = Query(
        (
            MatchNode(NodePattern("a", ("L",)), where=pred),
            WithClause((Projection(VarRef("a"), "a", "node"),)),
        ),
        ReturnClause(
            (
                Projection(VarRef("a"), "a", "node"),
                Projection(Aggregate("count", VarRef("a")), "c"),
                Projection(Aggregate("count"), "d"),
                Projection(Raw("a.x"), "a.x"),
            ),
            order_by=(OrderItem(PropRef("a", "y")),),
        ),
    )
    renamed = rename_alias(q, "a", "z")
    assert isinstance(renamed, Query)
    assert renamed.clauses[0] == MatchNode(
        NodePattern("z", ("L",)),
        where=And(
            (
                Or((Comparison(PropRef("z", "x"), CompareOp.EQ, Param(1)),)),
                Not(Comparison(PropRef("b", "x"), CompareOp.IS_NULL)),
            )
        ),
    )
    assert renamed.clauses[1] == WithClause((Projection(VarRef("z"), "z", "node"),))
    assert renamed.columns == ("z", "c", "d", "a.x")
    assert renamed.ret.items[3].expr == Raw("a.x")
    assert renamed.ret.order_by == (OrderItem(PropRef("z", "y")),)
    with pytest.raises(TypeError, match="not a query IR node"):
        rename_alias(object(), "a", "b")


def test_string_operator_converts_non_string_values(m: SimpleNamespace) -> None:
    stmt = select(m.User).where(m.User.created.startswith(datetime(2024, 1, 2)))
    assert stmt.build()[1] == {"p0": "2024-01-02T00:00:00"}


def test_statement_edge_case_errors(m: SimpleNamespace) -> None:
    stmt = select(m.User).traverse(m.User.rated, edge_alias="r").alias("mv").with_("r")
    with pytest.raises(QueryBuildError, match="alias\\(\\): there is no node variable to rename"):
        stmt.alias("x")
    with pytest.raises(QueryBuildError, match="where_id\\(\\): there is no node variable"):
        stmt.where_id(1)
    with pytest.raises(QueryBuildError, match="return_target\\(\\): no node variable is in scope"):
        stmt.return_target()
    with pytest.raises(QueryBuildError, match="the statement has nothing to return"):
        stmt.build()
    assert stmt.return_edge("r").build()[0].endswith("WITH r RETURN r")
    with pytest.raises(QueryBuildError, match="takes an alias name \\(str\\), got 3"):
        select(m.User).return_target(3)  # type: ignore[arg-type]
    with pytest.raises(QueryBuildError, match="an alias must be a str, got 3"):
        select(m.User).alias(3)  # type: ignore[arg-type]
    with pytest.raises(QueryBuildError, match="unknown alias 'q'; known aliases: n \\(User\\)"):
        select(m.User).binding("q")
    scored = vector_search(m.User, field=m.User.embedding, vector=[1.0], score_alias="s")
    with pytest.raises(QueryBuildError, match="where_id\\(\\): alias 's' is a value"):
        scored.where_id(1, on="s")
    with pytest.raises(QueryBuildError, match="clashes with the node alias"):
        vector_search(m.User, field=m.User.embedding, vector=[1.0], score_alias="n")

    class Weird(Expr):
        __slots__ = ()

    with pytest.raises(QueryBuildError, match="unsupported expression"):
        select(m.User).where(Weird())


def test_generated_traversal_alias_is_the_relation_name_or_t_n(m: SimpleNamespace) -> None:
    # "parent" is a valid alias: used as is; when taken -> t1, then t2
    stmt = select(m.User).traverse(m.User.parent).statement
    assert stmt.last_alias == "parent"
    stmt = stmt.traverse(m.User.parent).statement.traverse(m.User.parent).statement
    assert stmt.aliases == ("n", "parent", "t1", "t2")
    # "order" is a Cypher keyword: never used as a variable
    sequel = select(m.Movie).traverse(m.Movie.order).where(m.Movie.year > 1, on="n")
    assert sequel.build()[0] == (
        "MATCH (n:`QMovie`) WHERE n.`year` > $p0 "
        "OPTIONAL MATCH (n)-[:`Q_SEQUEL`]->(t1:`QMovie`) RETURN t1"
    )
