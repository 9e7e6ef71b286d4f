"""Property tests: values never reach the text; identifiers are rejected or safely quoted."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from runic.ogm.dialect import CypherDialect
from runic.ogm.exceptions import InvalidIdentifierError
from runic.ogm.query import select
from runic.ogm.query.ir import (
    CompareOp,
    Comparison,
    MatchNode,
    MatchPath,
    NodePattern,
    OrderItem,
    Param,
    Projection,
    PropRef,
    Query,
    ReturnClause,
    VarRef,
)

D = CypherDialect()
SPAN = re.compile(r"`([^`]*)`")
HOSTILE = [
    "`",
    "a`b",
    "})-[",
    "n) DETACH DELETE n //",
    "x`) MATCH (m) DETACH DELETE m //",
    "line\nbreak",
    "\u2028",
    "'quote\"",
    "ünï©ødé",
    "$p0",
    "",
    " ",
    "a" * 257,
]
fixture_ok = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

values = st.one_of(
    st.text(),
    st.integers(),
    st.floats(allow_nan=False),
    st.none(),
    st.lists(st.text(), max_size=5),
)


@fixture_ok
@given(value=st.text())
@example(value="' OR 1=1 RETURN n //")
@example(value="`) MATCH (x) DETACH DELETE x //")
@example(value="$p1")
def test_string_values_only_travel_as_parameters(m: SimpleNamespace, value: str) -> None:
    stmt = (
        select(m.User)
        .where((m.User.name == value) | m.User.name.contains(value) | m.User.name.matches(value))
        .where(m.User.id.in_([value, value]))
    )
    text, params = stmt.build()
    assert text == (
        "MATCH (n:`QUser`) WHERE (n.`name` = $p0 OR n.`name` CONTAINS $p1 OR n.`name` =~ $p2) "
        "AND n.`id` IN $p3 RETURN n"
    )
    assert params == {"p0": value, "p1": value, "p2": value, "p3": [value, value]}


@fixture_ok
@given(value=values)
def test_any_value_keeps_the_text(m: SimpleNamespace, value: Any) -> None:
    if value is None:
        return  # == None means IS NULL: a different (documented) shape
    text, params = select(m.User).where(m.User.age != value).build()
    assert text == "MATCH (n:`QUser`) WHERE n.`age` <> $p0 RETURN n"
    assert params == {"p0": value}


def _outside_quotes(text: str) -> str:
    return SPAN.sub("``", text)


def _ident_query(label: str, prop: str, rel: str, column: str) -> Query:
    where = Comparison(PropRef("n", prop), CompareOp.EQ, Param(1))
    path = MatchPath("n", rel, "OUTGOING", NodePattern("f", (label, "Fixed")), "r")
    ret = ReturnClause(
        (Projection(VarRef("n"), "n", "node"), Projection(PropRef("f", prop), column)),
        order_by=(OrderItem(PropRef("n", prop), desc=True),),
    )
    return Query((MatchNode(NodePattern("n", (label,)), where=where), path), ret)


BENIGN = D.compile(_ident_query("L", "p", "R", "c")).cypher


@given(
    label=st.one_of(st.text(), st.sampled_from(HOSTILE)),
    prop=st.one_of(st.text(), st.sampled_from(HOSTILE)),
    rel=st.one_of(st.text(), st.sampled_from(HOSTILE)),
    column=st.one_of(st.text(), st.sampled_from(HOSTILE)),
)
@example(label="`", prop="p", rel="R", column="c")
@example(label="L", prop="})-[", rel="R", column="c")
@example(label="L", prop="p", rel="x]->() DELETE n//", column="c")
@example(label="L", prop="p", rel="R", column="a\nb")
def test_hostile_identifiers_are_rejected_or_quoted(
    label: str, prop: str, rel: str, column: str
) -> None:
    try:
        text = D.compile(_ident_query(label, prop, rel, column)).cypher
    except InvalidIdentifierError:
        bad = [s for s in (label, prop, rel, column) if not _acceptable(s)]
        assert bad, "a safe identifier was rejected"
        return
    assert all(_acceptable(s) for s in (label, prop, rel, column))
    # Nothing outside the backtick-quoted spans depends on the identifiers ...
    assert _outside_quotes(text) == _outside_quotes(BENIGN)
    # ... and each span holds exactly one identifier, unchanged.
    spans = SPAN.findall(text)
    assert spans == [label, prop, rel, label, "Fixed", prop, column, prop]


def _acceptable(name: str) -> bool:
    return 0 < len(name) <= 256 and re.search(r"[\x00-\x1f\x7f`]", name) is None


ALIAS_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@given(alias=st.one_of(st.text(), st.sampled_from([*HOSTILE, "match", "n", "u_1", "__x"])))
def test_hostile_aliases_are_rejected_or_plain_words(alias: str) -> None:
    pred = Comparison(PropRef(alias, "p"), CompareOp.EQ, Param(1))
    q = Query(
        (MatchNode(NodePattern(alias, ("L",)), where=pred),),
        ReturnClause((Projection(VarRef(alias), alias, "node"),)),
    )
    try:
        text = D.compile(q).cypher
    except InvalidIdentifierError:
        return
    assert ALIAS_RE.match(alias)
    assert text == f"MATCH ({alias}:`L`) WHERE {alias}.`p` = $p0 RETURN {alias}"


@pytest.mark.parametrize("alias", [*HOSTILE, "match", "WHERE", "__gen", "1a", "a.b"])
def test_builder_rejects_hostile_aliases_everywhere(m: SimpleNamespace, alias: str) -> None:
    with pytest.raises(InvalidIdentifierError):
        select(m.User).alias(alias)
    with pytest.raises(InvalidIdentifierError):
        select(m.User).traverse(m.User.friends).alias(alias)
    with pytest.raises(InvalidIdentifierError):
        select(m.User).traverse(m.User.rated, edge_alias=alias)


@fixture_ok
@given(alias=st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True))
def test_builder_accepts_plain_aliases_or_explains(m: SimpleNamespace, alias: str) -> None:
    try:
        stmt = select(m.User).alias(alias).where(m.User.age > 1)
    except InvalidIdentifierError as exc:
        assert alias.upper() in _reserved() or alias.startswith("__"), str(exc)
        return
    assert stmt.build()[0] == f"MATCH ({alias}:`QUser`) WHERE {alias}.`age` > $p0 RETURN {alias}"


def _reserved() -> frozenset[str]:
    from runic.ogm.query.names import RESERVED_WORDS

    return RESERVED_WORDS
