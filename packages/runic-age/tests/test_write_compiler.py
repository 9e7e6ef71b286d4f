"""AGE's write compiler: exact text per write part (numbered variables, inline CREATE map,
two-step MERGE, OPTIONAL MATCH for deletions, ids collected), and the key locks."""

from __future__ import annotations

import pytest

from runic.age.dialect import _LOCK_STATEMENT, AGEDialect, lock_id
from runic.ogm.query.write import WriteQuery
from runic_integration.write_shapes import WRITE_SHAPES

IR = WRITE_SHAPES


EXPECTED = {
    "clear_edges": (
        "UNWIND $w0 AS row OPTIONAL MATCH (a0)-[r0:`KNOWS`]->(b0:`Person`) WHERE id(a0) ="
        " row DELETE r0"
    ),
    "delete_edge": (
        "UNWIND $w0 AS row WITH row[0] AS ka0, row[1] AS kb0 OPTIONAL MATCH "
        "(a0)<-[r0:`KNOWS`]-(b0) WHERE id(a0) = ka0 AND id(b0) = kb0 DELETE r0"
    ),
    "set_properties": (
        "UNWIND $w0 AS row WITH row, row[0] AS k0 MATCH (n0) WHERE id(n0) = k0 SET "
        "n0.`name` = row[1], n0.`emb` = row[2]"
    ),
    "merge_edge": (
        "UNWIND $w0 AS row OPTIONAL MATCH (a0u)-[r0u:`KNOWS`]->(b0u) WHERE id(a0u) = "
        "row[0] AND id(b0u) = row[1] SET r0u.`since` = row[2], r0u.`note` = row[3] WITH "
        "count(*) AS _c UNWIND $w0 AS row MATCH (a0) WHERE id(a0) = row[0] MATCH (b0) "
        "WHERE id(b0) = row[1] OPTIONAL MATCH (a0)-[r0o:`KNOWS`]->(b0) WITH row, a0, b0, "
        "r0o WHERE r0o IS NULL CREATE (a0)-[r0:`KNOWS`]->(b0) SET r0.`since` = row[2], "
        "r0.`note` = row[3]"
    ),
    "merge_edge_on_create": (
        "UNWIND $w0 AS row MATCH (a0) WHERE id(a0) = row[0] MATCH (b0) WHERE id(b0) = "
        "row[1] OPTIONAL MATCH (a0)-[r0o:`KNOWS`]->(b0) WITH row, a0, b0, r0o WHERE r0o "
        "IS NULL CREATE (a0)-[r0:`KNOWS`]->(b0) SET r0.`since` = row[2], r0.`note` = "
        "row[3]"
    ),
    "merge_edge_either_way": (
        "UNWIND $w0 AS row OPTIONAL MATCH (a0u)-[r0u:`KNOWS`]-(b0u) WHERE id(a0u) = "
        "row[0] AND id(b0u) = row[1] SET r0u.`since` = row[2] WITH count(*) AS _c UNWIND "
        "$w0 AS row MATCH (a0) WHERE id(a0) = row[0] MATCH (b0) WHERE id(b0) = row[1] "
        "OPTIONAL MATCH (a0)-[r0o:`KNOWS`]-(b0) WITH row, a0, b0, r0o WHERE r0o IS NULL "
        "CREATE (a0)-[r0:`KNOWS`]->(b0) SET r0.`since` = row[2]"
    ),
    "create_edge_existing": (
        "UNWIND $w0 AS row WITH row, row[0] AS ka0 MATCH (a0) WHERE id(a0) = ka0 WITH "
        "row, a0, row[1] AS kb0 MATCH (b0) WHERE id(b0) = kb0 CREATE "
        "(a0)-[r0:`KNOWS`]->(b0) SET r0.`since` = row[2]"
    ),
    "detach_delete": ("UNWIND $w0 AS i MATCH (n0) WHERE id(n0) = i DETACH DELETE n0"),
    "create_guarded": (
        "OPTIONAL MATCH (_g0:`Person`) WHERE _g0.`id` IN $g0 WITH count(_g0) AS _h0 WITH "
        "_h0 AS _dup WHERE _dup = 0 UNWIND $w0 AS row CREATE (n0:`Person` {`_labels`: "
        "['Admin'], `id`: row[0], `pt`: row[1]}) WITH _dup, collect(n0) AS _n0, "
        "collect(id(n0)) AS _i0 UNWIND $w1 AS row WITH _dup, _n0, _i0, row, _n0[row[0]] "
        "AS a1 WITH _dup, _n0, _i0, row, a1, row[1] AS kb1 MATCH (b1) WHERE id(b1) = kb1 "
        "CREATE (a1)-[r1:`KNOWS`]->(b1) SET r1.`since` = row[2] WITH _dup, _n0, _i0, "
        "count(*) AS _c RETURN _i0 AS i0"
    ),
    "guard_after_parts": (
        "UNWIND $w0 AS i MATCH (n0) WHERE id(n0) = i DETACH DELETE n0 WITH count(*) AS _c"
        " UNWIND $w1 AS row CREATE (n1:`Person` {`id`: row[0]}) WITH collect(n1) AS _n0, "
        "collect(id(n1)) AS _i0 RETURN _i0 AS i0"
    ),
}


@pytest.mark.parametrize("shape", sorted(EXPECTED))
def test_each_write_part_compiles_exactly(shape: str) -> None:
    assert AGEDialect().compile(IR[shape]).cypher == EXPECTED[shape]


def test_the_key_locks_go_before_the_write() -> None:
    from runic.ogm.query.write import KeyLock

    q = IR["create_guarded"]
    compiled = AGEDialect().compile(WriteQuery(q.parts, q.guard, KeyLock({("P", "id"): ["a"]})))
    (lock,) = compiled.before
    assert lock.cypher == _LOCK_STATEMENT and lock.columns == ("locked",)
    assert lock.params == {
        "labels": [[lock_id("P", "id"), False]],
        "keys": [lock_id("P", "id", "a")],
    }
    assert compiled.guarded  # creations only: the guard leads them, no subquery needed


def test_bulk_statements() -> None:
    from runic.ogm import Field, Node, delete, update

    class AgBulk(Node, labels=["AgBulk"]):
        id: str = Field(primary_key=True)
        age: int = 0
        name: str | None = None

    stmt = update(AgBulk).where(AgBulk.age < 18).values(name="kid", age=None)
    assert stmt.build(AGEDialect()) == (
        "MATCH (n:`AgBulk`) WHERE n.`age` < $p0 SET n.`name` = $p1 REMOVE n.`age` "
        "RETURN count(*) AS rowcount",
        {"p0": 18, "p1": "kid"},
    )
    assert delete(AgBulk).build(AGEDialect())[0] == (
        "MATCH (n:`AgBulk`) DETACH DELETE n RETURN count(*) AS rowcount"
    )
