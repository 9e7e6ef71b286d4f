"""The flush statement for ``direction="BOTH"`` relations: created owner -> target,
found, merged and deleted in either direction, one edge per pair."""

from __future__ import annotations

from runic.ogm import Edge, Field, Node, Relation
from runic.ogm.dialect import CypherDialect
from runic.ogm.session.flush import FlushPlan, build_statement

D = CypherDialect()


class Tie(Edge, type="FD_TIE"):
    weight: int = 1


class Knot(Node, labels=["FdKnot"]):
    id: str = Field(primary_key=True)
    ties: list[Knot] = Relation(
        relationship="FD_TIE", direction="BOTH", target="Knot", edge_model=Tie
    )


WEIGHT = Tie.__runic_meta__.fields["weight"]


def test_merge_between_existing_nodes_checks_both_directions() -> None:
    plan = FlushPlan()
    plan.merge_edge("FD_TIE", "BOTH", 1, 2)
    plan.merge_edge("FD_TIE", "BOTH", 2, 1)  # the same pair from the other end
    stmt = D.compile(build_statement(plan))
    assert stmt.cypher == (
        "UNWIND $w0 AS row WITH row, row[0] AS ak, row[1] AS bk "
        "MATCH (a) WHERE id(a) = ak MATCH (b) WHERE id(b) = bk "
        "OPTIONAL MATCH (a)-[ro:`FD_TIE`]-(b) WITH row, a, b, ro WHERE ro IS NULL "
        "CREATE (a)-[r:`FD_TIE`]->(b)"
    )
    assert stmt.params == {"w0": [[1, 2]]}


def test_merge_with_properties_updates_either_way_then_creates() -> None:
    plan = FlushPlan()
    plan.merge_edge("FD_TIE", "BOTH", 1, 2, (WEIGHT,), [3])
    plan.merge_edge("FD_TIE", "BOTH", 2, 1, (WEIGHT,), [5])  # later wins, one row
    stmt = D.compile(build_statement(plan))
    assert stmt.cypher == (
        "UNWIND $w0 AS row WITH row, row[0] AS ak, row[1] AS bk "
        "MATCH (a)-[r:`FD_TIE`]-(b) WHERE id(a) = ak AND id(b) = bk SET r.`weight` = row[2] "
        "WITH count(*) AS _c "
        "UNWIND $w0 AS row WITH row, row[0] AS ak, row[1] AS bk "
        "MATCH (a) WHERE id(a) = ak MATCH (b) WHERE id(b) = bk "
        "OPTIONAL MATCH (a)-[ro:`FD_TIE`]-(b) WITH row, a, b, ro WHERE ro IS NULL "
        "CREATE (a)-[r:`FD_TIE`]->(b) SET r.`weight` = row[2]"
    )
    assert stmt.params == {"w0": [[1, 2, 5]]}


def test_removal_and_clearing_match_either_direction() -> None:
    plan = FlushPlan()
    plan.delete_edge("FD_TIE", "BOTH", 1, 2)
    plan.clear_edges("FD_TIE", "BOTH", "FdKnot", 3)
    cypher = D.compile(build_statement(plan)).cypher
    assert "MATCH (a)-[r:`FD_TIE`]-(b:`FdKnot`) WHERE id(a) = row DELETE r" in cypher
    assert "MATCH (a)-[r:`FD_TIE`]-(b) WHERE id(a) = ka AND id(b) = kb DELETE r" in cypher


def test_edges_to_new_nodes_are_created_from_the_owner_once() -> None:
    meta = Knot.__runic_meta__
    plan = FlushPlan()
    fields = (meta.fields["id"],)
    a = plan.create(meta.labels, fields, ["a"])
    b = plan.create(meta.labels, fields, ["b"])
    plan.merge_edges("FD_TIE", "BOTH", a, [b])
    plan.merge_edges("FD_TIE", "BOTH", b, [a])
    stmt = D.compile(build_statement(plan))
    assert "CREATE (a)-[r:`FD_TIE`]->(b)" in stmt.cypher
    assert "-[r:`FD_TIE`]-(b)" not in stmt.cypher
    assert [rows for name, rows in stmt.params.items() if name != "w0"] == [[[0, 1]]]
