"""The example backend's storage: nodes and relationships in memory, by graph name.

What a real backend keeps on its server. Every driver created with the same
``graph=`` name works on the same :class:`MemoryGraph` (the integration suite's
read-back driver sees what a session wrote); :func:`drop_graph` forgets one.
The Cypher that reads and writes it is :mod:`runic_example_backend.engine`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from runic.ogm.driver.results import GraphEdge, GraphNode

__all__ = [
    "BACKEND",
    "MemoryGraph",
    "Node",
    "Rel",
    "drop_graph",
    "graph_named",
    "output",
    "storable",
]

#: The backend's registry name, in every error message.
BACKEND = "example"


@dataclass
class Node:
    """A stored node: its id, labels and properties."""

    id: int
    labels: list[str]
    props: dict[str, Any] = field(default_factory=dict)


@dataclass
class Rel:
    """A stored relationship: its id, type, start and end node ids, and properties."""

    id: int
    type: str
    start: int
    end: int
    props: dict[str, Any] = field(default_factory=dict)


class MemoryGraph:
    """Nodes and relationships by id; one statement at a time (``lock``)."""

    def __init__(self) -> None:
        self.nodes: dict[int, Node] = {}
        self.rels: dict[int, Rel] = {}
        #: node id -> ids of the relationships starting or ending at it
        self.touching: dict[int, set[int]] = {}
        self.next_id = 0
        self.lock = threading.Lock()

    def copy(self) -> MemoryGraph:
        """A deep enough copy for a write to work on (entities and their properties)."""
        other = MemoryGraph()
        other.nodes = {i: Node(n.id, list(n.labels), dict(n.props)) for i, n in self.nodes.items()}
        other.rels = {
            i: Rel(r.id, r.type, r.start, r.end, dict(r.props)) for i, r in self.rels.items()
        }
        other.touching = {i: set(ids) for i, ids in self.touching.items()}
        other.next_id = self.next_id
        return other

    def take(self, other: MemoryGraph) -> None:
        """Adopt the state of ``other`` (a successful write's working copy)."""
        self.nodes, self.rels, self.touching = other.nodes, other.rels, other.touching
        self.next_id = other.next_id

    def add_rel(self, rel: Rel) -> None:
        self.rels[rel.id] = rel
        for end in (rel.start, rel.end):
            self.touching.setdefault(end, set()).add(rel.id)

    def remove_rel(self, rel_id: int) -> None:
        rel = self.rels.pop(rel_id, None)
        if rel is not None:
            for end in (rel.start, rel.end):
                self.touching.get(end, set()).discard(rel_id)

    def rels_at(self, node_id: int) -> list[Rel]:
        """The relationships starting or ending at node ``node_id``."""
        return [self.rels[i] for i in sorted(self.touching.get(node_id, ()))]

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1


_GRAPHS: dict[str, MemoryGraph] = {}
_GRAPHS_LOCK = threading.Lock()


def graph_named(name: str) -> MemoryGraph:
    """The process-wide graph called ``name`` (created empty on first use)."""
    with _GRAPHS_LOCK:
        return _GRAPHS.setdefault(name, MemoryGraph())


def drop_graph(name: str) -> None:
    """Forget the graph called ``name`` (no error when there is none)."""
    with _GRAPHS_LOCK:
        _GRAPHS.pop(name, None)


def output(value: Any) -> Any:
    """A value as a driver returns it: nodes and relationships as GraphNode/GraphEdge."""
    if isinstance(value, Node):
        return GraphNode(value.id, tuple(value.labels), dict(value.props))
    if isinstance(value, Rel):
        return GraphEdge(value.id, value.type, value.start, value.end, dict(value.props))
    if isinstance(value, list | tuple):
        return [output(v) for v in value]
    if isinstance(value, Mapping):
        return {k: output(v) for k, v in value.items()}
    return value


_PRIMITIVE = (bool, int, float, str)


def storable(key: str, value: Any) -> Any:
    """``value`` as stored: primitives, lists of them, flat maps of them (how points are
    stored); anything else (a nested map, a node) is refused, as servers refuse it."""
    if isinstance(value, _PRIMITIVE):
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, _PRIMITIVE) for v in value):
        return list(value)
    if isinstance(value, Mapping) and all(
        isinstance(v, _PRIMITIVE) or v is None for v in value.values()
    ):
        return dict(value)
    raise TypeError(
        f"property {key!r}: values are booleans, numbers, strings, lists of them or flat "
        f"maps of them, not {value!r}"
    )
