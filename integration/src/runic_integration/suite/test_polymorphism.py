"""Polymorphism: subclasses are nodes with more labels; queries return the right class."""

from __future__ import annotations

import pytest

from runic.ogm import Capability, select
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import City, Country, Location, Person


async def _places(db: RunicDB) -> None:
    async with db.session() as session:
        fr = Country(code="FR", name="France", population=68)
        session.add_all(
            [
                fr,
                City(code="PAR", name="Paris", country=fr),
                City(code="LYS", name="Lyon", country=fr),
                Location(code="ALP", name="Alps"),
            ]
        )


@backend_test
async def test_base_query_returns_each_node_as_its_most_specific_class(db: RunicDB) -> None:
    await _places(db)
    async with db.session() as session:
        found = await session.scalars(select(Location).order_by(Location.code))
        assert [(type(x).__name__, x.code) for x in found] == [
            ("Location", "ALP"),
            ("Country", "FR"),
            ("City", "LYS"),
            ("City", "PAR"),
        ]
        fr = found[1]
        assert isinstance(fr, Country) and fr.population == 68


@backend_test
async def test_subclass_query_returns_only_that_subclass(db: RunicDB) -> None:
    await _places(db)
    async with db.session() as session:
        cities = await session.scalars(select(City).order_by(City.code))
        assert [c.code for c in cities] == ["LYS", "PAR"]
        assert await session.count(select(Country)) == 1
        assert await session.count(select(Location)) == 4


@backend_test
async def test_get_on_the_base_class_returns_the_subclass(db: RunicDB) -> None:
    await _places(db)
    async with db.session() as session:
        paris = await session.get(Location, "PAR", fetch=None)
        assert isinstance(paris, City)
        await session.load(paris, "country")
        assert isinstance(paris.country, Country) and paris.country.code == "FR"


@backend_test
async def test_a_relation_to_the_base_class_hydrates_subclasses(db: RunicDB) -> None:
    await _places(db)
    async with db.session() as session:
        paris = await session.get(City, "PAR")
        session.add(Person(id="ada", name="Ada", lives_in=paris))
    async with db.session() as session:
        ada = await session.get(Person, "ada", fetch=["lives_in"])
        assert ada is not None and type(ada.lives_in) is City


@backend_test
async def test_subclass_fields_update_through_the_base_class(db: RunicDB) -> None:
    await _places(db)
    async with db.session() as session:
        fr = await session.get(Location, "FR")
        assert isinstance(fr, Country)
        fr.population = 69
        fr.name = "République française"
    async with db.session() as other:
        again = await other.get(Country, "FR")
        assert again is not None
        assert (again.population, again.name) == (69, "République française")


@pytest.mark.runic_requires(Capability.MULTI_LABEL)
@backend_test
async def test_subclass_nodes_carry_every_label(db: RunicDB) -> None:
    await _places(db)
    rows = db.rows(
        "MATCH (n:ItLocation) RETURN n.code AS code, labels(n) AS labels ORDER BY n.code",
        columns=("code", "labels"),
    )
    assert [(code, sorted(labels)) for code, labels in rows] == [
        ("ALP", ["ItLocation"]),
        ("FR", ["ItCountry", "ItLocation"]),
        ("LYS", ["ItCity", "ItLocation"]),
        ("PAR", ["ItCity", "ItLocation"]),
    ]
