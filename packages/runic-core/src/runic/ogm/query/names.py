"""Rules for the names a statement introduces: aliases (variables) and result columns.

Aliases are rendered *unquoted* (they become result column names), so they must
be plain words (:func:`runic.ogm.identifiers.validate_alias`) and must not be a
Cypher keyword. Names starting with ``__`` are reserved for variables runic
generates itself. Result columns (``AS name``) are backtick-escaped identifiers.
"""

from __future__ import annotations

import re
from functools import lru_cache

from runic.ogm.exceptions import InvalidIdentifierError
from runic.ogm.identifiers import MAX_IDENTIFIER_LENGTH, validate_alias, validate_identifier

__all__ = ["RESERVED_WORDS", "check_alias", "check_column", "raw_column"]

#: openCypher keywords (and a few widely reserved words) refused as aliases.
RESERVED_WORDS: frozenset[str] = frozenset(
    {
        "ALL",
        "AND",
        "ANY",
        "AS",
        "ASC",
        "ASCENDING",
        "BY",
        "CALL",
        "CASE",
        "CONSTRAINT",
        "CONTAINS",
        "COUNT",
        "CREATE",
        "DELETE",
        "DESC",
        "DESCENDING",
        "DETACH",
        "DISTINCT",
        "DO",
        "DROP",
        "ELSE",
        "END",
        "ENDS",
        "EXISTS",
        "EXTRACT",
        "FALSE",
        "FILTER",
        "FOR",
        "FROM",
        "IN",
        "INDEX",
        "IS",
        "LIMIT",
        "LOAD",
        "MANDATORY",
        "MATCH",
        "MERGE",
        "NONE",
        "NOT",
        "NULL",
        "OF",
        "ON",
        "OPTIONAL",
        "OR",
        "ORDER",
        "REDUCE",
        "REMOVE",
        "REQUIRE",
        "RETURN",
        "SCALAR",
        "SET",
        "SINGLE",
        "SKIP",
        "STARTS",
        "THEN",
        "TRUE",
        "UNION",
        "UNIQUE",
        "UNWIND",
        "USING",
        "WHEN",
        "WHERE",
        "WITH",
        "XOR",
        "YIELD",
    }
)

_RAW_AS = re.compile(r"\s+AS\s+(?:`([^`]+)`|([A-Za-z_][A-Za-z0-9_]*))\s*\Z", re.IGNORECASE)


@lru_cache(maxsize=1024)
def check_alias(name: str, *, internal: bool = False) -> str:
    """Return ``name`` if it can be used as a query variable, else raise.

    ``internal=True`` allows the ``__`` prefix that runic keeps for the variables
    it generates.
    """
    validate_alias(name)
    if len(name) > MAX_IDENTIFIER_LENGTH:
        raise InvalidIdentifierError(
            f"alias {name[:40]!r}... is longer than {MAX_IDENTIFIER_LENGTH} characters"
        )
    if name.upper() in RESERVED_WORDS:
        raise InvalidIdentifierError(
            f"alias {name!r} is a Cypher keyword; choose another variable name"
        )
    if name.startswith("__") and not internal:
        raise InvalidIdentifierError(
            f"alias {name!r} starts with '__', which runic reserves for generated variables"
        )
    return name


def check_column(name: str) -> str:
    """Return ``name`` if it can name a result column (``AS `name```), else raise."""
    return validate_identifier(name, "result column name")


def raw_column(text: str) -> str:
    """The column name a server reports for a raw projection ``text``.

    ``"n.city"`` -> ``"n.city"``; ``"n.city AS city"`` -> ``"city"``.
    """
    match = _RAW_AS.search(text)
    if match is None:
        return text.strip()
    return match.group(1) or match.group(2)
