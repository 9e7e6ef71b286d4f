"""What a benchmark backend provides: a server, and per scenario a graph with handles.

A backend plugs in by implementing :class:`Backend` and being listed in
:mod:`benchmarks.backends` (``BACKENDS``). :meth:`Backend.open` raises
:class:`Unavailable` with the reason when it cannot run here (runic backend not
installed, no server); the run then reports the backend as skipped with that reason.

Each scenario asks :meth:`Backend.graph` for a :class:`BenchGraph`: one
isolated graph, the raw-client *floor* for it, runic's sync and async drivers on
it, and optionally a *peer* ORM. Every handle is wrapped by
:mod:`benchmarks.counting` so round trips are counted per contender.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from benchmarks.counting import Counter

__all__ = ["AsyncFloor", "Backend", "BenchGraph", "Floor", "Unavailable"]

ItemRow = tuple[str, str, int]


class Unavailable(Exception):  # noqa: N818 - reads as "backend unavailable"
    """The backend cannot run here; the message says why."""


class Floor(Protocol):
    """The raw client of a backend doing each job the best way it can (one query)."""

    # -- timed work -----------------------------------------------------------------
    def insert_items(self, rows: Sequence[ItemRow]) -> None: ...
    def bump_scores(self, loaded: Sequence[Any]) -> None:
        """Write ``score + 1`` on each node ``all_items()`` returned."""
        ...

    def relate(self, pairs: Sequence[tuple[Any, Any]]) -> None:
        """Create ``(parent)-[:HAS]->(child)`` for pairs of :meth:`node_ids` values."""
        ...

    def get_item(self, key: str) -> Any: ...
    def items_by_ids(self, keys: Sequence[str]) -> list[Any]: ...
    def all_items(self) -> list[Any]: ...
    def parents_with_children(self) -> list[tuple[Any, list[Any]]]: ...

    # -- set-up and checks (never timed) --------------------------------------------
    def seed_parents(
        self, parents: Sequence[tuple[str, str]], children: Sequence[tuple[str, int]], per: int
    ) -> None: ...
    def node_ids(self, label: str) -> dict[str, Any]:
        """Key -> whatever this floor matches a node by fastest (internal id or key)."""
        ...

    def run(self, cypher: str) -> None:
        """Run one set-up statement without parameters (never timed)."""
        ...

    def count_nodes(self, label: str) -> int: ...
    def count_edges(self) -> int: ...
    def sum_scores(self) -> int: ...


class AsyncFloor(Protocol):
    """The backend's asyncio raw client, for the concurrency scenario."""

    async def get_item(self, key: str) -> Any: ...


class BenchGraph(Protocol):
    """One isolated graph of a scenario with every contender's (counted) handle."""

    @property
    def name(self) -> str: ...
    @property
    def floor(self) -> Floor: ...
    @property
    def checks(self) -> Floor:
        """An uncounted floor for seeding and checks."""
        ...

    @property
    def async_floor(self) -> AsyncFloor | None: ...
    @property
    def runic(self) -> Any: ...
    @property
    def runic_async(self) -> Any: ...
    @property
    def peer(self) -> Any:
        """The peer ORM's sync graph handle (``None`` without a peer)."""
        ...

    @property
    def peer_async(self) -> Any:
        """The peer ORM's asyncio graph handle (``None`` without a peer)."""
        ...

    @property
    def counters(self) -> dict[str, Counter]: ...

    def reset(self) -> None:
        """Empty the graph and (re)create the key indexes (never timed)."""
        ...

    async def aclose(self) -> None:
        """Close the async handles (on the run's event loop)."""
        ...

    def close(self) -> None:
        """Close the sync handles and drop the graph."""
        ...


class Backend(Protocol):
    """A database the scenarios run against."""

    name: str
    description: str

    def open(self) -> None:
        """Start or reach the server; raise :class:`Unavailable` with the reason."""
        ...

    def graph(self, name: str, pool_size: int) -> BenchGraph:
        """A fresh graph called ``name`` with every contender's handles."""
        ...

    def close(self) -> None:
        """Stop what :meth:`open` started."""
        ...

    def versions(self) -> dict[str, str]:
        """Server/client versions for the report."""
        ...
