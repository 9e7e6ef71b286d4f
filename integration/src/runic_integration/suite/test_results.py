"""What ``session.execute()`` returns: a QueryResult whose columns and rows are lists."""

from __future__ import annotations

from runic_integration import RunicDB, backend_test


@backend_test
async def test_session_execute_columns_are_a_list_like_rows(db: RunicDB) -> None:
    session = db.session()
    result = await session.execute("RETURN $a AS x, $b AS y", {"a": 1, "b": 2}, columns=("x", "y"))
    assert type(result.columns) is list and result.columns == ["x", "y"]
    assert type(result.rows) is list and result.rows == [(1, 2)]
    empty = await session.execute("MATCH (n:ItNoSuchLabel) RETURN n.id AS id", columns=("id",))
    assert type(empty.columns) is list and empty.columns == ["id"]
    assert empty.rows == []
