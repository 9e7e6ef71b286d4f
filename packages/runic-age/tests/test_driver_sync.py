"""AGEDriver against a real PostgreSQL + AGE server: statements, transactions, pools, errors."""

from __future__ import annotations

import importlib.metadata
import threading
from typing import Any

import psycopg
import pytest
from psycopg_pool import ConnectionPool

import runic.ogm.driver.age as seed
from runic.age import AGEDriver, AGESettings, AGETransaction, create_age_driver
from runic.age.driver import setup_connection
from runic.ogm import (
    ConnectionFailedError,
    GraphNode,
    QueryExecutionError,
    TransactionalGraphDriver,
    TransactionError,
    create_async_driver,
    create_driver,
)
from runic.ogm.exceptions import BackendError, InvalidIdentifierError
from runic_integration.providers.process import free_port


def test_statements_run_with_columns_and_parameters(driver: AGEDriver, read: Any) -> None:
    assert isinstance(driver, TransactionalGraphDriver)
    assert driver.backend == "age" and driver.dialect.name == "age"
    created = driver.execute(
        "CREATE (n:Person {name: $name, age: $age}) RETURN n, n.name AS name",
        {"name": "Ada", "age": 36},
        columns=["n", "name"],
    )
    assert created.columns == ["n", "name"]
    ((node, name),) = created.rows
    assert isinstance(node, GraphNode) and node.labels == ("Person",)
    assert node.properties == {"name": "Ada", "age": 36} and name == "Ada"
    assert read("MATCH (n:Person) RETURN n.age") == [("36",)]


def test_a_statement_without_return_yields_no_rows(driver: AGEDriver, read: Any) -> None:
    result = driver.execute("CREATE (:T {v: 1}), (:T {v: 2})")
    assert result.rows == [] and result.columns == []
    assert read("MATCH (n:T) RETURN count(n)") == [("2",)]


def test_hand_written_return_without_columns(driver: AGEDriver) -> None:
    driver.execute("CREATE (:T {v: 1, w: 'x'})")
    result = driver.execute("MATCH (n:T) RETURN n.v AS v, n.w")
    assert result.columns == ["v", "n.w"] and result.rows == [(1, "x")]


def test_commit_keeps_and_rollback_discards(driver: AGEDriver, read: Any) -> None:
    tx = driver.begin()
    assert isinstance(tx, AGETransaction) and tx.active
    tx.execute("CREATE (:T {v: 1})")
    assert read("MATCH (n:T) RETURN count(n)") == [("0",)]  # not visible to others yet
    assert tx.execute("MATCH (n:T) RETURN n.v", columns=["v"]).rows == [(1,)]  # but to itself
    tx.rollback()
    assert not tx.active
    assert read("MATCH (n:T) RETURN count(n)") == [("0",)]

    tx = driver.begin()
    tx.execute("CREATE (:T {v: 2})")
    tx.execute("CREATE (:T {v: 3})")
    tx.commit()
    assert read("MATCH (n:T) RETURN n.v ORDER BY n.v") == [("2",), ("3",)]


def test_a_failed_statement_leaves_the_transaction_to_roll_back(
    driver: AGEDriver, read: Any
) -> None:
    tx = driver.begin()
    tx.execute("CREATE (:T {v: 1})")
    with pytest.raises(QueryExecutionError) as info:
        tx.execute("MATCH (n:T) RETURN n.v / 0 AS x", columns=["x"])
    assert "[age]" in str(info.value) and "division by zero" in str(info.value)
    assert info.value.cypher == "MATCH (n:T) RETURN n.v / 0 AS x"
    tx.rollback()
    assert read("MATCH (n:T) RETURN count(n)") == [("0",)]
    # the pooled connection is clean again
    assert driver.execute("RETURN 1 AS one").rows == [(1,)]


def test_an_ended_transaction_refuses_statements(driver: AGEDriver) -> None:
    tx = driver.begin()
    tx.commit()
    with pytest.raises(TransactionError, match="has already ended"):
        tx.execute("RETURN 1 AS one")
    with pytest.raises(TransactionError, match="has already ended"):
        tx.commit()
    tx.rollback()  # a no-op


def test_syntax_errors_name_the_backend_and_statement(driver: AGEDriver) -> None:
    with pytest.raises(QueryExecutionError) as info:
        driver.execute("MATCH (n RETURN n", columns=["n"])
    assert str(info.value).startswith("[age] syntax error")
    assert info.value.cypher == "MATCH (n RETURN n"


def test_wrong_column_count_gets_a_hint(driver: AGEDriver) -> None:
    with pytest.raises(QueryExecutionError) as info:
        driver.execute("RETURN 1, 2", columns=["a"])
    assert "AGE needs the result columns up front" in str(info.value)


def test_threads_share_the_pool(age_server: dict[str, Any], graph_name: str, read: Any) -> None:
    with create_age_driver(**age_server, graph=graph_name, create_graph=True, max_size=4) as drv:
        errors: list[BaseException] = []

        def work(i: int) -> None:
            try:
                for j in range(5):
                    drv.execute("CREATE (:T {v: $v})", {"v": i * 10 + j})
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        assert read("MATCH (n:T) RETURN count(n)") == [("40",)]
        drv.drop_graph()


def test_repeated_statements_are_prepared_on_the_server(
    age_server: dict[str, Any], graph_name: str
) -> None:
    settings = AGESettings(graph=graph_name, **age_server)
    pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
        settings.conninfo(),
        kwargs=settings.connection_kwargs(),
        configure=setup_connection,
        min_size=1,
        max_size=1,
        open=True,
    )
    try:
        drv = AGEDriver(pool, graph_name, create_graph=True)
        for v in range(3):
            assert drv.execute("RETURN $v AS v", {"v": v}).rows == [(v,)]
        with pool.connection() as conn:
            prepared = conn.execute(
                "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
                ("%RETURN $v AS v%",),
            ).fetchall()
        assert len(prepared) == 1
        assert "cypher('" + graph_name + "', $$ RETURN $v AS v $$, $1)" in prepared[0][0]
        drv.drop_graph()
        drv.close()
    finally:
        pool.close()


def test_a_driver_on_a_callers_connection(
    age_server: dict[str, Any], graph_name: str, raw: psycopg.Connection[Any]
) -> None:
    conn = psycopg.connect(
        host=age_server["host"],
        port=age_server["port"],
        dbname=age_server["database"],
        user=age_server["username"],
        password=age_server["password"],
        autocommit=True,
    )
    try:
        drv = AGEDriver(conn, graph_name, create_graph=True)
        tx = drv.begin()
        tx.execute("CREATE (:T {v: 1})")
        tx.commit()
        assert drv.execute("MATCH (n:T) RETURN n.v AS v").rows == [(1,)]
        drv.close()
        assert not conn.closed  # the caller owns it
        drv = AGEDriver(conn, graph_name)
        drv.drop_graph()
    finally:
        conn.close()


# -- the graph ------------------------------------------------------------------------


def test_create_graph_on_first_use_and_drop(
    age_server: dict[str, Any], graph_name: str, raw: psycopg.Connection[Any]
) -> None:
    def exists() -> bool:
        row = raw.execute(
            "SELECT count(*) FROM ag_catalog.ag_graph WHERE name = %s", (graph_name,)
        ).fetchone()
        return bool(row and row[0])

    with create_age_driver(**age_server, graph=graph_name, create_graph=True) as drv:
        assert not exists()  # nothing happens before the first statement
        drv.execute("CREATE (:T)")
        assert exists() and drv.graph_exists()
        drv.drop_graph()
        assert not exists() and not drv.graph_exists()


def test_a_missing_graph_gets_a_hint(age_server: dict[str, Any], graph_name: str) -> None:
    with create_age_driver(**age_server, graph=graph_name) as drv:
        with pytest.raises(QueryExecutionError) as info:
            drv.execute("MATCH (n) RETURN n")
        assert f'graph "{graph_name}" does not exist' in str(info.value)
        assert "create_graph=True" in str(info.value)


def test_bad_graph_names_fail_before_reaching_the_server() -> None:
    # nothing listens on that port: the name is refused before any connection attempt
    port = free_port()
    with pytest.raises(InvalidIdentifierError, match="'ab' is too short"):
        create_age_driver(host="127.0.0.1", port=port, graph="ab")
    with pytest.raises(InvalidIdentifierError, match="'bad name' is invalid"):
        create_driver("age", host="127.0.0.1", port=port, graph="bad name")
    with pytest.raises(InvalidIdentifierError, match="'x' is too short"):
        create_async_driver("age", host="127.0.0.1", port=port, graph="x")


def test_no_server_is_a_connection_error() -> None:
    port = free_port()
    with pytest.raises(ConnectionFailedError) as info:
        create_age_driver(host="127.0.0.1", port=port, graph="my_graph", connect_timeout=2)
    assert str(info.value) == (
        f"cannot use PostgreSQL at 127.0.0.1:{port}/postgres: connection failed: connection "
        f'to server at "127.0.0.1", port {port} failed: Connection refused. Is the server '
        "running on that host and accepting TCP/IP connections?; check that PostgreSQL is "
        "running and listening there (host=, port=)"
    )


def test_a_closed_driver_refuses_statements(driver: AGEDriver) -> None:
    driver.close()
    with pytest.raises(BackendError, match="is closed; create a new driver"):
        driver.execute("RETURN 1 AS one")


# -- factories, registry, seed path ---------------------------------------------------


def test_registry_and_seed_path(age_server: dict[str, Any], graph_name: str) -> None:
    drv = create_driver("age", **age_server, graph=graph_name, create_graph=True)
    assert isinstance(drv, AGEDriver)
    try:
        assert drv.execute("RETURN 'ok' AS s").rows == [("ok",)]
    finally:
        drv.drop_graph()
        drv.close()
    alias = create_driver("apache-age", **age_server, graph=graph_name)
    assert isinstance(alias, AGEDriver)
    alias.close()
    assert seed.create_age_driver is create_age_driver
    assert seed.AGEDriver is AGEDriver
    (entry,) = importlib.metadata.entry_points(group="runic.backends", name="age")
    assert entry.value == "runic.age.plugin"


def test_unknown_options_are_named() -> None:
    with pytest.raises(BackendError) as info:
        create_age_driver(graph="my_graph", colour="red", max_sise=3)
    assert str(info.value) == (
        "the age driver got the unknown keywords 'colour', 'max_sise' (did you mean "
        "'max_size'?); graph backend 'age' accepts: application_name, connect_timeout, "
        "create_graph, database, dsn, graph, host, liveness_check_timeout, max_retries, "
        "max_size, min_size, password, pool_timeout, port, prepare_threshold, query_timeout, "
        "retry_backoff, username"
    )
    with pytest.raises(BackendError, match="graph= is required"):
        create_age_driver()


def test_connection_lost_while_committing_says_the_outcome_is_unknown() -> None:
    # The mapping (pure logic): a COMMIT whose connection dropped may or may not
    # have committed; the same error opening a connection is "cannot use".
    import psycopg

    from runic.age._errors import translate_error

    lost = psycopg.OperationalError("server closed the connection unexpectedly.")
    mapped = translate_error(lost, endpoint="h:5432", graph="g", cypher=None, committing=True)
    assert str(mapped) == (
        "the connection to PostgreSQL at h:5432 was lost while committing (server closed "
        "the connection unexpectedly): the outcome of this write is unknown (the transaction "
        "may or may not have committed). Read the graph to see whether it was applied "
        "before retrying"
    )
    plain = translate_error(lost, endpoint="h:5432", graph="g", cypher=None)
    assert str(plain).startswith("cannot use PostgreSQL at h:5432: server closed")


def test_a_closed_pool_of_yours_is_a_runic_error(
    age_server: dict[str, Any], graph_name: str
) -> None:
    """Issue 14's drift: the sync driver let psycopg's error out of _source_conn."""
    conninfo = psycopg.conninfo.make_conninfo(
        host=age_server["host"],
        port=age_server["port"],
        dbname=age_server["database"],
        user=age_server["username"],
        password=age_server["password"],
    )
    pool: ConnectionPool[Any] = ConnectionPool(conninfo, min_size=1, open=True)
    drv = AGEDriver(pool, graph_name)
    pool.close()
    with pytest.raises(BackendError) as caught:
        drv.ping()
    assert not isinstance(caught.value, psycopg.Error)
    assert "closed" in str(caught.value)


def test_a_connection_of_yours_in_a_transaction_is_refused_on_first_use(
    age_server: dict[str, Any], graph_name: str
) -> None:
    conn = psycopg.connect(
        host=age_server["host"],
        port=age_server["port"],
        dbname=age_server["database"],
        user=age_server["username"],
        password=age_server["password"],
    )
    try:
        conn.execute("SELECT 1")  # psycopg began a transaction
        drv = AGEDriver(conn, graph_name, create_graph=True)
        with pytest.raises(BackendError, match="has an open transaction; commit or roll it"):
            drv.execute("RETURN 1", columns=["one"])
        conn.rollback()
        assert drv.execute("RETURN 1", columns=["one"]).scalar() == 1
        drv.drop_graph()
    finally:
        conn.close()
