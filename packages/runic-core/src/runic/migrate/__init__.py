"""Schema management: make the indexes and constraints models declare real.

``SchemaManager(driver).sync_schema([Person, Knows])`` at start-up creates what
is missing (a session never creates indexes on its own); ``validate_schema``
reports missing and extra indexes. The async twins take async drivers. The
logic is written once, as sans-I/O generators (:mod:`runic.migrate.ops`).

Versioned migrations (revision files, ``op``, the version store and lock) are
in :mod:`runic.migrate.command` (the Python API of ``runic migrate``).
"""

from __future__ import annotations

from runic.migrate.adapters import (
    AsyncSchemaAdapter,
    SchemaAdapter,
    create_adapter,
    create_async_adapter,
)
from runic.migrate.managers import (
    AsyncIndexManager,
    AsyncSchemaManager,
    IndexManager,
    SchemaManager,
)
from runic.migrate.ops import ValidationResult
from runic.ogm.schema import IndexSpec, extract_declared_specs

__all__ = [
    "AsyncIndexManager",
    "AsyncSchemaAdapter",
    "AsyncSchemaManager",
    "IndexManager",
    "IndexSpec",
    "SchemaAdapter",
    "SchemaManager",
    "ValidationResult",
    "create_adapter",
    "create_async_adapter",
    "extract_declared_specs",
]
