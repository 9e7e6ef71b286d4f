"""Sharing one driver: connection managers, and concurrent async sessions."""

from __future__ import annotations

import asyncio

import pytest

from runic.ogm import (
    AsyncConnectionManager,
    AsyncSession,
    Capability,
    ConnectionManager,
    Session,
    select,
)
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


# -- session() as a decorator ----------------------------------------------------------


@pytest.mark.runic_modes("sync")
@backend_test
async def test_connection_manager_session_decorator_commits_or_rolls_back(db: RunicDB) -> None:
    manager = ConnectionManager(db.new_driver())
    seen: list[Session] = []

    @manager.session()
    def add_person(pid: str, *, fail: bool = False, session: Session) -> str:
        seen.append(session)
        session.add(Person(id=pid, name=pid.title()))
        if db.supports(Capability.TRANSACTIONS):
            session.flush()  # written in the open transaction: the rollback undoes it
        if fail:
            raise KeyError("abort")
        return pid

    assert add_person("ada") == "ada"
    with pytest.raises(KeyError):
        add_person("bob", fail=True)
    assert add_person("cy") == "cy"
    assert len({id(s) for s in seen}) == 3  # a session per call
    assert db.count("ItPerson") == 2
    assert sorted(db.values("MATCH (n:ItPerson) RETURN n.id AS id", column="id")) == ["ada", "cy"]
    with pytest.raises(TypeError, match="without session="):
        add_person("dan", session=seen[0])
    with pytest.raises(TypeError, match="'session' keyword argument"):

        @manager.session
        def no_session(pid: str) -> None: ...

    manager.close()


@pytest.mark.runic_modes("async")
@backend_test
async def test_async_connection_manager_session_decorator(db: RunicDB) -> None:
    manager = AsyncConnectionManager(db.new_driver())
    seen: list[AsyncSession] = []

    @manager.session()
    async def add_person(pid: str, *, fail: bool = False, session: AsyncSession) -> str:
        seen.append(session)
        session.add(Person(id=pid, name=pid.title()))
        if db.supports(Capability.TRANSACTIONS):
            await session.flush()  # in the open transaction: the rollback undoes it
        if fail:
            raise KeyError("abort")
        return pid

    assert await add_person("ada") == "ada"
    with pytest.raises(KeyError):
        await add_person("bob", fail=True)
    assert list(await asyncio.gather(add_person("cy"), add_person("dee"))) == ["cy", "dee"]
    assert len({id(s) for s in seen}) == 4  # a session per call
    assert db.count("ItPerson") == 3
    assert sorted(db.values("MATCH (n:ItPerson) RETURN n.id AS id", column="id")) == [
        "ada",
        "cy",
        "dee",
    ]
    with pytest.raises(TypeError, match="coroutine functions"):

        @manager.session
        def not_async(*, session: AsyncSession) -> None: ...

    await manager.close()
