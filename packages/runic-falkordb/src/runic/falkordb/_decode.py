"""Conversion of the falkordb client's result objects into runic's result types.

The client already parses FalkorDB's compact reply format; this module turns its
``Node``/``Edge``/``Path`` objects into :class:`GraphNode`/:class:`GraphEdge`/
:class:`GraphPath`, its ``OrderedDict`` maps into plain dicts, and its statistics
lines into a ``{"nodes_created": 1, ...}`` mapping.

Points arrive as ``{"latitude": float, "longitude": float}`` dicts and vectors
(``vecf32``) as ``list[float]``; temporal values stay the client's ``date``/
``datetime``/``time`` objects.

FalkorDB stores doubles exactly but every reply (compact or not, RESP2 or
RESP3, ``toString``/``toJSON`` too) prints them with 15 significant digits
(``%.15g``), so a float read back may differ from the one written in its last
two digits (``1/3`` reads as ``0.333333333333333``). The one case decoded
specially is the largest double, whose 15-digit text would parse as infinity.
Sessions never write such a rounded value back unless the field was assigned.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from typing import Any

from falkordb import Edge, Node, Path  # type: ignore[import-untyped]

from runic.ogm.driver.results import GraphEdge, GraphNode, GraphPath, QueryResult

__all__ = [
    "SchemaMiss",
    "SchemaSnapshot",
    "Unsupported",
    "decode_compact",
    "decode_result",
    "decode_value",
    "parse_stats",
]


class Unsupported(Exception):  # noqa: N818 - internal signal, never leaves this package
    """A compact reply holds a value :func:`decode_compact` leaves to the client's parser."""


class SchemaMiss(Exception):  # noqa: N818 - internal signal, never leaves this package
    """A compact reply names a label or property id the cached schema does not know yet."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind  # "labels" or "properties"


class SchemaSnapshot:
    """The names an asyncio graph schema has cached, read without any I/O.

    The asyncio client refreshes its schema with coroutines, which a synchronous
    decoder cannot await: an unknown id raises :class:`SchemaMiss`, the driver
    awaits the refresh and decodes again.
    """

    __slots__ = ("_schema",)

    def __init__(self, schema: Any) -> None:
        self._schema = schema

    def get_label(self, idx: int) -> str:
        """The label with id ``idx``."""
        try:
            return str(self._schema.labels[idx])
        except IndexError:
            raise SchemaMiss("labels") from None

    def get_property(self, idx: int) -> str:
        """The property name with id ``idx``."""
        try:
            return str(self._schema.properties[idx])
        except IndexError:
            raise SchemaMiss("properties") from None


_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY, _NODE, _MAP = 1, 2, 3, 4, 5, 6, 8, 10


def decode_compact(reply: list[Any], schema: Any) -> QueryResult:
    """Build a :class:`QueryResult` straight from a ``--compact`` ``GRAPH.QUERY`` reply.

    The common results (scalars, lists, maps, nodes) are decoded in one pass,
    without building the falkordb client's ``Node`` objects first. Any other
    value (edges, paths, points, vectors, temporal values) raises
    :class:`Unsupported`; the caller then decodes the reply through the client.
    ``schema`` is the graph handle's schema, which maps label and property ids to
    names (and refreshes itself when it meets a new one).
    """
    if len(reply) == 1:
        return QueryResult([], [], parse_stats([str(line) for line in reply[0]]))
    header = reply[0]
    columns = [str(column[1]) for column in header]
    rows: list[tuple[Any, ...]] = []
    if columns:
        typed = _typed
        labels: dict[int, str] = {}
        keys: dict[int, str] = {}
        for row in reply[1]:
            rows.append(tuple([typed(cell[0], cell[1], schema, labels, keys) for cell in row]))
    return QueryResult(columns, rows, parse_stats([str(line) for line in reply[-1]]))


def _typed(kind: int, value: Any, schema: Any, labels: dict[int, str], keys: dict[int, str]) -> Any:
    if kind == _STRING:
        return value.decode() if isinstance(value, bytes) else str(value)
    if kind == _INTEGER:
        return int(value)
    if kind == _NULL:
        return None
    if kind == _NODE:
        names = []
        for label_id in value[1]:
            name = labels.get(label_id)
            if name is None:
                name = labels[label_id] = schema.get_label(label_id)
            names.append(name)
        props: dict[str, Any] = {}
        for key_id, prop_kind, prop_value in value[2]:
            key = keys.get(key_id)
            if key is None:
                key = keys[key_id] = schema.get_property(key_id)
            props[key] = _typed(prop_kind, prop_value, schema, labels, keys)
        return GraphNode(int(value[0]), tuple(names), props)
    if kind == _DOUBLE:
        number = float(value)
        if number in _INFINITIES:
            return _double_from_rounded(value, number)
        return number
    if kind == _BOOLEAN:
        return (value.decode() if isinstance(value, bytes) else value) == "true"
    if kind == _ARRAY:
        return [_typed(item[0], item[1], schema, labels, keys) for item in value]
    if kind == _MAP:
        return {
            (value[i].decode() if isinstance(value[i], bytes) else str(value[i])): _typed(
                value[i + 1][0], value[i + 1][1], schema, labels, keys
            )
            for i in range(0, len(value), 2)
        }
    raise Unsupported(kind)


_INFINITIES = (math.inf, -math.inf)


def _double_from_rounded(text: Any, number: float) -> float:
    """The largest double for ``1.79769313486232e+308``: the server's 15-digit text of
    ``sys.float_info.max`` is above it, and would read as an infinity it never stored.
    """
    if "inf" in (text.decode() if isinstance(text, bytes) else str(text)).lower():
        return number
    return math.copysign(sys.float_info.max, number)


def decode_result(result: Any) -> QueryResult:
    """Build a :class:`QueryResult` from a falkordb ``QueryResult``."""
    header = result.header or []
    columns = [str(column[1]) for column in header]
    rows = [tuple(decode_value(cell) for cell in row) for row in result.result_set]
    return QueryResult(columns, rows, parse_stats(_raw_stats(result)))


_SCALARS = frozenset({int, str, float, bool, type(None)})


def decode_value(value: Any) -> Any:
    """Convert one value of a falkordb result into plain Python / runic types."""
    if type(value) in _SCALARS:
        return value  # the commonest case (ids, keys, counts) first
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
        scalars = _SCALARS
        return [item if type(item) in scalars else decode_value(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): decode_value(item) for key, item in value.items()}
    return value


def _node(node: Any) -> GraphNode:
    node_id = node.id
    return GraphNode(
        node_id if type(node_id) is int else int(node_id),
        tuple(node.labels or ()),
        _properties(node.properties),
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
    if not properties:
        return {}
    scalars = _SCALARS
    return {
        k if type(k) is str else str(k): v if type(v) in scalars else decode_value(v)
        for k, v in properties.items()
    }


def _raw_stats(result: Any) -> list[str]:
    raw = getattr(result, "_raw_stats", None)
    if isinstance(raw, list):
        return [str(line) for line in raw]
    return []


_FLOAT_STATS = {"query_internal_execution_time": "execution_time_ms"}
_STAT_KEYS: dict[str, str] = {}  # statistics line name -> snake_case key


def parse_stats(lines: list[str]) -> dict[str, Any]:
    """Parse FalkorDB statistics lines (``"Nodes created: 2"``) into a dict.

    Counters become ints under snake_case keys (``nodes_created``),
    ``Cached execution`` becomes the bool ``cached_execution`` and the server's
    run time is ``execution_time_ms`` (float, milliseconds).
    """
    stats: dict[str, Any] = {}
    keys = _STAT_KEYS
    for line in lines:
        name, sep, rest = line.partition(":")
        if not sep:
            continue
        key = keys.get(name)
        if key is None:
            key = "_".join(name.strip().lower().split())
            if len(keys) < 256:  # the server sends a small fixed set of names
                keys[name] = key
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
