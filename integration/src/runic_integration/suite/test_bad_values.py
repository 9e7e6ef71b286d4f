"""A value the backend cannot store names the entity, its key and the field (issue 12.10).

FalkorDB refuses NaN and infinities as parameters; ArcadeDB and AGE store them.
"""

from __future__ import annotations

import math

import pytest

from runic.ogm import FieldValidationError, QueryBuildError
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Everything

_REFUSED = (
    "; falkordb cannot take NaN or infinite values as parameters: store None or a "
    "sentinel instead"
)


@backend_test
async def test_non_finite_float_names_entity_key_and_field(db: RunicDB) -> None:
    for value in (math.nan, math.inf, -math.inf):
        session = db.session()
        session.add_all([Everything(id=f"ok{i}") for i in range(6)])
        session.add(Everything(id="bad", ratio=value))
        if db.backend != "falkordb":
            await session.commit()
            (stored,) = db.raw(
                "MATCH (n:ItEverything {id: 'bad'}) RETURN n.ratio AS r", columns=("r",)
            ).rows
            assert math.isnan(stored[0]) if math.isnan(value) else stored[0] == value
            db.raw("MATCH (n:ItEverything) DETACH DELETE n", write=True)
            await session.close()
            continue
        with pytest.raises(FieldValidationError) as info:
            await session.flush()
        assert str(info.value) == f"Everything(id='bad').ratio is {value!r}{_REFUSED}"
        assert isinstance(info.value.__cause__, QueryBuildError)
        assert db.count("ItEverything") == 0  # nothing was written
        await session.close()


@backend_test
async def test_non_finite_float_in_an_update_names_the_loaded_entity(db: RunicDB) -> None:
    session = db.session()
    session.add(Everything(id="e", tags=["a"]))
    await session.commit()
    loaded = await session.get(Everything, "e")
    assert loaded is not None
    loaded.ratio = math.inf
    if db.backend != "falkordb":
        await session.commit()
        assert db.raw("MATCH (n:ItEverything) RETURN n.ratio AS r", columns=("r",)).rows == [
            (math.inf,)
        ]
        await session.close()
        return
    with pytest.raises(FieldValidationError) as info:
        await session.flush()
    assert str(info.value) == f"Everything(id='e').ratio is inf{_REFUSED}"
    assert db.raw("MATCH (n:ItEverything) RETURN n.ratio AS r", columns=("r",)).rows == [(0.0,)]
    await session.close()
