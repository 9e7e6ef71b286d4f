"""Models shared by the query tests.

Labels and relationship types carry a ``Q`` prefix so they never collide with
models other test packages register in the global registry.
"""

from __future__ import annotations

import enum
from datetime import datetime
from types import SimpleNamespace

import pytest

from runic.ogm.core import Edge, Field, GeoLocation, Node, Relation, Vector


class Status(enum.Enum):
    ACTIVE = "active"
    BANNED = "banned"


class Rated(Edge, type="Q_RATED"):
    score: float = 0.0
    at: datetime | None = None


class Movie(Node, labels=["QMovie"]):
    title: str = ""
    year: int = 0
    # a relation whose name is a Cypher keyword (not usable as a generated alias)
    order: list[Movie] = Relation(relationship="Q_SEQUEL", target="Movie")


class Location(Node, labels=["QLocation"]):
    name: str = ""


class Country(Location, labels=["QLocation", "QCountry"]):
    code: str = ""


class User(Node, labels=["QUser"]):
    id: str = Field(primary_key=True)
    name: str = ""
    age: int = 0
    active: bool = True
    status: Status = Status.ACTIVE
    created: datetime | None = None
    home: GeoLocation | None = None
    embedding: Vector | None = Field(default=None, index_type="VECTOR")
    bio: str = Field(default="", index_type="FULLTEXT")
    friends: list[User] = Relation(relationship="Q_FRIEND", target="User")
    followers: list[User] = Relation(relationship="Q_FOLLOWS", direction="INCOMING", target="User")
    knows: list[User] = Relation(relationship="Q_KNOWS", direction="BOTH", target="User")
    rated: list[Movie] = Relation(relationship="Q_RATED", target=Movie, edge_model=Rated)
    parent: User | None = Relation(relationship="Q_PARENT", target="User")
    lives_in: Location | None = Relation(relationship="Q_LIVES_IN", target=Location)


class Admin(User, labels=["QUser", "QAdmin"]):
    level: int = 0


@pytest.fixture(scope="session")
def m() -> SimpleNamespace:
    """The test models: ``m.User``, ``m.Movie``, ``m.Rated``, ``m.Status``, ..."""
    return SimpleNamespace(
        Status=Status,
        Rated=Rated,
        Movie=Movie,
        Location=Location,
        Country=Country,
        User=User,
        Admin=Admin,
    )
