"""Error messages that advise a call: following the advice works."""

from __future__ import annotations

import pytest

from runic.ogm import DetachedEntityError, LazyLoadError
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Person


@backend_test
async def test_an_unloaded_property_error_gives_advice_that_works(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Person(id="ada", name="Ada", age=36))
    session = db.session()
    ada = await session.get(Person, "ada")
    assert ada is not None
    session.expire(ada, ["age"])
    db.raw("MATCH (n:ItPerson {id: 'ada'}) SET n.age = 41", write=True)
    if db.is_async:
        with pytest.raises(LazyLoadError) as info:
            _ = ada.age
        text = str(info.value)
        assert "await session.refresh(entity)" in text
        assert "fetch=" not in text and "session.load(" not in text  # relations only
        await session.refresh(ada)
    else:
        await session.close()
        with pytest.raises(DetachedEntityError) as detached:
            _ = ada.age
        text = str(detached.value)
        assert "session.add(entity)" in text and "fetch=" not in text
        other = db.session()
        other.add(ada)
    assert ada.age == 41
