"""Statement execution: execute, scalars, scalar, count, all_rows, all_with_edges,
session.query(...) terminals (sync and awaitable), and log_cypher."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from session_models import Company, Knows, Person

from runic.ogm import (
    AsyncSession,
    QueryBuildError,
    QueryExecutionError,
    QueryResult,
    Session,
    avg,
    collect,
    count,
    select,
)


def _seed(raw: Any) -> None:
    raw.rows(
        "CREATE (a:SPerson {id: 'ada', name: 'Ada', age: 36, active: true}), "
        "(b:SPerson {id: 'bob', name: 'Bob', age: 29, active: true}), "
        "(c:SPerson {id: 'cy', name: 'Cy', age: 41, active: false}), "
        "(acme:SCompany {id: 'acme', name: 'Acme'}), "
        "(a)-[:S_KNOWS {since: 2001}]->(b), (a)-[:S_KNOWS {since: 2002}]->(c), "
        "(a)-[:S_WORKS_FOR]->(acme), (b)-[:S_WORKS_FOR]->(acme)"
    )


ACTIVE = select(Person).where(Person.active == True).order_by(Person.name)  # noqa: E712


def test_execute_raw_read_and_write(session: Session, raw: Any) -> None:
    _seed(raw)
    result = session.execute(
        "MATCH (n:SPerson) WHERE n.age > $min RETURN n.id AS id ORDER BY id", {"min": 30}
    )
    assert isinstance(result, QueryResult)
    assert result.columns == ["id"]
    assert result.rows == [("ada",), ("cy",)]
    session.execute(
        "MATCH (n:SPerson {id: $id}) SET n.age = $age", {"id": "bob", "age": 30}, write=True
    )
    assert raw.props("SPerson")["bob"]["age"] == 30


def test_execute_is_read_only_unless_write(session: Session, raw: Any) -> None:
    _seed(raw)
    with pytest.raises(QueryExecutionError, match=r"\[falkordb\]"):
        session.execute("MATCH (n:SPerson {id: 'bob'}) SET n.age = 1")
    assert raw.props("SPerson")["bob"]["age"] == 29


def test_execute_rejects_bad_arguments(session: Session) -> None:
    with pytest.raises(QueryBuildError, match="execute\\(\\) needs a non-empty Cypher string"):
        session.execute("  ")
    with pytest.raises(QueryBuildError, match="params must be a mapping"):
        session.execute("RETURN 1", [1])  # type: ignore[arg-type]


def test_scalars_scalar_count(session: Session, raw: Any, rec: Any) -> None:
    _seed(raw)
    rec.reset()
    people = session.scalars(ACTIVE)
    assert [p.name for p in people] == ["Ada", "Bob"]
    assert all(isinstance(p, Person) for p in people)
    assert session.scalar(ACTIVE) is people[0]
    assert session.scalar(ACTIVE.where(Person.age > 100)) is None
    assert session.count(ACTIVE) == 2
    assert session.count(select(Person)) == 3
    # exactly the compiled statements, scalar with LIMIT 1 and count as count(...)
    expected = [
        ACTIVE,
        ACTIVE.to_first(),
        ACTIVE.where(Person.age > 100).to_first(),
        ACTIVE.to_count(),
        select(Person).to_count(),
    ]
    compiled = [stmt.compile(session.dialect) for stmt in expected]
    assert [(c.cypher, c.params) for c in rec.calls] == [
        (q.cypher, dict(q.params)) for q in compiled
    ]
    assert "LIMIT" in rec.calls[1].cypher and "LIMIT" not in rec.calls[0].cypher
    assert "count(n)" in rec.calls[3].cypher
    assert all(not c.write for c in rec.calls)
    # the statement object is unchanged and reusable
    assert session.scalars(ACTIVE) == people


def test_scalars_of_projections(session: Session, raw: Any) -> None:
    _seed(raw)
    assert session.scalars(select(Person).project(Person.name).order_by(Person.name)) == [
        "Ada",
        "Bob",
        "Cy",
    ]


def test_all_rows(session: Session, raw: Any) -> None:
    _seed(raw)
    rows = session.all_rows(
        select(Person)
        .alias("p")
        .traverse(Person.employer, optional=False)
        .alias("c")
        .aggregate(
            count("*").as_("people"),
            avg(Person.age).as_("avg_age"),
            collect(Person.name).as_("names"),
            group_by="c",
        )
    )
    assert len(rows) == 1
    (row,) = rows
    assert set(row) == {"c", "people", "avg_age", "names"}
    assert row["c"] is session.get(Company, "acme")
    assert (row["people"], row["avg_age"], sorted(row["names"])) == (2, 32.5, ["Ada", "Bob"])


def test_all_with_edges(session: Session, raw: Any) -> None:
    _seed(raw)
    stmt = (
        select(Person)
        .alias("a")
        .traverse(Person.knows, edge_alias="k", optional=False)
        .alias("b")
        .return_nodes("a", "b")
        .return_edge("k")
        .order_by("b.name")
    )
    rows = session.all_with_edges(stmt)
    ada = session.get(Person, "ada")
    assert [(a, type(k), k.since, b.id) for a, k, b in rows] == [
        (ada, Knows, 2001, "bob"),
        (ada, Knows, 2002, "cy"),
    ]


def test_scalars_needs_a_statement(session: Session) -> None:
    with pytest.raises(
        QueryBuildError,
        match=r"expected a select\(\) statement, got str; use "
        r"session\.execute\(\) for raw Cypher",
    ):
        session.scalars("MATCH (n) RETURN n")


def test_bound_query_terminals(session: Session, raw: Any) -> None:
    _seed(raw)
    q = session.query(Person).where(Person.active == True).order_by(Person.name)  # noqa: E712
    people = q.all()
    assert [p.id for p in people] == ["ada", "bob"]
    assert q.one() is people[0]
    assert q.first() is people[0]
    assert q.count() == 2
    assert session.query(Person).where(Person.age > 99).one() is None
    assert [r["n"].id for r in q.all_rows()] == ["ada", "bob"]
    edges = (
        session.query(Person)
        .alias("a")
        .where(Person.id == "ada")
        .traverse(Person.knows, edge_alias="k", optional=False)
        .alias("b")
        .return_nodes("a", "b")
        .return_edge("k")
        .order_by("b.name")
        .all_with_edges()
    )
    assert [(k.since, b.name) for _, k, b in edges] == [(2001, "Bob"), (2002, "Cy")]
    assert session.query(Person).project(Person.age).order_by(Person.age).scalars() == [29, 36, 41]
    cypher, params = q.build()
    compiled = q.statement.compile(session.dialect)
    assert (cypher, params) == (compiled.cypher, dict(compiled.params))
    assert cypher.startswith("MATCH (n:`SPerson`) WHERE n.`active` = $p0")


def test_log_cypher(rec: Any, raw: Any, caplog: pytest.LogCaptureFixture) -> None:
    _seed(raw)
    caplog.set_level(logging.INFO, logger="runic.cypher")
    with Session(rec, log_cypher=True) as session:
        ada = session.get(Person, "ada")
        assert ada is not None
        ada.age = 37
        session.add_all([Person(id=f"n{i}", name="N") for i in range(6)])
    messages = [r.getMessage() for r in caplog.records if r.name == "runic.cypher"]
    assert messages[0] == ("MATCH (n:`SPerson` {`id`: $pk}) RETURN n  params={'pk': 'ada'}")
    # one write, led by the check of the new keys (the update runs in a subquery after it)
    assert messages[1].startswith(
        "OPTIONAL MATCH (_g0:`SPerson`) WHERE _g0.`id` IN $g0 WITH count(_g0) AS _h0 "
        "WITH _h0 AS _dup WHERE _dup = 0 CALL { "
        "UNWIND $w0 AS row WITH row, row[0] AS k MATCH (n) WHERE id(n) = k SET n.`age` = row[1] "
        "WITH count(*) AS _c UNWIND $w1 AS row CREATE (n:`SPerson`)"
    )
    # long lists are shortened
    # lists of up to 10 items are shown whole (log_cypher cuts longer ones)
    row = "None, None, True, 'engineer', [], '{}'"
    rows = ", ".join(f"['n{i}', 'N', {row}]" for i in range(6))
    keys = ", ".join(f"'n{i}'" for i in range(6))
    assert messages[1].endswith(f"params={{'w0': [[0, 37]], 'w1': [{rows}], 'g0': [{keys}]}}")
    assert len(messages) == 2
    assert len(rec.calls) == 2
    caplog.clear()
    with Session(rec) as quiet:
        quiet.get(Person, "bob")
    assert [r for r in caplog.records if r.name == "runic.cypher"] == []


# -- async ------------------------------------------------------------------------------


async def test_async_execution_methods(asession: AsyncSession, raw: Any) -> None:
    _seed(raw)
    result = await asession.execute("MATCH (n:SPerson) RETURN count(n) AS c")
    assert result.rows == [(3,)]
    await asession.execute("MATCH (n:SPerson {id: 'cy'}) SET n.active = true", write=True)
    assert raw.props("SPerson")["cy"]["active"] is True
    people = await asession.scalars(ACTIVE)
    assert [p.id for p in people] == ["ada", "bob", "cy"]
    assert await asession.scalar(ACTIVE) is people[0]
    assert await asession.count(ACTIVE) == 3
    rows = await asession.all_rows(select(Person).project(Person.name).order_by(Person.name))
    assert rows == [{"name": "Ada"}, {"name": "Bob"}, {"name": "Cy"}]
    edges = await asession.all_with_edges(
        select(Person)
        .alias("a")
        .traverse(Person.knows, edge_alias="k", optional=False)
        .alias("b")
        .return_nodes("a", "b")
        .return_edge("k")
        .order_by("b.name")
    )
    assert [(a.id, k.since, b.id) for a, k, b in edges] == [
        ("ada", 2001, "bob"),
        ("ada", 2002, "cy"),
    ]


async def test_async_bound_query_is_awaitable(asession: AsyncSession, raw: Any) -> None:
    _seed(raw)
    q = asession.query(Person).where(Person.age > 30).order_by(Person.age)
    people = await q.all()
    assert [p.id for p in people] == ["ada", "cy"]
    assert await q.one() is people[0]
    assert await q.count() == 2
    assert [r["n"] for r in await q.all_rows()] == people
    assert await q.scalar() is people[0]
    edges = await (
        asession.query(Person)
        .alias("a")
        .traverse(Person.knows, edge_alias="k", optional=False)
        .alias("b")
        .return_nodes("a", "b")
        .return_edge("k")
        .order_by("b.name")
        .all_with_edges()
    )
    assert [k.since for _, k, _ in edges] == [2001, 2002]


def test_log_cypher_truncates_long_values(
    rec: Any, raw: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # A 10 MB string is logged as its first 80 characters and its length, at any depth.
    caplog.set_level(logging.INFO, logger="runic.cypher")
    big = "x" * 10_485_760
    with Session(rec, log_cypher=True) as session:
        session.add(Person(id="big", name=big, tags=[f"t{i}" for i in range(100)]))
        session.add_all([Person(id=f"p{i}", name="P") for i in range(20)])
    logged = [r.getMessage() for r in caplog.records if r.name == "runic.cypher"]
    (message,) = [m for m in logged if "CREATE" in m]
    shown = "'" + "x" * 80 + "...' (10485760 chars)"
    assert shown in message
    assert "['t0', 't1', 't2', 't3', 't4', ...] (100 items)" in message
    assert "...] (21 items)" in message  # 21 rows: the first 5 are shown
    assert len(message) < 3000, len(message)
    assert raw.props("SPerson")["big"]["name"] == big  # the value itself was sent whole


async def test_async_log_cypher(arec: Any, raw: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="runic.cypher")
    async with AsyncSession(arec, log_cypher=True) as s:
        await s.count(select(Person))
    count_stmt = select(Person).to_count().compile(arec.dialect)
    assert [r.getMessage() for r in caplog.records if r.name == "runic.cypher"] == [
        f"{count_stmt.cypher}  params={dict(count_stmt.params)!r}"
    ]


def test_scalars_skips_the_null_targets_of_an_optional_traversal(
    session: Session, raw: Any
) -> None:
    _seed(raw)
    # Cy knows nobody: the OPTIONAL MATCH yields a null target for that row
    stmt = select(Person).alias("p").traverse(Person.knows).alias("f").return_target("f")
    rows = session.execute(stmt.compile(session.dialect).cypher).rows
    assert None in [row[0] for row in rows]
    friends = session.scalars(stmt)
    assert sorted(f.name for f in friends) == ["Bob", "Cy"]
    assert (
        session.scalar(
            select(Person)
            .where(Person.id == "cy")
            .alias("p")
            .traverse(Person.knows)
            .alias("f")
            .return_target("f")
        )
        is None
    )
