"""Neo4j, Memgraph and ArcadeDB write compilers: exact text per write part."""

from __future__ import annotations

import pytest

from runic.bolt.dialect import ArcadeDBDialect, BoltDialect, MemgraphDialect, Neo4jDialect
from runic_integration.write_shapes import REFERENCE_CYPHER, WRITE_SHAPES

IR = WRITE_SHAPES


EXPECTED_NEO4J = {
    "clear_edges": (
        "UNWIND $w0 AS row MATCH (a)-[r:`KNOWS`]->(b:`Person`) WHERE elementId(a) = row DELETE r"
    ),
    "delete_edge": (
        "UNWIND $w0 AS row WITH row[0] AS ka, row[1] AS kb MATCH (a)<-[r:`KNOWS`]-(b) "
        "WHERE elementId(a) = ka AND elementId(b) = kb DELETE r"
    ),
    "set_properties": (
        "UNWIND $w0 AS row WITH row, row[0] AS k MATCH (n) WHERE elementId(n) = k SET "
        "n.`name` = row[1], n.`emb` = row[2]"
    ),
    "merge_edge": (
        "UNWIND $w0 AS row WITH row, row[0] AS ak, row[1] AS bk MATCH (a) WHERE "
        "elementId(a) = ak MATCH (b) WHERE elementId(b) = bk MERGE (a)-[r:`KNOWS`]->(b) "
        "SET r.`since` = row[2], r.`note` = row[3]"
    ),
    "merge_edge_on_create": (
        "UNWIND $w0 AS row WITH row, row[0] AS ak, row[1] AS bk MATCH (a) WHERE "
        "elementId(a) = ak MATCH (b) WHERE elementId(b) = bk MERGE (a)-[r:`KNOWS`]->(b) "
        "ON CREATE SET r.`since` = row[2], r.`note` = row[3]"
    ),
    "merge_edge_either_way": (
        "UNWIND $w0 AS row WITH row, row[0] AS ak, row[1] AS bk MATCH (a)-[r:`KNOWS`]-(b)"
        " WHERE elementId(a) = ak AND elementId(b) = bk SET r.`since` = row[2] WITH "
        "count(*) AS _c UNWIND $w0 AS row WITH row, row[0] AS ak, row[1] AS bk MATCH (a) "
        "WHERE elementId(a) = ak MATCH (b) WHERE elementId(b) = bk OPTIONAL MATCH "
        "(a)-[ro:`KNOWS`]-(b) WITH row, a, b, ro WHERE ro IS NULL CREATE "
        "(a)-[r:`KNOWS`]->(b) SET r.`since` = row[2]"
    ),
    "create_edge_existing": (
        "UNWIND $w0 AS row WITH row, row[0] AS ka MATCH (a) WHERE elementId(a) = ka WITH "
        "row, a, row[1] AS kb MATCH (b) WHERE elementId(b) = kb CREATE "
        "(a)-[r:`KNOWS`]->(b) SET r.`since` = row[2]"
    ),
    "detach_delete": ("UNWIND $w0 AS i MATCH (n) WHERE elementId(n) = i DETACH DELETE n"),
    "create_guarded": (
        "OPTIONAL MATCH (_g0:`Person`) WHERE _g0.`id` IN $g0 WITH count(_g0) AS _h0 WITH "
        "_h0 AS _dup WHERE _dup = 0 UNWIND $w0 AS row CREATE (n:`Person`:`Admin`) SET "
        "n.`id` = row[0], n.`pt` = CASE WHEN row[1] IS NULL THEN null ELSE point(row[1]) "
        "END WITH _dup, collect(n) AS _n0 UNWIND $w1 AS row WITH _dup, _n0, row, "
        "_n0[row[0]] AS a WITH _dup, _n0, row, a, row[1] AS kb MATCH (b) WHERE "
        "elementId(b) = kb CREATE (a)-[r:`KNOWS`]->(b) SET r.`since` = row[2] WITH _dup, "
        "_n0, count(*) AS _c RETURN [x IN _n0 | elementId(x)] AS i0"
    ),
    "guard_after_parts": (
        "UNWIND $w0 AS i MATCH (n) WHERE elementId(n) = i DETACH DELETE n WITH count(*) "
        "AS _c UNWIND $w1 AS row CREATE (n:`Person`) SET n.`id` = row[0] WITH collect(n) "
        "AS _n0 RETURN [x IN _n0 | elementId(x)] AS i0"
    ),
}

EXPECTED_MEMGRAPH = REFERENCE_CYPHER  # the reference text, shape for shape

EXPECTED_ARCADEDB = {
    **REFERENCE_CYPHER,
    "create_guarded": (
        "UNWIND $w0 AS row CREATE (n:`Person`:`Admin`) SET n.`id` = row[0], n.`pt` = CASE"
        " WHEN row[1] IS NULL THEN null ELSE point(row[1]) END WITH collect(n) AS _n0 "
        "UNWIND $w1 AS row WITH _n0, row, _n0[row[0]] AS a WITH _n0, row, a, row[1] AS kb"
        " MATCH (b) WHERE id(b) = kb CREATE (a)-[r:`KNOWS`]->(b) SET r.`since` = row[2] "
        "WITH _n0, count(*) AS _c RETURN [x IN _n0 | id(x)] AS i0"
    ),
}

CASES = [
    (dialect, shape, expected[shape])
    for dialect, expected in (
        (Neo4jDialect(), EXPECTED_NEO4J),
        (MemgraphDialect(), EXPECTED_MEMGRAPH),
        (ArcadeDBDialect(), EXPECTED_ARCADEDB),
    )
    for shape in sorted(expected)
]


@pytest.mark.parametrize(
    ("dialect", "shape", "expected"), CASES, ids=[f"{d.name}-{s}" for d, s, _ in CASES]
)
def test_each_write_part_compiles_exactly(dialect: BoltDialect, shape: str, expected: str) -> None:
    assert dialect.compile(IR[shape]).cypher == expected


@pytest.mark.parametrize("dialect", [Neo4jDialect(), MemgraphDialect()])
def test_bulk_statements(dialect: BoltDialect) -> None:
    from runic.ogm import Field, Node, delete, update

    class BtBulk(Node, labels=["BtBulk"]):
        id: str = Field(primary_key=True)
        age: int = 0
        name: str | None = None

    stmt = update(BtBulk).where(BtBulk.age < 18).values(name="kid", age=None)
    assert stmt.build(dialect) == (
        "MATCH (n:`BtBulk`) WHERE n.`age` < $p0 SET n.`name` = $p1 REMOVE n.`age` "
        "RETURN count(*) AS rowcount",
        {"p0": 18, "p1": "kid"},
    )
    assert delete(BtBulk).build(dialect)[0] == (
        "MATCH (n:`BtBulk`) DETACH DELETE n RETURN count(*) AS rowcount"
    )


def test_bulk_update_on_arcadedb_removes_by_setting_null() -> None:
    from runic.ogm import Field, Node, update

    class BtBulkA(Node, labels=["BtBulkA"]):
        id: str = Field(primary_key=True)
        age: int = 0
        name: str | None = None

    stmt = update(BtBulkA).where(BtBulkA.age < 18).values(name="kid", age=None)
    assert stmt.build(ArcadeDBDialect()) == (
        "MATCH (n:`BtBulkA`) WHERE n.`age` < $p0 SET n.`name` = $p1, n.`age` = null "
        "RETURN count(*) AS rowcount",
        {"p0": 18, "p1": "kid"},
    )


def test_arcadedb_leaves_the_key_check_to_a_read() -> None:
    assert not ArcadeDBDialect().compile(IR["create_guarded"]).guarded
    assert Neo4jDialect().compile(IR["create_guarded"]).guarded
