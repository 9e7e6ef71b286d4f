"""Timeouts on real servers: a mute listener, a stopped (SIGSTOP) FalkorDB; retries."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from redis import exceptions as redis_errors

from runic.falkordb import EmbeddedFalkorDB
from runic.falkordb._errors import is_transient, translate_error
from runic.ogm import create_async_driver, create_driver
from runic.ogm.exceptions import (
    ConnectionFailedError,
    QueryExecutionError,
    QueryTimeoutError,
    TransientError,
)


@pytest.fixture
def mute_port() -> Iterator[int]:
    """A port that accepts connections and never sends a byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    port: int = listener.getsockname()[1]
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield port
    stop.set()
    thread.join(2)
    for conn in accepted:
        conn.close()
    listener.close()


@pytest.fixture
def stoppable() -> Iterator[EmbeddedFalkorDB]:
    """A FalkorDB server of this test only, resumed (SIGCONT) and stopped by pid after it."""
    server = EmbeddedFalkorDB(unix_socket=False).start()
    try:
        yield server
    finally:
        if server.pid is not None:
            os.kill(server.pid, signal.SIGCONT)
        server.stop()


def test_mute_server_fails_within_connect_timeout(mute_port: int) -> None:
    started = time.monotonic()
    with pytest.raises(ConnectionFailedError) as info:
        create_driver("falkordb", host="127.0.0.1", port=mute_port, connect_timeout=1)
    assert time.monotonic() - started < 4  # 1 s, plus loading the plugins on first use
    message = str(info.value)
    assert f"FalkorDB at 127.0.0.1:{mute_port}" in message
    assert "connect_timeout=1" in message


async def test_mute_server_fails_within_connect_timeout_async(mute_port: int) -> None:
    driver = create_async_driver("falkordb", host="127.0.0.1", port=mute_port, connect_timeout=1)
    started = time.monotonic()
    try:
        with pytest.raises(ConnectionFailedError, match=rf"127\.0\.0\.1:{mute_port}.*connect_t"):
            await driver.execute("RETURN 1")
    finally:
        await driver.close()
    assert time.monotonic() - started < 4


def test_stopped_server_times_out_and_the_driver_recovers(stoppable: EmbeddedFalkorDB) -> None:
    assert stoppable.pid is not None
    with create_driver(
        "falkordb", host=stoppable.host, port=stoppable.port, graph="g", query_timeout=1
    ) as driver:
        driver.execute("CREATE (:T {v: 1})")
        os.kill(stoppable.pid, signal.SIGSTOP)
        started = time.monotonic()
        try:
            with pytest.raises(QueryTimeoutError) as info:
                driver.execute("MATCH (n:T) RETURN n.v", write=False)
            elapsed = time.monotonic() - started
        finally:
            os.kill(stoppable.pid, signal.SIGCONT)
        assert 0.9 < elapsed < 4  # the client waits 1.5 s
        error = info.value
        assert isinstance(error, QueryExecutionError) and isinstance(error, TimeoutError)
        assert error.timeout == 1 and error.setting == "query_timeout"
        assert f"FalkorDB at {stoppable.host}:{stoppable.port}" in str(error)
        assert "query_timeout=1 s" in str(error)
        # the timed-out connection was dropped: the next query gets a fresh one
        assert driver.execute("MATCH (n:T) RETURN n.v", write=False).scalar() == 1


async def test_stopped_server_times_out_async(stoppable: EmbeddedFalkorDB) -> None:
    assert stoppable.pid is not None
    driver = create_async_driver(
        "falkordb", host=stoppable.host, port=stoppable.port, graph="g", query_timeout=1
    )
    try:
        await driver.execute("CREATE (:T {v: 1})")
        os.kill(stoppable.pid, signal.SIGSTOP)
        started = time.monotonic()
        try:
            with pytest.raises(QueryTimeoutError, match="query_timeout=1 s"):
                await driver.execute("MATCH (n:T) RETURN n.v", write=False)
            elapsed = time.monotonic() - started
        finally:
            os.kill(stoppable.pid, signal.SIGCONT)
        assert 0.9 < elapsed < 4  # the client waits 1.5 s
        assert (await driver.execute("MATCH (n:T) RETURN n.v", write=False)).scalar() == 1
    finally:
        await driver.close()


def test_query_timeout_none_disables_the_limit(stoppable: EmbeddedFalkorDB) -> None:
    driver = create_driver(
        "falkordb", host=stoppable.host, port=stoppable.port, graph="g", query_timeout=None
    )
    try:
        assert driver.execute("RETURN 1").scalar() == 1
        pool = driver._owned.pool if driver._owned is not None else None
        assert pool is not None and pool.connection_kwargs["socket_timeout"] is None
    finally:
        driver.close()


@pytest.mark.parametrize(
    "error",
    [
        redis_errors.BusyLoadingError("Redis is loading the dataset in memory"),
        redis_errors.ResponseError("Max pending queries exceeded"),
    ],
)
def test_refusals_before_running_are_transient(error: Exception) -> None:
    assert is_transient(error)
    mapped = translate_error(error, endpoint="h:1", cypher="RETURN 1")
    assert isinstance(mapped, TransientError) and isinstance(mapped, QueryExecutionError)
    assert "running it again is safe" in str(mapped)


def test_other_errors_are_not_transient() -> None:
    assert not is_transient(redis_errors.ResponseError("Division by zero"))
    assert not is_transient(redis_errors.ConnectionError("Broken pipe"))


def test_invalid_timeouts_are_named() -> None:
    with pytest.raises(ValueError, match="query_timeout=0 is invalid"):
        create_driver("falkordb", host="127.0.0.1", port=1, query_timeout=0)
    with pytest.raises(ValueError, match="max_retries=-1 is invalid"):
        create_driver("falkordb", host="127.0.0.1", port=1, max_retries=-1)


def test_a_server_timeout_max_below_query_timeout_is_respected() -> None:
    with EmbeddedFalkorDB() as server:
        driver = create_driver(
            "falkordb", unix_socket_path=server.unix_socket_path, graph="g", query_timeout=60
        )
        try:
            driver.graph.execute_command("GRAPH.CONFIG", "SET", "TIMEOUT_MAX", 1000)
            # 60 s is over the server's TIMEOUT_MAX: runic sends no TIMEOUT argument, so
            # the server does not refuse the query (its own limit applies)
            assert driver.execute("RETURN 1 AS one").scalar() == 1
            assert driver.execute("RETURN 2 AS two", write=False).scalar() == 2
        finally:
            driver.close()
