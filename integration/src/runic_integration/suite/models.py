"""The models the suite writes and reads.

Labels carry an ``It`` prefix and relationship types an ``IT_`` prefix, so they
never collide with models of other test packages in the global registry.
"""

from __future__ import annotations

import enum
import json
from datetime import date, datetime
from typing import Any

from runic.ogm import (
    Edge,
    Field,
    GeoLocation,
    Node,
    Relation,
    TypeConverter,
    Vector,
)

__all__ = [
    "Article",
    "City",
    "Color",
    "Company",
    "Country",
    "Doc",
    "Everything",
    "JsonConverter",
    "Knows",
    "Location",
    "Note",
    "Person",
    "Priority",
    "Rated",
    "Score",
    "Ticket",
]


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"
    BLUE = "blue"


class Priority(enum.Enum):
    """An Enum whose values are integers."""

    LOW = 1
    HIGH = 3


class JsonConverter(TypeConverter):
    """A custom converter: a dict stored as a JSON string."""

    def to_graph(self, value: Any) -> Any:
        return json.dumps(value, sort_keys=True)

    def from_graph(self, value: Any) -> Any:
        return json.loads(value)


class Everything(Node, labels=["ItEverything"]):
    """One property of every supported kind."""

    id: str = Field(primary_key=True)
    text: str = ""
    number: int = 0
    ratio: float = 0.0
    flag: bool = False
    tags: list[str] = Field(default_factory=list)
    scores: list[int] = Field(default_factory=list)
    at: datetime | None = None
    day: date | None = None
    color: Color = Color.RED
    priority: Priority = Priority.LOW
    embedding: Vector | None = None
    place: GeoLocation | None = None
    city: str = Field(interned=True, default="")
    payload: dict[str, Any] = Field(default_factory=dict, converter=JsonConverter())
    note: str | None = None


class Stamped(Node, abstract=True):
    """An abstract base: its fields are inherited, it is never stored itself."""

    created: datetime | None = None
    author: str = "system"


class Note(Stamped, labels=["ItNote"]):
    id: str = Field(primary_key=True)
    text: str = ""


class Ticket(Node, labels=["ItTicket"]):
    """A node whose key the database assigns."""

    id: int = Field(primary_key=True, generated=True)
    title: str = ""


class Company(Node, labels=["ItCompany"]):
    id: str = Field(primary_key=True)
    name: str = Field(required=True)
    city: str = ""
    employees: list[Person] = Relation(
        relationship="IT_WORKS_FOR", direction="INCOMING", target="Person"
    )


class Article(Node, labels=["ItArticle"]):
    id: str = Field(primary_key=True)
    title: str = ""
    body: str = ""


class Rated(Edge, type="IT_RATED"):
    score: float = 0.0


class Knows(Edge, type="IT_KNOWS"):
    since: int = 2020
    note: str | None = None


class Person(Node, labels=["ItPerson"]):
    id: str = Field(primary_key=True)
    name: str = Field(required=True)
    age: int | None = None
    email: str | None = None
    active: bool = True
    tags: list[str] = Field(default_factory=list)
    employer: Company | None = Relation(relationship="IT_WORKS_FOR", target="Company")
    friends: list[Person] = Relation(relationship="IT_KNOWS", target="Person", edge_model=Knows)
    lives_in: Location | None = Relation(relationship="IT_LIVES_IN", target="Location")
    rated: list[Article] = Relation(relationship="IT_RATED", target=Article, edge_model=Rated)


class Location(Node, labels=["ItLocation"]):
    """A polymorphic base: countries and cities are locations with one more label."""

    code: str = Field(primary_key=True)
    name: str = ""


class Country(Location, labels=["ItLocation", "ItCountry"]):
    population: int = 0


class City(Location, labels=["ItLocation", "ItCity"]):
    country: Country | None = Relation(relationship="IT_IN", target=Country)


class Doc(Node, labels=["ItDoc"]):
    """Searchable: a fulltext index over title/body, a vector index on embedding."""

    id: str = Field(primary_key=True)
    title: str = Field(default="", index_type="FULLTEXT")
    body: str = Field(default="", index_type="FULLTEXT")
    embedding: Vector | None = Field(default=None, index_type="VECTOR")


class Score(Node, labels=["ItScore"]):
    """Rows for the aggregate tests."""

    id: str = Field(primary_key=True)
    team: str = ""
    points: int = 0
    weight: float = 0.0
