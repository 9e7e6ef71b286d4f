"""AsyncBoltDriver on a real ArcadeDB server: results, transactions, concurrency."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest

from runic.bolt import AsyncBoltDriver, TransactionState, create_async_arcadedb_driver
from runic.ogm import (
    AsyncGraphDriver,
    AsyncTransactionalGraphDriver,
    GraphEdge,
    GraphNode,
    QueryBuildError,
    QueryExecutionError,
    TransactionError,
)


async def test_is_an_async_transactional_driver(async_driver: AsyncBoltDriver) -> None:
    assert isinstance(async_driver, AsyncGraphDriver)
    assert isinstance(async_driver, AsyncTransactionalGraphDriver)
    assert async_driver.backend == "arcadedb"
    assert await async_driver.ping() is True


async def test_results_are_decoded(async_driver: AsyncBoltDriver, raw: Any) -> None:
    result = await async_driver.execute(
        "CREATE (a:BtA {day: $day})-[r:BT_R]->(b:BtA) RETURN a, r, id(a) AS ia, id(b) AS ib",
        {"day": date(2024, 1, 2)},
    )
    a, r, ia, ib = result.rows[0]
    assert a == GraphNode(ia, ("BtA",), {"day": date(2024, 1, 2)})
    assert isinstance(r, GraphEdge) and (r.start_id, r.end_id) == (ia, ib)
    assert result.stats["nodes_created"] == 2
    assert raw.count("BtA") == 2
    empty = await async_driver.execute("MATCH (n:BtNone) RETURN n", write=False, columns=("n",))
    assert (empty.columns, empty.rows) == (["n"], [])
    with pytest.raises(QueryBuildError, match=r"\$s \(set\)"):
        await async_driver.execute("RETURN $s", {"s": {1}})


async def test_commit_and_rollback(async_driver: AsyncBoltDriver, raw: Any) -> None:
    tx = await async_driver.begin()
    await tx.execute("CREATE (:BtT {k: 1})")
    assert raw.count("BtT") == 0
    await tx.commit()
    assert tx.state is TransactionState.COMMITTED and raw.count("BtT") == 1
    tx = await async_driver.begin()
    await tx.execute("CREATE (:BtT {k: 2})")
    await tx.execute("MATCH (n:BtT {k: 1}) DETACH DELETE n")
    await tx.rollback()
    await tx.rollback()  # harmless
    assert raw.rows("MATCH (n:BtT) RETURN n.k") == [[1]]


async def test_a_failing_statement_rolls_back(settings: dict[str, Any], raw: Any) -> None:
    drv = create_async_arcadedb_driver(
        **settings, max_connection_pool_size=1, connection_acquisition_timeout=3.0
    )
    try:
        tx = await drv.begin()
        await tx.execute("CREATE (:BtT {k: 1})")
        with pytest.raises(QueryExecutionError, match=r"\[arcadedb\] .*Syntax error"):
            await tx.execute("CREATE (")
        assert tx.state is TransactionState.FAILED
        with pytest.raises(TransactionError, match="rolled back after an error"):
            await tx.commit()
        await tx.rollback()
        assert raw.count("BtT") == 0
        assert (await drv.execute("RETURN 1 AS one")).scalar() == 1  # connection released
    finally:
        await drv.close()


async def test_async_context_managers(settings: dict[str, Any], raw: Any) -> None:
    async with create_async_arcadedb_driver(**settings) as drv:
        async with await drv.begin() as tx:
            await tx.execute("CREATE (:BtT {k: 1})")
        with pytest.raises(RuntimeError, match="boom"):
            async with await drv.begin() as tx2:
                await tx2.execute("CREATE (:BtT {k: 2})")
                raise RuntimeError("boom")
        assert tx2.state is TransactionState.ROLLED_BACK
    assert drv.closed
    assert raw.rows("MATCH (n:BtT) RETURN n.k") == [[1]]


async def test_concurrent_tasks_share_the_pool(async_driver: AsyncBoltDriver, raw: Any) -> None:
    async def work(k: int) -> None:
        tx = await async_driver.begin()
        await tx.execute("CREATE (:BtT {k: $k})", {"k": k})
        await asyncio.sleep(0)
        if k % 2:
            await tx.rollback()
        else:
            await tx.commit()

    await asyncio.gather(*(work(k) for k in range(8)))
    values = await asyncio.gather(
        *(async_driver.execute("MATCH (n:BtT) RETURN count(n)", write=False) for _ in range(4))
    )
    assert [v.scalar() for v in values] == [4, 4, 4, 4]
    assert sorted(row[0] for row in raw.rows("MATCH (n:BtT) RETURN n.k")) == [0, 2, 4, 6]


async def test_cancelling_a_task_leaves_no_transaction_open(
    settings: dict[str, Any], raw: Any
) -> None:
    drv = create_async_arcadedb_driver(
        **settings, max_connection_pool_size=1, connection_acquisition_timeout=3.0
    )
    try:
        tx = await drv.begin()
        await tx.execute("CREATE (:BtT {k: 1})")
        task = asyncio.ensure_future(
            tx.execute("UNWIND range(1, 3000000) AS i WITH i WHERE i < 0 RETURN count(*)")
        )
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert tx.state is TransactionState.FAILED
        assert raw.count("BtT") == 0
        assert (await drv.execute("RETURN 1 AS one")).scalar() == 1
    finally:
        await drv.close()
