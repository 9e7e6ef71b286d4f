"""Translation of psycopg / psycopg_pool errors into runic's exceptions."""

from __future__ import annotations

from typing import NoReturn

import psycopg
from psycopg_pool import PoolTimeout, TooManyRequests

from runic.ogm.driver.timeouts import timeout_message
from runic.ogm.exceptions import (
    ConnectionFailedError,
    OrmError,
    QueryExecutionError,
    QueryTimeoutError,
    TransientError,
    UniqueViolationError,
)

__all__ = [
    "BACKEND",
    "StatementTimeout",
    "is_label_race",
    "is_retryable",
    "is_transient",
    "raise_translated",
    "translate_error",
]

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


class StatementTimeout(psycopg.OperationalError):
    """No answer from the server within the client-side wait (the connection is closed)."""


#: serialization_failure, deadlock_detected: the transaction was rolled back and
#: running it again may succeed.
_TRANSIENT_STATES = frozenset({"40001", "40P01"})
#: query_canceled; its message says when statement_timeout was the reason.
_CANCELED = "57014"


def is_label_race(exc: BaseException) -> bool:
    """A write lost a race that running it again (after the other side committed) wins.

    AGE creates a label's table on the first write using the label; two
    transactions doing that at once make one fail with ``duplicate_table`` (or
    a unique violation in the catalogs).
    """
    if not isinstance(exc, psycopg.Error):
        return False
    state = exc.sqlstate
    if state == "42P07":
        return True
    if state == "23505":
        constraint = getattr(exc.diag, "constraint_name", None) or ""
        return constraint.startswith(("pg_", "ag_"))
    return False


def is_transient(exc: BaseException) -> bool:
    """A deadlock or serialization failure: the server undid the work; it may be run again.

    (Creating two labels in opposite orders in two transactions deadlocks too.)
    """
    return isinstance(exc, psycopg.Error) and exc.sqlstate in _TRANSIENT_STATES


def is_retryable(exc: BaseException) -> bool:
    """:func:`is_label_race` or :func:`is_transient`."""
    return is_label_race(exc) or is_transient(exc)


def _is_statement_timeout(exc: BaseException) -> bool:
    return (
        isinstance(exc, psycopg.Error)
        and exc.sqlstate == _CANCELED
        and "statement timeout" in str(exc).lower()
    )


def _is_connection_error(exc: BaseException) -> bool:
    """Client-side failures and the server's connection/authorization refusals."""
    if not isinstance(exc, psycopg.Error):
        return False
    state = exc.sqlstate
    if state is None:
        return isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError)
    return state[:2] in ("08", "28") or state in _CONNECTION_STATES


def translate_error(
    exc: BaseException,
    *,
    endpoint: str,
    graph: str,
    cypher: str | None,
    query_timeout: float | None = None,
    in_transaction: bool = False,
    committing: bool = False,
) -> OrmError | None:
    """Return the runic error for a client error, or ``None`` to let it propagate.

    ``in_transaction`` says ``exc`` ended an explicit transaction; ``committing``
    that it ended a COMMIT, so a lost connection leaves the transaction's outcome
    unknown.
    """
    if isinstance(exc, StatementTimeout):
        return QueryTimeoutError(
            timeout_message(
                BACKEND, "PostgreSQL", endpoint, query_timeout, in_transaction=in_transaction
            ),
            backend=BACKEND,
            cypher=cypher,
            timeout=query_timeout,
        )
    if _is_statement_timeout(exc):
        limit = f"query_timeout={query_timeout:g} s" if query_timeout else "statement_timeout"
        ended = " and the transaction was rolled back" if in_transaction else ""
        return QueryTimeoutError(
            f"PostgreSQL at {endpoint} cancelled the statement after {limit} "
            f"(nothing of it was applied{ended}); raise query_timeout= (None: no limit) "
            "for longer statements",
            backend=BACKEND,
            cypher=cypher,
            timeout=query_timeout,
        )
    if is_transient(exc):
        assert isinstance(exc, psycopg.Error)
        primary = getattr(exc.diag, "message_primary", None) or str(exc).strip()
        what = (
            "the transaction was rolled back; run it again"
            if in_transaction
            else ("the statement was rolled back (and run again up to max_retries= times)")
        )
        return TransientError(
            f"{primary} ({exc.sqlstate}): {what}",
            backend=BACKEND,
            cypher=cypher,
            code=exc.sqlstate,
        )
    if isinstance(exc, PoolTimeout | TooManyRequests):
        return ConnectionFailedError(
            f"no pooled PostgreSQL connection to {endpoint} became available ({exc}); "
            "check that the server is running and reachable, raise pool_size= or "
            "pool_timeout=, or run fewer statements at once"
        )
    if _is_connection_error(exc):
        # libpq's message spans lines ("...: Connection refused\n\tIs the server ..."):
        # one line, its sentences ended once, no final period before runic's "; ".
        lines = [line.strip().rstrip(".") for line in str(exc).splitlines() if line.strip()]
        text = ". ".join(lines)
        if committing and getattr(exc, "sqlstate", None) is None:
            return ConnectionFailedError(
                f"the connection to PostgreSQL at {endpoint} was lost while committing "
                f"({text}): the outcome of this write is unknown (the transaction "
                "may or may not have committed). Read the graph to see whether it was applied "
                "before retrying"
            )
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
    exc: BaseException,
    *,
    endpoint: str,
    graph: str,
    cypher: str | None,
    query_timeout: float | None = None,
    in_transaction: bool = False,
    committing: bool = False,
) -> NoReturn:
    """Raise the runic error for ``exc`` (chained to it), or ``exc`` itself if unknown."""
    mapped = translate_error(
        exc,
        endpoint=endpoint,
        graph=graph,
        cypher=cypher,
        query_timeout=query_timeout,
        in_transaction=in_transaction,
        committing=committing,
    )
    if mapped is None:
        raise exc
    raise mapped from exc
