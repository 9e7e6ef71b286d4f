"""Session lifecycle: add, get, update, delete, refresh, expire, expunge, rollback, close."""

from __future__ import annotations

import asyncio

import pytest

from runic.ogm import (
    DuplicateEntityError,
    LazyLoadError,
    SessionClosedError,
)
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Company, Person


def _names(db: RunicDB) -> list[tuple[str, str, int | None]]:
    return [
        (row[0], row[1], row[2])
        for row in db.rows(
            "MATCH (n:ItPerson) RETURN n.id AS id, n.name AS name, n.age AS age ORDER BY n.id",
            columns=("id", "name", "age"),
        )
    ]


@backend_test
async def test_add_and_commit_writes_the_node(db: RunicDB) -> None:
    session = db.session()
    ada = Person(id="ada", name="Ada", age=36)
    session.add(ada)
    assert ada in session and session.new == [ada]
    assert db.count("ItPerson") == 0  # nothing sent before the flush
    await session.commit()
    assert session.new == []
    assert _names(db) == [("ada", "Ada", 36)]


@backend_test
async def test_add_all_writes_every_node(db: RunicDB) -> None:
    async with db.session() as session:
        session.add_all(Person(id=f"p{i}", name=f"P{i}", age=i) for i in range(25))
    assert db.count("ItPerson") == 25
    assert _names(db)[:2] == [("p0", "P0", 0), ("p1", "P1", 1)]


@backend_test
async def test_a_large_flush_is_written_completely(db: RunicDB) -> None:
    async with db.session() as session:
        session.add_all(Person(id=f"b{i:04d}", name=f"B{i}", age=i % 90) for i in range(600))
        await session.flush()
        for person in session.identity_map.values():
            person.age += 1
    rows = db.rows(
        "MATCH (n:ItPerson) RETURN count(n) AS n, sum(n.age) AS total", columns=("n", "total")
    )
    assert rows == [(600, sum(i % 90 for i in range(600)) + 600)]


@backend_test
async def test_get_reads_what_another_session_wrote(db: RunicDB) -> None:
    db.raw(
        "CREATE (:ItPerson {id: $id, name: $name, age: $age, active: true, tags: []})",
        {"id": "bob", "name": "Bob", "age": 29},
        write=True,
    )
    async with db.session() as session:
        bob = await session.get(Person, "bob")
        assert bob is not None
        assert (bob.id, bob.name, bob.age, bob.active) == ("bob", "Bob", 29, True)
        assert await session.get(Person, "nobody") is None


@backend_test
async def test_concurrent_gets_share_one_session(db: RunicDB) -> None:
    # asyncio.gather over one session: on transactional backends the reads share the
    # session's single transaction (more of them than the driver has pooled
    # connections must neither hang nor open a transaction each).
    async with db.session() as writer:
        writer.add_all(Person(id=f"g{i:02d}", name=f"G{i}", age=i) for i in range(40))
    session = db.session()
    found = await asyncio.wait_for(
        asyncio.gather(
            *(session.get(Person, f"g{i:02d}") for i in range(40)),
            session.get(Person, "missing"),
        ),
        timeout=60,
    )
    assert [p.age if p is not None else None for p in found] == [*range(40), None]
    assert await session.get(Person, "g07") is found[7]  # one instance per key
    found[3].age = 99
    await session.commit()
    assert db.values("MATCH (n:ItPerson) WHERE n.id = 'g03' RETURN n.age AS age", column="age") == [
        99
    ]
    await session.close()


@backend_test
async def test_update_writes_only_the_change(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Person(id="ada", name="Ada", age=36, email="ada@example.org"))
    async with db.session() as session:
        ada = await session.get(Person, "ada")
        assert ada is not None
        ada.age = 37
        assert session.dirty == [ada]
        # someone else changes another property meanwhile: a field-level update keeps it
        db.raw("MATCH (n:ItPerson {id: 'ada'}) SET n.email = 'new@example.org'", write=True)
    rows = db.rows(
        "MATCH (n:ItPerson {id: 'ada'}) RETURN n.age AS age, n.email AS email",
        columns=("age", "email"),
    )
    assert rows == [(37, "new@example.org")]


@backend_test
async def test_flush_then_more_changes_in_the_same_session(db: RunicDB) -> None:
    async with db.session() as session:
        ada = Person(id="ada", name="Ada", age=1)
        session.add(ada)
        await session.flush()
        ada.age = 2
        await session.flush()
        ada.name = "Ada L."
    assert _names(db) == [("ada", "Ada L.", 2)]


@backend_test
async def test_delete_removes_the_node_and_its_edges(db: RunicDB) -> None:
    async with db.session() as session:
        acme = Company(id="acme", name="Acme")
        session.add(Person(id="ada", name="Ada", employer=acme))
        session.add(Person(id="bob", name="Bob", employer=acme))
    assert db.count_edges("IT_WORKS_FOR") == 2
    async with db.session() as session:
        ada = await session.get(Person, "ada")
        assert ada is not None
        session.delete(ada)
        assert session.deleted == [ada]
    assert _names(db) == [("bob", "Bob", None)]
    assert db.count_edges("IT_WORKS_FOR") == 1
    assert db.count("ItCompany") == 1


@backend_test
async def test_delete_of_a_pending_entity_writes_nothing(db: RunicDB) -> None:
    async with db.session() as session:
        ghost = Person(id="ghost", name="Ghost")
        session.add(ghost)
        session.delete(ghost)
        assert ghost not in session
    assert db.count("ItPerson") == 0


@backend_test
async def test_refresh_rereads_and_discards_unflushed_changes(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Person(id="ada", name="Ada", age=36))
    session = db.session()
    ada = await session.get(Person, "ada")
    assert ada is not None
    ada.name = "unsaved"
    db.raw("MATCH (n:ItPerson {id: 'ada'}) SET n.age = 40", write=True)
    await session.refresh(ada)
    assert (ada.name, ada.age) == ("Ada", 40)
    assert session.dirty == []
    await session.commit()
    assert _names(db) == [("ada", "Ada", 40)]


@backend_test
async def test_expire_reloads_from_the_graph(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Person(id="ada", name="Ada", age=36))
    session = db.session()
    ada = await session.get(Person, "ada")
    assert ada is not None
    db.raw("MATCH (n:ItPerson {id: 'ada'}) SET n.age = 41", write=True)
    assert ada.age == 36  # still the loaded value
    session.expire(ada, ["age"])
    if db.is_async:
        with pytest.raises(LazyLoadError, match="age"):
            _ = ada.age
        await session.refresh(ada)
    assert ada.age == 41
    assert ada.name == "Ada"


@backend_test
async def test_expunge_detaches_without_touching_the_graph(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Person(id="ada", name="Ada", age=36))
    async with db.session() as session:
        ada = await session.get(Person, "ada")
        assert ada is not None
        session.expunge(ada)
        assert ada not in session
        ada.age = 99  # not tracked any more
    assert _names(db) == [("ada", "Ada", 36)]
    async with db.session() as session:
        first = await session.get(Person, "ada")
        session.expunge_all()
        assert session.identity_map == {}
        second = await session.get(Person, "ada")
        assert first is not second


@backend_test
async def test_rollback_discards_unflushed_work(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Person(id="ada", name="Ada", age=36))
    session = db.session()
    ada = await session.get(Person, "ada")
    assert ada is not None
    ada.age = 50
    session.add(Person(id="bob", name="Bob"))
    await session.rollback()
    assert session.new == [] and session.dirty == []
    await session.commit()
    assert _names(db) == [("ada", "Ada", 36)]
    await session.refresh(ada)
    assert ada.age == 36


@backend_test
async def test_exception_in_context_manager_writes_nothing(db: RunicDB) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        async with db.session() as session:
            session.add(Person(id="ada", name="Ada"))
            raise RuntimeError("boom")
    assert db.count("ItPerson") == 0


@backend_test
async def test_closed_session_refuses_work(db: RunicDB) -> None:
    session = db.session()
    await session.close()
    assert session.closed
    with pytest.raises(SessionClosedError):
        session.add(Person(id="ada", name="Ada"))
    with pytest.raises(SessionClosedError):
        await session.get(Person, "ada")
    assert db.count("ItPerson") == 0


@backend_test
async def test_duplicate_key_in_the_graph_is_refused_and_nothing_written(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Person(id="ada", name="Ada", age=36))
    session = db.session()
    session.add(Person(id="ada", name="Impostor"))
    session.add(Person(id="bob", name="Bob"))
    with pytest.raises(DuplicateEntityError, match="ada"):
        await session.flush()
    assert _names(db) == [("ada", "Ada", 36)]


@backend_test
async def test_duplicate_key_in_one_session_is_refused(db: RunicDB) -> None:
    session = db.session()
    session.add(Person(id="ada", name="Ada"))
    with pytest.raises(DuplicateEntityError, match="ada"):
        session.add(Person(id="ada", name="Other"))
    await session.commit()
    assert _names(db) == [("ada", "Ada", None)]


@backend_test
async def test_deleted_then_readded_entity_survives(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Person(id="ada", name="Ada"))
    async with db.session() as session:
        ada = await session.get(Person, "ada")
        session.delete(ada)
        session.add(ada)
    assert db.count("ItPerson") == 1


@backend_test
async def test_raw_execute_through_the_session(db: RunicDB) -> None:
    async with db.session() as session:
        await session.execute(
            "CREATE (:ItPerson {id: $id, name: $name})", {"id": "raw", "name": "Raw"}, True
        )
        result = await session.execute(
            "MATCH (n:ItPerson) RETURN n.name AS name", columns=("name",)
        )
        assert result.column("name") == ["Raw"]
    assert _names(db) == [("raw", "Raw", None)]
