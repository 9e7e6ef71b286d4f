"""relate/unrelate, lazy and eager loading, session.load, on a real FalkorDB."""

from __future__ import annotations

from typing import Any

import pytest
from session_models import City, Company, Country, Knows, Location, Person

from runic.ogm import (
    AsyncSession,
    DetachedEntityError,
    FieldValidationError,
    LazyLoadError,
    Repository,
    Session,
)


def _seed(raw: Any) -> None:
    raw.rows(
        "CREATE (a:SPerson {id: 'ada', name: 'Ada'}), (b:SPerson {id: 'bob', name: 'Bob'}), "
        "(c:SPerson {id: 'cy', name: 'Cy'}), (d:SPerson {id: 'dee', name: 'Dee'}), "
        "(e:SPerson {id: 'eve', name: 'Eve'}), "
        "(acme:SCompany {id: 'acme', name: 'Acme'}), "
        "(par:SLocation:SCity {code: 'PAR', name: 'Paris'}), "
        "(fr:SLocation:SCountry {code: 'FR', name: 'France'}), (par)-[:S_IN]->(fr), "
        "(a)-[:S_KNOWS {since: 2001}]->(b), (a)-[:S_KNOWS {since: 2002}]->(c), "
        "(a)-[:S_KNOWS {since: 2003}]->(d), (b)-[:S_KNOWS {since: 2004}]->(c), "
        "(a)-[:S_WORKS_FOR]->(acme), (b)-[:S_WORKS_FOR]->(acme), (a)-[:S_LIVES_IN]->(par)"
    )


def _people(session: Session, *keys: str) -> list[Person]:
    found = [session.get(Person, k) for k in keys]
    assert all(p is not None for p in found)
    return found  # type: ignore[return-value]


# -- relate / unrelate ------------------------------------------------------------------


def test_relate_merges(session: Session, raw: Any) -> None:
    _seed(raw)
    ada, eve = _people(session, "ada", "eve")
    session.relate(ada, Person.knows, eve)
    session.relate(ada, Person.knows, eve)  # MERGE: still one edge
    session.relate(ada, "knows", eve)
    # a new edge gets the edge model's defaults, as when assigning the relation
    assert [e for e in raw.edge_list("S_KNOWS") if e[1] == "eve"] == [
        ("ada", "eve", {"since": 2020})
    ]
    session.relate(ada, Person.knows, session.get(Person, "bob"))  # existing edge: untouched
    assert ("ada", "bob", {"since": 2001}) in raw.edge_list("S_KNOWS")
    assert len(raw.edge_list("S_KNOWS")) == 5


def test_relate_with_an_edge_model_updates_its_properties(
    session: Session, raw: Any, rec: Any
) -> None:
    _seed(raw)
    ada, eve = _people(session, "ada", "eve")
    rec.reset()
    session.relate(ada, Person.knows, eve, edge=Knows(since=2010, note="met at work"))
    assert [c.cypher for c in rec.calls] == [
        "UNWIND $w0 AS row WITH row, row[0] AS ak, row[1] AS bk "
        "MATCH (a) WHERE id(a) = ak MATCH (b) WHERE id(b) = bk "
        "MERGE (a)-[r:`S_KNOWS`]->(b) SET r.`since` = row[2] WITH r, row SET r.`note` = row[3]"
    ]
    session.relate(ada, "knows", eve, edge=Knows(since=2015))
    assert [e for e in raw.edge_list("S_KNOWS") if e[1] == "eve"] == [
        ("ada", "eve", {"since": 2015})  # updated in place; note=None removed the property
    ]
    session.relate(ada, Person.knows, session.get(Person, "bob"), edge=Knows(since=1999))
    assert ("ada", "bob", {"since": 1999}) in raw.edge_list("S_KNOWS")
    assert len(raw.edge_list("S_KNOWS")) == 5


def test_unrelate(session: Session, raw: Any) -> None:
    _seed(raw)
    ada, bob, cy = _people(session, "ada", "bob", "cy")
    session.unrelate(ada, Person.knows, bob)
    session.unrelate(ada, "knows", cy)
    session.unrelate(ada, "knows", cy)  # already gone: no error
    assert raw.edges("S_KNOWS") == {("ada", "dee"), ("bob", "cy")}
    assert raw.count("SPerson") == 5


def test_relate_invalidates_the_loaded_relation(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada", fetch=["knows"])
    assert ada is not None
    assert sorted(p.id for p in ada.knows) == ["bob", "cy", "dee"]
    session.relate(ada, Person.knows, session.get(Person, "eve"))
    assert sorted(p.id for p in ada.knows) == ["bob", "cy", "dee", "eve"]  # reloaded
    session.unrelate(ada, Person.knows, session.get(Person, "bob"))
    assert sorted(p.id for p in ada.knows) == ["cy", "dee", "eve"]


def test_relate_checks_its_arguments(session: Session, raw: Any, rec: Any) -> None:
    _seed(raw)
    ada = _people(session, "ada")[0]
    acme = session.get(Company, "acme")
    rec.reset()
    with pytest.raises(
        FieldValidationError,
        match="Person has no relation 'friends'; its relations are: employer, knows, lives_in",
    ):
        session.relate(ada, "friends", acme)
    with pytest.raises(FieldValidationError, match=r"Person\.knows relates to Person, got Company"):
        session.relate(ada, Person.knows, acme)
    with pytest.raises(FieldValidationError, match=r"edge must be an Edge instance"):
        session.relate(ada, Person.knows, ada, edge={"since": 1})
    with pytest.raises(DetachedEntityError, match=r"Person\(id='zed'\) is not attached"):
        session.unrelate(ada, Person.knows, Person(id="zed", name="Zed"))
    assert rec.calls == []


def test_relate_to_a_polymorphic_target(session: Session, raw: Any) -> None:
    _seed(raw)
    eve = _people(session, "eve")[0]
    fr = session.get(Location, "FR")
    session.relate(eve, Person.lives_in, fr)
    assert sorted(raw.rows("MATCH (p)-[:S_LIVES_IN]->(l) RETURN p.id, l.code")) == [
        ["ada", "PAR"],
        ["eve", "FR"],
    ]
    other = Session(session.driver)
    try:
        where = other.get(Person, "eve", fetch=["lives_in"])
        assert where is not None and type(where.lives_in) is Country
    finally:
        other.close()


# -- lazy loading -----------------------------------------------------------------------


def test_lazy_loading_in_a_sync_session(session: Session, raw: Any, rec: Any) -> None:
    _seed(raw)
    ada = _people(session, "ada")[0]
    rec.reset()
    employer = ada.employer
    assert isinstance(employer, Company) and employer.name == "Acme"
    assert len(rec.calls) == 1
    assert ada.employer is employer
    assert sorted(p.id for p in ada.knows) == ["bob", "cy", "dee"]
    assert len(rec.calls) == 2
    home = ada.lives_in
    assert type(home) is City
    assert home is not None and isinstance(home.country, Country)
    assert session.get(Company, "acme") is employer
    eve = session.get(Person, "eve")
    assert eve is not None and eve.employer is None and eve.knows == []


def test_lazy_loading_after_rollback(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada", fetch=["employer"])
    assert ada is not None
    raw.rows("MATCH (:SPerson {id: 'ada'})-[r:S_WORKS_FOR]->() DELETE r")
    session.rollback()
    assert ada.employer is None  # expired and reloaded


async def test_lazy_load_error_in_async(asession: AsyncSession, raw: Any, arec: Any) -> None:
    _seed(raw)
    ada = await asession.get(Person, "ada")
    assert ada is not None
    arec.reset()
    with pytest.raises(
        LazyLoadError,
        match=r"Person\.employer is not loaded and an AsyncSession cannot load a relation on "
        r"attribute access; use get\(\.\.\., fetch=\['employer'\]\) or await "
        r"session\.load\(entity, 'employer'\)",
    ):
        _ = ada.employer
    assert arec.calls == []
    await asession.load(ada, Person.employer)
    assert ada.employer is not None and ada.employer.id == "acme"


# -- eager loading ----------------------------------------------------------------------


def test_fetch_several_relations_without_multiplying_rows(
    session: Session, raw: Any, rec: Any
) -> None:
    _seed(raw)
    raw.rows("MATCH (c:SCompany) CREATE (:SPerson {id: 'x', name: 'X'})-[:S_WORKS_FOR]->(c)")
    rec.reset()
    ada = session.get(Person, "ada", fetch=["knows", "employer", "lives_in"])
    assert ada is not None
    assert len(rec.calls) == 1
    assert sorted(p.id for p in ada.knows) == ["bob", "cy", "dee"]
    assert len(ada.knows) == 3
    assert ada.employer is not None and ada.lives_in is not None
    assert len(rec.calls) == 1

    rec.reset()
    everyone = Repository(session, Person).find_all(fetch=["knows", "employer"])
    assert len(rec.calls) == 1
    assert sorted(p.id for p in everyone) == ["ada", "bob", "cy", "dee", "eve", "x"]
    by_id = {p.id: p for p in everyone}
    assert by_id["ada"] is ada
    assert len(by_id["ada"].knows) == 3
    assert [p.id for p in by_id["bob"].knows] == ["cy"]
    assert by_id["eve"].knows == [] and by_id["eve"].employer is None
    assert by_id["x"].employer is ada.employer
    assert len(rec.calls) == 1


def test_fetch_of_an_unknown_relation(session: Session, raw: Any) -> None:
    with pytest.raises(
        FieldValidationError,
        match="fetch: Person has no relation 'friends'; its relations are: employer, knows, "
        "lives_in",
    ):
        session.get(Person, "ada", fetch=["friends"])


def test_fetch_keeps_an_unflushed_assignment(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = _people(session, "ada")[0]
    ada.knows = [session.get(Person, "eve")]  # type: ignore[list-item]
    again = session.get(Person, "ada", fetch=["knows"])
    assert again is ada and [p.id for p in ada.knows] == ["eve"]
    session.commit()
    assert {b for a, b in raw.edges("S_KNOWS") if a == "ada"} == {"eve"}


def test_sync_load_for_a_list_in_one_query(session: Session, raw: Any, rec: Any) -> None:
    _seed(raw)
    people = _people(session, "ada", "bob", "eve")
    rec.reset()
    session.load(people, "knows")
    assert len(rec.calls) == 1
    assert [sorted(p.id for p in person.knows) for person in people] == [
        ["bob", "cy", "dee"],
        ["cy"],
        [],
    ]
    assert len(rec.calls) == 1


async def test_async_load_for_a_list_in_one_query(
    asession: AsyncSession, raw: Any, arec: Any
) -> None:
    _seed(raw)
    people = await asession.query(Person).order_by(Person.id).all()
    assert [p.id for p in people] == ["ada", "bob", "cy", "dee", "eve"]
    arec.reset()
    await asession.load(people, "knows")
    assert len(arec.calls) == 1
    assert [sorted(k.id for k in p.knows) for p in people] == [
        ["bob", "cy", "dee"],
        ["cy"],
        [],
        [],
        [],
    ]
    arec.reset()
    await asession.load(people, Person.employer)
    assert len(arec.calls) == 1
    assert [p.employer.id if p.employer else None for p in people] == [
        "acme",
        "acme",
        None,
        None,
        None,
    ]
    assert people[0].employer is people[1].employer
    arec.reset()
    pending = Person(id="new", name="New")
    asession.add(pending)
    await asession.load([pending], "knows")
    assert arec.calls == [] and pending.knows == []
    with pytest.raises(FieldValidationError, match="Person has no relation 'nope'"):
        await asession.load(people, "nope")


async def test_async_fetch_several(asession: AsyncSession, raw: Any, arec: Any) -> None:
    _seed(raw)
    arec.reset()
    ada = await asession.get(Person, "ada", fetch=["knows", "employer", "lives_in"])
    assert ada is not None and len(arec.calls) == 1
    assert sorted(p.id for p in ada.knows) == ["bob", "cy", "dee"]
    assert ada.employer is not None and ada.employer.id == "acme"
    assert isinstance(ada.lives_in, City)
    with pytest.raises(LazyLoadError, match=r"City\.country"):
        _ = ada.lives_in.country
    await asession.relate(
        ada, Person.knows, await asession.get(Person, "eve"), edge=Knows(since=2024)
    )
    await asession.unrelate(ada, "knows", await asession.get(Person, "bob"))
    assert raw.edge_list("S_KNOWS") == [
        ("ada", "cy", {"since": 2002}),
        ("ada", "dee", {"since": 2003}),
        ("ada", "eve", {"since": 2024}),
        ("bob", "cy", {"since": 2004}),
    ]
