"""Requests over the server's size limit, and connections lost during a write (issue 12.9).

A private server per test module with ``proto-max-bulk-len`` lowered to Redis'
minimum (1 MB), so a statement over the limit stays small and fast to build.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest
import redis
from session_models import Company

from runic.falkordb import AsyncFalkorDBDriver, EmbeddedFalkorDB, FalkorDBDriver
from runic.falkordb._errors import RequestTooLargeError
from runic.ogm import AsyncSession, ConnectionFailedError, Session

LIMIT = 1024 * 1024


@pytest.fixture(scope="module")
def small_server() -> Iterator[EmbeddedFalkorDB]:
    with EmbeddedFalkorDB() as server:
        client = redis.Redis(unix_socket_path=server.unix_socket_path)
        client.config_set("proto-max-bulk-len", LIMIT)
        client.close()
        yield server


def _companies(n: int) -> list[Company]:
    return [Company(id=f"c{i}", name="n" * 1000) for i in range(n)]


def _expected(size_pattern: str, server: EmbeddedFalkorDB) -> str:
    return (
        f"[falkordb] this write statement is {size_pattern} bytes, over the FalkorDB "
        f"server's limit of 1,048,576 bytes for one request (proto-max-bulk-len) at unix "
        f"socket {server.unix_socket_path}; nothing was sent. Flush in smaller batches "
        "(call session.flush() or commit() every few thousand entities), or raise "
        "proto-max-bulk-len on the server"
    )


def test_flush_over_the_limit_names_size_and_limit(small_server: EmbeddedFalkorDB) -> None:
    driver = FalkorDBDriver.from_settings(small_server.connection_settings(), "limits_sync")
    try:
        session = Session(driver)
        session.add_all(_companies(2000))
        with pytest.raises(RequestTooLargeError) as info:
            session.flush()
        session.close()
        message = str(info.value)
        size = message.split(" statement is ")[1].split(" bytes")[0]
        assert int(size.replace(",", "")) > LIMIT
        assert message == _expected(size, small_server)
        assert "cannot connect" not in message
        # Nothing was written, and the same driver still works: smaller batches pass.
        assert driver.execute("MATCH (n) RETURN count(n)").scalar() == 0
        with Session(driver) as session:
            for start in range(0, 2000, 500):
                session.add_all(_companies(2000)[start : start + 500])
                session.flush()
            session.commit()
        assert driver.execute("MATCH (n:SCompany) RETURN count(n)").scalar() == 2000
    finally:
        driver.delete_graph()
        driver.close()


async def test_async_flush_over_the_limit(small_server: EmbeddedFalkorDB) -> None:
    driver = AsyncFalkorDBDriver.from_settings(small_server.connection_settings(), "limits_a")
    try:
        session = AsyncSession(driver)
        session.add_all(_companies(2000))
        with pytest.raises(RequestTooLargeError, match=r"over the FalkorDB server's limit"):
            await session.flush()
        await session.close()
        assert (await driver.execute("MATCH (n) RETURN count(n)")).scalar() == 0
    finally:
        await driver.delete_graph()
        await driver.close()


def test_statement_under_the_limit_is_sent(small_server: EmbeddedFalkorDB) -> None:
    # 900 KB of text: measured (over 256 K characters) but under the 1 MB limit.
    driver = FalkorDBDriver.from_settings(small_server.connection_settings(), "limits_ok")
    try:
        driver.execute("CREATE (:Blob {v: $v})", {"v": "x" * 900_000})
        assert driver.execute("MATCH (b:Blob) RETURN size(b.v)").scalar() == 900_000
    finally:
        driver.delete_graph()
        driver.close()


def test_connection_lost_during_a_write_says_the_outcome_is_unknown() -> None:
    with EmbeddedFalkorDB() as server:
        driver = FalkorDBDriver.from_settings(server.connection_settings(), "lost")
        try:
            assert driver.ping()
            pid = server.pid
            assert pid is not None

            def kill_soon() -> None:
                time.sleep(0.5)
                os.kill(pid, signal.SIGKILL)

            killer = threading.Thread(target=kill_soon)
            killer.start()
            try:
                with pytest.raises(ConnectionFailedError) as info:
                    # A write that runs for seconds: the server dies while it runs.
                    driver.execute(
                        "UNWIND range(1, 2000000000) AS x WITH x WHERE x < 0 CREATE (:N)"
                    )
            finally:
                killer.join()
            message = str(info.value)
            assert message.startswith(
                f"the connection to FalkorDB at unix socket {server.unix_socket_path} was lost "
                "after a write was sent ("
            ), message
            assert message.endswith(
                "): the outcome of this write is unknown (FalkorDB applies a statement whole "
                "or not at all, and may or may not have applied it). Read the graph to see "
                "whether it was applied before retrying"
            ), message
            assert "cannot connect" not in message
        finally:
            driver.close()


async def test_async_connection_lost_during_a_write_says_the_outcome_is_unknown() -> None:
    with EmbeddedFalkorDB() as server:
        driver = AsyncFalkorDBDriver.from_settings(server.connection_settings(), "lost")
        try:
            assert await driver.ping()
            pid = server.pid
            assert pid is not None
            killer = threading.Timer(0.5, os.kill, (pid, signal.SIGKILL))
            killer.start()
            try:
                with pytest.raises(ConnectionFailedError) as info:
                    await driver.execute(
                        "UNWIND range(1, 2000000000) AS x WITH x WHERE x < 0 CREATE (:N)"
                    )
            finally:
                killer.join()
            assert "was lost after a write was sent (" in str(info.value)
            assert "the outcome of this write is unknown" in str(info.value)
        finally:
            await driver.close()


def test_bulk_limit_reply_forms_and_fallback() -> None:
    # CONFIG GET answers a dict (redis-py's parser) or a flat list; a refused or odd
    # reply (CONFIG disabled on managed servers) falls back to Redis' 512 MB default.
    parse = FalkorDBDriver._parse_bulk_limit
    assert parse({"proto-max-bulk-len": "2097152"}) == 2 * LIMIT
    assert parse(["proto-max-bulk-len", "2097152"]) == 2 * LIMIT
    assert parse(None) == parse([]) == parse({"x": "junk"}) == 512 * LIMIT
