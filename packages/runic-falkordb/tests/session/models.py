"""Models for the session tests (loaded once by ``conftest.py``).

Labels and relationship types carry an ``S`` prefix so they never collide with
the models other test packages register in the global registry. Import them in
tests with ``from session_models import Person`` (``conftest.py`` registers this
module under that name).
"""

from __future__ import annotations

import enum
import json
from datetime import datetime
from typing import Any

from runic.ogm import Edge, Field, Node, Relation, TypeConverter


class JsonConverter(TypeConverter):
    """A ``dict`` stored as a JSON string (FalkorDB rejects map properties)."""

    def to_graph(self, value: Any) -> Any:
        return json.dumps(value, sort_keys=True)

    def from_graph(self, value: Any) -> Any:
        return json.loads(value)


class Role(enum.Enum):
    ENGINEER = "engineer"
    MANAGER = "manager"


class Company(Node, labels=["SCompany"]):
    id: str = Field(primary_key=True)
    name: str = Field(required=True)
    city: str = ""


class Knows(Edge, type="S_KNOWS"):
    since: int = 2020
    note: str | None = None


class Location(Node, labels=["SLocation"]):
    code: str = Field(primary_key=True)
    name: str = ""


class Country(Location, labels=["SLocation", "SCountry"]):
    population: int = 0


class City(Location, labels=["SLocation", "SCity"]):
    country: Country | None = Relation(relationship="S_IN", target=Country)


class Person(Node, labels=["SPerson"]):
    id: str = Field(primary_key=True)
    name: str = Field(required=True)
    email: str | None = None
    age: int | None = None
    active: bool = True
    role: Role = Role.ENGINEER
    tags: list[str] = Field(default_factory=list)
    prefs: dict[str, Any] = Field(default_factory=dict, converter=JsonConverter())
    employer: Company | None = Relation(relationship="S_WORKS_FOR", target="Company")
    knows: list[Person] = Relation(relationship="S_KNOWS", target="Person", edge_model=Knows)
    lives_in: Location | None = Relation(relationship="S_LIVES_IN", target=Location)


class Ticket(Node, labels=["STicket"]):
    """A node whose key the database assigns."""

    id: int = Field(primary_key=True, generated=True)
    title: str = ""
    owner: Person | None = Relation(relationship="S_OWNED_BY", target=Person)


class Counter(Node, labels=["SCounter"]):
    id: int = Field(primary_key=True)
    value: int = 0


class Blob(Node, labels=["SBlob"]):
    """``extra`` has no converter: a dict value is rejected by FalkorDB."""

    id: str = Field(primary_key=True)
    extra: dict[str, Any] | None = None


class Note(Node, labels=["SNote"]):
    """No primary key: identified by the node's graph id."""

    text: str = ""


class Named(Node, abstract=True):
    """An abstract base: never stored itself."""

    name: str = ""


class Unregistered:
    """Not a model at all."""

    def __init__(self, id: str) -> None:  # noqa: A002
        self.id = id


# -- the seeds' example models (async guide, session guide) -----------------------------


class Article(Node, labels=["SArticle"]):
    id: str = Field(primary_key=True)
    title: str = ""
    published: bool = False
    published_at: datetime | None = None


class User(Node, labels=["SUser"]):
    id: str = Field(primary_key=True)
    name: str = ""
    email: str = ""
    active: bool = True
    region: str = ""
    city: str = ""
    articles: list[Article] = Relation(relationship="S_WROTE", target=Article)


class Trip(Node, labels=["STrip"]):
    id: str = Field(primary_key=True)
    status: str = "draft"
