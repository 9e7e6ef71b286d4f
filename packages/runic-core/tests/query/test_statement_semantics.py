"""Statements are immutable values; compilation is stable and cached."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import pytest

from runic.ogm.dialect import CompiledQuery, CypherDialect
from runic.ogm.query import count, select
from runic.ogm.query.ir import Query


def test_branches_from_a_base_statement_do_not_leak(m: SimpleNamespace) -> None:
    base = select(m.User).where(m.User.active == True)  # noqa: E712
    a = base.where(m.User.age > 18)
    b = base.where(m.User.name == "bob")
    assert base.build() == ("MATCH (n:`QUser`) WHERE n.`active` = $p0 RETURN n", {"p0": True})
    assert a.build() == (
        "MATCH (n:`QUser`) WHERE n.`active` = $p0 AND n.`age` > $p1 RETURN n",
        {"p0": True, "p1": 18},
    )
    assert b.build() == (
        "MATCH (n:`QUser`) WHERE n.`active` = $p0 AND n.`name` = $p1 RETURN n",
        {"p0": True, "p1": "bob"},
    )


@pytest.mark.parametrize(
    "extend",
    [
        lambda s, u: s.alias("u"),
        lambda s, u: s.where(u.age > 1, on="n"),
        lambda s, u: s.where_id(1),
        lambda s, u: s.traverse(u.friends).alias("g"),
        lambda s, u: s.repeat(u.parent).alias("a"),
        lambda s, u: s.with_("n"),
        lambda s, u: s.order_by("n.name"),
        lambda s, u: s.limit(3),
        lambda s, u: s.skip(3),
        lambda s, u: s.distinct(),
        lambda s, u: s.return_target("n"),
        lambda s, u: s.return_nodes("n"),
        lambda s, u: s.project("n.name"),
        lambda s, u: s.aggregate(count()),
        lambda s, u: s.to_count(),
        lambda s, u: s.to_first(),
    ],
)
def test_every_method_returns_a_new_statement_and_keeps_the_receiver(
    m: SimpleNamespace, extend: Any
) -> None:
    base = select(m.User).where(m.User.active == True).traverse(m.User.friends).alias("f")  # noqa: E712
    before = base.build()
    before_ir = base.to_ir()
    extended = extend(base, m.User)
    assert extended is not base
    assert extended.build() != before
    assert base.build() == before
    assert base.to_ir() == before_ir


def test_statements_and_ir_are_frozen(m: SimpleNamespace) -> None:
    stmt = select(m.User)
    with pytest.raises(dataclasses.FrozenInstanceError):
        stmt._limit = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        stmt.to_ir().ret = None  # type: ignore[misc, assignment]
    assert isinstance(stmt.to_ir().clauses, tuple)


def test_same_shape_gives_same_text_whatever_the_values(m: SimpleNamespace) -> None:

    def stmt(name: Any, age: Any, ids: list[Any]) -> tuple[str, dict[str, Any]]:
        return (
            select(m.User)
            .where((m.User.name == name) & (m.User.age > age) & m.User.id.in_(ids))
            .order_by(m.User.name)
            .build()
        )

    a_text, a_params = stmt("alice", 3, ["x"])
    b_text, b_params = stmt("' OR 1=1 //", 10**9, ["y", "z", "w"])
    assert a_text == b_text
    assert a_params == {"p0": "alice", "p1": 3, "p2": ["x"]}
    assert b_params == {"p0": "' OR 1=1 //", "p1": 10**9, "p2": ["y", "z", "w"]}


def test_ir_and_compilation_are_cached_per_statement_and_dialect(m: SimpleNamespace) -> None:
    stmt = select(m.User).where(m.User.age > 1)
    assert stmt.to_ir() is stmt.to_ir()
    first = stmt.compile()
    assert stmt.compile() is first
    other = CypherDialect()
    assert stmt.compile(other) is not first
    assert stmt.compile(other) == first
    assert isinstance(first, CompiledQuery)
    assert isinstance(stmt.to_ir(), Query)


def test_build_returns_a_fresh_params_dict(m: SimpleNamespace) -> None:
    stmt = select(m.User).where(m.User.age > 1)
    _, params = stmt.build()
    params["p0"] = 999
    assert stmt.build()[1] == {"p0": 1}


def test_compiled_query_carries_columns_and_returns(m: SimpleNamespace) -> None:
    stmt = select(m.User).alias("u").traverse(m.User.rated, edge_alias="r").alias("mv")
    compiled = stmt.return_nodes("u", "mv").return_edge("r").compile()
    assert compiled.columns == ("u", "r", "mv")
    assert [(r.column, r.kind, r.cls) for r in compiled.returns] == [
        ("u", "node", m.User),
        ("r", "edge", m.Rated),
        ("mv", "node", m.Movie),
    ]
