"""The per-class plans of the session (session/classplan.py) and how hydration uses them."""

from __future__ import annotations

from typing import Any

import pytest

from runic.ogm import Edge, Field, FieldValidationError, MetadataError, Node, Relation
from runic.ogm.dialect import CypherDialect
from runic.ogm.driver.results import GraphEdge, GraphNode, QueryResult
from runic.ogm.session.classplan import class_plan, default_edge, edge_plan
from runic.ogm.session.core import SessionCore
from runic.ogm.session.hydrate import decode_edge, decode_node
from runic.ogm.session.ops import Statement, drive


class _Since(Edge, type="PLAN_SINCE"):
    year: int = Field(default=2020)


def _core() -> SessionCore:
    return SessionCore(CypherDialect())


def test_a_node_plan_describes_the_class() -> None:
    class Tag(Node, labels=["Tag", "Label"]):
        id: int = Field(primary_key=True, generated=True)
        name: str = Field(required=True)
        note: str | None = Field(default=None, name="n")

    class Post(Node, labels=["Post"]):
        slug: str = Field(primary_key=True)
        tags: list[Tag] = Relation(relationship="TAGGED", target=Tag, default_factory=list)

    tag = class_plan(Tag)
    assert class_plan(Tag) is tag  # built once
    assert (tag.labels, tag.label, tag.pk, tag.pk_generated) == (
        ("Tag", "Label"),
        "Tag",
        "id",
        True,
    )
    assert tag.key_desc is None and tag.pk_type is None  # the database hands out the key
    assert tag.insert_names == ("name", "note") and tag.must_have == ("name",)
    assert not tag.read_plain and not tag.has_relations  # generated key, renamed property
    post = class_plan(Post)
    assert post.key_desc is not None and post.key_desc.name == "slug" and post.pk_type is str
    assert post.must_have == ("slug",) and post.has_relations and post.read_plain


def test_the_plan_holds_the_eager_relations_the_loader_reads() -> None:
    class Topic(Node, labels=["Topic"]):
        id: str = Field(primary_key=True)

    class Essay(Node, labels=["Essay"]):
        id: str = Field(primary_key=True)
        topic: Topic | None = Relation(relationship="ON", target=Topic, lazy=False)
        cites: list[Topic] = Relation(relationship="CITES", target=Topic, default_factory=list)

    from runic.ogm.session import loading

    plan = class_plan(Essay)
    assert plan.eager == (Essay.__runic_meta__.relations["topic"],)  # type: ignore[attr-defined]
    assert plan.eager_names == ("topic",) and class_plan(Topic).eager == ()
    assert edge_plan(_Since).eager == () and edge_plan(_Since).eager_names == ()
    # the loader reads them from the plan: no cache of its own
    assert loading._eager_relations(Essay) is plan.eager
    assert loading._eager_names(Essay) is plan.eager_names
    assert loading._eager_relations(int) == () and loading._eager_names(int) == ()
    assert not [n for n in vars(loading) if n.startswith("_EAGER")]


def test_an_edge_plan_gives_the_defaults_of_an_edge_made_by_assignment() -> None:
    class Since(Edge, type="KNOWS"):
        year: int = Field(default=2020)

    class Rated(Edge, type="RATED"):
        stars: int = Field(required=True)

    class Person(Node, labels=["Person"]):
        id: str = Field(primary_key=True)
        knows: list[Person] = Relation(
            relationship="KNOWS", target="Person", edge_model=Since, default_factory=list
        )
        rated: list[Person] = Relation(
            relationship="RATED", target="Person", edge_model=Rated, default_factory=list
        )

    fields, values = default_edge(Person.__runic_meta__.relations["knows"])  # type: ignore[attr-defined]
    assert [d.name for d in fields] == ["year"] and values == [2020]
    assert edge_plan(Since).pk is None and edge_plan(Since).must_have == ()
    with pytest.raises(FieldValidationError, match=r"Rated\.stars is required and has no default"):
        default_edge(Person.__runic_meta__.relations["rated"])  # type: ignore[attr-defined]


def test_an_edge_class_is_no_node_class_after_it_was_hydrated() -> None:
    class Since(Edge, type="KNOWS"):
        year: int = Field(default=2020)

    core = _core()
    edge = decode_edge(GraphEdge(5, "KNOWS", 1, 2, {"year": 1999}), Since)
    assert isinstance(edge, Since) and edge.year == 1999
    with pytest.raises(MetadataError, match="only instances of Node subclasses"):
        core.add(Since(year=1))
    with pytest.raises(MetadataError, match="not a registered Node class"):
        drive(core.get(Since, 1), lambda stmt: QueryResult((), []))  # type: ignore[arg-type]


def test_nodes_decode_to_a_class_registered_after_the_first_read() -> None:
    class Animal(Node, labels=["Animal"]):
        id: str = Field(primary_key=True)

    node = GraphNode(1, ("Animal", "Dog"), {"id": "rex"})
    assert type(decode_node(_core(), node)) is Animal  # the best match so far

    class Dog(Animal, labels=["Animal", "Dog"]):
        pass

    assert type(decode_node(_core(), node)) is Dog  # not the plan cached for Animal


def test_a_redefined_class_is_the_one_nodes_decode_to() -> None:
    def define() -> type[Node]:
        class Thing(Node, labels=["Thing"]):
            id: str = Field(primary_key=True)

        return Thing

    first = define()
    node = GraphNode(1, ("Thing",), {"id": "a"})
    assert type(decode_node(_core(), node)) is first
    second = define()  # a module imported again: the newest definition wins
    assert type(decode_node(_core(), node)) is second


def test_get_reads_through_the_plan_and_keys_the_identity_map() -> None:
    class City(Node, labels=["City"]):
        name: str = Field(primary_key=True)
        size: int = Field(default=0)

    core = _core()
    sent: list[Statement] = []

    def execute(stmt: Statement) -> QueryResult:
        sent.append(stmt)
        return QueryResult(("n",), [[GraphNode(3, ("City",), {"name": "Oslo", "size": 7})]])

    city: Any = drive(core.get(City, "Oslo"), execute)
    assert (city.name, city.size) == ("Oslo", 7) and core.identity[("City", "Oslo")] is city
    assert drive(core.get(City, "Oslo"), execute) is city and len(sent) == 1  # identity map
