"""``QueryResult``: the columns are a list, like the rows."""

from runic.ogm.driver.results import QueryResult


def test_columns_are_a_list_whatever_sequence_the_driver_passes() -> None:
    result = QueryResult(("a", "b"), [(1, 2)])  # type: ignore[arg-type]
    assert type(result.columns) is list and result.columns == ["a", "b"]
    assert result.records() == [{"a": 1, "b": 2}]
    assert result.column("b") == [2]


def test_empty_results_have_list_columns() -> None:
    assert QueryResult().columns == [] and QueryResult().rows == []
