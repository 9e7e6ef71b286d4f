"""``session.exists(stmt)`` and the bound ``.exists()``: a bool, in one statement that
stops at the first match (``LIMIT 1``), with the same matching as ``count``."""

from __future__ import annotations

from runic.ogm import count, select
from runic_integration import RunicDB, backend_test
from runic_integration.statements import logged_statements
from runic_integration.suite.models import Company, Person


async def _graph(db: RunicDB) -> None:
    """ada -> bob (friends); ada at acme; cy has neither friends nor employer."""
    async with db.session() as session:
        acme = Company(id="acme", name="Acme", city="Berlin")
        ada = Person(id="ada", name="Ada", age=36, employer=acme)
        bob = Person(id="bob", name="Bob", age=29)
        cy = Person(id="cy", name="Cy", age=41)
        ada.friends = [bob]
        session.add_all([ada, bob, cy])


@backend_test
async def test_exists_true_and_false_with_and_without_where(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        assert await session.exists(select(Person)) is True
        assert await session.exists(select(Person).where(Person.age > 40)) is True
        assert await session.exists(select(Person).where(Person.age > 100)) is False
        # like count: ORDER BY, SKIP and LIMIT do not change the answer
        assert await session.exists(select(Person).order_by(Person.id).skip(10)) is True
        assert await session.exists(select(Person).aggregate(count(Person.id))) is True
        assert await session.query(Person).where(Person.name == "Bob").exists() is True
        assert await session.query(Person).where(Person.name == "Zed").exists() is False
        assert await session.query(Company).exists() is True


@backend_test
async def test_exists_over_a_traversal_needs_a_target(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        # an optional traversal: sources without a friend do not count as a match
        for pid, expected in (("ada", True), ("bob", False), ("cy", False)):
            friends_of = select(Person).where(Person.id == pid).traverse(Person.friends)
            assert await session.exists(friends_of) is expected, pid
        assert await session.exists(select(Person).traverse(Person.friends)) is True
        employer = session.query(Person).where(Person.id == "cy").traverse(Person.employer)
        assert await employer.exists() is False
        works = session.query(Person).traverse(Person.employer).where(Company.city == "Berlin")
        assert await works.exists() is True


@backend_test
async def test_exists_on_an_empty_graph_is_false(db: RunicDB) -> None:
    async with db.session() as session:
        assert await session.exists(select(Person)) is False
        assert await session.exists(select(Person).traverse(Person.friends)) is False
        assert await session.query(Company).where(Company.name == "Acme").exists() is False


@backend_test
async def test_exists_sends_one_statement_that_stops_at_the_first_match(db: RunicDB) -> None:
    await _graph(db)
    session = db.session(log_cypher=True)
    with logged_statements() as counted:
        assert await session.exists(select(Person).where(Person.age > 20)) is True
    assert len(counted.sent) == 1, counted.sent
    assert "LIMIT" in counted.sent[0], counted.sent
    with logged_statements() as counted:
        assert await session.query(Person).where(Person.age > 100).exists() is False
    assert len(counted.sent) == 1, counted.sent
    await session.close()
