"""Factory functions: ``create_age_driver`` and its asyncio twin."""

from __future__ import annotations

from typing import Any

from runic.age._base import AGESettingsError
from runic.age.async_driver import AsyncAGEDriver
from runic.age.driver import AGEDriver
from runic.ogm.driver.pool import put_pool_setting
from runic.ogm.driver.timeouts import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RETRIES,
    DEFAULT_QUERY_TIMEOUT,
    DEFAULT_RETRY_BACKOFF,
)

__all__ = ["create_age_driver", "create_async_age_driver"]


def _pool_options(options: dict[str, Any], pool_size: int | None, pool_min: int | None) -> None:
    """Map runic's pool keywords to :class:`~runic.age.AGESettings` (psycopg_pool's names)."""
    put_pool_setting("age", options, "pool_size", pool_size, "max_size", error=AGESettingsError)
    put_pool_setting("age", options, "pool_min", pool_min, "min_size", error=AGESettingsError)


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
    pool_size: int | None = None,
    pool_min: int | None = None,
    **options: Any,
) -> AGEDriver:
    """Return a pooled :class:`AGEDriver` for ``graph`` on a PostgreSQL + AGE server.

    Defaults: ``localhost:5432``, database and user ``postgres``. ``options`` are
    :class:`~runic.age.AGESettings` fields: ``create_graph=True`` creates the AGE
    extension and the graph on first use when missing; ``dsn=`` (a libpq string
    or ``postgresql://`` URL), ``pool_size`` (10: most pooled connections;
    psycopg_pool's ``max_size``), ``pool_min`` (1: connections kept open; its
    ``min_size``), ``pool_timeout`` (30 s waiting for a free one),
    ``prepare_threshold`` (1: a statement is prepared on the server from its
    second run), ``application_name``,
    ``liveness_check_timeout`` (1 s: a pooled connection idle longer is checked
    before use, so a restarted server costs no failed statement; ``None``: never).
    ``connect_timeout`` (10 s) bounds opening a connection, ``query_timeout``
    (60 s) one statement (server-side ``statement_timeout``, and a client-side
    wait for a server that stopped answering); ``None`` disables either. A
    deadlock or serialization failure in :meth:`~AGEDriver.execute` is run again
    up to ``max_retries`` times after ``retry_backoff`` seconds (doubled each time).
    """
    _pool_options(options, pool_size, pool_min)
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
    pool_size: int | None = None,
    pool_min: int | None = None,
    **options: Any,
) -> AsyncAGEDriver:
    """The asyncio twin of :func:`create_age_driver` (a plain function; connects on first use)."""
    _pool_options(options, pool_size, pool_min)
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
