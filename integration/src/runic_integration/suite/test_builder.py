"""The statement builder on a real graph: traversal, repeat, with_, order, paging,
distinct, project, aggregates, terminals, immutability."""

from __future__ import annotations

import pytest

from runic.ogm import avg, collect, count, inspect, max_, min_, select, sum_, text
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Company, Person, Score


async def _graph(db: RunicDB) -> None:
    """ada -> bob -> dee -> eve, ada -> cy; ada, bob at acme; cy at globex."""
    async with db.session() as session:
        acme = Company(id="acme", name="Acme", city="Berlin")
        globex = Company(id="globex", name="Globex", city="Paris")
        ada = Person(id="ada", name="Ada", age=36, employer=acme)
        bob = Person(id="bob", name="Bob", age=29, employer=acme)
        cy = Person(id="cy", name="Cy", age=41, employer=globex)
        dee = Person(id="dee", name="Dee", age=25)
        eve = Person(id="eve", name="Eve", age=33)
        ada.friends = [bob, cy]
        bob.friends = [dee]
        dee.friends = [eve]
        session.add_all([ada, bob, cy, dee, eve])


def _ids(entities: list[object]) -> list[str]:
    return sorted(str(getattr(e, "id", e)) for e in entities)


@backend_test
async def test_traverse_required_returns_targets(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        companies = await session.scalars(
            select(Person)
            .alias("p")
            .traverse(Person.employer, optional=False)
            .alias("c")
            .return_target("c")
            .distinct()
            .order_by(Company.name)
        )
        assert [c.name for c in companies] == ["Acme", "Globex"]
        assert all(isinstance(c, Company) for c in companies)


@backend_test
async def test_traverse_optional_keeps_sources_without_a_neighbour(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        rows = await session.all_rows(
            select(Person)
            .alias("p")
            .traverse(Person.employer)
            .alias("c")
            .return_nodes("p", "c")
            .order_by(Person.id)
        )
        got = [(r["p"].id, None if r["c"] is None else r["c"].id) for r in rows]
        assert got == [
            ("ada", "acme"),
            ("bob", "acme"),
            ("cy", "globex"),
            ("dee", None),
            ("eve", None),
        ]


@backend_test
async def test_filter_on_the_traversal_target(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        at_acme = await session.scalars(
            select(Person)
            .alias("p")
            .traverse(Person.employer, optional=False)
            .alias("c")
            .where(Company.city == "Berlin")
            .return_target("p")
            .order_by(Person.id)
        )
        assert [p.id for p in at_acme] == ["ada", "bob"]
        # on an optional traversal the filter is the OPTIONAL MATCH condition: rows stay
        rows = await session.all_rows(
            select(Person)
            .alias("p")
            .traverse(Person.employer)
            .alias("c")
            .where(Company.city == "Paris")
            .project(Person.id, Company.name)
            .order_by(Person.id)
        )
        assert [(r["id"], r["name"]) for r in rows] == [
            ("ada", None),
            ("bob", None),
            ("cy", "Globex"),
            ("dee", None),
            ("eve", None),
        ]


@backend_test
async def test_two_hop_traversal(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        employers_of_adas_friends = await session.scalars(
            select(Person)
            .alias("p")
            .where(Person.id == "ada")
            .traverse(Person.friends, optional=False)
            .alias("f")
            .traverse(Person.employer, optional=False, source="f")
            .alias("c")
            .return_target("c")
            .order_by(Company.id)
        )
        assert [c.id for c in employers_of_adas_friends] == ["acme", "globex"]


@backend_test
async def test_repeat_fixed_and_variable_length(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        base = select(Person).alias("p").where(Person.id == "ada")
        two = await session.scalars(
            base.repeat(Person.friends, min_hops=2, max_hops=2).alias("f").return_target("f")
        )
        assert _ids(two) == ["dee"]
        reachable = await session.scalars(
            base.repeat(Person.friends).alias("f").return_target("f").distinct()
        )
        assert _ids(reachable) == ["bob", "cy", "dee", "eve"]
        up_to_two = await session.scalars(
            base.repeat(Person.friends, min_hops=1, max_hops=2)
            .alias("f")
            .return_target("f")
            .distinct()
        )
        assert _ids(up_to_two) == ["bob", "cy", "dee"]
        none_far = await session.scalars(
            base.repeat(Person.friends, min_hops=5, max_hops=6).alias("f").return_target("f")
        )
        assert none_far == []


@backend_test
async def test_with_stage_then_traverse(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        friends_of_over_30s = await session.scalars(
            select(Person)
            .alias("p")
            .where(Person.age > 30)
            .with_("p")
            .traverse(Person.friends, optional=False)
            .alias("f")
            .return_target("f")
            .order_by("f.id")
        )
        # ada (36) knows bob and cy; cy (41) knows nobody; eve (33) knows nobody
        assert [f.id for f in friends_of_over_30s] == ["bob", "cy"]


@backend_test
async def test_order_by_fields_and_raw_text(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        by_age_desc = await session.scalars(select(Person).order_by(Person.age, desc=True))
        assert [p.id for p in by_age_desc] == ["cy", "ada", "eve", "bob", "dee"]
        two_keys = await session.scalars(
            select(Person)
            .alias("p")
            .traverse(Person.employer, optional=False)
            .alias("c")
            .return_target("p")
            .order_by(Company.name, desc=True)
            .order_by(Person.name)
        )
        assert [p.id for p in two_keys] == ["cy", "ada", "bob"]
        raw = await session.scalars(select(Person).order_by("n.name DESC"))
        assert [p.id for p in raw] == ["eve", "dee", "cy", "bob", "ada"]


@backend_test
async def test_skip_and_limit_page_through_results(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        ordered = select(Person).order_by(Person.id)
        pages = [
            [p.id for p in await session.scalars(ordered.skip(n).limit(2))] for n in (0, 2, 4, 6)
        ]
        assert pages == [["ada", "bob"], ["cy", "dee"], ["eve"], []]
        assert [p.id for p in await session.query(Person).order_by(Person.id).limit(1).all()] == [
            "ada"
        ]


@backend_test
async def test_distinct_removes_duplicate_rows(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        stmt = (
            select(Person)
            .alias("p")
            .traverse(Person.employer, optional=False)
            .alias("c")
            .project(Company.name)
        )
        assert sorted(await session.scalars(stmt)) == ["Acme", "Acme", "Globex"]
        assert sorted(await session.scalars(stmt.distinct())) == ["Acme", "Globex"]


@backend_test
async def test_project_fields_aliases_and_raw_expressions(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        names = await session.scalars(select(Person).project(Person.name).order_by(Person.name))
        assert names == ["Ada", "Bob", "Cy", "Dee", "Eve"]
        rows = await session.all_rows(
            select(Person)
            .where(Person.age > 35)
            .project(Person.id, Person.age, text("n.age + 1 AS next"))
            .order_by(Person.id)
        )
        assert rows == [{"id": "ada", "age": 36, "next": 37}, {"id": "cy", "age": 41, "next": 42}]
        clash = await session.all_rows(
            select(Person)
            .alias("p")
            .traverse(Person.employer, optional=False)
            .alias("c")
            .project(Person.name, Company.name)
            .order_by(Person.name)
        )
        assert clash == [
            {"p_name": "Ada", "c_name": "Acme"},
            {"p_name": "Bob", "c_name": "Acme"},
            {"p_name": "Cy", "c_name": "Globex"},
        ]
        raw_pairs = await session.all_rows(
            select(Person)
            .alias("p")
            .where(Person.id == "ada")
            .traverse(Person.friends, optional=False)
            .alias("f")
            .project("p.name AS p_name", "f.name AS f_name")
            .order_by("f.name")
        )
        assert raw_pairs == [{"p_name": "Ada", "f_name": "Bob"}, {"p_name": "Ada", "f_name": "Cy"}]
        with_entities = await session.all_rows(
            select(Person)
            .alias("p")
            .traverse(Person.employer, optional=False)
            .alias("c")
            .project("p", Company.name)
            .order_by(Person.id)
        )
        assert [(r["p"].id, r["name"]) for r in with_entities] == [
            ("ada", "Acme"),
            ("bob", "Acme"),
            ("cy", "Globex"),
        ]
        assert isinstance(with_entities[0]["p"], Person)


async def _scores(db: RunicDB) -> None:
    async with db.session() as session:
        session.add_all(
            [
                Score(id="1", team="a", points=10, weight=1.0),
                Score(id="2", team="a", points=20, weight=2.0),
                Score(id="3", team="b", points=5, weight=0.5),
                Score(id="4", team="c", points=7, weight=1.0),
                Score(id="5", team="c", points=7, weight=1.0),
                Score(id="6", team="c", points=7, weight=1.0),
            ]
        )


@backend_test
async def test_aggregates_over_everything(db: RunicDB) -> None:
    await _scores(db)
    async with db.session() as session:
        (row,) = await session.all_rows(
            select(Score).aggregate(
                count().as_("n"),
                count(Score.points, distinct=True).as_("distinct_points"),
                sum_(Score.points).as_("total"),
                avg(Score.weight).as_("mean_weight"),
                min_(Score.points).as_("low"),
                max_(Score.points).as_("high"),
            )
        )
        assert row == {
            "n": 6,
            "distinct_points": 4,
            "total": 56,
            "mean_weight": pytest.approx(6.5 / 6),
            "low": 5,
            "high": 20,
        }
        total = await session.scalar(select(Score).aggregate(sum_(Score.points).as_("t")))
        assert total == 56


@backend_test
async def test_aggregates_grouped_by_a_field(db: RunicDB) -> None:
    await _scores(db)
    async with db.session() as session:
        rows = await session.all_rows(
            select(Score)
            .aggregate(
                count().as_("n"),
                sum_(Score.points).as_("total"),
                collect(Score.points).as_("all"),
                collect(Score.points, distinct=True).as_("distinct"),
                group_by=Score.team,
            )
            .order_by("team")
        )
        got = [
            (r["team"], r["n"], r["total"], sorted(r["all"]), sorted(r["distinct"])) for r in rows
        ]
        assert got == [
            ("a", 2, 30, [10, 20], [10, 20]),
            ("b", 1, 5, [5], [5]),
            ("c", 3, 21, [7, 7, 7], [7]),
        ]


@backend_test
async def test_aggregates_grouped_by_a_node_alias(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        rows = await session.all_rows(
            select(Person)
            .alias("p")
            .traverse(Person.friends)
            .alias("f")
            .aggregate(count("f").as_("friends"), group_by="p")
            .order_by("friends DESC")
            .order_by("p.id")
        )
        got = [(r["p"].id, r["friends"]) for r in rows]
        assert got == [("ada", 2), ("bob", 1), ("dee", 1), ("cy", 0), ("eve", 0)]
        assert isinstance(rows[0]["p"], Person)
        per_company = await session.all_rows(
            select(Person)
            .alias("p")
            .traverse(Person.employer, optional=False)
            .alias("c")
            .aggregate(
                avg(Person.age).as_("avg_age"), collect(Person.name).as_("names"), group_by="c"
            )
            .order_by("c.id")
        )
        assert [(r["c"].id, r["avg_age"], sorted(r["names"])) for r in per_company] == [
            ("acme", pytest.approx(32.5), ["Ada", "Bob"]),
            ("globex", pytest.approx(41.0), ["Cy"]),
        ]


@backend_test
async def test_count_scalar_one_and_first(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        assert await session.count(select(Person)) == 5
        assert await session.count(select(Person).order_by(Person.id).skip(1).limit(1)) == 5
        assert await session.count(select(Person).where(Person.age > 100)) == 0
        oldest = await session.scalar(select(Person).order_by(Person.age, desc=True))
        assert oldest is not None and oldest.id == "cy"
        assert await session.scalar(select(Person).where(Person.age > 100)) is None
        assert await session.query(Person).where(Person.age > 100).one() is None
        first = await session.query(Person).order_by(Person.id).first()
        assert first is not None and first.id == "ada"
        assert await session.query(Person).where(Person.age < 30).count() == 2
        assert await session.query(Company).project(Company.name).order_by(
            Company.name
        ).scalars() == ["Acme", "Globex"]


@backend_test
async def test_statements_are_immutable_and_reusable(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        base = select(Person).order_by(Person.id)
        young = base.where(Person.age < 30)
        old = base.where(Person.age > 35)
        assert [p.id for p in await session.scalars(young)] == ["bob", "dee"]
        assert [p.id for p in await session.scalars(old)] == ["ada", "cy"]
        assert [p.id for p in await session.scalars(base)] == ["ada", "bob", "cy", "dee", "eve"]
        assert [p.id for p in await session.scalars(young)] == ["bob", "dee"]


@backend_test
async def test_alias_renames_the_root_and_targets(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        rows = await session.all_rows(
            select(Person)
            .alias("person")
            .where(Person.id == "bob")
            .traverse(Person.friends, optional=False)
            .alias("friend")
            .project("person.name AS a", "friend.name AS b")
        )
        assert rows == [{"a": "Bob", "b": "Dee"}]


@backend_test
async def test_bound_queries_offer_where_id_and_traversal_sources(db: RunicDB) -> None:
    await _graph(db)
    async with db.session() as session:
        ada = await session.get(Person, "ada")
        assert ada is not None
        ada_id = inspect(ada).graph_id
        assert await session.query(Person).where_id(ada_id).all() == [ada]
        # friends of ada's friends, each paired with the company of ada's friend
        rows = await (
            session.query(Person)
            .where_id(ada_id)
            .traverse(Person.friends, optional=False)
            .alias("f")
            .traverse(Person.employer, optional=False)
            .alias("c")
            .traverse(Person.friends, source="f", optional=False)
            .alias("ff")
            .return_nodes("f", "c", "ff")
            .all_rows()
        )
        assert [(r["f"].id, r["c"].id, r["ff"].id) for r in rows] == [("bob", "acme", "dee")]
        reach = await (
            session.query(Person)
            .alias("p")
            .where(Person.id == "ada")
            .traverse(Person.employer, optional=False)
            .alias("c")
            .repeat(Person.friends, min_hops=2, max_hops=3, source="p")
            .alias("far")
            .return_target("far")
            .all()
        )
        assert _ids(reach) == ["dee", "eve"]
