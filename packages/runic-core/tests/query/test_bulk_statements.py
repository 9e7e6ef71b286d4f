"""``update(Cls)`` / ``delete(Cls)``: immutable statements compiled to exact text."""

from __future__ import annotations

import pytest

from runic.ogm import Field, Node, QueryBuildError, Relation, Vector, delete, update
from runic.ogm.dialect import CypherDialect
from runic.ogm.query.write import BulkWrite


class BkTeam(Node, labels=["BkTeam"]):
    code: str = Field(primary_key=True)


class BkUser(Node, labels=["BkUser"]):
    id: str = Field(primary_key=True)
    age: int = 0
    name: str | None = None
    emb: Vector | None = None
    city: str = Field(interned=True, default="")
    team: BkTeam | None = Relation(relationship="BK_IN", target=BkTeam)


D = CypherDialect()


def test_update_sets_and_removes_with_values_as_parameters() -> None:
    stmt = update(BkUser).where((BkUser.age < 18) | ~(BkUser.name == "x"))
    cypher, params = stmt.values(name="kid", emb=Vector([1.0]), age=None).build(D)
    assert cypher == (
        "MATCH (n:`BkUser`) WHERE n.`age` < $p0 OR NOT (n.`name` = $p1) "
        "SET n.`name` = $p2, n.`emb` = $p3 REMOVE n.`age` RETURN count(*) AS rowcount"
    )
    assert params == {"p0": 18, "p1": "x", "p2": "kid", "p3": [1.0]}
    assert stmt.values(name="a").compile(D).columns == ("rowcount",)


def test_statements_are_immutable_and_values_merge() -> None:
    base = update(BkUser)
    young = base.where(BkUser.age < 18)
    named = young.values(name="a")
    renamed = named.values(name="b", city="Paris")
    assert base.values(age=1).build(D)[0] == (
        "MATCH (n:`BkUser`) SET n.`age` = $p0 RETURN count(*) AS rowcount"
    )
    assert named.build(D) == (
        "MATCH (n:`BkUser`) WHERE n.`age` < $p0 SET n.`name` = $p1 RETURN count(*) AS rowcount",
        {"p0": 18, "p1": "a"},
    )
    assert renamed.build(D)[1] == {"p0": 18, "p1": "b", "p2": "Paris"}


def test_delete_is_detach_delete() -> None:
    assert delete(BkUser).where(BkUser.age > 3).build(D) == (
        "MATCH (n:`BkUser`) WHERE n.`age` > $p0 DETACH DELETE n RETURN count(*) AS rowcount",
        {"p0": 3},
    )
    assert delete(BkUser).build(D)[0] == (
        "MATCH (n:`BkUser`) DETACH DELETE n RETURN count(*) AS rowcount"
    )
    assert delete(BkUser).to_ir() == BulkWrite(delete(BkUser).to_ir().clauses, "n", delete=True)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("id", "update(BkUser).values(): 'id' is its primary key, which a bulk update cannot"),
        ("team", "update(BkUser).values(): 'team' is a relation; change relations through"),
        (
            "nope",
            "update(BkUser).values(): 'nope' is not a property of BkUser (its "
            "properties: age, city, emb, name)",
        ),
    ],
)
def test_values_refuses_what_is_not_a_property(name: str, message: str) -> None:
    with pytest.raises(QueryBuildError) as caught:
        update(BkUser).values(**{name: 1})
    assert str(caught.value).startswith(message)


def test_an_update_without_values_is_refused() -> None:
    with pytest.raises(QueryBuildError, match=r"update\(BkUser\) sets nothing: call \.values"):
        update(BkUser).where(BkUser.age > 1).build(D)


class BkStrict(Node, labels=["BkStrict"]):
    id: str = Field(primary_key=True)
    name: str = Field(required=True)


def test_a_required_field_cannot_be_removed() -> None:
    with pytest.raises(QueryBuildError) as caught:
        update(BkStrict).values(name=None)
    assert str(caught.value) == (
        "update(BkStrict).values(): 'name' is required: it cannot be removed (set to None); "
        "give it a value"
    )
    assert update(BkStrict).values(name="x").assigned == {"name": "x"}


def test_ids_returns_the_matched_node_ids_too() -> None:
    stmt = update(BkUser).where(BkUser.age < 18).values(name="kid", age=None)
    compiled = stmt.compile(D, ids=True)
    assert compiled.cypher == (
        "MATCH (n:`BkUser`) WHERE n.`age` < $p0 SET n.`name` = $p1 REMOVE n.`age` "
        "RETURN count(*) AS rowcount, collect(id(n)) AS ids"
    )
    assert compiled.columns == ("rowcount", "ids")
    assert stmt.compile(D).columns == ("rowcount",)  # cached apart
    # a deleted node's id is taken before the delete
    assert delete(BkUser).where(BkUser.age > 3).compile(D, ids=True).cypher == (
        "MATCH (n:`BkUser`) WHERE n.`age` > $p0 WITH n, id(n) AS __id DETACH DELETE n "
        "RETURN count(*) AS rowcount, collect(__id) AS ids"
    )
