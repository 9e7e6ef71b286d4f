"""Node labels, primary labels, multi-label inheritance and abstract bases."""

import pytest

from runic.ogm.core import Edge, Field, Node, default_metadata, edge_meta, node_meta
from runic.ogm.core.metadata import NodeMeta
from runic.ogm.exceptions import MetadataError


def test_explicit_labels_and_first_label_is_primary() -> None:
    class Person(Node, labels=["Person", "Agent"]):
        id: str = ""

    meta = node_meta(Person)
    assert isinstance(meta, NodeMeta)
    assert meta.cls is Person
    assert meta.labels == ("Person", "Agent")
    assert meta.label_set == frozenset({"Person", "Agent"})
    assert meta.primary_label == "Person"


def test_default_label_is_the_class_name() -> None:
    class Person(Node):
        id: str = ""

    meta = node_meta(Person)
    assert meta.labels == ("Person",)
    assert meta.primary_label == "Person"


def test_subclass_without_labels_adds_its_name_to_the_parent_labels() -> None:
    class Location(Node, labels=["Location"]):
        name: str = ""

    class City(Location):
        population: int = 0

    meta = node_meta(City)
    assert meta.labels == ("Location", "City")
    assert meta.primary_label == "Location"
    assert list(meta.fields) == ["name", "population"]


def test_primary_label_class_keyword() -> None:
    class Location(Node, labels=["Location"]):
        name: str = ""

    class Country(Location, labels=["Location", "Country"], primary_label="Location"):
        iso_code: str = Field(default="", unique=True)

    meta = node_meta(Country)
    assert meta.labels == ("Location", "Country")
    assert meta.primary_label == "Location"
    assert meta.fields["iso_code"].unique is True


def test_primary_label_is_inherited_when_the_parent_primary_label_is_kept() -> None:
    class Location(Node, labels=["Location"]):
        name: str = ""

    class Country(Location, labels=["Country", "Location"]):
        pass

    assert node_meta(Country).primary_label == "Location"


def test_primary_label_falls_back_to_first_label_when_parent_label_dropped() -> None:
    class Location(Node, labels=["Location"]):
        name: str = ""

    class Planet(Location, labels=["Planet", "Body"]):
        pass

    assert node_meta(Planet).primary_label == "Planet"


def test_explicit_primary_label_can_differ_from_the_first() -> None:
    class Person(Node, labels=["Person", "Employee"], primary_label="Employee"):
        id: str = ""

    assert node_meta(Person).primary_label == "Employee"


def test_primary_label_must_be_one_of_the_labels() -> None:
    with pytest.raises(MetadataError) as exc:

        class Person(Node, labels=["Person"], primary_label="Human"):
            id: str = ""

    assert str(exc.value) == (
        "test_primary_label_must_be_one_of_the_labels.<locals>.Person: primary_label 'Human' "
        "is not one of its labels ['Person']"
    )


def test_labels_as_a_plain_string_raise() -> None:
    with pytest.raises(MetadataError) as exc:

        class Person(Node, labels="Person"):
            id: str = ""

    assert str(exc.value) == (
        "test_labels_as_a_plain_string_raise.<locals>.Person: labels must be a list of "
        "strings, e.g. labels=['Person']"
    )


def test_empty_labels_raise() -> None:
    with pytest.raises(MetadataError, match=r"<locals>\.Person: labels must not be empty$"):

        class Person(Node, labels=[]):
            id: str = ""


def test_duplicate_labels_are_collapsed_in_order() -> None:
    class Person(Node, labels=["Person", "Agent", "Person"]):
        id: str = ""

    assert node_meta(Person).labels == ("Person", "Agent")


def test_subclass_is_an_instance_of_its_parent() -> None:
    class Animal(Node, labels=["Animal"]):
        id: str = ""

    class Dog(Animal, labels=["Animal", "Dog"]):
        good: bool = True

    d = Dog(id="rex")
    assert isinstance(d, Animal)
    assert (d.id, d.good) == ("rex", True)
    assert default_metadata.node_class_for_labels(["Animal", "Dog"]) is Dog
    assert default_metadata.node_class_for_labels(["Animal"]) is Animal


def test_abstract_base_is_not_registered_and_shares_its_fields() -> None:
    class Timestamped(Node, abstract=True):
        created: int = 0

    class Post(Timestamped, labels=["Post"]):
        title: str = ""

    assert Timestamped.__runic_abstract__ is True  # type: ignore[attr-defined]
    assert Post.__runic_abstract__ is False  # type: ignore[attr-defined]
    assert default_metadata.node_classes == [Post]
    with pytest.raises(MetadataError, match=r"Timestamped is not a registered Node class"):
        node_meta(Timestamped)
    meta = node_meta(Post)
    assert meta.labels == ("Post",)
    assert list(meta.fields) == ["created", "title"]
    p = Post(title="t")
    assert (p.created, p.title) == (0, "t")


def test_subclass_of_abstract_base_defaults_to_its_own_name() -> None:
    class Base(Node, abstract=True):
        pass

    class Thing(Base):
        pass

    assert node_meta(Thing).labels == ("Thing",)


def test_abstract_node_takes_no_labels() -> None:
    with pytest.raises(MetadataError) as exc:

        class Base(Node, abstract=True, labels=["Base"]):
            pass

    assert str(exc.value) == (
        "test_abstract_node_takes_no_labels.<locals>.Base: an abstract Node takes no labels"
    )
    with pytest.raises(MetadataError, match=r"Base2: an abstract Node takes no labels$"):

        class Base2(Node, abstract=True, primary_label="Base2"):
            pass


def test_edge_subclass_inherits_type_and_conflicts_with_its_parent() -> None:
    class Rated(Edge, type="RATED"):
        score: float = 0.0

    with pytest.raises(MetadataError) as exc:

        class Reviewed(Rated):
            text: str = ""

    assert "edge type 'RATED' of " in str(exc.value)
    assert "Reviewed is already used by " in str(exc.value)
    assert str(exc.value).endswith("Rated; one Edge class per relationship type")
    assert edge_meta(Rated).type == "RATED"
