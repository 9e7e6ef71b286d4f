"""Conversion of the falkordb client's result objects into runic's result types.

The client already parses FalkorDB's compact reply format; this module turns its
``Node``/``Edge``/``Path`` objects into :class:`GraphNode`/:class:`GraphEdge`/
:class:`GraphPath`, its ``OrderedDict`` maps into plain dicts, and its statistics
lines into a ``{"nodes_created": 1, ...}`` mapping.

Points arrive as ``{"latitude": float, "longitude": float}`` dicts and vectors
(``vecf32``) as ``list[float]``; temporal values stay the client's ``date``/
``datetime``/``time`` objects. FalkorDB sends doubles with 15 significant
digits, so a float read back may differ from the one written in the last digit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from falkordb import Edge, Node, Path  # type: ignore[import-untyped]

from runic.ogm.driver.results import GraphEdge, GraphNode, GraphPath, QueryResult

__all__ = ["decode_result", "decode_value", "parse_stats"]


def decode_result(result: Any) -> QueryResult:
    """Build a :class:`QueryResult` from a falkordb ``QueryResult``."""
    header = result.header or []
    columns = tuple(str(column[1]) for column in header)
    rows = [tuple(decode_value(cell) for cell in row) for row in result.result_set]
    return QueryResult(columns, rows, parse_stats(_raw_stats(result)))


def decode_value(value: Any) -> Any:
    """Convert one value of a falkordb result into plain Python / runic types."""
    if isinstance(value, Node):
        return _node(value)
    if isinstance(value, Edge):
        return _edge(value)
    if isinstance(value, Path):
        return GraphPath(
            nodes=tuple(_node(n) for n in value.nodes()),
            edges=tuple(_edge(e) for e in value.edges()),
        )
    if isinstance(value, list):
        return [decode_value(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): decode_value(item) for key, item in value.items()}
    return value


def _node(node: Any) -> GraphNode:
    return GraphNode(
        id=int(node.id),
        labels=tuple(node.labels or ()),
        properties=_properties(node.properties),
    )


def _edge(edge: Any) -> GraphEdge:
    return GraphEdge(
        id=int(edge.id),
        type=str(edge.relation),
        start_id=_endpoint_id(edge.src_node),
        end_id=_endpoint_id(edge.dest_node),
        properties=_properties(edge.properties),
    )


def _endpoint_id(endpoint: Any) -> int:
    return int(endpoint.id) if isinstance(endpoint, Node) else int(endpoint)


def _properties(properties: Mapping[str, Any] | None) -> dict[str, Any]:
    return {str(k): decode_value(v) for k, v in (properties or {}).items()}


def _raw_stats(result: Any) -> list[str]:
    raw = getattr(result, "_raw_stats", None)
    if isinstance(raw, list):
        return [str(line) for line in raw]
    return []


_FLOAT_STATS = {"query_internal_execution_time": "execution_time_ms"}


def parse_stats(lines: list[str]) -> dict[str, Any]:
    """Parse FalkorDB statistics lines (``"Nodes created: 2"``) into a dict.

    Counters become ints under snake_case keys (``nodes_created``),
    ``Cached execution`` becomes the bool ``cached_execution`` and the server's
    run time is ``execution_time_ms`` (float, milliseconds).
    """
    stats: dict[str, Any] = {}
    for line in lines:
        name, sep, rest = line.partition(":")
        if not sep:
            continue
        key = "_".join(name.strip().lower().split())
        text = rest.strip().split(" ")[0]
        try:
            number = float(text)
        except ValueError:
            stats[key] = rest.strip()
            continue
        if key in _FLOAT_STATS:
            stats[_FLOAT_STATS[key]] = number
        elif key == "cached_execution":
            stats[key] = number == 1
        else:
            stats[key] = int(number) if number.is_integer() else number
    return stats
