"""Conversion of the neo4j driver's values into runic's result types.

* ``Node``/``Relationship``/``Path`` become :class:`GraphNode`/:class:`GraphEdge`/
  :class:`GraphPath`. Their ``id`` is the element id string or the integer id of
  ``id()``, whichever the dialect compares against (``BoltDialect.id_kind``).
  Labels are sorted (Bolt sends them as a set).
* Spatial points become dicts: ``{"latitude", "longitude"}`` (plus ``"height"``)
  for WGS-84 points, ``{"x", "y"}`` (plus ``"z"``) for cartesian ones, the same
  shape FalkorDB returns.
* Temporal values become ``datetime``/``date``/``time`` (nanoseconds are cut to
  microseconds); a duration becomes a ``timedelta`` when it has no months and no
  sub-microsecond part, and stays a ``neo4j.time.Duration`` otherwise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any

from neo4j.graph import Node, Path, Relationship
from neo4j.spatial import Point, WGS84Point
from neo4j.time import Date, DateTime, Duration, Time

from runic.bolt.dialect import IdKind
from runic.ogm.driver.results import GraphEdge, GraphNode, GraphPath, QueryResult

__all__ = ["Decoder", "counters_to_stats"]

_PLAIN = frozenset({str, int, float, bool, type(None), bytes})

_COUNTERS = (
    "nodes_created",
    "nodes_deleted",
    "relationships_created",
    "relationships_deleted",
    "properties_set",
    "labels_added",
    "labels_removed",
    "indexes_added",
    "indexes_removed",
    "constraints_added",
    "constraints_removed",
)


def counters_to_stats(counters: Any) -> dict[str, Any]:
    """The non-zero update counters of a result summary, by snake_case name."""
    stats: dict[str, Any] = {}
    if counters is None:
        return stats
    for name in _COUNTERS:
        value = getattr(counters, name, 0)
        if value:
            stats[name] = int(value)
    return stats


def _element_id(entity: Any) -> Any:
    return entity.element_id


def _legacy_id(entity: Any) -> Any:
    # The integer id Bolt sends next to the element id; ``Node.id`` gives the same
    # value but warns that it is deprecated on every access.
    return entity._id


def _point(point: Point) -> dict[str, float]:
    if isinstance(point, WGS84Point):
        out = {"latitude": float(point.latitude), "longitude": float(point.longitude)}
        if len(point) > 2:
            out["height"] = float(point.height)
        return out
    # Cartesian (and any other) points: x, y and, in 3D, z.
    return {name: float(value) for name, value in zip(("x", "y", "z"), point, strict=False)}


def _duration(value: Duration) -> Any:
    if value.months == 0 and value.nanoseconds % 1000 == 0:
        return timedelta(
            days=value.days, seconds=value.seconds, microseconds=value.nanoseconds // 1000
        )
    return value


class Decoder:
    """Decodes values for one dialect's id kind."""

    __slots__ = ("_id",)

    def __init__(self, id_kind: IdKind) -> None:
        self._id: Callable[[Any], Any] = _element_id if id_kind == "element" else _legacy_id

    def result(
        self, keys: Sequence[str], rows: Sequence[Sequence[Any]], counters: Any
    ) -> QueryResult:
        """Build a :class:`QueryResult` from column names, raw rows and summary counters."""
        decode = self.value
        plain = _PLAIN
        decoded = [
            tuple(cell if type(cell) in plain else decode(cell) for cell in row) for row in rows
        ]
        return QueryResult(list(keys), decoded, counters_to_stats(counters))

    def value(self, value: Any) -> Any:
        """Decode one value (recursively for lists and maps)."""
        if type(value) in _PLAIN:
            return value
        if isinstance(value, Node):
            return self.node(value)
        if isinstance(value, Relationship):
            return self.edge(value)
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, Mapping):
            return {str(key): self.value(item) for key, item in value.items()}
        if isinstance(value, Path):
            return GraphPath(
                nodes=tuple(self.node(n) for n in value.nodes),
                edges=tuple(self.edge(r) for r in value.relationships),
            )
        if isinstance(value, Point):
            return _point(value)
        if isinstance(value, (DateTime, Date, Time)):
            return value.to_native()
        if isinstance(value, Duration):
            return _duration(value)
        return value

    def node(self, node: Node) -> GraphNode:
        """A :class:`GraphNode` with sorted labels."""
        return GraphNode(
            id=self._id(node),
            labels=tuple(sorted(node.labels)),
            properties=self._properties(node),
        )

    def edge(self, rel: Relationship) -> GraphEdge:
        """A :class:`GraphEdge`; its endpoints carry the same kind of id."""
        start, end = rel.start_node, rel.end_node
        return GraphEdge(
            id=self._id(rel),
            type=str(rel.type),
            start_id=self._id(start) if start is not None else None,
            end_id=self._id(end) if end is not None else None,
            properties=self._properties(rel),
        )

    def _properties(self, entity: Node | Relationship) -> dict[str, Any]:
        plain = _PLAIN
        decode = self.value
        return {
            key: value if type(value) in plain else decode(value) for key, value in entity.items()
        }
