"""Every statement method compiles to the exact Cypher text and parameters expected."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from runic.ogm.core import GeoLocation, Vector
from runic.ogm.exceptions import InvalidIdentifierError, QueryBuildError, UnsupportedFeatureError
from runic.ogm.query import (
    QueryBuilder,
    ReturnItem,
    Select,
    avg,
    collect,
    count,
    fulltext_search,
    max_,
    min_,
    select,
    sum_,
    text,
    vector_search,
)
from runic.ogm.query.ir import FulltextSource, Param, VectorSource


def cy(stmt: Select[Any]) -> tuple[str, dict[str, Any]]:
    return stmt.build()


# -- basics ---------------------------------------------------------------------------


def test_select_matches_the_class_labels_as_n(m: SimpleNamespace) -> None:
    assert cy(select(m.User)) == ("MATCH (n:`QUser`) RETURN n", {})
    assert cy(select(m.Country)) == ("MATCH (n:`QLocation`:`QCountry`) RETURN n", {})
    assert select(m.User).returns == (ReturnItem("n", "node", m.User),)
    assert select(m.User).columns == ("n",)


def test_query_builder_is_the_seed_name_of_select(m: SimpleNamespace) -> None:
    assert QueryBuilder is Select
    assert isinstance(select(m.User), QueryBuilder)


def test_seed_example_where(m: SimpleNamespace) -> None:
    assert cy(select(m.User).where(m.User.active == True)) == (  # noqa: E712
        "MATCH (n:`QUser`) WHERE n.`active` = $p0 RETURN n",
        {"p0": True},
    )


@pytest.mark.parametrize(
    ("make", "text", "params"),
    [
        (lambda u: u.age == 3, "n.`age` = $p0", {"p0": 3}),
        (lambda u: u.age != 3, "n.`age` <> $p0", {"p0": 3}),
        (lambda u: u.age < 3, "n.`age` < $p0", {"p0": 3}),
        (lambda u: u.age <= 3, "n.`age` <= $p0", {"p0": 3}),
        (lambda u: u.age > 3, "n.`age` > $p0", {"p0": 3}),
        (lambda u: u.age >= 3, "n.`age` >= $p0", {"p0": 3}),
        (lambda u: u.name.contains("li"), "n.`name` CONTAINS $p0", {"p0": "li"}),
        (lambda u: u.name.startswith("A"), "n.`name` STARTS WITH $p0", {"p0": "A"}),
        (lambda u: u.name.endswith("e"), "n.`name` ENDS WITH $p0", {"p0": "e"}),
        (lambda u: u.name.matches("A.*"), "n.`name` =~ $p0", {"p0": "A.*"}),
        (lambda u: u.name.is_null(), "n.`name` IS NULL", {}),
        (lambda u: u.name.is_not_null(), "n.`name` IS NOT NULL", {}),
        (lambda u: u.name == None, "n.`name` IS NULL", {}),  # noqa: E711
        (lambda u: u.name != None, "n.`name` IS NOT NULL", {}),  # noqa: E711
        (lambda u: u.name.in_(["a", "b"]), "n.`name` IN $p0", {"p0": ["a", "b"]}),
        (lambda u: u.name.in_(("a",)), "n.`name` IN $p0", {"p0": ["a"]}),
        (lambda u: u.name.in_([]), "n.`name` IN $p0", {"p0": []}),
        (lambda u: u.name.not_in_({"z"}), "NOT (n.`name` IN $p0)", {"p0": ["z"]}),
    ],
)
def test_every_operator(m: SimpleNamespace, make: Any, text: str, params: dict[str, Any]) -> None:
    assert cy(select(m.User).where(make(m.User))) == (
        f"MATCH (n:`QUser`) WHERE {text} RETURN n",
        params,
    )


def test_and_or_not_operators(m: SimpleNamespace) -> None:
    expr = ((m.User.age > 18) & (m.User.active == True)) | ~(m.User.name == "x")  # noqa: E712
    assert cy(select(m.User).where(expr)) == (
        "MATCH (n:`QUser`) WHERE (n.`age` > $p0 AND n.`active` = $p1) OR NOT (n.`name` = $p2) "
        "RETURN n",
        {"p0": 18, "p1": True, "p2": "x"},
    )


def test_and_chains_flatten_and_double_negation_cancels(m: SimpleNamespace) -> None:
    expr = (m.User.age > 1) & (m.User.age < 9) & ~~(m.User.name == "a")
    assert cy(select(m.User).where(expr))[0] == (
        "MATCH (n:`QUser`) WHERE n.`age` > $p0 AND n.`age` < $p1 AND n.`name` = $p2 RETURN n"
    )


def test_several_where_calls_are_anded(m: SimpleNamespace) -> None:
    stmt = select(m.User).where(m.User.age > 1).where((m.User.name == "a") | (m.User.name == "b"))
    assert cy(stmt) == (
        "MATCH (n:`QUser`) WHERE n.`age` > $p0 AND (n.`name` = $p1 OR n.`name` = $p2) RETURN n",
        {"p0": 1, "p1": "a", "p2": "b"},
    )


# -- converters -----------------------------------------------------------------------


def test_datetime_and_enum_values_are_converted(m: SimpleNamespace) -> None:
    when = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    stmt = select(m.User).where((m.User.created >= when) & (m.User.status == m.Status.BANNED))
    assert cy(stmt) == (
        "MATCH (n:`QUser`) WHERE n.`created` >= $p0 AND n.`status` = $p1 RETURN n",
        {"p0": "2024-05-01T12:30:00+00:00", "p1": "banned"},
    )


def test_in_converts_every_element(m: SimpleNamespace) -> None:
    stmt = select(m.User).where(m.User.status.in_([m.Status.ACTIVE, "banned"]))
    assert cy(stmt)[1] == {"p0": ["active", "banned"]}
    stmt = select(m.User).where(m.User.status.not_in_([m.Status.BANNED]))
    assert cy(stmt) == (
        "MATCH (n:`QUser`) WHERE NOT (n.`status` IN $p0) RETURN n",
        {"p0": ["banned"]},
    )


def test_geo_values_are_converted_and_wrapped_by_the_dialect(m: SimpleNamespace) -> None:
    stmt = select(m.User).where(m.User.home == GeoLocation(52.5, 13.4))
    assert cy(stmt) == (
        "MATCH (n:`QUser`) WHERE n.`home` = point($p0) RETURN n",
        {"p0": {"latitude": 52.5, "longitude": 13.4}},
    )
    stmt = select(m.User).where(m.User.home.in_([GeoLocation(1.0, 2.0)]))
    assert cy(stmt) == (
        "MATCH (n:`QUser`) WHERE n.`home` IN [__x IN $p0 | point(__x)] RETURN n",
        {"p0": [{"latitude": 1.0, "longitude": 2.0}]},
    )


def test_vector_values_are_converted_but_not_wrapped_by_the_reference(m: SimpleNamespace) -> None:
    stmt = select(m.User).where(m.User.embedding == Vector([1, 2]))
    assert cy(stmt) == ("MATCH (n:`QUser`) WHERE n.`embedding` = $p0 RETURN n", {"p0": [1.0, 2.0]})
    param = stmt.to_ir().clauses[0].where.right  # type: ignore[union-attr]
    assert param == Param([1.0, 2.0], "vecf32")


def test_string_patterns_are_not_converted(m: SimpleNamespace) -> None:
    stmt = select(m.User).where(m.User.created.startswith("2024-") & m.User.status.contains("act"))
    assert cy(stmt)[1] == {"p0": "2024-", "p1": "act"}


def test_a_value_the_converter_refuses_names_the_field(m: SimpleNamespace) -> None:
    with pytest.raises(QueryBuildError, match=r"cannot compare User\.status with 'nope'"):
        select(m.User).where(m.User.status == "nope")


# -- alias, resolution, on= -----------------------------------------------------------


def test_alias_renames_the_root_everywhere_even_after_where(m: SimpleNamespace) -> None:
    stmt = select(m.User).where(m.User.id == "alice").order_by(m.User.name).alias("u")
    assert cy(stmt) == (
        "MATCH (u:`QUser`) WHERE u.`id` = $p0 RETURN u ORDER BY u.`name`",
        {"p0": "alice"},
    )
    assert stmt.returns == (ReturnItem("u", "node", m.User),)
    assert select(m.User).alias("n") is not None
    assert cy(select(m.User).alias("n")) == cy(select(m.User))


def test_alias_renames_the_most_recent_target(m: SimpleNamespace) -> None:
    stmt = (
        select(m.User)
        .alias("u")
        .traverse(m.User.friends)
        .alias("f")
        .where(m.User.age > 1, on="f")
        .alias("g")
    )
    assert cy(stmt)[0] == (
        "MATCH (u:`QUser`) OPTIONAL MATCH (u)-[:`Q_FRIEND`]->(g:`QUser`) WHERE g.`age` > $p0 "
        "RETURN g"
    )


def test_alias_errors(m: SimpleNamespace) -> None:
    base = select(m.User).alias("u").traverse(m.User.friends).alias("f")
    with pytest.raises(QueryBuildError, match="alias 'u' is already used in this statement"):
        base.alias("u")
    with pytest.raises(InvalidIdentifierError, match="not a valid variable name"):
        select(m.User).alias("bad name")
    with pytest.raises(InvalidIdentifierError, match="is a Cypher keyword"):
        select(m.User).alias("match")
    with pytest.raises(InvalidIdentifierError, match="reserves for generated variables"):
        select(m.User).alias("__x")


def test_inherited_field_resolves_to_subclass_alias(m: SimpleNamespace) -> None:
    # Location.name is declared on Location; a Country alias holds it too.
    stmt = select(m.Country).where(m.Country.name == "France")
    assert cy(stmt)[0] == "MATCH (n:`QLocation`:`QCountry`) WHERE n.`name` = $p0 RETURN n"
    stmt = select(m.Admin).where((m.User.name == "a") & (m.Admin.level > 2))
    assert cy(stmt)[0] == (
        "MATCH (n:`QUser`:`QAdmin`) WHERE n.`name` = $p0 AND n.`level` > $p1 RETURN n"
    )


def test_field_of_an_unrelated_class_is_an_error(m: SimpleNamespace) -> None:
    with pytest.raises(QueryBuildError) as info:
        select(m.User).where(m.Movie.title == "x")
    msg = str(info.value)
    assert "no alias in scope holds a Movie for field Movie.title" in msg
    assert "aliases in scope: n (User)" in msg
    assert "on='alias'" in msg


def test_subclass_field_does_not_resolve_to_a_base_alias(m: SimpleNamespace) -> None:
    stmt = select(m.User).traverse(m.User.lives_in).alias("l")
    with pytest.raises(QueryBuildError, match="no alias in scope holds a Country"):
        stmt.where(m.Country.code == "FR")
    # on= overrides the check
    assert cy(stmt.where(m.Country.code == "FR", on="l"))[0] == (
        "MATCH (n:`QUser`) OPTIONAL MATCH (n)-[:`Q_LIVES_IN`]->(l:`QLocation`) "
        "WHERE l.`code` = $p0 RETURN l"
    )


def test_ambiguous_field_names_the_candidates(m: SimpleNamespace) -> None:
    stmt = select(m.User).alias("u").traverse(m.User.friends).alias("f")
    with pytest.raises(QueryBuildError) as info:
        stmt.where(m.User.name == "x")
    assert "field User.name is ambiguous, aliases u, f all hold a User" in str(info.value)
    assert cy(stmt.where(m.User.name == "x", on="u"))[0] == (
        "MATCH (u:`QUser`) WHERE u.`name` = $p0 OPTIONAL MATCH (u)-[:`Q_FRIEND`]->(f:`QUser`) "
        "RETURN f"
    )


def test_per_expression_on_beats_where_on(m: SimpleNamespace) -> None:
    stmt = select(m.User).alias("u").traverse(m.User.friends).alias("f")
    stmt = stmt.where((m.User.name == "a").on("u") & (m.User.name == "b"), on="f")
    assert cy(stmt) == (
        "MATCH (u:`QUser`) OPTIONAL MATCH (u)-[:`Q_FRIEND`]->(f:`QUser`) "
        "WHERE u.`name` = $p0 AND f.`name` = $p1 RETURN f",
        {"p0": "a", "p1": "b"},
    )


def test_unknown_on_alias_names_the_known_aliases(m: SimpleNamespace) -> None:
    with pytest.raises(QueryBuildError) as info:
        select(m.User).alias("u").where(m.User.age > 1, on="x")
    assert "unknown alias 'x' in where(on=...); known aliases: u (User)" in str(info.value)


def test_where_rejects_non_expressions(m: SimpleNamespace) -> None:
    with pytest.raises(QueryBuildError, match="where\\(\\) takes an expression"):
        select(m.User).where(True)


# -- where placement ------------------------------------------------------------------


def test_filters_go_to_the_clause_binding_their_newest_alias(m: SimpleNamespace) -> None:
    stmt = (
        select(m.User)
        .alias("u")
        .traverse(m.User.rated, edge_alias="r")
        .alias("mv")
        .where(m.User.active == True, on="u")  # noqa: E712
        .where(m.Rated.score >= 4.0)
        .where(m.Movie.year > 2000)
        .where((m.User.age > 1).on("u") & (m.Movie.title != "x"))
    )
    assert cy(stmt) == (
        "MATCH (u:`QUser`) WHERE u.`active` = $p0 "
        "OPTIONAL MATCH (u)-[r:`Q_RATED`]->(mv:`QMovie`) "
        "WHERE r.`score` >= $p1 AND mv.`year` > $p2 AND u.`age` > $p3 AND mv.`title` <> $p4 "
        "RETURN mv",
        {"p0": True, "p1": 4.0, "p2": 2000, "p3": 1, "p4": "x"},
    )


def test_edge_fields_resolve_to_the_edge_alias(m: SimpleNamespace) -> None:
    when = datetime(2020, 1, 1)
    stmt = (
        select(m.User).traverse(m.User.rated, edge_alias="r").alias("mv").where(m.Rated.at < when)
    )
    assert cy(stmt) == (
        "MATCH (n:`QUser`) OPTIONAL MATCH (n)-[r:`Q_RATED`]->(mv:`QMovie`) WHERE r.`at` < $p0 "
        "RETURN mv",
        {"p0": "2020-01-01T00:00:00"},
    )


def test_where_id(m: SimpleNamespace) -> None:
    assert cy(select(m.User).where_id(7)) == (
        "MATCH (n:`QUser`) WHERE id(n) = $p0 RETURN n",
        {"p0": 7},
    )
    assert cy(select(m.User).where_id(1, 2)) == (
        "MATCH (n:`QUser`) WHERE id(n) IN $p0 RETURN n",
        {"p0": [1, 2]},
    )
    stmt = select(m.User).traverse(m.User.rated, edge_alias="r").alias("mv").where_id(3, on="r")
    assert cy(stmt)[0] == (
        "MATCH (n:`QUser`) OPTIONAL MATCH (n)-[r:`Q_RATED`]->(mv:`QMovie`) WHERE id(r) = $p0 "
        "RETURN mv"
    )
    with pytest.raises(QueryBuildError, match="where_id\\(\\) needs at least one id"):
        select(m.User).where_id()


# -- traversals -----------------------------------------------------------------------


def test_traverse_defaults_to_optional_and_returns_the_target(m: SimpleNamespace) -> None:
    stmt = select(m.User).alias("u").traverse(m.User.friends).alias("f")
    assert cy(stmt) == (
        "MATCH (u:`QUser`) OPTIONAL MATCH (u)-[:`Q_FRIEND`]->(f:`QUser`) RETURN f",
        {},
    )
    assert stmt.returns == (ReturnItem("f", "node", m.User),)


def test_required_traverse_and_directions(m: SimpleNamespace) -> None:
    assert cy(select(m.User).traverse(m.User.followers, optional=False).alias("f"))[0] == (
        "MATCH (n:`QUser`) MATCH (n)<-[:`Q_FOLLOWS`]-(f:`QUser`) RETURN f"
    )
    assert cy(select(m.User).traverse(m.User.knows).alias("k"))[0] == (
        "MATCH (n:`QUser`) OPTIONAL MATCH (n)-[:`Q_KNOWS`]-(k:`QUser`) RETURN k"
    )


def test_traverse_with_edge_alias_and_return_nodes_and_edge(m: SimpleNamespace) -> None:
    stmt = (
        select(m.User)
        .alias("u")
        .traverse(m.User.rated, edge_alias="r")
        .alias("mv")
        .return_nodes("u", "mv")
        .return_edge("r")
    )
    assert cy(stmt)[0] == (
        "MATCH (u:`QUser`) OPTIONAL MATCH (u)-[r:`Q_RATED`]->(mv:`QMovie`) RETURN u, r, mv"
    )
    assert stmt.returns == (
        ReturnItem("u", "node", m.User),
        ReturnItem("r", "edge", m.Rated),
        ReturnItem("mv", "node", m.Movie),
    )
    # edge first, then nodes: same result; reversed node order puts the edge after mv
    assert stmt.columns == ("u", "r", "mv")
    other = select(m.User).alias("u").traverse(m.User.rated, edge_alias="r").alias("mv")
    assert other.return_edge("r").return_nodes("mv", "u").columns == ("mv", "r", "u")
    assert other.return_edge("r").columns == ("r",)


def test_chained_traversals_start_from_the_most_recent_compatible_alias(
    m: SimpleNamespace,
) -> None:
    stmt = (
        select(m.User)
        .alias("u")
        .traverse(m.User.friends)
        .alias("f")
        .traverse(m.User.friends)
        .alias("ff")
        .traverse(m.User.rated)
        .alias("mv")
    )
    # mv holds a Movie, and three aliases hold a User: the source must be named
    with pytest.raises(QueryBuildError, match="several aliases \\(u, f, ff\\) hold a User"):
        stmt.traverse(m.User.friends)
    stmt2 = (
        select(m.User)
        .alias("u")
        .traverse(m.User.friends)
        .alias("f")
        .traverse(m.User.friends)
        .alias("ff")
        .traverse(m.User.friends, source="u")
        .alias("g")
    )
    assert cy(stmt2)[0] == (
        "MATCH (u:`QUser`) OPTIONAL MATCH (u)-[:`Q_FRIEND`]->(f:`QUser`) "
        "OPTIONAL MATCH (f)-[:`Q_FRIEND`]->(ff:`QUser`) "
        "OPTIONAL MATCH (u)-[:`Q_FRIEND`]->(g:`QUser`) RETURN g"
    )


def test_traversal_source_falls_back_to_the_only_compatible_alias(m: SimpleNamespace) -> None:
    stmt = (
        select(m.User)
        .alias("u")
        .traverse(m.User.rated)
        .alias("mv")
        .traverse(m.User.friends)
        .alias("f")
    )
    assert cy(stmt)[0] == (
        "MATCH (u:`QUser`) OPTIONAL MATCH (u)-[:`Q_RATED`]->(mv:`QMovie`) "
        "OPTIONAL MATCH (u)-[:`Q_FRIEND`]->(f:`QUser`) RETURN f"
    )


def test_traversal_errors(m: SimpleNamespace) -> None:
    with pytest.raises(QueryBuildError, match=r"takes a Relation\(\) field such as User\.friends"):
        select(m.User).traverse(m.User.name)
    with pytest.raises(QueryBuildError, match="no alias in scope holds a User to traverse"):
        select(m.Movie).traverse(m.User.friends)
    with pytest.raises(QueryBuildError, match="alias 'n' is already used"):
        select(m.User).traverse(m.User.friends).alias("n")
    with pytest.raises(QueryBuildError, match="alias 'n' is already used"):
        select(m.User).traverse(m.User.rated, edge_alias="n")
    with pytest.raises(QueryBuildError, match="used for both the edge and the target node"):
        select(m.User).traverse(m.User.rated, edge_alias="r").alias("r")
    with pytest.raises(QueryBuildError, match="unknown alias 'zz' in traverse\\(\\) source"):
        select(m.User).traverse(m.User.friends, source="zz")
    with pytest.raises(QueryBuildError, match="alias 'mv' holds Movie, which has no relation"):
        select(m.User).traverse(m.User.rated).alias("mv").traverse(m.User.friends, source="mv")


def test_relation_fields_cannot_be_compared(m: SimpleNamespace) -> None:
    with pytest.raises(
        QueryBuildError, match=r"User\.friends is a relation and cannot be compared"
    ):
        m.User.friends == "x"  # noqa: B015


def test_traversal_step_forwards_statement_methods_with_a_generated_alias(
    m: SimpleNamespace,
) -> None:
    stmt = (
        select(m.User)
        .alias("u")
        .traverse(m.User.friends)
        .aggregate(count("*").as_("friend_count"), group_by="u")
    )
    assert cy(stmt)[0] == (
        "MATCH (u:`QUser`) OPTIONAL MATCH (u)-[:`Q_FRIEND`]->(friends:`QUser`) "
        "RETURN u, count(*) AS `friend_count`"
    )
    # the relation name is taken: fall back to t1
    taken = select(m.User).alias("friends").traverse(m.User.friends).statement
    assert taken.last_alias == "t1"
    step = select(m.User).traverse(m.User.friends)
    assert step.source_alias == "n"
    with pytest.raises(AttributeError):
        step._missing  # noqa: B018


def test_repeat_renders_variable_length_required_by_default(m: SimpleNamespace) -> None:
    stmt = (
        select(m.User)
        .alias("p")
        .where(m.User.id == "x")
        .repeat(m.User.parent, min_hops=1, max_hops=5)
        .alias("anc")
    )
    assert cy(stmt) == (
        "MATCH (p:`QUser`) WHERE p.`id` = $p0 MATCH (p)-[:`Q_PARENT`*1..5]->(anc:`QUser`) "
        "RETURN anc",
        {"p0": "x"},
    )
    assert cy(select(m.User).repeat(m.User.friends, optional=True).alias("t"))[0] == (
        "MATCH (n:`QUser`) OPTIONAL MATCH (n)-[:`Q_FRIEND`*1..]->(t:`QUser`) RETURN t"
    )
    assert cy(select(m.User).repeat(m.User.friends, min_hops=0, max_hops=2).alias("t"))[0] == (
        "MATCH (n:`QUser`) MATCH (n)-[:`Q_FRIEND`*0..2]->(t:`QUser`) RETURN t"
    )


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"min_hops": -1}, "min_hops must be an integer >= 0, got -1"),
        ({"min_hops": True}, "min_hops must be an integer >= 0, got True"),
        ({"min_hops": 3, "max_hops": 2}, "max_hops must be None or an integer >= max"),
        ({"min_hops": 0, "max_hops": 0}, "max_hops must be None or an integer >= max"),
    ],
)
def test_repeat_rejects_bad_hops(m: SimpleNamespace, kw: dict[str, Any], message: str) -> None:
    with pytest.raises(QueryBuildError, match=message.replace("(", r"\(")):
        select(m.User).repeat(m.User.friends, **kw)


# -- WITH -----------------------------------------------------------------------------


def test_with_pipes_aliases_and_later_filters_attach_to_it(m: SimpleNamespace) -> None:
    stmt = (
        select(m.User)
        .alias("u")
        .where(m.User.active == True)  # noqa: E712
        .with_("u")
        .where(m.User.age > 3)
        .traverse(m.User.rated)
        .alias("p")
        .return_target("p")
    )
    assert cy(stmt) == (
        "MATCH (u:`QUser`) WHERE u.`active` = $p0 WITH u WHERE u.`age` > $p1 "
        "OPTIONAL MATCH (u)-[:`Q_RATED`]->(p:`QMovie`) RETURN p",
        {"p0": True, "p1": 3},
    )


def test_with_drops_other_aliases_from_scope(m: SimpleNamespace) -> None:
    stmt = select(m.User).alias("u").traverse(m.User.friends).alias("f").with_("u")
    assert stmt.scope == ("u",)
    assert cy(stmt)[0] == (
        "MATCH (u:`QUser`) OPTIONAL MATCH (u)-[:`Q_FRIEND`]->(f:`QUser`) WITH u RETURN u"
    )
    with pytest.raises(QueryBuildError) as info:
        stmt.return_target("f")
    assert "alias 'f' in return_target() is no longer in scope after with_(); in scope: u" in str(
        info.value
    )
    with pytest.raises(QueryBuildError, match="unknown alias 'zz' in with_\\(\\)"):
        stmt.with_("zz")
    with pytest.raises(QueryBuildError, match="with_\\(\\) needs at least one alias"):
        stmt.with_()
    with pytest.raises(QueryBuildError, match="repeated alias"):
        stmt.with_("u", "u")


def test_order_by_an_alias_dropped_by_with_is_caught(m: SimpleNamespace) -> None:
    stmt = select(m.User).alias("u").traverse(m.User.friends).alias("f")
    with pytest.raises(QueryBuildError, match=r"order_by\(\): field User\.name is ambiguous"):
        stmt.order_by(m.User.name)
    ordered = select(m.User).alias("u").traverse(m.User.rated).alias("mv").order_by(m.Movie.title)
    with pytest.raises(QueryBuildError, match="'mv' in RETURN/ORDER BY is no longer in scope"):
        ordered.with_("u").build()


# -- order, paging, distinct ----------------------------------------------------------


def test_order_by_skip_limit_distinct(m: SimpleNamespace) -> None:
    stmt = (
        select(m.User)
        .order_by(m.User.age, desc=True)
        .order_by(m.User.name)
        .order_by("n.created DESC")
        .skip(20)
        .limit(10)
        .distinct()
    )
    assert cy(stmt) == (
        "MATCH (n:`QUser`) RETURN DISTINCT n ORDER BY n.`age` DESC, n.`name`, n.`created` DESC "
        "SKIP 20 LIMIT 10",
        {},
    )


def test_string_order_by_with_desc_flag(m: SimpleNamespace) -> None:
    assert cy(select(m.User).order_by("n.age", desc=True))[0] == (
        "MATCH (n:`QUser`) RETURN n ORDER BY n.`age` DESC"
    )
    assert cy(select(m.User).order_by("n.`first name` asc", "n.age descending"))[0] == (
        "MATCH (n:`QUser`) RETURN n ORDER BY n.`first name`, n.`age` DESC"
    )
    with pytest.raises(QueryBuildError, match="asks for both orders"):
        select(m.User).order_by("n.age ASC", desc=True)


def test_order_by_several_keys_and_pairs(m: SimpleNamespace) -> None:
    stmt = select(m.User).order_by((m.User.age, True), m.User.name, ("n.status", False))
    assert cy(stmt)[0] == ("MATCH (n:`QUser`) RETURN n ORDER BY n.`age` DESC, n.`name`, n.`status`")
    assert cy(select(m.User).order_by(m.User.age, m.User.name, desc=True))[0] == (
        "MATCH (n:`QUser`) RETURN n ORDER BY n.`age` DESC, n.`name` DESC"
    )
    with pytest.raises(QueryBuildError, match=r"takes \(key, desc\) pairs"):
        select(m.User).order_by((m.User.age, "desc"))
    with pytest.raises(QueryBuildError, match="needs at least one key"):
        select(m.User).order_by()


def test_order_by_text_is_inserted_verbatim(m: SimpleNamespace) -> None:
    stmt = (
        select(m.User)
        .order_by(text("size(n.tags) DESC, n.name"))
        .order_by(text("n.age"), desc=True)
    )
    assert cy(stmt) == (
        "MATCH (n:`QUser`) RETURN n ORDER BY size(n.tags) DESC, n.name, n.age DESC",
        {},
    )


INJECTIONS = [
    # the sort key that deleted every node on ArcadeDB and AGE
    "n.name UNION MATCH (x) DETACH DELETE x RETURN x",
    "n.name DESC UNION MATCH (x) DETACH DELETE x RETURN x AS n",
    "n.name; MATCH (x) DETACH DELETE x",
    "n.`name` UNION MATCH (x) DETACH DELETE x RETURN x",
    "n.`a` + n.`b`",
    "n.name // comment",
    "n.name\nUNION MATCH (x) DELETE x",
    "size(n.name)",
    "n.name, n.age",
    "-n.age",
    "n..name",
    "n.`a`b`",
]


@pytest.mark.parametrize("key", INJECTIONS)
def test_order_by_refuses_cypher_in_a_string(m: SimpleNamespace, key: str) -> None:
    with pytest.raises(QueryBuildError) as exc:
        select(m.User).order_by(key)
    assert str(exc.value) == (
        f"order_by() got {key!r}: a string must be an alias or result column ('score'), "
        "or 'alias.property' with an optional ASC or DESC ('n.age DESC'); use a model field "
        "(User.age), or wrap Cypher you wrote yourself in text('...') (inserted verbatim, "
        "never escaped: never build it from user input)"
    )


@pytest.mark.parametrize("key", INJECTIONS)
def test_project_group_by_and_aggregates_refuse_cypher_in_a_string(
    m: SimpleNamespace, key: str
) -> None:
    with pytest.raises(QueryBuildError, match=r"^project\(\) got .*text\('\.\.\.'\)"):
        select(m.User).project(key)
    with pytest.raises(QueryBuildError, match=r"^aggregate\(group_by=\.\.\.\) got "):
        select(m.User).aggregate(count(), group_by=key)
    with pytest.raises(QueryBuildError, match=r"^sum\(\) got .*text\('\.\.\.'\)"):
        select(m.User).aggregate(sum_(key))


def test_string_keys_name_aliases_in_scope(m: SimpleNamespace) -> None:
    with pytest.raises(QueryBuildError, match=r"^unknown alias 'x' in order_by\(\) on 'x.age'"):
        select(m.User).order_by("x.age")
    with pytest.raises(QueryBuildError, match=r"^unknown alias 'x' in project\(\)"):
        select(m.User).project("x")
    with pytest.raises(QueryBuildError, match=r"^unknown alias 'x' in count\(\)"):
        select(m.User).aggregate(count("x"))
    # a bare word that is no alias is a result column
    stmt = select(m.User).aggregate(count().as_("total"), group_by="n.city").order_by("total DESC")
    assert cy(stmt)[0] == (
        "MATCH (n:`QUser`) RETURN n.`city` AS `n.city`, count(*) AS `total` ORDER BY total DESC"
    )


@pytest.mark.parametrize("bad", [-1, 1.0, "3", True, None])
def test_limit_and_skip_reject_non_counts(m: SimpleNamespace, bad: Any) -> None:
    with pytest.raises(QueryBuildError, match="limit\\(\\) takes an integer >= 0"):
        select(m.User).limit(bad)
    with pytest.raises(QueryBuildError, match="skip\\(\\) takes an integer >= 0"):
        select(m.User).skip(bad)


def test_order_by_rejects_relations_and_empty_strings(m: SimpleNamespace) -> None:
    with pytest.raises(QueryBuildError, match="order_by\\(\\) takes a property field"):
        select(m.User).order_by(m.User.friends)
    with pytest.raises(QueryBuildError, match="order_by\\(\\) got '  ': a string must"):
        select(m.User).order_by("  ")
    with pytest.raises(QueryBuildError, match="text\\(\\) got an empty string"):
        text(" ")


# -- returns --------------------------------------------------------------------------


def test_return_target_defaults_to_the_last_alias(m: SimpleNamespace) -> None:
    stmt = select(m.User).alias("u").traverse(m.User.friends).alias("f")
    assert cy(stmt.return_target("u"))[0].endswith("RETURN u")
    assert cy(stmt.return_target("u").return_target())[0].endswith("RETURN f")
    with pytest.raises(QueryBuildError, match="unknown alias 'x' in return_target\\(\\)"):
        stmt.return_target("x")
    edge = select(m.User).traverse(m.User.rated, edge_alias="r").alias("mv")
    with pytest.raises(QueryBuildError, match="'r' in return_target\\(\\) is an edge, not a node"):
        edge.return_target("r")
    with pytest.raises(QueryBuildError, match="'mv' in return_edge\\(\\) is a node, not an edge"):
        edge.return_edge("mv")
    with pytest.raises(QueryBuildError, match="already returned"):
        edge.return_edge("r").return_edge("r")
    with pytest.raises(QueryBuildError, match="return_nodes\\(\\) needs at least one alias"):
        edge.return_nodes()


def test_project_fields_aliases_and_raw_text(m: SimpleNamespace) -> None:
    stmt = select(m.User).project(
        m.User.name, m.User.age, "n", "n.city", text("size(n.name) AS len"), "n.bio AS about"
    )
    assert cy(stmt)[0] == (
        "MATCH (n:`QUser`) RETURN n.`name` AS `name`, n.`age` AS `age`, n, "
        "n.`city` AS `n.city`, size(n.name) AS len, n.`bio` AS `about`"
    )
    assert stmt.returns == (
        ReturnItem("name", "value"),
        ReturnItem("age", "value"),
        ReturnItem("n", "node", m.User),
        ReturnItem("n.city", "value"),
        ReturnItem("len", "value"),
        ReturnItem("about", "value"),
    )


def test_project_same_property_name_of_two_aliases_gets_prefixed_columns(
    m: SimpleNamespace,
) -> None:
    stmt = (
        select(m.User)
        .traverse(m.User.lives_in)
        .alias("l")
        .project(m.User.name, m.Location.name, m.User.age)
    )
    assert cy(stmt)[0] == (
        "MATCH (n:`QUser`) OPTIONAL MATCH (n)-[:`Q_LIVES_IN`]->(l:`QLocation`) "
        "RETURN n.`name` AS `n_name`, l.`name` AS `l_name`, n.`age` AS `age`"
    )
    assert stmt.columns == ("n_name", "l_name", "age")


def test_project_ambiguous_field(m: SimpleNamespace) -> None:
    stmt = select(m.User).alias("u").traverse(m.User.friends).alias("f")
    with pytest.raises(QueryBuildError, match=r"project\(\): field User\.name is ambiguous"):
        stmt.project(m.User.name)


def test_project_clashing_columns(m: SimpleNamespace) -> None:
    base = select(m.User).alias("u").traverse(m.User.rated).alias("mv")
    with pytest.raises(QueryBuildError, match="two result columns are named 'name'"):
        base.project(m.User.name, m.Movie.title, "mv.title AS name")


def test_project_errors(m: SimpleNamespace) -> None:
    with pytest.raises(QueryBuildError, match="project\\(\\) needs at least one field"):
        select(m.User).project()
    with pytest.raises(QueryBuildError, match="project\\(\\) takes property fields"):
        select(m.User).project(m.User.friends)
    with pytest.raises(QueryBuildError, match="project\\(\\) got an empty string"):
        select(m.User).project("")


def test_aggregate_functions_and_group_by(m: SimpleNamespace) -> None:
    stmt = select(m.User).aggregate(
        count(),
        count(m.User.name, distinct=True),
        avg(m.User.age).as_("average_age"),
        sum_(m.User.age),
        min_(m.User.age),
        max_(m.User.age),
        collect(m.User.name, distinct=True).as_("names"),
        collect("n"),
        group_by=[m.User.status, "n.city"],
    )
    assert cy(stmt)[0] == (
        "MATCH (n:`QUser`) RETURN n.`status` AS `status`, n.`city` AS `n.city`, "
        "count(*) AS `count`, count(DISTINCT n.`name`) AS `count_name`, "
        "avg(n.`age`) AS `average_age`, "
        "sum(n.`age`) AS `sum_age`, min(n.`age`) AS `min_age`, max(n.`age`) AS `max_age`, "
        "collect(DISTINCT n.`name`) AS `names`, collect(n) AS `collect_n`"
    )
    assert stmt.columns == (
        "status",
        "n.city",
        "count",
        "count_name",
        "average_age",
        "sum_age",
        "min_age",
        "max_age",
        "names",
        "collect_n",
    )


def test_aggregate_seed_examples(m: SimpleNamespace) -> None:
    assert cy(select(m.User).aggregate(avg(m.User.age).as_("average_age")))[0] == (
        "MATCH (n:`QUser`) RETURN avg(n.`age`) AS `average_age`"
    )
    stmt = select(m.User).aggregate(count("*").as_("total"), group_by="n.city")
    assert cy(stmt)[0] == "MATCH (n:`QUser`) RETURN n.`city` AS `n.city`, count(*) AS `total`"
    assert stmt.returns == (ReturnItem("n.city", "value"), ReturnItem("total", "value"))
    grouped = select(m.User).alias("u").traverse(m.User.friends).alias("f")
    grouped = grouped.aggregate(count("f").as_("friends"), group_by="u")
    assert cy(grouped)[0] == (
        "MATCH (u:`QUser`) OPTIONAL MATCH (u)-[:`Q_FRIEND`]->(f:`QUser`) "
        "RETURN u, count(f) AS `friends`"
    )
    assert grouped.returns[0] == ReturnItem("u", "node", m.User)


def test_aggregate_raw_argument_and_errors(m: SimpleNamespace) -> None:
    assert cy(select(m.User).aggregate(sum_(text("n.age * 2")).as_("x")))[0] == (
        "MATCH (n:`QUser`) RETURN sum(n.age * 2) AS `x`"
    )
    assert cy(select(m.User).aggregate(sum_("n.age")))[0] == (
        "MATCH (n:`QUser`) RETURN sum(n.`age`) AS `sum_age`"
    )
    with pytest.raises(QueryBuildError, match="needs at least one aggregation"):
        select(m.User).aggregate()
    with pytest.raises(QueryBuildError, match="aggregate\\(\\) takes count\\(\\)"):
        select(m.User).aggregate(m.User.age)
    with pytest.raises(QueryBuildError, match="two result columns are named 'count'"):
        select(m.User).aggregate(count(), count())
    with pytest.raises(QueryBuildError, match="group_by"):
        select(m.User).aggregate(count(), group_by=3)
    with pytest.raises(QueryBuildError, match="avg\\(\\*\\) is not valid Cypher"):
        avg("*")
    with pytest.raises(QueryBuildError, match=r"cannot aggregate the relation User\.friends"):
        count(m.User.friends)
    with pytest.raises(QueryBuildError, match="takes a model field, an alias"):
        avg(3)
    with pytest.raises(InvalidIdentifierError):
        count().as_("bad`name")


def test_order_by_after_aggregate_uses_the_column(m: SimpleNamespace) -> None:
    stmt = select(m.User).aggregate(count().as_("c"), group_by=m.User.name).order_by(m.User.name)
    assert cy(stmt)[0] == (
        "MATCH (n:`QUser`) RETURN n.`name` AS `name`, count(*) AS `c` ORDER BY `name`"
    )


# -- derived forms for the session ----------------------------------------------------


def test_to_count_ignores_order_skip_limit(m: SimpleNamespace) -> None:
    stmt = select(m.User).where(m.User.age > 3).order_by(m.User.name).skip(5).limit(10)
    count_stmt = stmt.to_count()
    assert cy(count_stmt) == (
        "MATCH (n:`QUser`) WHERE n.`age` > $p0 RETURN count(n) AS `count`",
        {"p0": 3},
    )
    assert count_stmt.returns == (ReturnItem("count", "value"),)
    assert count_stmt.to_count() is count_stmt
    assert cy(stmt)[0].endswith("ORDER BY n.`name` SKIP 5 LIMIT 10")


def test_to_count_of_a_traversal_counts_targets(m: SimpleNamespace) -> None:
    stmt = select(m.User).traverse(m.User.friends).alias("f").distinct().to_count()
    assert cy(stmt)[0] == (
        "MATCH (n:`QUser`) OPTIONAL MATCH (n)-[:`Q_FRIEND`]->(f:`QUser`) "
        "RETURN count(DISTINCT f) AS `count`"
    )


def test_to_count_of_an_aggregate_counts_groups(m: SimpleNamespace) -> None:
    stmt = select(m.User).aggregate(count(), group_by="n.city").to_count()
    assert cy(stmt)[0] == (
        "MATCH (n:`QUser`) WITH n.`city` AS `__c0`, count(*) AS `__c1` RETURN count(*) AS `count`"
    )


def test_to_first_limits_to_one_row(m: SimpleNamespace) -> None:
    stmt = select(m.User).order_by(m.User.name).skip(2)
    assert cy(stmt.to_first())[0] == "MATCH (n:`QUser`) RETURN n ORDER BY n.`name` SKIP 2 LIMIT 1"
    assert cy(stmt.limit(50).to_first())[0].endswith("LIMIT 1")
    zero = stmt.limit(0)
    assert zero.to_first() is zero


# -- search sources -------------------------------------------------------------------


def test_fulltext_search_builds_a_fulltext_root(m: SimpleNamespace) -> None:
    stmt = fulltext_search(m.User, query="graph databases", fields=[m.User.bio, "name"]).where(
        m.User.active == True  # noqa: E712
    )
    clause = stmt.to_ir().clauses[0]
    assert isinstance(clause, FulltextSource)
    assert clause.index_label == "QUser"
    assert clause.query == Param("graph databases")
    assert clause.fields == ("bio", "name")
    assert clause.where is not None
    with pytest.raises(UnsupportedFeatureError, match="fulltext search is not supported on cypher"):
        stmt.build()
    with pytest.raises(QueryBuildError, match="'nope' is not a property of User"):
        fulltext_search(m.User, query="x", fields=["nope"])
    with pytest.raises(QueryBuildError, match="must be a str"):
        fulltext_search(m.User, query=3)  # type: ignore[arg-type]


def test_vector_search_builds_a_vector_root(m: SimpleNamespace) -> None:
    stmt = vector_search(m.User, field=m.User.embedding, vector=[1, 2], k=5, score_alias="score")
    stmt = stmt.order_by("score").project("n", "score")
    clause = stmt.to_ir().clauses[0]
    assert isinstance(clause, VectorSource)
    assert (clause.index_label, clause.prop, clause.k, clause.score_alias) == (
        "QUser",
        "embedding",
        5,
        "score",
    )
    assert clause.vector == Param([1.0, 2.0], "vecf32")
    assert stmt.returns == (ReturnItem("n", "node", m.User), ReturnItem("score", "value"))
    with pytest.raises(UnsupportedFeatureError, match="vector search is not supported on cypher"):
        stmt.build()


def test_vector_search_errors(m: SimpleNamespace) -> None:
    with pytest.raises(QueryBuildError, match=r"User\.name has no vector index"):
        vector_search(m.User, field=m.User.name, vector=[1.0])
    with pytest.raises(QueryBuildError, match=r"k=\.\.\.\) must be an integer >= 1"):
        vector_search(m.User, field=m.User.embedding, vector=[1.0], k=0)
    with pytest.raises(QueryBuildError, match=r"Movie\.title is not a field of User"):
        vector_search(m.User, field=m.Movie.title, vector=[1.0])
    with pytest.raises(QueryBuildError, match="takes a property field"):
        vector_search(m.User, field=m.User.friends, vector=[1.0])


# -- misc -----------------------------------------------------------------------------


def test_select_requires_a_node_class() -> None:
    from runic.ogm.exceptions import MetadataError

    class Plain:
        pass

    with pytest.raises(MetadataError, match="is not a registered Node class"):
        select(Plain)


def test_repr_names_class_and_scope(m: SimpleNamespace) -> None:
    assert repr(select(m.User).alias("u")) == "<Select[User] aliases=u>"
    assert "call .alias(name)" in repr(select(m.User).traverse(m.User.friends))


def test_filter_on_a_generated_key_compares_the_database_id() -> None:
    from runic.ogm import Field, Node, default_metadata

    snap = default_metadata.snapshot()
    try:

        class QTicket(Node, labels=["QTicket"]):
            id: int | None = Field(primary_key=True, generated=True, default=None)
            title: str = ""

        assert select(QTicket).where(QTicket.id == 5).build() == (
            "MATCH (n:`QTicket`) WHERE id(n) = $p0 RETURN n",
            {"p0": 5},
        )
        assert select(QTicket).where(QTicket.id.in_([1, 2])).build() == (
            "MATCH (n:`QTicket`) WHERE id(n) IN $p0 RETURN n",
            {"p0": [1, 2]},
        )
    finally:
        default_metadata.restore(snap)
