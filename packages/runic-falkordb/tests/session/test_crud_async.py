"""Session lifecycle and CRUD through ``AsyncSession`` on a real FalkorDB."""

from __future__ import annotations

from typing import Any

import pytest
from session_models import Company, Person, Role

from runic.ogm import (
    AsyncSession,
    DetachedEntityError,
    LazyLoadError,
    SessionClosedError,
)


async def _seed(asession: AsyncSession) -> None:
    await asession.execute(
        "CREATE (:SPerson {id: 'ada', name: 'Ada', age: 36, active: true, role: 'manager', "
        "tags: ['x'], prefs: '{}'})-[:S_WORKS_FOR]->(:SCompany {id: 'acme', name: 'Acme', "
        "city: 'Berlin'})",
        write=True,
    )


async def test_add_flush_get(asession: AsyncSession, raw: Any) -> None:
    ada = Person(id="ada", name="Ada", age=36, role=Role.MANAGER)
    asession.add(ada)  # plain method: no await
    asession.add_all([Company(id="acme", name="Acme")])
    assert raw.count() == 0
    await asession.flush()
    assert raw.props("SPerson")["ada"] == {
        "id": "ada",
        "name": "Ada",
        "age": 36,
        "active": True,
        "role": "manager",
        "tags": [],
        "prefs": "{}",
    }
    assert sorted(raw.props("SCompany")) == ["acme"]
    assert await asession.get(Person, "ada") is ada
    assert await asession.get(Person, "missing") is None


async def test_get_in_a_new_session_decodes(arec: Any, raw: Any) -> None:
    async with AsyncSession(arec) as s:
        await _seed(s)
    async with AsyncSession(arec) as s:
        ada = await s.get(Person, "ada", fetch=["employer"])
        assert ada is not None
        assert (ada.name, ada.age, ada.role, ada.tags) == ("Ada", 36, Role.MANAGER, ["x"])
        assert ada.employer is not None and ada.employer.city == "Berlin"


async def test_update_writes_changed_field(asession: AsyncSession, raw: Any, arec: Any) -> None:
    await _seed(asession)
    ada = await asession.get(Person, "ada")
    assert ada is not None
    ada.age = 37
    arec.reset()
    await asession.commit()
    assert [c.cypher for c in arec.writes] == [
        "UNWIND $w0 AS row WITH row, row[0] AS k MATCH (n) WHERE id(n) = k SET n.`age` = row[1]"
    ]
    assert raw.props("SPerson")["ada"]["age"] == 37


async def test_delete(asession: AsyncSession, raw: Any) -> None:
    await _seed(asession)
    ada = await asession.get(Person, "ada")
    asession.delete(ada)
    assert raw.count("SPerson") == 1
    await asession.commit()
    assert raw.count("SPerson") == 0
    assert raw.edges("S_WORKS_FOR") == set()
    assert await asession.get(Person, "ada") is None


async def test_rollback_discards_and_expires(asession: AsyncSession, raw: Any, arec: Any) -> None:
    await _seed(asession)
    ada = await asession.get(Person, "ada")
    assert ada is not None
    ada.name = "Changed"
    asession.add(Person(id="bob", name="Bob"))
    await asession.rollback()
    arec.reset()
    await asession.commit()
    assert arec.writes == []
    assert raw.count("SPerson") == 1
    # expired: an async session cannot reload on attribute access ...
    with pytest.raises(LazyLoadError, match=r"Person\.name is not loaded.*refresh"):
        _ = ada.name
    # ... refresh() does it explicitly
    await asession.refresh(ada)
    assert ada.name == "Ada"


async def test_expire_then_refresh(asession: AsyncSession, raw: Any) -> None:
    await _seed(asession)
    ada = await asession.get(Person, "ada")
    assert ada is not None
    raw.rows("MATCH (n:SPerson) SET n.age = 50")
    asession.expire(ada, ["age"])
    with pytest.raises(LazyLoadError, match="age"):
        _ = ada.age
    assert ada.name == "Ada"
    await asession.refresh(ada)
    assert ada.age == 50


async def test_refresh_discards_changes(asession: AsyncSession, raw: Any) -> None:
    await _seed(asession)
    ada = await asession.get(Person, "ada")
    assert ada is not None
    ada.name = "Unsaved"
    await asession.refresh(ada)
    assert ada.name == "Ada"
    assert asession.dirty == []


async def test_expunge_and_expunge_all(asession: AsyncSession, raw: Any, arec: Any) -> None:
    await _seed(asession)
    ada = await asession.get(Person, "ada")
    acme = await asession.get(Company, "acme")
    assert ada is not None and acme is not None
    ada.name = "Not saved"
    asession.expunge(ada)
    assert ada not in asession and acme in asession
    asession.expunge_all()
    assert acme not in asession
    arec.reset()
    await asession.commit()
    assert arec.calls == []
    assert raw.props("SPerson")["ada"]["name"] == "Ada"
    with pytest.raises(DetachedEntityError, match="detached"):
        _ = ada.employer


async def test_close(arec: Any, raw: Any) -> None:
    s = AsyncSession(arec)
    await _seed(s)
    ada = await s.get(Person, "ada")
    await s.close()
    assert s.closed
    with pytest.raises(DetachedEntityError, match=r"Person\.employer"):
        _ = ada.employer  # type: ignore[union-attr]
    with pytest.raises(SessionClosedError):
        await s.get(Person, "ada")
    with pytest.raises(SessionClosedError):
        s.add(Person(id="x", name="X"))
    await s.close()


async def test_context_manager_commits_and_rolls_back(arec: Any, raw: Any) -> None:
    async with AsyncSession(arec) as s:
        s.add(Person(id="ada", name="Ada"))
    assert s.closed
    with pytest.raises(ValueError, match="boom"):
        async with AsyncSession(arec) as s:
            s.add(Person(id="bob", name="Bob"))
            raise ValueError("boom")
    assert sorted(raw.props("SPerson")) == ["ada"]
