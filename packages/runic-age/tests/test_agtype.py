"""The agtype decoder: every agtype kind, from literal text and from the real server."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest

from runic.age import AGEDriver, AgtypeDecodeError, decode_agtype
from runic.ogm.driver.results import GraphEdge, GraphNode, GraphPath

VERTEX = '{"id": 844424930131969, "label": "A", "properties": {"name": "x"}}::vertex'
EDGE = (
    '{"id": 1125899906842625, "label": "R", "end_id": 281474976710657, '
    '"start_id": 844424930131969, "properties": {"w": 1.5}}::edge'
)
BARE = '{"id": 281474976710657, "label": "", "properties": {}}::vertex'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("null", None),
        ("true", True),
        ("false", False),
        ("1", 1),
        ("-42", -42),
        ("9223372036854775807", 2**63 - 1),
        ("-2.5", -2.5),
        ("1e+300", 1e300),
        ("1e-07", 1e-07),
        ("1.0", 1.0),
        ('"a\\"b\\\\n"', 'a"b\\n'),
        ('"h\\u00e9llo"', "héllo"),
        ('""', ""),
        ("[]", []),
        ("{}", {}),
        ('[1, "x", null, [true]]', [1, "x", None, [True]]),
        ('{"k": {"j": [1, 2.0]}, "s": "v"}', {"k": {"j": [1, 2.0]}, "s": "v"}),
        ("3::numeric", Decimal("3")),
        ("12.50::numeric", Decimal("12.50")),
        ("-0.001::numeric", Decimal("-0.001")),
        ("[1.5::numeric, 2]", [Decimal("1.5"), 2]),
        ("7::integer", 7),
        ("7.5::float", 7.5),
    ],
)
def test_scalars_lists_and_maps(text: str, expected: Any) -> None:
    value = decode_agtype(text)
    assert value == expected
    assert type(value) is type(expected)


def test_sql_null_is_none() -> None:
    assert decode_agtype(None) is None


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("NaN", math.isnan),
        ("Infinity", lambda v: v == math.inf),
        ("-Infinity", lambda v: v == -math.inf),
    ],
)
def test_special_floats(text: str, check: Any) -> None:
    value = decode_agtype(text)
    assert isinstance(value, float) and check(value)
    listed = decode_agtype(f"[{text}, 1]")
    assert isinstance(listed[0], float) and check(listed[0]) and listed[1] == 1


def test_vertex() -> None:
    assert decode_agtype(VERTEX) == GraphNode(844424930131969, ("A",), {"name": "x"})
    # an unlabelled vertex has no labels
    assert decode_agtype(BARE) == GraphNode(281474976710657, (), {})


def test_vertex_extra_labels_come_from_the_labels_property() -> None:
    text = (
        '{"id": 5, "label": "ItLocation", "properties": '
        '{"code": "PAR", "_labels": ["ItCity"]}}::vertex'
    )
    assert decode_agtype(text) == GraphNode(5, ("ItLocation", "ItCity"), {"code": "PAR"})


def test_edge() -> None:
    assert decode_agtype(EDGE) == GraphEdge(
        1125899906842625, "R", 844424930131969, 281474976710657, {"w": 1.5}
    )


def test_path() -> None:
    value = decode_agtype(f"[{VERTEX}, {EDGE}, {BARE}]::path")
    assert value == GraphPath((decode_agtype(VERTEX), decode_agtype(BARE)), (decode_agtype(EDGE),))


def test_graph_values_nest_in_lists_and_maps() -> None:
    value = decode_agtype(f'{{"n": {VERTEX}, "all": [{EDGE}]}}')
    assert value == {"n": decode_agtype(VERTEX), "all": [decode_agtype(EDGE)]}


def test_vertex_lists_take_the_json_path_and_decode_the_same() -> None:
    from runic.age.agtype import _Parser

    texts = [
        f"[{VERTEX}, {BARE}]",
        f'[{{"k": {VERTEX}}}, [{VERTEX}]]',
        # a string that looks like an annotated vertex, and a plain map that has a
        # vertex's keys: the JSON path must step aside for both
        '{"id": 1, "label": "A", "properties": {"s": "x}::vertex"}}::vertex',
        f'[{VERTEX}, {{"id": 1, "label": "not", "properties": {{}}}}]',
        '{"id": 2, "label": "A", "properties": {"m": {"a": [1, {"b": null}]}}}::vertex',
    ]
    for text in texts:
        assert decode_agtype(text) == _Parser(text).value(), text
    assert decode_agtype(texts[2]) == GraphNode(1, ("A",), {"s": "x}::vertex"})
    assert decode_agtype(texts[3])[1] == {"id": 1, "label": "not", "properties": {}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2", "invalid agtype at offset"),
        ('{"a" 1}', "expected ':'"),
        ("nope", "expected a value"),
        ("1 2", "unexpected text after the value"),
        ("1::bogus", "unknown agtype annotation ::bogus"),
        ('{"label": "A"}::vertex', "a ::vertex must be a map with an id"),
        ('{"id": 1}::edge', "an ::edge must be a map with id, start_id, end_id"),
        ("[1, 2]::path", "a ::path must alternate vertices and edges"),
    ],
)
def test_malformed_text_is_reported(text: str, message: str) -> None:
    with pytest.raises(AgtypeDecodeError) as info:
        decode_agtype(text)
    assert message in str(info.value)


# -- values as the server sends them --------------------------------------------------


def test_every_kind_decoded_from_the_server(driver: AGEDriver, read: Any) -> None:
    driver.execute("CREATE (:A {name: 'x', n: 1})-[:R {w: 1.5}]->(:B {tags: ['t']})")
    result = driver.execute(
        "MATCH p = (a:A)-[r:R]->(b:B) RETURN a, r, b, p",
        columns=["a", "r", "b", "p"],
    )
    ((a, r, b, p),) = result.rows
    assert result.columns == ["a", "r", "b", "p"]
    assert isinstance(a, GraphNode) and a.labels == ("A",)
    assert a.properties == {"name": "x", "n": 1}
    assert isinstance(b, GraphNode) and b.properties == {"tags": ["t"]}
    assert r == GraphEdge(r.id, "R", a.id, b.id, {"w": 1.5})
    assert p == GraphPath((a, b), (r,))
    # the same as decoding what plain psycopg reads
    (raw_row,) = read(
        "MATCH p = (a:A)-[r:R]->(b:B) RETURN a, r, b, p",
        "a agtype, r agtype, b agtype, p agtype",
    )
    assert tuple(decode_agtype(v) for v in raw_row) == (a, r, b, p)


def test_scalars_decoded_from_the_server(driver: AGEDriver) -> None:
    result = driver.execute(
        "RETURN 1 AS i, -2.5 AS f, 3.25::numeric AS d, 'a\"b' AS s, true AS t, null AS z, "
        "[1, 'x', null] AS l, {k: {j: [1]}} AS m, 'NaN'::float AS nan, "
        "'-Infinity'::float AS ninf, 9223372036854775807 AS big"
    )
    assert result.columns == ["i", "f", "d", "s", "t", "z", "l", "m", "nan", "ninf", "big"]
    ((i, f, d, s, t, z, lst, m, nan, ninf, big),) = result.rows
    assert (i, f, d, s, t, z, lst, m) == (
        1,
        -2.5,
        Decimal("3.25"),
        'a"b',
        True,
        None,
        [1, "x", None],
        {"k": {"j": [1]}},
    )
    assert type(i) is int and type(f) is float and type(d) is Decimal
    assert math.isnan(nan) and ninf == -math.inf and big == 2**63 - 1


def test_parameters_of_every_type_come_back_unchanged(driver: AGEDriver) -> None:
    params: dict[str, Any] = {
        "s": "héllo 'quoted' $$ 100%",
        "i": -(2**63),
        "f": 0.1,
        "t": False,
        "z": None,
        "l": [1, [2, "x"], {"k": None}],
        "m": {"nested": {"deep": [True]}},
        "d": Decimal("12.50"),
        "inf": float("inf"),
    }
    names = list(params)
    cypher = "RETURN " + ", ".join(f"${n} AS {n}" for n in names)
    ((*values,),) = driver.execute(cypher, params, columns=names).rows
    assert dict(zip(names, values, strict=True)) == params
