"""Validation and escaping of Cypher identifiers.

Labels, relationship types, property names and variable names (aliases) cannot be
sent as parameters, so they are validated here and backtick-escaped when rendered.
Values never pass through this module: they always travel as query parameters.

Rules:

* an identifier is a non-empty ``str`` of at most 256 characters;
* it must not contain control characters (``\\x00``-``\\x1f``, ``\\x7f``), nor a
  backtick: rejecting backticks keeps escaping trivially correct on every backend;
* aliases (query variables) are stricter: ``[A-Za-z_][A-Za-z0-9_]*``, because
  they also appear in result column names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from runic.ogm.exceptions import InvalidIdentifierError

__all__ = [
    "MAX_IDENTIFIER_LENGTH",
    "escape",
    "validate_alias",
    "validate_identifier",
]

MAX_IDENTIFIER_LENGTH = 256

_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f`]")
_ALIAS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def validate_identifier(name: object, kind: str = "identifier") -> str:
    """Return ``name`` if it is a safe label, type or property name, else raise.

    ``kind`` names what is being checked (e.g. ``"label"``) for the error message.
    """
    if not isinstance(name, str):
        raise InvalidIdentifierError(
            f"{kind} must be a string, got {type(name).__name__}: {name!r}"
        )
    if not name:
        raise InvalidIdentifierError(f"{kind} must not be empty")
    if len(name) > MAX_IDENTIFIER_LENGTH:
        raise InvalidIdentifierError(
            f"{kind} {name[:40]!r}... is longer than {MAX_IDENTIFIER_LENGTH} characters"
        )
    if _FORBIDDEN.search(name):
        raise InvalidIdentifierError(
            f"{kind} {name!r} contains a backtick or control character; "
            "use letters, digits, underscores or other printable characters"
        )
    return name


def validate_alias(name: object) -> str:
    """Return ``name`` if it is a valid query variable name, else raise."""
    if not isinstance(name, str) or not _ALIAS.match(name):
        raise InvalidIdentifierError(
            f"alias {name!r} is not a valid variable name; "
            "use a letter or underscore followed by letters, digits or underscores"
        )
    return name


@lru_cache(maxsize=4096)
def escape(name: str) -> str:
    """Render a validated identifier for Cypher, always backtick-quoted.

    Quoting every identifier (not only unusual ones) keeps the rendering rule
    uniform and protects against reserved words such as ``match`` or ``order``.
    """
    validate_identifier(name)
    return f"`{name}`"


def is_plain(name: str) -> bool:
    """True when ``name`` needs no quoting at all (letters, digits, underscore)."""
    return _PLAIN.match(name) is not None
