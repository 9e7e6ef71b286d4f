"""Compile-level tests: the exact Cypher of every difference between the Bolt dialects.

Neo4j and Memgraph have no server here; these tests pin down what their
dialects send. ArcadeDB's statements also run against a real server in the
other test modules.
"""

from __future__ import annotations

import pytest
from bolt_models import Company, Doc, Knows, Person, Ticket

from runic.bolt import ArcadeDBDialect, BoltDialect, MemgraphDialect, Neo4jDialect
from runic.ogm import Capability, GeoLocation, QueryBuildError, UnsupportedFeatureError, select
from runic.ogm.query import fulltext_search, vector_search
from runic.ogm.session import reads
from runic.ogm.session.flush import FlushPlan, build_statement

NEO4J, MEMGRAPH, ARCADEDB = Neo4jDialect(), MemgraphDialect(), ArcadeDBDialect()
ALL = [NEO4J, MEMGRAPH, ARCADEDB]
by_name = pytest.mark.parametrize("dialect", ALL, ids=lambda d: d.name)

COMMON = {
    Capability.TRANSACTIONS,
    Capability.MULTI_LABEL,
    Capability.GEO_POINT,
    Capability.FULLTEXT_SEARCH,
    Capability.VECTOR_SEARCH,
    Capability.ASYNC,
}


# -- identity and capabilities -------------------------------------------------------


def test_names_id_kinds_and_capabilities() -> None:
    assert [(d.name, d.id_kind) for d in ALL] == [
        ("neo4j", "element"),
        ("memgraph", "legacy"),
        ("arcadedb", "legacy"),
    ]
    # Only Neo4j refuses writes in read access mode.
    assert NEO4J.capabilities == frozenset(COMMON | {Capability.READ_ONLY_QUERIES})
    assert MEMGRAPH.capabilities == frozenset(COMMON)
    assert ARCADEDB.capabilities == frozenset(COMMON)
    for dialect in ALL:
        # No native vector type and no interned strings off FalkorDB.
        assert not dialect.supports(Capability.VECTOR_TYPE)
        assert not dialect.supports(Capability.INTERNED_STRINGS)
        assert dialect.param_functions == frozenset({"point"})


@pytest.mark.parametrize(
    ("dialect", "function"),
    [(NEO4J, "elementId"), (MEMGRAPH, "id"), (ARCADEDB, "id")],
    ids=["neo4j", "memgraph", "arcadedb"],
)
def test_id_functions(dialect: BoltDialect, function: str) -> None:
    assert dialect.node_id_expr("n") == f"{function}(n)"
    assert dialect.edge_id_expr("r") == f"{function}(r)"
    node = select(Person).where_id("x").compile(dialect)
    assert node.cypher == f"MATCH (n:`BtPerson`) WHERE {function}(n) = $p0 RETURN n"
    assert node.params == {"p0": "x"}
    edge = select(Person).traverse(Person.knows, edge_alias="k").where_id(1, 2, on="k")
    assert edge.compile(dialect).cypher == (
        "MATCH (n:`BtPerson`) OPTIONAL MATCH (n)-[k:`BT_KNOWS`]->(knows:`BtPerson`) "
        f"WHERE {function}(k) IN $p0 RETURN knows"
    )


@pytest.mark.parametrize(
    ("dialect", "function"),
    [(NEO4J, "elementId"), (MEMGRAPH, "id"), (ARCADEDB, "id")],
    ids=["neo4j", "memgraph", "arcadedb"],
)
def test_session_reads_use_the_id_function(dialect: BoltDialect, function: str) -> None:
    stmt, _ = reads.get_statement(dialect, Ticket.__runic_meta__, 5, ())
    assert stmt.cypher == f"MATCH (n:`BtTicket`) WHERE {function}(n) = $pk RETURN n"
    by_ids = reads.by_ids_statement(dialect, [1])
    assert by_ids.cypher == f"UNWIND $ids AS i MATCH (n) WHERE {function}(n) = i RETURN n"


@pytest.mark.parametrize(
    ("dialect", "function"),
    [(NEO4J, "elementId"), (MEMGRAPH, "id"), (ARCADEDB, "id")],
    ids=["neo4j", "memgraph", "arcadedb"],
)
def test_flush_statement(dialect: BoltDialect, function: str) -> None:
    """Points through point(), interned strings and vectors as plain values."""
    fields = Person.__runic_meta__.fields
    doc_fields = Doc.__runic_meta__.fields
    plan = FlushPlan()
    new = plan.create(
        ("BtPerson",),
        (fields["id"], fields["place"], fields["city"]),
        ["ada", {"latitude": 1.0, "longitude": 2.0}, "Paris"],
    )
    plan.create(("BtDoc",), (doc_fields["id"], doc_fields["embedding"]), ["d", [1.0, 2.0]])
    plan.update(7, (fields["age"],), [3])
    plan.merge_edge("BT_KNOWS", "OUTGOING", new, 9)
    plan.delete_node(11)
    stmt = dialect.compile(build_statement(plan))
    f = function
    assert stmt.cypher == (
        "UNWIND $w0 AS row WITH row, row[0] AS k "
        f"MATCH (n) WHERE {f}(n) = k SET n.`age` = row[1] "
        "WITH count(*) AS _c "
        f"UNWIND $w1 AS i MATCH (n) WHERE {f}(n) = i DETACH DELETE n "
        "WITH count(*) AS _c "
        "UNWIND $w2 AS row CREATE (n:`BtPerson`) SET n.`id` = row[0], "
        "n.`place` = CASE WHEN row[1] IS NULL THEN null ELSE point(row[1]) END, "
        "n.`city` = row[2] WITH collect(n) AS _n0 "
        "UNWIND $w3 AS row CREATE (n:`BtDoc`) SET n.`id` = row[0], n.`embedding` = row[1] "
        "WITH _n0, collect(n) AS _n1 "
        "UNWIND $w4 AS row WITH _n0, _n1, row, _n0[row[0]] AS a "
        f"WITH _n0, _n1, row, a, row[1] AS kb MATCH (b) WHERE {f}(b) = kb "
        "CREATE (a)-[r:`BT_KNOWS`]->(b) "
        "WITH _n0, _n1, count(*) AS _c "
        f"RETURN [x IN _n0 | {f}(x)] AS i0, [x IN _n1 | {f}(x)] AS i1"
    )
    assert stmt.params == {
        "w0": [[7, 3]],
        "w1": [11],
        "w2": [["ada", {"latitude": 1.0, "longitude": 2.0}, "Paris"]],
        "w3": [["d", [1.0, 2.0]]],
        "w4": [[0, 9]],
    }


@by_name
def test_points_are_built_with_point_and_vectors_stay_raw(dialect: BoltDialect) -> None:
    near = select(Person).where(Person.place == GeoLocation(52.5, 13.4)).compile(dialect)
    assert near.cypher == "MATCH (n:`BtPerson`) WHERE n.`place` = point($p0) RETURN n"
    assert near.params == {"p0": {"latitude": 52.5, "longitude": 13.4}}
    vec = select(Doc).where(Doc.embedding == [1, 2]).compile(dialect)
    assert vec.cypher == "MATCH (n:`BtDoc`) WHERE n.`embedding` = $p0 RETURN n"
    interned = select(Person).where(Person.city == "Paris").compile(dialect)
    assert interned.cypher == "MATCH (n:`BtPerson`) WHERE n.`city` = $p0 RETURN n"


@by_name
def test_skip_and_limit_are_literals(dialect: BoltDialect) -> None:
    page = select(Company).order_by(Company.name).skip(20).limit(10).compile(dialect)
    assert page.cypher == "MATCH (n:`BtCompany`) RETURN n ORDER BY n.`name` SKIP 20 LIMIT 10"
    assert page.params == {}


# -- fulltext search ---------------------------------------------------------------------


def test_fulltext_neo4j() -> None:
    every = fulltext_search(Doc, query="graph db").compile(NEO4J)
    assert every.cypher == (
        "CALL db.index.fulltext.queryNodes('runic_ft_BtDoc', $p0) YIELD node AS n RETURN n"
    )
    assert every.params == {"p0": "graph db"}
    fields = fulltext_search(Doc, query="graph db", fields=[Doc.title, "body"]).compile(NEO4J)
    assert fields.cypher == every.cypher
    assert fields.params == {"p0": "title:(graph db) OR body:(graph db)"}


def test_fulltext_memgraph() -> None:
    every = fulltext_search(Doc, query="graph").compile(MEMGRAPH)
    assert every.cypher == (
        "CALL text_search.search_all('runic_ft_BtDoc', $p0) YIELD node AS n RETURN n"
    )
    assert every.params == {"p0": "graph"}
    fields = fulltext_search(Doc, query="graph", fields=[Doc.title, Doc.body]).compile(MEMGRAPH)
    assert fields.cypher == (
        "CALL text_search.search('runic_ft_BtDoc', $p0) YIELD node AS n RETURN n"
    )
    assert fields.params == {"p0": "data.title:graph OR data.body:graph"}
    # Tantivy's field prefix covers one term: longer queries cannot be restricted.
    with pytest.raises(
        UnsupportedFeatureError,
        match=r"restricting a fulltext query of several words to fields is not supported on "
        r"memgraph; search without fields= using Tantivy syntax",
    ):
        fulltext_search(Doc, query="graph db", fields=[Doc.title]).compile(MEMGRAPH)


def test_fulltext_arcadedb_names_the_index_after_the_declared_fields() -> None:
    every = fulltext_search(Doc, query="graph").compile(ARCADEDB)
    assert every.cypher == (
        "CALL db.index.fulltext.queryNodes('BtDoc[title,body]', $p0) YIELD node AS n RETURN n"
    )
    fields = fulltext_search(Doc, query="graph", fields=[Doc.body]).compile(ARCADEDB)
    assert fields.params == {"p0": "body:(graph)"}


def test_fulltext_arcadedb_without_fulltext_fields_fails_before_sending() -> None:
    with pytest.raises(QueryBuildError, match=r"arcadedb.*'BtCompany'.*index_type='FULLTEXT'"):
        fulltext_search(Company, query="acme").compile(ARCADEDB)
    # The other backends name their index after the label only.
    assert "'runic_ft_BtCompany'" in fulltext_search(Company, query="acme").compile(NEO4J).cypher


@by_name
def test_fulltext_filters_after_the_procedure(dialect: BoltDialect) -> None:
    query = fulltext_search(Doc, query="graph").where(Doc.id != "d1").compile(dialect)
    assert query.cypher.endswith("YIELD node AS n WHERE n.`id` <> $p1 RETURN n")
    assert query.params["p1"] == "d1"


def test_fulltext_field_names_must_suit_the_query_syntax() -> None:
    with pytest.raises(QueryBuildError, match=r"fulltext field 'a b'.*neo4j"):
        NEO4J.lucene_fields_query("x", ("a b",))
    with pytest.raises(QueryBuildError, match="must be a string"):
        NEO4J.lucene_fields_query(3, ("a",))  # type: ignore[arg-type]


# -- vector search -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dialect", "expected"),
    [
        (
            NEO4J,
            "CALL db.index.vector.queryNodes('runic_vec_BtDoc_embedding', 3, $p0) "
            "YIELD node AS n, score AS s RETURN n",
        ),
        (
            MEMGRAPH,
            "CALL vector_search.search('runic_vec_BtDoc_embedding', 3, $p0) "
            "YIELD node AS n, similarity AS s RETURN n",
        ),
        (
            ARCADEDB,
            "CALL db.index.vector.queryNodes('BtDoc[embedding]', 3, $p0) "
            "YIELD node AS n, score AS s RETURN n",
        ),
    ],
    ids=["neo4j", "memgraph", "arcadedb"],
)
def test_vector_search(dialect: BoltDialect, expected: str) -> None:
    query = vector_search(Doc, field=Doc.embedding, vector=[1, 0.5], k=3, score_alias="s")
    compiled = query.compile(dialect)
    assert compiled.cypher == expected
    assert compiled.params == {"p0": [1.0, 0.5]}  # a plain list: no vecf32()
    without_score = vector_search(Doc, field=Doc.embedding, vector=[1.0], k=1).compile(dialect)
    assert without_score.cypher == expected.replace(", score AS s", "").replace(
        ", similarity AS s", ""
    ).replace(", 3, ", ", 1, ")


@by_name
def test_a_score_alias_named_like_the_output_is_not_repeated(dialect: BoltDialect) -> None:
    output = "similarity" if dialect is MEMGRAPH else "score"
    query = vector_search(Doc, field=Doc.embedding, vector=[1.0], k=2, score_alias=output)
    assert f"YIELD node AS n, {output} RETURN n" in query.compile(dialect).cypher


@pytest.mark.parametrize(
    ("dialect", "score"),
    [
        (NEO4J, "vector.similarity.euclidean(n.`embedding`, $p1)"),
        (
            MEMGRAPH,
            "1.0 / (1.0 + reduce(__s = 0.0, __i IN range(0, size($p1) - 1) | "
            "__s + (n.`embedding`[__i] - $p1[__i]) * (n.`embedding`[__i] - $p1[__i])))",
        ),
        (ARCADEDB, "1.0 / (1.0 + vector.distance.euclidean(n.`embedding`, $p1) ^ 2)"),
    ],
    ids=["neo4j", "memgraph", "arcadedb"],
)
def test_a_filtered_vector_search_filters_first(dialect: BoltDialect, score: str) -> None:
    query = vector_search(Doc, field=Doc.embedding, vector=[1, 0.5], k=3, score_alias="s")
    compiled = query.where(Doc.title == "x").compile(dialect)
    assert compiled.cypher == (
        "MATCH (n:`BtDoc`) WHERE n.`title` = $p0 AND n.`embedding` IS NOT NULL "
        f"WITH n, {score} AS s ORDER BY s DESC LIMIT 3 RETURN n"
    )
    assert compiled.params == {"p0": "x", "p1": [1.0, 0.5]}


@pytest.mark.parametrize(
    ("dialect", "score"),
    [
        (NEO4J, "vector.similarity.cosine(n.`embedding`, $p1)"),
        (
            MEMGRAPH,
            "(1.0 + reduce(__s = 0.0, __i IN range(0, size($p1) - 1) | "
            "__s + n.`embedding`[__i] * $p1[__i]) / "
            "(sqrt(reduce(__s = 0.0, __x IN n.`embedding` | __s + __x * __x)) * "
            "sqrt(reduce(__s = 0.0, __x IN $p1 | __s + __x * __x)))) / 2.0",
        ),
        (ARCADEDB, "(1.0 + vector.similarity.cosine(n.`embedding`, $p1)) / 2.0"),
    ],
    ids=["neo4j", "memgraph", "arcadedb"],
)
def test_a_filtered_cosine_vector_search(dialect: BoltDialect, score: str) -> None:
    query = vector_search(Doc, field=Doc.embedding, vector=[1.0], k=2, similarity="cosine")
    assert query.where(Doc.title == "x").compile(dialect).cypher == (
        "MATCH (n:`BtDoc`) WHERE n.`title` = $p0 AND n.`embedding` IS NOT NULL "
        f"WITH n, {score} AS __score ORDER BY __score DESC LIMIT 2 RETURN n"
    )


# -- schema DDL --------------------------------------------------------------------------


def test_neo4j_ddl() -> None:
    assert NEO4J.create_index_ddl("BtPerson", "name") == (
        "CREATE INDEX `runic_idx_BtPerson_name` IF NOT EXISTS FOR (n:`BtPerson`) ON (n.`name`)"
    )
    assert NEO4J.create_unique_constraint_ddl("BtPerson", "id") == (
        "CREATE CONSTRAINT `runic_uniq_BtPerson_id` IF NOT EXISTS FOR (n:`BtPerson`) "
        "REQUIRE n.`id` IS UNIQUE"
    )
    assert NEO4J.create_fulltext_index_ddl("BtDoc", ("title", "body")) == (
        "CREATE FULLTEXT INDEX `runic_ft_BtDoc` IF NOT EXISTS FOR (n:`BtDoc`) "
        "ON EACH [n.`title`, n.`body`]"
    )
    assert NEO4J.create_vector_index_ddl("BtDoc", "embedding", dimension=3) == (
        "CREATE VECTOR INDEX `runic_vec_BtDoc_embedding` IF NOT EXISTS FOR (n:`BtDoc`) "
        "ON (n.`embedding`) OPTIONS {indexConfig: {`vector.dimensions`: 3, "
        "`vector.similarity_function`: 'cosine'}}"
    )


def test_memgraph_ddl() -> None:
    assert MEMGRAPH.create_index_ddl("BtPerson", "name") == "CREATE INDEX ON :`BtPerson`(`name`)"
    assert MEMGRAPH.create_unique_constraint_ddl("BtPerson", "id") == (
        "CREATE CONSTRAINT ON (n:`BtPerson`) ASSERT n.`id` IS UNIQUE"
    )
    assert MEMGRAPH.create_fulltext_index_ddl("BtDoc", ("title", "body")) == (
        "CREATE TEXT INDEX `runic_ft_BtDoc` ON :`BtDoc`(`title`, `body`)"
    )
    assert MEMGRAPH.create_vector_index_ddl(
        "BtDoc", "embedding", dimension=3, similarity="euclidean"
    ) == (
        "CREATE VECTOR INDEX `runic_vec_BtDoc_embedding` ON :`BtDoc`(`embedding`) WITH CONFIG "
        '{"dimension": 3, "capacity": 10000, "metric": "l2sq"}'
    )


def test_arcadedb_ddl() -> None:
    assert ARCADEDB.create_index_ddl("BtPerson", "name") == (
        "CREATE INDEX IF NOT EXISTS FOR (n:`BtPerson`) ON (n.`name`)"
    )
    assert ARCADEDB.create_unique_constraint_ddl("BtPerson", "id") == (
        "CREATE CONSTRAINT `runic_uniq_BtPerson_id` IF NOT EXISTS FOR (n:`BtPerson`) "
        "REQUIRE n.`id` IS UNIQUE"
    )
    with pytest.raises(UnsupportedFeatureError, match=r"fulltext index in Cypher.*arcadedb"):
        ARCADEDB.create_fulltext_index_ddl("BtDoc", ("title",))
    with pytest.raises(UnsupportedFeatureError, match=r"vector index in Cypher.*arcadedb"):
        ARCADEDB.create_vector_index_ddl("BtDoc", "embedding", dimension=3)
    assert ARCADEDB.fulltext_index_sql("BtDoc", ("title", "body")) == [
        "CREATE VERTEX TYPE `BtDoc` IF NOT EXISTS",
        "CREATE PROPERTY `BtDoc`.`title` IF NOT EXISTS STRING",
        "CREATE PROPERTY `BtDoc`.`body` IF NOT EXISTS STRING",
        "CREATE INDEX IF NOT EXISTS ON `BtDoc` (`title`, `body`) FULL_TEXT",
    ]
    assert ARCADEDB.vector_index_sql("BtDoc", "embedding", dimension=4) == [
        "CREATE VERTEX TYPE `BtDoc` IF NOT EXISTS",
        "CREATE PROPERTY `BtDoc`.`embedding` IF NOT EXISTS ARRAY_OF_FLOATS",
        "CREATE INDEX IF NOT EXISTS ON `BtDoc` (`embedding`) LSM_VECTOR METADATA "
        '{"dimensions": 4, "similarity": "COSINE"}',
    ]


@by_name
def test_ddl_arguments_are_checked(dialect: BoltDialect) -> None:
    with pytest.raises(QueryBuildError, match="dimension must be an integer >= 1"):
        (dialect.vector_index_sql if dialect is ARCADEDB else dialect.create_vector_index_ddl)(
            "BtDoc", "embedding", dimension=0
        )
    with pytest.raises(QueryBuildError, match="similarity must be one of cosine, euclidean"):
        (dialect.vector_index_sql if dialect is ARCADEDB else dialect.create_vector_index_ddl)(
            "BtDoc",
            "embedding",
            dimension=2,
            similarity="dot",  # type: ignore[arg-type]
        )
    with pytest.raises(QueryBuildError, match="at least one property"):
        (dialect.fulltext_index_sql if dialect is ARCADEDB else dialect.create_fulltext_index_ddl)(
            "BtDoc", ()
        )


def test_names_in_string_literals_are_escaped() -> None:
    from runic.bolt.dialect import string_literal

    assert string_literal("it's", "label") == "'it\\'s'"
    assert string_literal("back\\slash", "label") == "'back\\\\slash'"
    assert NEO4J.vector_index_name("Doc", "vec") == "runic_vec_Doc_vec"
    assert Knows.__runic_meta__ is not None  # the edge model registered


def test_flush_key_guard() -> None:
    """Neo4j/Memgraph: a creation-only flush checks its keys itself; ArcadeDB (and any
    flush with earlier parts: no subqueries here) leaves them to a read first."""
    fields = Person.__runic_meta__.fields
    plan = FlushPlan()
    plan.create(("BtPerson",), (fields["id"],), ["ada"])
    plan.guard({("BtPerson", "id"): ["ada"]})
    stmt = MEMGRAPH.compile(build_statement(plan))
    assert stmt.guarded
    assert stmt.cypher == (
        "OPTIONAL MATCH (_g0:`BtPerson`) WHERE _g0.`id` IN $g0 WITH count(_g0) AS _h0 "
        "WITH _h0 AS _dup WHERE _dup = 0 "
        "UNWIND $w0 AS row CREATE (n:`BtPerson`) SET n.`id` = row[0] "
        "WITH _dup, collect(n) AS _n0 RETURN [x IN _n0 | id(x)] AS i0"
    )
    assert stmt.params == {"w0": [["ada"]], "g0": ["ada"]}
    stmt = ARCADEDB.compile(build_statement(plan))
    assert not stmt.guarded  # the session reads the keys first
    assert stmt.cypher == (
        "UNWIND $w0 AS row CREATE (n:`BtPerson`) SET n.`id` = row[0] "
        "WITH collect(n) AS _n0 RETURN [x IN _n0 | id(x)] AS i0"
    )
    assert stmt.params == {"w0": [["ada"]]}
    mixed = FlushPlan()
    mixed.create(("BtPerson",), (fields["id"],), ["bob"])
    mixed.delete_node(11)
    mixed.guard({("BtPerson", "id"): ["bob"]})
    stmt = MEMGRAPH.compile(build_statement(mixed))
    assert not stmt.guarded  # no subqueries: the session reads the keys first
    assert stmt.cypher.startswith("UNWIND $w0 AS i MATCH (n) WHERE id(n) = i DETACH DELETE n ")
    assert "g0" not in stmt.params
