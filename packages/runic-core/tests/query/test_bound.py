"""Unbound statements refuse to execute; bound ones offer the same builder methods.

No server: the bound queries here are only built and compiled (a session over a
driver stand-in that only has a dialect; nothing is executed).
"""

from __future__ import annotations

import inspect
from types import SimpleNamespace
from typing import Any

import pytest

from runic.ogm import AsyncSession, Session
from runic.ogm.dialect import CypherDialect
from runic.ogm.query import Select, SelectBase, TraversalStep, select
from runic.ogm.session.bound import AsyncBoundQuery, BoundQuery


class _CompileOnly:
    """Enough of a driver for building statements; executing anything is an error."""

    dialect = CypherDialect()

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a statement was executed")


class _AsyncCompileOnly:
    """The async twin of :class:`_CompileOnly`."""

    dialect = CypherDialect()

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a statement was executed")


TERMINALS = {
    "all": "scalars",
    "one": "scalar",
    "first": "scalar",
    "scalars": "scalars",
    "scalar": "scalar",
    "count": "count",
    "exists": "exists",
    "all_rows": "all_rows",
    "all_with_edges": "all_with_edges",
}


@pytest.mark.parametrize(("terminal", "method"), sorted(TERMINALS.items()))
def test_an_unbound_terminal_says_to_execute_through_a_session(
    m: SimpleNamespace, terminal: str, method: str
) -> None:
    stmt = select(m.User).where(m.User.age > 3)
    with pytest.raises(RuntimeError) as info:
        getattr(stmt, terminal)()
    text = str(info.value)
    assert f"{terminal}() on an unbound statement" in text
    assert f"session.{method}(stmt)" in text
    assert "session.query(User)" in text


def test_a_pending_traversal_of_an_unbound_statement_refuses_too(m: SimpleNamespace) -> None:
    with pytest.raises(RuntimeError, match=r"session\.scalars\(stmt\)"):
        select(m.User).traverse(m.User.friends).all()


def _public_methods(cls: type) -> set[str]:
    return {
        name
        for name, value in inspect.getmembers(cls)
        if not name.startswith("_") and callable(value)
    }


def test_bound_and_unbound_share_every_builder_method() -> None:
    builder_methods = _public_methods(SelectBase)
    # the builders are inherited from SelectBase, never redefined
    for cls in (Select, BoundQuery, AsyncBoundQuery):
        assert builder_methods <= _public_methods(cls)
        for name in builder_methods - {"compile", "build"}:
            assert getattr(cls, name) is getattr(SelectBase, name), (cls, name)
    assert {"where_id", "traverse", "repeat", "with_", "alias"} <= builder_methods
    assert set(TERMINALS) <= _public_methods(BoundQuery)
    assert set(TERMINALS) <= _public_methods(AsyncBoundQuery)
    assert set(TERMINALS) <= _public_methods(Select)


@pytest.fixture(params=["sync", "async"])
def session(request: pytest.FixtureRequest) -> Any:
    if request.param == "sync":
        return Session(_CompileOnly())  # type: ignore[arg-type]
    return AsyncSession(_AsyncCompileOnly())  # type: ignore[arg-type]


def test_where_id_on_a_bound_query(m: SimpleNamespace, session: Any) -> None:
    bound = session.query(m.User).where_id(7)
    assert type(bound) in (BoundQuery, AsyncBoundQuery)
    assert bound._session is session
    assert bound.build() == select(m.User).where_id(7).build()
    assert bound.build() == ("MATCH (n:`QUser`) WHERE id(n) = $p0 RETURN n", {"p0": 7})


def test_traverse_and_repeat_source_on_a_bound_query(m: SimpleNamespace, session: Any) -> None:
    def build(stmt: Any) -> Any:
        return (
            stmt.traverse(m.User.friends, optional=False)
            .alias("f")
            .traverse(m.User.rated, optional=False)
            .alias("mv")
            .traverse(m.User.parent, source="f", optional=False)
            .alias("p")
            .repeat(m.User.friends, max_hops=2, source="n")
            .alias("ff")
            .return_nodes("n", "p", "ff")
        )

    bound = build(session.query(m.User))
    assert type(bound) is type(session.query(m.User))
    assert bound.build() == build(select(m.User)).build()
    cypher, _ = bound.build()
    assert "MATCH (f)-[:`Q_PARENT`]->(p:`QUser`)" in cypher
    assert "MATCH (n)-[:`Q_FRIEND`*1..2]->(ff:`QUser`)" in cypher


def test_a_pending_bound_traversal_stays_bound(m: SimpleNamespace, session: Any) -> None:
    step = session.query(m.User).traverse(m.User.friends)
    assert isinstance(step, TraversalStep)
    assert type(step.alias("f")) is type(session.query(m.User))
    # any other method completes the step under a generated alias, still bound
    assert type(step.where(m.User.age > 1, on="n")) is type(session.query(m.User))


def test_statement_is_the_same_query_unbound(m: SimpleNamespace, session: Any) -> None:
    bound = session.query(m.User).where(m.User.age > 3).limit(2)
    plain = bound.statement
    assert type(plain) is Select
    assert plain.build() == bound.build()
    with pytest.raises(RuntimeError):
        plain.all()
