"""Transactions: on backends that have them, rollback really discards flushed writes.

On FalkorDB (no multi-statement transactions) these tests skip with
"falkordb: missing capability transactions"; the atomicity FalkorDB does offer
(one flush is one statement) is checked by the last test, on every backend.
"""

from __future__ import annotations

import pytest

from runic.ogm import Capability, DuplicateEntityError, QueryExecutionError
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Company, Person

needs_tx = pytest.mark.runic_requires(Capability.TRANSACTIONS)


@needs_tx
@backend_test
async def test_rollback_discards_flushed_writes(db: RunicDB) -> None:
    session = db.session()
    session.add(Person(id="ada", name="Ada"))
    await session.flush()
    assert await session.count(session.query(Person).statement) == 1  # visible inside
    await session.rollback()
    assert db.count("ItPerson") == 0
    await session.commit()
    assert db.count("ItPerson") == 0


@needs_tx
@backend_test
async def test_uncommitted_writes_are_invisible_to_others_until_commit(db: RunicDB) -> None:
    writer = db.session()
    writer.add(Person(id="ada", name="Ada"))
    await writer.flush()
    assert db.count("ItPerson") == 0
    reader = db.session()
    assert await reader.get(Person, "ada") is None
    await writer.commit()
    assert db.count("ItPerson") == 1


@needs_tx
@backend_test
async def test_exception_after_a_flush_rolls_everything_back(db: RunicDB) -> None:
    with pytest.raises(RuntimeError, match="late"):
        async with db.session() as session:
            session.add(Person(id="ada", name="Ada", employer=Company(id="acme", name="Acme")))
            await session.flush()
            raise RuntimeError("late")
    assert (db.count("ItPerson"), db.count("ItCompany"), db.count_edges("IT_WORKS_FOR")) == (
        0,
        0,
        0,
    )


@needs_tx
@backend_test
async def test_a_failing_statement_rolls_the_transaction_back(db: RunicDB) -> None:
    session = db.session()
    ada = Person(id="ada", name="Ada")
    session.add(ada)
    await session.flush()
    with pytest.raises(QueryExecutionError):
        await session.execute("THIS IS NOT CYPHER", write=True)
    # the database rolled the transaction back, and the session staged its insert again
    assert session.new == [ada]
    await session.rollback()  # discard it instead
    await session.commit()
    assert db.count("ItPerson") == 0


@needs_tx
@backend_test
async def test_rollback_of_updates_and_deletes(db: RunicDB) -> None:
    async with db.session() as session:
        session.add_all([Person(id="ada", name="Ada", age=1), Person(id="bob", name="Bob")])
    session = db.session()
    ada = await session.get(Person, "ada")
    bob = await session.get(Person, "bob")
    assert ada is not None
    ada.age = 2
    session.delete(bob)
    await session.flush()
    await session.rollback()
    assert db.rows(
        "MATCH (n:ItPerson) RETURN n.id AS id, n.age AS age ORDER BY n.id", columns=("id", "age")
    ) == [("ada", 1), ("bob", None)]
    if db.is_async:  # the rollback expired ada: async sessions reload explicitly
        await session.refresh(ada)
    assert ada.age == 1
    await session.close()


@backend_test
async def test_a_failed_flush_writes_nothing(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Person(id="ada", name="Ada"))
    session = db.session()
    session.add(Person(id="new", name="New", employer=Company(id="acme", name="Acme")))
    session.add(Person(id="ada", name="Again"))
    with pytest.raises(DuplicateEntityError):
        await session.flush()
    assert (db.count("ItPerson"), db.count("ItCompany")) == (1, 0)
