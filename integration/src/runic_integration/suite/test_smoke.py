"""The backend answers at all: parameters in, values out, through driver and session."""

from __future__ import annotations

from runic_integration import RunicDB, backend_test


@backend_test
async def test_smoke_raw_driver_round_trips_parameters(db: RunicDB) -> None:
    result = db.raw("RETURN $a AS x, $b AS y", {"a": 7, "b": "seven"}, columns=("x", "y"))
    assert result.columns == ["x", "y"]
    assert result.rows == [(7, "seven")]


@backend_test
async def test_smoke_session_execute_round_trips_parameters(db: RunicDB) -> None:
    session = db.session()
    result = await session.execute(
        "RETURN $a AS x, $b AS y", {"a": 1.5, "b": [1, 2]}, columns=("x", "y")
    )
    assert result.records() == [{"x": 1.5, "y": [1, 2]}]
