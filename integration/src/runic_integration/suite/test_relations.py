"""Relations: assignment, lazy and eager loading, incoming direction, relate/unrelate, edges."""

from __future__ import annotations

import pytest

from runic.ogm import DetachedEntityError, FieldValidationError, LazyLoadError, select
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Article, Company, Knows, Person, Rated


def _edges(db: RunicDB, rel: str) -> list[tuple[str, str]]:
    return [
        (row[0], row[1])
        for row in db.rows(
            f"MATCH (x)-[:`{rel}`]->(y) RETURN x.id AS a, y.id AS b ORDER BY x.id, y.id",
            columns=("a", "b"),
        )
    ]


async def _people(db: RunicDB) -> None:
    """ada -> bob, ada -> cy, bob -> dee; ada and bob work for acme, cy for globex."""
    async with db.session() as session:
        acme = Company(id="acme", name="Acme")
        globex = Company(id="globex", name="Globex")
        ada = Person(id="ada", name="Ada", age=36, employer=acme)
        bob = Person(id="bob", name="Bob", age=29, employer=acme)
        cy = Person(id="cy", name="Cy", age=41, employer=globex)
        dee = Person(id="dee", name="Dee", age=25)
        ada.friends = [bob, cy]
        bob.friends = [dee]
        session.add_all([ada, bob, cy, dee])


@backend_test
async def test_assigned_relations_become_edges_and_targets_are_added(db: RunicDB) -> None:
    await _people(db)
    assert db.count("ItCompany") == 2  # reached through the relation, added along
    assert _edges(db, "IT_WORKS_FOR") == [("ada", "acme"), ("bob", "acme"), ("cy", "globex")]
    assert _edges(db, "IT_KNOWS") == [("ada", "bob"), ("ada", "cy"), ("bob", "dee")]


@backend_test
async def test_edge_model_defaults_are_written_for_assigned_relations(db: RunicDB) -> None:
    await _people(db)
    since = db.values(
        "MATCH (:ItPerson {id: 'ada'})-[k:IT_KNOWS]->(:ItPerson {id: 'bob'}) RETURN k.since AS s",
        column="s",
    )
    assert since == [Knows().since]


@backend_test
async def test_eager_fetch_loads_relations_in_both_modes(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        ada = await session.get(Person, "ada", fetch=["employer", "friends"])
        assert ada is not None
        assert ada.employer is not None and ada.employer.name == "Acme"
        assert sorted(f.id for f in ada.friends) == ["bob", "cy"]
        dee = await session.get(Person, "dee", fetch=["employer", "friends"])
        assert dee is not None and dee.employer is None and dee.friends == []


@backend_test
async def test_session_load_fills_a_relation_for_many_entities(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        people = await session.query(Person).order_by(Person.id).all()
        await session.load(people, "friends")
        assert {p.id: sorted(f.id for f in p.friends) for p in people} == {
            "ada": ["bob", "cy"],
            "bob": ["dee"],
            "cy": [],
            "dee": [],
        }


@backend_test
async def test_incoming_relation_loads_the_sources(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        acme = await session.get(Company, "acme", fetch=["employees"])
        assert acme is not None
        assert sorted(p.id for p in acme.employees) == ["ada", "bob"]


@pytest.mark.runic_modes("sync")
@backend_test
async def test_lazy_loading_in_a_sync_session(db: RunicDB) -> None:
    await _people(db)
    session = db.session()
    ada = await session.get(Person, "ada")
    assert ada is not None
    assert ada.employer.name == "Acme"  # one query, on attribute access
    assert sorted(f.name for f in ada.friends) == ["Bob", "Cy"]
    await session.close()
    with pytest.raises(DetachedEntityError):
        _ = ada.lives_in  # never loaded, and its session is closed


@pytest.mark.runic_modes("async")
@backend_test
async def test_async_session_never_loads_lazily(db: RunicDB) -> None:
    await _people(db)
    session = db.session()
    ada = await session.get(Person, "ada")
    assert ada is not None
    with pytest.raises(LazyLoadError, match="employer"):
        _ = ada.employer
    await session.load(ada, "employer")
    assert ada.employer.name == "Acme"


@backend_test
async def test_appending_to_a_loaded_list_adds_an_edge(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        dee = await session.get(Person, "dee", fetch=["friends"])
        ada = await session.get(Person, "ada")
        assert dee is not None and ada is not None
        dee.friends.append(ada)
    assert ("dee", "ada") in _edges(db, "IT_KNOWS")


@backend_test
async def test_reassigning_a_list_removes_the_dropped_edges(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        ada = await session.get(Person, "ada", fetch=["friends"])
        assert ada is not None
        ada.friends = [f for f in ada.friends if f.id == "cy"]
    assert _edges(db, "IT_KNOWS") == [("ada", "cy"), ("bob", "dee")]
    assert db.count("ItPerson") == 4  # the dropped friend itself stays


@backend_test
async def test_assigning_an_unloaded_relation_replaces_its_edges(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        ada = await session.get(Person, "ada")  # friends not loaded
        cy = await session.get(Person, "cy")
        dee = await session.get(Person, "dee")
        assert ada is not None and cy is not None and dee is not None
        ada.friends = [cy, dee, cy]  # cy kept (and listed twice), bob dropped, dee new
    # the old edges are removed and the new ones created once each, not duplicated
    assert _edges(db, "IT_KNOWS") == [("ada", "cy"), ("ada", "dee"), ("bob", "dee")]
    assert db.count_edges("IT_KNOWS") == 3


@backend_test
async def test_reassigning_a_to_one_relation_moves_the_edge(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        bob = await session.get(Person, "bob", fetch=["employer"])
        globex = await session.get(Company, "globex")
        assert bob is not None
        bob.employer = globex
    assert _edges(db, "IT_WORKS_FOR") == [("ada", "acme"), ("bob", "globex"), ("cy", "globex")]
    async with db.session() as session:
        cy = await session.get(Person, "cy", fetch=["employer"])
        assert cy is not None
        cy.employer = None
    assert _edges(db, "IT_WORKS_FOR") == [("ada", "acme"), ("bob", "globex")]


@backend_test
async def test_relate_merges_one_edge_with_properties(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        cy = await session.get(Person, "cy")
        dee = await session.get(Person, "dee")
        await session.relate(cy, Person.friends, dee, edge=Knows(since=2012, note="school"))
        await session.relate(cy, "friends", dee, edge=Knows(since=2015))
    rows = db.rows(
        "MATCH (:ItPerson {id: 'cy'})-[k:IT_KNOWS]->(:ItPerson {id: 'dee'}) "
        "RETURN k.since AS since, count(k) AS n",
        columns=("since", "n"),
    )
    assert rows == [(2015, 1)]


@backend_test
async def test_relate_creates_pending_entities_too(db: RunicDB) -> None:
    async with db.session() as session:
        eve = Person(id="eve", name="Eve")
        post = Article(id="a1", title="Graphs")
        await session.relate(eve, Person.rated, post, edge=Rated(score=4.5))
    assert db.rows(
        "MATCH (p:ItPerson)-[r:IT_RATED]->(a:ItArticle) RETURN p.id AS p, r.score AS s, a.id AS a",
        columns=("p", "s", "a"),
    ) == [("eve", 4.5, "a1")]


@backend_test
async def test_unrelate_deletes_only_that_edge(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        ada = await session.get(Person, "ada")
        bob = await session.get(Person, "bob")
        await session.unrelate(ada, Person.friends, bob)
    assert _edges(db, "IT_KNOWS") == [("ada", "cy"), ("bob", "dee")]
    assert db.count("ItPerson") == 4


@backend_test
async def test_relate_checks_the_target_class(db: RunicDB) -> None:
    await _people(db)
    session = db.session()
    ada = await session.get(Person, "ada")
    acme = await session.get(Company, "acme")
    with pytest.raises(FieldValidationError, match="friends"):
        await session.relate(ada, Person.friends, acme)
    await session.commit()
    assert ("ada", "acme") not in _edges(db, "IT_KNOWS")


@backend_test
async def test_all_with_edges_returns_edge_models(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        cy = await session.get(Person, "cy")
        dee = await session.get(Person, "dee")
        await session.relate(cy, Person.friends, dee, edge=Knows(since=2001, note="x"))
    async with db.session() as session:
        rows = await session.all_with_edges(
            select(Person)
            .alias("a")
            .traverse(Person.friends, edge_alias="k", optional=False)
            .alias("b")
            .return_nodes("a", "b")
            .return_edge("k")
            .order_by("a.id")
            .order_by("b.id")
        )
        got = [(a.id, type(k).__name__, k.since, k.note, b.id) for a, k, b in rows]
        assert got == [
            ("ada", "Knows", 2020, None, "bob"),
            ("ada", "Knows", 2020, None, "cy"),
            ("bob", "Knows", 2020, None, "dee"),
            ("cy", "Knows", 2001, "x", "dee"),
        ]
        ada = await session.get(Person, "ada")
        assert rows[0][0] is ada  # nodes go through the identity map


@backend_test
async def test_filter_on_an_edge_property(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        cy = await session.get(Person, "cy")
        dee = await session.get(Person, "dee")
        await session.relate(cy, Person.friends, dee, edge=Knows(since=1999))
    async with db.session() as session:
        old_friends = await session.scalars(
            select(Person)
            .alias("a")
            .traverse(Person.friends, edge_alias="k", optional=False)
            .alias("b")
            .where(Knows.since < 2000, on="k")
            .return_target("a")
        )
        assert [p.id for p in old_friends] == ["cy"]
