"""Labels, relationship types and property names are validated when a class is defined."""

from typing import Any

import pytest

from runic.ogm.core import Edge, Field, Node, Relation, default_metadata
from runic.ogm.exceptions import InvalidIdentifierError, MetadataError

HOSTILE = [
    "Person`) DETACH DELETE n //",
    "a`b",
    "line\nbreak",
    "nul\x00byte",
    "tab\there",
    "del\x7f",
]


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_label_raises(label: str) -> None:
    with pytest.raises(InvalidIdentifierError) as exc:

        class Person(Node, labels=["Person", label]):
            id: str = ""

    assert str(exc.value) == (
        f"label of test_hostile_label_raises.<locals>.Person {label!r} contains a backtick "
        "or control character; use letters, digits, underscores or other printable characters"
    )
    assert default_metadata.node_classes == []


def test_non_string_label_raises() -> None:
    with pytest.raises(InvalidIdentifierError) as exc:

        class Person(Node, labels=["Person", 3]):  # type: ignore[list-item]
            id: str = ""

    assert str(exc.value) == (
        "label of test_non_string_label_raises.<locals>.Person must be a string, got int: 3"
    )


def test_overlong_label_raises() -> None:
    with pytest.raises(InvalidIdentifierError, match=r"is longer than 256 characters$"):

        class Person(Node, labels=["P" * 257]):
            id: str = ""


def test_empty_string_label_raises() -> None:
    with pytest.raises(InvalidIdentifierError, match=r"<locals>\.Person must not be empty$"):

        class Person(Node, labels=[""]):
            id: str = ""


def test_hostile_primary_label_is_not_one_of_the_labels() -> None:
    with pytest.raises(MetadataError, match=r"primary_label 'P`x' is not one of its labels"):

        class Person(Node, labels=["Person"], primary_label="P`x"):
            id: str = ""


@pytest.mark.parametrize("edge_type", HOSTILE)
def test_hostile_edge_type_raises(edge_type: str) -> None:
    with pytest.raises(InvalidIdentifierError) as exc:

        class Rated(Edge, type=edge_type):
            score: float = 0.0

    assert str(exc.value) == (
        f"relationship type of test_hostile_edge_type_raises.<locals>.Rated {edge_type!r} "
        "contains a backtick or control character; use letters, digits, underscores or other "
        "printable characters"
    )
    assert default_metadata.edge_classes == []


@pytest.mark.parametrize("rel_type", HOSTILE)
def test_hostile_relationship_type_raises_the_runic_error(rel_type: str) -> None:
    # Python 3.11 wraps errors raised in __set_name__ in RuntimeError; runic must not.
    with pytest.raises(InvalidIdentifierError) as exc:

        class Person(Node, labels=["Person"]):
            friends: list[Any] = Relation(relationship=rel_type, target="Person")

    assert type(exc.value) is InvalidIdentifierError
    assert str(exc.value) == (
        f"relationship type of Person.friends {rel_type!r} contains a backtick or control "
        "character; use letters, digits, underscores or other printable characters"
    )
    assert default_metadata.node_classes == []


def test_empty_relationship_type_raises() -> None:
    with pytest.raises(InvalidIdentifierError) as exc:

        class Person(Node, labels=["Person"]):
            friends = Relation(relationship="", target="Person")

    assert str(exc.value) == "relationship type of Person.friends must not be empty"


@pytest.mark.parametrize("prop", HOSTILE)
def test_hostile_property_name_raises(prop: str) -> None:
    # Property names that are not Python identifiers can only come from a namespace
    # built by hand (type(...)), e.g. a model generated from a schema.
    with pytest.raises(InvalidIdentifierError) as exc:
        type("Person", (Node,), {"__annotations__": {prop: str}, prop: ""}, labels=["Person"])
    assert str(exc.value) == (
        f"property name Person.{prop} {prop!r} contains a backtick or control character; "
        "use letters, digits, underscores or other printable characters"
    )
    assert default_metadata.node_classes == []


def test_hostile_unannotated_property_name_raises() -> None:
    with pytest.raises(InvalidIdentifierError, match=r"^property name Person\.a`b 'a`b' contains"):
        type("Person", (Node,), {"a`b": Field(default="")}, labels=["Person"])


def test_hostile_edge_property_name_raises() -> None:
    with pytest.raises(InvalidIdentifierError, match=r"^property name Rated\.a`b 'a`b' contains"):
        type("Rated", (Edge,), {"__annotations__": {"a`b": float}}, type="RATED")


def test_unusual_but_safe_identifiers_are_accepted() -> None:
    class Person(Node, labels=["Person", "Ünïcode label", "with-dash"]):
        id: str = ""
        friends: list[Any] = Relation(relationship="KNOWS WELL", target="Person")

    assert default_metadata.node_class_for_labels(["Person", "Ünïcode label", "with-dash"]) is (
        Person
    )
    assert Person.friends.relationship == "KNOWS WELL"
