"""``session.execute(update(Cls)...)`` / ``session.execute(delete(Cls)...)`` and the bound
``.update(**fields)`` / ``.delete()``: one statement whatever the number of nodes (plus
the flush of pending changes), ``rowcount``, and a session that stays true afterwards
(updated entities show the new values, deleted ones leave the identity map)."""

from __future__ import annotations

from typing import Any

import pytest

from runic.ogm import (
    AsyncRepository,
    Capability,
    DetachedEntityError,
    Field,
    Node,
    QueryBuildError,
    QueryExecutionError,
    Repository,
    delete,
    inspect,
    select,
    update,
)
from runic_integration import RunicDB, backend_test
from runic_integration.statements import logged_statements
from runic_integration.suite.models import Color, Company, Everything, Person

needs_tx = pytest.mark.runic_requires(Capability.TRANSACTIONS)


async def _graph(db: RunicDB) -> None:
    """ada (36, at acme, knows bob), bob (29), cy (41, with an email), dee (17)."""
    async with db.session() as session:
        acme = Company(id="acme", name="Acme")
        ada = Person(id="ada", name="Ada", age=36, employer=acme)
        bob = Person(id="bob", name="Bob", age=29)
        cy = Person(id="cy", name="Cy", age=41, email="cy@example.com")
        dee = Person(id="dee", name="Dee", age=17, active=False)
        ada.friends = [bob]
        session.add_all([ada, bob, cy, dee])


def _flush_then_statement(sent: list[str]) -> None:
    """``sent`` is a flush (its statements: the key check, AGE's lock, the write) and
    then the bulk statement, last and alone."""
    assert len(sent) >= 2, sent
    assert [i for i, text in enumerate(sent) if "rowcount" in text] == [len(sent) - 1], sent


def _people(db: RunicDB) -> dict[str, tuple[Any, ...]]:
    """Read back independently: id -> (name, age, email, active)."""
    rows = db.rows(
        "MATCH (n:ItPerson) RETURN n.id AS id, n.name AS name, n.age AS age, "
        "n.email AS email, n.active AS active",
        columns=("id", "name", "age", "email", "active"),
    )
    return {row[0]: tuple(row[1:]) for row in rows}


# -- statements, rowcount, the graph ----------------------------------------------------


@backend_test
async def test_update_with_and_or_not_sets_and_removes_properties(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        stmt = (
            update(Person)
            .where((Person.age > 30) & ~(Person.name == "Cy"))
            .values(name="Senior", email=None)
        )
        assert (await session.execute(stmt)).rowcount == 1  # ada
        either = update(Person).where((Person.age < 18) | (Person.email.is_not_null()))
        assert (await session.execute(either.values(email=None, active=True))).rowcount == 2
        none = update(Person).where(Person.age > 100).values(name="Nobody")
        assert (await session.execute(none)).rowcount == 0
    assert _people(db) == {
        "ada": ("Senior", 36, None, True),
        "bob": ("Bob", 29, None, True),
        "cy": ("Cy", 41, None, True),  # the email removed
        "dee": ("Dee", 17, None, True),
    }


@backend_test
async def test_delete_with_or_and_not_removes_nodes_and_their_edges(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        stmt = delete(Person).where((Person.age < 18) | ((Person.age < 40) & ~(Person.id == "bob")))
        assert (await session.execute(stmt)).rowcount == 2  # dee, ada
        assert (await session.execute(delete(Person).where(Person.age > 100))).rowcount == 0
    assert set(_people(db)) == {"bob", "cy"}
    assert db.count_edges("IT_KNOWS") == 0 and db.count_edges("IT_WORKS_FOR") == 0
    assert db.count("ItCompany") == 1
    async with db.session() as session:
        assert (await session.execute(delete(Person))).rowcount == 2
    assert db.count("ItPerson") == 0


@backend_test
async def test_converters_apply_to_where_values_and_values_set(db: RunicDB) -> None:
    async with db.session() as session:
        session.add_all(
            [
                Everything(id="a", color=Color.BLUE, payload={"k": 1}),
                Everything(id="b", color=Color.RED),
            ]
        )
    async with db.session() as session:
        stmt = (
            update(Everything)
            .where(Everything.color == Color.BLUE)
            .values(color=Color.GREEN, payload={"k": 2, "z": [1]})
        )
        assert (await session.execute(stmt)).rowcount == 1
    rows = db.rows(
        "MATCH (n:ItEverything) RETURN n.id AS id, n.color AS c, n.payload AS p",
        columns=("id", "c", "p"),
    )
    assert sorted(tuple(r) for r in rows) == [
        ("a", "green", '{"k": 2, "z": [1]}'),
        ("b", "red", "{}"),
    ]
    async with db.session() as session:
        loaded = await session.get(Everything, "a")
        assert loaded is not None
        assert (loaded.color, loaded.payload) == (Color.GREEN, {"k": 2, "z": [1]})
        gone = delete(Everything).where(Everything.color == Color.GREEN)
        assert (await session.execute(gone)).rowcount == 1
    assert db.count("ItEverything") == 1


# -- errors before anything is sent -------------------------------------------------------


@backend_test
async def test_bad_values_and_statements_are_clear_errors_before_sending(db: RunicDB) -> None:
    await _graph(db)
    with pytest.raises(QueryBuildError, match=r"'nickname' is not a property of Person") as e:
        update(Person).values(nickname="x")
    assert "(its properties: active, age, email, name, tags)" in str(e.value)
    with pytest.raises(QueryBuildError, match=r"'friends' is a relation; change relations"):
        update(Person).values(friends=[])
    with pytest.raises(QueryBuildError, match=r"'id' is its primary key, which a bulk update"):
        update(Person).values(id="x")
    with pytest.raises(QueryBuildError, match=r"'name' is required: it cannot be removed"):
        update(Person).values(name=None)
    session = db.session(log_cypher=True)
    bob = await session.get(Person, "bob")
    assert bob is not None
    bob.age = 30  # staged: a refused statement must not flush it either
    with logged_statements() as counted:
        with pytest.raises(QueryBuildError, match=r"update\(Person\) sets nothing: call \.values"):
            await session.execute(update(Person).where(Person.age > 1))
        with pytest.raises(QueryBuildError, match=r"execute\(\) takes a Cypher string or an"):
            await session.execute(select(Person))  # type: ignore[call-overload]
        with pytest.raises(QueryBuildError, match=r"query\(Person\)\.\.\.update\(\) writes"):
            await session.query(Person).order_by(Person.age).limit(1).update(name="x")
        with pytest.raises(QueryBuildError, match=r"use delete\(Person\)\.where|run delete"):
            await session.query(Person).traverse(Person.friends).delete()
        with pytest.raises(QueryBuildError, match=r"'nickname' is not a property of Person"):
            await session.query(Person).update(nickname="x")
        # a value its converter refuses (JSON cannot encode a set)
        refused = update(Everything).values(payload={"k": {1}})
        with pytest.raises(QueryBuildError) as caught:
            await session.execute(refused)
        assert str(caught.value).startswith(
            "update(Everything).values(): cannot store {'k': {1}} in Everything.payload: "
        )
    assert counted.sent == []
    assert bob in session.dirty
    await session.close()
    assert _people(db)["bob"] == ("Bob", 29, None, True)


# -- the session stays true -------------------------------------------------------------


@backend_test
async def test_update_shows_new_values_on_held_entities_without_reloading(db: RunicDB) -> None:
    await _graph(db)
    session = db.session(log_cypher=True)
    people = {p.id: p for p in await session.query(Person).all()}
    with logged_statements() as counted:
        stmt = update(Person).where(Person.age > 30).values(name="Senior", email=None, tags=["x"])
        assert (await session.execute(stmt)).rowcount == 2
        # in place: readable at once (an AsyncSession cannot reload on access)
        assert (people["ada"].name, people["ada"].email, people["ada"].tags) == (
            "Senior",
            None,
            ["x"],
        )
        assert (people["cy"].name, people["cy"].email) == ("Senior", None)
        assert (people["bob"].name, people["dee"].name) == ("Bob", "Dee")  # not matched
        people["ada"].tags.append("y")  # each entity got its own list
        assert people["cy"].tags == ["x"]
        assert session.dirty == []
    assert len(counted.sent) == 1, counted.sent
    # the snapshot holds the new values: a flush writes only the later change (tags)
    with logged_statements() as counted:
        await session.commit()
    assert len(counted.sent) == 1, counted.sent
    assert _people(db)["ada"] == ("Senior", 36, None, True)
    assert _people(db)["cy"] == ("Senior", 41, None, True)
    check = db.session()
    ada = await check.get(Person, "ada")
    assert ada is not None and ada.tags == ["x", "y"]
    await check.close()
    await session.close()


class Bag(Node, labels=["ItBulkBag"]):
    id: str = Field(primary_key=True)
    items: list[str] | None = None


@backend_test
async def test_a_list_set_by_an_update_is_watched_for_in_place_changes(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Bag(id="b"))
    async with db.session() as session:
        bag = await session.get(Bag, "b")
        assert bag is not None and bag.items is None
        assert (await session.execute(update(Bag).values(items=["a"]))).rowcount == 1
        bag.items.append("b")  # no assignment: found by comparison with the snapshot
    assert db.rows("MATCH (n:ItBulkBag) RETURN n.items AS i", columns=("i",)) == [(["a", "b"],)]


@backend_test
async def test_an_unflushed_assignment_is_not_written_back_over_the_update(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        bob = await session.get(Person, "bob")
        assert bob is not None
        bob.name = "Robert"  # staged: flushed before the statement, not lost
        bob.age = 50  # now matches the where below
        stmt = update(Person).where(Person.age > 40).values(email="old@example.com")
        assert (await session.execute(stmt)).rowcount == 2  # bob (flushed first) and cy
        assert (bob.name, bob.age, bob.email) == ("Robert", 50, "old@example.com")
    assert _people(db)["bob"] == ("Robert", 50, "old@example.com", True)


@backend_test
async def test_delete_detaches_held_entities_and_get_returns_none(db: RunicDB) -> None:
    await _graph(db)
    session = db.session(log_cypher=True)
    people = {p.id: p for p in await session.query(Person).all()}
    acme = await session.get(Company, "acme")
    with logged_statements() as counted:
        assert (await session.execute(delete(Person).where(Person.age < 30))).rowcount == 2
    assert len(counted.sent) == 1, counted.sent
    for gone in ("bob", "dee"):
        entity = people[gone]
        assert entity not in session
        state = inspect(entity)
        assert state is not None and state.detached and not state.persistent
        assert await session.get(Person, gone) is None
        with pytest.raises(DetachedEntityError):
            await session.refresh(entity)
    assert people["ada"] in session and people["cy"] in session and acme in session
    assert {p.id for p in await session.query(Person).all()} == {"ada", "cy"}
    with logged_statements() as counted:
        await session.commit()  # nothing staged: nothing written, nothing resurrected
    assert counted.sent == []
    assert set(_people(db)) == {"ada", "cy"}
    await session.close()


@backend_test
async def test_staged_entities_are_flushed_first_and_written_by_the_statement(
    db: RunicDB,
) -> None:
    await _graph(db)
    session = db.session(log_cypher=True)
    bob = await session.get(Person, "bob")
    cy = await session.get(Person, "cy")
    assert bob is not None and cy is not None
    eve = Person(id="eve", name="Eve", age=55)
    session.add(eve)  # pending, matches
    bob.age = 60  # dirty, matches after the flush
    session.delete(cy)  # staged deletion: must not be updated nor resurrected
    with logged_statements() as counted:
        stmt = update(Person).where(Person.age > 40).values(active=False)
        assert (await session.execute(stmt)).rowcount == 2  # eve and bob, not cy
    _flush_then_statement(counted.sent)
    assert (eve.active, bob.active, eve in session, cy in session) == (False, False, True, False)
    await session.commit()
    people = _people(db)
    assert people["eve"] == ("Eve", 55, None, False)
    assert people["bob"] == ("Bob", 60, None, False)
    assert "cy" not in people
    # a staged entity matching a delete is deleted too, and leaves the session
    fay = Person(id="fay", name="Fay", age=1)
    session.add(fay)
    with logged_statements() as counted:
        assert (await session.query(Person).where(Person.age < 18).delete()) == 2  # dee, fay
    _flush_then_statement(counted.sent)
    assert fay not in session and await session.get(Person, "fay") is None
    await session.commit()
    assert set(_people(db)) == {"ada", "bob", "eve"}
    await session.close()


@backend_test
async def test_bound_update_and_delete_return_counts(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        ada = await session.get(Person, "ada")
        assert ada is not None
        query = session.query(Person).where((Person.age >= 29) & (Person.age <= 36))
        assert await query.update(active=False, age=None) == 2  # ada and bob
        assert (ada.active, ada.age) == (False, None)
        assert await session.query(Person).where(Person.active == False).delete() == 3  # noqa: E712
        assert ada not in session
        assert await session.query(Person).update(name="Last") == 1  # cy
        assert await session.query(Company).where(Company.id == "zz").delete() == 0
    assert _people(db) == {"cy": ("Last", 41, "cy@example.com", True)}


@backend_test
async def test_one_statement_per_bulk_operation_whatever_the_number_of_nodes(
    db: RunicDB,
) -> None:
    async with db.session() as session:
        session.add_all([Person(id=f"p{i:02}", name=f"P{i}", age=i) for i in range(40)])
    session = db.session(log_cypher=True)
    held = await session.query(Person).where(Person.age < 10).all()
    for stmt, expected in (
        (update(Person).where(Person.age > 100).values(active=False), 0),
        (update(Person).where(Person.age == 5).values(active=False), 1),
        (update(Person).values(active=False), 40),
        (delete(Person).where(Person.age >= 20), 20),
        (delete(Person), 20),
    ):
        with logged_statements() as counted:
            assert (await session.execute(stmt)).rowcount == expected
        assert len(counted.sent) == 1, counted.sent
    assert all(p not in session for p in held)
    await session.commit()
    assert db.count("ItPerson") == 0
    await session.close()


# -- transactions ---------------------------------------------------------------------


@needs_tx
@backend_test
async def test_rollback_undoes_a_bulk_update_and_delete_in_session_and_graph(
    db: RunicDB,
) -> None:
    await _graph(db)
    session = db.session()
    people = {p.id: p for p in await session.query(Person).all()}
    assert (await session.execute(update(Person).values(name="X"))).rowcount == 4
    assert (await session.execute(delete(Person).where(Person.age < 30))).rowcount == 2
    assert people["bob"] not in session
    await session.rollback()
    assert _people(db) == {
        "ada": ("Ada", 36, None, True),
        "bob": ("Bob", 29, None, True),
        "cy": ("Cy", 41, "cy@example.com", True),
        "dee": ("Dee", 17, None, False),
    }
    # deleted entities are back (like a flushed delete after a rollback), all expired
    assert people["bob"] in session and people["dee"] in session
    await session.refresh(people["bob"])
    await session.refresh(people["ada"])
    assert (people["bob"].name, people["ada"].name) == ("Bob", "Ada")
    assert await session.get(Person, "bob") is people["bob"]
    await session.commit()
    assert len(_people(db)) == 4
    await session.close()


@needs_tx
@backend_test
async def test_a_failed_statement_after_a_bulk_update_restores_the_session(
    db: RunicDB,
) -> None:
    await _graph(db)
    session = db.session()
    people = {p.id: p for p in await session.query(Person).all()}
    people["ada"].age = 37
    await session.flush()  # the transaction's first write, staged again after the failure
    assert (await session.execute(update(Person).where(Person.age > 30).values(name="X"))).rowcount
    assert (await session.execute(delete(Person).where(Person.id == "bob"))).rowcount == 1
    with pytest.raises(QueryExecutionError):  # ends the transaction (the server rolls back)
        await session.execute("THIS IS NOT CYPHER", write=True)
    # the server rolled back: the session shows the graph again, and the flushed
    # change is staged again
    assert (people["ada"].name, people["cy"].name) == ("Ada", "Cy")
    assert people["bob"] in session and people["bob"].name == "Bob"
    assert people["ada"] in session.dirty
    await session.commit()
    assert _people(db) == {
        "ada": ("Ada", 37, None, True),
        "bob": ("Bob", 29, None, True),
        "cy": ("Cy", 41, "cy@example.com", True),
        "dee": ("Dee", 17, None, False),
    }
    await session.close()


# -- repositories: delete_by_<expr> -------------------------------------------------------


class People(Repository[Person]):
    """A typed delete_by_ stub (sync)."""

    def delete_by_age_less_than(self, age: int) -> int:
        raise NotImplementedError


class AsyncPeople(AsyncRepository[Person]):
    """The same stub (async)."""

    async def delete_by_age_less_than(self, age: int) -> int:
        raise NotImplementedError


@backend_test
async def test_repository_delete_by_is_a_bulk_delete_through_the_session(db: RunicDB) -> None:
    await _graph(db)
    session = db.session(log_cypher=True)
    repo = db.repository(session, Person)
    bob = await session.get(Person, "bob")
    cy = await session.get(Person, "cy")
    kid = Person(id="kid", name="Kid", age=3)
    session.add(kid)  # pending: flushed first, then deleted with the others
    with logged_statements() as counted:
        assert await repo.delete_by_age_less_than_or_email_is_not_null(18) == 3  # dee, kid, cy
    _flush_then_statement(counted.sent)
    assert "DETACH DELETE" in counted.sent[-1]
    assert kid not in session and cy not in session and bob in session
    assert await session.get(Person, "cy") is None
    typed = db.repository(session, Person, sync_class=People, async_class=AsyncPeople)
    with logged_statements() as counted:
        assert await typed.delete_by_age_less_than(30) == 1  # bob
        assert await repo.delete_by_name("Nobody") == 0
    assert len(counted.sent) == 2, counted.sent
    assert bob not in session
    with logged_statements() as counted:
        with pytest.raises(TypeError, match=r"delete_by_age_less_than\(\) takes 1 argument"):
            await repo.delete_by_age_less_than()
        with pytest.raises(AttributeError, match=r"Person repository has no method delete_by_agee"):
            await repo.delete_by_agee(3)
    assert counted.sent == []
    await session.commit()
    assert set(_people(db)) == {"ada"}
    assert db.count_edges("IT_KNOWS") == 0
    await session.close()
