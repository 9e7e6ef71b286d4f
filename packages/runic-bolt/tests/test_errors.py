"""Server errors become runic errors that name the backend and keep the server's message."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from bolt_arcadedb_server import ArcadeDBServer
from bolt_models import Person

from runic.bolt import (
    BoltAuthenticationError,
    DatabaseNotFoundError,
    TransactionState,
    create_arcadedb_driver,
    create_async_arcadedb_driver,
)
from runic.ogm import (
    AsyncSession,
    ConnectionFailedError,
    QueryExecutionError,
    Session,
)


def test_wrong_credentials(settings: dict[str, Any]) -> None:
    drv = create_arcadedb_driver(**{**settings, "password": "not-the-password"})
    try:
        with pytest.raises(BoltAuthenticationError) as caught:
            drv.execute("RETURN 1")
    finally:
        drv.close()
    message = str(caught.value)
    assert isinstance(caught.value, ConnectionFailedError)
    assert message.startswith("[arcadedb] authentication with arcadedb at bolt://127.0.0.1:")
    assert "for user 'root': Authentication failed;" in message  # the server's words
    assert "check the username= and password= settings" in message


async def test_wrong_credentials_async(settings: dict[str, Any]) -> None:
    drv = create_async_arcadedb_driver(**{**settings, "username": "nobody"})
    try:
        with pytest.raises(BoltAuthenticationError, match="for user 'nobody'"):
            await drv.begin()
    finally:
        await drv.close()


def test_unknown_database(settings: dict[str, Any]) -> None:
    drv = create_arcadedb_driver(**{**settings, "database": "no_such_db"})
    try:
        with pytest.raises(DatabaseNotFoundError) as caught:
            drv.execute("RETURN 1")
        with pytest.raises(DatabaseNotFoundError):
            drv.begin()
    finally:
        drv.close()
    message = str(caught.value)
    assert message.startswith("[arcadedb] database 'no_such_db' does not exist on arcadedb at ")
    assert "Cannot open database: no_such_db" in message  # the server's words
    assert isinstance(caught.value, LookupError)


def test_syntax_error(driver: Any) -> None:
    with pytest.raises(QueryExecutionError) as caught:
        driver.execute("MATCH (n RETURN n")
    error = caught.value
    assert error.backend == "arcadedb"
    assert error.cypher == "MATCH (n RETURN n"
    assert error.server_message.startswith("Neo.ClientError.Statement.SyntaxError: ")
    assert str(error) == f"[arcadedb] {error.server_message}"


def test_constraint_violation(driver: Any) -> None:
    driver.execute(driver.dialect.create_unique_constraint_ddl("BtU", "k"))
    driver.execute("CREATE (:BtU {k: 1})")
    with pytest.raises(QueryExecutionError) as caught:
        driver.execute("CREATE (:BtU {k: 1})")
    assert caught.value.server_message.startswith(
        "Neo.ClientError.Schema.ConstraintValidationFailed: "
    )
    assert caught.value.cypher == "CREATE (:BtU {k: 1})"


def test_nothing_listening(server: Any) -> None:
    drv = create_arcadedb_driver("127.0.0.1", 1, "db", "root", "x", connection_timeout=3.0)
    try:
        with pytest.raises(ConnectionFailedError) as caught:
            drv.execute("RETURN 1")
    finally:
        drv.close()
    message = str(caught.value)
    assert message.startswith("[arcadedb] cannot reach arcadedb at bolt://127.0.0.1:1: ")
    assert "Connection refused" in message
    assert message.endswith(
        "Connection refused). Check that the server is running and listening there, and "
        "the host=, port= and encrypted= settings"
    ), message
    assert ".." not in message


def test_tls_against_a_plain_server(settings: dict[str, Any]) -> None:
    drv = create_arcadedb_driver(**settings, encrypted=True, connection_timeout=5.0)
    try:
        assert drv.neo4j_driver.encrypted is True
        with pytest.raises(ConnectionFailedError, match=r"(?s)\[arcadedb\] cannot reach .*SSL"):
            drv.execute("RETURN 1")
    finally:
        drv.close()


# -- the server goes away in the middle of a transaction -----------------------------------


@pytest.fixture
def doomed() -> Iterator[ArcadeDBServer]:
    """A private server the test kills (SIGKILL, by pid)."""
    srv = ArcadeDBServer().start()
    try:
        srv.create_database("doomed")
        yield srv
    finally:
        srv.stop()


def _doomed_settings(srv: ArcadeDBServer) -> dict[str, Any]:
    return {
        "host": "127.0.0.1",
        "port": srv.bolt_port,
        "database": "doomed",
        "username": srv.user,
        "password": srv.password,
        "connection_timeout": 3.0,
    }


def test_server_gone_mid_transaction(doomed: ArcadeDBServer) -> None:
    drv = create_arcadedb_driver(**_doomed_settings(doomed))
    try:
        tx = drv.begin()
        tx.execute("CREATE (:BtT {k: 1})")
        doomed.kill()
        with pytest.raises(ConnectionFailedError) as caught:
            tx.execute("CREATE (:BtT {k: 2})")
        assert tx.state is TransactionState.FAILED
        tx.rollback()  # nothing left to do, and no error
        message = str(caught.value)
        assert message.startswith("[arcadedb] the connection to arcadedb at bolt://127.0.0.1:")
        assert "was lost during a transaction" in message
        assert "Nothing of the transaction was committed" in message
        with pytest.raises(ConnectionFailedError, match=r"\[arcadedb\] cannot reach"):
            drv.execute("RETURN 1")
    finally:
        drv.close()


async def test_server_gone_under_an_async_session(doomed: ArcadeDBServer) -> None:
    drv = create_async_arcadedb_driver(**_doomed_settings(doomed))
    try:
        session = AsyncSession(drv)
        session.add(Person(id="ada", name="Ada"))
        await session.flush()  # the session's transaction is open now
        doomed.kill()
        session.add(Person(id="bob", name="Bob"))
        with pytest.raises(ConnectionFailedError, match="lost during a transaction"):
            await session.flush()
        await session.close()
    finally:
        await drv.close()


def test_server_gone_before_commit_in_a_session(doomed: ArcadeDBServer) -> None:
    drv = create_arcadedb_driver(**_doomed_settings(doomed))
    try:
        session = Session(drv)
        session.add(Person(id="ada", name="Ada"))
        session.flush()
        doomed.kill()
        with pytest.raises(ConnectionFailedError, match=r"\[arcadedb\]"):
            session.commit()
        session.close()
    finally:
        drv.close()


def test_lost_connection_after_an_autocommit_write_says_the_outcome_is_unknown() -> None:
    # The mapping itself (pure logic): a connection lost once the statement was sent
    # leaves the outcome of an auto-commit write unknown; failing to connect does not.
    from neo4j.exceptions import ServiceUnavailable, SessionExpired

    from runic.bolt._errors import ErrorContext, translate_error

    ctx = ErrorContext("arcadedb", "bolt://h:7687", "db", "root")
    lost = translate_error(
        SessionExpired("Failed to read from defunct connection."), ctx, write=True
    )
    assert str(lost) == (
        "[arcadedb] the connection to arcadedb at bolt://h:7687 was lost after a write was "
        "sent (Failed to read from defunct connection): the outcome of this write is unknown "
        "(it runs in its own transaction, which may or may not have committed). Read the "
        "graph to see whether it was applied before retrying"
    )
    refused = translate_error(ServiceUnavailable("Couldn't connect to h:7687."), ctx, write=True)
    assert str(refused) == (
        "[arcadedb] cannot reach arcadedb at bolt://h:7687: Couldn't connect to h:7687. Check "
        "that the server is running and listening there, and the host=, port= and "
        "encrypted= settings"
    )
    read = translate_error(SessionExpired("Failed to read from defunct connection."), ctx)
    assert str(read).startswith("[arcadedb] cannot reach arcadedb at bolt://h:7687: Failed")
