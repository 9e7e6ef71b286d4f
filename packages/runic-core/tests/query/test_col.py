"""``col()``: a model field's query operators, typed for static checkers."""

from __future__ import annotations

import pytest

from runic.ogm import Node, QueryBuildError, col, select
from runic.ogm.dialect import CypherDialect


class ColUser(Node, labels=["ColUser"]):
    id: str
    name: str = ""


def test_col_returns_the_field_itself_and_builds_the_same_query() -> None:
    assert col(ColUser.name) is ColUser.__dict__["name"]
    direct = select(ColUser).where(ColUser.name.contains("a")).compile(CypherDialect())
    via_col = select(ColUser).where(col(ColUser.name).contains("a")).compile(CypherDialect())
    assert (via_col.cypher, via_col.params) == (direct.cypher, direct.params)
    assert via_col.params == {"p0": "a"}


@pytest.mark.parametrize("value", ["name", 3, None])
def test_col_refuses_what_is_not_a_model_field(value: object) -> None:
    with pytest.raises(QueryBuildError, match=r"col\(\) takes a model field such as User.name"):
        col(value)
