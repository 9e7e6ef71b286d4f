"""Concurrency: tasks sharing one session, and sessions in threads inserting one key.

Tasks (``asyncio.gather``) sharing an ``AsyncSession`` run its operations one at a
time, each from start to end, on every backend. Sessions in different threads that
insert the same primary key at once create one node; the others get
``DuplicateEntityError`` (where the backend can make that safe: see
docs/sessions.md).
"""

from __future__ import annotations

import asyncio

from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Company, Person


def _ids(db: RunicDB, label: str = "ItPerson") -> list[str]:
    return sorted(
        db.values(f"MATCH (n:{label}) RETURN n.id AS id", column="id")
    )


@backend_test
async def test_gather_of_200_add_and_flush_on_one_session(db: RunicDB) -> None:
    session = db.session()

    async def add_and_flush(i: int) -> None:
        session.add(Person(id=f"t{i:03d}", name=f"T{i}"))
        await session.flush()

    await asyncio.wait_for(asyncio.gather(*(add_and_flush(i) for i in range(200))), 120)
    assert session.new == []
    await session.commit()
    assert _ids(db) == [f"t{i:03d}" for i in range(200)]


@backend_test
async def test_gather_of_two_flushes_writes_a_node_once(db: RunicDB) -> None:
    session = db.session()
    ada = Person(id="ada", name="Ada")
    session.add(ada)
    await asyncio.gather(session.flush(), session.flush())
    await session.commit()
    assert _ids(db) == ["ada"]
    assert await session.get(Person, "ada") is ada


@backend_test
async def test_gather_of_commits_on_one_session(db: RunicDB) -> None:
    session = db.session()

    async def add_and_commit(i: int) -> None:
        session.add(Person(id=f"c{i:02d}", name=f"C{i}", age=i))
        await session.commit()

    await asyncio.wait_for(asyncio.gather(*(add_and_commit(i) for i in range(30))), 120)
    assert _ids(db) == [f"c{i:02d}" for i in range(30)]
    ages = db.values("MATCH (n:ItPerson) RETURN sum(n.age) AS s", column="s")
    assert ages == [sum(range(30))]


@backend_test
async def test_gather_of_gets_changes_and_commits(db: RunicDB) -> None:
    async with db.session() as writer:
        writer.add_all(Person(id=f"g{i:02d}", name=f"G{i}", age=0) for i in range(20))
    session = db.session()

    async def bump(i: int) -> None:
        person = await session.get(Person, f"g{i:02d}")
        assert person is not None
        person.age = (person.age or 0) + i
        await session.commit()

    await asyncio.wait_for(asyncio.gather(*(bump(i) for i in range(20))), 120)
    rows = db.rows(
        "MATCH (n:ItPerson) RETURN n.id AS id, n.age AS age ORDER BY n.id", columns=("id", "age")
    )
    assert rows == [(f"g{i:02d}", i) for i in range(20)]


@backend_test
async def test_gather_of_relates_and_reads(db: RunicDB) -> None:
    session = db.session()
    acme = Company(id="acme", name="Acme")
    people = [Person(id=f"r{i:02d}", name=f"R{i}") for i in range(10)]
    session.add(acme)
    session.add_all(people)
    await session.flush()

    async def link(person: Person) -> None:
        await session.relate(person, "employer", acme)
        assert await session.get(Person, person.id) is person

    await asyncio.wait_for(asyncio.gather(*(link(p) for p in people)), 120)
    await session.commit()
    assert db.count_edges("IT_WORKS_FOR") == 10
    assert db.count("ItPerson") == 10 and db.count("ItCompany") == 1
