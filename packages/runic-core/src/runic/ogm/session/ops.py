"""The sans-I/O protocol shared by the sync and async sessions.

Every session operation is a generator: it yields a :class:`Statement` and
receives the driver's :class:`~runic.ogm.driver.results.QueryResult` for it,
as many times as it needs, and finally returns its value. ``Session`` drives
such a generator with a blocking driver and ``AsyncSession`` with an awaiting
one; neither holds any other logic. (The same idea as psycopg 3's generators.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from runic.ogm.driver.results import QueryResult

__all__ = ["Op", "Statement", "drive", "drive_async"]

T = TypeVar("T")
S = TypeVar("S")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Statement:
    """One compiled statement: text, parameters, result columns, read or write."""

    cypher: str
    params: Mapping[str, Any] = field(default_factory=dict)
    columns: tuple[str, ...] = ()
    write: bool = False


Op = Generator[Statement, QueryResult, T]
"""A session operation: yields statements, receives results, returns ``T``."""


def drive(op: Generator[S, R, T], execute: Callable[[S], R]) -> T:
    """Run ``op`` to completion, executing each statement with ``execute``.

    Generic over what the operation yields and receives: the schema operations of
    :mod:`runic.migrate.ops` (DDL in, results back) are driven by this same loop.
    """
    try:
        stmt = next(op)
        while True:
            try:
                result = execute(stmt)
            except BaseException as exc:  # noqa: BLE001 - handed to the operation, which re-raises
                stmt = op.throw(exc)
            else:
                stmt = op.send(result)
    except StopIteration as stop:
        value: T = stop.value
        return value


async def drive_async(op: Generator[S, R, T], execute: Callable[[S], Awaitable[R]]) -> T:
    """Run ``op`` to completion, awaiting ``execute`` for each statement (see :func:`drive`)."""
    try:
        stmt = next(op)
        while True:
            try:
                result = await execute(stmt)
            except BaseException as exc:  # noqa: BLE001 - handed to the operation, which re-raises
                stmt = op.throw(exc)
            else:
                stmt = op.send(result)
    except StopIteration as stop:
        value: T = stop.value
        return value
