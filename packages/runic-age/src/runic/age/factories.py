"""Factory functions: ``create_age_driver`` and its asyncio twin."""

from __future__ import annotations

from typing import Any

from runic.age.async_driver import AsyncAGEDriver
from runic.age.driver import AGEDriver
from runic.ogm.driver.timeouts import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RETRIES,
    DEFAULT_QUERY_TIMEOUT,
    DEFAULT_RETRY_BACKOFF,
)

__all__ = ["create_age_driver", "create_async_age_driver"]


def create_age_driver(
    host: str | None = None,
    port: int | None = None,
    database: str | None = None,
    graph: str | None = None,
    username: str | None = None,
    password: str | None = None,
    *,
    connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
    query_timeout: float | None = DEFAULT_QUERY_TIMEOUT,
    max_retries: int = DEFAULT_MAX_RETRIES,
    retry_backoff: float = DEFAULT_RETRY_BACKOFF,
    **options: Any,
) -> AGEDriver:
    """Return a pooled :class:`AGEDriver` for ``graph`` on a PostgreSQL + AGE server.

    Defaults: ``localhost:5432``, database and user ``postgres``. ``options`` are
    :class:`~runic.age.AGESettings` fields: ``create_graph=True`` creates the AGE
    extension and the graph on first use when missing; ``dsn=`` (a libpq string
    or ``postgresql://`` URL), ``min_size``/``max_size`` (pool, 1/10),
    ``pool_timeout`` (30 s), ``prepare_threshold`` (1: a statement is prepared
    on the server from its second run), ``application_name``,
    ``liveness_check_timeout`` (1 s: a pooled connection idle longer is checked
    before use, so a restarted server costs no failed statement; ``None``: never).
    ``connect_timeout`` (10 s) bounds opening a connection, ``query_timeout``
    (60 s) one statement (server-side ``statement_timeout``, and a client-side
    wait for a server that stopped answering); ``None`` disables either. A
    deadlock or serialization failure in :meth:`~AGEDriver.execute` is run again
    up to ``max_retries`` times after ``retry_backoff`` seconds (doubled each time).
    """
    return AGEDriver.connect(
        host,
        port,
        database,
        graph,
        username,
        password,
        connect_timeout=connect_timeout,
        query_timeout=query_timeout,
        max_retries=max_retries,
        retry_backoff=retry_backoff,
        **options,
    )


def create_async_age_driver(
    host: str | None = None,
    port: int | None = None,
    database: str | None = None,
    graph: str | None = None,
    username: str | None = None,
    password: str | None = None,
    *,
    connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
    query_timeout: float | None = DEFAULT_QUERY_TIMEOUT,
    max_retries: int = DEFAULT_MAX_RETRIES,
    retry_backoff: float = DEFAULT_RETRY_BACKOFF,
    **options: Any,
) -> AsyncAGEDriver:
    """The asyncio twin of :func:`create_age_driver` (a plain function; connects on first use)."""
    return AsyncAGEDriver.connect(
        host,
        port,
        database,
        graph,
        username,
        password,
        connect_timeout=connect_timeout,
        query_timeout=query_timeout,
        max_retries=max_retries,
        retry_backoff=retry_backoff,
        **options,
    )
