"""Fixtures: one real embedded FalkorDB server per test session, one graph per test."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import falkordb
import pytest
import pytest_asyncio

from runic.falkordb import AsyncFalkorDBDriver, EmbeddedFalkorDB, FalkorDBDriver


@pytest.fixture(scope="session")
def server() -> Iterator[EmbeddedFalkorDB]:
    """A FalkorDB server on a private unix socket, shared by the whole session."""
    with EmbeddedFalkorDB() as embedded:
        yield embedded


@pytest.fixture
def graph_name() -> str:
    return f"t_{uuid.uuid4().hex[:16]}"


@pytest.fixture
def raw_db(server: EmbeddedFalkorDB) -> Iterator[Any]:
    """The plain falkordb client, to check what the driver wrote."""
    db = falkordb.FalkorDB(unix_socket_path=server.unix_socket_path)
    yield db
    db.close()


@pytest.fixture
def raw_graph(raw_db: Any, graph_name: str) -> Any:
    return raw_db.select_graph(graph_name)


@pytest.fixture
def driver(server: EmbeddedFalkorDB, graph_name: str) -> Iterator[FalkorDBDriver]:
    drv = FalkorDBDriver.from_settings(server.connection_settings(), graph_name)
    yield drv
    if not drv.closed:
        drv.delete_graph()
        drv.close()


@pytest_asyncio.fixture
async def async_driver(
    server: EmbeddedFalkorDB, graph_name: str
) -> AsyncIterator[AsyncFalkorDBDriver]:
    drv = AsyncFalkorDBDriver.from_settings(server.connection_settings(), graph_name)
    yield drv
    if not drv.closed:
        await drv.delete_graph()
        await drv.close()
