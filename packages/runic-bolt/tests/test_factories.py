"""Factories, settings checks, the registry plugin and the seed import paths.

Drivers connect lazily, so the Neo4j and Memgraph factories are checked without a
server; ArcadeDB ones also run a statement on the real server.
"""

from __future__ import annotations

from typing import Any

import neo4j
import pytest

import runic.bolt
from runic.bolt import (
    ArcadeDBDialect,
    AsyncBoltDriver,
    BoltDriver,
    BoltSettingsError,
    MemgraphDialect,
    Neo4jDialect,
    create_async_neo4j_driver,
    create_bolt_driver,
    create_memgraph_driver,
    create_neo4j_driver,
)
from runic.ogm import available_backends, create_async_driver, create_driver
from runic.ogm.registry import get_backend


def test_registry_builds_every_bolt_backend() -> None:
    for name, dialect in (
        ("neo4j", Neo4jDialect),
        ("memgraph", MemgraphDialect),
        ("arcadedb", ArcadeDBDialect),
    ):
        drv = create_driver(name, host="db.example", port=7688, database="x", password="pw")
        try:
            assert isinstance(drv, BoltDriver)
            assert type(drv.dialect) is dialect
            assert drv.backend == name
            assert drv.uri == "bolt://db.example:7688"
            assert drv.database == "x"
            assert drv.neo4j_driver.encrypted is False
        finally:
            drv.close()
        spec = get_backend(name)
        assert spec.capabilities == drv.dialect.capabilities
        assert spec.install_hint == (
            "pip install ./packages/runic-bolt (from a runic checkout; not on PyPI)"
        )


async def test_registry_builds_async_drivers() -> None:
    drv = create_async_driver("memgraph", host="localhost")
    try:
        assert isinstance(drv, AsyncBoltDriver)
        assert drv.uri == "bolt://localhost:7687"
        assert drv.database is None
    finally:
        await drv.close()


def test_entry_points_are_installed() -> None:
    found = {b.name: b for b in available_backends() if b.distribution == "runic-bolt"}
    assert sorted(found) == ["arcadedb", "memgraph", "neo4j"]
    assert {b.entry_point for b in found.values()} == {"runic.bolt.plugin"}


def test_seed_signatures() -> None:
    neo = create_driver(
        "neo4j",
        host="localhost",
        port=7687,
        database="neo4j",
        username="neo4j",
        password="secret",
        encrypted=True,
    )
    mem = create_driver(
        "memgraph", host="localhost", port=7687, database="memgraph", username="", password=""
    )
    direct = BoltDriver("bolt://localhost:7687", ("neo4j", "pw"), "neo4j", Neo4jDialect())
    try:
        assert neo.neo4j_driver.encrypted is True
        assert mem.neo4j_driver.encrypted is False
        assert direct.neo4j_driver.encrypted is True  # the class defaults to TLS
        assert direct.database == "neo4j"
    finally:
        for drv in (neo, mem, direct):
            drv.close()


def test_seed_import_paths(settings: dict[str, Any]) -> None:
    from runic.ogm.driver import arcadedb as seed_arcadedb
    from runic.ogm.driver import bolt as seed_bolt
    from runic.ogm.driver.factory import create_driver as seed_create_driver

    assert seed_bolt.BoltDriver is runic.bolt.BoltDriver
    assert seed_arcadedb.ArcadeDBDialect is runic.bolt.ArcadeDBDialect
    drv = seed_arcadedb.create_arcadedb_driver(
        settings["host"],
        settings["port"],
        settings["database"],
        settings["username"],
        settings["password"],
    )
    other = seed_create_driver("arcadedb", **settings)
    try:
        assert drv.execute("RETURN 41 + 1 AS x").scalar() == 42
        assert other.execute("RETURN 1 AS x").scalar() == 1
    finally:
        drv.close()
        other.close()


def test_named_factories_and_routing() -> None:
    neo = create_neo4j_driver("graph.example", password="pw", routing=True)
    mem = create_memgraph_driver(uri="bolt+ssc://10.0.0.1:7000")
    try:
        assert neo.uri == "neo4j://graph.example:7687"
        assert isinstance(neo.neo4j_driver, neo4j.Neo4jDriver)  # the routing driver
        assert mem.uri == "bolt+ssc://10.0.0.1:7000"
        assert mem.endpoint == "bolt+ssc://10.0.0.1:7000"
    finally:
        neo.close()
        mem.close()


async def test_async_named_factory() -> None:
    drv = create_async_neo4j_driver("::1", 7690, "db", password="pw")
    try:
        assert drv.uri == "bolt://[::1]:7690"
        assert repr(drv) == "<AsyncBoltDriver neo4j at bolt://[::1]:7690 database='db'>"
    finally:
        await drv.close()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"backend": "neo5j"}, r"unknown Bolt backend 'neo5j'; use one of neo4j, memgraph"),
        ({"backend": "arcadedb"}, r"\[arcadedb\] database= is required"),
        ({"uri": "bolt://h:1", "host": "h"}, r"pass either uri= or host=/port=, not both"),
        ({"uri": "http://h:1"}, r"unsupported URI scheme in 'http://h:1'"),
        ({"uri": "bolt://u:p@h:1"}, r"put credentials in auth="),
        ({"uri": "bolt+s://h:1", "encrypted": False}, r"bolt\+s:// always uses TLS but encrypted"),
        ({"uri": "neo4j://h:1", "routing": True}, r"routing=True only applies to host="),
        ({"port": 70000}, r"port must be an integer 1-65535, got 70000"),
        ({"host": "a/b"}, r"host must be a host name or address"),
        ({"database": ""}, r"database must be a non-empty string"),
        ({"bogus_option": 1}, r"\[neo4j\] invalid driver configuration: .*bogus_option"),
    ],
)
def test_settings_errors(kwargs: dict[str, Any], message: str) -> None:
    args = {"backend": "neo4j", **kwargs}
    with pytest.raises(BoltSettingsError, match=message):
        create_bolt_driver(**args)


def test_driver_argument_errors() -> None:
    with pytest.raises(BoltSettingsError, match="auth must be a"):
        BoltDriver("bolt://h:1", "user:pw", None, Neo4jDialect())
    with pytest.raises(BoltSettingsError, match=r"dialect must be a runic\.bolt dialect"):
        BoltDriver("bolt://h:1", None, None, "neo4j")  # type: ignore[arg-type]
    with pytest.raises(BoltSettingsError, match="encrypted must be True, False or None"):
        BoltDriver("bolt://h:1", None, None, None, encrypted="yes")  # type: ignore[arg-type]
    # A dialect class is accepted too; no dialect means Neo4j.
    with BoltDriver("bolt://h:1", None, None, MemgraphDialect) as mem:
        assert mem.backend == "memgraph"
    with BoltDriver("bolt://h:1") as default:
        assert default.backend == "neo4j"
    assert default.closed


def test_the_plugin_loads_without_the_neo4j_driver() -> None:
    import subprocess
    import sys

    script = (
        "import sys, runic.bolt.plugin; "
        "print(sorted(m for m in sys.modules if m == 'neo4j' or m.startswith('runic.bolt.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    # the declared capabilities come along; the dialects and the neo4j client do not
    assert done.stdout.strip() == "['runic.bolt.capabilities', 'runic.bolt.plugin']"
    assert sorted(runic.bolt.__all__) == sorted(runic.bolt._WHERE)
    assert all(getattr(runic.bolt, name) is not None for name in runic.bolt.__all__)


def test_user_agent_names_the_installed_version() -> None:
    import importlib.metadata

    from runic.bolt._base import prepare
    from runic.bolt.dialect import Neo4jDialect
    from runic.ogm.driver.timeouts import (
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_MAX_RETRIES,
        DEFAULT_QUERY_TIMEOUT,
        DEFAULT_RETRY_BACKOFF,
    )

    timeouts = {
        "connect_timeout": DEFAULT_CONNECT_TIMEOUT,
        "query_timeout": DEFAULT_QUERY_TIMEOUT,
        "max_retries": DEFAULT_MAX_RETRIES,
        "retry_backoff": DEFAULT_RETRY_BACKOFF,
    }
    setup = prepare("bolt://127.0.0.1:7687", None, None, Neo4jDialect(), None, {}, timeouts)
    assert setup.config["user_agent"] == f"runic-bolt/{importlib.metadata.version('runic-bolt')}"


def test_registry_names_an_unknown_keyword_with_a_close_match() -> None:
    from runic.ogm.registry import BackendSettingsError, create_driver

    with pytest.raises(BackendSettingsError) as info:
        create_driver("neo4j", max_conection_pool_size=5)
    message = str(info.value)
    assert message.startswith(
        "create_driver('neo4j', ...) got the unknown keyword 'max_conection_pool_size' "
        "(did you mean 'max_connection_pool_size'?); graph backend 'neo4j' accepts: "
    ), message
    assert "connection_timeout, " in message and "uri, " in message


def test_capabilities_are_declared_once() -> None:
    """The registry's spec and the dialect read the same declaration."""
    from runic.bolt import capabilities
    from runic.bolt.dialect import ArcadeDBDialect, MemgraphDialect, Neo4jDialect

    for name, dialect, caps in [
        ("neo4j", Neo4jDialect, capabilities.NEO4J),
        ("memgraph", MemgraphDialect, capabilities.MEMGRAPH),
        ("arcadedb", ArcadeDBDialect, capabilities.ARCADEDB),
    ]:
        assert get_backend(name).capabilities is caps is dialect.capabilities
