"""Identity map: one instance per node per session, and never a duplicate node."""

from __future__ import annotations

from typing import Any

import pytest
from session_models import City, Company, Country, Location, Note, Person

from runic.ogm import (
    AsyncSession,
    DuplicateEntityError,
    MetadataError,
    OrmError,
    Repository,
    Session,
    select,
)


def _seed(raw: Any) -> None:
    raw.rows(
        "CREATE (:SPerson {id: 'ada', name: 'Ada', age: 36}), "
        "(:SPerson {id: 'bob', name: 'Bob', age: 29}), "
        "(:SLocation:SCountry {code: 'FR', name: 'France', population: 68}), "
        "(:SLocation:SCity {code: 'PAR', name: 'Paris'})"
    )


def test_one_instance_per_node_across_every_read(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada")
    assert ada is not None
    assert session.get(Person, "ada") is ada
    by_query = session.scalars(select(Person).order_by(Person.id))
    assert by_query[0] is ada
    assert session.scalar(select(Person).where(Person.id == "ada")) is ada
    assert session.query(Person).where(Person.name == "Ada").one() is ada
    assert session.all_rows(select(Person).where(Person.id == "ada"))[0]["n"] is ada
    repo = Repository(session, Person)
    assert ada in repo.find_all()
    assert repo.find_all_by_ids(["ada"]) == [ada]
    assert repo.cypher("MATCH (n:SPerson {id: 'ada'}) RETURN n", returns=Person) == [ada]
    bob = by_query[1]
    assert session.get(Person, "bob") is bob


def test_reads_keep_unflushed_changes(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada")
    assert ada is not None
    ada.name = "Changed"
    again = session.scalars(select(Person).where(Person.id == "ada"))
    assert again == [ada] and ada.name == "Changed"
    session.commit()
    assert raw.props("SPerson")["ada"]["name"] == "Changed"


def test_polymorphic_identity(session: Session, raw: Any, rec: Any) -> None:
    _seed(raw)
    fr = session.get(Location, "FR")
    assert type(fr) is Country
    rec.reset()
    assert session.get(Country, "FR") is fr
    assert rec.calls == []  # answered from the identity map
    locations = session.scalars(select(Location).order_by(Location.code))
    assert [type(x) for x in locations] == [Country, City]
    assert locations[0] is fr
    par = session.get(City, "PAR")
    assert par is locations[1]
    assert session.get(City, "FR") is None  # FR is not a city
    assert session.get(Country, "PAR") is None


def test_pending_entities_are_found_by_get_without_a_query(session: Session, rec: Any) -> None:
    ada = Person(id="ada", name="Ada")
    session.add(ada)
    fr = Country(code="FR", name="France")
    session.add(fr)
    assert session.get(Person, "ada") is ada
    assert session.get(Location, "FR") is fr
    assert rec.calls == []


def test_adding_a_second_object_with_a_key_in_the_session(
    session: Session, raw: Any, rec: Any
) -> None:
    ada = Person(id="ada", name="Ada")
    session.add(ada)
    with pytest.raises(
        DuplicateEntityError,
        match=r"Person with id='ada' is already in this session \(as a Person\); modify that "
        r"instance instead",
    ):
        session.add(Person(id="ada", name="Other"))
    session.add(ada)  # the same instance again is fine
    session.commit()
    assert raw.props("SPerson") == {
        "ada": {
            "id": "ada",
            "name": "Ada",
            "active": True,
            "role": "engineer",
            "tags": [],
            "prefs": "{}",
        }
    }


def test_adding_a_key_that_is_loaded(session: Session, raw: Any) -> None:
    _seed(raw)
    session.get(Location, "FR")
    with pytest.raises(DuplicateEntityError, match=r"City with code='FR'.*\(as a Country\)"):
        session.add(City(code="FR", name="Fake"))


def test_adding_a_key_that_exists_only_in_the_graph(session: Session, raw: Any) -> None:
    _seed(raw)
    before = raw.dump()
    session.add(Person(id="new", name="New"))
    session.add(Person(id="ada", name="Second Ada"))
    session.add(Company(id="acme", name="Acme"))
    with pytest.raises(
        DuplicateEntityError,
        match=r"cannot insert Person\(id='ada'\): a node with that primary key already exists in "
        r"the graph; load it with session.get\(\) and modify it instead. Nothing was written.",
    ):
        session.flush()
    assert raw.dump() == before
    assert raw.count("SPerson") == 2
    # the session is still usable: drop the duplicate and flush the rest
    session.expunge(session.get(Person, "ada"))
    session.commit()
    assert sorted(raw.props("SPerson")) == ["ada", "bob", "new"]
    assert raw.props("SPerson")["ada"]["name"] == "Ada"
    assert sorted(raw.props("SCompany")) == ["acme"]


def test_polymorphic_key_clash_in_the_graph(session: Session, raw: Any) -> None:
    _seed(raw)
    before = raw.dump()
    session.add(City(code="FR", name="Not a country"))
    with pytest.raises(
        DuplicateEntityError,
        match=r"cannot insert City\(code='FR'\): a node with that primary key already exists",
    ):
        session.commit()
    assert raw.dump() == before


def test_entity_of_another_session(rec: Any) -> None:
    with Session(rec) as one, Session(rec) as two:
        ada = Person(id="ada", name="Ada")
        one.add(ada)
        with pytest.raises(OrmError, match="attached to another session; expunge it there"):
            two.add(ada)
        one.expunge(ada)
        two.add(ada)
        assert ada in two


async def test_async_identity_and_duplicates(asession: AsyncSession, raw: Any) -> None:
    _seed(raw)
    fr = await asession.get(Location, "FR")
    assert type(fr) is Country
    assert await asession.get(Country, "FR") is fr
    assert (await asession.query(Location).where(Location.code == "FR").one()) is fr
    ada = Person(id="ada", name="Dup")
    asession.add(ada)
    before = raw.dump()
    with pytest.raises(DuplicateEntityError, match=r"Person\(id='ada'\)"):
        await asession.flush()
    assert raw.dump() == before


def test_nodes_without_a_primary_key(session: Session, raw: Any) -> None:
    first, second = Note(text="same"), Note(text="same")
    session.add_all([first, second])  # no key: never a duplicate
    session.commit()
    assert raw.rows("MATCH (n:SNote) RETURN n.text") == [["same"], ["same"]]
    found = session.scalars(select(Note))
    assert sorted(found, key=id) == sorted([first, second], key=id)  # the same instances
    first.text = "changed"
    session.commit()
    assert sorted(r[0] for r in raw.rows("MATCH (n:SNote) RETURN n.text")) == ["changed", "same"]
    with pytest.raises(MetadataError, match="Note has no primary key; use a query instead"):
        session.get(Note, 1)
    other = Session(session.driver)
    try:
        notes = other.scalars(select(Note).order_by(Note.text))
        assert [n.text for n in notes] == ["changed", "same"]
        assert other.scalars(select(Note).order_by(Note.text)) == notes
    finally:
        other.close()
