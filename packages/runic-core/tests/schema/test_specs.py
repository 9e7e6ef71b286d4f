"""IndexSpec, extract_declared_specs and the vector options of Field()."""

from __future__ import annotations

from typing import Any

import pytest

from runic.ogm import Edge, Field, Node, Relation
from runic.ogm.exceptions import InvalidIdentifierError
from runic.ogm.schema import IndexSpec, declared_specs, extract_declared_specs


def test_the_seed_rules_and_the_primary_key() -> None:
    class Person(Node, labels=["Person"]):
        id: str = Field(primary_key=True)
        email: str = Field(unique=True, index=True)
        age: int = Field(default=0, index=True)
        bio: str = Field(default="", index_type="FULLTEXT")
        emb: Any = Field(default=None, index_type="VECTOR", vector_dimension=4)
        plain: str = Field(default="")
        friends: list[Person] = Relation(relationship="KNOWS", default_factory=list)

    assert extract_declared_specs(Person) == [
        IndexSpec("Person", "id", "UNIQUE"),
        IndexSpec("Person", "email", "UNIQUE"),  # unique + index: only UNIQUE
        IndexSpec("Person", "age", "RANGE"),
        IndexSpec("Person", "bio", "FULLTEXT"),
        IndexSpec("Person", "emb", "VECTOR"),
    ]
    vector = extract_declared_specs(Person)[-1]
    assert (vector.dimension, vector.similarity) == (4, None)


def test_a_generated_key_gives_no_unique_spec_and_graph_names_are_used() -> None:
    class Item(Node, labels=["Item"]):
        id: int | None = Field(default=None, primary_key=True, generated=True)
        first: str = Field(default="", index=True, name="first name")

    assert extract_declared_specs(Item) == [IndexSpec("Item", "first name", "RANGE")]


def test_edge_specs_are_marked_as_edges() -> None:
    class Rated(Edge, type="RATED"):
        score: int = Field(default=0, index=True)

    (spec,) = extract_declared_specs(Rated)
    assert spec == IndexSpec("RATED", "score", "RANGE", "edge")
    assert spec.is_edge and spec.describe() == "RANGE [RATED].score"
    assert spec != IndexSpec("RATED", "score", "RANGE")


def test_declared_specs_drops_duplicates_and_keeps_order() -> None:
    class A(Node, labels=["A"]):
        id: str = Field(primary_key=True)

    assert declared_specs([A, A]) == [IndexSpec("A", "id", "UNIQUE")]


def test_options_and_names_are_not_compared() -> None:
    assert IndexSpec("L", "p", "VECTOR", dimension=3, name="x") == IndexSpec("L", "p", "VECTOR")


def test_bad_specs_are_refused() -> None:
    with pytest.raises(ValueError, match="index_type must be one of"):
        IndexSpec("L", "p", "BTREE")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="similarity must be one of"):
        IndexSpec("L", "p", "VECTOR", similarity="dot")
    with pytest.raises(InvalidIdentifierError):
        IndexSpec("L`x", "p", "RANGE")
    with pytest.raises(TypeError, match="Node or Edge subclass"):
        extract_declared_specs(int)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"vector_dimension": 3}, "add index_type='VECTOR'"),
        ({"index_type": "VECTOR", "vector_dimension": 0}, "integer >= 1, got 0"),
        ({"index_type": "VECTOR", "vector_dimension": True}, "integer >= 1, got True"),
        ({"index_type": "VECTOR", "similarity": "dot"}, "one of cosine, euclidean, got 'dot'"),
    ],
)
def test_vector_options_on_field_are_validated(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Field(**kwargs)


def test_a_unique_violation_names_the_class_field_and_value() -> None:
    from runic.ogm.exceptions import DuplicateEntityError, UniqueViolationError
    from runic.ogm.schema.violations import unique_violation

    class Account(Node, labels=["Account"]):
        id: str = Field(primary_key=True)
        email: str = Field(unique=True)

    new = Account(id="a2", email="x@example.org")
    by_label = UniqueViolationError(
        "unique constraint violation on node of type Account", backend="falkordb"
    )
    err = unique_violation(by_label, [new])
    assert isinstance(err, DuplicateEntityError)
    assert "one of Account.id='a2', Account.email='x@example.org' already exists" in str(err)
    by_index = UniqueViolationError(
        'violates unique constraint "runic_uniq_Account_email"', backend="age"
    )
    assert "refused the flush: Account.email='x@example.org' already" in str(
        unique_violation(by_index, [new])
    )


def test_a_unique_violation_that_shows_the_value_names_only_that_entity() -> None:
    from runic.ogm.exceptions import UniqueViolationError
    from runic.ogm.schema.violations import taken_keys, unique_violation

    class Member(Node, labels=["Member"]):
        id: str = Field(primary_key=True)
        email: str = Field(unique=True)

    flushed = [Member(id=f"m{i}", email=f"m{i}@example.org") for i in range(3)]
    arcadedb = UniqueViolationError(
        "Duplicated key [m1] found on index 'Member[id]' already assigned to record #1:0",
        backend="arcadedb",
    )
    err = str(unique_violation(arcadedb, flushed, removed=True))
    assert err.startswith(
        "a unique constraint refused the flush: Member.id='m1' already exists in the graph; "
        "load that entity and modify it instead. Nothing was written; the entity with the "
        "taken key was removed from the session, everything else stays staged. ("
    )
    assert taken_keys(arcadedb, flushed) == [flushed[1]]
    age = UniqueViolationError(
        'duplicate key value violates unique constraint "runic_uniq_Member_email" (Key '
        """(agtype_access_operator(VARIADIC ARRAY[properties, '"email"'::agtype]))="""
        '("m2@example.org") already exists.)',
        backend="age",
    )
    assert "flush: Member.email='m2@example.org' already" in str(unique_violation(age, flushed))
    assert taken_keys(age, flushed) == []  # a unique field, not the key: the entity stays
    falkordb = UniqueViolationError(
        "unique constraint violation on node of type Member", backend="falkordb"
    )  # no value: every candidate
    assert "one of Member.id='m0', Member.email='m0@example.org', Member.id='m1'" in str(
        unique_violation(falkordb, flushed)
    )
    assert taken_keys(falkordb, flushed) == []
