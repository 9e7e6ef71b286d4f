"""The SQL around each Cypher statement, the parameter map and graph name checks (no I/O)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from runic.age import AGESettings, AGESettingsError, check_graph_name, wrap_cypher
from runic.age.sql import encode_params, quote_column, return_columns
from runic.ogm.exceptions import InvalidIdentifierError, QueryBuildError


def test_wrap_cypher_declares_each_column_as_agtype() -> None:
    sql = wrap_cypher("my_graph", "MATCH (n) RETURN n.name AS name, n", ("name", "n"))
    assert sql == (
        "SELECT * FROM cypher('my_graph', $$ MATCH (n) RETURN n.name AS name, n $$, %s) "
        'AS ("name" agtype, "n" agtype)'
    )


def test_a_statement_without_columns_declares_one_placeholder() -> None:
    assert wrap_cypher("my_graph", "MATCH (n) DETACH DELETE n", None) == (
        "SELECT * FROM cypher('my_graph', $$ MATCH (n) DETACH DELETE n $$, %s) AS (\"_\" agtype)"
    )
    assert wrap_cypher("my_graph", "CREATE (n)", ()) == (
        "SELECT * FROM cypher('my_graph', $$ CREATE (n) $$, %s) AS (\"_\" agtype)"
    )


def test_dollar_quotes_and_percent_signs_in_the_text_are_kept_apart() -> None:
    sql = wrap_cypher("my_graph", "RETURN '$$' + '100%' AS s", ("s",))
    assert sql == (
        "SELECT * FROM cypher('my_graph', $runic0$ RETURN '$$' + '100%%' AS s $runic0$, %s) "
        'AS ("s" agtype)'
    )
    # a text ending in '$' would glue onto a closing $$
    assert wrap_cypher("g_x", "RETURN $", ("x",)).startswith(
        "SELECT * FROM cypher('g_x', $runic0$ RETURN $ $runic0$"
    )


def test_column_names_are_quoted_sql_identifiers() -> None:
    assert quote_column('we"ird name') == '"we""ird name"'
    with pytest.raises(QueryBuildError, match="result column name '' is not usable in SQL"):
        quote_column("")


@pytest.mark.parametrize("cypher", ["", "   "])
def test_empty_cypher_is_refused(cypher: str) -> None:
    with pytest.raises(QueryBuildError, match="cypher must be a non-empty string"):
        wrap_cypher("my_graph", cypher, None)


def test_nul_in_cypher_is_refused() -> None:
    with pytest.raises(QueryBuildError, match="must not contain NUL"):
        wrap_cypher("my_graph", "RETURN '\x00'", ("x",))


# -- graph names ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["abc", "my_graph", "_g1", "g.x-y_2", "Graph3"])
def test_valid_graph_names(name: str) -> None:
    assert check_graph_name(name) == name


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("ab", "AGE graph name 'ab' is too short: AGE needs at least 3 characters"),
        ("", "AGE graph name '' is too short"),
        ("1abc", "AGE graph name '1abc' is invalid: start with a letter or underscore"),
        ("abc-", "AGE graph name 'abc-' is invalid"),
        ("a b c", "AGE graph name 'a b c' is invalid"),
        ("ab'c", 'AGE graph name "ab\'c" is invalid'),
        ("a" * 64, "is longer than 63 bytes"),
        (42, "AGE graph name must be a string, got int: 42"),
    ],
)
def test_invalid_graph_names_are_refused(name: Any, message: str) -> None:
    with pytest.raises(InvalidIdentifierError) as info:
        check_graph_name(name)
    assert message in str(info.value)


def test_settings_check_the_graph_name_and_options() -> None:
    with pytest.raises(InvalidIdentifierError, match="'gg' is too short"):
        AGESettings(graph="gg")
    with pytest.raises(AGESettingsError, match="max_size=0 is invalid"):
        AGESettings(graph="ggg", max_size=0)
    with pytest.raises(AGESettingsError, match="port=70000 is invalid"):
        AGESettings(graph="ggg", port=70000)
    settings = AGESettings(graph="ggg", host="db.example", port=6543, password="pw")
    assert settings.endpoint == "db.example:6543/postgres"
    assert "password=pw" in settings.conninfo()
    assert "user=postgres" in settings.conninfo()


# -- parameters -------------------------------------------------------------------------


def test_parameters_are_one_agtype_map() -> None:
    assert encode_params(None) == "{}"
    assert encode_params({}) == "{}"
    assert encode_params({"name": "héllo", "n": 3, "x": 1.5, "ok": True, "no": None}) == (
        '{"name":"héllo","n":3,"x":1.5,"ok":true,"no":null}'
    )
    assert encode_params({"rows": [["a", [1, 2]], {"k": "v"}]}) == (
        '{"rows":[["a",[1,2]],{"k":"v"}]}'
    )


def test_special_numbers_use_agtype_syntax() -> None:
    assert encode_params({"d": Decimal("12.50"), "nan": float("nan"), "inf": float("-inf")}) == (
        '{"d":12.50::numeric,"nan":NaN,"inf":-Infinity}'
    )


def test_long_digit_strings_and_big_int64_values_still_pass() -> None:
    # a 19-digit run sends the text to the careful encoder, which accepts these
    params = {"s": "1234567890123456789012", "i": [2**63 - 1, -(2**63)]}
    assert encode_params(params) == (
        '{"s":"1234567890123456789012","i":[9223372036854775807,-9223372036854775808]}'
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"big": 2**63}, "query parameter 'big': 9223372036854775808 does not fit"),
        ({"s": "a\x00b"}, "query parameter 's' contains a NUL character"),
        ({"l": ["ok", "\ud800"]}, "query parameter 'l[1]' is not valid Unicode text"),
        ({"n": [1, 10**19]}, "query parameter 'n[1]': 10000000000000000000 does not fit"),
        ({"when": object()}, "query parameter 'when' has a object value"),
        ({"l": [1, {2}]}, "query parameter 'l[1]' has a set value"),
    ],
)
def test_unusable_parameters_are_named(params: dict[str, Any], message: str) -> None:
    with pytest.raises(QueryBuildError) as info:
        encode_params(params)
    assert message in str(info.value)


# -- columns of hand-written Cypher -----------------------------------------------------


@pytest.mark.parametrize(
    ("cypher", "columns"),
    [
        ("MATCH (n {id: $id}) RETURN n.name AS name, n AS node", ("name", "node")),
        ("MATCH (n) SET n.a = 1", ()),
        ("MATCH (n) RETURN DISTINCT n.x, count(*) AS `c d` ORDER BY n.x LIMIT 3", ("n.x", "c d")),
        ("MATCH (n) RETURN [x IN n.l | x] AS l, {a: 1, b: 2} AS m;", ("l", "m")),
        ("RETURN 'a, return' AS s UNION RETURN 1 AS s", ("s",)),
        ("MATCH (n) WITH n RETURN n.order, n // RETURN x", ("n.order", "n")),
        ("MATCH (n) RETURN /* RETURN a, b */ n.a AS a", ("a",)),
        ("match (n) return n skip 1", ("n",)),
    ],
)
def test_return_columns_of_hand_written_cypher(cypher: str, columns: tuple[str, ...]) -> None:
    assert return_columns(cypher) == columns


def test_return_star_needs_explicit_columns() -> None:
    with pytest.raises(QueryBuildError, match="cannot expand RETURN \\*"):
        return_columns("MATCH (n) RETURN *")
