"""The write side of the IR: what a write statement does, as frozen data.

The session's flush planner (:mod:`runic.ogm.session.flush`) builds a
:class:`WriteQuery` and a dialect compiles it (``dialect.compile(query)``): the
IR names no Cypher keyword and no backend. Every part of a :class:`WriteQuery`
unwinds one list parameter of rows (``UNWIND $w0 AS row``) and does one thing
per row, so the statement count does not grow with the number of entities; the
rows are values (parameters), never part of the shape, so one compilation per
shape serves every flush of that shape (:meth:`WriteQuery.__hash__` ignores the
parameter values).

Parts:

* :class:`ClearEdges` -- remove every edge of one relation from existing nodes;
* :class:`DeleteEdge` -- remove the edges of one type between two existing nodes;
* :class:`SetProperties` -- set (``None``: remove) properties of existing nodes;
* :class:`MergeEdge` -- an edge between two existing nodes unless one exists;
* :class:`CreateEdge` -- a new edge (an end created by this statement, or the
  edges removed first by a :class:`ClearEdges`);
* :class:`DetachDelete` -- delete existing nodes with their edges;
* :class:`CreateNode` -- create nodes; later :class:`CreateEdge` parts reach
  them as :class:`NewNode` and the statement returns their ids.

:class:`KeyGuard` makes the statement write nothing (and return no row) when a
node already has one of the primary keys the creations insert; :class:`KeyLock`
asks a backend that needs it (AGE) to lock those keys first.

:class:`BulkWrite` is the other kind of write statement: set, remove or delete
on every node a read pattern matches (``update(User).where(...).values(...)``,
``delete(User).where(...)``; see :mod:`runic.ogm.query.bulk`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from runic.ogm.query.ir import Clause, Param

__all__ = [
    "BulkWrite",
    "ById",
    "ClearEdges",
    "CreateEdge",
    "CreateNode",
    "DeleteEdge",
    "DetachDelete",
    "EdgeType",
    "Endpoint",
    "KeyCheck",
    "KeyGuard",
    "KeyLock",
    "MergeEdge",
    "NewNode",
    "RowValue",
    "SetItem",
    "SetProperties",
    "WritePart",
    "WriteQuery",
]


@dataclass(frozen=True, slots=True)
class RowValue:
    """Column ``index`` of the current row, through a converter's ``cypher_fn``.

    ``field`` names the model field (``User.embedding``) for error messages.
    A ``null`` stays ``null`` (the function is not called on it).
    """

    index: int
    cypher_fn: str | None = None
    field: str | None = None


@dataclass(frozen=True, slots=True)
class SetItem:
    """Property ``prop`` (the graph name, unescaped) gets ``value``; ``null`` removes it."""

    prop: str
    value: RowValue


@dataclass(frozen=True, slots=True)
class EdgeType:
    """A relationship type and the direction it is matched in, from the part's source.

    A ``BOTH`` relation's edge is created source -> target (no backend stores
    undirected edges) and found in either direction.
    """

    rel_type: str
    direction: str

    def written(self) -> EdgeType:
        """The direction an edge is created in: ``BOTH`` is written ``OUTGOING``."""
        return self if self.direction != "BOTH" else EdgeType(self.rel_type, "OUTGOING")


@dataclass(frozen=True, slots=True)
class ById:
    """An edge end: the existing node whose database id is column ``index`` of the row."""

    index: int


@dataclass(frozen=True, slots=True)
class NewNode:
    """An edge end: a node of :class:`CreateNode` part number ``group`` (0 = the first
    creation part), at the position given by column ``index`` of the row."""

    group: int
    index: int


Endpoint: TypeAlias = ById | NewNode


@dataclass(frozen=True, slots=True)
class ClearEdges:
    """Remove every ``edge`` from each node whose id is a row, to nodes of ``target_label``."""

    rows: str
    edge: EdgeType
    target_label: str


@dataclass(frozen=True, slots=True)
class DeleteEdge:
    """Remove the ``edge`` edges between the nodes of ids ``row[0]`` and ``row[1]``."""

    rows: str
    edge: EdgeType


@dataclass(frozen=True, slots=True)
class SetProperties:
    """On the node of id ``row[0]``, set each item (a ``null`` value removes it)."""

    rows: str
    items: tuple[SetItem, ...]


@dataclass(frozen=True, slots=True)
class MergeEdge:
    """An ``edge`` between the nodes of ids ``row[0]`` and ``row[1]`` unless one exists.

    ``items`` are set on every merge, or with ``only_on_create`` on the edges it
    creates only.
    """

    rows: str
    edge: EdgeType
    items: tuple[SetItem, ...] = ()
    only_on_create: bool = False


@dataclass(frozen=True, slots=True)
class CreateEdge:
    """A new ``edge`` from ``source`` to ``target`` per row, with ``items`` set."""

    rows: str
    edge: EdgeType
    source: Endpoint
    target: Endpoint
    items: tuple[SetItem, ...] = ()


@dataclass(frozen=True, slots=True)
class DetachDelete:
    """Delete the node whose id is each row, and its edges."""

    rows: str


@dataclass(frozen=True, slots=True)
class CreateNode:
    """A node of ``labels`` per row with ``items``; the statement returns their ids."""

    rows: str
    labels: tuple[str, ...]
    items: tuple[SetItem, ...] = ()


WritePart: TypeAlias = (
    ClearEdges | DeleteEdge | SetProperties | MergeEdge | CreateEdge | DetachDelete | CreateNode
)


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """No node of ``label`` may have property ``prop`` equal to a value of list ``keys``."""

    label: str
    prop: str
    keys: str


@dataclass(frozen=True, slots=True)
class KeyGuard:
    """The statement writes nothing (no row back) when a :class:`KeyCheck` finds a node.

    ``exclude`` is the parameter listing node ids that do not count (the
    :class:`DetachDelete` of the same statement removes them first).
    """

    checks: tuple[KeyCheck, ...]
    exclude: str | None = None


@dataclass(frozen=True, slots=True)
class KeyLock:
    """Lock ``keys`` (values by (primary label, key property)) until the transaction ends.

    Sent before the statement by backends whose concurrent transactions cannot
    see each other's uncommitted nodes (AGE); the others ignore it.
    """

    keys: Mapping[tuple[str, str], Sequence[Any]] = field(compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class WriteQuery:
    """One write statement: ``parts`` in order, optionally guarded by ``guard``.

    Parts that create nothing run first, each joined to the next by an
    aggregate (so an empty match never stops the chain); then the
    :class:`CreateNode` parts and the :class:`CreateEdge` parts reaching new
    nodes. ``params`` holds every ``rows`` list, ``guard_params`` the guard's key
    lists (sent only where the dialect compiles the guard into the statement).
    Equality and hashing look at the shape only, not at the values.
    """

    parts: tuple[WritePart, ...]
    guard: KeyGuard | None = None
    lock: KeyLock | None = None
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    guard_params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class BulkWrite:
    """A write on every node a read pattern matches, returning how many (``rowcount``).

    ``clauses`` are read IR (:mod:`runic.ogm.query.ir`: the ``MATCH`` and ``WHERE``
    of a ``select()``); on the nodes bound to ``alias`` it sets ``sets``
    (property, value parameter) and removes ``removes``, or with ``delete``
    deletes them with their edges. With ``ids`` it also returns the database ids
    of those nodes (column ``ids``), for the session to update its identity map.
    """

    clauses: tuple[Clause, ...]
    alias: str
    sets: tuple[tuple[str, Param], ...] = ()
    removes: tuple[str, ...] = ()
    delete: bool = False
    ids: bool = False
