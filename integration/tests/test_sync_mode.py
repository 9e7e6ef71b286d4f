"""Sync mode's adapter: which calls are awaited is read off the async class."""

from __future__ import annotations

import asyncio
from typing import Any

from runic.ogm import AsyncSession, CypherDialect, Field, Node, QueryResult, Session, select
from runic_integration.sync_mode import Awaitified, Ready


class Blocking:
    def __init__(self) -> None:
        self.entered: list[str] = []

    def fetch(self, n: int) -> int:
        return n * 2

    def stage(self, n: int) -> int:
        return n + 1

    def extra(self) -> str:
        return "extra"

    label = "plain"

    def __contains__(self, item: object) -> bool:
        return item == 1

    def __enter__(self) -> Blocking:
        self.entered.append("enter")
        return self

    def __exit__(self, *exc: object) -> None:
        self.entered.append("exit")


class Twin:
    async def fetch(self, n: int) -> int:
        return n * 2

    def stage(self, n: int) -> int:
        return n + 1

    label = "plain"


def test_coroutines_of_the_twin_and_unknown_names_are_awaitable() -> None:
    inner = Blocking()
    wrapped: Any = Awaitified(inner, Twin)
    fetched = wrapped.fetch(3)
    assert isinstance(fetched, Ready) and fetched.value == 6  # ran already
    assert wrapped.stage(3) == 4  # a plain method of the twin: a plain call
    assert isinstance(wrapped.extra(), Ready)  # unknown to the twin: a repository finder
    assert wrapped.label == "plain" and 1 in wrapped and 2 not in wrapped

    async def body() -> None:
        assert await wrapped.fetch(5) == 10
        async with wrapped as same:
            assert same is wrapped and inner.entered == ["enter"]
        assert inner.entered == ["enter", "exit"]

    asyncio.run(body())


class _Driver:
    dialect = CypherDialect()

    def execute(self, cypher: str, params: Any = None, **kwargs: Any) -> QueryResult:
        return QueryResult(columns=["n"], rows=[])


def test_a_session_method_added_later_needs_no_change() -> None:
    class SyncModeThing(Node, labels=["SyncModeThing"]):
        id: str = Field(primary_key=True)

    session: Any = Awaitified(Session(_Driver()), AsyncSession)
    assert isinstance(session.find_all(SyncModeThing), Ready)  # a coroutine on AsyncSession
    bound = session.query(SyncModeThing)
    assert isinstance(bound, Awaitified)  # statements stay statements
    assert isinstance(bound.where(SyncModeThing.id == "a"), Awaitified)
    assert isinstance(bound.all(), Ready)
    assert session.add(SyncModeThing(id="a")) is None  # staging: a plain call
    assert isinstance(session.count(select(SyncModeThing)), Ready)
