"""The flush as a sans-I/O operation: the statements it yields and the state after.

No database: each test drives ``SessionCore.flush()`` (an operation generator,
see ``runic.ogm.session.ops``) with canned results, or with an exception sent
into it, and asserts on the exact Cypher and parameters it yields for the
default dialect and on the session's state afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from runic.ogm import (
    DuplicateEntityError,
    Edge,
    Field,
    FieldValidationError,
    Node,
    Relation,
    StaleDataError,
)
from runic.ogm.core.state import changed_fields, inspect
from runic.ogm.dialect import CypherDialect
from runic.ogm.driver.results import GraphNode, QueryResult
from runic.ogm.exceptions import UniqueViolationError
from runic.ogm.session.core import SessionCore
from runic.ogm.session.hydrate import decode_node
from runic.ogm.session.ops import Op, Statement

Answer = QueryResult | BaseException


@dataclass
class Script:
    """Drives an operation: answers each statement it yields with the next answer.

    An answer that is an exception is sent into the operation (as a driver's
    error is by ``ops.drive``); every statement yielded is kept in ``sent``.
    """

    answers: list[Answer]
    sent: list[Statement] = field(default_factory=list)

    def run(self, op: Op[Any]) -> Any:
        try:
            stmt = next(op)
            while True:
                self.sent.append(stmt)
                if not self.answers:
                    raise AssertionError(f"no answer left for {stmt.cypher!r}")
                answer = self.answers.pop(0)
                if isinstance(answer, QueryResult):
                    stmt = op.send(answer)
                    continue
                stmt = op.throw(answer)
        except StopIteration as stop:
            assert not self.answers, f"answers left over: {self.answers}"
            return stop.value


def run(op: Op[Any], *answers: Answer) -> list[Statement]:
    """Drive ``op`` with ``answers``; return the statements it yielded."""
    script = Script(list(answers))
    script.run(op)
    return script.sent


def ok(*rows: Any) -> QueryResult:
    return QueryResult([], list(rows))


def ids(*lists: list[Any]) -> QueryResult:
    """The result of a flush creating nodes: one list of new ids per class."""
    return QueryResult([f"i{n}" for n in range(len(lists))], [list(lists)])


class Models:
    """Throw-away models (the registry is emptied around each test, conftest.py)."""

    def __init__(self) -> None:
        class Since(Edge, type="MEMBER_OF"):
            year: int = Field(default=2020)

        class Team(Node, labels=["Team"]):
            id: str = Field(primary_key=True)
            name: str = Field(required=True)

        class Member(Node, labels=["Member"]):
            id: str = Field(primary_key=True)
            age: int = Field(default=0)
            team: Team | None = Relation(relationship="IN_TEAM", target=Team)
            teams: list[Team] = Relation(
                relationship="MEMBER_OF", target=Team, edge_model=Since, default_factory=list
            )

        class Tag(Node, labels=["Tag"]):
            id: int = Field(primary_key=True, generated=True)
            name: str = Field()

        self.Since, self.Team, self.Member, self.Tag = Since, Team, Member, Tag


@pytest.fixture
def m() -> Iterator[Models]:
    yield Models()


@pytest.fixture
def core() -> SessionCore:
    return SessionCore(CypherDialect())


def loaded(core: SessionCore, cls: type[Node], graph_id: int, **props: Any) -> Any:
    """An entity as a read would have put it in the session."""
    labels = cls.__runic_meta__.labels  # type: ignore[attr-defined]
    return decode_node(core, GraphNode(graph_id, tuple(labels), props), cls)


# -- inserts ---------------------------------------------------------------------------------


def test_an_insert_is_one_guarded_statement(m: Models, core: SessionCore) -> None:
    a, b = m.Team(id="a", name="A"), m.Team(id="b", name="B")
    core.add_all([a, b])
    sent = run(core.flush(), ids([10, 11]))
    assert [(s.cypher, s.params, s.columns, s.write) for s in sent] == [
        (
            "OPTIONAL MATCH (_g0:`Team`) WHERE _g0.`id` IN $g0 WITH count(_g0) AS _h0 "
            "WITH _h0 AS _dup WHERE _dup = 0 UNWIND $w0 AS row CREATE (n:`Team`) "
            "SET n.`id` = row[0], n.`name` = row[1] WITH _dup, collect(n) AS _n0 "
            "RETURN [x IN _n0 | id(x)] AS i0",
            {"w0": [("a", "A"), ("b", "B")], "g0": ["a", "b"]},
            ("i0",),
            True,
        )
    ]


def test_an_insert_assigns_ids_and_keys_the_identity_map(m: Models, core: SessionCore) -> None:
    a, b = m.Team(id="a", name="A"), m.Team(id="b", name="B")
    core.add_all([a, b])
    run(core.flush(), ids([10, 11]))
    for entity, graph_id in ((a, 10), (b, 11)):
        state = inspect(entity)
        assert state is not None and state.persistent and state.graph_id == graph_id
        assert dict(state.snapshot) == {"id": entity.id, "name": entity.name}
    assert core.identity == {("Team", "a"): a, ("Team", "b"): b}
    assert core.new == {} and not core.has_changes()
    assert run(core.flush()) == []  # nothing left to write: no statement


def test_a_generated_key_is_the_new_node_id(m: Models, core: SessionCore) -> None:
    tag = m.Tag(name="x")
    core.add(tag)
    sent = run(core.flush(), ids([42]))
    assert sent[0].cypher == (
        "UNWIND $w0 AS row CREATE (n:`Tag`) SET n.`name` = row[0] "
        "WITH collect(n) AS _n0 RETURN [x IN _n0 | id(x)] AS i0"
    )
    assert sent[0].params == {"w0": [["x"]]}  # no key column, no key check
    assert tag.id == 42 and core.identity == {("Tag", 42): tag}


def test_a_creation_matching_no_row_is_stale(m: Models, core: SessionCore) -> None:
    member = loaded(core, m.Member, 7, id="m", age=1)
    team = m.Team(id="t", name="T")
    core.add(team)
    member.team = team  # the new team's edge needs the member, deleted meanwhile
    script = Script([ok(), ok()])  # the key check finds nothing; the write matches no row
    with pytest.raises(StaleDataError, match="a node it needed was deleted"):
        script.run(core.flush())
    assert script.sent[0].cypher.startswith("OPTIONAL MATCH (n0:`Team`)")  # the key check
    assert list(core.new.values()) == [team] and inspect(team).graph_id is None  # type: ignore[union-attr]


# -- updates and deletes ---------------------------------------------------------------------


def test_an_update_writes_the_changed_fields_and_resets_the_snapshot(
    m: Models, core: SessionCore
) -> None:
    member = loaded(core, m.Member, 7, id="m", age=1)
    member.age = 5
    assert changed_fields(member) == ["age"]
    sent = run(core.flush(), ok([1]))
    assert [(s.cypher, s.params) for s in sent] == [
        (
            "UNWIND $w0 AS row WITH row, row[0] AS k MATCH (n) WHERE id(n) = k "
            "SET n.`age` = row[1]",
            {"w0": [[7, 5]]},
        )
    ]
    state = inspect(member)
    assert state is not None and state.snapshot["age"] == 5 and changed_fields(member) == []
    assert core.dirty == {} and run(core.flush()) == []


def test_a_delete_detaches_the_entity(m: Models, core: SessionCore) -> None:
    member = loaded(core, m.Member, 7, id="m", age=1)
    core.delete(member)
    sent = run(core.flush(), ok())
    assert [(s.cypher, s.params) for s in sent] == [
        ("UNWIND $w0 AS i MATCH (n) WHERE id(n) = i DETACH DELETE n", {"w0": [7]})
    ]
    state = inspect(member)
    assert state is not None and state.detached and state.session is None
    assert not state.persistent and core.identity == {} and core.deleted == {}


def test_required_fields_are_checked_before_any_statement(m: Models, core: SessionCore) -> None:
    core.add(m.Team(id="a", name=None))
    with pytest.raises(FieldValidationError, match=r"Team\.name is required but is None"):
        run(core.flush())  # raised before the first statement
    core = SessionCore(CypherDialect())
    member = loaded(core, m.Member, 7, id="m", age=1)
    member.id = "other"
    with pytest.raises(FieldValidationError, match=r"Member\.id is the primary key and cannot"):
        run(core.flush())


# -- relations -------------------------------------------------------------------------------


def test_assigning_a_relation_of_new_nodes_creates_the_edge_with_them(
    m: Models, core: SessionCore
) -> None:
    team = m.Team(id="t", name="T")
    member = m.Member(id="m", team=team)  # the team is added by cascade
    core.add(member)
    sent = run(core.flush(), ids([1], [2]))
    assert sent[0].cypher == (
        "OPTIONAL MATCH (_g0:`Member`) WHERE _g0.`id` IN $g0 WITH count(_g0) AS _h0 "
        "OPTIONAL MATCH (_g1:`Team`) WHERE _g1.`id` IN $g1 WITH _h0, count(_g1) AS _h1 "
        "WITH _h0 + _h1 AS _dup WHERE _dup = 0 "
        "UNWIND $w0 AS row CREATE (n:`Member`) SET n.`id` = row[0], n.`age` = row[1] "
        "WITH _dup, collect(n) AS _n0 "
        "UNWIND $w1 AS row CREATE (n:`Team`) SET n.`id` = row[0], n.`name` = row[1] "
        "WITH _dup, _n0, collect(n) AS _n1 "
        "UNWIND $w2 AS row WITH _dup, _n0, _n1, row, _n0[row[0]] AS a "
        "WITH _dup, _n0, _n1, row, a, _n1[row[1]] AS b CREATE (a)-[r:`IN_TEAM`]->(b) "
        "WITH _dup, _n0, _n1, count(*) AS _c "
        "RETURN [x IN _n0 | id(x)] AS i0, [x IN _n1 | id(x)] AS i1"
    )
    assert sent[0].params == {
        "w0": [("m", 0)],
        "w1": [("t", "T")],
        "w2": [[0, 0]],
        "g0": ["m"],
        "g1": ["t"],
    }
    assert inspect(team).graph_id == 2 and inspect(member).relations == {  # type: ignore[union-attr]
        "team": (team,),
        "teams": (),
    }


def test_relate_and_unrelate_merge_and_delete_one_edge(m: Models, core: SessionCore) -> None:
    member = loaded(core, m.Member, 1, id="m", age=0)
    team = loaded(core, m.Team, 2, id="t", name="T")
    core.stage_edge("merge", member, "team", team, None)
    sent = run(core.flush(), ok())
    assert [(s.cypher, s.params) for s in sent] == [
        (
            "UNWIND $w0 AS row WITH row, row[0] AS ak, row[1] AS bk MATCH (a) WHERE id(a) = ak "
            "MATCH (b) WHERE id(b) = bk MERGE (a)-[r:`IN_TEAM`]->(b)",
            {"w0": [[1, 2]]},
        )
    ]
    assert core.edge_ops == [] and "team" not in member.__dict__  # reloaded on next access
    core.stage_edge("delete", member, "team", team, None)
    sent = run(core.flush(), ok())
    assert [(s.cypher, s.params) for s in sent] == [
        (
            "UNWIND $w0 AS row WITH row[0] AS ka, row[1] AS kb "
            "MATCH (a)-[r:`IN_TEAM`]->(b) WHERE id(a) = ka AND id(b) = kb DELETE r",
            {"w0": [[1, 2]]},
        )
    ]


def test_relate_without_an_edge_gives_a_new_edge_the_model_defaults(
    m: Models, core: SessionCore
) -> None:
    member = loaded(core, m.Member, 1, id="m", age=0)
    team = loaded(core, m.Team, 2, id="t", name="T")
    core.stage_edge("merge", member, "teams", team, None)
    core.stage_edge("merge", member, "teams", team, m.Since(year=1999))
    sent = run(core.flush(), ok())
    # the defaults only when the edge is new; an edge instance's values always
    assert [(s.cypher, s.params) for s in sent] == [
        (
            "UNWIND $w0 AS row WITH row, row[0] AS ak, row[1] AS bk MATCH (a) WHERE id(a) = ak "
            "MATCH (b) WHERE id(b) = bk MERGE (a)-[r:`MEMBER_OF`]->(b) "
            "ON CREATE SET r.`year` = row[2] WITH count(*) AS _c "
            "UNWIND $w1 AS row WITH row, row[0] AS ak, row[1] AS bk MATCH (a) WHERE id(a) = ak "
            "MATCH (b) WHERE id(b) = bk MERGE (a)-[r:`MEMBER_OF`]->(b) SET r.`year` = row[2]",
            {"w0": [[1, 2, 2020]], "w1": [[1, 2, 1999]]},
        )
    ]


def test_relate_between_new_nodes_creates_the_edge_in_the_insert(
    m: Models, core: SessionCore
) -> None:
    member, team = m.Member(id="a"), m.Team(id="t", name="T")
    core.stage_edge("merge", member, "teams", team, m.Since(year=2001))  # adds both
    sent = run(core.flush(), ids([1], [2]))
    assert len(sent) == 1
    assert sent[0].cypher.endswith(
        "UNWIND $w2 AS row WITH _dup, _n0, _n1, row, _n0[row[0]] AS a "
        "WITH _dup, _n0, _n1, row, a, _n1[row[1]] AS b "
        "CREATE (a)-[r:`MEMBER_OF`]->(b) SET r.`year` = row[2] "
        "WITH _dup, _n0, _n1, count(*) AS _c "
        "RETURN [x IN _n0 | id(x)] AS i0, [x IN _n1 | id(x)] AS i1"
    )
    assert sent[0].params["w2"] == [[0, 0, 2001]]  # rows of the creation groups
    assert core.edge_ops == [] and (inspect(member).graph_id, inspect(team).graph_id) == (1, 2)  # type: ignore[union-attr]


def test_reassigning_a_loaded_relation_removes_the_old_edge_and_merges_the_new(
    m: Models, core: SessionCore
) -> None:
    member = loaded(core, m.Member, 1, id="m", age=0)
    old = loaded(core, m.Team, 2, id="old", name="O")
    new = loaded(core, m.Team, 3, id="new", name="N")
    old_node = GraphNode(2, ("Team",), {"id": "old", "name": "O"})
    run(core.load_relation([member], "team"), QueryResult(["id", "targets"], [[1, [old_node]]]))
    assert member.team is old and inspect(member).relations == {"team": (old,)}  # type: ignore[union-attr]
    member.team = new
    sent = run(core.flush(), ok())
    assert len(sent) == 1
    assert sent[0].cypher == (
        "UNWIND $w0 AS row WITH row[0] AS ka, row[1] AS kb "
        "MATCH (a)-[r:`IN_TEAM`]->(b) WHERE id(a) = ka AND id(b) = kb DELETE r "
        "WITH count(*) AS _c "
        "UNWIND $w1 AS row WITH row, row[0] AS ak, row[1] AS bk MATCH (a) WHERE id(a) = ak "
        "MATCH (b) WHERE id(b) = bk MERGE (a)-[r:`IN_TEAM`]->(b)"
    )
    assert sent[0].params == {"w0": [[1, 2]], "w1": [[1, 3]]}
    assert inspect(member).relations == {"team": (new,)}  # type: ignore[union-attr]
    assert run(core.flush()) == []  # in step with the graph again


def test_a_cascade_false_relation_refuses_a_transient_target() -> None:
    class Team(Node, labels=["Team"]):
        id: str = Field(primary_key=True)

    class Member(Node, labels=["Member"]):
        id: str = Field(primary_key=True)
        team: Team | None = Relation(relationship="IN_TEAM", target=Team, cascade=False)

    core = SessionCore(CypherDialect())
    core.add(Member(id="m", team=Team(id="t")))
    with pytest.raises(FieldValidationError, match=r"declared cascade=False.*Nothing was written"):
        run(core.flush())


# -- duplicate keys --------------------------------------------------------------------------


def test_a_key_taken_in_the_graph_is_found_after_the_guarded_write(
    m: Models, core: SessionCore
) -> None:
    a, b = m.Team(id="a", name="A"), m.Team(id="b", name="B")
    core.add_all([a, b])
    script = Script([QueryResult(["i0"], []), QueryResult(["Team"], [[["b"]]])])
    with pytest.raises(DuplicateEntityError, match=r"cannot insert Team\(id='b'\): a node"):
        script.run(core.flush())
    check = script.sent[1]
    assert (check.cypher, check.params, check.write) == (
        "OPTIONAL MATCH (n0:`Team`) WHERE n0.`id` IN $k0 WITH collect(n0.`id`) AS d0 "
        "RETURN d0 AS `Team`",
        {"k0": ["a", "b"]},
        False,
    )
    # the duplicate left the session, the rest stays staged
    assert list(core.new.values()) == [a] and core.identity == {("Team", "a"): a}
    assert inspect(b).session is None  # type: ignore[union-attr]


def test_with_updates_the_keys_are_checked_by_a_read_before_the_write(
    m: Models, core: SessionCore
) -> None:
    member = loaded(core, m.Member, 7, id="m", age=1)
    member.age = 2
    team = m.Team(id="t", name="T")
    core.add(team)
    script = Script([QueryResult(["Team"], [[["t"]]])])
    with pytest.raises(DuplicateEntityError, match=r"cannot insert Team\(id='t'\)"):
        script.run(core.flush())
    assert [s.write for s in script.sent] == [False]  # nothing was sent to write
    assert core.new == {} and list(core.dirty.values()) == [member]  # the update stays


def test_a_unique_violation_of_the_server_names_the_entity(m: Models, core: SessionCore) -> None:
    team = m.Team(id="t", name="T")
    core.add(team)
    refused = UniqueViolationError("unique constraint violation on Team", backend="test")
    with pytest.raises(DuplicateEntityError, match=r"a unique constraint refused the flush"):
        run(core.flush(), refused)
    assert inspect(team).graph_id is None  # type: ignore[union-attr]


# -- failures, abort and rollback ------------------------------------------------------------


def test_a_failing_write_changes_nothing_in_the_session(m: Models, core: SessionCore) -> None:
    member = loaded(core, m.Member, 7, id="m", age=1)
    member.age = 2
    team = m.Team(id="t", name="T")
    recruit = m.Member(id="r", team=team)  # the team comes in by cascade
    core.add(recruit)
    with pytest.raises(ConnectionError, match="went away"):
        run(core.flush(), ok(), ConnectionError("the server went away"))
    assert list(core.new.values()) == [recruit]  # the cascaded team is taken back
    assert inspect(team).session is None and ("Team", "t") not in core.identity  # type: ignore[union-attr]
    assert list(core.dirty.values()) == [member] and changed_fields(member) == ["age"]
    assert inspect(recruit).graph_id is None  # type: ignore[union-attr]
    sent = run(core.flush(), ok(), ids([1], [2]))  # the next flush writes it all
    assert len(sent) == 2 and inspect(team).graph_id == 2  # type: ignore[union-attr]


def test_an_aborted_transaction_stages_its_flushes_again(m: Models, core: SessionCore) -> None:
    core.track_flushes = True  # a transactional backend
    member = loaded(core, m.Member, 7, id="m", age=1)
    doomed = loaded(core, m.Member, 8, id="d", age=1)
    team = m.Team(id="t", name="T")
    core.add(team)
    member.age = 2
    core.delete(doomed)
    first = run(core.flush(), ok(), ids([9]))
    assert first[1].params == {"w0": [[7, 2]], "w1": [8], "w2": [("t", "T")]}
    assert not core.has_changes() and inspect(team).persistent  # type: ignore[union-attr]
    core.restore_after_abort()  # the server rolled the transaction back
    assert list(core.new.values()) == [team]
    assert not inspect(team).persistent and inspect(team).graph_id is None  # type: ignore[union-attr]
    assert list(core.dirty.values()) == [member] and changed_fields(member) == ["age"]
    assert list(core.deleted.values()) == [doomed] and inspect(doomed).session is core  # type: ignore[union-attr]
    again = run(core.flush(), ok(), ids([10]))  # written again, in a new transaction
    assert again == first  # the same statements: the update, the delete, the insert
    assert inspect(team).graph_id == 10 and core.identity[("Team", "t")] is team  # type: ignore[union-attr]


def test_a_rollback_makes_inserted_entities_transient_and_expires_the_rest(
    m: Models, core: SessionCore
) -> None:
    core.track_flushes = True
    member = loaded(core, m.Member, 7, id="m", age=1)
    tag = m.Tag(name="x")
    core.add(tag)
    member.age = 2
    run(core.flush(), ids([5]))  # a generated key: no key check
    assert tag.id == 5
    core.clear_after_rollback()
    state = inspect(tag)
    assert state is not None and state.session is None and not state.persistent
    assert tag.id is None  # the database hands out another key next time
    assert core.identity == {("Member", "m"): member} and "age" not in member.__dict__
    assert core.new == core.dirty == core.deleted == {}


def test_a_unique_violation_at_commit_unstages_the_taken_key(m: Models, core: SessionCore) -> None:
    core.track_flushes = True
    taken, other = m.Team(id="t", name="T"), m.Team(id="u", name="U")
    core.add_all([taken, other])
    run(core.flush(), ids([3, 4]))
    refused = UniqueViolationError(
        "Duplicated key [t] found on index 'Team[id]'", backend="arcadedb"
    )  # ArcadeDB checks unique indexes at commit
    error = core.commit_failed(refused)
    assert isinstance(error, DuplicateEntityError)
    assert "Team.id='t' already exists" in str(error)
    assert list(core.new.values()) == [other]  # staged again; the taken key left
    assert inspect(taken).session is None and not inspect(other).persistent  # type: ignore[union-attr]


def test_work_staged_while_the_write_runs_stays_for_the_next_flush(
    m: Models, core: SessionCore
) -> None:
    core.shared_by_tasks = True  # an AsyncSession shared by tasks
    first = m.Team(id="a", name="A")
    core.add(first)
    op = core.flush()
    stmt = next(op)
    assert "CREATE (n:`Team`)" in stmt.cypher
    later = m.Team(id="b", name="B")
    core.add(later)  # another task, while the statement runs
    with pytest.raises(StopIteration):
        op.send(ids([1]))
    assert list(core.new.values()) == [later] and inspect(first).persistent  # type: ignore[union-attr]
