"""Session lifecycle and CRUD on a real FalkorDB (sync); the graph is read back raw."""

from __future__ import annotations

from typing import Any

import pytest
from session_models import Company, Person, Role

from runic.ogm import DetachedEntityError, Session, SessionClosedError, inspect


def _seed(raw: Any) -> None:
    raw.rows(
        "CREATE (:SPerson {id: 'ada', name: 'Ada', age: 36, active: true, role: 'manager', "
        "tags: ['x', 'y'], prefs: '{\"theme\": \"dark\"}'})"
        "-[:S_WORKS_FOR]->(:SCompany {id: 'acme', name: 'Acme', city: 'Berlin'})"
    )


def test_add_stages_and_flush_writes_every_field(session: Session, raw: Any) -> None:
    ada = Person(id="ada", name="Ada", age=36, tags=["x"], prefs={"theme": "dark"})
    session.add(ada)
    assert session.new == [ada]
    assert raw.count() == 0  # nothing sent before the flush

    session.flush()

    assert raw.props("SPerson") == {
        "ada": {
            "id": "ada",
            "name": "Ada",
            "age": 36,
            "active": True,
            "role": "engineer",
            "tags": ["x"],
            "prefs": '{"theme": "dark"}',
        }
    }
    assert raw.labels("SPerson") == {"ada": {"SPerson"}}
    assert session.new == []
    assert inspect(ada) is not None and inspect(ada).persistent  # type: ignore[union-attr]


def test_add_all_and_commit(session: Session, raw: Any) -> None:
    session.add_all(Person(id=f"p{i}", name=f"P{i}") for i in range(3))
    session.add_all([Company(id="acme", name="Acme")])
    session.commit()
    assert sorted(raw.props("SPerson")) == ["p0", "p1", "p2"]
    assert raw.props("SCompany") == {"acme": {"id": "acme", "name": "Acme", "city": ""}}


def test_get_reads_and_decodes_from_the_graph(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada")
    assert ada is not None
    assert (ada.id, ada.name, ada.age, ada.active) == ("ada", "Ada", 36, True)
    assert ada.role is Role.MANAGER
    assert ada.tags == ["x", "y"]
    assert ada.prefs == {"theme": "dark"}
    assert ada.email is None
    assert session.get(Person, "nobody") is None


def test_get_with_fetch_loads_relations_in_the_same_query(
    session: Session, rec: Any, raw: Any
) -> None:
    _seed(raw)
    rec.reset()
    ada = session.get(Person, "ada", fetch=["employer", "knows"])
    assert ada is not None
    assert len(rec.calls) == 1
    assert ada.employer is not None and ada.employer.name == "Acme"
    assert ada.knows == []
    assert len(rec.calls) == 1  # no lazy load happened


def test_delete_detach_deletes_node_and_edges(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada")
    session.delete(ada)
    assert session.deleted == [ada]
    assert raw.count("SPerson") == 1  # staged only
    session.commit()
    assert raw.count("SPerson") == 0
    assert raw.edges("S_WORKS_FOR") == set()
    assert raw.count("SCompany") == 1
    assert ada not in session
    assert session.get(Person, "ada") is None


def test_get_of_an_entity_staged_for_deletion(session: Session, raw: Any, rec: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada")
    session.delete(ada)
    rec.reset()
    assert session.get(Person, "ada") is None
    assert rec.calls == []
    session.commit()
    assert session.get(Person, "ada") is None


def test_a_deleted_entity_can_be_inserted_again(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada")
    assert ada is not None
    session.delete(ada)
    session.commit()
    assert raw.count("SPerson") == 0
    session.add(ada)
    session.commit()
    assert raw.props("SPerson")["ada"]["name"] == "Ada"
    ada.age = 5  # tracked again like any persistent entity
    session.commit()
    assert raw.props("SPerson")["ada"]["age"] == 5
    assert session.get(Person, "ada") is ada


def test_delete_of_a_pending_entity_writes_nothing(session: Session, raw: Any, rec: Any) -> None:
    bob = Person(id="bob", name="Bob")
    session.add(bob)
    session.delete(bob)
    session.commit()
    assert rec.calls == []
    assert raw.count() == 0


def test_delete_then_add_again_keeps_the_node(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada")
    session.delete(ada)
    session.add(ada)  # changed our mind
    session.commit()
    assert raw.count("SPerson") == 1


def test_delete_of_an_unknown_entity_is_refused(session: Session) -> None:
    with pytest.raises(
        DetachedEntityError,
        match=r"cannot delete Person\(id='x'\): it is not attached to this session; add it first",
    ):
        session.delete(Person(id="x", name="X"))


def test_flush_keeps_the_identity_map_and_commit_clears_staging(session: Session) -> None:
    ada = Person(id="ada", name="Ada")
    session.add(ada)
    session.flush()
    assert session.get(Person, "ada") is ada
    ada.age = 1
    assert session.dirty == [ada]
    session.commit()
    assert session.dirty == [] and session.new == [] and session.deleted == []
    assert session.get(Person, "ada") is ada


def test_rollback_discards_unflushed_work(session: Session, raw: Any, rec: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada")
    assert ada is not None
    ada.name = "Changed"
    bob = Person(id="bob", name="Bob")
    session.add(bob)
    session.delete(session.get(Person, "ada", fetch=["employer"]))
    rec.reset()
    session.rollback()
    session.commit()
    assert rec.writes == []
    assert raw.props("SPerson")["ada"]["name"] == "Ada"
    assert raw.count("SPerson") == 1
    assert bob not in session
    # the persistent entity was expired: its next access reloads from the graph
    assert ada.name == "Ada"
    assert ada in session


def test_rollback_cannot_undo_a_flush_on_falkordb(session: Session, raw: Any) -> None:
    session.add(Person(id="ada", name="Ada"))
    session.flush()
    session.add(Person(id="bob", name="Bob"))
    session.rollback()
    assert sorted(raw.props("SPerson")) == ["ada"]  # each flush is its own atomic write


def test_expire_reloads_changed_values_on_next_access(session: Session, raw: Any, rec: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada")
    assert ada is not None
    raw.rows("MATCH (n:SPerson {id: 'ada'}) SET n.name = 'Ada L.', n.age = 37")
    assert ada.name == "Ada"  # cached
    session.expire(ada)
    rec.reset()
    assert ada.name == "Ada L."
    assert ada.age == 37
    assert len(rec.calls) == 1  # one reload for all fields


def test_expire_some_fields_only(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada")
    assert ada is not None
    raw.rows("MATCH (n:SPerson {id: 'ada'}) SET n.name = 'New', n.age = 99")
    session.expire(ada, ["age"])
    assert ada.age == 99
    assert ada.name == "Ada"  # not expired, still the cached value


def test_expire_drops_unflushed_changes(session: Session, raw: Any, rec: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada")
    assert ada is not None
    ada.name = "Unsaved"
    session.expire(ada)
    rec.reset()
    session.commit()
    assert rec.writes == []
    assert ada.name == "Ada"


def test_refresh_rereads_now_and_discards_changes(session: Session, raw: Any, rec: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada", fetch=["employer"])
    assert ada is not None
    ada.age = 1
    raw.rows("MATCH (n:SPerson {id: 'ada'}) SET n.name = 'Refreshed'")
    rec.reset()
    session.refresh(ada)
    assert len(rec.calls) == 1
    assert ada.name == "Refreshed"
    assert ada.age == 36
    assert session.dirty == []
    session.commit()
    assert raw.props("SPerson")["ada"]["age"] == 36


def test_refresh_of_a_node_deleted_by_someone_else(session: Session, raw: Any) -> None:
    from runic.ogm import StaleDataError

    _seed(raw)
    ada = session.get(Person, "ada")
    raw.rows("MATCH (n:SPerson) DETACH DELETE n")
    with pytest.raises(StaleDataError, match=r"Person\(id='ada'\) is no longer in the graph"):
        session.refresh(ada)


def test_expunge_detaches_without_touching_the_graph(session: Session, raw: Any, rec: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada")
    assert ada is not None
    ada.name = "Not saved"
    session.expunge(ada)
    assert ada not in session
    rec.reset()
    session.commit()
    assert rec.calls == []
    assert raw.props("SPerson")["ada"]["name"] == "Ada"
    again = session.get(Person, "ada")
    assert again is not ada and again is not None and again.name == "Ada"
    with pytest.raises(DetachedEntityError, match="detached"):
        _ = ada.employer  # never loaded; the detached entity cannot load it


def test_changes_made_while_detached_are_flushed_after_add(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada")
    assert ada is not None
    session.expunge(ada)
    ada.age = 40
    ada.tags.append("z")
    session.commit()
    assert raw.props("SPerson")["ada"]["age"] == 36  # detached: not written
    session.add(ada)  # re-attach: persistent again, with its changes
    assert session.get(Person, "ada") is ada
    session.commit()
    props = raw.props("SPerson")["ada"]
    assert (props["age"], props["tags"]) == (40, ["x", "y", "z"])
    assert raw.count("SPerson") == 1


def test_expunge_all(session: Session, raw: Any) -> None:
    _seed(raw)
    ada = session.get(Person, "ada")
    acme = session.get(Company, "acme")
    pending = Person(id="bob", name="Bob")
    session.add(pending)
    session.expunge_all()
    assert session.identity_map == {} and session.new == []
    assert ada not in session and acme not in session and pending not in session
    session.commit()
    assert raw.count("SPerson") == 1


def test_close_detaches_and_closes(rec: Any, raw: Any) -> None:
    _seed(raw)
    session = Session(rec)
    ada = session.get(Person, "ada")
    assert ada is not None
    session.close()
    assert session.closed
    assert ada.name == "Ada"  # loaded values stay readable
    with pytest.raises(
        DetachedEntityError, match=r"Person\.employer.*detached.*fetch=\['employer'\]"
    ):
        _ = ada.employer
    with pytest.raises(SessionClosedError, match="session is closed"):
        session.get(Person, "ada")
    session.close()  # closing twice is harmless


def test_context_manager_commits_on_success(rec: Any, raw: Any) -> None:
    with Session(rec) as session:
        session.add(Person(id="ada", name="Ada"))
    assert session.closed
    assert sorted(raw.props("SPerson")) == ["ada"]


def test_context_manager_rolls_back_on_exception(rec: Any, raw: Any) -> None:
    with pytest.raises(RuntimeError, match="boom"), Session(rec) as session:
        session.add(Person(id="ada", name="Ada"))
        raise RuntimeError("boom")
    assert session.closed
    assert raw.count() == 0


def test_context_manager_after_explicit_flush(rec: Any, raw: Any) -> None:
    """On FalkorDB a flush is final: the rollback only drops what was not flushed."""
    with pytest.raises(RuntimeError), Session(rec) as session:
        session.add(Person(id="ada", name="Ada"))
        session.flush()
        session.add(Person(id="bob", name="Bob"))
        raise RuntimeError("boom")
    assert sorted(raw.props("SPerson")) == ["ada"]


def test_update_after_commit_in_a_new_session(rec: Any, raw: Any) -> None:
    with Session(rec) as session:
        session.add(Person(id="ada", name="Ada", knows=[Person(id="bob", name="Bob")]))
    with Session(rec) as session:
        ada = session.get(Person, "ada")
        assert ada is not None
        ada.email = "ada@example.com"
    assert raw.props("SPerson")["ada"]["email"] == "ada@example.com"
    assert raw.edge_list("S_KNOWS") == [("ada", "bob", {"since": 2020})]  # Knows' default
