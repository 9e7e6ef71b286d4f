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
def test_hostile_graph_property_name_raises(prop: str) -> None:
    # a graph property name that is not an identifier is given with Field(name=...)
    with pytest.raises(InvalidIdentifierError) as exc:

        class Person(Node, labels=["Person"]):
            id: str = ""
            x: str = Field(default="", name=prop)

    assert str(exc.value) == (
        f"property name Person.x {prop!r} contains a backtick or control character; "
        "use letters, digits, underscores or other printable characters"
    )
    assert default_metadata.node_classes == []


@pytest.mark.parametrize("prop", [*HOSTILE, "a b", "1st", "class", "x=1"])
def test_field_name_that_is_not_a_python_identifier_raises(prop: str) -> None:
    # Attribute names that are not Python identifiers can only come from a namespace
    # built by hand (type(...)), e.g. a model generated from a schema.
    with pytest.raises(MetadataError) as exc:
        type("Person", (Node,), {"__annotations__": {prop: str}, prop: ""}, labels=["Person"])
    assert str(exc.value) == (
        f"Person: field name {prop!r} is not a Python identifier (letters, digits and "
        "underscores, not starting with a digit, not a keyword); to store a graph property "
        "under that name, declare the field under an identifier and pass the graph name "
        f"explicitly, e.g. my_field: str = Field(name={prop!r})"
    )
    assert default_metadata.node_classes == []


def test_unannotated_field_name_that_is_not_an_identifier_raises() -> None:
    with pytest.raises(MetadataError, match=r"^Person: field name 'a`b' is not a Python"):
        type("Person", (Node,), {"a`b": Field(default="")}, labels=["Person"])


def test_edge_field_name_that_is_not_an_identifier_raises() -> None:
    with pytest.raises(MetadataError, match=r"^Rated: field name 'a b' is not a Python identifier"):
        type("Rated", (Edge,), {"__annotations__": {"a b": float}}, type="RATED")


def test_relation_name_that_is_not_an_identifier_raises() -> None:
    with pytest.raises(MetadataError, match=r"^Person: field name 'a\+b' is not a Python"):
        type("Person", (Node,), {"a+b": Relation(relationship="KNOWS", target="Person")})


def test_class_name_that_is_not_an_identifier_raises() -> None:
    with pytest.raises(MetadataError) as exc:
        type("My Person", (Node,), {"__annotations__": {"id": str}}, labels=["Person"])
    assert str(exc.value) == (
        "model class name 'My Person' is not a Python identifier; name the class with an "
        "identifier and give the graph label explicitly with labels=[...]"
    )


EXPLOIT = "x = __import__('builtins').setattr(__import__('builtins'), 'RUNIC_PWNED', 1) or print"


@pytest.mark.parametrize("init", [True, False])
def test_crafted_field_name_cannot_run_code(init: bool) -> None:
    # Before the check this name compiled into the generated __init__ (init=False:
    # ``_d[...] = _d_x = __import__(...)...``) and ran when an instance was created.
    import builtins

    namespace: dict[str, Any] = {
        "__annotations__": {"id": str, EXPLOIT: str},
        EXPLOIT: Field(init=init, default=""),
    }
    with pytest.raises(MetadataError, match=r"^M: field name .* is not a Python identifier"):
        model = type("M", (Node,), namespace)
        model(id="a")
    assert not hasattr(builtins, "RUNIC_PWNED")
    assert default_metadata.node_classes == []


def test_unusual_but_safe_identifiers_are_accepted() -> None:
    class Person(Node, labels=["Person", "Ünïcode label", "with-dash"]):
        id: str = ""
        friends: list[Any] = Relation(relationship="KNOWS WELL", target="Person")

    assert default_metadata.node_class_for_labels(["Person", "Ünïcode label", "with-dash"]) is (
        Person
    )
    assert Person.friends.relationship == "KNOWS WELL"


def test_default_values_are_referenced_not_compiled() -> None:
    # defaults reach the generated __init__ as objects, never as source text
    import builtins

    evil = "__import__('builtins').setattr(__import__('builtins'), 'RUNIC_PWNED', 1)"

    class M(Node, labels=["M"]):
        id: str = ""
        a: str = evil
        b: str = Field(default_factory=lambda: evil)
        c: str = Field(default=evil, init=False)

    m = M()
    assert (m.a, m.b, m.c) == (evil, evil, evil)
    assert not hasattr(builtins, "RUNIC_PWNED")
