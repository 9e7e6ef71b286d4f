"""Derived finders: names parsed into ``select()`` statements (pure code, no database).

A recording stand-in for the session shows which terminal a finder calls and
with which statement; the statements are compiled with the reference dialect.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from runic.ogm import (
    AsyncRepository,
    BulkResult,
    CypherDialect,
    Field,
    Node,
    QueryBuildError,
    Relation,
    Repository,
)
from runic.ogm.repository.finders import finder_for

D = CypherDialect()


class Member(Node, labels=["RFMember"]):
    id: str = Field(primary_key=True)
    name: str = ""
    first_name: str = ""
    age: int = 0
    city: str = ""
    created_at: datetime | None = None


class Recorder:
    """Stands in for a session: records (terminal, compiled statement)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def _record(self, terminal: str, stmt: Any) -> str:
        compiled = stmt.compile(D)
        self.calls.append((terminal, compiled.cypher, compiled.params))
        return terminal

    def scalars(self, stmt: Any) -> str:
        return self._record("scalars", stmt)

    def scalar(self, stmt: Any) -> str:
        return self._record("scalar", stmt)

    def count(self, stmt: Any) -> str:
        return self._record("count", stmt)

    def exists(self, stmt: Any) -> str:
        return self._record("exists", stmt)

    def execute(self, stmt: Any) -> BulkResult:
        self._record("execute", stmt)
        return BulkResult(7)


def _repo() -> tuple[Any, Recorder]:
    rec = Recorder()
    return Repository(rec, Member), rec  # type: ignore[arg-type]


M = "MATCH (n:`RFMember`) "


@pytest.mark.parametrize(
    ("name", "args", "where", "params"),
    [
        ("find_by_name", ["Ada"], "n.`name` = $p0", ["Ada"]),
        ("find_by_name_equals", ["Ada"], "n.`name` = $p0", ["Ada"]),
        ("find_by_name_not", ["Ada"], "n.`name` <> $p0", ["Ada"]),
        ("find_by_age_greater_than", [18], "n.`age` > $p0", [18]),
        ("find_by_age_greater_than_equal", [18], "n.`age` >= $p0", [18]),
        ("find_by_age_less_than", [18], "n.`age` < $p0", [18]),
        ("find_by_age_less_than_equal", [18], "n.`age` <= $p0", [18]),
        ("find_by_age_between", [60, 80], "n.`age` >= $p0 AND n.`age` <= $p1", [60, 80]),
        ("find_by_age_in", [[1, 2]], "n.`age` IN $p0", [[1, 2]]),
        ("find_by_age_not_in", [[1, 2]], "NOT (n.`age` IN $p0)", [[1, 2]]),
        ("find_by_name_containing", ["da"], "n.`name` CONTAINS $p0", ["da"]),
        ("find_by_name_starting_with", ["A"], "n.`name` STARTS WITH $p0", ["A"]),
        ("find_by_name_ending_with", ["a"], "n.`name` ENDS WITH $p0", ["a"]),
        ("find_by_created_at_is_null", [], "n.`created_at` IS NULL", []),
        ("find_by_created_at_is_not_null", [], "n.`created_at` IS NOT NULL", []),
        ("find_by_name_regex", ["A.*"], "n.`name` =~ $p0", ["A.*"]),
        # underscored field names: the longest field name wins (first_name, not name)
        ("find_by_first_name", ["Ada"], "n.`first_name` = $p0", ["Ada"]),
        ("find_by_first_name_not_in", [["x"]], "NOT (n.`first_name` IN $p0)", [["x"]]),
        (
            "find_by_city_and_age_greater_than",
            ["B", 30],
            "n.`city` = $p0 AND n.`age` > $p1",
            ["B", 30],
        ),
        # _and_ binds tighter than _or_
        (
            "find_by_city_or_age_less_than_and_name",
            ["B", 30, "x"],
            "n.`city` = $p0 OR (n.`age` < $p1 AND n.`name` = $p2)",
            ["B", 30, "x"],
        ),
    ],
)
def test_every_operator(name: str, args: list[Any], where: str, params: list[Any]) -> None:
    repo, rec = _repo()
    assert getattr(repo, name)(*args) == "scalars"
    [(_, cypher, sent)] = rec.calls
    assert cypher == f"{M}WHERE {where} RETURN n"
    assert sent == {f"p{i}": v for i, v in enumerate(params)}


@pytest.mark.parametrize(
    ("name", "args", "terminal", "cypher"),
    [
        ("find_first_by_city", ["B"], "scalar", f"{M}WHERE n.`city` = $p0 RETURN n"),
        ("count_by_age", [25], "count", f"{M}WHERE n.`age` = $p0 RETURN n"),
        ("exists_by_name", ["Ada"], "exists", f"{M}WHERE n.`name` = $p0 RETURN n"),
        (
            "find_by_age_greater_than_order_by_created_at_desc",
            [1],
            "scalars",
            f"{M}WHERE n.`age` > $p0 RETURN n ORDER BY n.`created_at` DESC",
        ),
        (
            "find_by_city_order_by_first_name",
            ["B"],
            "scalars",
            f"{M}WHERE n.`city` = $p0 RETURN n ORDER BY n.`first_name`",
        ),
        ("find_all_order_by_age", [], "scalars", f"{M}RETURN n ORDER BY n.`age`"),
        ("find_all_order_by_age_asc", [], "scalars", f"{M}RETURN n ORDER BY n.`age`"),
        (
            "find_all_order_by_created_at_desc",
            [],
            "scalars",
            f"{M}RETURN n ORDER BY n.`created_at` DESC",
        ),
    ],
)
def test_terminals_and_order(name: str, args: list[Any], terminal: str, cypher: str) -> None:
    repo, rec = _repo()
    assert getattr(repo, name)(*args) == terminal
    assert rec.calls[0][:2] == (terminal, cypher)


def test_a_name_is_parsed_once_per_class() -> None:
    assert finder_for(Member, "find_by_age_between") is finder_for(Member, "find_by_age_between")


@pytest.mark.parametrize(
    ("name", "part", "why"),
    [
        ("find_by_agee", "'agee'", "no field of Member starts here"),
        (
            "find_by_age_greather_than",
            "'greather_than'",
            "after the field 'age', expected an operator",
        ),
        ("count_by_name_and", "'and'", "expected an operator"),
        ("find_by_", "'(nothing)'", "no condition"),
        ("find_all_order_by_nme", "'nme'", "'nme' is not a field of Member"),
        ("find_by_name_order_by_x", "'x'", "no field of Member after _order_by_"),
        ("exists_by_age_order_by_age", "'order_by'", "exists_by_ finders have no order"),
    ],
)
def test_unknown_field_or_operator_is_an_attribute_error(name: str, part: str, why: str) -> None:
    repo, rec = _repo()
    with pytest.raises(AttributeError) as caught:
        getattr(repo, name)
    message = str(caught.value)
    assert f"Member repository has no method {name}()" in message
    assert why in message and f"(at {part})" in message
    assert "Member has the fields age, city, created_at, first_name, id, name" in message
    assert rec.calls == []


def test_other_missing_attributes_stay_plain_attribute_errors() -> None:
    repo, _ = _repo()
    assert not hasattr(repo, "frobnicate")
    with pytest.raises(AttributeError, match="'Repository' object has no attribute 'frobnicate'"):
        repo.frobnicate  # noqa: B018


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        (
            "find_by_age_between",
            [1],
            r"find_by_age_between\(\) takes 2 arguments \(age_lower, age_upper\), got 1",
        ),
        ("find_by_name", [], r"find_by_name\(\) takes 1 argument \(name\), got 0"),
        (
            "find_by_age_is_null",
            [3],
            r"find_by_age_is_null\(\) takes 0 arguments \(no arguments\), got 1",
        ),
        ("find_all_order_by_age", [3], r"find_all_order_by_age\(\) takes 0 arguments"),
    ],
)
def test_wrong_argument_count_is_a_type_error(name: str, args: list[Any], message: str) -> None:
    repo, rec = _repo()
    with pytest.raises(TypeError, match=f"Member repository {message}"):
        getattr(repo, name)(*args)
    assert rec.calls == []


def test_delete_by_is_a_bulk_delete_returning_the_count() -> None:
    repo, rec = _repo()
    assert repo.delete_by_age_less_than_or_city(18, "Rome") == 7  # the statement's rowcount
    assert rec.calls == [
        (
            "execute",
            M + "WHERE n.`age` < $p0 OR n.`city` = $p1 DETACH DELETE n RETURN count(*) AS rowcount",
            {"p0": 18, "p1": "Rome"},
        )
    ]
    with pytest.raises(TypeError, match="takes 2 arguments"):
        repo.delete_by_age_less_than_or_city(18)
    assert len(rec.calls) == 1


# -- aggregates ------------------------------------------------------------------------


class ValueRecorder(Recorder):
    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value

    def scalar(self, stmt: Any) -> Any:
        self._record("scalar", stmt)
        return self.value


@pytest.mark.parametrize("func", ["sum", "avg", "min", "max"])
def test_aggregates_one_statement(func: str) -> None:
    rec = ValueRecorder(7)
    repo = Repository(rec, Member)  # type: ignore[arg-type]
    assert getattr(repo, func)("age") == 7
    assert getattr(repo, func)(Member.age) == 7
    assert [c[1] for c in rec.calls] == [f"{M}RETURN {func}(n.`age`) AS `value`"] * 2


def test_aggregates_of_nothing() -> None:
    repo = Repository(ValueRecorder(None), Member)  # type: ignore[arg-type]
    assert repo.sum("age") == 0
    assert (repo.avg("age"), repo.min("age"), repo.max(Member.age)) == (None, None, None)


def test_aggregate_of_an_unknown_field() -> None:
    repo = Repository(ValueRecorder(None), Member)  # type: ignore[arg-type]
    with pytest.raises(
        QueryBuildError,
        match=r"sum\(\) takes a field of Member.*got 'agee'; Member has the fields age, city",
    ):
        repo.sum("agee")

    class Other(Node, labels=["RFOther"]):
        age: int = 0

    with pytest.raises(QueryBuildError, match=r"max\(\): Other.age is not a field of Member"):
        repo.max(Other.age)


# -- typed stubs -----------------------------------------------------------------------


class Members(Repository[Member]):
    def find_by_age_greater_than(self, age: int) -> list[Member]:
        raise NotImplementedError

    def count_by_city(self, city: str) -> int: ...

    def find_by_name(self, name: str) -> list[Member]:
        """A real method with a finder's name is left alone."""
        return []


class AsyncMembers(AsyncRepository[Member]):
    async def find_first_by_first_name(self, first_name: str) -> Member | None:
        raise NotImplementedError


def test_stubs_are_implemented_at_class_definition() -> None:
    rec = Recorder()
    repo = Members(rec)  # type: ignore[arg-type]
    assert repo.entity_class is Member
    assert repo.find_by_age_greater_than(3) == "scalars"  # type: ignore[comparison-overlap]
    assert repo.find_by_age_greater_than(age=4) == "scalars"  # type: ignore[comparison-overlap]
    assert repo.count_by_city("B") == "count"  # type: ignore[comparison-overlap]
    assert repo.find_by_name("x") == []
    assert [c[2] for c in rec.calls] == [{"p0": 3}, {"p0": 4}, {"p0": "B"}]
    assert Members.find_by_age_greater_than.__name__ == "find_by_age_greater_than"


async def test_async_stubs_are_coroutines() -> None:
    rec = Recorder()

    async def scalar(stmt: Any) -> str:
        return rec._record("scalar", stmt)

    rec.scalar = scalar  # type: ignore[method-assign]
    repo = AsyncMembers(rec)  # type: ignore[arg-type]
    assert await repo.find_first_by_first_name("Ada") == "scalar"  # type: ignore[comparison-overlap]
    assert rec.calls[0][2] == {"p0": "Ada"}


def test_a_stub_that_does_not_parse_fails_at_class_definition() -> None:
    with pytest.raises(
        TypeError,
        match=r"Typo.find_by_agee: Member repository has no method find_by_agee\(\): no field",
    ):

        class Typo(Repository[Member]):
            def find_by_agee(self, age: int) -> list[Member]:
                raise NotImplementedError


def test_a_stub_with_the_wrong_arity_fails_at_class_definition() -> None:
    with pytest.raises(
        TypeError,
        match=r"Short.find_by_age_between\(\) must take 2 arguments after self \(age_lower, ",
    ):

        class Short(Repository[Member]):
            def find_by_age_between(self, age: int) -> list[Member]:
                raise NotImplementedError


def test_a_stub_of_the_wrong_flavour_fails_at_class_definition() -> None:
    with pytest.raises(
        TypeError, match=r"Blocking.count_by_age: a derived finder of AsyncRepository is async def"
    ):

        class Blocking(AsyncRepository[Member]):
            def count_by_age(self, age: int) -> int:
                raise NotImplementedError


def test_a_stub_needs_the_entity_class() -> None:
    with pytest.raises(
        TypeError,
        match=r"Untyped.count_by_age is a derived-finder stub, but Untyped does not say its entity",
    ):

        class Untyped(Repository):  # type: ignore[type-arg]
            def count_by_age(self, age: int) -> int:
                raise NotImplementedError


def test_a_declared_repository_refuses_another_class() -> None:
    class Other(Node, labels=["RFOther2"]):
        age: int = 0

    with pytest.raises(TypeError, match="Members is declared for Member, got entity class Other"):
        Members(Recorder(), Other)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"Repository\(session\) needs the entity class"):
        Repository(Recorder())  # type: ignore[arg-type,var-annotated]


def test_a_relation_in_a_finder_name_says_so() -> None:
    class Club(Node, labels=["RFClub"]):
        id: str = Field(primary_key=True)
        name: str = ""
        members: list[Member] = Relation(relationship="RF_HAS", target=Member)

    with pytest.raises(AttributeError, match="'members' is a relation, not a field"):
        finder_for(Club, "find_by_members_in")


def test_a_finder_without_arguments_shares_one_statement() -> None:
    finder = finder_for(Member, "find_all_order_by_age_desc")
    assert finder.statement([]) is finder.statement([])
    with_args = finder_for(Member, "find_by_age")
    assert with_args.statement([1]) is not with_args.statement([1])
