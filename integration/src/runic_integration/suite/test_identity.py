"""The identity map: one Python object per node within a session."""

from __future__ import annotations

from runic.ogm import select
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Company, Country, Location, Person


@backend_test
async def test_get_twice_returns_the_same_object(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Person(id="ada", name="Ada"))
    async with db.session() as session:
        first = await session.get(Person, "ada")
        second = await session.get(Person, "ada")
        assert first is not None and first is second
        assert list(session.identity_map.values()) == [first]


@backend_test
async def test_queries_relations_and_get_share_instances(db: RunicDB) -> None:
    async with db.session() as session:
        acme = Company(id="acme", name="Acme")
        session.add(Person(id="ada", name="Ada", employer=acme))
    async with db.session() as session:
        ada = await session.get(Person, "ada", fetch=["employer"])
        assert ada is not None
        listed = await session.scalars(select(Person))
        assert listed == [ada] and listed[0] is ada
        company = await session.get(Company, "acme")
        assert company is ada.employer
        via_query = await session.query(Company).one()
        assert via_query is company


@backend_test
async def test_polymorphic_base_query_returns_the_subclass_instance(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Country(code="FR", name="France", population=68))
    async with db.session() as session:
        as_country = await session.get(Country, "FR")
        as_location = await session.get(Location, "FR")
        assert as_country is not None and as_location is as_country
        (listed,) = await session.scalars(select(Location))
        assert listed is as_country


@backend_test
async def test_unflushed_changes_survive_a_requery(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Person(id="ada", name="Ada", age=36))
    async with db.session() as session:
        ada = await session.get(Person, "ada")
        assert ada is not None
        ada.age = 99
        (again,) = await session.scalars(select(Person).where(Person.id == "ada"))
        assert again is ada and again.age == 99
    assert db.values("MATCH (n:ItPerson) RETURN n.age AS a", column="a") == [99]


@backend_test
async def test_two_sessions_have_distinct_objects(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Person(id="ada", name="Ada", age=36))
    one, two = db.session(), db.session()
    a1 = await one.get(Person, "ada")
    a2 = await two.get(Person, "ada")
    assert a1 is not None and a2 is not None and a1 is not a2
    a1.age = 1
    await one.commit()
    assert a2.age == 36  # the other session's object is untouched until refreshed
    await two.refresh(a2)
    assert a2.age == 1
