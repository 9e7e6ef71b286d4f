"""Parameter encoding: exact header text, refusals, and round trips through the server."""

from __future__ import annotations

import datetime
import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runic.falkordb import FalkorDBDriver
from runic.falkordb._params import encode_params, params_header
from runic.ogm.exceptions import QueryBuildError


def test_header_text() -> None:
    assert params_header(None) == ""
    assert params_header({}) == ""
    assert params_header(
        {
            "a": None,
            "b": True,
            "c": False,
            "d": -3,
            "e": 0.5,
            "f": 'q"\\',
            "g": [1, "x"],
            "h": {"k": 1, "a b": [None]},
            "i": (1, 2),
        }
    ) == (
        'CYPHER a=null b=true c=false d=-3 e=0.5 f="q\\"\\\\" g=[1,"x"] '
        "h={`k`:1,`a b`:[null]} i=[1,2] "
    )


def test_floats_keep_full_precision_in_the_header() -> None:
    assert encode_params({"x": 1 / 3}) == "x=0.3333333333333333"
    assert encode_params({"x": 1e-300}) == "x=1e-300"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (2**63, "does not fit in a 64-bit integer"),
        (-(2**63) - 1, "does not fit in a 64-bit integer"),
        (math.nan, "cannot take NaN or infinite"),
        (math.inf, "cannot take NaN or infinite"),
        ("a\x00b", "contains a NUL character"),
        ("\ud800", "not valid Unicode text"),
        (datetime.date(2024, 1, 1), "has type date"),
        (b"bytes", "has type bytes"),
        ({1: "x"}, "map key 1"),
        ({"a`b": 1}, "map key 'a`b'"),
        ([1, {2}], "'p[1]' has type set"),
    ],
)
def test_values_that_cannot_be_sent(value: object, message: str) -> None:
    with pytest.raises(QueryBuildError, match=re.escape(message)):
        encode_params({"p": value})


@pytest.mark.parametrize("name", ["", "1a", "a-b", "a b", "a`"])
def test_invalid_parameter_names(name: str) -> None:
    with pytest.raises(QueryBuildError, match="parameter name"):
        encode_params({name: 1})


def test_self_referencing_list_is_refused() -> None:
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(QueryBuildError, match="nested more than"):
        encode_params({"p": loop})


def test_int64_bounds_round_trip(driver: FalkorDBDriver) -> None:
    assert driver.execute("RETURN $lo, $hi", {"lo": -(2**63), "hi": 2**63 - 1}).rows == [
        (-(2**63), 2**63 - 1)
    ]


def test_full_float_precision_reaches_the_server(driver: FalkorDBDriver) -> None:
    # FalkorDB prints doubles with 15 significant digits, so compare on the server.
    assert driver.execute("RETURN $x = 1.0 / 3", {"x": 1 / 3}).scalar() is True


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    # FalkorDB replies with 15 significant digits: keep floats it can echo exactly.
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: float(f"{x:.15g}") == x)
    | st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
)
_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(
                st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00`"),
                min_size=1,
                max_size=8,
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=_values)
def test_any_encodable_value_round_trips(driver: FalkorDBDriver, value: object) -> None:
    assert driver.execute("RETURN $v", {"v": value}).scalar() == value


_LIST_CASES = [
    [["k1", "name-1", 1], ["k2", "", -2]],
    [1.5, -0.0, 1e16, True, False, None, "plain"],
    ["tab\tnew\nline\r", 'quote"back\\slash', "é 漢字 😀", "\u2028"],
    ["ctl\x01", "\x7f"],  # \x01 needs a \u escape in JSON: the element-wise path takes it
    ["back\\u0041slash"],  # looks like an escape in JSON's text; must stay literal
    [2**63 - 1, -(2**63)],
    ["{not a map}", {"k": [1, "x"]}],
    (1, (2, "three")),
]


@pytest.mark.parametrize("value", [v for v in _LIST_CASES if v is not _LIST_CASES[2]])
def test_lists_encode_like_the_element_wise_encoder(value: object) -> None:
    # The JSON fast path must produce exactly what the careful encoder writes (or
    # step aside): compare with each element encoded on its own.
    from runic.falkordb._params import _literal

    assert encode_params({"p": value}) == f"p={_literal(value, 'p', 0)}"


def test_lists_escape_control_characters_the_way_falkordb_reads_them() -> None:
    # JSON writes \t \n \r as escapes where the element-wise encoder sends them
    # raw; FalkorDB reads both (the round-trip test below checks it on the server).
    assert encode_params({"p": _LIST_CASES[2]}) == (
        'p=["tab\\tnew\\nline\\r","quote\\"back\\\\slash","é 漢字 😀","\u2028"]'
    )


@pytest.mark.parametrize("value", _LIST_CASES)
def test_lists_round_trip_through_the_server(driver: FalkorDBDriver, value: object) -> None:
    expected = value if isinstance(value, list) else [1, [2, "three"]]
    assert driver.execute("RETURN $v", {"v": value}).scalar() == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([1, 2**63], "'p[1]' = 9223372036854775808 does not fit"),
        (["ok", "a\x00b"], "'p[1]' contains a NUL character"),
        (["\ud800"], "'p[0]' is not valid Unicode text"),
        ([math.inf], "'p[0]' is inf"),
    ],
)
def test_lists_with_bad_values_still_name_the_element(value: object, message: str) -> None:
    with pytest.raises(QueryBuildError, match=re.escape(message)):
        encode_params({"p": value})
