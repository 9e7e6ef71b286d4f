"""The AsyncSession's operation lock: reads overlap, everything else runs alone."""

from __future__ import annotations

import asyncio

from runic.ogm.session.oplock import OperationLock


async def _hold(lock: OperationLock, kind: str, name: str, log: list[str], pause: float) -> None:
    async with lock.shared() if kind == "r" else lock.exclusive():
        log.append(f"+{name}")
        await asyncio.sleep(pause)
        log.append(f"-{name}")


async def test_reads_overlap() -> None:
    lock, log = OperationLock(), []
    await asyncio.gather(_hold(lock, "r", "a", log, 0.01), _hold(lock, "r", "b", log, 0.01))
    assert log == ["+a", "+b", "-a", "-b"]


async def test_exclusive_operations_run_alone() -> None:
    lock, log = OperationLock(), []
    await asyncio.gather(
        _hold(lock, "w", "a", log, 0.01),
        _hold(lock, "r", "b", log, 0.01),
        _hold(lock, "w", "c", log, 0.01),
    )
    # one at a time; the waiting exclusive "c" goes before the read "b"
    assert log == ["+a", "-a", "+c", "-c", "+b", "-b"]


async def test_a_waiting_exclusive_operation_goes_before_later_reads() -> None:
    lock, log = OperationLock(), []

    async def late_reader() -> None:
        await asyncio.sleep(0.005)  # arrives while "w" waits for "r1"
        await _hold(lock, "r", "r2", log, 0.001)

    await asyncio.gather(
        _hold(lock, "r", "r1", log, 0.02), _hold(lock, "w", "w", log, 0.001), late_reader()
    )
    assert log == ["+r1", "-r1", "+w", "-w", "+r2", "-r2"]


async def test_a_cancelled_waiter_leaves_the_lock_usable() -> None:
    lock, log = OperationLock(), []
    holder = asyncio.create_task(_hold(lock, "w", "a", log, 0.02))
    await asyncio.sleep(0)
    waiter = asyncio.create_task(_hold(lock, "w", "b", log, 0.001))
    await asyncio.sleep(0.005)
    waiter.cancel()
    await holder
    await _hold(lock, "r", "c", log, 0.001)
    assert log == ["+a", "-a", "+c", "-c"]
