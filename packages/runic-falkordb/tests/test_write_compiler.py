"""FalkorDB's write compiler: exact text per write part (one property per SET, CALL {} guard)."""

from __future__ import annotations

import pytest

from runic.falkordb.dialect import FalkorDBDialect
from runic.ogm import Field, Node, Vector, delete, update
from runic_integration.write_shapes import REFERENCE_CYPHER, WRITE_SHAPES

IR = WRITE_SHAPES


EXPECTED = {
    **REFERENCE_CYPHER,
    "set_properties": (
        "UNWIND $w0 AS row WITH row, row[0] AS k MATCH (n) WHERE id(n) = k SET n.`name` ="
        " row[1] WITH n, row SET n.`emb` = CASE WHEN row[2] IS NULL THEN null ELSE "
        "vecf32(row[2]) END"
    ),
    "merge_edge": (
        "UNWIND $w0 AS row WITH row, row[0] AS ak, row[1] AS bk MATCH (a) WHERE id(a) = "
        "ak MATCH (b) WHERE id(b) = bk MERGE (a)-[r:`KNOWS`]->(b) SET r.`since` = row[2] "
        "WITH r, row SET r.`note` = row[3]"
    ),
    "guard_after_parts": (
        "OPTIONAL MATCH (_g0:`Person`) WHERE _g0.`id` IN $g0 AND NOT id(_g0) IN $w0 WITH "
        "count(_g0) AS _h0 OPTIONAL MATCH (_g1:`Team`) WHERE _g1.`code` IN $g1 AND NOT "
        "id(_g1) IN $w0 WITH _h0, count(_g1) AS _h1 WITH _h0 + _h1 AS _dup WHERE _dup = 0"
        " CALL { UNWIND $w0 AS i MATCH (n) WHERE id(n) = i DETACH DELETE n WITH count(*) "
        "AS _c UNWIND $w1 AS row CREATE (n:`Person`) SET n.`id` = row[0] WITH collect(n) "
        "AS _n0 RETURN [x IN _n0 | id(x)] AS i0 } RETURN i0"
    ),
}


@pytest.mark.parametrize("shape", sorted(EXPECTED))
def test_each_write_part_compiles_exactly(shape: str) -> None:
    assert FalkorDBDialect().compile(IR[shape]).cypher == EXPECTED[shape]


def test_guard_after_earlier_parts_runs_them_in_a_subquery() -> None:
    assert FalkorDBDialect().compile(IR["guard_after_parts"]).guarded


class FkBulk(Node, labels=["FkBulk"]):
    id: str = Field(primary_key=True)
    age: int = 0
    name: str | None = None
    emb: Vector | None = None


def test_bulk_update_sets_and_removes_one_property_per_clause() -> None:
    stmt = update(FkBulk).where(FkBulk.age < 18).values(name="kid", emb=Vector([1.0]), age=None)
    assert stmt.build(FalkorDBDialect()) == (
        "MATCH (n:`FkBulk`) WHERE n.`age` < $p0 SET n.`name` = $p1 "
        "WITH n SET n.`emb` = vecf32($p2) WITH n REMOVE n.`age` RETURN count(*) AS rowcount",
        {"p0": 18, "p1": "kid", "p2": [1.0]},
    )
    assert delete(FkBulk).build(FalkorDBDialect())[0] == (
        "MATCH (n:`FkBulk`) DETACH DELETE n RETURN count(*) AS rowcount"
    )
