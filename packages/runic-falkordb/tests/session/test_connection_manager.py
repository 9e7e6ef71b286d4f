"""ConnectionManager / AsyncConnectionManager: one driver shared by many sessions."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import falkordb
import pytest
from falkordb import asyncio as falkordb_asyncio
from session_models import Counter, Person

from runic.falkordb import AsyncFalkorDBDriver, EmbeddedFalkorDB, FalkorDBDriver
from runic.ogm import (
    AsyncConnectionManager,
    AsyncSession,
    BackendError,
    ConnectionManager,
    Session,
)


def test_sessions_share_the_managers_driver(rec: Any, raw: Any) -> None:
    manager = ConnectionManager(rec)
    assert manager.driver is rec and manager.acquire() is rec
    manager.release(rec)
    with manager.session() as one:
        assert isinstance(one, Session) and one.driver is rec
        one.add(Person(id="ada", name="Ada"))
    assert one.closed
    assert sorted(raw.props("SPerson")) == ["ada"]
    with manager.session() as two:
        assert two is not one and two.driver is rec
        ada = two.get(Person, "ada")
        assert ada is not None
        ada.age = 3
    assert raw.props("SPerson")["ada"]["age"] == 3
    with pytest.raises(KeyError), manager.session() as three:
        three.add(Person(id="bob", name="Bob"))
        raise KeyError("boom")
    assert sorted(raw.props("SPerson")) == ["ada"]


def test_manager_with_log_cypher(rec: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="runic.cypher")
    with ConnectionManager(rec, log_cypher=True).session() as s:
        s.get(Person, "ada")
    assert [r.getMessage() for r in caplog.records if r.name == "runic.cypher"] == [
        "MATCH (n:`SPerson` {`id`: $pk}) RETURN n  params={'pk': 'ada'}"
    ]


def test_manager_from_falkordb_client_objects(
    server: EmbeddedFalkorDB, graph_name: str, raw: Any
) -> None:
    db = falkordb.FalkorDB(unix_socket_path=server.unix_socket_path)
    try:
        by_name = ConnectionManager(db, graph_name)
        by_graph = ConnectionManager(db.select_graph(graph_name))
        assert isinstance(by_name.driver, FalkorDBDriver)
        assert by_name.driver.graph_name == graph_name == by_graph.driver.graph_name
        with by_name.session() as s:
            s.add(Person(id="ada", name="Ada"))
        with by_graph.session() as s:
            assert s.get(Person, "ada") is not None
        assert sorted(raw.props("SPerson")) == ["ada"]
    finally:
        db.close()


def test_threads_share_one_driver(raw: Any, driver: FalkorDBDriver) -> None:
    manager = ConnectionManager(driver)

    def work(n: int) -> int:
        with manager.session() as s:
            s.add_all(Counter(id=n * 100 + i, value=i) for i in range(10))
            s.flush()
            return len(s.identity_map)

    with ThreadPoolExecutor(max_workers=8) as pool:
        sizes = list(pool.map(work, range(8), timeout=20))  # re-raises a worker's error
    assert sizes == [10] * 8  # each session has its own identity map
    assert raw.count("SCounter") == 80


def test_closing_the_manager_closes_the_driver(server: EmbeddedFalkorDB, graph_name: str) -> None:
    driver = FalkorDBDriver.from_settings(server.connection_settings(), graph_name)
    with ConnectionManager(driver) as manager, manager.session() as s:
        s.add(Person(id="ada", name="Ada"))
        s.flush()
        driver.delete_graph()
    assert driver.closed
    with (
        pytest.raises(
            BackendError,
            match=f"the falkordb driver for graph '{graph_name}' is closed; create a new driver",
        ),
        Session(driver) as s,
    ):
        s.get(Person, "ada")


async def test_async_sessions_share_the_managers_driver(arec: Any, raw: Any) -> None:
    manager = AsyncConnectionManager(arec)
    assert manager.driver is arec and manager.acquire() is arec
    await manager.release(arec)
    async with manager.session() as one:
        assert isinstance(one, AsyncSession) and one.driver is arec
        one.add(Person(id="ada", name="Ada"))
    async with manager.session() as two:
        ada = await two.get(Person, "ada")
        assert ada is not None and ada.name == "Ada"

    async def add(n: int) -> None:
        async with manager.session() as s:
            s.add_all(Counter(id=n * 100 + i) for i in range(10))

    await asyncio.gather(*(add(n) for n in range(8)))
    assert raw.count("SCounter") == 80


async def test_async_manager_from_a_falkordb_handle(
    server: EmbeddedFalkorDB, graph_name: str, raw: Any
) -> None:
    db = falkordb_asyncio.FalkorDB(unix_socket_path=server.unix_socket_path)
    try:
        manager = AsyncConnectionManager(db, graph_name)
        assert isinstance(manager.driver, AsyncFalkorDBDriver)
        async with manager.session() as s:
            s.add(Person(id="ada", name="Ada"))
        assert sorted(raw.props("SPerson")) == ["ada"]
    finally:
        await db.aclose()


async def test_async_manager_close(server: EmbeddedFalkorDB, graph_name: str) -> None:
    driver = AsyncFalkorDBDriver.from_settings(server.connection_settings(), graph_name)
    async with AsyncConnectionManager(driver) as manager, manager.session() as s:
        assert await s.query(Person).count() == 0
        await driver.delete_graph()
    assert driver.closed
