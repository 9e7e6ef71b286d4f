"""FalkorDB doubles: stored exactly, read back with 15 significant digits (issue 12.15).

No reply of the server keeps more (compact or verbose, RESP2 or RESP3, toString
and toJSON alike print ``%.15g``), so the round trip is exact to 15 digits, not
17; these tests pin that limit down, check the largest double is not read as an
infinity, and that a session never writes a rounded value back on its own.
"""

from __future__ import annotations

import math
import random
import struct
import sys
from typing import Any

from runic.falkordb import FalkorDBDriver
from runic.ogm import AsyncSession, Field, Node, Session


class FMeasure(Node, labels=["FMeasure"]):
    id: str = Field(primary_key=True)
    value: float = 0.0
    samples: list[float] = Field(default_factory=list)
    note: str = ""


SPECIAL = [
    1 / 3,
    2 / 3,
    0.1,
    -0.0,
    sys.float_info.max,
    -sys.float_info.max,
    sys.float_info.min,  # smallest normal
    5e-324,  # smallest subnormal
    2.225073858507201e-308,  # largest subnormal
    1e308,
    123456789.12345678,
    2.0**53 + 2,
]


def _doubles(n: int, seed: int = 12) -> list[float]:
    """``n`` finite doubles with random bit patterns (every exponent, sign and mantissa)."""
    rng = random.Random(seed)
    out: list[float] = []
    while len(out) < n:
        (x,) = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))
        if math.isfinite(x):
            out.append(x)
    return out


def _expected(x: float) -> float:
    """What the server's 15-digit text of ``x`` reads as (the largest double stays finite)."""
    if abs(x) == sys.float_info.max:
        return x
    return float(f"{x:.15g}")


def test_doubles_are_stored_exactly_and_read_to_15_digits(driver: FalkorDBDriver) -> None:
    values = SPECIAL + _doubles(2000)
    driver.execute(
        "UNWIND range(0, size($v) - 1) AS i CREATE (:FP {i: i, v: $v[i]})", {"v": values}
    )
    # Stored exactly: the server compares each stored double with the one sent.
    assert (
        driver.execute("MATCH (n:FP) WHERE n.v <> $v[n.i] RETURN count(n)", {"v": values}).scalar()
        == 0
    )
    rows = driver.execute("MATCH (n:FP) RETURN n.i, n.v, n ORDER BY n.i").rows
    assert len(rows) == len(values)
    for (i, scalar, node), sent in zip(rows, values, strict=True):
        assert scalar == node.properties["v"] == _expected(sent), (i, sent, scalar)
        assert math.isfinite(scalar)
    assert rows[0][1] == 0.333333333333333
    assert rows[4][1] == sys.float_info.max and rows[5][1] == -sys.float_info.max
    assert rows[7][1] == 5e-324
    changed = sum(1 for (_, got, _), sent in zip(rows, values, strict=True) if got != sent)
    assert changed > 1000  # the limit is real: most random doubles lose their last digits


def test_a_loaded_rounded_float_is_never_written_back(rec: Any, raw: Any) -> None:
    with Session(rec) as session:
        session.add(FMeasure(id="m", value=1 / 3, samples=[1 / 3, 2 / 3]))
    rec.reset()
    with Session(rec) as session:
        loaded = session.get(FMeasure, "m")
        assert loaded is not None
        assert loaded.value == 0.333333333333333 != 1 / 3
        assert session.dirty == []
        session.flush()
        assert rec.writes == []  # nothing changed: nothing sent
        loaded.note = "seen"
        session.commit()
    (update,) = rec.writes
    assert "`note`" in update.cypher and "`value`" not in update.cypher
    assert "`samples`" not in update.cypher
    assert update.params == {"w0": [[update.params["w0"][0][0], "seen"]]}
    # The graph still holds the exact doubles written first.
    assert raw.rows(
        "MATCH (n:FMeasure {id: 'm'}) RETURN n.value = $v AND n.samples = $s",
        {"v": 1 / 3, "s": [1 / 3, 2 / 3]},
    ) == [[True]]


async def test_async_loaded_rounded_float_is_never_written_back(arec: Any, raw: Any) -> None:
    async with AsyncSession(arec) as session:
        session.add(FMeasure(id="a", value=2 / 3))
    arec.reset()
    async with AsyncSession(arec) as session:
        loaded = await session.get(FMeasure, "a")
        assert loaded is not None and session.dirty == []
        loaded.note = "x"
    (update,) = arec.writes
    assert "`value`" not in update.cypher
    assert raw.rows("MATCH (n:FMeasure {id: 'a'}) RETURN n.value = $v", {"v": 2 / 3}) == [[True]]
