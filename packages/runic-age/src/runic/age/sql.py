"""The SQL around each Cypher statement: ``SELECT * FROM cypher(...) AS (...)``.

AGE runs Cypher through the ``cypher(graph, query, params)`` set-returning
function. The result columns must be declared up front, so the column list
comes from the compiled statement (``CompiledQuery.columns`` /
``Statement.columns``), never from parsing the Cypher text. A statement that
returns nothing is declared with one placeholder column and yields no rows.

Parameters travel as the third argument: one agtype map, bound server-side as
``%s`` (a JSON text the server parses as agtype). Pure code, no I/O.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from runic.ogm.driver.textcheck import has_long_digit_run
from runic.ogm.exceptions import InvalidIdentifierError, QueryBuildError

__all__ = [
    "NO_RESULT_COLUMN",
    "check_graph_name",
    "encode_params",
    "quote_column",
    "return_columns",
    "wrap_cypher",
]

#: The column declared for statements without ``RETURN``.
NO_RESULT_COLUMN = "_"

# AGE's rule: a letter or underscore, then letters, digits, '_', '.' or '-', ending in a
# letter, digit or '_'; at least three characters. PostgreSQL names hold 63 bytes.
_GRAPH_NAME = re.compile(r"[^\W\d][\w.\-]*\w\Z")
_MIN_GRAPH_NAME = 3
_MAX_NAME_BYTES = 63
_INT64 = (-(2**63), 2**63 - 1)
_MAX_DEPTH = 64


def check_graph_name(name: object) -> str:
    """Return ``name`` if AGE accepts it as a graph name, else raise InvalidIdentifierError."""
    if not isinstance(name, str):
        raise InvalidIdentifierError(
            f"AGE graph name must be a string, got {type(name).__name__}: {name!r}"
        )
    if len(name) < _MIN_GRAPH_NAME:
        raise InvalidIdentifierError(
            f"AGE graph name {name!r} is too short: AGE needs at least "
            f"{_MIN_GRAPH_NAME} characters (e.g. {(name + '_graph')!r})"
        )
    if len(name.encode()) > _MAX_NAME_BYTES:
        raise InvalidIdentifierError(
            f"AGE graph name {name[:20]!r}... is longer than {_MAX_NAME_BYTES} bytes "
            "(PostgreSQL's limit for schema names)"
        )
    if not _GRAPH_NAME.match(name):
        raise InvalidIdentifierError(
            f"AGE graph name {name!r} is invalid: start with a letter or underscore, use "
            "letters, digits, '_', '.' or '-', and end with a letter, digit or '_'"
        )
    return name


def quote_column(name: str) -> str:
    """A SQL identifier for a result column: ``"name"`` (double quotes doubled)."""
    if not isinstance(name, str) or not name or "\x00" in name:
        raise QueryBuildError(f"result column name {name!r} is not usable in SQL")
    return '"' + name.replace('"', '""') + '"'


def _dollar_tag(cypher: str) -> str:
    """``$$``, or ``$runicN$`` when the text itself contains ``$$``-like sequences."""
    if "$$" not in cypher and not cypher.endswith("$"):
        return "$$"
    n = 0
    while f"$runic{n}$" in cypher:
        n += 1
    return f"$runic{n}$"


def wrap_cypher(graph: str, cypher: str, columns: Sequence[str] | None) -> str:
    """The SQL text running ``cypher`` on ``graph``; ``%s`` is the parameter map.

    ``graph`` must already be checked (:func:`check_graph_name`). ``%`` in the
    Cypher text is doubled for psycopg's placeholder syntax.
    """
    if not isinstance(cypher, str) or not cypher.strip():
        raise QueryBuildError("cypher must be a non-empty string")
    if "\x00" in cypher:
        raise QueryBuildError("cypher must not contain NUL characters")
    cols = tuple(columns) if columns else (NO_RESULT_COLUMN,)
    declared = ", ".join(f"{quote_column(c)} agtype" for c in cols)
    tag = _dollar_tag(cypher)
    body = cypher.replace("%", "%%")
    return f"SELECT * FROM cypher('{graph}', {tag} {body} {tag}, %s) AS ({declared})"


# -- parameters -----------------------------------------------------------------------


def encode_params(params: Mapping[str, Any] | None) -> str:
    """The agtype text of the parameter map (``{}`` when there are none).

    Accepts ``None``, ``bool``, 64-bit ``int``, ``float`` (NaN and infinities too),
    :class:`~decimal.Decimal` (sent as ``numeric``), ``str`` (no NUL) and
    lists, tuples and string-keyed dicts of those; anything else raises
    :class:`QueryBuildError` naming the parameter.
    """
    if not params:
        return "{}"
    if not isinstance(params, Mapping):
        raise QueryBuildError(f"params must be a mapping of names to values, got {params!r}")
    try:
        text = json.dumps(
            params,
            ensure_ascii=False,
            allow_nan=False,
            default=_refuse,
            check_circular=False,
            separators=(",", ":"),
        )
    except (_SpecialValueError, ValueError, TypeError, RecursionError):
        pass  # something json cannot say, or a bad value: the careful encoder decides
    else:
        # suspect: a digit run that may overflow int64, an escaped NUL, or text that
        # is not valid UTF-8 (a lone surrogate): the careful encoder names the value
        if "\\u0000" not in text:
            try:
                data = text.encode("utf-8")
            except UnicodeEncodeError:
                data = None
            if data is not None and not has_long_digit_run(data):
                return text
    parts = []
    for name, value in params.items():
        if not isinstance(name, str):
            raise QueryBuildError(f"query parameter names must be strings, got {name!r}")
        parts.append(f"{json.dumps(name, ensure_ascii=False)}:{_encode(value, name, 0)}")
    return "{" + ",".join(parts) + "}"


class _SpecialValueError(Exception):
    """Raised by the fast encoder for values it cannot write as JSON."""


def _refuse(value: Any) -> Any:
    raise _SpecialValueError


def _encode(value: Any, where: str, depth: int) -> str:
    if depth > _MAX_DEPTH:
        raise QueryBuildError(f"query parameter {where!r} is nested too deeply (or circular)")
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise QueryBuildError(
                f"query parameter {where!r}: {value} does not fit in AGE's 64-bit integers"
            )
        return str(int(value))
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    if isinstance(value, Decimal):
        if not value.is_finite() and not value.is_nan():
            raise QueryBuildError(
                f"query parameter {where!r}: AGE's numeric has no infinity ({value})"
            )
        return f"{value:f}::numeric"
    if isinstance(value, str):
        if "\x00" in value:
            raise QueryBuildError(
                f"query parameter {where!r} contains a NUL character, which PostgreSQL cannot store"
            )
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise QueryBuildError(
                f"query parameter {where!r} is not valid Unicode text ({exc.reason} at "
                f"position {exc.start}); PostgreSQL stores UTF-8 text only"
            ) from None
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return (
            "["
            + ",".join(_encode(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value))
            + "]"
        )
    if isinstance(value, Mapping):
        items = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise QueryBuildError(
                    f"query parameter {where!r}: map keys must be strings, got {key!r}"
                )
            encoded = _encode(item, f"{where}.{key}", depth + 1)
            items.append(f"{json.dumps(key, ensure_ascii=False)}:{encoded}")
        return "{" + ",".join(items) + "}"
    raise QueryBuildError(
        f"query parameter {where!r} has a {type(value).__name__} value ({value!r}) that AGE "
        "cannot take; convert it first (e.g. with a field converter) to a string, number, "
        "boolean, list or map"
    )


# -- result columns of hand-written Cypher -------------------------------------------------

_OPEN = "([{"
_CLOSE = ")]}"
_STOP_WORDS = frozenset({"order", "skip", "limit", "union"})


def _top_level(cypher: str) -> tuple[str, list[tuple[str, int, int]], list[int]]:
    """The text with comments blanked out, and its words (lower-cased, with their span)
    and commas outside strings, comments and brackets."""
    text = list(cypher)
    words: list[tuple[str, int, int]] = []
    commas: list[int] = []
    depth = 0
    i, n = 0, len(cypher)
    while i < n:
        char = cypher[i]
        if char in "'\"`":
            end = i + 1
            while end < n and cypher[end] != char:
                end += 2 if cypher[end] == "\\" and char != "`" else 1
            i = end + 1
        elif cypher.startswith("//", i):
            end = cypher.find("\n", i)
            end = n if end < 0 else end
            text[i:end] = " " * (end - i)
            i = end
        elif cypher.startswith("/*", i):
            end = cypher.find("*/", i + 2)
            end = n if end < 0 else end + 2
            text[i:end] = " " * (end - i)
            i = end
        elif char in _OPEN:
            depth += 1
            i += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
            i += 1
        elif char == "," and depth == 0:
            commas.append(i)
            i += 1
        elif char.isalpha() or char == "_":
            start = i
            while i < n and (cypher[i].isalnum() or cypher[i] == "_"):
                i += 1
            if depth == 0 and (start == 0 or cypher[start - 1] not in ".$"):
                words.append((cypher[start:i].lower(), start, i))
        else:
            i += 1
    return "".join(text), words, commas


def _column_name(item: str, words: list[tuple[str, int, int]], offset: int) -> str:
    """The column of one ``RETURN`` item: its alias, else its text (as openCypher names it)."""
    aliases = [w for w in words if w[0] == "as" and offset <= w[1] < offset + len(item)]
    if aliases:
        alias = item[aliases[-1][2] - offset :].strip()
        if alias.startswith("`") and alias.endswith("`") and len(alias) > 1:
            return alias[1:-1].replace("``", "`")
        return alias
    if item.strip() == "*":
        raise QueryBuildError(
            "AGE needs the result columns up front and cannot expand RETURN *: name the "
            "returned items, or pass columns=[...]"
        )
    return item.strip()


def return_columns(cypher: str) -> tuple[str, ...]:
    """The result columns of hand-written Cypher, read from its last top-level ``RETURN``.

    Only for statements that come without a column list (raw Cypher run without
    ``columns=``); compiled statements always carry theirs. Each item's name is
    its alias, or its text when it has none. ``()`` when there is no ``RETURN``.
    """
    cypher, words, commas = _top_level(cypher)
    starts = [w for w in words if w[0] == "return"]
    if not starts:
        return ()
    begin = starts[-1][2]
    end = len(cypher)
    items_words = [w for w in words if w[1] >= begin]
    if items_words and items_words[0][0] == "distinct":
        begin = items_words[0][2]
    for word in items_words:
        if word[0] in _STOP_WORDS:
            end = word[1]
            break
    cuts = [c for c in commas if begin < c < end]
    bounds = [begin, *(c + 1 for c in cuts)]
    ends = [*cuts, end]
    names = []
    for lo, hi in zip(bounds, ends, strict=True):
        item = cypher[lo:hi]
        if not item.strip() or item.strip() == ";":
            continue
        names.append(_column_name(item.rstrip().rstrip(";"), words, lo))
    return tuple(names)
