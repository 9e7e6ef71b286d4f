"""Timeouts, restarts and transient errors on a real ArcadeDB server over Bolt.

The tests that stop (SIGSTOP) or restart the server run on one of their own,
started here and stopped by pid; the others use the session's server.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from bolt_arcadedb_server import ArcadeDBServer  # type: ignore[import-not-found]

from runic.bolt import BoltDriver, create_arcadedb_driver, create_async_arcadedb_driver
from runic.bolt.factories import create_bolt_driver
from runic.ogm.exceptions import (
    ConnectionFailedError,
    QueryExecutionError,
    QueryTimeoutError,
    TransientError,
)


@pytest.fixture(scope="module")
def own_server() -> Iterator[ArcadeDBServer]:
    """An ArcadeDB server of this module only (it gets stopped and restarted)."""
    server = ArcadeDBServer().start()
    try:
        yield server
    finally:
        if server.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(server.pid, signal.SIGCONT)
        server.stop()


@pytest.fixture
def own(own_server: ArcadeDBServer) -> Iterator[dict[str, Any]]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    own_server.create_database(name)
    yield {
        "host": "127.0.0.1",
        "port": own_server.bolt_port,
        "database": name,
        "username": own_server.user,
        "password": own_server.password,
    }
    with contextlib.suppress(Exception):
        own_server.drop_database(name)


@contextlib.contextmanager
def stopped(server: ArcadeDBServer) -> Iterator[None]:
    """SIGSTOP the server; SIGCONT it after."""
    assert server.pid is not None
    os.kill(server.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(server.pid, signal.SIGCONT)


@pytest.fixture
def mute_port() -> Iterator[int]:
    """A port that accepts connections and never sends a byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    accepted: list[socket.socket] = []
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            with contextlib.suppress(TimeoutError):
                accepted.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    done.set()
    thread.join(2)
    for conn in accepted:
        conn.close()
    listener.close()


# -- connecting ------------------------------------------------------------------------


def test_mute_server_fails_within_connect_timeout(mute_port: int) -> None:
    with create_arcadedb_driver(
        host="127.0.0.1", port=mute_port, database="db", connect_timeout=1
    ) as driver:
        started = time.monotonic()
        with pytest.raises(ConnectionFailedError) as info:
            driver.execute("RETURN 1 AS one")
        assert time.monotonic() - started < 3
    message = str(info.value)
    assert f"arcadedb at bolt://127.0.0.1:{mute_port}" in message
    assert "connect_timeout=1 s" in message


async def test_mute_server_fails_within_connect_timeout_async(mute_port: int) -> None:
    driver = create_async_arcadedb_driver(
        host="127.0.0.1", port=mute_port, database="db", connect_timeout=1
    )
    started = time.monotonic()
    try:
        with pytest.raises(ConnectionFailedError, match="connect_timeout=1 s"):
            await driver.execute("RETURN 1 AS one")
    finally:
        await driver.close()
    assert time.monotonic() - started < 3


# -- a stopped server ------------------------------------------------------------------
# (liveness_check_timeout=30: a slow machine must not make the pool check the idle
# connection first, which would time out too and then wait connect_timeout for a new one)


def test_stopped_server_times_out(own: dict[str, Any], own_server: ArcadeDBServer) -> None:
    with create_arcadedb_driver(**own, query_timeout=1, liveness_check_timeout=30) as driver:
        driver.execute("CREATE (:T {v: 1})")
        with stopped(own_server):
            started = time.monotonic()
            with pytest.raises(QueryTimeoutError) as info:
                driver.execute("MATCH (n:T) RETURN n.v AS v", write=False)
            elapsed = time.monotonic() - started
        assert 0.9 < elapsed < 4  # the client waits 1.5 s
        error = info.value
        assert isinstance(error, QueryExecutionError) and error.timeout == 1
        assert f"at bolt://127.0.0.1:{own['port']}" in str(error)
        assert "query_timeout=1 s" in str(error) and "outcome is unknown" in str(error)
        # the timed-out connection was closed: the next statement gets a fresh one
        assert driver.execute("MATCH (n:T) RETURN n.v AS v", write=False).scalar() == 1


def test_stopped_server_in_a_transaction(own: dict[str, Any], own_server: ArcadeDBServer) -> None:
    with create_arcadedb_driver(**own, query_timeout=1, liveness_check_timeout=30) as driver:
        driver.execute("CREATE (:T {v: 1})")
        tx = driver.begin()
        tx.execute("CREATE (:T {v: 2})")
        with stopped(own_server), pytest.raises(QueryTimeoutError, match="rolled back"):
            tx.execute("MATCH (n:T) RETURN count(n) AS c")
        tx.rollback()  # harmless: already ended
        assert driver.execute("MATCH (n:T) RETURN count(n) AS c").scalar() == 1


async def test_stopped_server_times_out_async(
    own: dict[str, Any], own_server: ArcadeDBServer
) -> None:
    driver = create_async_arcadedb_driver(**own, query_timeout=1, liveness_check_timeout=30)
    try:
        await driver.execute("CREATE (:T {v: 1})")
        with stopped(own_server):
            started = time.monotonic()
            with pytest.raises(QueryTimeoutError, match="query_timeout=1 s"):
                await driver.execute("MATCH (n:T) RETURN n.v AS v", write=False)
            elapsed = time.monotonic() - started
        assert 0.9 < elapsed < 4  # the client waits 1.5 s
        tx = await driver.begin()
        await tx.execute("CREATE (:T {v: 2})")
        with stopped(own_server), pytest.raises(QueryTimeoutError, match="rolled back"):
            await tx.execute("MATCH (n:T) RETURN count(n) AS c")
        await tx.rollback()
        result = await driver.execute("MATCH (n:T) RETURN count(n) AS c")
        assert result.scalar() == 1
    finally:
        await driver.close()


# -- a restarted server ----------------------------------------------------------------


def test_first_statement_after_a_restart_succeeds(
    own: dict[str, Any], own_server: ArcadeDBServer
) -> None:
    sync_driver = create_arcadedb_driver(**own)
    async_driver = create_async_arcadedb_driver(**own)
    try:
        sync_driver.execute("CREATE (:T {v: 1})")

        async def first_async() -> Any:
            return (await async_driver.execute("MATCH (n:T) RETURN n.v AS v")).scalar()

        import asyncio

        loop = asyncio.new_event_loop()
        try:
            assert loop.run_until_complete(first_async()) == 1
            own_server.restart()
            # pooled connections to the old process are found dead before use
            assert sync_driver.execute("MATCH (n:T) RETURN n.v AS v").scalar() == 1
            assert loop.run_until_complete(first_async()) == 1
        finally:
            loop.run_until_complete(async_driver.close())
            loop.close()
    finally:
        sync_driver.close()


# -- transient errors ------------------------------------------------------------------


def _conflict(driver: BoltDriver) -> TransientError:
    """Two transactions change one node; the second commit loses (a real conflict)."""
    driver.execute("CREATE (:N {k: 'a', v: 0})")
    first, second = driver.begin(), driver.begin()
    first.execute("MATCH (n:N {k: 'a'}) SET n.v = 1")
    second.execute("MATCH (n:N {k: 'a'}) SET n.v = 2")
    first.commit()
    with pytest.raises(TransientError) as info:
        second.commit()
    return info.value


def test_a_write_conflict_is_a_transient_error(driver: BoltDriver) -> None:
    error = _conflict(driver)
    assert isinstance(error, QueryExecutionError)  # existing handlers still catch it
    assert error.code == "Neo.TransientError.Transaction.DeadlockDetected"
    assert "concurrent change to the same record" in str(error)
    assert "the transaction was rolled back; run it again" in str(error)
    assert driver.execute("MATCH (n:N {k: 'a'}) RETURN n.v AS v").scalar() == 1


def test_execute_retries_transient_errors_with_back_off(
    driver: BoltDriver, settings: dict[str, Any]
) -> None:
    cause = _conflict(driver).__cause__
    assert cause is not None  # the neo4j driver's own TransientError from the server
    delays = [driver._retry_delay(cause, attempt) for attempt in (1, 2, 3, 4)]
    assert all(d is not None for d in delays[:3]) and delays[3] is None  # max_retries=3
    assert 0.025 <= (delays[0] or 0) <= 0.05 and 0.05 <= (delays[1] or 0) <= 0.1
    assert driver._retry_delay(ValueError("not transient"), 1) is None
    with create_bolt_driver("arcadedb", **settings, max_retries=0) as no_retry:
        assert no_retry._retry_delay(cause, 1) is None


def test_invalid_timeouts_are_named(settings: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"\[arcadedb\] query_timeout=-1 is invalid"):
        create_arcadedb_driver(**settings, query_timeout=-1)
    with pytest.raises(ValueError, match="retry_backoff='x' is invalid"):
        create_arcadedb_driver(**settings, retry_backoff="x")
