"""``update(Cls)`` / ``delete(Cls)`` statements, compiled by each backend's dialect and run
on its server: one statement whatever the number of nodes, returning how many.

(These send the compiled statement with the read-back driver; ``test_bulk.py`` runs
the statements through sessions, ``session.execute(stmt)``.)
"""

from __future__ import annotations

from typing import Any

import pytest

from runic.ogm import delete, update
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Company, Person


async def _graph(db: RunicDB) -> None:
    """ada (36, at acme, knows bob), bob (29), cy (41, with an email)."""
    async with db.session() as session:
        acme = Company(id="acme", name="Acme")
        ada = Person(id="ada", name="Ada", age=36, employer=acme)
        bob = Person(id="bob", name="Bob", age=29)
        cy = Person(id="cy", name="Cy", age=41, email="cy@example.com")
        ada.friends = [bob]
        session.add_all([ada, bob, cy])


def _run(db: RunicDB, stmt: Any) -> int:
    compiled = stmt.compile(db.raw_driver.dialect)
    result = db.raw(compiled.cypher, compiled.params, columns=compiled.columns, write=True)
    return int(result.scalar())


def _people(db: RunicDB) -> dict[str, tuple[Any, ...]]:
    rows = db.rows(
        "MATCH (n:ItPerson) RETURN n.id AS id, n.name AS name, n.age AS age, n.email AS email",
        columns=("id", "name", "age", "email"),
    )
    return {row[0]: tuple(row[1:]) for row in rows}


@pytest.mark.runic_modes("sync")
@backend_test
async def test_update_sets_and_removes_on_the_matching_nodes(db: RunicDB) -> None:
    await _graph(db)
    stmt = update(Person).where((Person.age > 30) & ~(Person.name == "Zed"))
    assert _run(db, stmt.values(name="Senior", email=None, age=50)) == 2
    assert _people(db) == {
        "ada": ("Senior", 50, None),
        "bob": ("Bob", 29, None),
        "cy": ("Senior", 50, None),  # the email removed
    }
    assert _run(db, update(Person).where(Person.age > 100).values(name="x")) == 0


@pytest.mark.runic_modes("sync")
@backend_test
async def test_delete_removes_the_matching_nodes_and_their_edges(db: RunicDB) -> None:
    await _graph(db)
    assert _run(db, delete(Person).where(Person.age < 40)) == 2  # ada and bob
    assert set(_people(db)) == {"cy"}
    assert db.count_edges("IT_KNOWS") == 0 and db.count_edges("IT_WORKS_FOR") == 0
    assert db.count("ItCompany") == 1
    assert _run(db, delete(Person)) == 1
    assert db.count("ItPerson") == 0
