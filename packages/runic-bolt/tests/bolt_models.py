"""Models for the runic-bolt tests (loaded once by ``conftest.py`` as ``bolt_models``).

Labels and relationship types carry a ``Bt``/``BT_`` prefix so they never collide
with the models other test packages register in the global registry.
"""

from __future__ import annotations

import enum
import json
from datetime import date, datetime
from typing import Any

from runic.ogm import Edge, Field, GeoLocation, Node, Relation, TypeConverter, Vector


class JsonConverter(TypeConverter):
    """A ``dict`` stored as a JSON string (Bolt servers refuse map properties)."""

    def to_graph(self, value: Any) -> Any:
        return json.dumps(value, sort_keys=True)

    def from_graph(self, value: Any) -> Any:
        return json.loads(value)


class Level(enum.Enum):
    JUNIOR = "junior"
    SENIOR = "senior"


class Company(Node, labels=["BtCompany"]):
    id: str = Field(primary_key=True)
    name: str = Field(required=True)


class Knows(Edge, type="BT_KNOWS"):
    since: int = 2020


class Person(Node, labels=["BtPerson"]):
    id: str = Field(primary_key=True)
    name: str = Field(required=True)
    age: int | None = None
    level: Level = Level.JUNIOR
    tags: list[str] = Field(default_factory=list)
    born: date | None = None
    seen: datetime | None = None
    place: GeoLocation | None = None
    city: str = Field(interned=True, default="")
    prefs: dict[str, Any] = Field(default_factory=dict, converter=JsonConverter())
    employer: Company | None = Relation(relationship="BT_WORKS_FOR", target="Company")
    knows: list[Person] = Relation(relationship="BT_KNOWS", target="Person", edge_model=Knows)


class Manager(Person, labels=["BtPerson", "BtManager"]):
    reports: int = 0


class Ticket(Node, labels=["BtTicket"]):
    """A node whose key the database assigns."""

    id: int = Field(primary_key=True, generated=True)
    title: str = ""


class Doc(Node, labels=["BtDoc"]):
    """Searchable: fulltext over title/body, a vector index on embedding."""

    id: str = Field(primary_key=True)
    title: str = Field(default="", index_type="FULLTEXT")
    body: str = Field(default="", index_type="FULLTEXT")
    embedding: Vector | None = Field(default=None, index_type="VECTOR")
