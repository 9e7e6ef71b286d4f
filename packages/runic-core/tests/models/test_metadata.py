"""The model registry: registration, look-ups, forward references, snapshot/restore."""

from typing import Any

import pytest

from runic.ogm.core import Edge, MetaData, Node, Relation, default_metadata
from runic.ogm.core import metadata as metadata_module
from runic.ogm.exceptions import MetadataError


def test_defining_a_class_registers_it() -> None:
    class Person(Node, labels=["Person"]):
        id: str = ""

    class Knows(Edge, type="KNOWS"):
        since: int = 0

    assert default_metadata.node_classes == [Person]
    assert default_metadata.edge_classes == [Knows]
    assert default_metadata.node_class_for_labels(["Person"]) is Person
    assert default_metadata.edge_class_for_type("KNOWS") is Knows
    assert default_metadata.edge_class_for_type("LIKES") is None
    assert default_metadata.resolve_target("Person") is Person
    assert default_metadata.resolve_target("Knows") is Knows
    assert default_metadata.resolve_target(f"{__name__}.{Person.__qualname__}") is Person


def test_default_metadata_is_the_module_attribute_and_an_instance() -> None:
    assert metadata_module.default_metadata is default_metadata
    assert isinstance(default_metadata, MetaData)


def test_duplicate_label_set_raises() -> None:
    class Person(Node, labels=["Person", "Agent"]):
        id: str = ""

    with pytest.raises(MetadataError) as exc:

        class Agent(Node, labels=["Agent", "Person"]):
            id: str = ""

    assert str(exc.value) == (
        f"labels ['Agent', 'Person'] of {__name__}.test_duplicate_label_set_raises.<locals>.Agent "
        f"are already used by {__name__}.{Person.__qualname__}; give one of them a different "
        "label set"
    )
    assert default_metadata.node_classes == [Person]
    assert default_metadata.node_class_for_labels(["Person", "Agent"]) is Person


def test_subclass_with_its_parents_label_set_raises() -> None:
    class User(Node, labels=["User"]):
        id: str = ""

    with pytest.raises(MetadataError, match=r"labels \['User'\] of .*\.Admin are already used by "):

        class Admin(User, labels=["User"]):
            level: int = 0


def test_duplicate_edge_type_raises() -> None:
    class Rated(Edge, type="RATED"):
        score: float = 0.0

    with pytest.raises(MetadataError) as exc:

        class Scored(Edge, type="RATED"):
            score: float = 0.0

    assert str(exc.value) == (
        f"edge type 'RATED' of {__name__}.test_duplicate_edge_type_raises.<locals>.Scored is "
        f"already used by {__name__}.{Rated.__qualname__}; one Edge class per relationship type"
    )
    assert default_metadata.edge_class_for_type("RATED") is Rated


def _define_person(version: int) -> type[Node]:
    class Person(Node, labels=["Person"]):
        id: str = ""
        v: int = version

    return Person


def _define_edge(version: int) -> type[Edge]:
    class Knows(Edge, type="KNOWS"):
        v: int = version

    return Knows


def test_redefining_the_same_class_replaces_it() -> None:
    # e.g. a module imported twice or a class redefined in a REPL
    first, second = _define_person(1), _define_person(2)
    assert first is not second
    assert default_metadata.node_classes == [second]
    assert default_metadata.node_class_for_labels(["Person"]) is second
    assert default_metadata.resolve_target("Person") is second
    e1, e2 = _define_edge(1), _define_edge(2)
    assert default_metadata.edge_classes == [e2]
    assert default_metadata.resolve_target("Knows") is e2
    assert e1 is not e2


def test_node_class_for_labels_exact_match_and_any_iterable() -> None:
    class Location(Node, labels=["Location"]):
        name: str = ""

    class Country(Location, labels=["Location", "Country"]):
        code: str = ""

    md = default_metadata
    assert md.node_class_for_labels(["Country", "Location"]) is Country
    assert md.node_class_for_labels(("Location",)) is Location
    assert md.node_class_for_labels(frozenset({"Location", "Country"})) is Country
    assert md.node_class_for_labels(iter(["Location", "Country"])) is Country
    assert md.node_class_for_labels([]) is None
    assert md.node_class_for_labels(["Planet"]) is None


def test_node_class_for_labels_falls_back_to_most_specific_and_caches() -> None:
    class Location(Node, labels=["Location"]):
        name: str = ""

    class Country(Location, labels=["Location", "Country"]):
        code: str = ""

    md = default_metadata
    extra = frozenset({"Location", "Country", "Archived"})
    assert md.node_class_for_labels(extra) is Country
    assert md._fallback[extra] is Country  # computed once, then a dictionary look-up
    assert md.node_class_for_labels(["Location", "Archived"]) is Location
    assert md.node_class_for_labels(["Archived"]) is None
    assert md._fallback[frozenset({"Archived"})] is None

    # a new registration invalidates the cache
    class ArchivedCountry(Country, labels=["Location", "Country", "Archived"]):
        pass

    assert md._fallback == {}
    assert md.node_class_for_labels(extra) is ArchivedCountry


def test_node_class_for_labels_with_base_filter() -> None:
    class Location(Node, labels=["Location"]):
        name: str = ""

    class Country(Location, labels=["Location", "Country"]):
        code: str = ""

    class Tagged(Node, labels=["Tagged", "Indexed", "Searchable"]):
        tag: str = ""

    md = default_metadata
    labels = ["Location", "Country", "Tagged", "Indexed", "Searchable"]
    # Tagged matches more labels, but with base=Location only Location's subclasses qualify
    assert md.node_class_for_labels(labels) is Tagged
    assert md.node_class_for_labels(labels, base=Location) is Country
    assert md.node_class_for_labels(labels, base=Country) is Country
    assert md.node_class_for_labels(labels, base=Tagged) is Tagged
    # an exact match outside base is not the answer either
    assert md.node_class_for_labels(["Tagged", "Indexed", "Searchable"], base=Location) is Location
    # nothing registered matches: base is the answer
    assert md.node_class_for_labels(["Planet"], base=Location) is Location
    assert md.node_class_for_labels(["Location"], base=Country) is Country
    assert md.node_class_for_labels(["Location"], base=Location) is Location


def test_node_class_for_labels_base_filter_with_abstract_base() -> None:
    class Searchable(Node, abstract=True):
        text: str = ""

    class Doc(Searchable, labels=["Doc"]):
        pass

    class Big(Node, labels=["Doc", "Big"]):
        pass

    md = default_metadata
    assert md.node_class_for_labels(["Doc", "Big", "Old"]) is Big
    assert md.node_class_for_labels(["Doc", "Big", "Old"], base=Searchable) is Doc
    assert md.node_class_for_labels(["Other"], base=Searchable) is Searchable


def test_resolve_target_unknown_and_ambiguous_names() -> None:
    md = default_metadata
    with pytest.raises(MetadataError) as exc:
        md.resolve_target("Ghost")
    assert str(exc.value) == (
        "unknown model 'Ghost'; define or import it before use, or call "
        "runic.ogm.metadata.finalize() (from runic.ogm import metadata) after importing "
        "every model module to check every relation target at start-up"
    )

    def make(label: str, module: str) -> type[Node]:
        return type(
            "Thing",
            (Node,),
            {"__module__": module, "x": 0, "__annotations__": {"x": int}},
            labels=[label],
        )

    a = make("ThingA", "pkg_a.models")
    b = make("ThingB", "pkg_b.models")
    with pytest.raises(MetadataError) as exc:
        md.resolve_target("Thing")
    assert str(exc.value) == (
        "model name 'Thing' is ambiguous (pkg_a.models.Thing, pkg_b.models.Thing); use the "
        "qualified name or the class"
    )
    assert md.resolve_target("pkg_a.models.Thing") is a
    assert md.resolve_target("pkg_b.models.Thing") is b

    # the referencing class's own module breaks the tie
    class Ref(Node, labels=["Ref"]):
        pass

    Ref.__module__ = "pkg_b.models"
    assert md.resolve_target("Thing", context=Ref) is b


def test_relation_target_ambiguity_is_resolved_by_module() -> None:
    mod = "pkg_c.models"
    other = type("Company", (Node,), {"__module__": "pkg_d.models"}, labels=["CompanyD"])
    mine = type("Company", (Node,), {"__module__": mod}, labels=["CompanyC"])
    person = type(
        "Person",
        (Node,),
        {
            "__module__": mod,
            "__annotations__": {"company": Any},
            "company": Relation(relationship="WORKS_FOR", target="Company"),
        },
        labels=["Person"],
    )
    assert person.company.resolve_target() is mine
    assert person.company.resolve_target() is not other


def test_snapshot_and_restore() -> None:
    md = default_metadata

    class Keep(Node, labels=["Keep"]):
        pass

    snap = md.snapshot()

    class Temp(Node, labels=["Temp"]):
        pass

    class TempEdge(Edge, type="TEMP"):
        pass

    assert md.node_class_for_labels(["Temp", "X"]) is Temp  # fills the fallback cache
    md.restore(snap)
    assert md.node_classes == [Keep]
    assert md.edge_classes == []
    assert md.node_class_for_labels(["Temp", "X"]) is None
    assert md.edge_class_for_type("TEMP") is None
    with pytest.raises(MetadataError, match=r"^unknown model 'Temp'"):
        md.resolve_target("Temp")
    assert md.resolve_target("Keep") is Keep

    # after a restore the label set can be defined again by a different class
    class Temp2(Node, labels=["Temp"]):
        pass

    assert md.node_class_for_labels(["Temp"]) is Temp2
    # the snapshot is a copy: later registrations do not leak into it
    md.restore(snap)
    assert md.node_classes == [Keep]


def test_separate_metadata_instances_are_independent() -> None:
    class Person(Node, labels=["Person"]):
        pass

    fresh = MetaData()
    assert fresh.node_classes == []
    fresh.register_node(Person)
    assert fresh.node_class_for_labels(["Person"]) is Person
    fresh.finalize()  # nothing to resolve: no error


def test_finalize_on_an_empty_registry_is_a_no_op() -> None:
    default_metadata.finalize()
    assert default_metadata.node_classes == []


def test_conftest_isolates_each_test_part_one() -> None:
    class Isolated(Node, labels=["Isolated"]):
        pass

    assert default_metadata.node_classes == [Isolated]


def test_conftest_isolates_each_test_part_two() -> None:
    # same label set as part one, different class: only possible with a fresh registry
    class Isolated(Node, labels=["Isolated"]):
        pass

    assert default_metadata.node_classes == [Isolated]


def test_unknown_target_suggests_a_close_name_and_a_finalize_call_that_works() -> None:
    md = default_metadata
    snap = md.snapshot()
    try:

        class Company(Node, labels=["MdCompany"]):
            pass

        class Person(Node, labels=["MdPerson"]):
            employer: Company | None = Relation(relationship="MD_WORKS_FOR", target="Compnay")

        with pytest.raises(MetadataError) as exc:
            Person.employer.resolve_target()  # type: ignore[attr-defined]
        text = str(exc.value)
        assert text.startswith("unknown model 'Compnay' (referenced from ")
        assert ".<locals>.Person); did you mean 'Company'?; define or import it" in text
        assert "MetaData.finalize()" not in text
        # the advised call runs as written: it reports the same typo, no TypeError
        import runic.ogm
        from runic.ogm import metadata

        assert "runic.ogm.metadata.finalize()" in text
        for call in (runic.ogm.metadata.finalize, metadata.finalize):
            with pytest.raises(MetadataError, match="did you mean 'Company'"):
                call()
        # lower case is close too; nothing close, no suggestion
        with pytest.raises(MetadataError, match="did you mean 'Company'"):
            md.resolve_target("company")
        with pytest.raises(MetadataError) as far:
            md.resolve_target("Zebra")
        assert "did you mean" not in str(far.value)
    finally:
        md.restore(snap)
