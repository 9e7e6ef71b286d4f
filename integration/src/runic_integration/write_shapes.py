"""A catalogue of write-IR shapes for a dialect's exact-text tests.

Each entry is one ``WriteQuery``: one per write part, and two whole shapes
(creations under a key guard). Every dialect in this repository compiles all of
them in its ``test_write_compiler.py`` against the text it expects; a new backend's
compiler tests do the same (docs/plugins.md)::

    from runic_integration.write_shapes import WRITE_SHAPES

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

__all__ = ["WRITE_SHAPES"]

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
