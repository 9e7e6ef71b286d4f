"""Pure tests of the session core's state after errors (no database: a fake executor)."""

from __future__ import annotations

from typing import Any

import pytest

from runic.ogm import DuplicateEntityError, Edge, Field, FieldValidationError, Node, Relation
from runic.ogm.core.state import inspect
from runic.ogm.dialect import CypherDialect
from runic.ogm.driver.results import QueryResult
from runic.ogm.session.core import SessionCore
from runic.ogm.session.ops import Op, Statement, drive


def _nothing(stmt: Statement) -> QueryResult:
    return QueryResult(stmt.columns, [])


def _run(op: Op[Any]) -> Any:
    return drive(op, _nothing)


def _models() -> tuple[type[Node], type[Node], type[Edge]]:
    class Role(Edge, type="HAS_ROLE"):
        role: str = Field(required=True)

    class Team(Node, labels=["Team"]):
        id: str = Field(primary_key=True)
        name: str = Field(required=True)

    class Member(Node, labels=["Member"]):
        id: str = Field(primary_key=True)
        team: Team | None = Relation(relationship="IN_TEAM", target=Team)
        mates: list[Member] = Relation(
            relationship="HAS_ROLE", target="Member", edge_model=Role, default_factory=list
        )

    return Team, Member, Role


def test_add_all_stages_all_or_nothing() -> None:
    _, member, _ = _models()
    core = SessionCore(CypherDialect())
    core.add(member(id="a"))
    first = member(id="x")
    with pytest.raises(DuplicateEntityError):
        core.add_all([first, member(id="a")])
    assert list(core.new.values())[1:] == [] and inspect(first).session is None  # type: ignore[union-attr]


def test_a_failing_flush_takes_back_what_it_cascaded() -> None:
    team, member, _ = _models()
    core = SessionCore(CypherDialect())
    unnamed = team(id="t", name=None)  # name is required: the flush refuses it
    alice = member(id="alice", team=unnamed)
    core.add(alice)
    with pytest.raises(FieldValidationError, match=r"Team\.name is required"):
        _run(core.flush())
    assert list(core.new.values()) == [alice]
    assert ("Team", "t") not in core.identity
    assert inspect(unnamed).session is None  # type: ignore[union-attr]


def test_a_pending_key_assigned_after_add_is_mapped_again() -> None:
    _, member, _ = _models()
    core = SessionCore(CypherDialect())
    alice = member(id="old")
    core.add(alice)
    alice.id = "new"
    assert _run(core.get(member, "old")) is None
    assert core.identity == {("Member", "new"): alice}
    assert _run(core.get(member, "new")) is alice


def test_rollback_after_a_key_change_does_not_raise() -> None:
    _, member, _ = _models()
    core = SessionCore(CypherDialect())
    alice = member(id="old")
    core.add(alice)
    alice.id = "new"
    core.clear_after_rollback()
    assert core.identity == {} and core.new == {}
    assert inspect(alice).session is None  # type: ignore[union-attr]


def test_required_edge_fields_are_checked_when_staging() -> None:
    _, member, role = _models()
    core = SessionCore(CypherDialect())
    a, b = member(id="a"), member(id="b")
    with pytest.raises(FieldValidationError, match=r"Role\.role is required but is None"):
        core.stage_edge("merge", a, "mates", b, role(role=None))
    with pytest.raises(FieldValidationError, match=r"Role\.role is required and has no default"):
        core.stage_edge("merge", a, "mates", b, None)
    assert core.new == {} and core.edge_ops == []


def test_a_deleted_entity_gives_its_key_to_a_new_one() -> None:
    _, member, _ = _models()
    core = SessionCore(CypherDialect())
    old = member(id="a")
    core.add(old)
    state = inspect(old)
    assert state is not None
    state.persistent, state.graph_id = True, 7  # as if loaded
    core.new.clear()
    core.delete(old)
    again = member(id="a")
    core.add(again)
    assert core.identity[("Member", "a")] is again
    with pytest.raises(DuplicateEntityError, match="cannot add"):
        core.add(old)  # back, while the new one holds the key


class _BrokenTx:
    """A transaction whose statements and rollback fail (a connection that died)."""

    def execute(self, cypher: str, params: Any = None, **kwargs: Any) -> QueryResult:
        raise ConnectionError("the server went away")

    def commit(self) -> None:
        raise ConnectionError("the server went away")

    def rollback(self) -> None:
        raise ConnectionError("rollback failed too")


class _BrokenDriver:
    dialect = CypherDialect()

    def execute(self, cypher: str, params: Any = None, **kwargs: Any) -> QueryResult:
        raise AssertionError("a transactional session executes in its transaction")

    def begin(self) -> _BrokenTx:
        return _BrokenTx()

    def close(self) -> None:
        pass


def test_a_failing_rollback_never_hides_the_error_of_the_block() -> None:
    from runic.ogm import Session

    _, member, _ = _models()
    with (
        pytest.raises(RuntimeError, match="the user's error") as caught,
        Session(_BrokenDriver()) as session,  # type: ignore[arg-type]
    ):
        session.add(member(id="a"))
        with pytest.raises(ConnectionError, match="went away"):
            session.flush()  # the statement's error, not the rollback's
        session._tx = _BrokenTx()  # type: ignore[assignment]  # as if one was open
        raise RuntimeError("the user's error")
    assert any("rollback() failed too" in note for note in caught.value.__notes__)
