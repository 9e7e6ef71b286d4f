"""Per-field change tracking: EntityState snapshots and changed_fields()."""

from typing import Any

import pytest

from runic.ogm.core import EntityState, Field, Node, Relation, changed_fields, inspect
from runic.ogm.core.descriptors import FieldDescriptor
from runic.ogm.core.state import STATE_KEY
from runic.ogm.exceptions import DetachedEntityError


class RecordingSession:
    """Minimal AttributeLoader: records what the entity reports to its session."""

    def __init__(self) -> None:
        self.noted: list[Any] = []
        self.loads: list[tuple[Any, str]] = []

    def load_attribute(self, entity: Any, descriptor: FieldDescriptor) -> Any:
        self.loads.append((entity, descriptor.name))
        return f"loaded {descriptor.name}"

    def note_change(self, entity: Any) -> None:
        self.noted.append(entity)


def _model() -> type[Node]:
    class Person(Node, labels=["Person"]):
        id: str = Field(primary_key=True)
        name: str = ""
        age: int = 0
        tags: list[str] = Field(default_factory=list)
        attrs: dict[str, Any] = Field(default_factory=dict)
        friends: list["Person"] = Relation(relationship="KNOWS")

    return Person


def _loaded(cls: type[Node], session: Any = None, **values: Any) -> Any:
    """An entity as a session would hold it right after reading it from the graph."""
    entity = cls(**values)
    state = EntityState(session)
    state.persistent = True
    entity.__dict__[STATE_KEY] = state
    state.take_snapshot(entity.__dict__, type(entity).__runic_meta__.fields)
    return entity


def test_transient_entity_reports_every_field_it_has() -> None:
    Person = _model()
    p = Person(id="a", name="Ann")
    assert inspect(p) is None
    assert changed_fields(p) == ["id", "name", "age", "tags", "attrs"]
    del p.__dict__["age"]
    assert changed_fields(p) == ["id", "name", "tags", "attrs"]


def test_pending_entity_not_yet_persistent_reports_every_field() -> None:
    Person = _model()
    p = Person(id="a")
    p.__dict__[STATE_KEY] = EntityState(RecordingSession())
    assert changed_fields(p) == ["id", "name", "age", "tags", "attrs"]


def test_freshly_loaded_entity_has_no_changes() -> None:
    p = _loaded(_model(), id="a", name="Ann", tags=["x"])
    state = inspect(p)
    assert state is not None
    assert state.snapshot == {"id": "a", "name": "Ann", "age": 0, "tags": ["x"], "attrs": {}}
    assert state.mutable == ("tags", "attrs")
    assert state.changed == set()
    assert changed_fields(p) == []


def test_assignment_marks_only_that_field() -> None:
    p = _loaded(_model(), id="a", name="Ann")
    p.name = "Bo"
    assert inspect(p).changed == {"name"}  # type: ignore[union-attr]
    assert changed_fields(p) == ["name"]
    p.age = 4
    assert changed_fields(p) == ["name", "age"]
    assert changed_fields(p, ["age"]) == ["age"]
    assert changed_fields(p, ["id"]) == []


def test_assigning_the_same_value_is_not_a_change() -> None:
    p = _loaded(_model(), id="a", name="Ann")
    p.name = "Ann"
    assert inspect(p).changed == {"name"}  # type: ignore[union-attr]
    assert changed_fields(p) == []


def test_changing_back_to_the_loaded_value_is_not_a_change() -> None:
    p = _loaded(_model(), id="a", name="Ann")
    p.name = "Bo"
    p.name = "Ann"
    assert changed_fields(p) == []


def test_a_value_of_another_type_is_a_change() -> None:
    p = _loaded(_model(), id="a", age=1)
    p.age = 1.0
    p.tags = ("x",)  # was a list
    assert changed_fields(p) == ["age", "tags"]


def test_in_place_mutation_of_list_and_dict_is_detected() -> None:
    p = _loaded(_model(), id="a", tags=["x"], attrs={"k": [1]})
    p.tags.append("y")
    assert inspect(p).changed == set()  # type: ignore[union-attr]
    assert changed_fields(p) == ["tags"]
    p.attrs["k"].append(2)  # nested mutation
    assert changed_fields(p) == ["tags", "attrs"]
    assert inspect(p).snapshot["tags"] == ["x"]  # type: ignore[union-attr]
    assert inspect(p).snapshot["attrs"] == {"k": [1]}  # type: ignore[union-attr]


def test_in_place_mutation_undone_is_not_a_change() -> None:
    p = _loaded(_model(), id="a", tags=["x"])
    p.tags.append("y")
    p.tags.pop()
    assert changed_fields(p) == []


def test_take_snapshot_clears_changes_and_records_new_values() -> None:
    p = _loaded(_model(), id="a", name="Ann", tags=["x"])
    state = inspect(p)
    assert state is not None
    p.name = "Bo"
    p.tags.append("y")
    assert changed_fields(p) == ["name", "tags"]
    state.take_snapshot(p.__dict__, ["name", "tags"])  # what a flush does
    assert state.changed == set()
    assert state.snapshot["name"] == "Bo"
    assert state.snapshot["tags"] == ["x", "y"]
    assert state.snapshot["tags"] is not p.tags
    assert changed_fields(p) == []


def test_partial_snapshot_keeps_other_changes() -> None:
    p = _loaded(_model(), id="a", name="Ann", age=1)
    p.name = "Bo"
    p.age = 2
    inspect(p).take_snapshot(p.__dict__, ["name"])  # type: ignore[union-attr]
    assert changed_fields(p) == ["age"]


def test_mutable_tracking_follows_the_value_type() -> None:
    p = _loaded(_model(), id="a", tags=["x"])
    state = inspect(p)
    assert state is not None
    assert state.mutable == ("tags", "attrs")
    p.tags = None
    state.take_snapshot(p.__dict__, ["tags"])
    assert state.mutable == ("attrs",)
    p.tags = ["z"]
    state.take_snapshot(p.__dict__, ["tags"])
    assert state.mutable == ("attrs", "tags")


def test_field_missing_from_the_snapshot_counts_as_changed_once_assigned() -> None:
    Person = _model()
    p = Person(id="a")
    state = EntityState()
    state.persistent = True
    p.__dict__[STATE_KEY] = state
    state.take_snapshot(p.__dict__, ["id"])  # a partial load
    assert changed_fields(p) == []
    p.name = ""
    assert changed_fields(p) == ["name"]


def test_forget_drops_snapshot_entries() -> None:
    p = _loaded(_model(), id="a", tags=["x"])
    state = inspect(p)
    assert state is not None
    state.forget(["tags", "name"])
    assert "tags" not in state.snapshot
    assert "name" not in state.snapshot
    assert state.mutable == ("attrs",)


def test_relation_assignment_is_tracked_but_not_a_property_change() -> None:
    Person = _model()
    p = _loaded(Person, id="a")
    p.friends = [Person(id="b")]
    assert inspect(p).changed == {"friends"}  # type: ignore[union-attr]
    assert changed_fields(p) == []


def test_assignment_notifies_the_session() -> None:
    session = RecordingSession()
    Person = _model()
    p = _loaded(Person, session, id="a")
    p.name = "Bo"
    p.friends = []
    p.untracked = 1  # not a field: neither tracked nor reported
    assert session.noted == [p, p]
    assert inspect(p).changed == {"name", "friends"}  # type: ignore[union-attr]


def test_no_state_means_no_tracking() -> None:
    p = _model()(id="a")
    p.name = "x"
    assert STATE_KEY not in p.__dict__
    assert p.name == "x"


def test_entity_state_defaults_and_repr() -> None:
    state = EntityState()
    assert (state.session, state.persistent, state.deleted, state.detached, state.graph_id) == (
        None,
        False,
        False,
        False,
        None,
    )
    assert (state.snapshot, state.changed, state.mutable, state.relations) == ({}, set(), (), {})
    assert repr(state) == "<EntityState transient changed=[]>"
    state.session = RecordingSession()
    assert repr(state) == "<EntityState pending changed=[]>"
    state.mark_changed("b")
    state.mark_changed("a")
    state.persistent = True
    assert repr(state) == "<EntityState persistent changed=['a', 'b']>"
    state.deleted = True
    assert repr(state) == "<EntityState deleted changed=['a', 'b']>"
    detached = EntityState()
    detached.detached = True
    assert repr(detached) == "<EntityState detached changed=[]>"


def test_absent_attribute_is_loaded_through_the_session() -> None:
    session = RecordingSession()
    p = _loaded(_model(), session, id="a")
    del p.__dict__["name"]  # an expired field
    assert p.name == "loaded name"
    del p.__dict__["friends"]  # an unloaded relation
    assert p.friends == "loaded friends"
    assert session.loads == [(p, "name"), (p, "friends")]


def test_absent_attribute_of_a_detached_entity_raises() -> None:
    p = _loaded(_model(), id="a")
    inspect(p).detached = True  # type: ignore[union-attr]
    del p.__dict__["friends"]
    with pytest.raises(DetachedEntityError) as exc:
        _ = p.friends
    assert str(exc.value) == (
        "cannot load relation Person.friends: the Person instance is detached (its session "
        "was closed or it was expunged); load it with fetch=['friends'] before the session "
        "ends, or add the entity to an open session (session.add(entity))"
    )
    del p.__dict__["name"]
    with pytest.raises(DetachedEntityError) as exc:
        _ = p.name
    # fetch= takes relations only: the advice for a property is to re-attach it
    assert str(exc.value) == (
        "cannot load property Person.name: the Person instance is detached (its session "
        "was closed or it was expunged); add the entity to an open session "
        "(session.add(entity)), where reading it loads it, or call session.refresh(entity) "
        "there"
    )


def test_absent_attribute_without_session_falls_back_to_the_default() -> None:
    Person = _model()
    p = Person(id="a", tags=["x"])
    del p.__dict__["tags"]
    assert p.tags == []
    assert p.__dict__["tags"] == []
    del p.__dict__["friends"]
    assert p.friends == []
    del p.__dict__["id"]
    with pytest.raises(AttributeError) as exc:
        _ = p.id
    assert str(exc.value) == "Person instance has no value for field 'id'"


def test_entity_state_containers_are_shared_until_written() -> None:
    first, second = EntityState(), EntityState()
    # untouched states share read-only empties: writing through them is an error
    assert first.changed is second.changed and first.relations is second.relations
    assert first.snapshot is second.snapshot
    with pytest.raises(TypeError):
        first.snapshot["x"] = 1  # type: ignore[index]
    first.mark_changed("name")
    first.set_relation("friends", ("a",))
    first.take_snapshot({"name": "ada", "tags": ["x"]}, ["name", "tags"])
    assert (first.changed, dict(first.relations)) == (set(), {"friends": ("a",)})
    assert (dict(first.snapshot), first.mutable) == ({"name": "ada", "tags": ["x"]}, ("tags",))
    assert (second.changed, dict(second.relations), dict(second.snapshot)) == (set(), {}, {})
    first.mark_changed("name")
    first.unmark(["name"])
    first.drop_relation("friends")
    first.drop_relation("missing")
    assert (first.changed, dict(first.relations)) == (set(), {})
    first.clear_snapshot()
    assert (dict(first.snapshot), first.mutable) == ({}, ())
