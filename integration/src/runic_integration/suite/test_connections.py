"""Sharing one driver: connection managers, and concurrent async sessions."""

from __future__ import annotations

import asyncio

import pytest

from runic.ogm import AsyncConnectionManager, ConnectionManager, select
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Person


@pytest.mark.runic_modes("sync")
@backend_test
async def test_connection_manager_sessions_commit_on_success(db: RunicDB) -> None:
    manager = ConnectionManager(db.new_driver())
    with manager.session() as session:
        session.add(Person(id="ada", name="Ada"))
    with pytest.raises(KeyError), manager.session() as session:
        session.add(Person(id="bob", name="Bob"))
        raise KeyError("abort")
    with manager.session() as session:
        assert [p.id for p in session.scalars(select(Person))] == ["ada"]
    manager.close()
    assert db.values("MATCH (n:ItPerson) RETURN n.id AS id", column="id") == ["ada"]


@pytest.mark.runic_modes("async")
@backend_test
async def test_async_connection_manager_sessions_commit_on_success(db: RunicDB) -> None:
    manager = AsyncConnectionManager(db.new_driver())
    async with manager.session() as session:
        session.add(Person(id="ada", name="Ada"))
    with pytest.raises(KeyError):
        async with manager.session() as session:
            session.add(Person(id="bob", name="Bob"))
            raise KeyError("abort")
    async with manager.session() as session:
        assert [p.id for p in await session.scalars(select(Person))] == ["ada"]
    await manager.close()
    assert db.values("MATCH (n:ItPerson) RETURN n.id AS id", column="id") == ["ada"]


@pytest.mark.runic_modes("async")
@backend_test
async def test_concurrent_async_sessions_on_one_driver(db: RunicDB) -> None:
    async def write(i: int) -> None:
        async with db.session() as session:
            session.add(Person(id=f"p{i:02d}", name=f"P{i}", age=i))

    await asyncio.gather(*(write(i) for i in range(20)))
    assert db.count("ItPerson") == 20

    async def read(i: int) -> int | None:
        async with db.session() as session:
            person = await session.get(Person, f"p{i:02d}")
            return None if person is None else person.age

    assert await asyncio.gather(*(read(i) for i in range(20))) == list(range(20))
