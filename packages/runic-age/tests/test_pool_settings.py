"""pool_size / pool_timeout / pool_min: runic's one spelling, on a real PostgreSQL + AGE server."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from runic.age import AGESettingsError, create_age_driver, create_async_age_driver
from runic.ogm import ConnectionFailedError, create_async_driver, create_driver
from runic.ogm.registry import BackendSettingsError


def test_pool_size_min_and_timeout_set_psycopg_pool(
    age_server: dict[str, Any], graph_name: str
) -> None:
    drv = create_driver(
        "age", **age_server, graph=graph_name, create_graph=True, pool_size=1, pool_min=0,
        pool_timeout=0.5,
    )  # fmt: skip
    try:
        pool = drv._source.pool  # type: ignore[attr-defined]
        assert (pool.max_size, pool.min_size, pool.timeout) == (1, 0, 0.5)
        holder = drv.begin()  # the one pooled connection
        holder.execute("RETURN 1", columns=["one"])
        started = time.monotonic()
        with pytest.raises(ConnectionFailedError) as caught:
            drv.execute("RETURN 2", columns=["two"])
        assert time.monotonic() - started < 3.0
        assert "no pooled PostgreSQL connection" in str(caught.value)
        assert "raise pool_size= or pool_timeout=" in str(caught.value)
        holder.rollback()
        assert drv.execute("RETURN 3", columns=["three"]).scalar() == 3
        drv.drop_graph()
    finally:
        drv.close()


async def test_pool_size_1_serves_two_concurrent_async_queries(
    age_server: dict[str, Any], graph_name: str
) -> None:
    drv = create_async_driver(
        "age", **age_server, graph=graph_name, create_graph=True, pool_size=1, pool_min=1
    )
    try:
        slow = "RETURN 1 AS n"
        first, second = await asyncio.gather(
            drv.execute(slow, columns=["n"]), drv.execute("RETURN 2", columns=["n"])
        )
        assert (first.scalar(), second.scalar()) == (1, 2)
        pool = drv._source.pool  # type: ignore[attr-defined]
        assert (pool.max_size, pool.min_size) == (1, 1)
        await drv.drop_graph()  # type: ignore[attr-defined]
    finally:
        await drv.close()


async def test_async_pool_timeout_reached_is_a_clear_error(
    age_server: dict[str, Any], graph_name: str
) -> None:
    drv = create_async_age_driver(
        **age_server, graph=graph_name, create_graph=True, pool_size=1, pool_timeout=0.5
    )
    try:
        holder = await drv.begin()
        await holder.execute("RETURN 1", columns=["one"])
        with pytest.raises(ConnectionFailedError, match="raise pool_size= or pool_timeout="):
            await drv.execute("RETURN 2", columns=["two"])
        await holder.rollback()
        assert (await drv.execute("RETURN 3", columns=["three"])).scalar() == 3
        await drv.drop_graph()
    finally:
        await drv.close()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pool_size": 0}, r"pool_size=0 is invalid; pass an int >= 1"),
        ({"pool_min": -1}, r"pool_min=-1 is invalid; pass an int >= 0"),
        (
            {"pool_size": 2, "pool_min": 3},
            r"pool size \(pool_size=/max_size=2\) must be at least its minimum "
            r"\(pool_min=/min_size=3\)",
        ),
        ({"pool_size": 2, "max_size": 3}, r"pass pool_size= or max_size="),
        ({"pool_min": 2, "min_size": 3}, r"pass pool_min= or min_size="),
        ({"pool_timeout": 0}, r"pool_timeout"),
    ],
)
def test_bad_pool_settings_are_named(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(AGESettingsError, match=message):
        create_driver("age", graph="ggg", **kwargs)
    with pytest.raises(AGESettingsError, match=message):
        create_age_driver(graph="ggg", **kwargs)  # type: ignore[arg-type]


def test_a_misspelt_pool_keyword_suggests_the_spelling() -> None:
    with pytest.raises(BackendSettingsError, match="did you mean 'pool_min'"):
        create_driver("age", graph="ggg", pool_mni=2)
