"""A converter's ``cypher_fn`` wraps the value on every write and comparison.

Any valid (optionally dotted) function name is called where the backend can call
it; the built-in constructors a backend lacks store the plain value; anything
else fails before a statement exists.
"""

from __future__ import annotations

from typing import Any

import pytest

from runic.ogm import Field, Node, TypeConverter, select
from runic.ogm.dialect import CypherDialect
from runic.ogm.exceptions import QueryBuildError, UnsupportedFeatureError
from runic.ogm.session.flush import FlushPlan, build_statement


class Upper(TypeConverter):
    cypher_fn = "toUpper"

    def to_graph(self, value: Any) -> Any:
        return str(value)

    def from_graph(self, value: Any) -> Any:
        return value


class Dotted(Upper):
    cypher_fn = "my.lib.shout"


class Bad(Upper):
    cypher_fn = "toUpper) + ("


class FnItem(Node, labels=["FnItem"]):
    id: str = Field(primary_key=True)
    code: str = Field(default="", converter=Upper())
    loud: str = Field(default="", converter=Dotted())
    bad: str = Field(default="", converter=Bad())


class OnlyOwn(CypherDialect):
    """A backend that calls only the functions it lists (as AGE)."""

    name = "onlyown"
    callable_functions = frozenset({"toupper"})


def _create(dialect: CypherDialect, *names: str) -> str:
    meta = FnItem.__runic_meta__
    fields = tuple(meta.fields[n] for n in names)
    plan = FlushPlan()
    plan.create(meta.labels, fields, ["x"] * len(fields))
    return dialect.compile(build_statement(plan)).cypher


def test_any_valid_name_wraps_writes_and_comparisons() -> None:
    d = CypherDialect()
    assert d.wrap_param("toUpper", "$p0") == "toUpper($p0)"
    assert d.wrap_param("my.lib.shout", "$p0") == "my.lib.shout($p0)"
    assert d.wrap_param("point", "$p0") == "point($p0)"
    # runic's constructors the backend lacks: the value as it is
    assert d.wrap_param("vecf32", "$p0") == "$p0"
    assert d.wrap_param("intern", "$p0") == "$p0"
    assert _create(d, "id", "code") == (
        "UNWIND $w0 AS row CREATE (n:`FnItem`) SET n.`id` = row[0], "
        "n.`code` = CASE WHEN row[1] IS NULL THEN null ELSE toUpper(row[1]) END "
        "WITH collect(n) AS _n0 RETURN [x IN _n0 | id(x)] AS i0"
    )
    assert "ELSE my.lib.shout(row[1]) END" in _create(d, "id", "loud")
    compiled = select(FnItem).where(FnItem.code == "ab").compile(d)
    assert compiled.cypher == "MATCH (n:`FnItem`) WHERE n.`code` = toUpper($p0) RETURN n"
    assert compiled.params == {"p0": "ab"}
    listed = select(FnItem).where(FnItem.loud.in_(["a", "b"])).compile(d)
    assert "n.`loud` IN [__x IN $p0 | my.lib.shout(__x)]" in listed.cypher


def test_an_invalid_name_is_refused_naming_the_field() -> None:
    d = CypherDialect()
    with pytest.raises(QueryBuildError, match=r"'toUpper\) \+ \(' of the converter of FnItem.bad"):
        _create(d, "id", "bad")
    with pytest.raises(QueryBuildError, match=r"FnItem\.bad"):
        select(FnItem).where(FnItem.bad == "x").compile(d)
    for name in ("", "a..b", ".a", "1a", "a-b", "a b"):
        with pytest.raises(QueryBuildError):
            d.wrap_param(name, "$p0", "X.y")


def test_a_function_the_backend_cannot_call_is_unsupported() -> None:
    d = OnlyOwn()
    assert d.wrap_param("toUpper", "$p0") == "toUpper($p0)"  # case-insensitive, as Cypher
    with pytest.raises(UnsupportedFeatureError) as caught:
        _create(d, "id", "loud")
    message = str(caught.value)
    assert caught.value.backend == "onlyown"
    assert "my.lib.shout()" in message and "FnItem.loud" in message and "onlyown" in message
    with pytest.raises(UnsupportedFeatureError, match=r"FnItem\.loud"):
        select(FnItem).where(FnItem.loud == "x").compile(d)
