"""Hostile names and text: graph property names that are not Python identifiers
(``Field(name=...)``), and read-only execution refusing writes on the server."""

from __future__ import annotations

import pytest

from runic.ogm import (
    Edge,
    Field,
    Node,
    QueryBuildError,
    QueryExecutionError,
    Relation,
    select,
    text,
)
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Person


class OddLink(Edge, type="IT_ODD_LINK"):
    since: int = Field(default=0, name="since year")


class OddNames(Node, labels=["ItOddNames"]):
    """Properties stored under graph names that are not Python identifiers."""

    key: str = Field(primary_key=True, name="the key")
    first_name: str = Field(default="", name="first name")
    score: float = Field(default=0.0, name="score (%)")
    tags: list[str] = Field(default_factory=list, name="tags:list")
    links: list[OddNames] = Relation(
        relationship="IT_ODD_LINK", target="OddNames", edge_model=OddLink, default_factory=list
    )


@backend_test
async def test_field_graph_name_round_trip(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(OddNames(key="a", first_name="Ada", score=9.5, tags=["x"]))
        session.add(OddNames(key="b", first_name="Bob", score=7.0))
    rows = db.rows(
        "MATCH (n:ItOddNames) RETURN n.`the key` AS k, n.`first name` AS f, "
        "n.`score (%)` AS s, n.`tags:list` AS t ORDER BY n.`the key`",
        columns=("k", "f", "s", "t"),
    )
    assert rows == [("a", "Ada", 9.5, ["x"]), ("b", "Bob", 7.0, [])]
    # no property is stored under the Python names
    assert db.rows(
        "MATCH (n:ItOddNames) WHERE n.first_name IS NOT NULL OR n.key IS NOT NULL "
        "RETURN count(n) AS c",
        columns=("c",),
    ) == [(0,)]

    async with db.session() as session:
        ada = await session.get(OddNames, "a")
        assert ada is not None
        assert (ada.key, ada.first_name, ada.score, ada.tags) == ("a", "Ada", 9.5, ["x"])
        found = await session.scalars(
            select(OddNames).where(OddNames.first_name == "Bob").order_by(OddNames.score)
        )
        assert [o.key for o in found] == ["b"]
        ordered = await session.scalars(select(OddNames).order_by(OddNames.score, desc=True))
        assert [o.key for o in ordered] == ["a", "b"]
        rows = await session.all_rows(
            select(OddNames).project(OddNames.key, OddNames.first_name).order_by(OddNames.key)
        )
        assert rows == [{"key": "a", "first_name": "Ada"}, {"key": "b", "first_name": "Bob"}]
        ada.first_name = "Adele"
        ada.tags.append("y")
        await session.commit()
    assert db.rows(
        "MATCH (n:ItOddNames) WHERE n.`the key` = 'a' RETURN n.`first name` AS f, "
        "n.`tags:list` AS t",
        columns=("f", "t"),
    ) == [("Adele", ["x", "y"])]

    async with db.session() as session:
        ada = await session.get(OddNames, "a")
        bob = await session.get(OddNames, "b")
        assert ada is not None and bob is not None
        await session.relate(ada, OddNames.links, bob, edge=OddLink(since=2020))
    assert db.rows(
        "MATCH (:ItOddNames)-[r:IT_ODD_LINK]->(:ItOddNames) RETURN r.`since year` AS s",
        columns=("s",),
    ) == [(2020,)]
    async with db.session() as session:
        triples = await session.all_with_edges(
            select(OddNames)
            .where(OddNames.key == "a")
            .traverse(OddNames.links, edge_alias="r", optional=False)
            .alias("t")
            .return_nodes("n", "t")
            .return_edge("r")
        )
        assert [(a.key, e.since, b.key) for a, e, b in triples] == [("a", 2020, "b")]
        bob = await session.get(OddNames, "b")
        assert bob is not None
        session.delete(bob)
        await session.commit()
    assert db.count("ItOddNames") == 1


# a sort key from a request: as raw text it deleted every node on ArcadeDB and AGE
_INJECTION = "n.name UNION MATCH (x) DETACH DELETE x RETURN x AS n"


@backend_test
async def test_sort_key_from_a_request_cannot_inject_cypher(db: RunicDB) -> None:
    async with db.session() as session:
        session.add_all([Person(id="ada", name="Ada"), Person(id="bob", name="Bob")])
    async with db.session() as session:
        with pytest.raises(QueryBuildError, match=r"^order_by\(\) got 'n\.name UNION"):
            await session.scalars(select(Person).order_by(_INJECTION))
        by_key = await session.scalars(select(Person).order_by("n.name DESC"))
        assert [p.id for p in by_key] == ["bob", "ada"]
        by_text = await session.scalars(select(Person).order_by(text("toLower(n.name) DESC")))
        assert [p.id for p in by_text] == ["bob", "ada"]
    assert db.count("ItPerson") == 2


_WRITES = [
    "CREATE (n:ItReadOnly {id: 'b'}) RETURN n.id AS id",
    "CREATE (n:ItReadOnlyNew {id: 'b'}) RETURN n.id AS id",
    "MATCH (n:ItReadOnly) SET n.id = 'changed' RETURN n.id AS id",
    # the sort-key attack's second half, as a "read"
    "MATCH (n:ItReadOnly) DETACH DELETE n RETURN count(*) AS id",
]


@backend_test
async def test_read_only_execute_refuses_writes(db: RunicDB) -> None:
    driver = db.driver

    async def run(cypher: str, *, write: bool) -> list[tuple[object, ...]]:
        result = driver.execute(cypher, write=write, columns=("id",))
        if db.is_async:
            result = await result
        return list(result.rows)

    assert await run("CREATE (n:ItReadOnly {id: 'a'}) RETURN n.id AS id", write=True) == [("a",)]
    for cypher in _WRITES:
        with pytest.raises(QueryExecutionError) as exc:
            await run(cypher, write=False)
        assert exc.value.backend == db.backend
        assert db.rows("MATCH (n:ItReadOnly) RETURN n.id AS id", columns=("id",)) == [("a",)]
        assert db.count("ItReadOnlyNew") == 0
    # the driver still works afterwards: reads read, writes write
    assert await run("MATCH (n:ItReadOnly) RETURN n.id AS id", write=False) == [("a",)]
    assert await run(_WRITES[2], write=True) == [("changed",)]
