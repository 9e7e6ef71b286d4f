"""What the core needs from any dialect, and what a compilation produces.

A dialect is pure (no I/O): :meth:`GraphDialect.compile` turns a statement's IR
(a read :class:`~runic.ogm.query.ir.Query` or a write
:class:`~runic.ogm.query.write.WriteQuery`) into a :class:`CompiledQuery`; a
feature the backend lacks raises
:class:`~runic.ogm.exceptions.UnsupportedFeatureError` before anything is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from runic.ogm.capabilities import Capability

if TYPE_CHECKING:
    from runic.ogm.query.ir import Query, ReturnItem
    from runic.ogm.query.write import BulkWrite, WriteQuery

__all__ = ["CompiledQuery", "GraphDialect"]


@dataclass(frozen=True, slots=True)
class CompiledQuery:
    """A statement ready to send: text, parameters and the result decoding spec.

    ``params`` is shared by every user of a cached compilation: do not mutate it.
    For a write statement, ``guarded`` tells that the text checks the statement's
    primary keys itself (a :class:`~runic.ogm.query.write.KeyGuard`: no row back
    when one is taken; otherwise the caller checks them first), and ``before``
    lists the statements to send ahead of it (e.g. AGE's key locks).
    """

    cypher: str
    params: dict[str, Any]
    columns: tuple[str, ...]
    returns: tuple[ReturnItem, ...]
    guarded: bool = False
    before: tuple[CompiledQuery, ...] = ()


@runtime_checkable
class GraphDialect(Protocol):
    """What the core needs from a backend's dialect: its name, capabilities and compile.

    Everything the session sends is IR (read or write) compiled here; how a backend
    renders it is the business of its compiler's visitors (see
    :class:`~runic.ogm.dialect.compiler.CypherDialect`).
    """

    name: str
    capabilities: frozenset[Capability]

    def supports(self, capability: Capability) -> bool:
        """True when the backend has ``capability``."""
        ...

    def compile(self, query: Query | WriteQuery | BulkWrite) -> CompiledQuery:
        """Render ``query``; raise UnsupportedFeatureError for a missing feature."""
        ...
