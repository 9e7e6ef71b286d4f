"""Registration with runic's backend registry through the runic.backends entry point."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from runic.falkordb import (
    AsyncFalkorDBDriver,
    EmbeddedFalkorDB,
    FalkorDBDriver,
    FalkorDBSettingsError,
)
from runic.falkordb.plugin import CAPABILITIES
from runic.ogm.driver.protocols import Capability
from runic.ogm.registry import (
    ENTRY_POINT_GROUP,
    BackendRegistry,
    BackendSettingsError,
    available_backends,
)


@pytest.fixture
def registry() -> BackendRegistry:
    return BackendRegistry(entry_point_group=ENTRY_POINT_GROUP)


def test_entry_point_is_declared() -> None:
    (ep,) = [e for e in entry_points(group="runic.backends") if e.name == "falkordb"]
    assert ep.value == "runic.falkordb.plugin"
    info = [b for b in available_backends() if b.name == "falkordb"]
    assert [(b.distribution, b.entry_point) for b in info] == [
        ("runic-falkordb", "runic.falkordb.plugin")
    ]


def test_spec(registry: BackendRegistry) -> None:
    spec = registry.get("falkordb")
    assert spec.name == "falkordb"
    assert registry.get("FalkorDB") is spec and registry.get("falkor") is spec
    assert spec.supports_async
    assert spec.capabilities == CAPABILITIES
    assert Capability.TRANSACTIONS not in spec.capabilities
    assert "pip install ./packages/runic-falkordb (from a runic checkout" in spec.install_hint


def test_create_driver_with_host_and_port(registry: BackendRegistry) -> None:
    with EmbeddedFalkorDB(unix_socket=False) as server:
        drv = registry.create_driver(
            "falkordb", host="127.0.0.1", port=server.port, graph="plugin_graph"
        )
        assert isinstance(drv, FalkorDBDriver)
        assert drv.graph_name == "plugin_graph" and drv.endpoint == f"127.0.0.1:{server.port}"
        assert drv.execute("RETURN 5").scalar() == 5
        drv.close()


def test_create_driver_without_host_is_embedded(registry: BackendRegistry) -> None:
    drv = registry.create_driver("falkordb")
    try:
        assert isinstance(drv, FalkorDBDriver)
        assert drv.graph_name == "runic"
        assert drv.embedded_server is not None
        assert drv.execute("RETURN 1").scalar() == 1
    finally:
        drv.delete_graph()
        drv.close()


async def test_create_async_driver(registry: BackendRegistry) -> None:
    drv = registry.create_async_driver("falkordb", graph="async_plugin")
    try:
        assert isinstance(drv, AsyncFalkorDBDriver)
        assert (await drv.execute("RETURN 1")).scalar() == 1
    finally:
        await drv.delete_graph()
        await drv.close()


def test_factory_errors_are_runic_errors(registry: BackendRegistry) -> None:
    from runic.falkordb import FalkorDBSettingsError

    with pytest.raises(FalkorDBSettingsError, match="got the unknown keyword 'databse'"):
        FalkorDBDriver.connect(host="localhost", databse="x")


_FALKORDB_KEYWORDS = (
    "connect_timeout, data_dir, graph, host, max_connections, max_retries, password, "
    "pool_min, pool_size, pool_timeout, port, query_timeout, retry_backoff, ssl, "
    "ssl_ca_certs, ssl_certfile, ssl_keyfile, unix_socket_path, url, username"
)


@pytest.mark.parametrize("address", [{}, {"host": "localhost"}])
def test_unknown_keyword_names_backend_keyword_and_close_match(
    registry: BackendRegistry, address: dict[str, str]
) -> None:
    # Seed 003 users write pool sizes as they know them from other clients: the
    # error names the backend, the keyword, a close match and every accepted one.
    for create, call in (
        (registry.create_driver, "create_driver"),
        (registry.create_async_driver, "create_async_driver"),
    ):
        with pytest.raises(BackendSettingsError) as info:
            create("falkordb", max_pool_size=10, **address)
        assert str(info.value) == (
            f"{call}('falkordb', ...) got the unknown keyword 'max_pool_size' (did you mean "
            f"'pool_size'?); graph backend 'falkordb' accepts: {_FALKORDB_KEYWORDS}"
        )
        assert isinstance(info.value, TypeError)


def test_embedded_factory_names_unknown_keyword() -> None:
    with pytest.raises(FalkorDBSettingsError) as info:
        FalkorDBDriver.embedded(max_conections=3)
    assert str(info.value).startswith(
        "the falkordb driver got the unknown keyword 'max_conections' (did you mean "
        "'max_connections'?); graph backend 'falkordb' accepts: "
    )


def test_capabilities_are_declared_once() -> None:
    from runic.falkordb.capabilities import FALKORDB
    from runic.falkordb.dialect import FalkorDBDialect
    from runic.ogm.registry import get_backend

    assert get_backend("falkordb").capabilities is FALKORDB is FalkorDBDialect.capabilities
