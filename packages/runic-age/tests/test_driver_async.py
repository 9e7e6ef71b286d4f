"""AsyncAGEDriver against a real PostgreSQL + AGE server."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from runic.age import AsyncAGEDriver, AsyncAGETransaction, create_async_age_driver
from runic.ogm import (
    AsyncTransactionalGraphDriver,
    ConnectionFailedError,
    GraphEdge,
    GraphNode,
    QueryExecutionError,
    TransactionError,
    create_async_driver,
)
from runic.ogm.exceptions import BackendError, InvalidIdentifierError
from runic_integration.providers.process import free_port


async def test_statements_run_with_columns_and_parameters(
    async_driver: AsyncAGEDriver, read: Any
) -> None:
    assert isinstance(async_driver, AsyncTransactionalGraphDriver)
    assert async_driver.backend == "age" and async_driver.dialect.name == "age"
    result = await async_driver.execute(
        "CREATE (a:P {name: $a})-[r:K {w: $w}]->(b:P {name: $b}) RETURN a, r, b",
        {"a": "Ada", "b": "Bob", "w": 0.5},
        columns=["a", "r", "b"],
    )
    ((a, r, b),) = result.rows
    assert isinstance(a, GraphNode) and a.properties == {"name": "Ada"}
    assert r == GraphEdge(r.id, "K", a.id, b.id, {"w": 0.5})
    assert read("MATCH (n:P) RETURN n.name ORDER BY n.name") == [('"Ada"',), ('"Bob"',)]
    # hand-written RETURN without columns
    found = await async_driver.execute("MATCH (n:P) RETURN n.name AS name ORDER BY n.name")
    assert found.columns == ["name"] and found.rows == [("Ada",), ("Bob",)]


async def test_commit_keeps_and_rollback_discards(async_driver: AsyncAGEDriver, read: Any) -> None:
    tx = await async_driver.begin()
    assert isinstance(tx, AsyncAGETransaction)
    await tx.execute("CREATE (:T {v: 1})")
    assert read("MATCH (n:T) RETURN count(n)") == [("0",)]
    await tx.rollback()
    assert read("MATCH (n:T) RETURN count(n)") == [("0",)]

    tx = await async_driver.begin()
    await tx.execute("CREATE (:T {v: 2})")
    await tx.commit()
    assert read("MATCH (n:T) RETURN n.v") == [("2",)]
    with pytest.raises(TransactionError, match="has already ended"):
        await tx.execute("RETURN 1 AS one")


async def test_a_failed_statement_then_rollback(async_driver: AsyncAGEDriver, read: Any) -> None:
    tx = await async_driver.begin()
    await tx.execute("CREATE (:T {v: 1})")
    with pytest.raises(QueryExecutionError) as info:
        await tx.execute("MATCH (n RETURN n", columns=["n"])
    assert str(info.value).startswith("[age] syntax error")
    await tx.rollback()
    assert read("MATCH (n:T) RETURN count(n)") == [("0",)]


async def test_concurrent_tasks_share_the_pool(
    age_server: dict[str, Any], graph_name: str, read: Any
) -> None:
    drv = create_async_age_driver(**age_server, graph=graph_name, create_graph=True, max_size=3)
    try:
        await asyncio.gather(*(drv.execute("CREATE (:T {v: $v})", {"v": v}) for v in range(20)))
        assert read("MATCH (n:T) RETURN count(n)") == [("20",)]
        await drv.drop_graph()
    finally:
        await drv.close()


async def test_registry_factory_and_errors(age_server: dict[str, Any], graph_name: str) -> None:
    drv = create_async_driver("age", **age_server, graph=graph_name, create_graph=True)
    assert isinstance(drv, AsyncAGEDriver)
    try:
        assert (await drv.execute("RETURN [1, 2] AS l")).rows == [([1, 2],)]
        await drv.drop_graph()
    finally:
        await drv.close()
    with pytest.raises(BackendError, match="is closed"):
        await drv.execute("RETURN 1 AS one")
    with pytest.raises(InvalidIdentifierError, match="'ab' is too short"):
        create_async_age_driver(host="127.0.0.1", port=free_port(), graph="ab")
    port = free_port()
    lost = create_async_age_driver(host="127.0.0.1", port=port, graph="my_graph", connect_timeout=2)
    with pytest.raises(ConnectionFailedError, match=f"127.0.0.1:{port}/postgres"):
        await lost.execute("RETURN 1 AS one")
    await lost.close()
