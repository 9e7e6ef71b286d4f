"""Float values at the edges: refused ones name entity, key and field (issue 12.10),
and the precision each backend keeps (issue 12.15).

FalkorDB refuses NaN and infinities as parameters; ArcadeDB and AGE store them.
"""

from __future__ import annotations

import math
import random
import struct
import sys

import pytest

from runic.ogm import FieldValidationError, QueryBuildError, select
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Article, Everything, Person, Rated

_REFUSED = (
    "; falkordb cannot take NaN or infinite values as parameters: store None or a sentinel instead"
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


@backend_test
async def test_non_finite_float_on_an_edge_names_the_edge_and_field(db: RunicDB) -> None:
    session = db.session()
    ada, paper = Person(id="ada", name="Ada"), Article(id="paper")
    session.add_all([ada, paper])
    await session.commit()
    if db.backend != "falkordb":
        await session.relate(ada, Person.rated, paper, edge=Rated(score=math.nan))
        await session.commit()
        assert db.count_edges("IT_RATED") == 1
        await session.close()
        return
    with pytest.raises(FieldValidationError) as info:
        await session.relate(ada, Person.rated, paper, edge=Rated(score=math.nan))
    edge = "Rated(Person(id='ada') -> Article(id='paper'))"
    assert str(info.value) == f"{edge}.score is nan{_REFUSED}"
    assert db.count_edges("IT_RATED") == 0
    await session.close()


def _doubles(n: int) -> list[float]:
    rng = random.Random(15)
    out = [1 / 3, sys.float_info.max, -sys.float_info.max, 5e-324, sys.float_info.min, 0.1]
    while len(out) < n:
        (x,) = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))
        if math.isfinite(x):
            out.append(x)
    return out


@backend_test
async def test_float_round_trip_precision(db: RunicDB) -> None:
    """Exact on every backend but FalkorDB, whose replies print 15 significant digits."""
    values = _doubles(300)
    session = db.session()
    session.add_all([Everything(id=f"f{i:03d}", ratio=v) for i, v in enumerate(values)])
    await session.commit()
    await session.close()
    reader = db.session()
    loaded = await reader.scalars(select(Everything).order_by(Everything.id))
    got = [e.ratio for e in loaded]
    await reader.close()
    if db.backend == "falkordb":
        expected = [v if abs(v) == sys.float_info.max else float(f"{v:.15g}") for v in values]
    else:
        expected = values
    assert got == expected
