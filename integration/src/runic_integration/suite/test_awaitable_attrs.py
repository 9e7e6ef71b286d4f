"""``await entity.awaitable_attrs.<name>``: relations loaded through the AsyncSession."""

from __future__ import annotations

import pytest

from runic.ogm import AsyncSession, DetachedEntityError, LazyLoadError
from runic_integration import RunicDB, backend_test
from runic_integration.statements import logged_statements
from runic_integration.suite.models import Company, Person

pytestmark = pytest.mark.runic_modes("async")


async def _seed(db: RunicDB) -> None:
    async with db.session() as session:
        acme = Company(id="acme", name="Acme")
        ada = Person(id="ada", name="Ada", age=36, employer=acme)
        ada.friends = [Person(id="bob", name="Bob"), Person(id="cy", name="Cy")]
        session.add(ada)


@backend_test
async def test_awaitable_attrs_loads_a_relation_once(db: RunicDB) -> None:
    await _seed(db)
    session = db.session(log_cypher=True)
    assert isinstance(session, AsyncSession)
    ada = await session.get(Person, "ada")
    assert ada is not None
    with pytest.raises(LazyLoadError):
        _ = ada.friends
    with logged_statements() as counted:
        friends = await ada.awaitable_attrs.friends
        employer = await ada.awaitable_attrs.employer
    assert sorted(p.id for p in friends) == ["bob", "cy"]
    assert isinstance(employer, Company) and employer.id == "acme"
    assert len(counted.sent) == 2, counted.sent  # one statement per relation
    assert ada.friends is friends  # the attribute is loaded now
    with logged_statements() as counted:
        again = await ada.awaitable_attrs.friends
        name = await ada.awaitable_attrs.name
    assert again is friends and name == "Ada"
    assert counted.sent == []  # loaded already: no query
    await session.close()


@backend_test
async def test_awaitable_attrs_rereads_an_expired_field(db: RunicDB) -> None:
    await _seed(db)
    session = db.session()
    ada = await session.get(Person, "ada")
    assert ada is not None
    db.raw("MATCH (n:ItPerson {id: 'ada'}) SET n.age = 37", write=True)
    session.expire(ada, ["age"])
    assert await ada.awaitable_attrs.age == 37
    assert ada.age == 37
    await session.close()


@backend_test
async def test_awaitable_attrs_on_a_detached_entity_raises(db: RunicDB) -> None:
    await _seed(db)
    async with db.session() as session:
        ada = await session.get(Person, "ada")
    assert ada is not None
    with pytest.raises(DetachedEntityError, match=r"Person\.friends.*detached"):
        await ada.awaitable_attrs.friends
    with pytest.raises(AttributeError, match=r"Person has no relation or field 'frends'.*friends"):
        await ada.awaitable_attrs.frends
