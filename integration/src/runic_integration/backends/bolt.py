"""Bolt backends: Neo4j, Memgraph and ArcadeDB (runic-bolt).

Neo4j and Memgraph run here only from the environment or in containers (no
registry ships their servers). They hold one database, so tests are isolated by
emptying it before and after each test: **point the suite at a throw-away
server**. ArcadeDB gets a fresh database per test, created over its HTTP API.

Environment variables (``<B>`` is ``NEO4J``, ``MEMGRAPH`` or ``ARCADEDB``):

* ``RUNIC_TEST_<B>_URI``: ``bolt://host:port`` (``bolt+s://``/``neo4j+s://`` turn
  TLS on; ``neo4j://`` is the routing scheme);
* ``RUNIC_TEST_<B>_USER``, ``RUNIC_TEST_<B>_PASSWORD``, ``RUNIC_TEST_<B>_DATABASE``;
* ArcadeDB also ``RUNIC_TEST_ARCADEDB_HTTP_URL`` (default ``http://<host>:2480``),
  used to create the per-test databases;
* ``RUNIC_TEST_<B>_IMAGE``: the container image for the docker provider.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from runic.ogm import GraphDriver
from runic_integration.profile import BackendProfile, GraphContext
from runic_integration.providers.arcadedb_http import ArcadeDBHttp
from runic_integration.providers.base import Server
from runic_integration.providers.docker import ContainerSpec, DockerProvider
from runic_integration.providers.env import EnvProvider, Parsed, split_url, url_credentials
from runic_integration.providers.local_arcadedb import LocalArcadeDB
from runic_integration.providers.process import tcp_answers

__all__ = ["ArcadeDBProfile", "BoltProfile", "parse_bolt_env"]

_BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_CONTAINER_PASSWORD = "runic-test-" + "password"


def parse_bolt_env(
    prefix: str, default_user: str, default_database: str | None
) -> Callable[[str, Mapping[str, str]], Parsed]:
    """A parser for ``RUNIC_TEST_<prefix>_URI`` and its companion variables."""

    def parse(value: str, environ: Mapping[str, str]) -> Parsed:
        parts = split_url(value, _BOLT_SCHEMES, 7687)
        url_user, url_password = url_credentials(parts)
        user = environ.get(f"RUNIC_TEST_{prefix}_USER") or url_user or default_user
        password = environ.get(f"RUNIC_TEST_{prefix}_PASSWORD") or url_password or ""
        database = environ.get(f"RUNIC_TEST_{prefix}_DATABASE") or default_database
        settings: dict[str, Any] = {
            "host": parts.hostname,
            "port": parts.port or 7687,
            "username": user,
            "password": password,
            "encrypted": parts.scheme.endswith(("+s", "+ssc")),
        }
        if database:
            settings["database"] = database
        where = f"{parts.scheme}://{parts.hostname}:{parts.port or 7687}"
        return Parsed(settings, f"{prefix.lower()} at {where} as {user!r}")

    return parse


def _tcp_check(settings: Mapping[str, Any]) -> None:
    if not tcp_answers(str(settings["host"]), int(settings["port"]), timeout=3.0):
        where = f"{settings['host']}:{settings['port']}"
        raise ConnectionError(f"nothing accepts connections on {where}")


def _wipe(driver: GraphDriver) -> None:
    driver.execute("MATCH (n) DETACH DELETE n")


class BoltProfile(BackendProfile):
    """Neo4j or Memgraph: one shared database, emptied around each test."""

    def open_graph(self, server: Server, name: str) -> dict[str, Any]:
        """Empty the database; the driver keywords are the server settings."""
        kwargs = dict(server.settings)
        driver = self.connect(kwargs)
        try:
            _wipe(driver)
        finally:
            driver.close()
        return kwargs

    def close_graph(self, server: Server, name: str, driver_kwargs: Mapping[str, Any]) -> None:
        """Empty the database again."""
        driver = self.connect(driver_kwargs)
        try:
            _wipe(driver)
        finally:
            driver.close()


class Neo4jProfile(BoltProfile):
    """Neo4j 5 (env or container)."""

    def __init__(self) -> None:
        image = os.environ.get("RUNIC_TEST_NEO4J_IMAGE", "neo4j:5-community")
        super().__init__(
            "neo4j",
            [
                EnvProvider(
                    "neo4j",
                    "RUNIC_TEST_NEO4J_URI",
                    parse_bolt_env("NEO4J", "neo4j", "neo4j"),
                    check=_tcp_check,
                ),
                DockerProvider(
                    "neo4j",
                    ContainerSpec(
                        image=image,
                        ports=(7687,),
                        env={"NEO4J_AUTH": f"neo4j/{_CONTAINER_PASSWORD}"},
                        settings=lambda host, ports: {
                            "host": host,
                            "port": ports[7687],
                            "username": "neo4j",
                            "password": _CONTAINER_PASSWORD,
                            "database": "neo4j",
                            "encrypted": False,
                        },
                        ready=lambda host, ports: tcp_answers(host, ports[7687]),
                    ),
                ),
            ],
            install_hint="pip install ./packages/runic-bolt",
        )

    def create_fulltext_index(
        self, graph: GraphContext, label: str, properties: Sequence[str]
    ) -> None:
        """The dialect's fulltext index DDL, then wait until the index is online."""
        super().create_fulltext_index(graph, label, properties)
        graph.driver.execute("CALL db.awaitIndexes(60)", columns=())

    def create_vector_index(
        self,
        graph: GraphContext,
        label: str,
        prop: str,
        *,
        dimension: int,
        similarity: str = "euclidean",
    ) -> None:
        """The dialect's vector index DDL, then wait until the index is online."""
        super().create_vector_index(graph, label, prop, dimension=dimension, similarity=similarity)
        graph.driver.execute("CALL db.awaitIndexes(60)", columns=())


class MemgraphProfile(BoltProfile):
    """Memgraph (env or container)."""

    def __init__(self) -> None:
        image = os.environ.get("RUNIC_TEST_MEMGRAPH_IMAGE", "memgraph/memgraph:latest")
        super().__init__(
            "memgraph",
            [
                EnvProvider(
                    "memgraph",
                    "RUNIC_TEST_MEMGRAPH_URI",
                    parse_bolt_env("MEMGRAPH", "", None),
                    check=_tcp_check,
                ),
                DockerProvider(
                    "memgraph",
                    ContainerSpec(
                        image=image,
                        ports=(7687,),
                        settings=lambda host, ports: {
                            "host": host,
                            "port": ports[7687],
                            "username": "",
                            "password": "",
                            "encrypted": False,
                        },
                        ready=lambda host, ports: tcp_answers(host, ports[7687]),
                    ),
                ),
            ],
            install_hint="pip install ./packages/runic-bolt",
        )


def _arcadedb_http(settings: Mapping[str, Any]) -> ArcadeDBHttp:
    return ArcadeDBHttp(
        str(settings["http_url"]), str(settings["username"]), str(settings["password"])
    )


def _parse_arcadedb(value: str, environ: Mapping[str, str]) -> Parsed:
    parsed = parse_bolt_env("ARCADEDB", "root", None)(value, environ)
    settings = dict(parsed.settings)
    settings["http_url"] = environ.get(
        "RUNIC_TEST_ARCADEDB_HTTP_URL", f"http://{settings['host']}:2480"
    ).rstrip("/")
    return Parsed(settings, parsed.description)


def _check_arcadedb(settings: Mapping[str, Any]) -> None:
    _tcp_check(settings)
    if not _arcadedb_http(settings).ready():
        raise ConnectionError(f"ArcadeDB's HTTP API at {settings['http_url']} is not ready")


class ArcadeDBProfile(BackendProfile):
    """ArcadeDB over Bolt; a database per test, created and dropped over HTTP."""

    def __init__(self) -> None:
        image = os.environ.get("RUNIC_TEST_ARCADEDB_IMAGE", "arcadedata/arcadedb:latest")
        java_opts = (
            f"-Darcadedb.server.rootPassword={_CONTAINER_PASSWORD} "
            "-Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin"
        )

        def settings(host: str, ports: Mapping[int, int]) -> dict[str, Any]:
            return {
                "host": host,
                "port": ports[7687],
                "http_url": f"http://{host}:{ports[2480]}",
                "username": "root",
                "password": _CONTAINER_PASSWORD,
            }

        super().__init__(
            "arcadedb",
            [
                EnvProvider(
                    "arcadedb",
                    "RUNIC_TEST_ARCADEDB_URI",
                    _parse_arcadedb,
                    check=_check_arcadedb,
                ),
                DockerProvider(
                    "arcadedb",
                    ContainerSpec(
                        image=image,
                        ports=(2480, 7687),
                        env={"JAVA_OPTS": java_opts},
                        settings=settings,
                        ready=lambda host, ports: (
                            _arcadedb_http(settings(host, ports)).ready()
                            and tcp_answers(host, ports[7687])
                        ),
                    ),
                ),
                LocalArcadeDB(),
            ],
            install_hint="pip install ./packages/runic-bolt",
        )

    def open_graph(self, server: Server, name: str) -> dict[str, Any]:
        """Create database ``name``; connect to it over Bolt."""
        database = f"{name}_{secrets.token_hex(3)}" if server.provider == "env" else name
        _arcadedb_http(server.settings).create_database(database)
        kwargs = {k: v for k, v in server.settings.items() if k != "http_url"}
        kwargs["database"] = database
        return kwargs

    def close_graph(self, server: Server, name: str, driver_kwargs: Mapping[str, Any]) -> None:
        """Drop the test's database."""
        _arcadedb_http(server.settings).drop_database(str(driver_kwargs["database"]))

    @staticmethod
    def _run_sql(graph: GraphContext, statements: Sequence[str]) -> None:
        """Run ArcadeDB SQL in the test's database (its Cypher cannot create these indexes)."""
        http = _arcadedb_http(graph.server.settings)
        for statement in statements:
            http.command(str(graph.driver_kwargs["database"]), statement, language="sql")

    def create_fulltext_index(
        self, graph: GraphContext, label: str, properties: Sequence[str]
    ) -> None:
        """The dialect's ``fulltext_index_sql``, run over HTTP."""
        make = getattr(graph.driver.dialect, "fulltext_index_sql", None)
        if make is None:
            super().create_fulltext_index(graph, label, properties)
            return
        self._run_sql(graph, make(label, tuple(properties)))

    def create_vector_index(
        self,
        graph: GraphContext,
        label: str,
        prop: str,
        *,
        dimension: int,
        similarity: str = "euclidean",
    ) -> None:
        """The dialect's ``vector_index_sql``, run over HTTP."""
        make = getattr(graph.driver.dialect, "vector_index_sql", None)
        if make is None:
            super().create_vector_index(
                graph, label, prop, dimension=dimension, similarity=similarity
            )
            return
        self._run_sql(graph, make(label, prop, dimension=dimension, similarity=similarity))
