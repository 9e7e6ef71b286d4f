"""Connection settings for a FalkorDB server, and the redis pools built from them."""

from __future__ import annotations

import contextlib
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import parse_qs, unquote, urlsplit

import redis
import redis.asyncio

from runic.ogm.driver.timeouts import DEFAULT_CONNECT_TIMEOUT, DEFAULT_QUERY_TIMEOUT, client_wait
from runic.ogm.exceptions import BackendError

__all__ = ["ConnectionSettings", "FalkorDBSettingsError", "HandshakeTimeout"]

_TCP_SCHEMES = {"falkor": False, "redis": False, "falkors": True, "rediss": True}


class FalkorDBSettingsError(BackendError, ValueError):
    """A FalkorDB connection setting is invalid."""


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """Where and how to connect to a FalkorDB server.

    ``unix_socket_path``, when set, wins over ``host``/``port``. Timeouts are in
    seconds (``None``: no limit): ``connect_timeout`` bounds opening a connection,
    its handshake included (so an unreachable or mute server fails fast),
    ``query_timeout`` bounds one query (the server is asked to abort a read
    running longer; the client gives up waiting for a reply a little later, see
    :func:`runic.ogm.driver.timeouts.client_wait`), ``pool_timeout`` bounds
    waiting for a free pooled connection when all ``max_connections`` are busy.
    """

    host: str = "localhost"
    port: int = 6379
    unix_socket_path: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ssl: bool = False
    ssl_ca_certs: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT
    query_timeout: float | None = DEFAULT_QUERY_TIMEOUT
    max_connections: int = 16
    pool_timeout: float | None = 20.0

    def __post_init__(self) -> None:
        if self.unix_socket_path is None:
            if not isinstance(self.host, str) or not self.host:
                raise FalkorDBSettingsError(
                    f"falkordb setting host={self.host!r} is invalid; pass a host name or "
                    "IP address, or unix_socket_path=..."
                )
            if (
                isinstance(self.port, bool)
                or not isinstance(self.port, int)
                or not (0 < self.port < 65536)
            ):
                raise FalkorDBSettingsError(
                    f"falkordb setting port={self.port!r} is invalid; pass an int in 1..65535"
                )
        for name in ("connect_timeout", "query_timeout", "pool_timeout"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not value > 0):
                raise FalkorDBSettingsError(
                    f"falkordb setting {name}={value!r} is invalid; pass a number of "
                    "seconds > 0, or None for no limit"
                )
        if isinstance(self.max_connections, bool) or not (
            isinstance(self.max_connections, int) and self.max_connections >= 1
        ):
            raise FalkorDBSettingsError(
                f"falkordb setting max_connections={self.max_connections!r} is invalid; "
                "pass an int >= 1"
            )

    @classmethod
    def from_url(cls, url: str, **overrides: Any) -> Self:
        """Parse ``falkor://[user:password@]host[:port]``, ``falkors://...`` (TLS),
        ``redis://``/``rediss://`` or ``unix:///path/to/socket``.
        """
        parts = urlsplit(url)
        values: dict[str, Any] = {}
        if parts.username:
            values["username"] = unquote(parts.username)
        if parts.password:
            values["password"] = unquote(parts.password)
        if parts.scheme == "unix":
            if not parts.path:
                raise FalkorDBSettingsError(f"falkordb url {url!r} has no socket path")
            values["unix_socket_path"] = unquote(parts.path)
            query = parse_qs(parts.query)
            if "password" in query and "password" not in values:
                values["password"] = query["password"][0]
        elif parts.scheme in _TCP_SCHEMES:
            values["host"] = parts.hostname or "localhost"
            try:
                port = parts.port
            except ValueError:
                raise FalkorDBSettingsError(f"falkordb url {url!r} has an invalid port") from None
            values["port"] = port or 6379
            values["ssl"] = _TCP_SCHEMES[parts.scheme]
        else:
            raise FalkorDBSettingsError(
                f"falkordb url {url!r} has scheme {parts.scheme!r}; use falkor://, "
                "falkors://, redis://, rediss:// or unix://"
            )
        values.update(overrides)
        return cls(**values)

    def replace(self, **changes: Any) -> Self:
        """Return a copy with some settings changed."""
        return dataclasses.replace(self, **changes)

    @property
    def endpoint(self) -> str:
        """Human-readable address, for messages: ``host:port`` or ``unix socket PATH``."""
        if self.unix_socket_path is not None:
            return f"unix socket {self.unix_socket_path}"
        return f"{self.host}:{self.port}"

    def _connection_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "username": self.username,
            "password": self.password,
            "socket_connect_timeout": self.connect_timeout,
            # a reply waits at most this long; a timed-out connection is dropped
            "socket_timeout": client_wait(self.query_timeout),
            # FalkorDB's client parses str replies; it needs decoded responses.
            "decode_responses": True,
        }
        if self.unix_socket_path is not None:
            kwargs["path"] = self.unix_socket_path
        else:
            kwargs["host"] = self.host
            kwargs["port"] = self.port
            if self.ssl:
                kwargs.update(
                    ssl_ca_certs=self.ssl_ca_certs,
                    ssl_certfile=self.ssl_certfile,
                    ssl_keyfile=self.ssl_keyfile,
                )
        return kwargs

    def sync_pool(self) -> redis.BlockingConnectionPool:
        """A new blocking pool of ``max_connections`` sync connections.

        No automatic retry: a write whose reply was lost is not sent twice.
        """
        connection_class: type[redis.Connection | redis.UnixDomainSocketConnection]
        if self.unix_socket_path is not None:
            connection_class = redis.UnixDomainSocketConnection
        elif self.ssl:
            connection_class = redis.SSLConnection
        else:
            connection_class = redis.Connection
        return redis.BlockingConnectionPool(  # type: ignore[no-untyped-call]
            connection_class=connection_class,
            max_connections=self.max_connections,
            timeout=self.pool_timeout,
            redis_connect_func=_handshake,
            **self._connection_kwargs(),
        )

    def async_pool(self) -> redis.asyncio.BlockingConnectionPool:
        """A new blocking pool of ``max_connections`` asyncio connections."""
        connection_class: type[redis.asyncio.connection.AbstractConnection]
        if self.unix_socket_path is not None:
            connection_class = redis.asyncio.UnixDomainSocketConnection
        elif self.ssl:
            connection_class = redis.asyncio.SSLConnection
        else:
            connection_class = redis.asyncio.Connection
        return redis.asyncio.BlockingConnectionPool(
            connection_class=connection_class,
            max_connections=self.max_connections,
            timeout=self.pool_timeout,
            redis_connect_func=_async_handshake,
            **self._connection_kwargs(),
        )


class HandshakeTimeout(redis.exceptions.TimeoutError):
    """A new connection's handshake (AUTH, CLIENT SETINFO) got no answer in connect_timeout."""


def _handshake(conn: Any) -> None:
    """Run a new sync connection's handshake within ``connect_timeout``, not query_timeout.

    redis-py reads the handshake's replies with the socket's reply timeout; a
    server that accepts connections but never answers must fail as a connect
    failure, within ``connect_timeout``.
    """
    sock = conn._sock
    sock.settimeout(conn.socket_connect_timeout)
    try:
        conn.on_connect()
    except redis.exceptions.TimeoutError as exc:
        raise HandshakeTimeout(str(exc)) from exc
    finally:
        with contextlib.suppress(OSError):
            sock.settimeout(conn.socket_timeout)


async def _async_handshake(conn: Any) -> None:
    """The asyncio twin of :func:`_handshake` (reads use ``conn.socket_timeout``)."""
    reply_timeout = conn.socket_timeout
    conn.socket_timeout = conn.socket_connect_timeout
    try:
        await conn.on_connect()
    except redis.exceptions.TimeoutError as exc:
        raise HandshakeTimeout(str(exc)) from exc
    finally:
        conn.socket_timeout = reply_timeout
