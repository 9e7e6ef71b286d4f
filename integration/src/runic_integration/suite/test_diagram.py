"""``runic schema diagram --url``: the live counts, one count statement per node class
and per relationship type, through a public ``Session`` (the console script is sync)."""

from __future__ import annotations

import pytest

from runic.migrate.diagram import live_counts, mermaid
from runic.ogm import Session
from runic_integration import RunicDB, backend_test
from runic_integration.statements import logged_statements
from runic_integration.suite.models import City, Company, Country, Location, Person


@pytest.mark.runic_modes("sync")
@backend_test
async def test_live_counts_per_class_and_relationship_type(db: RunicDB) -> None:
    async with db.session() as session:
        france = Country(code="fr", name="France")
        acme = Company(id="acme", name="Acme")
        ada = Person(id="ada", name="Ada", employer=acme)
        ada.lives_in = City(code="lyon", name="Lyon", country=france)
        ada.friends = [Person(id="bob", name="Bob")]
        session.add_all([ada, City(code="paris", name="Paris", country=france)])
    classes = [Person, Company, Location, Country, City]
    with Session(db.new_driver(), log_cypher=True) as session, logged_statements() as log:
        counts = live_counts(session, classes)
    # a class counts the nodes with all its labels: locations include cities and countries
    assert counts.nodes == {Person: 2, Company: 1, Location: 3, Country: 1, City: 2}
    # IT_WORKS_FOR is declared twice (Person.employer, Company.employees): counted once
    assert counts.edges == {
        "IT_WORKS_FOR": 1,
        "IT_KNOWS": 1,
        "IT_LIVES_IN": 1,
        "IT_RATED": 0,
        "IT_IN": 2,
    }
    assert len(log.sent) == 5 + 5, log.sent  # one statement per class and per type
    drawn = mermaid(classes, counts).splitlines()
    assert "        <<:ItLocation:ItCity · 2 nodes>>" in drawn
    assert '    City --> "0..1" Country : IT_IN (country) · 2 edges' in drawn
