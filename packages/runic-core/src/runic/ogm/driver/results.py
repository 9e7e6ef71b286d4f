"""Backend-neutral result types returned by every driver.

Drivers decode their client's native values into these types, so the session,
hydration and user code never see a backend's own node or edge classes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["GraphEdge", "GraphNode", "GraphPath", "QueryResult"]


@dataclass(frozen=True, slots=True)
class GraphNode:
    """A node as the server returned it.

    ``id`` is the backend's own identifier (an int on FalkorDB, an element id
    string on Bolt backends); ``labels`` keeps the server's order.
    """

    id: Any
    labels: tuple[str, ...]
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GraphEdge:
    """A relationship as the server returned it."""

    id: Any
    type: str
    start_id: Any
    end_id: Any
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class GraphPath:
    """A path: alternating nodes and edges, ``len(nodes) == len(edges) + 1``."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]


@dataclass(slots=True)
class QueryResult:
    """Rows of one statement, with their column names.

    ``columns`` is a list of the column names and ``rows`` a list of tuples in
    column order; ``records()`` gives dicts. ``stats`` carries the server's
    counters where the backend reports them (e.g. ``{"nodes_created": 3}``).
    A driver may pass the column names as any sequence: they are stored as a list.
    """

    columns: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    stats: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if type(self.columns) is not list:
            self.columns = list(self.columns)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> list[dict[str, Any]]:
        """Return every row as a ``{column: value}`` dict."""
        cols = self.columns
        return [dict(zip(cols, row, strict=True)) for row in self.rows]

    def column(self, name_or_index: str | int = 0) -> list[Any]:
        """Return one column's values."""
        index = (
            self.columns.index(name_or_index) if isinstance(name_or_index, str) else name_or_index
        )
        return [row[index] for row in self.rows]

    def scalar(self) -> Any:
        """Return the first column of the first row, or ``None`` when empty."""
        if not self.rows:
            return None
        return self.rows[0][0]
