"""Translation of neo4j driver errors into runic's exceptions.

Every translated error names the backend (``neo4j``, ``memgraph`` or
``arcadedb``) and keeps the server's own message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from neo4j import exceptions as neo4j_errors

from runic.ogm.driver.timeouts import Timeouts, timeout_message
from runic.ogm.exceptions import (
    BackendError,
    ConnectionFailedError,
    OrmError,
    QueryBuildError,
    QueryExecutionError,
    QueryTimeoutError,
    TransactionError,
    TransientError,
    UniqueViolationError,
)

__all__ = [
    "BoltAuthenticationError",
    "BoltSettingsError",
    "DatabaseNotFoundError",
    "ErrorContext",
    "is_transient",
    "raise_translated",
    "translate_error",
]

_DATABASE_NOT_FOUND = "Neo.ClientError.Database.DatabaseNotFound"
_CONSTRAINT_FAILED = "Neo.ClientError.Schema.ConstraintValidationFailed"


class BoltSettingsError(BackendError, ValueError):
    """A Bolt driver setting is invalid (the message names it and what to pass instead)."""


class BoltAuthenticationError(ConnectionFailedError):
    """The server refused the credentials."""


class DatabaseNotFoundError(ConnectionFailedError, LookupError):
    """The database the driver was created for does not exist on the server."""


@dataclass(frozen=True, slots=True)
class ErrorContext:
    """What error messages say about the driver: backend, address, database, user."""

    backend: str
    endpoint: str
    database: str | None
    user: str | None


def is_transient(exc: BaseException) -> bool:
    """A server error the neo4j driver deems retryable (``Neo.TransientError.*``: a
    deadlock, a lock timeout, a conflict); the server rolled the work back."""
    return isinstance(exc, neo4j_errors.Neo4jError) and exc.is_retryable()


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _connecting(exc: BaseException) -> bool:
    return any(getattr(link, "_runic_connecting", False) for link in _chain(exc))


def _timed_out(exc: BaseException) -> bool:
    return any(
        isinstance(link, TimeoutError) or type(link).__name__ == "SocketDeadlineExceededError"
        for link in _chain(exc)
    )


def _server_message(exc: BaseException) -> str:
    if isinstance(exc, neo4j_errors.Neo4jError) and exc.message:
        return str(exc.message)  # the server's own words, without the GQL decoration
    return str(exc)


def _bad_parameter(params: Mapping[str, Any] | None) -> str:
    """Name the first parameter holding a value Bolt cannot send (for messages)."""

    def find(value: Any, path: str) -> str | None:
        if value is None or isinstance(value, (str, bool, float, bytes, bytearray)):
            return None
        if isinstance(value, int):
            return None if -(2**63) <= value < 2**63 else f"{path} (integer out of 64-bit range)"
        if isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                found = find(item, f"{path}[{index}]")
                if found:
                    return found
            return None
        if isinstance(value, Mapping):
            for key, item in value.items():
                if not isinstance(key, str):
                    return f"{path} (map key {key!r} is not a string)"
                found = find(item, f"{path}[{key!r}]")
                if found:
                    return found
            return None
        module = type(value).__module__
        if module in ("datetime",) or module.startswith("neo4j"):
            return None
        return f"{path} ({type(value).__name__})"

    for name, value in (params or {}).items():
        found = find(value, f"${name}")
        if found:
            return found
    return "a parameter"


def _while_connecting(exc: BaseException) -> bool:
    """Whether the neo4j driver failed to open a connection (so nothing was sent)."""
    text = str(exc)
    return "Couldn't connect" in text or "Unable to retrieve routing information" in text


def translate_error(
    exc: BaseException,
    ctx: ErrorContext,
    *,
    cypher: str | None = None,
    params: Mapping[str, Any] | None = None,
    in_transaction: bool = False,
    write: bool = False,
    timeouts: Timeouts | None = None,
) -> OrmError | None:
    """Return the runic error for a neo4j driver error, or ``None`` if it is not one.

    ``in_transaction`` says that ``exc`` ended an explicit transaction (which the
    driver rolled back), so a lost connection is reported as such; ``write`` that
    an auto-commit write may have been sent, whose outcome a lost connection
    leaves unknown.
    """
    backend, where = ctx.backend, f"{ctx.backend} at {ctx.endpoint}"
    message = _server_message(exc)
    limits = timeouts or Timeouts()
    connecting = _connecting(exc) and not isinstance(exc, neo4j_errors.Neo4jError)
    if connecting and _timed_out(exc):
        limit = (
            f" within connect_timeout={limits.connect_timeout:g} s"
            if limits.connect_timeout is not None
            else ""
        )
        return ConnectionFailedError(
            f"[{backend}] cannot open a connection to {where}{limit}: {message}. Check that "
            "the server is running, answering and listening there (host=, port=, "
            "encrypted=); raise connect_timeout= for slow networks"
        )
    if not connecting and _timed_out(exc) and isinstance(exc, neo4j_errors.DriverError | OSError):
        return QueryTimeoutError(
            timeout_message(
                backend,
                backend,
                ctx.endpoint,
                limits.query_timeout,
                in_transaction=in_transaction,
            ),
            backend=backend,
            cypher=cypher,
            timeout=limits.query_timeout,
        )
    if is_transient(exc):
        assert isinstance(exc, neo4j_errors.Neo4jError)
        code = exc.code or type(exc).__name__
        what = (
            "the transaction was rolled back; run it again"
            if in_transaction
            else "the statement was rolled back (and run again up to max_retries= times)"
        )
        return TransientError(
            f"{code}: {message}; {what}", backend=backend, cypher=cypher, code=code
        )
    if isinstance(exc, neo4j_errors.AuthError):
        return BoltAuthenticationError(
            f"[{backend}] authentication with {where} failed for user {ctx.user!r}: {message}; "
            "check the username= and password= settings"
        )
    if isinstance(exc, neo4j_errors.Neo4jError):
        code = exc.code or type(exc).__name__
        if code == _DATABASE_NOT_FOUND:
            return DatabaseNotFoundError(
                f"[{backend}] database {ctx.database!r} does not exist on {where}: {message}; "
                "create it first or pass the name of an existing database as database="
            )
        if code == _CONSTRAINT_FAILED:
            return UniqueViolationError(
                f"{code}: {message} (a unique constraint refused the write)",
                backend=backend,
                cypher=cypher,
            )
        return QueryExecutionError(f"{code}: {message}", backend=backend, cypher=cypher)
    if isinstance(exc, neo4j_errors.IncompleteCommit):
        return TransactionError(
            f"[{backend}] the connection to {where} was lost while committing, so it is "
            f"unknown whether the transaction was committed: {message}"
        )
    if isinstance(exc, (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired)):
        clause = message.strip().rstrip(".")
        if in_transaction:
            return ConnectionFailedError(
                f"[{backend}] the connection to {where} was lost during a transaction: "
                f"{clause}. Nothing of the transaction was committed (the server discards "
                "it); retry the unit of work once the server is reachable"
            )
        if write and not _while_connecting(exc):
            return ConnectionFailedError(
                f"[{backend}] the connection to {where} was lost after a write was sent "
                f"({clause}): the outcome of this write is unknown (it runs in its own "
                "transaction, which may or may not have committed). Read the graph to see "
                "whether it was applied before retrying"
            )
        return ConnectionFailedError(
            f"[{backend}] cannot reach {where}: {clause}. Check that the server is running "
            "and listening there, and the host=, port= and encrypted= settings"
        )
    if isinstance(exc, neo4j_errors.ConnectionAcquisitionTimeoutError):
        return ConnectionFailedError(
            f"[{backend}] no pooled connection to {where} became free in time: {message}; "
            "raise pool_size= or pool_timeout=, or run fewer sessions at once"
        )
    if isinstance(exc, neo4j_errors.ConfigurationError):
        return BoltSettingsError(f"[{backend}] invalid driver configuration: {message}")
    if isinstance(exc, neo4j_errors.DriverError):
        return TransactionError(f"[{backend}] {type(exc).__name__}: {message}")
    if isinstance(exc, (TypeError, ValueError, OverflowError)) and cypher is not None:
        return QueryBuildError(
            f"[{backend}] {_bad_parameter(params)} cannot be sent over Bolt ({message}); "
            "pass None, bool, 64-bit int, float, str, bytes, date/time values, or lists and "
            "string-keyed maps of these"
        )
    if isinstance(exc, OSError):
        return ConnectionFailedError(f"[{backend}] connection to {where} failed: {message}")
    return None


def raise_translated(
    exc: BaseException,
    ctx: ErrorContext,
    *,
    cypher: str | None = None,
    params: Mapping[str, Any] | None = None,
    in_transaction: bool = False,
    write: bool = False,
    timeouts: Timeouts | None = None,
) -> NoReturn:
    """Raise the runic error for ``exc`` (chained to it), or ``exc`` itself if unknown."""
    mapped = translate_error(
        exc,
        ctx,
        cypher=cypher,
        params=params,
        in_transaction=in_transaction,
        write=write,
        timeouts=timeouts,
    )
    if mapped is None:
        raise exc
    raise mapped from exc
