"""Encoding of query parameters into FalkorDB's ``CYPHER name=value ...`` header.

FalkorDB receives parameters as literals in a header in front of the query text;
the server parses them as parameters and caches the plan by the text after the
header, so the query text stays stable whatever the values are.

The encoder accepts ``None``, ``bool``, ``int`` (64-bit), finite ``float``,
``str`` (without NUL), and lists/tuples/dicts of those. Anything else raises
:class:`~runic.ogm.exceptions.QueryBuildError` naming the parameter: converting
dates, enums, vectors or points is the job of the model's type converters and
the dialect (``vecf32($p)``, ``point($p)``), not of the driver.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from runic.ogm.driver.textcheck import has_long_digit_run
from runic.ogm.exceptions import QueryBuildError

__all__ = ["encode_params", "params_header"]

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_MAX_DEPTH = 64
# JSON's text for lists of plain values is also FalkorDB's literal for them, as long
# as no string needed a \uXXXX escape (FalkorDB reads \n, \t, \r, \b, \f, \" and
# \\ only), no map is inside (FalkorDB map keys are not quoted) and every integer
# fits in 64 bits (a run of 19 or more digits is checked by the careful encoder).
_JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def params_header(params: Mapping[str, Any] | None) -> str:
    """Return the ``CYPHER ...`` header for ``params`` (empty when there are none)."""
    if not params:
        return ""
    return "CYPHER " + encode_params(params) + " "


def encode_params(params: Mapping[str, Any]) -> str:
    """Render ``params`` as space-separated ``name=literal`` pairs."""
    parts: list[str] = []
    for name, value in params.items():
        if not isinstance(name, str) or not _PARAM_NAME.match(name):
            raise QueryBuildError(
                f"query parameter name {name!r} is not valid for falkordb; "
                "use a letter or underscore followed by letters, digits or underscores"
            )
        kind = type(value)
        text = _json_literal(value) if kind is list or kind is tuple else None
        if text is not None:
            parts.append(f"{name}={text}")
            continue
        try:
            parts.append(f"{name}={_fast(value)}")
        except (_NeedsCheckError, RecursionError):
            # Something unusual: the careful encoder names the offending value.
            parts.append(f"{name}={_literal(value, name, 0)}")
    return " ".join(parts)


def _json_literal(value: list[Any] | tuple[Any, ...]) -> str | None:
    """The literal of a list of plain values through the C JSON encoder, or ``None``.

    ``None`` means "not sure": the list holds something JSON writes differently from
    FalkorDB (maps, escapes, big integers, text that is not valid UTF-8, values JSON
    cannot write at all), and the element-wise encoders take over.
    """
    try:
        text = _JSON.encode(value)
    except (TypeError, ValueError, RecursionError):
        return None
    if "{" in text or "\\u" in text:
        return None
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    if has_long_digit_run(data):
        return None
    return text


class _NeedsCheckError(Exception):
    """Raised by the fast encoder for anything it does not handle itself."""


def _fast(value: Any) -> str:
    """Encode common values quickly; raise :class:`_NeedsCheckError` for anything else.

    Flushes send lists of many rows, so this path avoids building the element
    paths the careful encoder keeps for its error messages.
    """
    kind = type(value)
    if kind is str:
        if "\x00" in value or not (value.isascii() or _utf8(value)):
            raise _NeedsCheckError
        text: str = value
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if kind is int:
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise _NeedsCheckError
        return str(value)
    if kind is float:
        if not math.isfinite(value):
            raise _NeedsCheckError
        return repr(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is list or kind is tuple:
        return "[" + ",".join(map(_fast, value)) + "]"
    if kind is dict:
        entries = []
        for key, item in value.items():
            if type(key) is not str or not key or "`" in key or "\x00" in key:
                raise _NeedsCheckError
            entries.append(f"`{key}`:{_fast(item)}")
        return "{" + ",".join(entries) + "}"
    raise _NeedsCheckError


def _utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refused(path: str, value: Any, problem: str) -> QueryBuildError:
    """The error for a value falkordb cannot take, carrying where it is structurally.

    ``parameter`` (the path, e.g. ``w0[5][5]``), ``value`` and ``problem`` (the
    message after the path) let the session name the entity and field instead.
    """
    error = QueryBuildError(f"query parameter {path!r}{problem}")
    error.parameter = path  # type: ignore[attr-defined]
    error.value = value  # type: ignore[attr-defined]
    error.problem = problem  # type: ignore[attr-defined]
    return error


def _literal(value: Any, path: str, depth: int) -> str:
    if depth > _MAX_DEPTH:
        raise _refused(
            path,
            value,
            f" is nested more than {_MAX_DEPTH} levels deep (a self-referencing list or dict?)",
        )
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise _refused(
                path,
                value,
                f" = {value} does not fit in a 64-bit integer, the largest integer falkordb "
                "stores; store it as a string or a float",
            )
        return str(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _refused(
                path,
                value,
                f" is {value!r}; falkordb cannot take NaN or infinite values as parameters: "
                "store None or a sentinel instead",
            )
        return repr(float(value))
    if isinstance(value, str):
        return _string(value, path)
    if isinstance(value, list | tuple):
        items = (_literal(v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value))
        return "[" + ",".join(items) + "]"
    if isinstance(value, Mapping):
        entries = []
        for key, item in value.items():
            if not isinstance(key, str) or not key or "`" in key or "\x00" in key:
                raise _refused(
                    path,
                    value,
                    f" has map key {key!r}; falkordb map keys must be non-empty strings "
                    "without backticks or NUL characters",
                )
            entries.append(f"`{key}`:{_literal(item, f'{path}.{key}', depth + 1)}")
        return "{" + ",".join(entries) + "}"
    raise _refused(
        path,
        value,
        f" has type {type(value).__name__}, which falkordb cannot take as a parameter; "
        "convert it to None, bool, int, float, str, list or dict first (model fields do "
        "this through their type converters)",
    )


def _string(value: str, path: str) -> str:
    if "\x00" in value:
        raise _refused(
            path,
            value,
            " contains a NUL character, which falkordb cannot store in a string; remove it "
            "or encode the value (e.g. base64)",
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _refused(
            path,
            value,
            f" is not valid Unicode text ({exc.reason} at position {exc.start}); falkordb "
            "stores UTF-8 strings only",
        ) from None
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
