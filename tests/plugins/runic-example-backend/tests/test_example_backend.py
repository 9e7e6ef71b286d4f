"""The example backend on its own: its dialect's overrides, its engine's refusals and rules.

The behavioural suite (``RUNIC_TEST_BACKENDS=example``, run by
integration/tests/test_plugins.py) covers what sessions do on it; these tests
cover what the guide (docs/plugins.md) claims about the plugin itself.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from runic.ogm import (
    AsyncSession,
    Field,
    Node,
    QueryExecutionError,
    Relation,
    Session,
    TypeConverter,
    UnsupportedFeatureError,
    create_async_driver,
    create_driver,
    select,
)
from runic.ogm.driver.results import GraphNode
from runic.ogm.query.write import CreateNode, RowValue, SetItem, WriteQuery
from runic_example_backend import AsyncExampleDriver, ExampleDriver, drop_graph
from runic_example_backend.capabilities import EXAMPLE
from runic_example_backend.dialect import ExampleDialect


class ExPerson(Node, labels=["ExPerson"]):
    id: str = Field(primary_key=True)
    name: str | None = None
    age: int | None = None
    friends: list[ExPerson] = Relation(relationship="EX_KNOWS", target="ExPerson")


@pytest.fixture
def graph() -> Iterator[str]:
    name = f"test_{uuid.uuid4().hex[:8]}"
    yield name
    drop_graph(name)


def _driver(graph: str) -> ExampleDriver:
    driver = create_driver("example", graph=graph)
    assert isinstance(driver, ExampleDriver)
    return driver


# -- the dialect ------------------------------------------------------------------------


def test_the_dialect_creates_nodes_with_an_inline_map_and_collects_their_ids() -> None:
    create = WriteQuery(
        (
            CreateNode(
                "w0", ("ExPerson",), (SetItem("id", RowValue(0)), SetItem("name", RowValue(1)))
            ),
        )
    )
    compiled = ExampleDialect().compile(create)
    assert compiled.cypher == (
        "UNWIND $w0 AS row CREATE (n:`ExPerson` {`id`: row[0], `name`: row[1]}) "
        "WITH collect(n) AS _n0, collect(id(n)) AS _i0 RETURN _i0 AS i0"
    )
    assert compiled.columns == ("i0",)


def test_capabilities_are_declared_once() -> None:
    from runic.ogm.registry import get_backend

    assert ExampleDialect.capabilities is EXAMPLE
    assert get_backend("example").capabilities is EXAMPLE
    assert _driver("caps").dialect.capabilities is EXAMPLE


def test_relating_existing_nodes_is_refused_before_anything_is_sent(graph: str) -> None:
    driver = _driver(graph)
    with Session(driver) as session:
        session.add_all([ExPerson(id="a"), ExPerson(id="b")])
    session = Session(driver)
    a, b = session.get(ExPerson, "a"), session.get(ExPerson, "b")
    assert a is not None and b is not None
    a.friends.append(b)
    sent = len(driver.executed)
    with pytest.raises(UnsupportedFeatureError) as info:
        session.commit()
    assert str(info.value) == (
        "relating existing nodes ('EX_KNOWS' needs MERGE) is not supported on example; "
        "create the related nodes in the same flush, or use a backend with MERGE"
    )
    assert all("MERGE" not in cypher for cypher, _, _ in driver.executed[sent:])
    assert driver.execute("MATCH ()-[r]->() RETURN count(r) AS c").scalar() == 0
    session.close()


# -- the engine -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cypher", "feature"),
    [
        ("CALL db.labels()", "the Cypher clause CALL"),
        ("MERGE (n:ExPerson {id: 'a'})", "the Cypher clause MERGE"),
        ("RETURN [x IN [1, 2] | x] AS l", "list comprehensions"),
        ("MATCH (a)-[*1..3]->(b) RETURN b", "variable-length relationship patterns"),
        ("RETURN reverse('ab') AS r", "the function reverse()"),
    ],
)
def test_an_unsupported_construct_names_the_backend_and_the_feature(
    graph: str, cypher: str, feature: str
) -> None:
    with pytest.raises(UnsupportedFeatureError) as info:
        _driver(graph).execute(cypher)
    assert info.value.backend == "example"
    assert info.value.feature == feature
    assert str(info.value).startswith(f"{feature} is not supported on example; ")


def test_a_failing_write_changes_nothing(graph: str) -> None:
    driver = _driver(graph)
    driver.execute("CREATE (:ExPerson {id: 'a'})-[:EX_KNOWS]->(:ExPerson {id: 'b'})")
    with pytest.raises(QueryExecutionError) as info:
        # the CREATE runs first, then the DELETE fails: neither stays
        driver.execute("CREATE (:ExPerson {id: 'c'}) WITH 1 AS one MATCH (n) DELETE n")
    assert "cannot delete node" in str(info.value) and "DETACH DELETE" in str(info.value)
    assert driver.execute("MATCH (n) RETURN n.id AS id ORDER BY id").column() == ["a", "b"]
    assert driver.execute("MATCH ()-[r]->() RETURN count(r) AS c").scalar() == 1


def test_a_read_only_statement_may_not_write(graph: str) -> None:
    driver = _driver(graph)
    with pytest.raises(QueryExecutionError, match=r"read-only statement \(write=False\)"):
        driver.execute("CREATE (:ExPerson {id: 'a'})", write=False)
    assert driver.execute("MATCH (n) RETURN count(n) AS c", write=False).scalar() == 0


def test_drivers_on_one_graph_name_share_it_and_other_names_do_not(graph: str) -> None:
    first, second, other = _driver(graph), _driver(graph), _driver(graph + "_other")
    first.execute("CREATE (:ExPerson {id: $id, age: $age})", {"id": "a", "age": 3})
    (node,) = second.execute("MATCH (n:ExPerson) RETURN n").column()
    assert node == GraphNode(0, ("ExPerson",), {"id": "a", "age": 3})
    assert other.execute("MATCH (n) RETURN count(n) AS c").scalar() == 0
    drop_graph(graph)
    assert _driver(graph).execute("MATCH (n) RETURN count(n) AS c").scalar() == 0
    drop_graph(graph + "_other")


def test_a_closed_driver_refuses_statements(graph: str) -> None:
    driver = _driver(graph)
    driver.close()
    with pytest.raises(Exception, match=r"driver for graph '.*' is closed; create a new one"):
        driver.execute("RETURN 1 AS one")


def test_reads_aggregate_order_and_page(graph: str) -> None:
    driver = _driver(graph)
    driver.execute(
        "UNWIND $rows AS row CREATE (:ExPerson {id: row[0], age: row[1]})",
        {"rows": [("a", 30), ("b", 20), ("c", 30), ("d", None)]},
    )
    rows = driver.execute(
        "MATCH (n:ExPerson) WHERE n.age IS NOT NULL "
        "RETURN n.age AS age, count(*) AS n, collect(n.id) AS ids ORDER BY age DESC"
    ).rows
    assert rows == [(30, 2, ["a", "c"]), (20, 1, ["b"])]
    page = driver.execute(
        "MATCH (n) RETURN n.id AS id ORDER BY n.id SKIP $s LIMIT $l", {"s": 1, "l": 2}
    )
    assert page.column() == ["b", "c"]
    assert driver.execute("MATCH (n) WHERE n.age = true RETURN count(n) AS c").scalar() == 0


# -- sessions, sync and async -----------------------------------------------------------


def test_session_crud_on_the_example_backend(graph: str) -> None:
    driver = _driver(graph)
    with Session(driver) as session:
        session.add_all([ExPerson(id="ada", name="Ada", age=36), ExPerson(id="bob", age=20)])
    with Session(driver) as session:
        ada = session.get(ExPerson, "ada")
        assert ada is not None and ada.name == "Ada"
        assert [p.id for p in session.scalars(select(ExPerson).where(ExPerson.age > 30))] == ["ada"]
        ada.age = 37
        bob = session.get(ExPerson, "bob")
        assert bob is not None
        session.delete(bob)
    assert driver.execute("MATCH (n:ExPerson) RETURN n.id AS id, n.age AS age").rows == [
        ("ada", 37)
    ]
    with Session(driver) as session:
        assert session.count(select(ExPerson)) == 1


def test_async_session_on_the_example_backend(graph: str) -> None:
    async def main() -> None:
        driver = create_async_driver("example", graph=graph)
        assert isinstance(driver, AsyncExampleDriver)
        async with AsyncSession(driver) as session:
            session.add(ExPerson(id="ada", friends=[ExPerson(id="bob")]))
        async with AsyncSession(driver) as session:
            ada = await session.get(ExPerson, "ada")
            assert ada is not None
            assert [f.id for f in await ada.awaitable_attrs.friends] == ["bob"]
        await driver.close()

    asyncio.run(main())


class Shout(TypeConverter):
    """Stores the value through the engine's toUpper()."""

    cypher_fn = "toUpper"

    def to_graph(self, value: Any) -> Any:
        return value

    def from_graph(self, value: Any) -> Any:
        return value


class Mutter(Shout):
    cypher_fn = "myLower"


class ExWord(Node, labels=["ExWord"]):
    id: str = Field(primary_key=True)
    text: str = Field(default="", converter=Shout())


class ExQuiet(Node, labels=["ExQuiet"]):
    id: str = Field(primary_key=True)
    text: str = Field(default="", converter=Mutter())


def test_a_converter_may_call_the_engines_functions_only(graph: str) -> None:
    driver = _driver(graph)
    with Session(driver) as session:
        session.add(ExWord(id="w", text="hello"))
    assert driver.execute("MATCH (n:ExWord) RETURN n.text AS t").column() == ["HELLO"]
    session = Session(driver)
    session.add(ExQuiet(id="q", text="Hi"))
    with pytest.raises(UnsupportedFeatureError) as info:
        session.flush()
    assert str(info.value).startswith(
        "the Cypher function myLower() (cypher_fn of the converter of ExQuiet.text) is not "
        "supported on example; example can call only its own functions (abs, coalesce, "
    )
    session.close()
    assert driver.execute("MATCH (n:ExQuiet) RETURN count(n) AS c").scalar() == 0


def test_in_through_a_converter_wraps_each_value_by_index(graph: str) -> None:
    compiled = select(ExWord).where(ExWord.text.in_(["hi", "yo"])).compile(ExampleDialect())
    assert (compiled.cypher, compiled.params) == (
        "MATCH (n:`ExWord`) WHERE n.`text` IN [toUpper($p0[0]), toUpper($p0[1])] RETURN n",
        {"p0": ["hi", "yo"]},
    )
    driver = _driver(graph)
    with Session(driver) as session:
        session.add_all([ExWord(id="a", text="hi"), ExWord(id="b", text="no")])
    with Session(driver) as session:
        found = session.scalars(select(ExWord).where(ExWord.text.in_(["hi", "yo"])))
        assert [w.id for w in found] == ["a"]


def test_a_nested_value_is_refused_and_nothing_is_written(graph: str) -> None:
    driver = _driver(graph)
    with pytest.raises(QueryExecutionError) as info:
        driver.execute(
            "UNWIND $rows AS row CREATE (:ExPerson {id: row[0], data: row[1]})",
            {"rows": [("a", 1), ("b", {"nested": {"deep": 1}})]},
        )
    assert str(info.value) == (
        "[example] property 'data': values are booleans, numbers, strings, lists of them or "
        "flat maps of them, not {'nested': {'deep': 1}}"
    )
    assert driver.execute("MATCH (n) RETURN count(n) AS c").scalar() == 0
    driver.execute("CREATE (:ExPerson {id: 'p', at: {latitude: 1.5, longitude: 2.0}})")
    assert driver.execute("MATCH (n) RETURN n.at AS at").column() == [
        {"latitude": 1.5, "longitude": 2.0}
    ]


def test_id_lookups_and_relationships_after_deletes(graph: str) -> None:
    driver = _driver(graph)
    driver.execute(
        "CREATE (a:ExPerson {id: 'a', age: 1})-[:EX_KNOWS]->(b:ExPerson {id: 'b', age: 2}), "
        "(b)-[:EX_KNOWS]->(c:ExPerson {id: 'c', age: 3})"
    )
    ids = dict(driver.execute("MATCH (n) RETURN n.id AS k, id(n) AS i").rows)
    # the looked-up form runic sends, and the general form with more conditions
    driver.execute("UNWIND $w AS k MATCH (n) WHERE id(n) = k SET n.age = 10", {"w": [ids["a"]]})
    driver.execute(
        "MATCH (n) WHERE id(n) = $i AND n.age > 5 SET n.age = 20", {"i": ids["b"]}
    )  # b's age is 2: nothing set
    ages = driver.execute("MATCH (n) RETURN n.id AS k, n.age AS age ORDER BY k").rows
    assert ages == [("a", 10), ("b", 2), ("c", 3)]
    assert driver.execute("MATCH (n) WHERE id(n) = true RETURN n").rows == []
    driver.execute("MATCH (n) WHERE id(n) = $i DETACH DELETE n", {"i": ids["b"]})
    assert driver.execute("MATCH ()-[r]->() RETURN count(r) AS c").scalar() == 0
    pairs = driver.execute("MATCH (x)-[:EX_KNOWS]-(y) RETURN x.id AS x, y.id AS y").rows
    assert pairs == []
    driver.execute("MATCH (a {id: 'a'}), (c {id: 'c'}) CREATE (c)-[:EX_KNOWS]->(a)")
    pairs = driver.execute("MATCH (x)<-[:EX_KNOWS]-(y) RETURN x.id AS x, y.id AS y").rows
    assert pairs == [("a", "c")]
