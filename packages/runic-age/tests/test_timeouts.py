"""Timeouts, fast connection failures, restarts and transient errors on a real AGE server.

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
from pathlib import Path
from typing import Any

import psycopg
import pytest

from runic.age import AGEDriver, create_age_driver, create_async_age_driver
from runic.age._errors import translate_error
from runic.ogm.exceptions import (
    ConnectionFailedError,
    QueryExecutionError,
    QueryTimeoutError,
    TransientError,
)
from runic_integration import Unavailable
from runic_integration.providers.base import Server
from runic_integration.providers.local_age import LocalAGE, RootfsBuilder
from runic_integration.providers.process import free_port
from runic_integration.testing import unavailable_here


@pytest.fixture(scope="module")
def own_server() -> Iterator[Server]:
    """A PostgreSQL + AGE server of this module only (it gets stopped and restarted)."""
    try:
        server = LocalAGE().provide()
    except Unavailable as exc:
        unavailable_here(f"no local PostgreSQL + AGE server: {exc}")
        raise
    try:
        yield server
    finally:
        _resume(server)
        server.stop()


def _server_pids(server: Server) -> list[int]:
    """The postmaster and its children (each backend is its own session: no killpg)."""
    assert server.pid is not None
    pids = [server.pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(") ", 1)[1].split()
            if int(fields[1]) == server.pid:
                pids.append(int(stat.parent.name))
    return pids


def _signal_all(pids: list[int], signum: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)


def _resume(server: Server) -> None:
    if server.pid is not None:
        _signal_all(_server_pids(server), signal.SIGCONT)


@contextlib.contextmanager
def stopped(server: Server) -> Iterator[None]:
    """SIGSTOP the postmaster and every backend; SIGCONT them after."""
    pids = _server_pids(server)
    _signal_all(pids, signal.SIGSTOP)
    try:
        yield
    finally:
        _signal_all(pids, signal.SIGCONT)


@pytest.fixture
def own(own_server: Server) -> dict[str, Any]:
    return dict(own_server.settings)


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


def _graph() -> str:
    return f"t_{uuid.uuid4().hex[:16]}"


# -- connection failures are fast ------------------------------------------------------


@pytest.fixture
def password_role(age_server: dict[str, Any], raw: psycopg.Connection[Any]) -> Iterator[str]:
    """A role that must log in with a password (scram), on a local server only."""
    hba = raw.execute("SHOW hba_file").fetchone()
    assert hba is not None
    rootfs = RootfsBuilder().path
    path = rootfs / str(hba[0]).lstrip("/")
    if not path.is_file():
        pytest.skip("the server's pg_hba.conf is not reachable from here (an external server)")
    role = f"pw_{uuid.uuid4().hex[:8]}"
    original = path.read_text()
    path.write_text(f"host all {role} 127.0.0.1/32 scram-sha-256\n{original}")
    raw.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'right-password'")
    raw.execute("SELECT pg_reload_conf()")
    time.sleep(0.2)
    try:
        yield role
    finally:
        Path(path).write_text(original)
        raw.execute("SELECT pg_reload_conf()")
        raw.execute(f"DROP ROLE {role}")


def test_wrong_password_fails_at_once(age_server: dict[str, Any], password_role: str) -> None:
    settings = {**age_server, "username": password_role, "password": "wrong"}
    started = time.monotonic()
    with pytest.raises(ConnectionFailedError, match="check the username= and password="):
        create_age_driver(**settings, graph="my_graph")
    assert time.monotonic() - started < 2.5  # was 10-20 s (the pool retried until its timeout)


async def test_wrong_password_fails_at_once_async(
    age_server: dict[str, Any], password_role: str
) -> None:
    settings = {**age_server, "username": password_role, "password": "wrong"}
    driver = create_async_age_driver(**settings, graph="my_graph")
    started = time.monotonic()
    with pytest.raises(ConnectionFailedError, match="password authentication failed"):
        await driver.execute("RETURN 1 AS one", columns=["one"])
    assert time.monotonic() - started < 2.5  # was 10-20 s (the pool retried until its timeout)
    await driver.close()


def test_unknown_database_and_closed_port_fail_at_once(age_server: dict[str, Any]) -> None:
    started = time.monotonic()
    with pytest.raises(ConnectionFailedError, match="check the database= setting"):
        create_age_driver(**{**age_server, "database": "no_such_db"}, graph="my_graph")
    port = free_port()
    with pytest.raises(ConnectionFailedError, match=f"127.0.0.1:{port}/postgres"):
        create_age_driver(host="127.0.0.1", port=port, graph="my_graph")
    assert time.monotonic() - started < 2.5  # was 10-20 s (the pool retried until its timeout)


async def test_unknown_database_and_closed_port_fail_at_once_async(
    age_server: dict[str, Any],
) -> None:
    started = time.monotonic()
    for settings in ({**age_server, "database": "no_such_db"}, {"port": free_port()}):
        driver = create_async_age_driver(**settings, graph="my_graph")
        with pytest.raises(ConnectionFailedError):
            await driver.execute("RETURN 1 AS one", columns=["one"])
        await driver.close()
    assert time.monotonic() - started < 2.5  # was 10-20 s (the pool retried until its timeout)


def test_mute_server_fails_within_connect_timeout(mute_port: int) -> None:
    started = time.monotonic()
    with pytest.raises(ConnectionFailedError, match=f"127.0.0.1:{mute_port}"):
        # libpq waits whole seconds, at least 2
        create_age_driver(host="127.0.0.1", port=mute_port, graph="my_graph", connect_timeout=2)
    assert time.monotonic() - started < 4


# -- statement timeouts ----------------------------------------------------------------
# (liveness_check_timeout=30 where the server is stopped: a slow machine must not make
# the pool check the idle connection first, which would time out and wait for a new one)


def test_slow_statement_is_cancelled_by_the_server(
    age_server: dict[str, Any], graph_name: str
) -> None:
    with create_age_driver(
        **age_server, graph=graph_name, create_graph=True, query_timeout=0.2
    ) as driver:
        driver.execute("UNWIND range(1, 2000) AS i CREATE (:T {i: i})")
        started = time.monotonic()
        with pytest.raises(QueryTimeoutError, match="cancelled the statement after query_t"):
            driver.execute("MATCH (a:T), (b:T), (c:T) RETURN count(*) AS c", columns=["c"])
        assert time.monotonic() - started < 2
        # the connection is fine: the next statement runs
        assert driver.execute("RETURN 1 AS one", columns=["one"]).scalar() == 1
        driver.drop_graph()


def test_stopped_server_times_out(own: dict[str, Any], own_server: Server) -> None:
    with create_age_driver(
        **own, graph=_graph(), create_graph=True, query_timeout=1, liveness_check_timeout=30
    ) as driver:
        driver.execute("CREATE (:T {v: 1})")
        with stopped(own_server):
            started = time.monotonic()
            with pytest.raises(QueryTimeoutError) as info:
                driver.execute("MATCH (n:T) RETURN n.v AS v", columns=["v"])
            elapsed = time.monotonic() - started
        assert 0.9 < elapsed < 4  # the client waits 1.5 s
        message = str(info.value)
        assert f"PostgreSQL at {own['host']}:{own['port']}/postgres" in message
        assert "query_timeout=1 s" in message and "outcome is unknown" in message
        # the connection was closed, not returned: the next statement works
        assert driver.execute("MATCH (n:T) RETURN n.v AS v", columns=["v"]).scalar() == 1
        driver.drop_graph()


def test_stopped_server_in_a_transaction(own: dict[str, Any], own_server: Server) -> None:
    with create_age_driver(
        **own,
        graph=_graph(),
        create_graph=True,
        query_timeout=1,
        max_size=1,
        liveness_check_timeout=30,
    ) as driver:
        driver.execute("CREATE (:T {v: 1})")
        tx = driver.begin()
        tx.execute("CREATE (:T {v: 2})")
        with stopped(own_server), pytest.raises(QueryTimeoutError, match="rolled back"):
            tx.execute("MATCH (n:T) RETURN count(n) AS c", columns=["c"])
        tx.rollback()  # harmless: the connection is gone
        # the only pooled connection was dropped and replaced by a working one
        assert driver.execute("MATCH (n:T) RETURN count(n) AS c", columns=["c"]).scalar() == 1
        driver.drop_graph()


async def test_stopped_server_times_out_async(own: dict[str, Any], own_server: Server) -> None:
    driver = create_async_age_driver(
        **own, graph=_graph(), create_graph=True, query_timeout=1, liveness_check_timeout=30
    )
    try:
        await driver.execute("CREATE (:T {v: 1})")
        with stopped(own_server):
            started = time.monotonic()
            with pytest.raises(QueryTimeoutError, match="query_timeout=1 s"):
                await driver.execute("MATCH (n:T) RETURN n.v AS v", columns=["v"])
            elapsed = time.monotonic() - started
        assert 0.9 < elapsed < 4  # the client waits 1.5 s
        result = await driver.execute("MATCH (n:T) RETURN n.v AS v", columns=["v"])
        assert result.scalar() == 1
        await driver.drop_graph()
    finally:
        await driver.close()


# -- a restarted server ----------------------------------------------------------------


def test_first_statement_after_a_restart_succeeds(own: dict[str, Any], own_server: Server) -> None:
    sync_driver = create_age_driver(**own, graph=_graph(), create_graph=True, max_size=2)
    try:
        sync_driver.execute("CREATE (:T {v: 1})")
        own_server.restart()
        assert sync_driver.execute("MATCH (n:T) RETURN n.v AS v", columns=["v"]).scalar() == 1
        sync_driver.drop_graph()
    finally:
        sync_driver.close()


async def test_first_statement_after_a_restart_succeeds_async(
    own: dict[str, Any], own_server: Server
) -> None:
    driver = create_async_age_driver(**own, graph=_graph(), create_graph=True, max_size=2)
    try:
        await driver.execute("CREATE (:T {v: 1})")
        own_server.restart()
        result = await driver.execute("MATCH (n:T) RETURN n.v AS v", columns=["v"])
        assert result.scalar() == 1
        await driver.drop_graph()
    finally:
        await driver.close()


# -- transient errors ------------------------------------------------------------------


def _seed_two(driver: AGEDriver) -> None:
    driver.execute("CREATE (:D {k: 'a', v: 0}), (:D {k: 'b', v: 0})")


def test_deadlock_in_a_transaction_is_a_transient_error(driver: AGEDriver) -> None:
    _seed_two(driver)
    first, second = driver.begin(), driver.begin()
    first.execute("MATCH (n:D {k: 'a'}) SET n.v = 1")
    second.execute("MATCH (n:D {k: 'b'}) SET n.v = 2")
    errors: list[BaseException] = []

    def blocked() -> None:
        try:
            first.execute("MATCH (n:D {k: 'b'}) SET n.v = 1")
        except BaseException as exc:  # noqa: BLE001 - checked below
            errors.append(exc)

    thread = threading.Thread(target=blocked)
    thread.start()
    time.sleep(0.3)  # first now waits for second's lock on b
    try:
        second.execute("MATCH (n:D {k: 'a'}) SET n.v = 2")
    except BaseException as exc:  # noqa: BLE001 - checked below
        errors.append(exc)
    thread.join(30)
    assert len(errors) == 1  # PostgreSQL picked one victim, whose transaction ended at once
    assert [first.active, second.active].count(False) == 1
    error = errors[0]
    assert isinstance(error, TransientError) and isinstance(error, QueryExecutionError)
    assert error.code == "40P01"
    assert "deadlock detected" in str(error) and "transaction was rolled back" in str(error)
    first.rollback()
    second.rollback()


def test_autocommit_statement_is_retried_after_a_deadlock(driver: AGEDriver) -> None:
    _seed_two(driver)
    tx = driver.begin()
    tx.execute("MATCH (n:D {k: 'a'}) SET n.v = 1")
    outcome: list[Any] = []

    def autocommit() -> None:
        # locks b, then waits for a (held by tx): the deadlock below makes it the victim
        try:
            driver.execute(
                "MATCH (b:D) WHERE b.k = 'b' SET b.v = 3 "
                "WITH b MATCH (a:D) WHERE a.k = 'a' SET a.v = 3"
            )
            outcome.append("ok")
        except BaseException as exc:  # noqa: BLE001 - checked below
            outcome.append(exc)

    thread = threading.Thread(target=autocommit)
    thread.start()
    time.sleep(0.3)
    tx_error: BaseException | None = None
    try:
        tx.execute("MATCH (n:D {k: 'b'}) SET n.v = 1")
        tx.commit()
    except TransientError as exc:
        tx_error = exc
        tx.rollback()
    thread.join(30)
    if tx_error is not None:
        pytest.skip("PostgreSQL chose the transaction as the victim this time")
    assert outcome == ["ok"]  # deadlocked once, retried, then ran after tx committed
    rows = driver.execute(
        "MATCH (n:D) RETURN n.k AS k, n.v AS v ORDER BY n.k", columns=["k", "v"]
    ).rows
    assert rows == [("a", 3), ("b", 3)]


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (psycopg.errors.SerializationFailure("could not serialize access"), "40001"),
        (psycopg.errors.DeadlockDetected("deadlock detected"), "40P01"),
    ],
)
def test_transient_sqlstates_map_to_transient_error(error: psycopg.Error, code: str) -> None:
    mapped = translate_error(error, endpoint="h:1/db", graph="g", cypher="RETURN 1")
    assert isinstance(mapped, TransientError) and mapped.code == code
    inside = translate_error(
        error, endpoint="h:1/db", graph="g", cypher="RETURN 1", in_transaction=True
    )
    assert inside is not None and "transaction was rolled back; run it again" in str(inside)
