"""Schema statements as data: the dialects compile them (``dialect.compile_schema``).

The schema managers build these frozen operations, never text; each dialect's
``compile_schema(op)`` returns the :class:`DDL` statements that carry the
operation out on its backend, and ``parse_indexes(op, results)`` turns the
results of a :class:`ListIndexes` back into :class:`IndexSpec` values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from runic.ogm.schema.specs import EntityKind, IndexSpec

__all__ = [
    "DDL",
    "CreateEntityType",
    "CreateIndex",
    "DDLLanguage",
    "DropIndex",
    "IndexStatus",
    "ListIndexes",
    "SchemaOp",
]

DDLLanguage = Literal["cypher", "sql", "command"]
"""How a :class:`DDL` statement is sent: as Cypher through the driver, as the
backend's own SQL (AGE: PostgreSQL; ArcadeDB: ArcadeDB SQL), or as a server
command (FalkorDB: a Redis command, ``args`` holding its words)."""


@dataclass(frozen=True, slots=True)
class DDL:
    """One compiled schema statement.

    ``text`` is what :meth:`describe` shows (and a dry run prints); ``args``
    the command's words for ``language="command"``; ``columns`` the result
    columns of a statement that returns rows; ``ignore_errors`` lists
    substrings of server errors that mean "already done" (for backends without
    ``IF NOT EXISTS``).
    """

    text: str
    language: DDLLanguage = "cypher"
    args: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    ignore_errors: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class CreateIndex:
    """Create the index or constraint ``spec`` (UNIQUE specs are constraints).

    ``spec`` may cover several properties of one label for backends that
    batch fulltext indexes: see :attr:`properties`.
    """

    spec: IndexSpec
    if_not_exists: bool = True
    #: every property of a batched fulltext index (``spec.property`` first)
    properties: tuple[str, ...] = ()

    @property
    def all_properties(self) -> tuple[str, ...]:
        """``properties`` or ``(spec.property,)``."""
        return self.properties or (self.spec.property,)


@dataclass(frozen=True, slots=True)
class DropIndex:
    """Drop the index or constraint ``spec`` (as read back, with its ``name``)."""

    spec: IndexSpec
    if_exists: bool = True


@dataclass(frozen=True, slots=True)
class ListIndexes:
    """Read the live indexes and constraints of the graph."""


@dataclass(frozen=True, slots=True)
class IndexStatus:
    """Read whether every index is built (FalkorDB builds them in the background)."""


@dataclass(frozen=True, slots=True)
class CreateEntityType:
    """Create the vertex or edge type ``label`` (backends with a schema: ArcadeDB, AGE)."""

    label: str
    entity: EntityKind = "node"


SchemaOp = CreateIndex | DropIndex | ListIndexes | IndexStatus | CreateEntityType
