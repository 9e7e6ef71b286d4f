"""Database URLs: ``<backend>://[user[:password]@][host][:port][/name][?key=value...]``.

The scheme names the backend (``falkordb``, ``arcadedb``, ``neo4j``, ``memgraph``,
``age``, or an alias); the backend's plugin parses the rest (its
``BackendSpec.parse_url``, usually :func:`parse_url` with the keyword the path
fills: ``graph`` for FalkorDB, ``database`` for the others). Query parameters
become keyword arguments (strings; ``port`` an integer).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from runic.ogm.exceptions import BackendError

__all__ = ["InvalidURLError", "parse_url", "url_scheme"]


class InvalidURLError(BackendError, ValueError):
    """A database URL cannot be parsed (the message says which part and why)."""


def url_scheme(url: str) -> str | None:
    """The scheme of ``url`` (``"falkordb"`` for ``falkordb://...``), or None for a name."""
    head, sep, _rest = url.partition("://")
    return head if sep and head else None


def parse_url(url: str, *, path_key: str) -> dict[str, Any]:
    """Keyword arguments for a driver factory from ``url`` (only the parts present).

    ``path_key`` names the keyword the URL path fills (``/myapp`` -> ``graph="myapp"``).
    """
    shown = _redacted(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidURLError(f"cannot parse database URL {shown}: {exc}") from None
    kwargs: dict[str, Any] = {}
    if parts.hostname:
        kwargs["host"] = parts.hostname
    if port is not None:
        kwargs["port"] = port
    if parts.username:
        kwargs["username"] = unquote(parts.username)
    if parts.password is not None:
        kwargs["password"] = unquote(parts.password)
    path = unquote(parts.path.lstrip("/"))
    if "/" in path:
        raise InvalidURLError(
            f"database URL {shown}: the path must be one name (the {path_key}), got {path!r}"
        )
    if path:
        kwargs[path_key] = path
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key in kwargs or key == "port":
            raise InvalidURLError(f"database URL {shown}: {key!r} is given twice")
        kwargs[key] = value
    return kwargs


def _redacted(url: str) -> str:
    """``url`` with any password replaced by ``***`` (for messages)."""
    head, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if not at or ":" not in creds:
        return url
    return f"{head}{sep}{creds.split(':', 1)[0]}:***@{host}"
