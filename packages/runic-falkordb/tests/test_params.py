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
