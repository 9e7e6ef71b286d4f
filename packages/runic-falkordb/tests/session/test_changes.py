"""Change tracking: what a flush writes for updates, relation changes and bad values."""

from __future__ import annotations

from typing import Any

import pytest
from session_models import Company, Person, Ticket

from runic.ogm import AsyncSession, FieldValidationError, Session

UPDATE = "UNWIND $w0 AS row WITH row, row[0] AS k MATCH (n) WHERE id(n) = k SET {}"


def _seed(raw: Any) -> None:
    raw.rows(
        "CREATE (a:SPerson {id: 'ada', name: 'Ada', age: 36, email: 'ada@x.org', "
        "tags: ['x'], prefs: '{\"a\": 1}'}), (b:SPerson {id: 'bob', name: 'Bob', age: 29}), "
        "(c:SCompany {id: 'acme', name: 'Acme'}), (g:SCompany {id: 'globex', name: 'Globex'}), "
        "(a)-[:S_WORKS_FOR]->(c), (a)-[:S_KNOWS {since: 2001}]->(b)"
    )


def _loaded(session: Session, pk: str = "ada") -> Person:
    person = session.get(Person, pk)
    assert person is not None
    return person


def _gid(raw: Any, pk: str, label: str = "SPerson") -> int:
    return int(raw.value(f"MATCH (n:{label} {{id: $pk}}) RETURN id(n)", {"pk": pk}))


def test_update_writes_only_the_changed_field(session: Session, rec: Any, raw: Any) -> None:
    _seed(raw)
    ada = _loaded(session)
    ada.age = 37
    ada.name = "Ada"  # same value: not a change
    rec.reset()
    session.flush()
    assert [(c.cypher, c.params) for c in rec.calls] == [
        (UPDATE.format("n.`age` = row[1]"), {"w0": [[_gid(raw, "ada"), 37]]})
    ]
    props = raw.props("SPerson")["ada"]
    assert props["age"] == 37 and props["name"] == "Ada" and props["email"] == "ada@x.org"


def test_assigning_the_same_value_writes_nothing(session: Session, rec: Any, raw: Any) -> None:
    _seed(raw)
    ada = _loaded(session)
    ada.age = 36
    ada.tags = ["x"]
    rec.reset()
    session.commit()
    assert rec.calls == []


def test_entities_with_the_same_changes_share_one_statement(
    session: Session, rec: Any, raw: Any
) -> None:
    _seed(raw)
    ada, bob = _loaded(session), _loaded(session, "bob")
    ada.age, bob.age = 40, 41
    ada.email = "new@x.org"
    rec.reset()
    session.commit()
    assert len(rec.calls) == 1
    (call,) = rec.calls
    assert call.cypher == (
        "UNWIND $w0 AS row WITH row, row[0] AS k MATCH (n) WHERE id(n) = k SET n.`email` = row[1] "
        "WITH n, row SET n.`age` = row[2] WITH count(*) AS _c "
        "UNWIND $w1 AS row WITH row, row[0] AS k MATCH (n) WHERE id(n) = k SET n.`age` = row[1]"
    )
    assert call.params == {
        "w0": [[_gid(raw, "ada"), "new@x.org", 40]],
        "w1": [[_gid(raw, "bob"), 41]],
    }
    people = raw.props("SPerson")
    assert (people["ada"]["age"], people["ada"]["email"], people["bob"]["age"]) == (
        40,
        "new@x.org",
        41,
    )


def test_setting_a_field_to_none_removes_the_property(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = _loaded(session)
    ada.email = None
    ada.age = None
    session.commit()
    assert raw.props("SPerson")["ada"] == {
        "id": "ada",
        "name": "Ada",
        "tags": ["x"],
        "prefs": '{"a": 1}',
    }


def test_in_place_mutation_of_a_list_is_detected(session: Session, rec: Any, raw: Any) -> None:
    _seed(raw)
    ada = _loaded(session)
    ada.tags.append("y")
    assert session.dirty == []  # in place: found by comparison at flush
    rec.reset()
    session.commit()
    assert [(c.cypher, c.params) for c in rec.calls] == [
        (UPDATE.format("n.`tags` = row[1]"), {"w0": [[_gid(raw, "ada"), ["x", "y"]]]})
    ]
    assert raw.props("SPerson")["ada"]["tags"] == ["x", "y"]
    rec.reset()
    session.commit()
    assert rec.calls == []  # the snapshot was updated


def test_in_place_mutation_of_a_dict_is_detected(session: Session, rec: Any, raw: Any) -> None:
    _seed(raw)
    ada = _loaded(session)
    ada.prefs["b"] = [2]
    rec.reset()
    session.commit()
    assert [c.cypher for c in rec.calls] == [UPDATE.format("n.`prefs` = row[1]")]
    assert raw.props("SPerson")["ada"]["prefs"] == '{"a": 1, "b": [2]}'


def test_in_place_mutation_after_a_reload(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = _loaded(session)
    session.rollback()  # expires ada; the next access reloads it
    ada.tags.append("after-rollback")
    session.commit()
    assert raw.props("SPerson")["ada"]["tags"] == ["x", "after-rollback"]
    session.expire(ada, ["prefs"])
    ada.prefs["c"] = 3
    session.commit()
    assert raw.props("SPerson")["ada"]["prefs"] == '{"a": 1, "c": 3}'


def test_loading_an_expired_field_keeps_unflushed_changes(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = _loaded(session)
    ada.name = "Unsaved"
    session.expire(ada, ["age"])
    raw.rows("MATCH (n:SPerson {id: 'ada'}) SET n.age = 50")
    assert ada.age == 50  # reloads only the expired field
    assert ada.name == "Unsaved"
    session.commit()
    assert (raw.props("SPerson")["ada"]["name"], raw.props("SPerson")["ada"]["age"]) == (
        "Unsaved",
        50,
    )


def test_in_place_mutation_of_a_new_entity_after_flush(session: Session, raw: Any) -> None:
    ada = Person(id="ada", name="Ada", tags=["a"])
    session.add(ada)
    session.flush()
    ada.tags.append("b")
    session.flush()
    assert raw.props("SPerson")["ada"]["tags"] == ["a", "b"]


def test_mixed_unit_of_work_is_one_write(session: Session, rec: Any, raw: Any) -> None:
    _seed(raw)
    ada, bob = _loaded(session), _loaded(session, "bob")
    ada.age = 1
    session.delete(bob)
    session.add(Person(id="cy", name="Cy", employer=session.get(Company, "globex")))
    rec.reset()
    session.commit()
    assert len(rec.writes) == 1
    assert len(rec.reads) == 0  # the write checks the new node's key itself
    assert sorted(raw.props("SPerson")) == ["ada", "cy"]
    assert raw.props("SPerson")["ada"]["age"] == 1
    assert raw.edges("S_WORKS_FOR") == {("ada", "acme"), ("cy", "globex")}
    assert raw.edges("S_KNOWS") == set()  # bob's edges went with him


# -- relations by assignment ------------------------------------------------------------


def test_assigning_a_to_one_relation_replaces_the_edge(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada", fetch=["employer"])
    assert ada is not None and ada.employer is not None
    ada.employer = session.get(Company, "globex")
    session.commit()
    assert raw.edges("S_WORKS_FOR") == {("ada", "globex")}


def test_assigning_an_unloaded_relation_replaces_every_edge(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = _loaded(session)  # employer not loaded
    ada.employer = Company(id="initech", name="Initech")  # not flushed yet
    session.commit()
    assert raw.edges("S_WORKS_FOR") == {("ada", "initech")}
    assert sorted(raw.props("SCompany")) == ["acme", "globex", "initech"]


def test_assigning_none_removes_the_edge(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada", fetch=["employer"])
    assert ada is not None
    ada.employer = None
    session.commit()
    assert raw.edges("S_WORKS_FOR") == set()
    assert raw.count("SCompany") == 2  # only the edge goes


def test_to_many_relation_changes_in_place(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada", fetch=["knows"])
    assert ada is not None
    bob = session.get(Person, "bob")
    assert ada.knows == [bob]
    cy = Person(id="cy", name="Cy")  # transient: added through the relation
    ada.knows.append(cy)
    session.commit()
    assert raw.edge_list("S_KNOWS") == [
        ("ada", "bob", {"since": 2001}),
        ("ada", "cy", {"since": 2020}),  # the edge model's defaults
    ]
    ada.knows.remove(bob)
    session.commit()
    assert raw.edges("S_KNOWS") == {("ada", "cy")}
    assert raw.count("SPerson") == 3


def test_relations_among_new_entities(session: Session, raw: Any) -> None:
    acme = Company(id="acme", name="Acme")
    ada = Person(id="ada", name="Ada", employer=acme)
    bob = Person(id="bob", name="Bob", employer=acme, knows=[ada])
    ada.knows = [bob]
    session.add(bob)
    session.commit()
    assert raw.edges("S_WORKS_FOR") == {("ada", "acme"), ("bob", "acme")}
    assert raw.edges("S_KNOWS") == {("ada", "bob"), ("bob", "ada")}
    assert raw.count("SCompany") == 1


def test_relate_an_entity_that_is_not_flushed(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = _loaded(session)
    newcomer = Person(id="dee", name="Dee")
    session.relate(ada, Person.knows, newcomer)
    assert sorted(raw.props("SPerson")) == ["ada", "bob", "dee"]
    assert raw.edges("S_KNOWS") == {("ada", "bob"), ("ada", "dee")}
    session.relate(Person(id="eve", name="Eve"), "employer", Company(id="hooli", name="Hooli"))
    assert ("eve", "hooli") in raw.edges("S_WORKS_FOR")


def test_generated_keys_are_filled_after_flush(session: Session, raw: Any) -> None:
    ada = Person(id="ada", name="Ada")
    tickets = [Ticket(title=f"T{i}", owner=ada) for i in range(3)]
    session.add_all(tickets)
    assert all(t.id is None for t in tickets)
    session.commit()
    ids = {t.id for t in tickets}
    assert None not in ids and len(ids) == 3
    rows = raw.rows("MATCH (t:STicket)-[:S_OWNED_BY]->(p:SPerson) RETURN id(t), t.title, p.id")
    assert sorted(rows) == sorted([[t.id, t.title, "ada"] for t in tickets])
    assert session.get(Ticket, tickets[0].id) is tickets[0]
    tickets[1].title = "changed"
    session.commit()
    assert (
        raw.value("MATCH (t:STicket) WHERE id(t) = $i RETURN t.title", {"i": tickets[1].id})
        == "changed"
    )


def test_a_generated_key_set_by_hand_is_replaced(session: Session, raw: Any) -> None:
    raw.rows("UNWIND range(1, 3) AS i CREATE (:STicket {title: 'old'})")
    ticket = Ticket(id=777, title="mine")
    session.add(ticket)
    session.commit()
    graph_id = raw.value("MATCH (t:STicket {title: 'mine'}) RETURN id(t)")
    assert ticket.id == graph_id != 777
    assert session.get(Ticket, graph_id) is ticket
    assert session.get(Ticket, 777) is None
    assert all(key[1] != 777 for key in session.identity_map)


def test_expiring_a_relation_reloads_it(session: Session, raw: Any, rec: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada", fetch=["employer"])
    assert ada is not None and ada.employer is not None and ada.employer.id == "acme"
    raw.rows("MATCH (:SPerson {id: 'ada'})-[r:S_WORKS_FOR]->() DELETE r")
    raw.rows(
        "MATCH (a:SPerson {id: 'ada'}), (g:SCompany {id: 'globex'}) CREATE (a)-[:S_WORKS_FOR]->(g)"
    )
    session.expire(ada, ["employer"])
    rec.reset()
    assert ada.employer is not None and ada.employer.id == "globex"
    assert len(rec.calls) == 1
    session.commit()
    assert raw.edges("S_WORKS_FOR") == {("ada", "globex")}


# -- validation -------------------------------------------------------------------------


def test_required_field_none_at_flush_writes_nothing(session: Session, raw: Any, rec: Any) -> None:
    session.add(Person(id="ok", name="Fine"))
    session.add(Person(id="bad", name=None))  # type: ignore[arg-type]
    with pytest.raises(FieldValidationError, match=r"Person\.name is required but is None"):
        session.flush()
    assert rec.calls == []
    assert raw.count() == 0


def test_required_field_set_to_none_on_a_loaded_entity(
    session: Session, raw: Any, rec: Any
) -> None:
    _seed(raw)
    ada = _loaded(session)
    ada.name = None  # type: ignore[assignment]
    ada.age = 99
    rec.reset()
    with pytest.raises(FieldValidationError, match=r"Person\.name is required but was set to None"):
        session.commit()
    assert rec.calls == []
    assert raw.props("SPerson")["ada"]["age"] == 36


def test_missing_primary_key(session: Session, raw: Any) -> None:
    session.add(Company(id=None, name="NoKey"))  # type: ignore[arg-type]
    with pytest.raises(
        FieldValidationError,
        match=r"Company\.id is the primary key and has no value; set it before flushing, or "
        r"declare it Field\(generated=True\)",
    ):
        session.flush()
    assert raw.count() == 0


def test_primary_key_cannot_change(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = _loaded(session)
    ada.id = "ada2"
    with pytest.raises(
        FieldValidationError,
        match=r"Person\.id is the primary key and cannot change \(from 'ada' to 'ada2'\)",
    ):
        session.flush()
    assert sorted(raw.props("SPerson")) == ["ada", "bob"]


async def test_async_changes(asession: AsyncSession, arec: Any, raw: Any) -> None:
    _seed(raw)
    ada = await asession.get(Person, "ada", fetch=["knows", "employer"])
    assert ada is not None
    ada.tags.append("y")
    ada.email = None
    ada.employer = None
    ada.knows.append(Person(id="cy", name="Cy"))
    arec.reset()
    await asession.commit()
    assert len(arec.writes) == 1
    props = raw.props("SPerson")["ada"]
    assert props["tags"] == ["x", "y"] and "email" not in props
    assert raw.edges("S_WORKS_FOR") == set()
    assert raw.edges("S_KNOWS") == {("ada", "bob"), ("ada", "cy")}
    bad = Person(id="bad", name=None)  # type: ignore[arg-type]
    asession.add(bad)
    with pytest.raises(FieldValidationError, match=r"Person\.name is required"):
        await asession.flush()


def test_nulling_two_fields_removes_exactly_those(session: Session, raw: Any) -> None:
    # FalkorDB 4.x removes the wrong property when one SET nulls two properties of an
    # entity; the dialect's one-property-per-SET updates must leave the others intact.
    _seed(raw)
    ada = _loaded(session)
    ada.age = None
    ada.prefs = None  # type: ignore[assignment]
    session.commit()
    assert raw.props("SPerson")["ada"] == {
        "id": "ada",
        "name": "Ada",
        "email": "ada@x.org",
        "tags": ["x"],
    }
