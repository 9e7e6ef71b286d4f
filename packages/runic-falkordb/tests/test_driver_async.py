"""AsyncFalkorDBDriver against a real embedded server."""

from __future__ import annotations

import asyncio
from typing import Any

import falkordb
import falkordb.asyncio
import pytest
import redis.asyncio

from runic.falkordb import AsyncFalkorDBDriver, FalkorDBDialect
from runic.falkordb.embedded import EmbeddedFalkorDB
from runic.ogm.driver.protocols import AsyncGraphDriver, AsyncTransactionalGraphDriver
from runic.ogm.driver.results import GraphEdge, GraphNode, GraphPath
from runic.ogm.exceptions import BackendError, QueryExecutionError


async def test_async_driver_protocol(async_driver: AsyncFalkorDBDriver) -> None:
    assert isinstance(async_driver, AsyncGraphDriver)
    assert not isinstance(async_driver, AsyncTransactionalGraphDriver)
    assert async_driver.backend == "falkordb"
    assert isinstance(async_driver.dialect, FalkorDBDialect)


async def test_execute_with_params_and_read_back(
    async_driver: AsyncFalkorDBDriver, raw_graph: Any
) -> None:
    result = await async_driver.execute(
        "CREATE (a:User {name: $name})-[r:FOLLOWS {w: $w}]->(b:User {name: 'z'}) RETURN a, r, b",
        {"name": "ålice", "w": 0.5},
    )
    a, r, b = result.rows[0]
    assert isinstance(a, GraphNode) and a.labels == ("User",)
    assert dict(a.properties) == {"name": "ålice"}
    assert isinstance(r, GraphEdge) and r.type == "FOLLOWS" and dict(r.properties) == {"w": 0.5}
    assert (r.start_id, r.end_id) == (a.id, b.id)
    assert result.stats["nodes_created"] == 2
    assert raw_graph.query("MATCH (u:User) RETURN u.name ORDER BY u.name").result_set == [
        ["z"],
        ["ålice"],
    ]
    path = (
        await async_driver.execute("MATCH p=(:User)-[:FOLLOWS]->() RETURN p", write=False)
    ).scalar()
    assert path == GraphPath((a, b), (r,))


async def test_read_only_refuses_writes(async_driver: AsyncFalkorDBDriver, raw_graph: Any) -> None:
    with pytest.raises(QueryExecutionError, match="read-only"):
        await async_driver.execute("CREATE (:Nope)", write=False)
    assert (await async_driver.execute("MATCH (n) RETURN count(n)", write=False)).scalar() == 0
    assert raw_graph.query("MATCH (n:Nope) RETURN count(n)").result_set == [[0]]


async def test_syntax_error_keeps_the_server_message(async_driver: AsyncFalkorDBDriver) -> None:
    with pytest.raises(QueryExecutionError) as info:
        await async_driver.execute("MATC (n) RETURN n")
    assert "errMsg: Invalid input" in info.value.server_message
    assert info.value.cypher == "MATC (n) RETURN n"
    assert str(info.value).startswith("[falkordb] errMsg: Invalid input")


async def test_hundred_concurrent_queries_over_the_pool(
    server: EmbeddedFalkorDB, graph_name: str
) -> None:
    drv = AsyncFalkorDBDriver.from_settings(
        server.connection_settings(max_connections=8), graph_name
    )
    try:
        await drv.execute("UNWIND range(1, 50) AS i CREATE (:Item {i: i})")
        results = await asyncio.gather(
            *(
                drv.execute(
                    "MATCH (n:Item) WHERE n.i <= $k RETURN count(n) AS c",
                    {"k": k},
                    write=False,
                )
                for k in range(100)
            )
        )
        assert [r.rows for r in results] == [[(min(k, 50),)] for k in range(100)]
        pool = drv.db.connection_pool
        assert len(pool._in_use_connections) == 0
        assert 1 < len(pool._available_connections) <= 8
    finally:
        await drv.delete_graph()
        await drv.close()


async def test_concurrent_writes_are_all_applied(
    async_driver: AsyncFalkorDBDriver, raw_graph: Any
) -> None:
    await asyncio.gather(
        *(async_driver.execute("CREATE (:W {i: $i})", {"i": i}) for i in range(100))
    )
    assert raw_graph.query("MATCH (w:W) RETURN count(w), sum(w.i)").result_set == [
        [100, sum(range(100))]
    ]


async def test_close_releases_pool_and_refuses_queries(
    server: EmbeddedFalkorDB, graph_name: str
) -> None:
    async with AsyncFalkorDBDriver.from_settings(server.connection_settings(), graph_name) as drv:
        assert await drv.ping() is True
        await drv.delete_graph()
    assert drv.closed
    with pytest.raises(BackendError, match="is closed"):
        await drv.execute("RETURN 1")


async def test_seed_constructor_with_an_async_graph_handle(
    server: EmbeddedFalkorDB, graph_name: str
) -> None:
    pool = redis.asyncio.BlockingConnectionPool(
        connection_class=redis.asyncio.UnixDomainSocketConnection,
        path=server.unix_socket_path,
        decode_responses=True,
    )
    db = falkordb.asyncio.FalkorDB(connection_pool=pool)
    drv = AsyncFalkorDBDriver(db.select_graph(graph_name))
    assert drv.endpoint == f"unix socket {server.unix_socket_path}"
    assert (await drv.execute("CREATE (n:K {v: $v}) RETURN n.v", {"v": 5})).scalar() == 5
    await drv.delete_graph()
    await drv.close()
    await db.aclose()


async def test_seed_constructor_with_a_blocking_graph_handle(
    server: EmbeddedFalkorDB, graph_name: str
) -> None:
    # The async guide builds the handle with the blocking client: it runs in a thread.
    db = falkordb.FalkorDB(unix_socket_path=server.unix_socket_path)
    drv = AsyncFalkorDBDriver(db.select_graph(graph_name))
    results = await asyncio.gather(*(drv.execute("RETURN $i AS i", {"i": i}) for i in range(20)))
    assert [r.scalar() for r in results] == list(range(20))
    assert (await drv.execute("CREATE (:Q) RETURN 1")).scalar() == 1
    assert (await drv.execute("MATCH (q:Q) RETURN count(q)", write=False)).scalar() == 1
    await drv.delete_graph()
    await drv.close()
    db.close()


async def test_nodes_with_labels_and_properties_new_to_the_driver_are_decoded(
    async_driver: AsyncFalkorDBDriver, raw_graph: Any
) -> None:
    # The driver decodes compact replies itself; ids it has not seen yet make it
    # refresh the cached schema (labels, then properties) and decode again.
    first = await async_driver.execute("CREATE (n:Early {a: 1}) RETURN n")
    assert first.scalar() == GraphNode(first.scalar().id, ("Early",), {"a": 1})
    raw_graph.query("CREATE (:Late:Later {b: 'x', c: [1, 2]})")
    late = (await async_driver.execute("MATCH (n:Late) RETURN n", write=False)).scalar()
    assert isinstance(late, GraphNode)
    assert (late.labels, dict(late.properties)) == (("Late", "Later"), {"b": "x", "c": [1, 2]})
    rows = (
        await async_driver.execute(
            "MATCH (n) RETURN labels(n), n.a, n.b, {k: n.b} ORDER BY n.a", write=False
        )
    ).rows
    assert rows == [(["Early"], 1, None, {"k": None}), (["Late", "Later"], None, "x", {"k": "x"})]


async def test_an_error_inside_the_reply_is_raised(async_driver: AsyncFalkorDBDriver) -> None:
    # FalkorDB reports some run-time errors as the last element of a normal reply.
    with pytest.raises(QueryExecutionError, match="Division by zero"):
        await async_driver.execute("UNWIND [1, 0] AS x RETURN 1 / x", write=False)
