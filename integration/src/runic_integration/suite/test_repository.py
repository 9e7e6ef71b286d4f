"""Repositories: typed reads through the session's identity map, and domain subclasses."""

from __future__ import annotations

from typing import Any

from runic.ogm import AsyncRepository, Repository
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Company, Person


async def _people(db: RunicDB) -> None:
    async with db.session() as session:
        acme = Company(id="acme", name="Acme")
        session.add_all(
            [
                Person(id=f"p{i:02d}", name=f"N{i}", age=20 + i, employer=acme if i % 2 else None)
                for i in range(12)
            ]
        )


class PeopleRepository(Repository[Person]):
    """A domain repository (sync)."""

    def adults_over(self, age: int) -> list[Person]:
        return list(self.query().where(Person.age > age).order_by(Person.id).all())


class AsyncPeopleRepository(AsyncRepository[Person]):
    """The same domain repository (async)."""

    async def adults_over(self, age: int) -> list[Person]:
        return list(await self.query().where(Person.age > age).order_by(Person.id).all())


@backend_test
async def test_find_all_count_exists(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        repo = db.repository(session, Person)
        everyone = await repo.find_all()
        assert sorted(p.id for p in everyone) == [f"p{i:02d}" for i in range(12)]
        assert await repo.count() == 12
        assert await repo.exists("p03") is True
        assert await repo.exists("nobody") is False
        assert await db.repository(session, Company).count() == 1
        ada = await session.get(Person, "p00")
        assert ada is next(p for p in everyone if p.id == "p00")


@backend_test
async def test_find_all_pages_by_key(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        repo = db.repository(session, Person)
        page1 = await repo.find_all(skip=0, limit=5)
        page3 = await repo.find_all(skip=10, limit=5)
        assert [p.id for p in page1] == ["p00", "p01", "p02", "p03", "p04"]
        assert [p.id for p in page3] == ["p10", "p11"]


@backend_test
async def test_find_all_with_fetch_and_by_ids(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        repo = db.repository(session, Person)
        chosen = await repo.find_all_by_ids(["p01", "p02", "missing"], fetch=["employer"])
        by_id = {p.id: p for p in chosen}
        assert sorted(by_id) == ["p01", "p02"]
        assert by_id["p01"].employer is not None and by_id["p01"].employer.id == "acme"
        assert by_id["p02"].employer is None
        fetched = await repo.find_all(fetch=["employer"])
        assert sum(1 for p in fetched if p.employer is not None) == 6


@backend_test
async def test_cypher_shapes_rows(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        repo = db.repository(session, Person)
        older = await repo.cypher(
            "MATCH (n:ItPerson) WHERE n.age >= $age RETURN n ORDER BY n.id",
            {"age": 30},
            returns=Person,
        )
        assert [p.id for p in older] == ["p10", "p11"]
        assert older[0] is await session.get(Person, "p10")
        ages = await repo.cypher(
            "MATCH (n:ItPerson) WHERE n.age < $age RETURN n.age AS a ORDER BY n.age",
            {"age": 22},
            returns=int,
        )
        assert ages == [20, 21]
        dicts: list[dict[str, Any]] = await repo.cypher(
            "MATCH (n:ItPerson {id: $id}) RETURN n.name AS name, n AS node",
            {"id": "p05"},
            returns=dict,
        )
        assert dicts[0]["name"] == "N5" and isinstance(dicts[0]["node"], Person)
        assert (
            await repo.cypher(
                "MATCH (n:ItPerson {id: $id}) SET n.age = 99", {"id": "p05"}, write=True
            )
            == []
        )
    assert db.values("MATCH (n:ItPerson {id: 'p05'}) RETURN n.age AS a", column="a") == [99]


@backend_test
async def test_a_domain_repository_subclass(db: RunicDB) -> None:
    await _people(db)
    async with db.session() as session:
        repo = db.repository(
            session, Person, sync_class=PeopleRepository, async_class=AsyncPeopleRepository
        )
        found = await repo.adults_over(29)
        assert [p.id for p in found] == ["p10", "p11"]
        listed = await repo.query().where(Person.age < 21).all()
        assert [p.id for p in listed] == ["p00"]
