"""Every filter operator, combined with &, | and ~, on plain and converted values."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from runic.ogm import inspect, select
from runic.ogm.query import Expr
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Color, Everything, Person, Priority


async def _people(db: RunicDB) -> None:
    async with db.session() as session:
        session.add_all(
            [
                Person(id="ada", name="Ada", age=36, email="ada@example.org", active=True),
                Person(id="bob", name="Bob", age=29, email=None, active=True),
                Person(id="cy", name="Cy", age=41, email="cy@corp.com", active=False),
                Person(id="dee", name="Dee", age=25, email="dee@example.org", active=True),
                Person(id="eve", name="Eve", age=None, email=None, active=False),
            ]
        )


FILTERS: list[tuple[str, Callable[[], Expr], list[str]]] = [
    ("eq", lambda: Person.name == "Ada", ["ada"]),
    ("ne", lambda: Person.name != "Ada", ["bob", "cy", "dee", "eve"]),
    ("lt", lambda: Person.age < 29, ["dee"]),
    ("le", lambda: Person.age <= 29, ["bob", "dee"]),
    ("gt", lambda: Person.age > 36, ["cy"]),
    ("ge", lambda: Person.age >= 36, ["ada", "cy"]),
    ("contains", lambda: Person.email.contains("example"), ["ada", "dee"]),
    ("startswith", lambda: Person.name.startswith("D"), ["dee"]),
    ("endswith", lambda: Person.email.endswith(".com"), ["cy"]),
    ("matches", lambda: Person.email.matches(r".*@example\.org"), ["ada", "dee"]),
    ("eq-none", lambda: Person.email == None, ["bob", "eve"]),  # noqa: E711
    ("is_null", lambda: Person.email.is_null(), ["bob", "eve"]),
    ("ne-none", lambda: Person.email != None, ["ada", "cy", "dee"]),  # noqa: E711
    ("is_not_null", lambda: Person.email.is_not_null(), ["ada", "cy", "dee"]),
    ("in", lambda: Person.name.in_(["Ada", "Cy", "Zed"]), ["ada", "cy"]),
    ("in-empty", lambda: Person.name.in_([]), []),
    ("not_in", lambda: Person.name.not_in_(["Ada", "Cy"]), ["bob", "dee", "eve"]),
    ("bool", lambda: Person.active == False, ["cy", "eve"]),  # noqa: E712
    ("and", lambda: (Person.age > 30) & (Person.active == True), ["ada"]),  # noqa: E712
    ("or", lambda: (Person.age < 26) | (Person.name == "Cy"), ["cy", "dee"]),
    ("not", lambda: ~(Person.active == True), ["cy", "eve"]),  # noqa: E712
    ("not-or", lambda: ~((Person.age > 30) | Person.email.is_null()), ["dee"]),
    (
        "and-or-nested",
        lambda: ((Person.age >= 29) & Person.email.is_null()) | Person.name.endswith("y"),
        ["bob", "cy"],
    ),
    ("nothing", lambda: Person.age > 100, []),
    ("param-looks-like-cypher", lambda: Person.name == "x' OR 1=1 //", []),
]


@pytest.mark.parametrize(("name", "make", "expected"), FILTERS, ids=[f[0] for f in FILTERS])
def test_filter_operator(
    runic_db: RunicDB, name: str, make: Callable[[], Expr], expected: list[str]
) -> None:
    async def body(db: RunicDB) -> None:
        await _people(db)
        async with db.session() as session:
            found = await session.scalars(select(Person).where(make()).order_by(Person.id))
            assert [p.id for p in found] == expected
            bound = await session.query(Person).where(make()).order_by(Person.id).all()
            assert [p.id for p in bound] == expected

    runic_db.run(body)


@backend_test
async def test_several_where_calls_are_anded(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        stmt = select(Person).where(Person.active == True).where(Person.age > 30)  # noqa: E712
        assert [p.id for p in await session.scalars(stmt)] == ["ada"]


@backend_test
async def test_filters_on_converted_values(db: RunicDB) -> None:
    async with db.session() as session:
        session.add_all(
            [
                Everything(
                    id="a",
                    color=Color.BLUE,
                    priority=Priority.HIGH,
                    day=date(2020, 1, 1),
                    at=datetime(2020, 1, 1, 10),
                ),
                Everything(
                    id="b",
                    color=Color.RED,
                    priority=Priority.LOW,
                    day=date(2021, 6, 1),
                    at=datetime(2021, 6, 1, 10),
                ),
                Everything(
                    id="c",
                    color=Color.BLUE,
                    priority=Priority.LOW,
                    day=date(2022, 3, 1),
                    at=datetime(2022, 3, 1, 10),
                ),
            ]
        )
    async with db.session() as session:

        async def ids(expr: Expr) -> list[str]:
            found = await session.scalars(select(Everything).where(expr).order_by(Everything.id))
            return [e.id for e in found]

        assert await ids(Everything.color == Color.BLUE) == ["a", "c"]
        assert await ids(Everything.priority.in_([Priority.HIGH])) == ["a"]
        assert await ids(Everything.day > date(2020, 6, 1)) == ["b", "c"]
        assert await ids(Everything.at <= datetime(2021, 6, 1, 10)) == ["a", "b"]
        assert await ids(Everything.color != Color.RED) == ["a", "c"]


@backend_test
async def test_where_id_selects_by_database_id(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        ada = await session.get(Person, "ada")
        cy = await session.get(Person, "cy")
        ada_id, cy_id = inspect(ada).graph_id, inspect(cy).graph_id
        (one,) = await session.scalars(select(Person).where_id(ada_id))
        assert one is ada
        both = await session.scalars(select(Person).where_id(ada_id, cy_id).order_by(Person.id))
        assert both == [ada, cy]
