"""A converter's ``cypher_fn``: the value is written (and compared) through the function.

``toUpper`` is a function every backend has; AGE calls only its own functions, so a
user-defined name there is an UnsupportedFeatureError before anything is sent.
"""

from __future__ import annotations

from typing import Any

import pytest

from runic.ogm import Field, Node, TypeConverter, UnsupportedFeatureError, select
from runic_integration import RunicDB, backend_test


class Shout(TypeConverter):
    """Stores strings in upper case, through the server's ``toUpper``."""

    cypher_fn = "toUpper"

    def to_graph(self, value: Any) -> Any:
        return str(value)

    def from_graph(self, value: Any) -> Any:
        return value


class Custom(Shout):
    """A user-defined function (FalkorDB UDFs, Neo4j/ArcadeDB functions are dotted)."""

    cypher_fn = "runic_it.shout"


class Loud(Node, labels=["ItLoud"]):
    id: str = Field(primary_key=True)
    word: str = Field(default="", converter=Shout())
    maybe: str | None = Field(default=None, converter=Shout())


class UdfWord(Node, labels=["ItCustomFn"]):
    id: str = Field(primary_key=True)
    word: str = Field(default="", converter=Custom())


def _stored(db: RunicDB) -> list[tuple[Any, ...]]:
    return db.rows(
        "MATCH (n:ItLoud) RETURN n.id AS id, n.word AS w, n.maybe AS m ORDER BY n.id",
        columns=("id", "w", "m"),
    )


@backend_test
async def test_cypher_fn_wraps_inserted_and_updated_values(db: RunicDB) -> None:
    async with db.session() as session:
        session.add_all([Loud(id="a", word="Hello"), Loud(id="b", word="x", maybe="Quiet")])
    assert _stored(db) == [("a", "HELLO", None), ("b", "X", "QUIET")]
    async with db.session() as session:
        a = await session.get(Loud, "a")
        b = await session.get(Loud, "b")
        assert a is not None and b is not None
        a.word = "bye"
        a.maybe = "now"
        b.maybe = None  # null stays null: the function is not called on it
    assert _stored(db) == [("a", "BYE", "NOW"), ("b", "X", None)]


@backend_test
async def test_cypher_fn_wraps_compared_values(db: RunicDB) -> None:
    async with db.session() as session:
        session.add_all([Loud(id="a", word="Hello"), Loud(id="b", word="World")])
    async with db.session() as session:
        found = await session.scalars(select(Loud).where(Loud.word == "hello"))
        assert [n.id for n in found] == ["a"]
        found = await session.scalars(
            select(Loud).where(Loud.word.in_(["world", "nope"])).order_by(Loud.id)
        )
        assert [n.id for n in found] == ["b"]


@backend_test
async def test_a_function_age_cannot_call_fails_before_anything_is_sent(db: RunicDB) -> None:
    if db.backend != "age":
        pytest.skip("only AGE restricts the functions a converter may name")
    session = db.session()
    session.add(UdfWord(id="a", word="x"))
    with pytest.raises(UnsupportedFeatureError) as caught:
        await session.flush()
    message = str(caught.value)
    assert "age" in message and "UdfWord.word" in message and "runic_it.shout()" in message
    await session.rollback()
    assert db.count("ItCustomFn") == 0
