"""Factories with the documented signatures: ``create_driver("neo4j", host=..., ...)``.

Each builds a ``bolt://host:port`` URI (``neo4j://`` with ``routing=True``), the
``(username, password)`` auth and the backend's dialect. ``uri=`` may be given
instead of ``host``/``port``; ``pool_size`` / ``pool_timeout`` are the neo4j driver's
``max_connection_pool_size`` / ``connection_acquisition_timeout``; other keywords go to
the neo4j driver (``connection_timeout``, ``trusted_certificates``, ...).

The six per-backend factories (``create_neo4j_driver`` ... ``create_async_arcadedb_driver``)
are written out rather than generated from a table on purpose: each is a public,
typed signature whose default user differs (``"neo4j"``, none, ``"root"``), and a
generated callable would show type checkers, ``help()`` and the registry's keyword
check (which reads signatures) a sentinel instead of that default. They hold no logic:
each passes its arguments to :func:`create_bolt_driver` / :func:`create_async_bolt_driver`.
"""

from __future__ import annotations

from typing import Any, TypeVar

from runic.bolt._errors import BoltSettingsError
from runic.bolt.async_driver import AsyncBoltDriver
from runic.bolt.dialect import ArcadeDBDialect, BoltDialect, MemgraphDialect, Neo4jDialect
from runic.bolt.driver import BoltDriver
from runic.ogm.driver.pool import put_pool_setting
from runic.ogm.driver.timeouts import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RETRIES,
    DEFAULT_QUERY_TIMEOUT,
    DEFAULT_RETRY_BACKOFF,
)

__all__ = [
    "DEFAULT_PORT",
    "DIALECTS",
    "create_arcadedb_driver",
    "create_async_arcadedb_driver",
    "create_async_bolt_driver",
    "create_async_memgraph_driver",
    "create_async_neo4j_driver",
    "create_bolt_driver",
    "create_memgraph_driver",
    "create_neo4j_driver",
    "dialect_for",
]

DEFAULT_PORT = 7687

#: The dialect class of each Bolt backend, by registry name.
DIALECTS: dict[str, type[BoltDialect]] = {
    "neo4j": Neo4jDialect,
    "memgraph": MemgraphDialect,
    "arcadedb": ArcadeDBDialect,
}

_DriverT = TypeVar("_DriverT", BoltDriver, AsyncBoltDriver)


def dialect_for(backend: str) -> BoltDialect:
    """A new dialect for ``"neo4j"``, ``"memgraph"`` or ``"arcadedb"``."""
    cls = DIALECTS.get(str(backend).strip().lower())
    if cls is None:
        raise BoltSettingsError(
            f"unknown Bolt backend {backend!r}; use one of {', '.join(DIALECTS)}"
        )
    return cls()


def _uri(backend: str, host: str | None, port: int | None, uri: str | None, routing: bool) -> str:
    if uri is not None:
        if host is not None or port is not None:
            raise BoltSettingsError(f"[{backend}] pass either uri= or host=/port=, not both")
        if routing:
            raise BoltSettingsError(
                f"[{backend}] routing=True only applies to host=/port=; with uri= choose the "
                "neo4j:// scheme instead"
            )
        return uri
    host = "localhost" if host is None else host
    if not isinstance(host, str) or not host or "/" in host:
        raise BoltSettingsError(f"[{backend}] host must be a host name or address, got {host!r}")
    port = DEFAULT_PORT if port is None else port
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        raise BoltSettingsError(f"[{backend}] port must be an integer 1-65535, got {port!r}")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # IPv6 literal
    scheme = "neo4j" if routing else "bolt"
    return f"{scheme}://{host}:{port}"


def _pool_config(
    backend: str,
    config: dict[str, Any],
    pool_size: int | None,
    pool_timeout: float | None,
    pool_min: None,
) -> None:
    """Map runic's pool keywords to the neo4j driver's configuration."""
    name = str(backend).strip().lower()
    put_pool_setting(
        name, config, "pool_size", pool_size, "max_connection_pool_size", error=BoltSettingsError
    )
    put_pool_setting(
        name,
        config,
        "pool_timeout",
        pool_timeout,
        "connection_acquisition_timeout",
        error=BoltSettingsError,
    )
    put_pool_setting(
        name,
        config,
        "pool_min",
        pool_min,
        None,
        error=BoltSettingsError,
        unsupported="the neo4j driver opens pooled connections on demand and keeps no minimum",
    )


def _auth(username: str | None, password: str | None) -> tuple[str, str] | None:
    if not username and not password:
        return None  # no authentication (e.g. a default Memgraph)
    return (username or "", password or "")


def _timeouts(
    connect_timeout: float | None, query_timeout: float | None, max_retries: int, backoff: float
) -> dict[str, Any]:
    return {
        "connect_timeout": connect_timeout,
        "query_timeout": query_timeout,
        "max_retries": max_retries,
        "retry_backoff": backoff,
    }


def _build(
    cls: type[_DriverT],
    backend: str,
    host: str | None,
    port: int | None,
    database: str | None,
    username: str | None,
    password: str | None,
    encrypted: bool | None,
    uri: str | None,
    routing: bool,
    config: dict[str, Any],
    timeouts: dict[str, Any],
) -> _DriverT:
    dialect = dialect_for(backend)
    if backend == "arcadedb" and database is None:
        raise BoltSettingsError(
            "[arcadedb] database= is required: ArcadeDB has no default database over Bolt "
            "(create one with ArcadeDB's HTTP API or console, e.g. 'create database MyDB')"
        )
    target = _uri(dialect.name, host, port, uri, routing)
    return cls(
        target,
        _auth(username, password),
        database,
        dialect,
        encrypted=encrypted,
        **timeouts,
        **config,
    )


def create_bolt_driver(
    backend: str,
    host: str | None = None,
    port: int | None = None,
    database: str | None = None,
    username: str | None = None,
    password: str | None = None,
    encrypted: bool | None = None,
    *,
    uri: str | None = None,
    routing: bool = False,
    connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
    query_timeout: float | None = DEFAULT_QUERY_TIMEOUT,
    max_retries: int = DEFAULT_MAX_RETRIES,
    retry_backoff: float = DEFAULT_RETRY_BACKOFF,
    pool_size: int | None = None,
    pool_timeout: float | None = None,
    pool_min: None = None,
    **config: Any,
) -> BoltDriver:
    """A :class:`BoltDriver` for ``backend`` (``"neo4j"``, ``"memgraph"`` or ``"arcadedb"``).

    ``host`` defaults to ``localhost`` and ``port`` to 7687. ``database=None``
    uses the server's default database (ArcadeDB requires a name).
    ``encrypted=True`` turns TLS on (certificates checked against the system CAs
    unless ``trusted_certificates=`` says otherwise); the default is no TLS, or
    what the scheme of ``uri=`` says (``bolt+s://``). ``routing=True`` uses the
    ``neo4j://`` scheme for clusters. No connection is opened until the first
    statement (or :meth:`BoltDriver.ping`). ``connect_timeout`` (10 s) bounds
    opening a connection, ``query_timeout`` (60 s) waiting for a statement's
    answer (``None`` disables either); an auto-commit :meth:`BoltDriver.execute`
    refused with a transient error (``Neo.TransientError.*``) runs again up to
    ``max_retries`` times after ``retry_backoff`` seconds (doubled each time).
    ``pool_size`` (the neo4j driver's default: 100) caps the pooled connections,
    ``pool_timeout`` (its default: 60 s) bounds waiting for a free one;
    ``pool_min`` is refused (the neo4j driver keeps no minimum).
    """
    _pool_config(backend, config, pool_size, pool_timeout, pool_min)
    return _build(
        BoltDriver,
        backend,
        host,
        port,
        database,
        username,
        password,
        encrypted,
        uri,
        routing,
        config,
        _timeouts(connect_timeout, query_timeout, max_retries, retry_backoff),
    )


def create_async_bolt_driver(
    backend: str,
    host: str | None = None,
    port: int | None = None,
    database: str | None = None,
    username: str | None = None,
    password: str | None = None,
    encrypted: bool | None = None,
    *,
    uri: str | None = None,
    routing: bool = False,
    connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
    query_timeout: float | None = DEFAULT_QUERY_TIMEOUT,
    max_retries: int = DEFAULT_MAX_RETRIES,
    retry_backoff: float = DEFAULT_RETRY_BACKOFF,
    pool_size: int | None = None,
    pool_timeout: float | None = None,
    pool_min: None = None,
    **config: Any,
) -> AsyncBoltDriver:
    """The :class:`AsyncBoltDriver` twin of :func:`create_bolt_driver` (a plain function)."""
    _pool_config(backend, config, pool_size, pool_timeout, pool_min)
    return _build(
        AsyncBoltDriver,
        backend,
        host,
        port,
        database,
        username,
        password,
        encrypted,
        uri,
        routing,
        config,
        _timeouts(connect_timeout, query_timeout, max_retries, retry_backoff),
    )


def create_neo4j_driver(
    host: str | None = None,
    port: int | None = None,
    database: str | None = None,
    username: str | None = "neo4j",
    password: str | None = None,
    encrypted: bool | None = None,
    **options: Any,
) -> BoltDriver:
    """A :class:`BoltDriver` for Neo4j (see :func:`create_bolt_driver`)."""
    return create_bolt_driver(
        "neo4j", host, port, database, username, password, encrypted, **options
    )


def create_memgraph_driver(
    host: str | None = None,
    port: int | None = None,
    database: str | None = None,
    username: str | None = None,
    password: str | None = None,
    encrypted: bool | None = None,
    **options: Any,
) -> BoltDriver:
    """A :class:`BoltDriver` for Memgraph (no credentials: no authentication)."""
    return create_bolt_driver(
        "memgraph", host, port, database, username, password, encrypted, **options
    )


def create_arcadedb_driver(
    host: str | None = None,
    port: int | None = None,
    database: str | None = None,
    username: str | None = "root",
    password: str | None = None,
    encrypted: bool | None = None,
    **options: Any,
) -> BoltDriver:
    """A :class:`BoltDriver` for ArcadeDB's Bolt plugin; ``database`` is required."""
    return create_bolt_driver(
        "arcadedb", host, port, database, username, password, encrypted, **options
    )


def create_async_neo4j_driver(
    host: str | None = None,
    port: int | None = None,
    database: str | None = None,
    username: str | None = "neo4j",
    password: str | None = None,
    encrypted: bool | None = None,
    **options: Any,
) -> AsyncBoltDriver:
    """An :class:`AsyncBoltDriver` for Neo4j."""
    return create_async_bolt_driver(
        "neo4j", host, port, database, username, password, encrypted, **options
    )


def create_async_memgraph_driver(
    host: str | None = None,
    port: int | None = None,
    database: str | None = None,
    username: str | None = None,
    password: str | None = None,
    encrypted: bool | None = None,
    **options: Any,
) -> AsyncBoltDriver:
    """An :class:`AsyncBoltDriver` for Memgraph."""
    return create_async_bolt_driver(
        "memgraph", host, port, database, username, password, encrypted, **options
    )


def create_async_arcadedb_driver(
    host: str | None = None,
    port: int | None = None,
    database: str | None = None,
    username: str | None = "root",
    password: str | None = None,
    encrypted: bool | None = None,
    **options: Any,
) -> AsyncBoltDriver:
    """An :class:`AsyncBoltDriver` for ArcadeDB; ``database`` is required."""
    return create_async_bolt_driver(
        "arcadedb", host, port, database, username, password, encrypted, **options
    )
