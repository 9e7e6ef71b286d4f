"""Fixtures: one real ArcadeDB server per test session, one database per test.

The server comes from the ``arcadedb-embedded`` wheel (``arcadedb_server.py``,
loaded here as ``bolt_arcadedb_server``); ``bolt_models.py`` is loaded once as
``bolt_models`` (pytest runs with ``--import-mode=importlib``, so test modules
cannot import their siblings by path; loading the models once also keeps their
labels registered once).

``raw`` reads the graph back with the plain ``neo4j`` driver, so assertions about
the database's contents never go through runic.
"""

from __future__ import annotations

import importlib.util
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import neo4j
import pytest
import pytest_asyncio

from runic.bolt import (
    ArcadeDBDialect,
    AsyncBoltDriver,
    BoltDriver,
    create_arcadedb_driver,
    create_async_arcadedb_driver,
)


def _load(name: str, filename: str) -> ModuleType:
    existing = sys.modules.get(name)
    if existing is not None:
        return existing
    path = Path(__file__).with_name(filename)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


server_module = _load("bolt_arcadedb_server", "arcadedb_server.py")
_load("bolt_models", "bolt_models.py")


class Raw:
    """Reads (and seeds) one ArcadeDB database with the plain neo4j driver."""

    def __init__(self, driver: Any, database: str) -> None:
        self.driver = driver
        self.database = database

    def rows(self, cypher: str, **params: Any) -> list[list[Any]]:
        records, _, _ = self.driver.execute_query(cypher, params, database_=self.database)
        return [record.values() for record in records]

    def value(self, cypher: str, **params: Any) -> Any:
        rows = self.rows(cypher, **params)
        return rows[0][0] if rows else None

    def count(self, label: str | None = None) -> int:
        pattern = f"(n:`{label}`)" if label else "(n)"
        return int(self.value(f"MATCH {pattern} RETURN count(n)"))

    def props(self, label: str, key: str = "id") -> dict[Any, dict[str, Any]]:
        """``{key value: properties}`` of every node labelled ``label``."""
        out: dict[Any, dict[str, Any]] = {}
        for (node,) in self.rows(f"MATCH (n:`{label}`) RETURN n"):
            props = dict(node.items())
            out[props.get(key)] = props
        return out


@pytest.fixture(scope="session")
def server() -> Iterator[Any]:
    """A real ArcadeDB server (Bolt plugin on), shared by the whole test session."""
    srv = server_module.ArcadeDBServer().start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def database(server: Any) -> Iterator[str]:
    """A fresh database for one test, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    server.create_database(name)
    try:
        yield name
    finally:
        server.drop_database(name)


@pytest.fixture
def settings(server: Any, database: str) -> dict[str, Any]:
    """``create_driver("arcadedb", **settings)`` keywords for the test database."""
    return {
        "host": "127.0.0.1",
        "port": server.bolt_port,
        "database": database,
        "username": server.user,
        "password": server.password,
    }


@pytest.fixture
def raw(server: Any, database: str) -> Iterator[Raw]:
    driver = neo4j.GraphDatabase.driver(server.bolt_uri, auth=(server.user, server.password))
    try:
        yield Raw(driver, database)
    finally:
        driver.close()


@pytest.fixture
def driver(settings: dict[str, Any]) -> Iterator[BoltDriver]:
    drv = create_arcadedb_driver(**settings)
    try:
        yield drv
    finally:
        drv.close()


@pytest_asyncio.fixture
async def async_driver(settings: dict[str, Any]) -> AsyncIterator[AsyncBoltDriver]:
    drv = create_async_arcadedb_driver(**settings)
    try:
        yield drv
    finally:
        await drv.close()


@pytest.fixture
def sql(server: Any, database: str) -> Any:
    """Run ArcadeDB SQL in the test database (schema its Cypher cannot create)."""

    def run(*commands: str) -> None:
        for command in commands:
            server.sql(database, command)

    return run


@pytest.fixture
def arcadedb_dialect() -> ArcadeDBDialect:
    return ArcadeDBDialect()
