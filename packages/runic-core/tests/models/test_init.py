"""The generated keyword-only ``__init__``."""

import inspect
from typing import Any

import pytest

from runic.ogm.core import Edge, Field, Node, Relation


def test_keyword_only_init_sets_every_field() -> None:
    class Person(Node, labels=["Person"]):
        id: str = Field(primary_key=True)
        name: str
        age: int | None = Field(default=None)

    p = Person(id="a", name="Ann", age=30)
    assert (p.id, p.name, p.age) == ("a", "Ann", 30)
    assert p.__dict__ == {"id": "a", "name": "Ann", "age": 30}
    q = Person(id="b", name="Bo")
    assert q.age is None


def test_init_signature_is_keyword_only_and_named_after_the_class() -> None:
    class Person(Node, labels=["Person"]):
        id: str = ""
        name: str = "n"

    params = inspect.signature(Person).parameters
    assert [(p.name, p.kind) for p in params.values()] == [
        ("id", inspect.Parameter.KEYWORD_ONLY),
        ("name", inspect.Parameter.KEYWORD_ONLY),
        ("_extra", inspect.Parameter.VAR_KEYWORD),
    ]
    assert Person.__init__.__qualname__ == f"{Person.__qualname__}.__init__"
    assert Person.__init__.__module__ == __name__
    assert Person.__init__.__doc__ == "Create a Person; every field is a keyword argument."


def test_positional_arguments_are_refused() -> None:
    class Person(Node, labels=["Person"]):
        id: str = ""

    with pytest.raises(TypeError, match=r"Person\.__init__\(\) takes 1 positional argument but 2"):
        Person("a")  # type: ignore[misc]


def test_missing_required_field_names_class_and_field() -> None:
    class Person(Node, labels=["Person"]):
        id: str = Field(primary_key=True)
        name: str
        age: int = 0

    with pytest.raises(TypeError) as exc:
        Person(id="a")  # type: ignore[call-arg]
    assert str(exc.value) == f"{Person.__qualname__}() missing required field: 'name'"

    with pytest.raises(TypeError) as exc:
        Person(age=3)  # type: ignore[call-arg]
    assert str(exc.value) == f"{Person.__qualname__}() missing required fields: 'id', 'name'"


def test_unknown_argument_names_class_field_and_the_known_fields() -> None:
    class Person(Node, labels=["Person"]):
        id: str = ""
        name: str = ""
        friends: list[Any] = Relation(relationship="KNOWS", target="Person")

    with pytest.raises(TypeError) as exc:
        Person(idd="a")  # type: ignore[call-arg]
    assert str(exc.value) == (
        f"{Person.__qualname__}() got unexpected field 'idd'; its fields are: id, name, friends"
    )
    with pytest.raises(TypeError) as exc:
        Person(id="a", x=1, y=2)  # type: ignore[call-arg]
    assert str(exc.value) == (
        f"{Person.__qualname__}() got unexpected fields 'x', 'y'; its fields are: id, name, friends"
    )


def test_unknown_argument_is_reported_before_missing_ones() -> None:
    class Person(Node, labels=["Person"]):
        id: str

    with pytest.raises(TypeError, match=r"got unexpected field 'idd'; its fields are: id$"):
        Person(idd="a")  # type: ignore[call-arg]


def test_explicit_none_is_accepted_for_a_required_field() -> None:
    class Person(Node, labels=["Person"]):
        name: str

    assert Person(name=None).name is None  # type: ignore[arg-type]


def test_mutable_plain_default_is_not_shared() -> None:
    class Person(Node, labels=["Person"]):
        tags: list[str] = []  # noqa: RUF012 - the point of the test
        attrs: dict[str, list[int]] = {"a": [1]}  # noqa: RUF012
        seen: set[int] = Field(default=set())

    a, b = Person(), Person()
    a.tags.append("x")
    a.attrs["a"].append(2)
    a.seen.add(1)
    assert (b.tags, b.attrs, b.seen) == ([], {"a": [1]}, set())
    assert a.tags is not b.tags
    assert a.attrs["a"] is not b.attrs["a"]
    assert Person.tags.default == []
    assert Person.attrs.default == {"a": [1]}
    assert (a.tags, a.attrs, a.seen) == (["x"], {"a": [1, 2]}, {1})


def test_immutable_default_is_reused_as_is() -> None:
    marker = ("a", "b")

    class Person(Node, labels=["Person"]):
        pair: tuple[str, str] = marker
        name: str = "n"

    assert Person().pair is marker


def test_default_factory_is_called_per_instance() -> None:
    calls: list[int] = []

    def factory() -> list[int]:
        calls.append(1)
        return [len(calls)]

    class Person(Node, labels=["Person"]):
        nums: list[int] = Field(default_factory=factory)

    a, b = Person(), Person()
    assert (a.nums, b.nums) == ([1], [2])
    assert Person(nums=[9]).nums == [9]
    assert calls == [1, 1]


def test_init_false_fields() -> None:
    class Person(Node, labels=["Person"]):
        id: str = Field(primary_key=True, init=False)
        count: int = Field(default=5, init=False)
        seq: int = Field(generated=True, init=False)
        scratch: str = Field(init=False)
        name: str = ""

    params = list(inspect.signature(Person).parameters)
    assert params == ["name", "_extra"]
    p = Person(name="x")
    assert p.__dict__ == {"id": None, "count": 5, "seq": None, "name": "x"}
    with pytest.raises(AttributeError) as exc:
        _ = p.scratch
    assert str(exc.value) == "Person instance has no value for field 'scratch'"
    with pytest.raises(TypeError, match=r"got unexpected field 'count'"):
        Person(count=3)  # type: ignore[call-arg]


def test_generated_field_is_optional_and_defaults_to_none() -> None:
    class Person(Node, labels=["Person"]):
        id: int = Field(primary_key=True, generated=True)
        name: str = ""

    assert Person(name="a").id is None
    assert Person(id=7).id == 7


def test_kw_only_false_fields_are_positional() -> None:
    class Point(Node, labels=["Point"]):
        x: int = Field(kw_only=False)
        y: int = Field(default=0, kw_only=False)
        label: str = ""

    params = inspect.signature(Point).parameters
    assert [(p.name, p.kind) for p in params.values()] == [
        ("x", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        ("y", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        ("label", inspect.Parameter.KEYWORD_ONLY),
        ("_extra", inspect.Parameter.VAR_KEYWORD),
    ]
    p = Point(1, 2, label="a")  # type: ignore[misc]
    assert (p.x, p.y, p.label) == (1, 2, "a")
    assert Point(x=3).y == 0
    with pytest.raises(TypeError, match=r"Point\(\) missing required field: 'x'$"):
        Point()  # type: ignore[call-arg]


def test_positional_field_without_default_after_one_with_default_raises() -> None:
    with pytest.raises(TypeError) as exc:

        class Point(Node, labels=["Point"]):
            x: int = Field(default=0, kw_only=False)
            y: int = Field(kw_only=False)

    assert str(exc.value) == (
        "test_positional_field_without_default_after_one_with_default_raises.<locals>.Point: "
        "positional field 'y' without a default follows a positional field with a default"
    )


def test_relations_default_to_empty_list_or_none_per_instance() -> None:
    class Person(Node, labels=["Person"]):
        id: str = ""
        friends: list["Person"] = Relation(relationship="KNOWS")
        boss: "Person | None" = Relation(relationship="BOSS", target="Person")
        tags: list[str] = Relation(relationship="TAG", target="Person", default_factory=list)

    a, b = Person(), Person()
    assert (a.friends, a.boss, a.tags) == ([], None, [])
    assert a.friends is not b.friends
    other = Person(id="o")
    c = Person(friends=[other], boss=other)
    assert c.friends == [other]
    assert c.boss is other


def test_relation_with_init_false_is_not_an_argument() -> None:
    class Person(Node, labels=["Person"]):
        id: str = ""
        friends: list["Person"] = Relation(relationship="KNOWS", init=False)

    assert list(inspect.signature(Person).parameters) == ["id", "_extra"]
    assert Person().friends == []
    with pytest.raises(TypeError, match=r"got unexpected field 'friends'"):
        Person(friends=[])  # type: ignore[call-arg]


def test_fields_named_like_generated_locals_work() -> None:
    class Odd(Node, labels=["Odd"]):
        d: int
        self: int = 2
        extra: int = 3

    o = Odd(d=1, self=5)  # type: ignore[misc]
    assert (o.d, o.self, o.extra) == (1, 5, 3)
    assert o.__dict__ == {"d": 1, "self": 5, "extra": 3}


def test_model_without_fields_can_be_instantiated() -> None:
    class Marker(Node, labels=["Marker"]):
        pass

    class Knows(Edge, type="KNOWS"):
        pass

    assert Marker().__dict__ == {}
    assert Knows().__dict__ == {}
    assert repr(Knows()) == "Knows()"
    with pytest.raises(
        TypeError,
        match=r"Knows\(\) got unexpected field 'since'; its fields are: "
        r"\(none\)$",
    ):
        Knows(since=1)  # type: ignore[call-arg]


def test_subclass_init_takes_parent_fields() -> None:
    class Animal(Node, labels=["Animal"]):
        id: str
        name: str = ""

    class Dog(Animal, labels=["Animal", "Dog"]):
        breed: str = "mutt"

    assert list(inspect.signature(Dog).parameters) == ["id", "name", "breed", "_extra"]
    d = Dog(id="d", breed="lab")
    assert d.__dict__ == {"id": "d", "name": "", "breed": "lab"}
    with pytest.raises(TypeError, match=r"Dog\(\) missing required field: 'id'$"):
        Dog()  # type: ignore[call-arg]


def test_abstract_base_has_an_init_with_its_fields() -> None:
    class Base(Node, abstract=True):
        created: int = 0

    assert Base(created=2).created == 2
    with pytest.raises(TypeError) as exc:
        Base(x=1)  # type: ignore[call-arg]
    assert str(exc.value) == (
        f"{Base.__qualname__}() got unexpected field 'x'; its fields are: created"
    )


def test_user_defined_init_is_kept() -> None:
    class Person(Node, labels=["Person"]):
        name: str = ""

        def __init__(self, name: str) -> None:
            self.__dict__["name"] = name.title()

    assert Person("ann").name == "Ann"


def test_edge_init() -> None:
    class Rated(Edge, type="RATED"):
        score: float
        note: str = ""

    r = Rated(score=1.0)
    assert (r.score, r.note) == (1.0, "")
    with pytest.raises(TypeError) as exc:
        Rated(note="x")  # type: ignore[call-arg]
    assert str(exc.value) == f"{Rated.__qualname__}() missing required field: 'score'"
