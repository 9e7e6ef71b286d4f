"""Field declarations: options, bare annotations, primary keys, inheritance."""

from typing import Any, ClassVar

import pytest

from runic.ogm.core import (
    MISSING,
    Edge,
    Field,
    FieldDescriptor,
    Node,
    Relation,
    TypeConverter,
    edge_meta,
    node_meta,
)
from runic.ogm.exceptions import MetadataError


class Upper(TypeConverter):
    def to_graph(self, value: Any) -> Any:
        return str(value).upper()

    def from_graph(self, value: Any) -> Any:
        return str(value).lower()


def test_every_field_option_is_kept_on_the_descriptor() -> None:
    conv = Upper()

    def factory() -> list[str]:
        return ["x"]

    class Doc(Node, labels=["Doc"]):
        id: str = Field(primary_key=True)
        title: str = Field(default="untitled", index=True, unique=True, required=True)
        tags: list[str] = Field(default_factory=factory, kw_only=False)
        body: str = Field(default="", index_type="FULLTEXT")
        embedding: list[float] = Field(default=None, index=True, index_type="VECTOR")
        code: str = Field(default="", converter=conv, interned=True)
        seq: int = Field(generated=True)
        cached: int = Field(default=0, init=False)

    fields = node_meta(Doc).fields
    assert list(fields) == ["id", "title", "tags", "body", "embedding", "code", "seq", "cached"]

    pk = fields["id"]
    assert (pk.primary_key, pk.default, pk.has_default) == (True, MISSING, False)
    assert pk.required is False

    title = fields["title"]
    assert (title.default, title.index, title.unique, title.required) == (
        "untitled",
        True,
        True,
        True,
    )
    assert title.index_type is None

    tags = fields["tags"]
    assert tags.default_factory is factory
    assert tags.default is MISSING
    assert tags.kw_only is False
    assert tags.has_default is True

    assert fields["body"].index_type == "FULLTEXT"
    assert fields["body"].index is False
    assert (fields["embedding"].index, fields["embedding"].index_type) == (True, "VECTOR")

    code = fields["code"]
    assert code.converter is conv
    assert code.explicit_converter is conv
    assert code.interned is True

    seq = fields["seq"]
    assert (seq.generated, seq.has_default) == (True, False)

    cached = fields["cached"]
    assert (cached.init, cached.default) == (False, 0)

    for name, desc in fields.items():
        assert desc.name == name
        assert desc.owner is Doc
        assert desc.is_relation is False
        assert desc.qualname == f"Doc.{name}"


def test_field_option_defaults() -> None:
    desc = Field()
    assert isinstance(desc, FieldDescriptor)
    assert desc.default is MISSING
    assert desc.default_factory is None
    assert (desc.init, desc.kw_only, desc.index, desc.unique, desc.required) == (
        True,
        True,
        False,
        False,
        False,
    )
    assert (desc.primary_key, desc.generated, desc.interned, desc.is_relation) == (
        False,
        False,
        False,
        False,
    )
    assert desc.index_type is None
    assert desc.converter is None
    assert desc.has_default is False


def test_bare_annotation_is_a_field_and_plain_value_is_its_default() -> None:
    class Person(Node, labels=["Person"]):
        name: str
        age: int = 3
        nick: str | None = None

    fields = node_meta(Person).fields
    assert list(fields) == ["name", "age", "nick"]
    assert all(isinstance(d, FieldDescriptor) for d in fields.values())
    assert fields["name"].has_default is False
    assert fields["age"].default == 3
    assert fields["nick"].default is None
    assert fields["nick"].has_default is True
    # the class attribute is replaced by the descriptor
    assert Person.__dict__["age"] is fields["age"]
    assert fields["age"].annotation is int
    assert fields["age"].python_type is int
    assert fields["nick"].python_type is str


def test_class_access_returns_the_descriptor_and_instance_access_the_value() -> None:
    class Person(Node, labels=["Person"]):
        name: str = "x"

    desc = Person.name
    assert isinstance(desc, FieldDescriptor)
    assert desc is node_meta(Person).fields["name"]
    assert repr(desc) == "<Field Person.name>"
    assert Person(name="Ann").name == "Ann"


def test_classvar_private_and_methods_are_not_fields() -> None:
    class Person(Node, labels=["Person"]):
        kind: ClassVar[str] = "human"
        _cache: dict[str, int] = {}  # noqa: RUF012 - private, not a field
        name: str = ""

        def greet(self) -> str:
            return f"hi {self.name}"

        @property
        def shout(self) -> str:
            return self.name.upper()

    assert list(node_meta(Person).fields) == ["name"]
    assert Person.kind == "human"
    p = Person(name="bo")
    assert (p.greet(), p.shout) == ("hi bo", "BO")


def test_string_classvar_annotation_is_not_a_field() -> None:
    class Person(Node, labels=["Person"]):
        kind: "ClassVar[str]" = "human"
        name: str = ""

    assert list(node_meta(Person).fields) == ["name"]
    assert Person.kind == "human"


def test_descriptor_without_annotation_is_still_a_field() -> None:
    class Person(Node, labels=["Person"]):
        name = Field(default="n")

    fields = node_meta(Person).fields
    assert list(fields) == ["name"]
    assert fields["name"].annotation is None
    assert Person().name == "n"


def test_underscore_descriptor_is_rejected() -> None:
    with pytest.raises(MetadataError) as exc:

        class Person(Node, labels=["Person"]):
            _secret: str = Field(default="")

    assert str(exc.value) == (
        "test_underscore_descriptor_is_rejected.<locals>.Person._secret: field names must "
        "not start with an underscore (those attributes are private to the class)"
    )


def test_field_named_id_is_primary_key_when_none_is_marked() -> None:
    class Person(Node, labels=["Person"]):
        name: str = ""
        id: str = ""

    meta = node_meta(Person)
    assert meta.pk_field_name == "id"
    assert meta.pk is meta.fields["id"]


def test_marked_primary_key_wins_over_id() -> None:
    class Person(Node, labels=["Person"]):
        id: str = ""
        email: str = Field(primary_key=True)

    meta = node_meta(Person)
    assert meta.pk_field_name == "email"
    assert meta.pk is meta.fields["email"]


def test_no_primary_key() -> None:
    class Person(Node, labels=["Person"]):
        name: str = ""

    meta = node_meta(Person)
    assert meta.pk_field_name is None
    assert meta.pk is None


def test_several_primary_keys_raise() -> None:
    with pytest.raises(MetadataError) as exc:

        class Person(Node, labels=["Person"]):
            a: str = Field(primary_key=True)
            b: str = Field(primary_key=True)

    assert str(exc.value) == (
        "test_several_primary_keys_raise.<locals>.Person marks several primary keys (a, b); "
        "mark exactly one field with primary_key=True"
    )


def test_default_and_default_factory_together_raise() -> None:
    with pytest.raises(ValueError, match=r"^Field\(\) takes default or default_factory, not both$"):
        Field(default=1, default_factory=int)


def test_unknown_index_type_raises() -> None:
    with pytest.raises(ValueError) as exc:
        Field(index_type="BTREE")  # type: ignore[arg-type]
    assert str(exc.value) == "index_type must be one of ('FULLTEXT', 'VECTOR'), got 'BTREE'"


def test_converter_must_be_an_instance() -> None:
    with pytest.raises(TypeError) as exc:
        Field(converter=Upper)  # type: ignore[arg-type]
    assert str(exc.value).startswith("converter must be a TypeConverter instance, got <class ")
    assert "Upper" in str(exc.value)


def test_fields_are_inherited_and_can_be_overridden() -> None:
    class Animal(Node, labels=["Animal"]):
        id: str = Field(primary_key=True)
        name: str = "animal"
        legs: int = 4

    class Bird(Animal, labels=["Animal", "Bird"]):
        legs: int = 2
        wings: int = 2

    animal_fields = node_meta(Animal).fields
    bird_fields = node_meta(Bird).fields
    assert list(bird_fields) == ["id", "name", "legs", "wings"]
    assert bird_fields["id"] is animal_fields["id"]
    assert bird_fields["name"] is animal_fields["name"]
    assert bird_fields["legs"] is not animal_fields["legs"]
    assert bird_fields["legs"].default == 2
    assert animal_fields["legs"].default == 4
    assert list(animal_fields) == ["id", "name", "legs"]
    assert node_meta(Bird).pk_field_name == "id"
    b = Bird(id="b")
    assert (b.name, b.legs, b.wings) == ("animal", 2, 2)
    assert Animal(id="a").legs == 4


def test_edge_fields_and_meta() -> None:
    class Rated(Edge, type="RATED"):
        score: float = Field(default=0.0, index=True)
        note: str | None = None

    meta = edge_meta(Rated)
    assert meta.type == "RATED"
    assert meta.cls is Rated
    assert list(meta.fields) == ["score", "note"]
    assert meta.fields["score"].index is True
    r = Rated(score=4.5)
    assert (r.score, r.note) == (4.5, None)
    assert repr(r) == "Rated(score=4.5, note=None)"


def test_edge_cannot_declare_a_relation() -> None:
    with pytest.raises(MetadataError) as exc:

        class Rated(Edge, type="RATED"):
            other: Any = Relation(relationship="X", target="Rated")

    assert str(exc.value) == (
        "test_edge_cannot_declare_a_relation.<locals>.Rated.other: an Edge cannot declare a "
        "Relation"
    )


def test_edge_cannot_declare_an_unannotated_relation() -> None:
    with pytest.raises(MetadataError, match=r"Rated\.other: an Edge cannot declare a Relation$"):

        class Rated(Edge, type="RATED"):
            other = Relation(relationship="X", target="Rated")


def test_edge_needs_a_type() -> None:
    with pytest.raises(MetadataError) as exc:

        class Rated(Edge):
            score: float = 0.0

    assert str(exc.value) == (
        "test_edge_needs_a_type.<locals>.Rated: an Edge needs a relationship type: "
        'class Rated(Edge, type="RELATES_TO")'
    )


def test_node_meta_and_edge_meta_accept_instances_and_reject_others() -> None:
    class Person(Node, labels=["Person"]):
        name: str = ""

    class Knows(Edge, type="KNOWS"):
        pass

    assert node_meta(Person(name="a")) is node_meta(Person)
    assert edge_meta(Knows()) is edge_meta(Knows)
    with pytest.raises(MetadataError) as exc:
        node_meta(Knows)
    assert str(exc.value) == (
        "test_node_meta_and_edge_meta_accept_instances_and_reject_others.<locals>.Knows is not "
        "a registered Node class; subclass runic.ogm.Node with labels=[...]"
    )
    with pytest.raises(MetadataError, match=r"Person is not a registered Edge class; subclass "):
        edge_meta(Person)
    with pytest.raises(MetadataError, match=r"^int is not a registered Node class"):
        node_meta(int)


def test_instance_repr_lists_field_values() -> None:
    class Person(Node, labels=["Person"]):
        id: str = ""
        age: int = 0
        friends: list[Any] = Relation(relationship="KNOWS", target="Person")

    assert repr(Person(id="a", age=3)) == "Person(id='a', age=3)"


def test_field_graph_name_is_used_in_compiled_queries() -> None:
    from runic.ogm import select

    class Odd(Node, labels=["Odd"]):
        id: str = Field(primary_key=True)
        first_name: str = Field(default="", name="first name")

    desc = Odd.__runic_meta__.fields["first_name"]
    assert (desc.name, desc.graph_name) == ("first_name", "first name")
    assert Odd.__runic_meta__.fields["id"].graph_name == "id"
    cypher, params = (
        select(Odd)
        .where(Odd.first_name == "Ada")
        .order_by(Odd.first_name)
        .project(Odd.first_name)
        .build()
    )
    assert cypher == (
        "MATCH (n:`Odd`) WHERE n.`first name` = $p0 "
        "RETURN n.`first name` AS `first_name` ORDER BY n.`first name`"
    )
    assert params == {"p0": "Ada"}
    assert Odd(id="x", first_name="Ada").first_name == "Ada"


def test_relation_takes_no_graph_name() -> None:
    from runic.ogm.core.descriptors import FieldDescriptor

    with pytest.raises(ValueError, match="Relation\\(\\) takes no name="):
        FieldDescriptor(relationship="KNOWS", name="x")
