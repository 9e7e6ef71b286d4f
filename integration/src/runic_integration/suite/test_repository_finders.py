"""Repository derived finders, typed finder stubs and aggregates, on every backend.

Each finder call and each aggregate is one statement; entities come back through
the session's identity map.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from runic.ogm import AsyncRepository, Field, Node, QueryBuildError, Repository
from runic_integration import RunicDB, backend_test
from runic_integration.statements import logged_statements


class Member(Node, labels=["ItFinderMember"]):
    """Underscored field names (first_name, created_at) for the finder parser."""

    id: str = Field(primary_key=True)
    name: str = ""
    first_name: str = ""
    age: int | None = None
    city: str = ""
    email: str | None = None
    created_at: datetime | None = None


def _at(day: int) -> datetime:
    return datetime(2024, 1, day, 12, 0, tzinfo=UTC)


MEMBERS = [
    # id, name, first_name, age, city, email, created_at
    ("m1", "Lovelace", "Ada", 36, "London", "ada@example.org", _at(1)),
    ("m2", "Babbage", "Charles", 79, "London", None, _at(2)),
    ("m3", "Hopper", "Grace", 85, "New York", "grace@example.org", _at(3)),
    ("m4", "Turing", "Alan", 41, "Wilmslow", None, None),
    ("m5", "Hamilton", "Margaret", 29, "Boston", "mh@example.org", _at(5)),
    ("m6", "Noether", "Emmy", None, "Berlin", None, _at(6)),
]


async def _members(db: RunicDB) -> None:
    async with db.session() as session:
        session.add_all(
            [
                Member(id=i, name=n, first_name=f, age=a, city=c, email=e, created_at=t)
                for i, n, f, a, c, e, t in MEMBERS
            ]
        )


def _ids(found: list[Any]) -> list[str]:
    return sorted(m.id for m in found)


@backend_test
async def test_finders_every_operator(db: RunicDB) -> None:
    await _members(db)
    async with db.session() as session:
        repo = db.repository(session, Member)
        assert _ids(await repo.find_by_name("Turing")) == ["m4"]
        assert _ids(await repo.find_by_city_equals("London")) == ["m1", "m2"]
        assert _ids(await repo.find_by_city_not("London")) == ["m3", "m4", "m5", "m6"]
        assert _ids(await repo.find_by_age_greater_than(41)) == ["m2", "m3"]
        assert _ids(await repo.find_by_age_greater_than_equal(41)) == ["m2", "m3", "m4"]
        assert _ids(await repo.find_by_age_less_than(36)) == ["m5"]
        assert _ids(await repo.find_by_age_less_than_equal(36)) == ["m1", "m5"]
        assert _ids(await repo.find_by_age_between(36, 79)) == ["m1", "m2", "m4"]
        assert _ids(await repo.find_by_city_in(["Boston", "Berlin"])) == ["m5", "m6"]
        assert _ids(await repo.find_by_city_not_in(["London", "New York"])) == ["m4", "m5", "m6"]
        assert _ids(await repo.find_by_name_containing("am")) == ["m5"]  # Hamilton
        assert _ids(await repo.find_by_name_starting_with("Ho")) == ["m3"]
        assert _ids(await repo.find_by_name_ending_with("ing")) == ["m4"]
        assert _ids(await repo.find_by_email_is_null()) == ["m2", "m4", "m6"]
        assert _ids(await repo.find_by_email_is_not_null()) == ["m1", "m3", "m5"]
        assert _ids(await repo.find_by_email_regex(".*@example[.]org")) == ["m1", "m3", "m5"]


@backend_test
async def test_finders_and_or_order_and_underscored_fields(db: RunicDB) -> None:
    await _members(db)
    async with db.session() as session:
        repo = db.repository(session, Member)
        # underscored field names: first_name is not name, created_at is one field
        assert _ids(await repo.find_by_first_name("Ada")) == ["m1"]
        assert _ids(await repo.find_by_first_name_starting_with("A")) == ["m1", "m4"]
        assert _ids(await repo.find_by_created_at_is_null()) == ["m4"]
        assert _ids(await repo.find_by_created_at_greater_than(_at(3))) == ["m5", "m6"]
        assert _ids(await repo.find_by_city_and_age_greater_than("London", 40)) == ["m2"]
        assert _ids(await repo.find_by_city_or_age_less_than("Berlin", 30)) == ["m5", "m6"]
        # _and_ binds tighter than _or_: Boston, or (London and over 70)
        found = await repo.find_by_city_or_city_and_age_greater_than("Boston", "London", 70)
        assert _ids(found) == ["m2", "m5"]
        ordered = await repo.find_by_city_order_by_first_name_desc("London")
        assert [m.id for m in ordered] == ["m2", "m1"]  # Charles, Ada
        ordered = await repo.find_by_age_is_not_null_order_by_age()
        assert [m.id for m in ordered] == ["m5", "m1", "m4", "m2", "m3"]
        newest_first = await repo.find_all_order_by_created_at_desc()
        assert [m.id for m in newest_first if m.created_at is not None] == [
            "m6",
            "m5",
            "m3",
            "m2",
            "m1",
        ]
        by_name = await repo.find_all_order_by_name_asc()
        assert [m.name for m in by_name] == sorted(m[1] for m in MEMBERS)
        assert by_name[0] is await session.get(Member, "m2")  # the identity map's entity


@backend_test
async def test_find_first_count_and_exists_by(db: RunicDB) -> None:
    await _members(db)
    async with db.session() as session:
        repo = db.repository(session, Member)
        first = await repo.find_first_by_city_order_by_age_desc("London")
        assert first is not None and first.id == "m2"
        assert await repo.find_first_by_name("Nobody") is None
        assert await repo.count_by_city("London") == 2
        assert await repo.count_by_age_greater_than(100) == 0
        assert await repo.count_by_email_is_null() == 3
        assert await repo.exists_by_email("grace@example.org") is True
        assert await repo.exists_by_email("nobody@example.org") is False
        assert await repo.exists_by_first_name_and_city("Alan", "Wilmslow") is True


@backend_test
async def test_one_statement_per_finder_call(db: RunicDB) -> None:
    await _members(db)
    async with db.session(log_cypher=True) as session:
        repo = db.repository(session, Member)
        calls: list[Callable[[], Any]] = [
            lambda: repo.find_by_age_between(30, 90),
            lambda: repo.find_first_by_city("London"),
            lambda: repo.count_by_city_in(["London", "Boston"]),
            lambda: repo.exists_by_name("Hopper"),
            lambda: repo.find_all_order_by_age_desc(),
            lambda: repo.sum("age"),
            lambda: repo.avg(Member.age),
            lambda: repo.min("created_at"),
            lambda: repo.max("age"),
        ]
        for call in calls:
            with logged_statements() as counted:
                await call()
            assert len(counted.sent) == 1, counted.sent


@backend_test
async def test_aggregates_on_empty_and_filled_graphs(db: RunicDB) -> None:
    async with db.session() as session:
        repo = db.repository(session, Member)
        assert await repo.sum("age") == 0
        assert await repo.avg("age") is None
        assert await repo.min(Member.age) is None
        assert await repo.max("created_at") is None
    await _members(db)
    async with db.session() as session:
        repo = db.repository(session, Member)
        assert await repo.sum("age") == 36 + 79 + 85 + 41 + 29  # null ages are skipped
        assert await repo.avg(Member.age) == pytest.approx(270 / 5)
        assert await repo.min("age") == 29
        assert await repo.max(Member.age) == 85
        assert await repo.min("name") == "Babbage"
        # a converted field comes back converted
        assert await repo.min("created_at") == _at(1)
        assert await repo.max("created_at") == _at(6)


@backend_test
async def test_finder_and_aggregate_errors(db: RunicDB) -> None:
    await _members(db)
    async with db.session() as session:
        repo = db.repository(session, Member)
        with pytest.raises(AttributeError) as caught:
            await repo.find_by_agee(3)
        message = str(caught.value)
        assert "Member repository has no method find_by_agee()" in message
        assert "(at 'agee')" in message
        assert "Member has the fields age, city, created_at, email, first_name, id, name" in message
        with pytest.raises(AttributeError, match=r"after the field 'age', expected an operator"):
            await repo.count_by_age_greather_than(3)
        with pytest.raises(TypeError, match=r"find_by_age_between\(\) takes 2 arguments"):
            await repo.find_by_age_between(3)
        with pytest.raises(TypeError, match=r"delete_by_age_less_than\(\) takes 1 argument"):
            await repo.delete_by_age_less_than()
        with pytest.raises(QueryBuildError, match=r"sum\(\) takes a field of Member"):
            await repo.sum("salary")
    assert db.count("ItFinderMember") == len(MEMBERS)  # nothing was deleted


class Members(Repository[Member]):
    """Typed finder stubs (sync): implemented when the class is defined."""

    def find_by_age_greater_than(self, age: int) -> list[Member]:
        raise NotImplementedError

    def find_first_by_first_name(self, first_name: str) -> Member | None:
        raise NotImplementedError

    def count_by_city(self, city: str) -> int:
        raise NotImplementedError


class AsyncMembers(AsyncRepository[Member]):
    """The same stubs (async)."""

    async def find_by_age_greater_than(self, age: int) -> list[Member]:
        raise NotImplementedError

    async def find_first_by_first_name(self, first_name: str) -> Member | None:
        raise NotImplementedError

    async def count_by_city(self, city: str) -> int:
        raise NotImplementedError


@backend_test
async def test_typed_finder_stubs(db: RunicDB) -> None:
    await _members(db)
    async with db.session() as session:
        repo = db.repository(session, Member, sync_class=Members, async_class=AsyncMembers)
        assert _ids(await repo.find_by_age_greater_than(80)) == ["m3"]
        grace = await repo.find_first_by_first_name(first_name="Grace")
        assert grace is not None and grace.name == "Hopper"
        assert await repo.count_by_city("London") == 2
