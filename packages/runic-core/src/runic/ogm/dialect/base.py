"""What the core needs from any dialect, and what a compilation produces.

A dialect is pure (no I/O): :meth:`GraphDialect.compile` turns a statement's IR
into a :class:`CompiledQuery`; a feature the backend lacks raises
:class:`~runic.ogm.exceptions.UnsupportedFeatureError` before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from runic.ogm.capabilities import Capability

if TYPE_CHECKING:
    from runic.ogm.dialect.compiler import RelPattern
    from runic.ogm.query.ir import Query, ReturnItem
    from runic.ogm.session.ops import Statement

__all__ = ["CompiledQuery", "GraphDialect"]


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    """A statement ready to send: text, parameters and the result decoding spec.

    ``params`` is shared by every user of a cached compilation: do not mutate it.
    """

    cypher: str
    params: dict[str, Any]
    columns: tuple[str, ...]
    returns: tuple[ReturnItem, ...]


@runtime_checkable
class GraphDialect(Protocol):
    """What the core needs from a backend's dialect."""

    name: str
    capabilities: frozenset[Capability]

    def supports(self, capability: Capability) -> bool:
        """True when the backend has ``capability``."""
        ...

    def compile(self, query: Query) -> CompiledQuery:
        """Render ``query``; raise UnsupportedFeatureError for a missing feature."""
        ...

    def wrap_param(self, cypher_fn: str | None, ref: str, field: str | None = None) -> str:
        """``cypher_fn(ref)``, ``ref`` (a constructor stored plainly), or raise
        UnsupportedFeatureError naming ``field`` when the backend cannot call it."""
        ...

    def quote_identifier(self, name: str) -> str:
        """Validate and quote a label, relationship type or property name."""
        ...

    def node_id_expr(self, var: str) -> str:
        """The expression giving the database id of node variable ``var``."""
        ...

    def render_labels(self, labels: tuple[str, ...]) -> str:
        """The label part of a node pattern that matches ``labels``."""
        ...

    def render_create_labels(self, labels: tuple[str, ...]) -> str:
        """The label part of a ``CREATE`` pattern giving a node ``labels``."""
        ...

    def render_key_match(self, var: str, labels: tuple[str, ...], prop: str, param: str) -> str:
        """``MATCH`` one node of ``labels`` by the value ``param`` of property ``prop``."""
        ...

    def render_id_list(self, nodes: str) -> str | None:
        """An expression mapping node list ``nodes`` to ids (``None``: not expressible)."""
        ...

    def render_create(
        self, var: str, labels: tuple[str, ...], items: Sequence[tuple[str, str]]
    ) -> str:
        """The clause creating one node per flush row: ``CREATE (var:Labels) SET ...``."""
        ...

    def flush_variable(self, name: str, part: int) -> str:
        """The name of variable ``name`` in part ``part`` of a flush statement."""
        ...

    def render_edge_match(self, pattern: str, where: str) -> str:
        """The clause binding the edges a flush deletes: ``MATCH pattern WHERE where``."""
        ...

    def render_set(self, var: str, items: Sequence[tuple[str, str]], carry: str) -> str:
        """``SET var.p = v, ...`` on an existing entity (``carry``: the other live variables)."""
        ...

    def render_merge_parts(
        self,
        rows: str,
        rel: RelPattern,
        var: str,
        items: Sequence[tuple[str, str]],
        *,
        only_on_create: bool,
    ) -> list[str]:
        """The flush parts merging edge ``rel`` between existing nodes, one per row."""
        ...

    def render_key_guard(
        self, checks: Sequence[tuple[str, str, str]], var: str, exclude: str | None
    ) -> str | None:
        """The flush's leading part: one row (``var`` = 0) when no key exists, else none."""
        ...

    def render_guarded(self, guard: str, body: str, columns: Sequence[str]) -> str | None:
        """``guard`` followed by a whole flush statement ``body`` (``None``: cannot)."""
        ...

    def key_lock_statement(self, keys: Mapping[tuple[str, str], Sequence[Any]]) -> Statement | None:
        """A statement locking the keys a flush inserts until the transaction ends, or None."""
        ...
