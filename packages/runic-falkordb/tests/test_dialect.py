"""FalkorDBDialect: exact Cypher for FalkorDB's native features, then run on the server."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from runic.falkordb import FalkorDBDialect, FalkorDBDriver
from runic.ogm import Field, Node
from runic.ogm.core.types import GeoLocation, Vector
from runic.ogm.dialect import CypherDialect, RenderContext
from runic.ogm.driver.protocols import Capability
from runic.ogm.exceptions import InvalidIdentifierError, QueryBuildError
from runic.ogm.query.builder import select
from runic.ogm.query.ir import (
    CompareOp,
    Comparison,
    FulltextSource,
    NodePattern,
    Or,
    Param,
    Projection,
    PropRef,
    Query,
    ReturnClause,
    VarRef,
    VectorSource,
)

DIALECT = FalkorDBDialect()


class FdbPlace(Node, labels=["FdbPlace"]):
    id: str = Field(primary_key=True)
    emb: Vector = Field(default_factory=Vector)
    loc: GeoLocation | None = Field(default=None)


def _query(source: FulltextSource | VectorSource, *extra: Projection) -> Query:
    return Query((source,), ReturnClause((Projection(VarRef("n"), "n", "node"), *extra)))


def test_identity_and_capabilities() -> None:
    assert isinstance(DIALECT, CypherDialect)
    assert DIALECT.name == "falkordb"
    assert DIALECT.capabilities == {
        Capability.MULTI_LABEL,
        Capability.FULLTEXT_SEARCH,
        Capability.VECTOR_SEARCH,
        Capability.VECTOR_TYPE,
        Capability.GEO_POINT,
        Capability.INTERNED_STRINGS,
        Capability.READ_ONLY_QUERIES,
        Capability.ASYNC,
    }
    assert not DIALECT.supports(Capability.TRANSACTIONS)


@pytest.mark.parametrize(
    ("fn", "expected"),
    [
        ("vecf32", "vecf32($p0)"),
        ("point", "point($p0)"),
        ("intern", "intern($p0)"),
        (None, "$p0"),
        ("toUpper", "toUpper($p0)"),
        ("my.udf", "my.udf($p0)"),
    ],
)
def test_value_wrapping(fn: str | None, expected: str) -> None:
    assert DIALECT.wrap_param(fn, "$p0") == expected


def test_fulltext_source() -> None:
    source = FulltextSource(
        NodePattern("n", ("Post",)),
        "Post",
        Param("graph db"),
        where=Comparison(PropRef("n", "published"), CompareOp.EQ, Param(True)),
    )
    compiled = DIALECT.compile(_query(source))
    assert compiled.cypher == (
        "CALL db.idx.fulltext.queryNodes('Post', $p0) YIELD node AS n "
        "WHERE n.`published` = $p1 RETURN n"
    )
    assert compiled.params == {"p0": "graph db", "p1": True}


def test_fulltext_fields_restrict_the_query() -> None:
    source = FulltextSource(NodePattern("n", ("Post",)), "Post", Param("graph"), ("title", "body"))
    compiled = DIALECT.compile(_query(source))
    assert (
        compiled.cypher == "CALL db.idx.fulltext.queryNodes('Post', $p0) YIELD node AS n RETURN n"
    )
    assert compiled.params == {"p0": "@title|body:(graph)"}


def test_fulltext_field_names_are_checked() -> None:
    source = FulltextSource(NodePattern("n", ("Post",)), "Post", Param("x"), ("a-b",))
    with pytest.raises(QueryBuildError, match="fulltext field 'a-b'"):
        DIALECT.compile(_query(source))


def test_label_is_quoted_as_a_string_literal() -> None:
    source = FulltextSource(NodePattern("n", ("it's",)), "it's", Param("x"))
    assert DIALECT.compile(_query(source)).cypher.startswith(
        "CALL db.idx.fulltext.queryNodes('it\\'s', $p0)"
    )
    bad = FulltextSource(NodePattern("n", ("Post",)), "Po`st", Param("x"))
    with pytest.raises(InvalidIdentifierError, match="fulltext index label"):
        DIALECT.compile(_query(bad))


def test_vector_source() -> None:
    source = VectorSource(
        NodePattern("n", ("Doc",)),
        "Doc",
        "embedding",
        Param([0.5, 1.0], "vecf32"),
        3,
        score_alias="score",
        where=Comparison(PropRef("n", "lang"), CompareOp.EQ, Param("en")),
    )
    compiled = DIALECT.compile(_query(source, Projection(VarRef("score"), "score")))
    # a filter runs first (the procedure's k would be taken before any WHERE)
    assert compiled.cypher == (
        "MATCH (n:`Doc`) WHERE n.`lang` = $p0 AND n.`embedding` IS NOT NULL "
        "WITH n, vec.euclideanDistance(n.`embedding`, vecf32($p1)) AS score "
        "ORDER BY score LIMIT $p2 RETURN n, score"
    )
    assert compiled.params == {"p0": "en", "p1": [0.5, 1.0], "p2": 3}
    unfiltered = DIALECT.compile(_query(replace(source, where=None)))
    assert unfiltered.cypher == (
        "CALL db.idx.vector.queryNodes('Doc', 'embedding', 3, vecf32($p0)) "
        "YIELD node AS n, score RETURN n"
    )


def test_filtered_vector_source_cosine_and_without_score() -> None:
    either = Comparison(PropRef("d", "lang"), CompareOp.EQ, Param("en"))
    source = VectorSource(
        NodePattern("d", ("Doc",)),
        "Doc",
        "e",
        Param([1.0]),
        2,
        where=Or((either, Comparison(PropRef("d", "lang"), CompareOp.IS_NULL))),
        similarity="cosine",
    )
    query = Query((source,), ReturnClause((Projection(VarRef("d"), "d", "node"),)))
    assert DIALECT.compile(query).cypher == (
        "MATCH (d:`Doc`) WHERE (d.`lang` = $p0 OR d.`lang` IS NULL) AND d.`e` IS NOT NULL "
        "WITH d, vec.cosineDistance(d.`e`, vecf32($p1)) AS __score "
        "ORDER BY __score LIMIT $p2 RETURN d"
    )


def test_yield_aliases_other_than_the_output_names() -> None:
    source = VectorSource(NodePattern("d", ("Doc",)), "Doc", "e", Param([1.0]), 1, score_alias="s")
    query = Query((source,), ReturnClause((Projection(VarRef("d"), "d", "node"),)))
    assert DIALECT.compile(query).cypher == (
        "CALL db.idx.vector.queryNodes('Doc', 'e', 1, vecf32($p0)) "
        "YIELD node AS d, score AS s RETURN d"
    )


def test_vector_source_without_score_and_bad_k() -> None:
    source = VectorSource(NodePattern("n", ("Doc",)), "Doc", "e", Param([1.0]), 2)
    assert DIALECT.compile(_query(source)).cypher == (
        "CALL db.idx.vector.queryNodes('Doc', 'e', 2, vecf32($p0)) YIELD node AS n RETURN n"
    )
    with pytest.raises(QueryBuildError, match="k must be an integer >= 1"):
        DIALECT.compile(
            _query(VectorSource(NodePattern("n", ("Doc",)), "Doc", "e", Param([1.0]), 0))
        )


def _wait_for_indexes(driver: FalkorDBDriver) -> None:
    # FalkorDB builds indexes in the background: searches find nothing until then.
    deadline = time.monotonic() + 30
    query = "CALL db.indexes() YIELD status RETURN status"
    while any(row[0] != "OPERATIONAL" for row in driver.execute(query, write=False).rows):
        assert time.monotonic() < deadline, "FalkorDB indexes never became operational"
        time.sleep(0.02)


def test_compiled_searches_run_on_falkordb(driver: FalkorDBDriver) -> None:
    driver.execute("CALL db.idx.fulltext.createNodeIndex('Post', 'title', 'body')")
    driver.execute(
        "CREATE VECTOR INDEX FOR (d:Post) ON (d.emb) "
        "OPTIONS {dimension: 2, similarityFunction: 'euclidean'}"
    )
    _wait_for_indexes(driver)
    driver.execute(
        "UNWIND $rows AS r CREATE (p:Post {title: r.title, body: r.body, published: r.pub}) "
        "SET p.emb = vecf32(r.emb)",
        {
            "rows": [
                {"title": "graph databases", "body": "intro", "pub": True, "emb": [0.0, 0.0]},
                {"title": "cooking", "body": "a graph of recipes", "pub": True, "emb": [1.0, 0.0]},
                {"title": "graph drafts", "body": "wip", "pub": False, "emb": [5.0, 5.0]},
            ]
        },
    )

    def titles(query: Query) -> list[str]:
        compiled = DIALECT.compile(query)
        result = driver.execute(
            compiled.cypher, compiled.params, write=False, columns=compiled.columns
        )
        return sorted(row[0].properties["title"] for row in result.rows)

    published = Comparison(PropRef("n", "published"), CompareOp.EQ, Param(True))
    node = NodePattern("n", ("Post",))
    assert titles(_query(FulltextSource(node, "Post", Param("graph"), where=published))) == [
        "cooking",
        "graph databases",
    ]
    assert titles(_query(FulltextSource(node, "Post", Param("graph"), ("title",)))) == [
        "graph databases",
        "graph drafts",
    ]
    nearest = VectorSource(node, "Post", "emb", Param([0.9, 0.0]), 2, score_alias="score")
    compiled = DIALECT.compile(_query(nearest, Projection(VarRef("score"), "score")))
    rows = driver.execute(compiled.cypher, compiled.params, write=False).rows
    assert [(n.properties["title"], round(s, 3)) for n, s in rows] == [
        ("cooking", 0.1),
        ("graph databases", 0.9),
    ]


def test_native_values_through_models_and_the_builder(driver: FalkorDBDriver) -> None:
    driver.execute(
        "CREATE (:FdbPlace {id: 'a', emb: vecf32($e), loc: point($l)})",
        {"e": [1.0, 2.0], "l": {"latitude": 1.5, "longitude": 2.5}},
    )
    by_loc = select(FdbPlace).where(FdbPlace.loc == GeoLocation(1.5, 2.5)).compile(DIALECT)
    assert by_loc.cypher == "MATCH (n:`FdbPlace`) WHERE n.`loc` = point($p0) RETURN n"
    rows = driver.execute(by_loc.cypher, by_loc.params, write=False).rows
    assert [row[0].properties["id"] for row in rows] == ["a"]
    by_emb = select(FdbPlace).where(FdbPlace.emb == Vector([1.0, 2.0])).compile(DIALECT)
    assert by_emb.cypher == "MATCH (n:`FdbPlace`) WHERE n.`emb` = vecf32($p0) RETURN n"
    assert len(driver.execute(by_emb.cypher, by_emb.params, write=False).rows) == 1


def test_skip_and_limit_are_parameters_so_pages_share_one_plan() -> None:
    page1 = select(FdbPlace).order_by(FdbPlace.id).skip(0).limit(20).compile(FalkorDBDialect())
    page7 = select(FdbPlace).order_by(FdbPlace.id).skip(120).limit(20).compile(FalkorDBDialect())
    assert page1.cypher == page7.cypher
    assert page7.cypher.endswith("ORDER BY n.`id` SKIP $p0 LIMIT $p1")
    assert page7.params == {"p0": 120, "p1": 20}
    with pytest.raises(QueryBuildError, match="limit must be a non-negative integer"):
        FalkorDBDialect().render_limit(-1, RenderContext(FalkorDBDialect()))


def test_matches_runs_as_an_anchored_match_regex(driver: FalkorDBDriver) -> None:
    # FalkorDB has no =~: the dialect anchors the pattern so it matches whole strings.
    driver.execute(
        "CREATE (:FdbPlace {id: 'ab'}), (:FdbPlace {id: 'xab'}), (:FdbPlace {id: 'aab'}), "
        "(:FdbPlace {id: 'none'})"
    )
    stmt = select(FdbPlace).where(FdbPlace.id.matches("a+b")).order_by(FdbPlace.id)
    compiled = stmt.compile(DIALECT)
    assert compiled.cypher == (
        "MATCH (n:`FdbPlace`) WHERE CASE WHEN n.`id` IS NULL THEN null "
        "ELSE size(string.matchRegEx(n.`id`, $p0)) > 0 END RETURN n ORDER BY n.`id`"
    )
    assert compiled.params == {"p0": "^(?:a+b)$"}
    rows = driver.execute(compiled.cypher, compiled.params, write=False).rows
    assert [row[0].properties["id"] for row in rows] == ["aab", "ab"]
    negated = select(FdbPlace).where(~FdbPlace.id.matches("a+b")).compile(DIALECT)
    rows = driver.execute(negated.cypher, negated.params, write=False).rows
    assert sorted(row[0].properties["id"] for row in rows) == ["none", "xab"]


def test_exists_form_sends_the_limit_as_a_parameter() -> None:
    stmt = select(FdbPlace).where(FdbPlace.id == "a").order_by(FdbPlace.id).skip(3)
    compiled = stmt.to_exists().compile(DIALECT)
    assert compiled.cypher == (
        "MATCH (n:`FdbPlace`) WHERE n.`id` = $p0 RETURN true AS `found` LIMIT $p1"
    )
    assert compiled.params == {"p0": "a", "p1": 1}
    assert compiled.columns == ("found",)
