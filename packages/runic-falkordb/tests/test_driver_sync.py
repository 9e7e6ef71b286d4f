"""FalkorDBDriver against a real embedded server."""

from __future__ import annotations

import datetime
from typing import Any

import falkordb
import pytest

from runic.falkordb import FalkorDBDialect, FalkorDBDriver
from runic.falkordb.embedded import EmbeddedFalkorDB
from runic.ogm.driver.protocols import GraphDriver, TransactionalGraphDriver
from runic.ogm.driver.results import GraphEdge, GraphNode, GraphPath, QueryResult
from runic.ogm.exceptions import (
    BackendError,
    QueryBuildError,
    QueryExecutionError,
    QueryTimeoutError,
)


def test_driver_implements_graph_driver_but_not_transactions(driver: FalkorDBDriver) -> None:
    assert isinstance(driver, GraphDriver)
    assert not isinstance(driver, TransactionalGraphDriver)
    assert driver.backend == "falkordb"
    assert isinstance(driver.dialect, FalkorDBDialect)
    assert driver.dialect is driver.dialect
    assert driver.graph_name.startswith("t_")


def test_execute_with_params_writes_what_the_raw_client_reads(
    driver: FalkorDBDriver, raw_graph: Any
) -> None:
    result = driver.execute(
        "CREATE (p:Person {name: $name, age: $age, tags: $tags, score: $score, ok: $ok}) "
        "RETURN p.name AS name, p.age AS age",
        {
            "name": 'Ann "the" \\ O\'Neil\n',
            "age": 41,
            "tags": ["a", "b"],
            "score": 0.25,
            "ok": True,
        },
    )

    assert result.columns == ["name", "age"]
    assert result.rows == [('Ann "the" \\ O\'Neil\n', 41)]
    raw = raw_graph.query("MATCH (p:Person) RETURN p.name, p.age, p.tags, p.score, p.ok").result_set
    assert raw == [['Ann "the" \\ O\'Neil\n', 41, ["a", "b"], 0.25, True]]


def test_nodes_edges_and_paths_are_decoded(driver: FalkorDBDriver) -> None:
    created = driver.execute(
        "CREATE (a:Person:Admin {name: 'a'})-[r:KNOWS {since: 2020}]->(b:Person {name: 'b'}) "
        "RETURN a, r, b"
    )
    a, r, b = created.rows[0]
    assert isinstance(a, GraphNode) and isinstance(r, GraphEdge) and isinstance(b, GraphNode)
    assert isinstance(a.id, int) and isinstance(b.id, int)
    assert a.labels == ("Person", "Admin")
    assert dict(a.properties) == {"name": "a"}
    assert b.labels == ("Person",)
    assert r.type == "KNOWS"
    assert (r.start_id, r.end_id) == (a.id, b.id)
    assert dict(r.properties) == {"since": 2020}

    path = driver.execute("MATCH p = (:Admin)-[:KNOWS]->(:Person) RETURN p", write=False).scalar()
    assert path == GraphPath(nodes=(a, b), edges=(r,))


def test_points_vectors_maps_lists_and_temporals_are_plain_python(
    driver: FalkorDBDriver,
) -> None:
    result = driver.execute(
        "CREATE (n:Place {loc: point($loc), emb: vecf32($emb), code: intern($code)}) "
        "RETURN n, n.loc AS loc, n.emb AS emb, {k: [1, {deep: n.loc}], s: 'x'} AS m, "
        "date('2024-02-03') AS d",
        {"loc": {"latitude": 52.5, "longitude": 13.25}, "emb": [0.5, -1.0, 2.0], "code": "DE"},
    )
    node, loc, emb, mapping, day = result.rows[0]
    assert loc == {"latitude": 52.5, "longitude": 13.25}
    assert emb == [0.5, -1.0, 2.0]
    assert all(isinstance(x, float) for x in emb)
    assert dict(node.properties) == {"loc": loc, "emb": emb, "code": "DE"}
    assert mapping == {"k": [1, {"deep": {"latitude": 52.5, "longitude": 13.25}}], "s": "x"}
    assert type(mapping) is dict and type(mapping["k"][1]) is dict
    assert day == datetime.date(2024, 2, 3)


def test_records_scalar_and_empty_results(driver: FalkorDBDriver) -> None:
    driver.execute("UNWIND range(1, 3) AS i CREATE (:N {i: i})")
    result = driver.execute("MATCH (n:N) RETURN n.i AS i ORDER BY i", write=False)
    assert result.records() == [{"i": 1}, {"i": 2}, {"i": 3}]
    assert result.column("i") == [1, 2, 3]
    empty = driver.execute("MATCH (n:Nothing) RETURN n", write=False)
    assert empty.rows == [] and empty.columns == ["n"] and empty.scalar() is None


def test_write_statistics(driver: FalkorDBDriver) -> None:
    stats = driver.execute("CREATE (:A {x: 1})-[:R]->(:B), (:A {x: 2})").stats
    assert stats["nodes_created"] == 3
    assert stats["relationships_created"] == 1
    assert stats["properties_set"] == 2
    assert stats["labels_added"] == 2
    assert isinstance(stats["execution_time_ms"], float)
    deleted = driver.execute("MATCH (n:A) DETACH DELETE n").stats
    assert deleted["nodes_deleted"] == 2
    assert deleted["relationships_deleted"] == 1


def test_plan_cache_is_used_for_the_same_text_with_other_values(driver: FalkorDBDriver) -> None:
    driver.execute("CREATE (:C {v: $v})", {"v": 1})
    second = driver.execute("CREATE (:C {v: $v})", {"v": 2})
    assert second.stats["cached_execution"] is True


def test_read_only_execution_uses_ro_query(driver: FalkorDBDriver, raw_graph: Any) -> None:
    driver.execute("CREATE (:Seed)")
    with pytest.raises(QueryExecutionError) as info:
        driver.execute("CREATE (:Sneaky)", write=False)
    assert "read-only" in str(info.value)
    assert info.value.backend == "falkordb"
    assert info.value.cypher == "CREATE (:Sneaky)"
    assert raw_graph.query("MATCH (n:Sneaky) RETURN count(n)").result_set == [[0]]
    assert driver.execute("MATCH (n:Seed) RETURN count(n)", write=False).scalar() == 1


def test_read_on_a_graph_that_does_not_exist_yet(driver: FalkorDBDriver, raw_db: Any) -> None:
    assert driver.graph_name not in raw_db.list_graphs()
    assert driver.execute("MATCH (n) RETURN count(n)", write=False).scalar() == 0
    assert driver.execute("RETURN $x AS x", {"x": 7}, write=False).rows == [(7,)]
    with pytest.raises(QueryExecutionError, match="read-only"):
        driver.execute("CREATE (:X)", write=False)


def test_read_only_on_a_missing_graph_still_refuses_writes(
    server: EmbeddedFalkorDB, raw_db: Any
) -> None:
    drv = FalkorDBDriver.from_settings(server.connection_settings(), "never_written_graph")
    try:
        with pytest.raises(QueryExecutionError, match="read-only"):
            drv.execute("CREATE (:X)", write=False)
        assert raw_db.select_graph("never_written_graph").query(
            "MATCH (n) RETURN count(n)"
        ).result_set == [[0]]
    finally:
        drv.delete_graph()
        drv.close()


def test_delete_graph_removes_it_and_is_idempotent(driver: FalkorDBDriver, raw_db: Any) -> None:
    driver.execute("CREATE (:X)")
    assert driver.graph_name in raw_db.list_graphs()
    driver.delete_graph()
    assert driver.graph_name not in raw_db.list_graphs()
    driver.delete_graph()


def test_ping(driver: FalkorDBDriver) -> None:
    assert driver.ping() is True


def test_closed_driver_refuses_queries(server: EmbeddedFalkorDB, graph_name: str) -> None:
    drv = FalkorDBDriver.from_settings(server.connection_settings(), graph_name)
    drv.close()
    drv.close()
    assert drv.closed
    with pytest.raises(BackendError, match=f"driver for graph '{graph_name}' is closed"):
        drv.execute("RETURN 1")


def test_context_manager_closes(server: EmbeddedFalkorDB, graph_name: str) -> None:
    with FalkorDBDriver.from_settings(server.connection_settings(), graph_name) as drv:
        assert drv.execute("RETURN 1").scalar() == 1
    assert drv.closed


def test_seed_constructor_on_a_graph_handle_keeps_the_callers_client(
    server: EmbeddedFalkorDB, graph_name: str
) -> None:
    db = falkordb.FalkorDB(unix_socket_path=server.unix_socket_path)
    drv = FalkorDBDriver(db.select_graph(graph_name), db)
    assert drv.db is db
    assert drv.endpoint == f"unix socket {server.unix_socket_path}"
    assert drv.execute("CREATE (n:S {v: $v}) RETURN n.v", {"v": 3}).scalar() == 3
    drv.close()
    # the caller's client still works after the driver is closed
    graph = db.select_graph(graph_name)
    assert graph.query("MATCH (n:S) RETURN n.v").result_set == [[3]]
    graph.delete()
    db.close()


def test_a_query_the_server_aborts_is_a_query_timeout(
    server: EmbeddedFalkorDB, graph_name: str
) -> None:
    """runic sends no per-query TIMEOUT; the server's TIMEOUT_DEFAULT aborts long reads."""
    with FalkorDBDriver.from_settings(server.connection_settings(), graph_name) as drv:
        drv.graph.execute_command("GRAPH.CONFIG", "SET", "TIMEOUT_DEFAULT", 1)
        try:
            with pytest.raises(QueryTimeoutError, match=r"aborted the query after its own"):
                drv.execute(
                    "UNWIND range(1, 3000000) AS x WITH x WHERE x % 7 = 0 RETURN count(x)",
                    write=False,
                )
            assert drv.execute("RETURN 1 AS one", write=False).scalar() == 1
        finally:
            drv.graph.execute_command("GRAPH.CONFIG", "SET", "TIMEOUT_DEFAULT", 0)


def test_parameter_that_cannot_be_sent_fails_before_sending(driver: FalkorDBDriver) -> None:
    with pytest.raises(QueryBuildError, match="'when' has type datetime"):
        driver.execute("RETURN $when", {"when": datetime.datetime(2024, 1, 1)})


def test_result_type(driver: FalkorDBDriver) -> None:
    assert isinstance(driver.execute("RETURN 1 AS one"), QueryResult)


def test_threads_share_one_driver(server: EmbeddedFalkorDB, graph_name: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with FalkorDBDriver.from_settings(
        server.connection_settings(max_connections=4), graph_name
    ) as drv:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda i: drv.execute("CREATE (:T {i: $i})", {"i": i}), range(200)))
            sums = list(
                pool.map(
                    lambda k: drv.execute(
                        "MATCH (t:T) WHERE t.i < $k RETURN count(t)", {"k": k}, write=False
                    ).scalar(),
                    range(100),
                )
            )
        assert sums == list(range(100))
        drv.delete_graph()
