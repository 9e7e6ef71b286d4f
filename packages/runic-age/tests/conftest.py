"""Fixtures: one real PostgreSQL + AGE server per test session, one AGE graph per test.

The server is ``RUNIC_TEST_AGE_DSN`` when set, else PostgreSQL 17 + AGE from the
integration suite's cached Debian trixie chroot (root only), started on a free
127.0.0.1 port and stopped by its process id at the end of the session.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import psycopg
import pytest
import pytest_asyncio

from runic.age import AGEDriver, AsyncAGEDriver, create_age_driver, create_async_age_driver
from runic_integration import Unavailable
from runic_integration.backends.age import ENV_DSN, age_connection, parse_dsn
from runic_integration.providers.local_age import LocalAGE
from runic_integration.testing import unavailable_here


@pytest.fixture(scope="session")
def age_server() -> Iterator[dict[str, Any]]:
    """Connection settings (host, port, database, username, password) of a live server."""
    dsn = os.environ.get(ENV_DSN)
    if dsn:
        yield dict(parse_dsn(dsn, os.environ).settings)
        return
    try:
        server = LocalAGE().provide()
    except Unavailable as exc:
        unavailable_here(f"no PostgreSQL + AGE server: {exc}")
        raise  # unreachable: unavailable_here skips or fails
    try:
        yield dict(server.settings)
    finally:
        server.stop()  # by pid


@pytest.fixture
def graph_name() -> str:
    return f"t_{uuid.uuid4().hex[:16]}"


@pytest.fixture
def raw(age_server: dict[str, Any]) -> Iterator[psycopg.Connection[Any]]:
    """A plain autocommit psycopg connection (AGE loaded), to check what the driver wrote."""
    conn = age_connection(age_server)
    yield conn
    conn.close()


@pytest.fixture
def driver(age_server: dict[str, Any], graph_name: str) -> Iterator[AGEDriver]:
    """A pooled sync driver on a fresh graph, dropped afterwards."""
    drv = create_age_driver(**age_server, graph=graph_name, create_graph=True)
    yield drv
    if drv.closed:
        drv = create_age_driver(**age_server, graph=graph_name)
    drv.drop_graph()
    drv.close()


@pytest_asyncio.fixture
async def async_driver(
    age_server: dict[str, Any], graph_name: str
) -> AsyncIterator[AsyncAGEDriver]:
    """A pooled async driver on a fresh graph, dropped afterwards."""
    drv = create_async_age_driver(**age_server, graph=graph_name, create_graph=True)
    yield drv
    if drv.closed:
        drv = create_async_age_driver(**age_server, graph=graph_name)
    await drv.drop_graph()
    await drv.close()


@pytest.fixture
def read(raw: psycopg.Connection[Any], graph_name: str) -> Any:
    """``read(cypher, "a agtype, ...")``: rows of the test's graph as undecoded agtype text."""

    def run(cypher: str, columns: str = "v agtype") -> list[tuple[Any, ...]]:
        sql = f"SELECT * FROM cypher('{graph_name}', $$ {cypher} $$) AS ({columns})"
        return raw.execute(sql).fetchall()

    return run
