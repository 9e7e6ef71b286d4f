"""``Relation()`` declarations, targets and their resolution."""

from collections.abc import Sequence
from typing import Any, Optional

import pytest

from runic.ogm.core import Edge, Field, FieldDescriptor, Node, Relation, default_metadata, node_meta
from runic.ogm.exceptions import MetadataError


def test_every_relation_option_is_kept() -> None:
    class Rated(Edge, type="RATED"):
        score: float = 0.0

    class Movie(Node, labels=["Movie"]):
        title: str = ""

    class User(Node, labels=["User"]):
        id: str = ""
        rated: list[Movie] = Relation(
            relationship="RATED",
            direction="OUTGOING",
            target=Movie,
            edge_model=Rated,
            cascade=False,
            lazy=False,
        )
        followers: list["User"] = Relation(relationship="FOLLOWS", direction="INCOMING")
        knows: list["User"] = Relation(relationship="KNOWS", direction="BOTH", target="User")

    meta = node_meta(User)
    assert list(meta.fields) == ["id"]
    assert list(meta.relations) == ["rated", "followers", "knows"]

    rated = meta.relations["rated"]
    assert isinstance(rated, FieldDescriptor)
    assert rated is User.rated
    assert repr(rated) == "<Relation User.rated>"
    assert (rated.is_relation, rated.relationship, rated.direction) == (True, "RATED", "OUTGOING")
    assert (rated.target, rated.edge_model, rated.cascade, rated.lazy, rated.many) == (
        Movie,
        Rated,
        False,
        False,
        True,
    )
    assert rated.resolve_target() is Movie

    followers = meta.relations["followers"]
    assert (followers.direction, followers.target, followers.cascade, followers.lazy) == (
        "INCOMING",
        "User",
        True,
        True,  # cascade=True by default
    )
    assert followers.edge_model is None
    assert followers.resolve_target() is User

    knows = meta.relations["knows"]
    assert (knows.direction, knows.target, knows.many) == ("BOTH", "User", True)
    assert knows.resolve_target() is User


def test_direction_defaults_to_outgoing() -> None:
    desc = Relation(relationship="KNOWS", target="X")
    assert isinstance(desc, FieldDescriptor)
    assert (desc.direction, desc.cascade, desc.lazy, desc.init) == ("OUTGOING", True, True, True)
    assert desc.edge_model is None


def test_invalid_direction_raises_metadata_error() -> None:
    with pytest.raises(MetadataError) as exc:

        class Person(Node, labels=["Person"]):
            friends: list[Any] = Relation(
                relationship="KNOWS",
                direction="SIDEWAYS",  # type: ignore[arg-type]
                target="Person",
            )

    assert type(exc.value) is MetadataError
    assert str(exc.value) == (
        "Person.friends: direction must be one of OUTGOING, INCOMING, BOTH, got 'SIDEWAYS'"
    )


@pytest.mark.parametrize(
    ("annotation", "many"),
    [
        # "Target" is defined inside the test: a forward reference by name
        (list["Target"], True),  # noqa: F821
        (Sequence["Target"], True),  # noqa: F821
        (set["Target"], True),  # noqa: F821
        (Optional[list["Target"]], True),  # noqa: F821, UP045 - the spelling is the point
        (list["Target"] | None, True),  # noqa: F821
        ("list[Target]", True),
        ("Target", False),
        ("Target | None", False),
        (Optional["Target"], False),  # noqa: F821
    ],
)
def test_target_and_cardinality_come_from_the_annotation(annotation: Any, many: bool) -> None:
    class Target(Node, labels=["Target"]):
        id: str = ""

    ns: dict[str, Any] = {
        "__annotations__": {"rel": annotation},
        "rel": Relation(relationship="R"),
        "__module__": __name__,
    }
    Owner = type("Owner", (Node,), ns, labels=["Owner"])
    desc = node_meta(Owner).relations["rel"]
    assert desc.many is many
    assert desc.resolve_target() is Target
    assert Owner().rel == ([] if many else None)


def test_explicit_target_wins_over_the_annotation() -> None:
    class A(Node, labels=["A"]):
        id: str = ""

    class B(Node, labels=["B"]):
        id: str = ""

    class Owner(Node, labels=["Owner"]):
        rel: list[A] = Relation(relationship="R", target=B)

    assert Owner.rel.target is B
    assert Owner.rel.resolve_target() is B
    assert Owner.rel.many is True


def test_self_reference_by_string() -> None:
    class Person(Node, labels=["Person"]):
        id: str = ""
        parent: "Person | None" = Relation(relationship="PARENT")
        children: list["Person"] = Relation(relationship="PARENT", direction="INCOMING")

    assert Person.parent.resolve_target() is Person
    assert Person.children.resolve_target() is Person
    assert (Person.parent.many, Person.children.many) == (False, True)


def test_string_target_resolves_lazily_once_defined() -> None:
    class Person(Node, labels=["Person"]):
        id: str = ""
        company: Any = Relation(relationship="WORKS_FOR", target="Company")

    with pytest.raises(MetadataError) as exc:
        Person.company.resolve_target()
    assert str(exc.value) == (
        f"unknown model 'Company' (referenced from {__name__}.{Person.__qualname__}); define "
        "or import it before use, or call runic.ogm.metadata.finalize() (from runic.ogm import "
        "metadata) after importing every model module to check every relation target at "
        "start-up"
    )

    class Company(Node, labels=["Company"]):
        name: str = ""

    assert Person.company.resolve_target() is Company
    assert Person.company.resolve_target() is Company  # cached


def test_qualified_string_target() -> None:
    class Company(Node, labels=["Company"]):
        name: str = ""

    qualified = f"{__name__}.{Company.__qualname__}"

    class Person(Node, labels=["Person"]):
        company: Any = Relation(relationship="WORKS_FOR", target=qualified)

    assert Person.company.resolve_target() is Company


def test_finalize_resolves_every_string_target() -> None:
    class Person(Node, labels=["Person"]):
        company: Any = Relation(relationship="WORKS_FOR", target="Company")
        friends: list["Person"] = Relation(relationship="KNOWS")

    class Company(Node, labels=["Company"]):
        staff: list[Person] = Relation(relationship="WORKS_FOR", direction="INCOMING")

    default_metadata.finalize()
    assert Person.company._resolved_target is Company
    assert Person.friends._resolved_target is Person
    assert Company.staff._resolved_target is Person


def test_finalize_reports_every_unknown_target_once() -> None:
    class Person(Node, labels=["Person"]):
        company: Any = Relation(relationship="WORKS_FOR", target="Compnay")
        pet: Any = Relation(relationship="OWNS", target="Pet")

    class Employee(Person, labels=["Person", "Employee"]):
        pass

    with pytest.raises(MetadataError) as exc:
        default_metadata.finalize()
    where = f"{__name__}.{Person.__qualname__}"
    finalize = (
        "or call runic.ogm.metadata.finalize() (from runic.ogm import metadata) after "
        "importing every model module to check every relation target at start-up"
    )
    assert str(exc.value) == (
        f"unknown model 'Compnay' (referenced from {where}); define or import it before use, "
        f"{finalize}; "
        f"unknown model 'Pet' (referenced from {where}); define or import it before use, "
        f"{finalize}"
    )


def test_target_that_is_not_a_node_raises() -> None:
    class Rated(Edge, type="RATED"):
        score: float = 0.0

    class Person(Node, labels=["Person"]):
        rated: Any = Relation(relationship="RATED", target="Rated")
        number: Any = Relation(relationship="NUM", target=int)  # type: ignore[arg-type]

    with pytest.raises(MetadataError) as exc:
        Person.rated.resolve_target()
    assert str(exc.value) == "Person.rated: target Rated is not a Node subclass"
    with pytest.raises(MetadataError) as exc:
        Person.number.resolve_target()
    assert str(exc.value) == "Person.number: target int is not a Node subclass"


def test_relation_without_target_or_annotation_raises_on_resolution() -> None:
    class Person(Node, labels=["Person"]):
        friends = Relation(relationship="KNOWS")

    assert "friends" in node_meta(Person).relations
    with pytest.raises(MetadataError, match=r"^Person\.friends: Relation\(\) needs target=$"):
        Person.friends.resolve_target()


def test_resolve_target_on_a_property_field_raises() -> None:
    class Person(Node, labels=["Person"]):
        name: str = Field(default="")

    with pytest.raises(MetadataError, match=r"^Person\.name is a property field, not a relation$"):
        Person.name.resolve_target()


def test_relations_are_inherited() -> None:
    class Person(Node, labels=["Person"]):
        friends: list["Person"] = Relation(relationship="KNOWS")

    class Employee(Person, labels=["Person", "Employee"]):
        boss: "Employee | None" = Relation(relationship="REPORTS_TO")

    meta = node_meta(Employee)
    assert list(meta.relations) == ["friends", "boss"]
    assert meta.relations["friends"] is Person.friends
    assert Employee.boss.resolve_target() is Employee
    e = Employee()
    assert (e.friends, e.boss) == ([], None)


def test_relation_names_are_not_primary_keys_or_fields() -> None:
    class Person(Node, labels=["Person"]):
        name: str = ""
        id: Any = Relation(relationship="ID_OF", target="Person")

    meta = node_meta(Person)
    assert meta.pk_field_name is None
    assert list(meta.fields) == ["name"]
    assert list(meta.relations) == ["id"]


def test_edge_model_must_match_the_relationship_type() -> None:
    from runic.ogm import Edge, MetadataError, Node, Relation

    class Likes(Edge, type="LIKES"):
        weight: int = 1

    with pytest.raises(
        MetadataError,
        match=r"Fan\.idols: edge_model Likes is for relationship type 'LIKES', but the "
        r"relation is 'FOLLOWS'; use an Edge class declared with type='FOLLOWS'",
    ):

        class Fan(Node, labels=["Fan"]):
            id: str
            idols: list["Fan"] = Relation(relationship="FOLLOWS", edge_model=Likes)
