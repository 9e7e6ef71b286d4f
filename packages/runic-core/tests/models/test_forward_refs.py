"""Models written with ``from __future__ import annotations`` (every annotation a string)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Optional

import pytest

from runic.ogm.core import (
    DateConverter,
    DatetimeConverter,
    EnumConverter,
    Field,
    GeoLocation,
    GeoLocationConverter,
    Node,
    Relation,
    Vector,
    VectorConverter,
    default_metadata,
    node_meta,
)
from runic.ogm.core.types import TypeConverter
from runic.ogm.exceptions import MetadataError


class Mood(enum.Enum):
    HAPPY = "happy"
    SAD = "sad"


def test_forward_referenced_relation_does_not_cost_the_converters() -> None:
    class Person(Node, labels=["Person"]):
        id: str = Field(primary_key=True)
        born: datetime | None = None
        birthday: date | None = None
        mood: Mood = Mood.HAPPY
        embedding: Vector | None = None
        home: Optional[GeoLocation] = None  # noqa: UP045 - the Optional spelling is the point
        company: Company | None = Relation(relationship="WORKS_FOR")
        friends: list[Person] = Relation(relationship="KNOWS")
        jobs: Optional[list[Company]] = Relation(relationship="HELD")  # noqa: UP045

    fields = node_meta(Person).fields
    assert isinstance(fields["born"].converter, DatetimeConverter)
    assert isinstance(fields["birthday"].converter, DateConverter)
    assert fields["mood"].converter == EnumConverter(Mood)
    assert isinstance(fields["embedding"].converter, VectorConverter)
    assert isinstance(fields["home"].converter, GeoLocationConverter)
    assert fields["id"].converter is None
    assert fields["born"].python_type is datetime
    # the forward reference is only known by name, the self reference is the class
    assert (Person.company.target, Person.company.many) == ("Company", False)
    assert (Person.friends.target, Person.friends.many) == (Person, True)
    assert (Person.jobs.target, Person.jobs.many) == ("Company", True)
    assert Person.__runic_deferred__ == {  # type: ignore[attr-defined]
        "company": "Company | None",
        "jobs": "Optional[list[Company]]",
    }
    p = Person(id="p")
    assert (p.company, p.friends, p.jobs) == (None, [], [])

    class Company(Node, labels=["Company"]):
        name: str = ""

    assert Person.company.resolve_target() is Company
    assert Person.jobs.resolve_target() is Company


def test_forward_referenced_field_type_is_completed_by_finalize() -> None:
    # A module-level annotation naming something defined later in the module.
    ns: dict[str, object] = {
        "__annotations__": {"status": "LateStatus", "name": "str"},
        "status": None,
        "name": "",
        "__module__": __name__,
    }
    Item = type("Item", (Node,), ns, labels=["Item"])
    assert Item.status.converter is None
    assert Item.__runic_deferred__ == {"status": "LateStatus"}

    globals()["LateStatus"] = Mood
    try:
        default_metadata.finalize()
    finally:
        del globals()["LateStatus"]
    assert Item.status.converter == EnumConverter(Mood)
    assert Item.status.python_type is Mood
    assert Item.__runic_deferred__ == {}


def test_unresolvable_field_annotation_is_reported_by_finalize() -> None:
    class Item(Node, labels=["Item"]):
        status: NoSuchType | None = None  # type: ignore[name-defined]  # noqa: F821

    assert Item.__runic_deferred__ == {"status": "NoSuchType | None"}  # type: ignore[attr-defined]
    with pytest.raises(MetadataError) as exc:
        default_metadata.finalize()
    assert str(exc.value) == (
        "test_unresolvable_field_annotation_is_reported_by_finalize.<locals>.Item.status: "
        "cannot evaluate annotation 'NoSuchType | None'"
    )


def test_finalize_completes_annotations_of_abstract_bases() -> None:
    class Base(Node, abstract=True):
        mood: Missing | None = None  # type: ignore[name-defined]  # noqa: F821

    class Post(Base, labels=["Post"]):
        title: str = ""

    with pytest.raises(MetadataError, match=r"Base\.mood: cannot evaluate annotation "):
        default_metadata.finalize()


def test_explicit_converter_wins_over_a_deferred_annotation() -> None:
    class Shout(TypeConverter):
        def to_graph(self, value: object) -> object:
            return str(value).upper()

        def from_graph(self, value: object) -> object:
            return str(value).lower()

    conv = Shout()

    class Item(Node, labels=["Item"]):
        stamp: datetime = Field(default=None, converter=conv)
        owner: Owner | None = Relation(relationship="OWNED_BY")

    assert Item.stamp.converter is conv

    class Owner(Node, labels=["Owner"]):
        name: str = ""

    default_metadata.finalize()
    assert Item.stamp.converter is conv
    assert Item.owner.resolve_target() is Owner
