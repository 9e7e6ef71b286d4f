"""BoltDriver on a real ArcadeDB server: results, values, transactions, routing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import neo4j
import pytest

from runic.bolt import BoltDriver, TransactionState, create_arcadedb_driver
from runic.ogm import (
    BackendError,
    ConnectionFailedError,
    GraphDriver,
    GraphEdge,
    GraphNode,
    GraphPath,
    QueryBuildError,
    QueryExecutionError,
    TransactionalGraphDriver,
    TransactionError,
)


def test_is_a_transactional_graph_driver(driver: BoltDriver) -> None:
    assert isinstance(driver, GraphDriver)
    assert isinstance(driver, TransactionalGraphDriver)
    assert driver.backend == "arcadedb"
    assert driver.dialect.name == "arcadedb"
    assert driver.ping() is True


def test_nodes_edges_and_paths_are_decoded(driver: BoltDriver, raw: Any) -> None:
    result = driver.execute(
        "CREATE (a:BtA:BtB {name: $a})-[r:BT_R {w: 2}]->(b:BtA {name: $b}) "
        "RETURN a, r, b, id(a) AS ia, id(r) AS ir, id(b) AS ib",
        {"a": "x", "b": "y"},
    )
    assert result.columns == ["a", "r", "b", "ia", "ir", "ib"]
    a, r, b, ia, ir, ib = result.rows[0]
    # ArcadeDB's dialect compares id(): the decoded ids are those integers.
    assert a == GraphNode(ia, ("BtA", "BtB"), {"name": "x"})
    assert b == GraphNode(ib, ("BtA",), {"name": "y"})
    assert r == GraphEdge(ir, "BT_R", ia, ib, {"w": 2})
    assert result.stats == {
        "nodes_created": 2,
        "relationships_created": 1,
        "properties_set": 3,
        "labels_added": 3,
    }
    path = driver.execute("MATCH p = (:BtA {name: 'x'})-[:BT_R]->() RETURN p").scalar()
    assert path == GraphPath((a, b), (r,))
    # The decoded id finds the node again through the dialect's id function.
    expr = driver.dialect.node_id_expr("n")
    found = driver.execute(f"MATCH (n) WHERE {expr} = $i RETURN n.name", {"i": a.id})
    assert found.rows == [("x",)]
    assert raw.count("BtA") == 2


def test_values_are_decoded(driver: BoltDriver) -> None:
    row = driver.execute(
        "RETURN point({latitude: 52.5, longitude: 13.4}) AS geo, "
        "point({x: 1.5, y: -2.0}) AS xy, $when AS when, $day AS day, "
        "localtime('12:30:15') AS clock, duration('P1DT2H3S') AS span, "
        "duration('P1M') AS month, [1, 'a', null, 2.5, true] AS list, "
        "{inner: {deep: [1, 2]}} AS map",
        {"when": datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC), "day": date(2024, 5, 6)},
    ).records()[0]
    assert row["geo"] == {"latitude": 52.5, "longitude": 13.4}
    assert row["xy"] == {"x": 1.5, "y": -2.0}
    assert row["when"] == datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)
    assert isinstance(row["when"], datetime)
    assert row["day"] == date(2024, 5, 6) and type(row["day"]) is date
    assert row["clock"] == time(12, 30, 15)
    assert row["span"] == timedelta(days=1, hours=2, seconds=3)
    assert isinstance(row["month"], neo4j.time.Duration) and row["month"].months == 1
    assert row["list"] == [1, "a", None, 2.5, True]
    assert row["map"] == {"inner": {"deep": [1, 2]}}


def test_nested_nodes_in_lists_and_maps(driver: BoltDriver) -> None:
    driver.execute("CREATE (:BtA {name: 'p'}), (:BtA {name: 'q'})")
    nodes = driver.execute("MATCH (n:BtA) WITH n ORDER BY n.name RETURN collect(n) AS ns")
    (listed,) = nodes.rows[0]
    assert [n.properties["name"] for n in listed] == ["p", "q"]
    assert all(isinstance(n, GraphNode) for n in listed)
    mapped = driver.execute("MATCH (n:BtA {name: 'p'}) RETURN {node: n, k: [n]} AS m").scalar()
    assert mapped == {"node": listed[0], "k": [listed[0]]}


def test_read_statements_and_empty_results(driver: BoltDriver) -> None:
    assert driver.execute("MATCH (n:BtNothing) RETURN n", write=False).rows == []
    # ArcadeDB names no columns for an empty result: the caller's columns stand in.
    assert driver.execute("MATCH (n:BtNothing) RETURN n", columns=("n",)).columns == ["n"]
    assert driver.execute("RETURN 1 AS x", None).rows == [(1,)]
    with pytest.raises(QueryExecutionError, match="ParameterMissing: Expected parameter"):
        driver.execute("RETURN $x AS x")


def test_parameters_bolt_cannot_send_fail_before_sending(driver: BoltDriver) -> None:
    with pytest.raises(QueryBuildError, match=r"\$bad \(set\) cannot be sent over Bolt"):
        driver.execute("RETURN $bad", {"ok": 1, "bad": {1, 2}})
    with pytest.raises(QueryBuildError, match=r"\$big\[1\] \(integer out of 64-bit range\)"):
        driver.execute("RETURN $big", {"big": [1, 2**70]})
    with pytest.raises(QueryBuildError, match="non-empty string"):
        driver.execute("  ")
    with pytest.raises(QueryBuildError, match="mapping"):
        driver.execute("RETURN 1", [1])  # type: ignore[arg-type]


def test_a_closed_driver_says_so(settings: dict[str, Any]) -> None:
    drv = create_arcadedb_driver(**settings)
    drv.close()
    drv.close()  # harmless
    assert drv.closed
    with pytest.raises(BackendError, match=r"\[arcadedb\] the driver for .* is closed"):
        drv.execute("RETURN 1")
    with pytest.raises(BackendError, match="closed"):
        drv.begin()


# -- transactions ---------------------------------------------------------------------------


def test_commit_makes_writes_visible(driver: BoltDriver, raw: Any) -> None:
    tx = driver.begin()
    assert tx.write and tx.state is TransactionState.OPEN
    tx.execute("CREATE (:BtT {k: 1})")
    assert tx.execute("MATCH (n:BtT) RETURN count(n)").scalar() == 1  # visible inside
    assert raw.count("BtT") == 0  # not outside
    tx.commit()
    assert tx.state is TransactionState.COMMITTED
    assert raw.count("BtT") == 1
    with pytest.raises(TransactionError, match="already committed"):
        tx.execute("RETURN 1")


def test_rollback_discards_writes(driver: BoltDriver, raw: Any) -> None:
    raw.rows("CREATE (:BtT {k: 0})")
    tx = driver.begin()
    tx.execute("CREATE (:BtT {k: 1})")
    tx.execute("MATCH (n:BtT {k: 0}) SET n.k = 5")
    tx.execute("MATCH (n:BtT {k: 5}) DETACH DELETE n")
    tx.rollback()
    tx.rollback()  # harmless
    assert tx.state is TransactionState.ROLLED_BACK
    assert raw.rows("MATCH (n:BtT) RETURN n.k") == [[0]]


def test_a_failing_statement_rolls_the_transaction_back(settings: dict[str, Any], raw: Any) -> None:
    # One pooled connection: a transaction left open would block the next statement.
    drv = create_arcadedb_driver(
        **settings, max_connection_pool_size=1, connection_acquisition_timeout=3.0
    )
    try:
        tx = drv.begin()
        tx.execute("CREATE (:BtT {k: 1})")
        with pytest.raises(QueryExecutionError) as caught:
            tx.execute("THIS IS NOT CYPHER")
        assert caught.value.backend == "arcadedb"
        assert "Syntax error" in caught.value.server_message
        assert caught.value.cypher == "THIS IS NOT CYPHER"
        assert tx.state is TransactionState.FAILED
        with pytest.raises(TransactionError, match=r"rolled back after an error \(.*Syntax"):
            tx.execute("RETURN 1")
        with pytest.raises(TransactionError, match="cannot commit"):
            tx.commit()
        tx.rollback()  # a no-op now
        assert raw.count("BtT") == 0
        # The connection went back to the pool.
        assert drv.execute("RETURN 1 AS one").scalar() == 1
    finally:
        drv.close()


def test_the_pool_limit_is_reported(settings: dict[str, Any]) -> None:
    drv = create_arcadedb_driver(
        **settings, max_connection_pool_size=1, connection_acquisition_timeout=1.0
    )
    try:
        holder = drv.begin()
        holder.execute("RETURN 1")
        with pytest.raises(ConnectionFailedError, match=r"no pooled connection .* in time"):
            drv.execute("RETURN 2")
        holder.rollback()
        assert drv.execute("RETURN 3").scalar() == 3
    finally:
        drv.close()


def test_transactions_as_context_managers(driver: BoltDriver, raw: Any) -> None:
    with driver.begin() as tx:
        tx.execute("CREATE (:BtT {k: 1})")
    assert tx.state is TransactionState.COMMITTED
    with pytest.raises(RuntimeError, match="boom"), driver.begin() as tx2:
        tx2.execute("CREATE (:BtT {k: 2})")
        raise RuntimeError("boom")
    assert tx2.state is TransactionState.ROLLED_BACK
    assert raw.rows("MATCH (n:BtT) RETURN n.k") == [[1]]


def test_read_transactions(driver: BoltDriver, raw: Any) -> None:
    raw.rows("CREATE (:BtT {k: 7})")
    with driver.begin(write=False) as tx:
        assert not tx.write
        assert tx.execute("MATCH (n:BtT) RETURN n.k AS k").rows == [(7,)]


def test_many_transactions_at_once(driver: BoltDriver, raw: Any) -> None:
    txs = [driver.begin() for _ in range(5)]
    for index, tx in enumerate(txs):
        tx.execute("CREATE (:BtT {k: $k})", {"k": index})
    for tx in txs[::2]:
        tx.commit()
    for tx in txs[1::2]:
        tx.rollback()
    assert sorted(row[0] for row in raw.rows("MATCH (n:BtT) RETURN n.k")) == [0, 2, 4]


def test_routing_scheme(settings: dict[str, Any], raw: Any) -> None:
    """``neo4j://`` (routing) works against a single server too."""
    drv = create_arcadedb_driver(**settings, routing=True)
    try:
        assert drv.uri.startswith("neo4j://127.0.0.1:")
        drv.execute("CREATE (:BtT {k: 1})")
        assert drv.execute("MATCH (n:BtT) RETURN count(n)", write=False).scalar() == 1
        with drv.begin(write=False) as tx:
            assert tx.execute("MATCH (n:BtT) RETURN n.k").rows == [(1,)]
    finally:
        drv.close()
    assert raw.count("BtT") == 1
