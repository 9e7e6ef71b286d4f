"""The reference write compiler: exact text per write part, guards, locks, the shape cache."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest

from runic.ogm.dialect import CypherDialect
from runic.ogm.exceptions import QueryBuildError
from runic.ogm.query.write import (
    ById,
    CreateEdge,
    CreateNode,
    DeleteEdge,
    DetachDelete,
    EdgeType,
    KeyCheck,
    KeyGuard,
    KeyLock,
    NewNode,
    RowValue,
    SetItem,
    SetProperties,
    WriteQuery,
)
from runic_integration.write_shapes import REFERENCE_CYPHER, WRITE_SHAPES

IR = WRITE_SHAPES


EXPECTED = REFERENCE_CYPHER


@pytest.mark.parametrize("shape", sorted(EXPECTED))
def test_each_write_part_compiles_exactly(shape: str) -> None:
    assert CypherDialect().compile(IR[shape]).cypher == EXPECTED[shape]


def test_guard_params_are_sent_only_with_the_guard() -> None:
    d = CypherDialect()
    rows = {"w0": [["ada", None]], "w1": [[0, 7, 1]]}
    keys = {"g0": ["ada"]}
    q = IR["create_guarded"]
    compiled = d.compile(WriteQuery(q.parts, q.guard, params=rows, guard_params=keys))
    assert compiled.guarded and compiled.columns == ("i0",) and compiled.returns == ()
    assert compiled.params == {**rows, **keys} and list(compiled.params) == ["w0", "w1", "g0"]
    # openCypher has no subquery: after earlier parts the guard is left to the caller
    q = IR["guard_after_parts"]
    compiled = d.compile(WriteQuery(q.parts, q.guard, params={"w0": [1], "w1": [["b"]]}))
    assert not compiled.guarded and compiled.params == {"w0": [1], "w1": [["b"]]}
    assert "_dup" not in compiled.cypher


def test_no_lock_statement_on_the_reference() -> None:
    from runic.ogm.query.write import KeyLock

    q = IR["create_guarded"]
    compiled = CypherDialect().compile(WriteQuery(q.parts, q.guard, KeyLock({("P", "id"): [1]})))
    assert compiled.before == ()


def test_compiling_is_cached_per_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    d = CypherDialect()
    calls: list[WriteQuery] = []
    render = d.render_write

    def counting(query: WriteQuery) -> tuple[str, tuple[str, ...], bool]:
        calls.append(query)
        return render(query)

    monkeypatch.setattr(d, "render_write", counting)
    parts = IR["set_properties"].parts
    first = d.compile(WriteQuery(parts, params={"w0": [[1, "a", None]]}))
    second = d.compile(WriteQuery(parts, params={"w0": [[i, "b", None] for i in range(1000)]}))
    assert len(calls) == 1  # the rows are parameters: one compilation per shape
    assert first.cypher is second.cypher
    assert len(second.params["w0"]) == 1000
    d.compile(IR["detach_delete"])
    assert len(calls) == 2


class _Rows(list[Any]):
    """A rows list a weak reference can watch."""


def test_the_shape_cache_keeps_no_rows_alive() -> None:
    # the first statement of a shape is not the cache key: a 100,000-row flush would
    # otherwise stay in memory for the life of the dialect (and slow every later GC)
    d = CypherDialect()
    rows = _Rows([[i, "a", None] for i in range(100)])
    keys = _Rows(["k1"])
    watched = [weakref.ref(rows), weakref.ref(keys)]
    guarded = IR["create_guarded"]
    d.compile(WriteQuery(IR["set_properties"].parts, params={"w0": rows}))
    d.compile(
        WriteQuery(
            guarded.parts,
            guarded.guard,
            KeyLock({("Person", "id"): keys}),
            params={"w0": rows},
            guard_params={"g0": keys},
        )
    )
    del rows, keys
    gc.collect()
    assert [ref() for ref in watched] == [None, None]


def test_write_ir_hashes_by_shape_only() -> None:
    parts = IR["detach_delete"].parts
    assert WriteQuery(parts, params={"w0": [1]}) == WriteQuery(parts, params={"w0": [2, 3]})
    assert hash(WriteQuery(parts, params={"w0": [1]})) == hash(WriteQuery(parts))


def test_unknown_direction_is_refused() -> None:
    with pytest.raises(QueryBuildError, match="unknown relationship direction 'SIDEWAYS'"):
        CypherDialect().compile(WriteQuery((DeleteEdge("w0", EdgeType("KNOWS", "SIDEWAYS")),)))


def test_flush_plan_builds_ir_not_text() -> None:
    from runic.ogm import Field, Node
    from runic.ogm.session.flush import FlushPlan, build_statement

    class WcPerson(Node, labels=["WcPerson"]):
        id: str = Field(primary_key=True)
        name: str | None = None

    fields = WcPerson.__runic_meta__.fields
    plan = FlushPlan()
    new = plan.create(("WcPerson",), (fields["id"], fields["name"]), ["ada", "Ada"])
    plan.update(7, (fields["name"],), [None])
    plan.merge_edge("WC_KNOWS", "OUTGOING", new, 9)
    plan.delete_node(11)
    plan.guard({("WcPerson", "id"): ["ada"]})
    query = build_statement(plan, {("WcPerson", "id"): ["ada"]})
    name = SetItem("name", RowValue(1, None, "WcPerson.name"))
    assert query.parts == (
        SetProperties("w0", (name,)),
        DetachDelete("w1"),
        CreateNode("w2", ("WcPerson",), (SetItem("id", RowValue(0, None, "WcPerson.id")), name)),
        CreateEdge("w3", EdgeType("WC_KNOWS", "OUTGOING"), NewNode(0, 0), ById(1)),
    )
    assert query.guard == KeyGuard((KeyCheck("WcPerson", "id", "g0"),), "w1")
    assert query.lock is not None and query.lock.keys == {("WcPerson", "id"): ["ada"]}
    assert query.params == {"w0": [[7, None]], "w1": [11], "w2": [["ada", "Ada"]], "w3": [[0, 9]]}
    assert query.guard_params == {"g0": ["ada"]}
