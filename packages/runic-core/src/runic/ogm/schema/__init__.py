"""Declared indexes and constraints (``IndexSpec``) and schema statements as data.

``extract_declared_specs(cls)`` reads a model's ``Field`` declarations; the
schema operations in :mod:`runic.ogm.schema.ir` are compiled by each dialect's
``compile_schema``. The managers that apply them live in :mod:`runic.migrate`.
"""

from __future__ import annotations

from runic.ogm.schema.ir import (
    DDL,
    CreateEntityType,
    CreateIndex,
    DropIndex,
    IndexStatus,
    ListIndexes,
    SchemaOp,
)
from runic.ogm.schema.specs import (
    EntityKind,
    IndexKind,
    IndexSpec,
    declared_specs,
    extract_declared_specs,
)

__all__ = [
    "DDL",
    "CreateEntityType",
    "CreateIndex",
    "DropIndex",
    "EntityKind",
    "IndexKind",
    "IndexSpec",
    "IndexStatus",
    "ListIndexes",
    "SchemaOp",
    "declared_specs",
    "extract_declared_specs",
]
