"""Sessions on AGE: polymorphism through the ``_labels`` emulation, transactions."""

from __future__ import annotations

from typing import Any

import pytest

from runic.age import AGEDriver, AsyncAGEDriver
from runic.ogm import AsyncSession, Field, Node, Relation, Session, select


class SaLocation(Node, labels=["SaLocation"]):
    code: str = Field(primary_key=True)
    name: str = ""


class SaCountry(SaLocation, labels=["SaLocation", "SaCountry"]):
    population: int = 0


class SaCity(SaLocation, labels=["SaLocation", "SaCity"]):
    country: SaCountry | None = Relation(relationship="SA_IN", target=SaCountry)


class SaCapital(SaCity, labels=["SaLocation", "SaCity", "SaCapital"]):
    pass


def _places() -> list[SaLocation]:
    fr = SaCountry(code="FR", name="France", population=68)
    return [
        fr,
        SaCapital(code="PAR", name="Paris", country=fr),
        SaCity(code="LYS", name="Lyon", country=fr),
        SaLocation(code="ALP", name="Alps"),
    ]


def test_polymorphic_queries_return_the_right_subclasses(driver: AGEDriver, read: Any) -> None:
    with Session(driver) as session:
        session.add_all(_places())
    # stored: one AGE label, the others in _labels
    assert read("MATCH (n) RETURN [label(n), n.code, n._labels] ORDER BY n.code") == [
        ('["SaLocation", "ALP", null]',),
        ('["SaLocation", "FR", ["SaCountry"]]',),
        ('["SaLocation", "LYS", ["SaCity"]]',),
        ('["SaLocation", "PAR", ["SaCity", "SaCapital"]]',),
    ]
    with Session(driver) as session:
        found = session.scalars(select(SaLocation).order_by(SaLocation.code))
        assert [(type(x).__name__, x.code) for x in found] == [
            ("SaLocation", "ALP"),
            ("SaCountry", "FR"),
            ("SaCity", "LYS"),
            ("SaCapital", "PAR"),
        ]
        cities = session.scalars(select(SaCity).order_by(SaCity.code))
        assert [(type(x).__name__, x.code) for x in cities] == [
            ("SaCity", "LYS"),
            ("SaCapital", "PAR"),
        ]
        assert session.count(select(SaCapital)) == 1
        paris = session.get(SaLocation, "PAR")
        assert isinstance(paris, SaCapital)
        session.load(paris, "country")
        assert isinstance(paris.country, SaCountry) and paris.country.population == 68
        # the _labels property never shows up as a field
        assert "_labels" not in vars(paris)


def test_session_rollback_discards_flushed_writes(driver: AGEDriver, read: Any) -> None:
    session = Session(driver)
    try:
        session.add(SaCity(code="LYS", name="Lyon"))
        session.flush()
        assert read("MATCH (n) RETURN count(n)") == [("0",)]  # flushed, not committed
        session.rollback()
    finally:
        session.close()
    assert read("MATCH (n) RETURN count(n)") == [("0",)]
    with pytest.raises(RuntimeError, match="boom"), Session(driver) as session:
        session.add(SaCity(code="LYS", name="Lyon"))
        session.flush()
        raise RuntimeError("boom")
    assert read("MATCH (n) RETURN count(n)") == [("0",)]


async def test_async_session_polymorphism_and_commit(
    async_driver: AsyncAGEDriver, read: Any
) -> None:
    async with AsyncSession(async_driver) as session:
        session.add_all(_places())
    async with AsyncSession(async_driver) as session:
        capital = await session.get(SaCity, "PAR")
        assert isinstance(capital, SaCapital)
        capital.name = "Paname"
        found = await session.scalars(select(SaLocation).order_by(SaLocation.code))
        assert [type(x).__name__ for x in found] == [
            "SaLocation",
            "SaCountry",
            "SaCity",
            "SaCapital",
        ]
    assert read("MATCH (n {code: 'PAR'}) RETURN n.name") == [('"Paname"',)]
    session = AsyncSession(async_driver)
    try:
        session.delete(await session.get(SaLocation, "ALP"))
        await session.flush()
        assert read("MATCH (n {code: 'ALP'}) RETURN count(n)") == [("1",)]  # not committed
        await session.rollback()
    finally:
        await session.close()
    assert read("MATCH (n {code: 'ALP'}) RETURN count(n)") == [("1",)]
