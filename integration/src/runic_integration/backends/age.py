"""Apache AGE on PostgreSQL (runic-age): one AGE graph per test.

Providers, in order:

* ``env``: ``RUNIC_TEST_AGE_DSN=postgresql://user:password@host:port/database``;
* ``docker``: image ``RUNIC_TEST_AGE_IMAGE`` (default ``apache/age:latest``);
* ``local``: PostgreSQL 17 + AGE from a cached Debian trixie chroot (root only).

Graphs are created and dropped with psycopg (``create_graph``/``drop_graph``),
after ``CREATE EXTENSION IF NOT EXISTS age`` once per server.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

from runic_integration.profile import BackendProfile
from runic_integration.providers.base import Server, Unavailable
from runic_integration.providers.docker import ContainerSpec, DockerProvider
from runic_integration.providers.env import EnvProvider, Parsed, split_url, url_credentials
from runic_integration.providers.local_age import LocalAGE
from runic_integration.providers.process import tcp_answers

__all__ = ["AGEProfile", "age_connection", "parse_dsn"]

ENV_DSN = "RUNIC_TEST_AGE_DSN"
_CONTAINER_PASSWORD = "runic-test-" + "password"


def parse_dsn(value: str, environ: Mapping[str, str]) -> Parsed:
    """``postgresql://user:password@host:port/database`` -> driver settings."""
    parts = split_url(value, ("postgresql", "postgres"), 5432)
    user, password = url_credentials(parts)
    database = parts.path.lstrip("/") or "postgres"
    settings = {
        "host": parts.hostname,
        "port": parts.port or 5432,
        "database": database,
        "username": user or "postgres",
        "password": password or "",
    }
    return Parsed(settings, f"PostgreSQL at {parts.hostname}:{parts.port or 5432}/{database}")


def _check(settings: Mapping[str, Any]) -> None:
    if not tcp_answers(str(settings["host"]), int(settings["port"]), timeout=3.0):
        where = f"{settings['host']}:{settings['port']}"
        raise ConnectionError(f"nothing accepts connections on {where}")


def age_connection(settings: Mapping[str, Any]) -> Any:
    """An autocommit psycopg connection with AGE loaded and on the search path."""
    try:
        import psycopg
    except ImportError as exc:
        raise Unavailable(
            'psycopg is not installed (pip install "psycopg[binary]>=3.2", the [age] extra '
            "of runic-integration)"
        ) from exc
    conn = psycopg.connect(
        host=str(settings["host"]),
        port=int(settings["port"]),
        dbname=str(settings.get("database", "postgres")),
        user=str(settings.get("username", "postgres")),
        password=str(settings.get("password", "")),
        autocommit=True,
        connect_timeout=10,
    )
    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS age")
        conn.execute("LOAD 'age'")
        conn.execute('SET search_path = ag_catalog, "$user", public')
    except BaseException:
        conn.close()
        raise
    return conn


def _ready(host: str, ports: Mapping[int, int]) -> bool:
    if not tcp_answers(host, ports[5432]):
        return False
    try:
        age_connection(_container_settings(host, ports)).close()
    except Exception:  # noqa: BLE001 - not ready yet, whatever the reason
        return False
    return True


def _container_settings(host: str, ports: Mapping[int, int]) -> dict[str, Any]:
    return {
        "host": host,
        "port": ports[5432],
        "database": "postgres",
        "username": "postgres",
        "password": _CONTAINER_PASSWORD,
    }


class AGEProfile(BackendProfile):
    """PostgreSQL + AGE through runic-age; isolation by AGE graph."""

    def __init__(self) -> None:
        super().__init__(
            "age",
            [
                EnvProvider("age", ENV_DSN, parse_dsn, check=_check),
                DockerProvider(
                    "age",
                    ContainerSpec(
                        image=os.environ.get("RUNIC_TEST_AGE_IMAGE", "apache/age:latest"),
                        ports=(5432,),
                        env={"POSTGRES_PASSWORD": _CONTAINER_PASSWORD},
                        settings=_container_settings,
                        ready=_ready,
                    ),
                ),
                LocalAGE(),
            ],
            install_hint="pip install ./packages/runic-age",
        )
        self._lock = threading.Lock()

    def open_graph(self, server: Server, name: str) -> dict[str, Any]:
        """``SELECT create_graph(name)``; the driver keywords name the graph."""
        with self._lock, age_connection(server.settings) as conn:
            conn.execute("SELECT create_graph(%s)", (name,))
        return {**server.settings, "graph": name}

    def close_graph(self, server: Server, name: str, driver_kwargs: Mapping[str, Any]) -> None:
        """``SELECT drop_graph(name, true)``."""
        with self._lock, age_connection(server.settings) as conn:
            conn.execute("SELECT drop_graph(%s, true)", (name,))
