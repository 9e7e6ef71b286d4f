"""Backends reached through runic's integration providers: ArcadeDB (runic-bolt) and
Apache AGE (runic-age).

The server comes from ``runic_integration``'s profile for the backend (an address
from the environment, a container, or a local process), exactly as the
integration suite gets it. The floor is the backend's raw client: the ``neo4j``
driver for ArcadeDB (:mod:`benchmarks.backends.bolt_floor`) and ``psycopg`` for
AGE (:mod:`benchmarks.backends.age_floor`). falkordb-orm is FalkorDB-only, so
these backends have no peer. :meth:`IntegrationBackend.open` raises
:class:`Unavailable` with every reason when something is missing.
"""

from __future__ import annotations

import importlib.metadata
from typing import Any

from benchmarks.backends.base import Unavailable
from benchmarks.counting import Counter, count_driver
from benchmarks.models import CHILD, ITEM, PARENT

__all__ = ["IntegrationBackend"]

_FLOOR_CLIENT = {"arcadedb": "neo4j", "age": "psycopg"}
_RUNIC_DIST = {"arcadedb": "runic-bolt", "age": "runic-age"}


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


class IntegrationGraph:
    """A graph (ArcadeDB: a database; AGE: an AGE graph) with counted handles."""

    def __init__(self, backend: IntegrationBackend, name: str) -> None:
        from runic.ogm import create_async_driver, create_driver

        self.name = name
        self._backend = backend
        self.counters = {key: Counter() for key in ("floor", "runic", "runic_async")}
        profile, server = backend.profile, backend.server
        self._kwargs = profile.open_graph(server, name)
        self.runic = create_driver(backend.name, **self._kwargs)
        count_driver(self.runic, self.counters["runic"])
        self.runic_async = create_async_driver(backend.name, **self._kwargs)
        count_driver(self.runic_async, self.counters["runic_async"])
        self.floor = backend.make_floor(self._kwargs, self.counters["floor"])
        self.checks = backend.make_floor(self._kwargs, Counter())
        self.async_floor: Any = None
        self.async_floor_reason = f"no asyncio raw floor written for {backend.name} yet"
        self.peer: Any = None
        self.peer_async: Any = None
        self.peer_reason = "falkordb-orm only works with FalkorDB"
        self.reset()

    def reset(self) -> None:
        self.checks.wipe()
        dialect = self.runic.dialect
        ddl = getattr(dialect, "create_index_ddl", None)
        for label in (ITEM, PARENT, CHILD):
            self.checks.create_key_index(label, ddl(label, "id") if ddl is not None else None)

    async def aclose(self) -> None:
        await self.runic_async.close()

    def close(self) -> None:
        try:
            self.floor.close()
            self.checks.close()
            self.runic.close()
        finally:
            self._backend.profile.close_graph(self._backend.server, self.name, self._kwargs)


class IntegrationBackend:
    """ArcadeDB or AGE through the integration suite's providers."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.description = {"arcadedb": "ArcadeDB over Bolt", "age": "Apache AGE"}[name]
        self.profile: Any = None
        self.server: Any = None

    def open(self) -> None:
        from runic.ogm import available_backends

        installed = {info.name for info in available_backends()}
        if self.name not in installed:
            raise Unavailable(
                f"runic backend {self.name!r} is not installed "
                f"(pip install {_RUNIC_DIST[self.name]})"
            )
        client = _FLOOR_CLIENT[self.name]
        try:
            __import__(client)
        except ImportError as exc:
            raise Unavailable(f"the raw floor needs {client} ({exc})") from exc
        try:
            from runic_integration.providers.base import ProviderFailed
            from runic_integration.providers.base import Unavailable as NoProvider
            from runic_integration.registry import ProfileRegistry
        except ImportError as exc:
            raise Unavailable(f"runic-integration is not installed ({exc})") from exc
        self.profile = ProfileRegistry().get(self.name)
        reasons: list[str] = []
        for provider in self.profile.providers:
            try:
                self.server = provider.provide()
            except NoProvider as exc:
                reasons.append(f"{provider.name}: {exc}")
                continue
            except ProviderFailed as exc:
                raise Unavailable(f"{provider.name} provider failed: {exc}") from exc
            break
        if self.server is None:
            raise Unavailable("no server: " + "; ".join(reasons))
        self.description = f"{self.description} ({self.server.description})"

    def make_floor(self, kwargs: dict[str, Any], counter: Counter) -> Any:
        if self.name == "arcadedb":
            from benchmarks.backends.bolt_floor import BoltFloor

            return BoltFloor(kwargs, counter)
        from benchmarks.backends.age_floor import AgeFloor

        return AgeFloor(kwargs, counter)

    def graph(self, name: str, pool_size: int) -> IntegrationGraph:
        del pool_size  # the drivers' own pool defaults
        return IntegrationGraph(self, name)

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()

    def versions(self) -> dict[str, str]:
        dists = [_RUNIC_DIST[self.name], _FLOOR_CLIENT[self.name], "runic-core"]
        if self.name == "arcadedb":
            dists.append("arcadedb-embedded")
        return {dist: _version(dist) for dist in dists}
