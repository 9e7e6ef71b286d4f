"""pool_size / pool_timeout / pool_min: runic's one spelling, on a real ArcadeDB server."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from runic.bolt import BoltSettingsError, create_arcadedb_driver, create_async_arcadedb_driver
from runic.ogm import ConnectionFailedError, create_async_driver, create_driver
from runic.ogm.registry import BackendSettingsError


def _pool_config(drv: Any) -> tuple[int, float]:
    neo4j_driver = drv.neo4j_driver
    return (
        neo4j_driver._pool.pool_config.max_connection_pool_size,
        neo4j_driver._default_workspace_config.connection_acquisition_timeout,
    )


def test_pool_size_and_pool_timeout_set_the_neo4j_pool(settings: dict[str, Any]) -> None:
    drv = create_driver("arcadedb", **settings, pool_size=1, pool_timeout=0.5)
    try:
        assert _pool_config(drv) == (1, 0.5)
        holder = drv.begin()  # the one pooled connection
        holder.execute("RETURN 1")
        started = time.monotonic()
        with pytest.raises(ConnectionFailedError) as caught:
            drv.execute("RETURN 2")
        assert time.monotonic() - started < 3.0
        assert "no pooled connection" in str(caught.value)
        assert "raise pool_size= or pool_timeout=" in str(caught.value)
        holder.rollback()
        assert drv.execute("RETURN 3").scalar() == 3
    finally:
        drv.close()


async def test_pool_size_1_serves_two_concurrent_async_queries(settings: dict[str, Any]) -> None:
    drv = create_async_driver("arcadedb", **settings, pool_size=1, pool_timeout=10)
    try:
        first, second = await asyncio.gather(
            drv.execute("RETURN 1 AS n"), drv.execute("RETURN 2 AS n")
        )
        assert (first.scalar(), second.scalar()) == (1, 2)
        assert _pool_config(drv) == (1, 10)
    finally:
        await drv.close()


async def test_async_pool_timeout_reached_is_a_clear_error(settings: dict[str, Any]) -> None:
    drv = create_async_arcadedb_driver(**settings, pool_size=1, pool_timeout=0.5)
    try:
        holder = await drv.begin()
        await holder.execute("RETURN 1")
        with pytest.raises(ConnectionFailedError, match="raise pool_size= or pool_timeout="):
            await drv.execute("RETURN 2")
        await holder.rollback()
        assert (await drv.execute("RETURN 3")).scalar() == 3
    finally:
        await drv.close()


def test_pool_min_is_refused_with_the_reason(settings: dict[str, Any]) -> None:
    with pytest.raises(BackendSettingsError, match=r"\[arcadedb\] pool_min= is not supported"):
        create_driver("arcadedb", **settings, pool_min=1)
    with pytest.raises(BackendSettingsError, match="keeps no minimum; drop pool_min="):
        create_arcadedb_driver(**settings, pool_min=2)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pool_size": 0}, r"pool_size=0 is invalid; pass an int >= 1"),
        ({"pool_timeout": -1}, r"pool_timeout=-1 is invalid"),
        (
            {"pool_size": 2, "max_connection_pool_size": 3},
            r"pass pool_size= or max_connection_pool_size=",
        ),
        (
            {"pool_timeout": 2, "connection_acquisition_timeout": 3},
            r"pass pool_timeout= or connection_acquisition_timeout=",
        ),
    ],
)
def test_bad_pool_settings_are_named(
    settings: dict[str, Any], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(BoltSettingsError, match=message):
        create_driver("arcadedb", **settings, **kwargs)
    with pytest.raises(BoltSettingsError, match=message):
        create_async_driver("neo4j", host="localhost", **kwargs)
