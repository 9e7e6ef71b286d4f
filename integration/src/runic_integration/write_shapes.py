"""A catalogue of write-IR shapes for a dialect's exact-text tests.

Each entry is one ``WriteQuery``: one per write part, and two whole shapes
(creations under a key guard). Every dialect in this repository compiles all of
them in its ``test_write_compiler.py`` against the text it expects; a new backend's
compiler tests do the same (docs/plugins.md), starting from :data:`REFERENCE_CYPHER` (the
reference compiler's text) and overriding the shapes the dialect renders differently::

    from runic_integration.write_shapes import REFERENCE_CYPHER, WRITE_SHAPES

    EXPECTED = {**REFERENCE_CYPHER, "set_properties": "..."}

    @pytest.mark.parametrize("shape", sorted(EXPECTED))
    def test_each_write_part_compiles_exactly(shape: str) -> None:
        assert MyDialect().compile(WRITE_SHAPES[shape]).cypher == EXPECTED[shape]
"""

from __future__ import annotations

from runic.ogm.query.write import (
    ById,
    ClearEdges,
    CreateEdge,
    CreateNode,
    DeleteEdge,
    DetachDelete,
    EdgeType,
    KeyCheck,
    KeyGuard,
    MergeEdge,
    NewNode,
    RowValue,
    SetItem,
    SetProperties,
    WriteQuery,
)

__all__ = ["REFERENCE_CYPHER", "WRITE_SHAPES"]

K = EdgeType("KNOWS", "OUTGOING")
SINCE = SetItem("since", RowValue(2))
NOTE = SetItem("note", RowValue(3))
EMB = SetItem("emb", RowValue(2, "vecf32", "P.emb"))
PT = SetItem("pt", RowValue(1, "point", "P.pt"))
ID = SetItem("id", RowValue(0))

#: One statement per write part, and two whole shapes (creations with a key guard).
WRITE_SHAPES: dict[str, WriteQuery] = {
    "clear_edges": WriteQuery((ClearEdges("w0", K, "Person"),)),
    "delete_edge": WriteQuery((DeleteEdge("w0", EdgeType("KNOWS", "INCOMING")),)),
    "set_properties": WriteQuery((SetProperties("w0", (SetItem("name", RowValue(1)), EMB)),)),
    "merge_edge": WriteQuery((MergeEdge("w0", K, (SINCE, NOTE)),)),
    "merge_edge_on_create": WriteQuery((MergeEdge("w0", K, (SINCE, NOTE), only_on_create=True),)),
    "merge_edge_either_way": WriteQuery((MergeEdge("w0", EdgeType("KNOWS", "BOTH"), (SINCE,)),)),
    "create_edge_existing": WriteQuery(
        (CreateEdge("w0", EdgeType("KNOWS", "BOTH"), ById(0), ById(1), (SINCE,)),)
    ),
    "detach_delete": WriteQuery((DetachDelete("w0"),)),
    "create_guarded": WriteQuery(
        (
            CreateNode("w0", ("Person", "Admin"), (ID, PT)),
            CreateEdge("w1", K, NewNode(0, 0), ById(1), (SINCE,)),
        ),
        KeyGuard((KeyCheck("Person", "id", "g0"),)),
    ),
    "guard_after_parts": WriteQuery(
        (DetachDelete("w0"), CreateNode("w1", ("Person",), (ID,))),
        KeyGuard((KeyCheck("Person", "id", "g0"), KeyCheck("Team", "code", "g1")), "w0"),
    ),
}


#: The reference compiler's text for each shape: a dialect's expected texts start
#: from it and override the shapes it renders differently.
REFERENCE_CYPHER: dict[str, str] = {
    "clear_edges": (
        "UNWIND $w0 AS row MATCH (a)-[r:`KNOWS`]->(b:`Person`) WHERE id(a) = row DELETE r"
    ),
    "delete_edge": (
        "UNWIND $w0 AS row WITH row[0] AS ka, row[1] AS kb MATCH (a)<-[r:`KNOWS`]-(b) "
        "WHERE id(a) = ka AND id(b) = kb DELETE r"
    ),
    "set_properties": (
        "UNWIND $w0 AS row WITH row, row[0] AS k MATCH (n) WHERE id(n) = k SET n.`name` ="
        " row[1], n.`emb` = row[2]"
    ),
    "merge_edge": (
        "UNWIND $w0 AS row WITH row, row[0] AS ak, row[1] AS bk MATCH (a) WHERE id(a) = "
        "ak MATCH (b) WHERE id(b) = bk MERGE (a)-[r:`KNOWS`]->(b) SET r.`since` = row[2],"
        " r.`note` = row[3]"
    ),
    "merge_edge_on_create": (
        "UNWIND $w0 AS row WITH row, row[0] AS ak, row[1] AS bk MATCH (a) WHERE id(a) = "
        "ak MATCH (b) WHERE id(b) = bk MERGE (a)-[r:`KNOWS`]->(b) ON CREATE SET r.`since`"
        " = row[2], r.`note` = row[3]"
    ),
    "merge_edge_either_way": (
        "UNWIND $w0 AS row WITH row, row[0] AS ak, row[1] AS bk MATCH (a)-[r:`KNOWS`]-(b)"
        " WHERE id(a) = ak AND id(b) = bk SET r.`since` = row[2] WITH count(*) AS _c "
        "UNWIND $w0 AS row WITH row, row[0] AS ak, row[1] AS bk MATCH (a) WHERE id(a) = "
        "ak MATCH (b) WHERE id(b) = bk OPTIONAL MATCH (a)-[ro:`KNOWS`]-(b) WITH row, a, "
        "b, ro WHERE ro IS NULL CREATE (a)-[r:`KNOWS`]->(b) SET r.`since` = row[2]"
    ),
    "create_edge_existing": (
        "UNWIND $w0 AS row WITH row, row[0] AS ka MATCH (a) WHERE id(a) = ka WITH row, a,"
        " row[1] AS kb MATCH (b) WHERE id(b) = kb CREATE (a)-[r:`KNOWS`]->(b) SET "
        "r.`since` = row[2]"
    ),
    "detach_delete": ("UNWIND $w0 AS i MATCH (n) WHERE id(n) = i DETACH DELETE n"),
    "create_guarded": (
        "OPTIONAL MATCH (_g0:`Person`) WHERE _g0.`id` IN $g0 WITH count(_g0) AS _h0 WITH "
        "_h0 AS _dup WHERE _dup = 0 UNWIND $w0 AS row CREATE (n:`Person`:`Admin`) SET "
        "n.`id` = row[0], n.`pt` = CASE WHEN row[1] IS NULL THEN null ELSE point(row[1]) "
        "END WITH _dup, collect(n) AS _n0 UNWIND $w1 AS row WITH _dup, _n0, row, "
        "_n0[row[0]] AS a WITH _dup, _n0, row, a, row[1] AS kb MATCH (b) WHERE id(b) = kb"
        " CREATE (a)-[r:`KNOWS`]->(b) SET r.`since` = row[2] WITH _dup, _n0, count(*) AS "
        "_c RETURN [x IN _n0 | id(x)] AS i0"
    ),
    "guard_after_parts": (
        "UNWIND $w0 AS i MATCH (n) WHERE id(n) = i DETACH DELETE n WITH count(*) AS _c "
        "UNWIND $w1 AS row CREATE (n:`Person`) SET n.`id` = row[0] WITH collect(n) AS _n0"
        " RETURN [x IN _n0 | id(x)] AS i0"
    ),
}
