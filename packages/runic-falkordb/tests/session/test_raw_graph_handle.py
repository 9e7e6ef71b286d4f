"""Session(graph) with a raw falkordb graph handle, as seed 003 writes it (issue 11.16)."""

from __future__ import annotations

from typing import Any

import falkordb
import falkordb.asyncio
import pytest
from session_models import Company

from runic.falkordb import AsyncFalkorDBDriver, EmbeddedFalkorDB, FalkorDBDriver
from runic.ogm import AsyncSession, Session, select


def test_session_accepts_a_raw_graph(server: EmbeddedFalkorDB, graph_name: str, raw: Any) -> None:
    db = falkordb.FalkorDB(unix_socket_path=server.unix_socket_path)
    try:
        graph = db.select_graph(graph_name)
        with Session(graph) as session:
            assert isinstance(session.driver, FalkorDBDriver)
            session.add(Company(id="acme", name="Acme"))
        with Session(graph) as session:
            assert [c.name for c in session.scalars(select(Company))] == ["Acme"]
        assert raw.props("SCompany") == {"acme": {"id": "acme", "name": "Acme", "city": ""}}
        assert db.connection.ping()  # the caller's client stays open
    finally:
        db.connection.close()


async def test_async_session_accepts_a_raw_async_graph(
    server: EmbeddedFalkorDB, graph_name: str, raw: Any
) -> None:
    db = falkordb.asyncio.FalkorDB(unix_socket_path=server.unix_socket_path)
    try:
        graph = db.select_graph(graph_name)
        async with AsyncSession(graph) as session:
            assert isinstance(session.driver, AsyncFalkorDBDriver)
            session.add(Company(id="acme", name="Acme"))
        async with AsyncSession(graph) as session:
            assert [c.id for c in await session.scalars(select(Company))] == ["acme"]
        assert sorted(raw.props("SCompany")) == ["acme"]
    finally:
        await db.connection.aclose()


def test_a_falkordb_client_is_not_a_graph(server: EmbeddedFalkorDB) -> None:
    db = falkordb.FalkorDB(unix_socket_path=server.unix_socket_path)
    try:
        with pytest.raises(TypeError) as info:
            Session(db)
        assert str(info.value) == (
            "Session() got a falkordb client (FalkorDB), not a graph: pass "
            "Session(db.select_graph('name')), or a driver from create_driver('falkordb', ...)"
        )
    finally:
        db.connection.close()


def test_an_async_graph_in_a_sync_session_is_refused(server: EmbeddedFalkorDB) -> None:
    db = falkordb.asyncio.FalkorDB(unix_socket_path=server.unix_socket_path)
    with pytest.raises(TypeError, match=r"^Session\(\) got an asyncio falkordb graph"):
        Session(db.select_graph("g"))


@pytest.mark.parametrize("thing", [None, "localhost:6379", object()])
def test_other_objects_are_a_type_error_saying_what_to_pass(thing: object) -> None:
    with pytest.raises(TypeError) as info:
        Session(thing)
    assert str(info.value) == (
        f"Session() needs a runic driver, got {type(thing).__name__}: pass "
        "create_driver('falkordb', ...) (or another backend's driver, see "
        "runic.ogm.available_backends()), or a falkordb graph handle (db.select_graph('name'))"
    )
    with pytest.raises(TypeError, match=r"^AsyncSession\(\) needs a runic driver, got "):
        AsyncSession(thing)


def test_sync_and_async_drivers_are_not_mixed_up(driver: FalkorDBDriver) -> None:
    with pytest.raises(TypeError) as info:
        AsyncSession(driver)
    assert str(info.value) == (
        "AsyncSession() needs an async driver, got the blocking FalkorDBDriver: use "
        "Session(driver), or create_async_driver(...)"
    )
