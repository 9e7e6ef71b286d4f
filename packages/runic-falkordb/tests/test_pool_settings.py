"""pool_size / pool_timeout / pool_min: runic's one spelling, on a real FalkorDB server."""

from __future__ import annotations

import asyncio
import time

import pytest

from runic.falkordb import create_async_falkordb_driver, create_falkordb_driver
from runic.falkordb.embedded import EmbeddedFalkorDB
from runic.falkordb.settings import FalkorDBSettingsError
from runic.ogm import ConnectionFailedError, create_async_driver, create_driver
from runic.ogm.registry import BackendSettingsError

SLOW = "UNWIND range(1, 400000) AS x RETURN count(x) AS n"


def test_pool_size_and_pool_timeout_set_the_redis_pool(
    server: EmbeddedFalkorDB, graph_name: str
) -> None:
    with create_driver(
        "falkordb", unix_socket_path=server.unix_socket_path, graph=graph_name, pool_size=1,
        pool_timeout=0.3,
    ) as drv:  # fmt: skip
        pool = drv.db.connection.connection_pool
        assert (pool.max_connections, pool.timeout) == (1, 0.3)
        held = pool.get_connection()
        started = time.monotonic()
        try:
            with pytest.raises(ConnectionFailedError) as caught:
                drv.execute("RETURN 1")
        finally:
            pool.release(held)
        assert time.monotonic() - started < 2.0
        assert "no pooled connection to FalkorDB" in str(caught.value)
        assert "raise pool_size= or pool_timeout=" in str(caught.value)
        assert drv.execute("RETURN 1").scalar() == 1


async def test_pool_size_1_serves_two_concurrent_async_queries(
    server: EmbeddedFalkorDB, graph_name: str
) -> None:
    drv = create_async_driver(
        "falkordb", unix_socket_path=server.unix_socket_path, graph=graph_name, pool_size=1
    )
    try:
        first, second = await asyncio.gather(drv.execute(SLOW), drv.execute(SLOW))
        assert first.scalar() == second.scalar() == 400000
        assert drv.db.connection_pool.max_connections == 1  # type: ignore[attr-defined]
    finally:
        await drv.close()


async def test_async_pool_timeout_reached_is_a_clear_error(
    server: EmbeddedFalkorDB, graph_name: str
) -> None:
    drv = create_async_falkordb_driver(
        graph=graph_name,
        unix_socket_path=server.unix_socket_path,
        pool_size=1,
        pool_timeout=0.3,
    )
    try:
        pool = drv.db.connection_pool
        held = await pool.get_connection()
        try:
            with pytest.raises(ConnectionFailedError, match="raise pool_size= or pool_timeout="):
                await drv.execute("RETURN 1")
        finally:
            await pool.release(held)
        assert (await drv.execute("RETURN 1")).scalar() == 1
    finally:
        await drv.close()


def test_the_embedded_server_takes_pool_size_too(graph_name: str) -> None:
    with create_falkordb_driver(graph=graph_name, pool_size=2) as drv:
        assert drv.db.connection.connection_pool.max_connections == 2
        assert drv.execute("RETURN 2").scalar() == 2


def test_pool_min_is_refused_with_the_reason() -> None:
    with pytest.raises(BackendSettingsError, match=r"\[falkordb\] pool_min= is not supported"):
        create_driver("falkordb", host="127.0.0.1", pool_min=1)
    with pytest.raises(BackendSettingsError, match="keeps no minimum; drop pool_min="):
        create_async_falkordb_driver("127.0.0.1", pool_min=2)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pool_size": 0}, r"pool_size=0 is invalid; pass an int >= 1"),
        ({"pool_size": "4"}, r"pool_size='4' is invalid"),
        ({"pool_timeout": 0}, r"pool_timeout=0 is invalid"),
        ({"pool_size": 2, "max_connections": 3}, r"pass pool_size= or max_connections="),
    ],
)
def test_bad_pool_settings_are_named(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(FalkorDBSettingsError, match=message):
        create_driver("falkordb", host="127.0.0.1", **kwargs)


def test_a_misspelt_pool_keyword_suggests_the_spelling() -> None:
    with pytest.raises(BackendSettingsError, match="did you mean 'pool_size'"):
        create_driver("falkordb", host="127.0.0.1", pool_sise=2)
