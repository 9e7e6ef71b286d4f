"""Factory functions: ``create_age_driver`` and its asyncio twin."""

from __future__ import annotations

from typing import Any

from runic.age.async_driver import AsyncAGEDriver
from runic.age.driver import AGEDriver

__all__ = ["create_age_driver", "create_async_age_driver"]


def create_age_driver(
    host: str | None = None,
    port: int | None = None,
    database: str | None = None,
    graph: str | None = None,
    username: str | None = None,
    password: str | None = None,
    **options: Any,
) -> AGEDriver:
    """Return a pooled :class:`AGEDriver` for ``graph`` on a PostgreSQL + AGE server.

    Defaults: ``localhost:5432``, database and user ``postgres``. ``options`` are
    :class:`~runic.age.AGESettings` fields: ``create_graph=True`` creates the AGE
    extension and the graph on first use when missing; ``dsn=`` (a libpq string
    or ``postgresql://`` URL), ``min_size``/``max_size`` (pool, 1/10),
    ``connect_timeout`` (10 s), ``pool_timeout`` (30 s), ``prepare_threshold``
    (1: a statement is prepared on the server from its second run), ``application_name``.
    """
    return AGEDriver.connect(host, port, database, graph, username, password, **options)


def create_async_age_driver(
    host: str | None = None,
    port: int | None = None,
    database: str | None = None,
    graph: str | None = None,
    username: str | None = None,
    password: str | None = None,
    **options: Any,
) -> AsyncAGEDriver:
    """The asyncio twin of :func:`create_age_driver` (a plain function; connects on first use)."""
    return AsyncAGEDriver.connect(host, port, database, graph, username, password, **options)
