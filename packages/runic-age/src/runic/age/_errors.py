"""Translation of psycopg / psycopg_pool errors into runic's exceptions."""

from __future__ import annotations

from typing import NoReturn

import psycopg
from psycopg_pool import PoolTimeout, TooManyRequests

from runic.ogm.exceptions import (
    ConnectionFailedError,
    OrmError,
    QueryExecutionError,
    UniqueViolationError,
)

__all__ = ["BACKEND", "is_retryable", "raise_translated", "translate_error"]

BACKEND = "age"

# database does not exist; the server is shutting down or starting
_CONNECTION_STATES = frozenset({"3D000", "57P01", "57P02", "57P03"})


def _hint(message: str, graph: str) -> str:
    """A suggestion for well-known AGE failures ('' when there is none)."""
    lowered = message.lower()
    if "function cypher(" in lowered and "does not exist" in lowered:
        return (
            "the AGE extension is not installed in this database: run CREATE EXTENSION age "
            "(as a superuser), or pass create_graph=True to let the driver do it"
        )
    if f'graph "{graph.lower()}" does not exist' in lowered or (
        "graph" in lowered and "does not exist" in lowered and graph.lower() in lowered
    ):
        return (
            f"create the graph first (SELECT ag_catalog.create_graph('{graph}')), or pass "
            "create_graph=True to the driver"
        )
    if "unhandled cypher(cstring) function call" in lowered:
        return (
            "AGE is not loaded in this session: LOAD 'age' failed (non-superusers may only "
            "load $libdir/plugins/age); preload it with shared_preload_libraries or "
            "session_preload_libraries = 'age'"
        )
    if "return row and column definition list do not match" in lowered:
        return (
            "AGE needs the result columns up front: pass columns=[...] naming each RETURN "
            "item, in order (none for a statement without RETURN)"
        )
    return ""


def is_retryable(exc: BaseException) -> bool:
    """A write lost a race that running it again (after the other side committed) wins.

    AGE creates a label's table on the first write using the label; two
    transactions doing that at once make one fail with ``duplicate_table`` (or
    a unique violation in the catalogs), and creating two labels in opposite
    orders can deadlock.
    """
    if not isinstance(exc, psycopg.Error):
        return False
    state = exc.sqlstate
    if state in ("42P07", "40P01"):
        return True
    if state == "23505":
        constraint = getattr(exc.diag, "constraint_name", None) or ""
        return constraint.startswith(("pg_", "ag_"))
    return False


def _is_connection_error(exc: BaseException) -> bool:
    """Client-side failures and the server's connection/authorization refusals."""
    if not isinstance(exc, psycopg.Error):
        return False
    state = exc.sqlstate
    if state is None:
        return isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)
    return state[:2] in ("08", "28") or state in _CONNECTION_STATES


def translate_error(
    exc: BaseException, *, endpoint: str, graph: str, cypher: str | None
) -> OrmError | None:
    """Return the runic error for a client error, or ``None`` to let it propagate."""
    if isinstance(exc, PoolTimeout | TooManyRequests):
        return ConnectionFailedError(
            f"no pooled PostgreSQL connection to {endpoint} became available ({exc}); "
            "check that the server is running and reachable, raise max_size= or "
            "pool_timeout=, or run fewer statements at once"
        )
    if _is_connection_error(exc):
        text = str(exc).strip()
        hint = "check that PostgreSQL is running and listening there (host=, port=)"
        if "password" in text.lower() or "authentication" in text.lower():
            hint = "check the username= and password= settings"
        elif "database" in text.lower() and "does not exist" in text.lower():
            hint = "check the database= setting"
        return ConnectionFailedError(f"cannot use PostgreSQL at {endpoint}: {text}; {hint}")
    if isinstance(exc, psycopg.Error):
        message = str(exc).strip()
        diag = getattr(exc, "diag", None)
        primary = getattr(diag, "message_primary", None) if diag is not None else None
        if primary:
            message = primary
        hint = _hint(message, graph)
        if hint:
            message = f"{message}; {hint}"
        constraint = getattr(diag, "constraint_name", None) or ""
        if exc.sqlstate == "23505" and not constraint.startswith(("pg_", "ag_")):
            detail = getattr(diag, "message_detail", None) if diag is not None else None
            return UniqueViolationError(
                f"{message} ({detail})" if detail else message, backend=BACKEND, cypher=cypher
            )
        return QueryExecutionError(message, backend=BACKEND, cypher=cypher)
    return None


def raise_translated(
    exc: BaseException, *, endpoint: str, graph: str, cypher: str | None
) -> NoReturn:
    """Raise the runic error for ``exc`` (chained to it), or ``exc`` itself if unknown."""
    mapped = translate_error(exc, endpoint=endpoint, graph=graph, cypher=cypher)
    if mapped is None:
        raise exc
    raise mapped from exc
