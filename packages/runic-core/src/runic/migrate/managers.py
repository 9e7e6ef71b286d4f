"""``IndexManager`` / ``SchemaManager`` and their async twins: thin drivers of :mod:`.ops`.

The operations are built once (:class:`_IndexOps`, :class:`_SchemaOps`); each
public method is one line driving one with the adapter's ``run``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from runic.migrate import ops
from runic.migrate.adapters import AsyncSchemaAdapter, SchemaAdapter, as_adapter, as_async_adapter
from runic.migrate.ops import SchemaTask, ValidationResult
from runic.ogm.schema.ir import DDL
from runic.ogm.schema.specs import IndexSpec, extract_declared_specs

__all__ = ["AsyncIndexManager", "AsyncSchemaManager", "IndexManager", "SchemaManager"]


class _Ops:
    """The operations of a manager over its adapter (sync or async alike)."""

    adapter: SchemaAdapter | AsyncSchemaAdapter

    def _list_op(self) -> SchemaTask[list[IndexSpec]]:
        a = self.adapter
        return ops.live_op(a.dialect, a.graph)


class _IndexOps(_Ops):
    def _create_op(self, entity_class: type, if_not_exists: bool) -> SchemaTask[list[DDL]]:
        a = self.adapter
        specs = extract_declared_specs(entity_class)
        return ops.create_op(a.dialect, a.graph, specs, if_not_exists=if_not_exists)


class _SchemaOps(_Ops):
    def _types_op(self, entity_classes: Sequence[type]) -> SchemaTask[None]:
        a = self.adapter
        return ops.entity_types_op(a.dialect, a.graph, entity_classes)

    def _validate_op(self, entity_classes: Sequence[type]) -> SchemaTask[ValidationResult]:
        a = self.adapter
        return ops.validate_op(a.dialect, a.graph, entity_classes, a.languages)

    def _sync_op(
        self, entity_classes: Sequence[type], drop_extra: bool, dry_run: bool
    ) -> SchemaTask[list[DDL]]:
        a = self.adapter
        return ops.sync_op(
            a.dialect,
            a.graph,
            entity_classes,
            drop_extra=drop_extra,
            dry_run=dry_run,
            languages=a.languages,
        )


class IndexManager(_IndexOps):
    """Creates the indexes and constraints declared on entity classes.

    Takes a schema adapter, a runic driver, or a raw ``falkordb`` graph handle.
    """

    adapter: SchemaAdapter

    def __init__(self, adapter_or_driver_or_graph: Any) -> None:
        self.adapter = as_adapter(adapter_or_driver_or_graph)

    def create_indexes(self, entity_class: type, *, if_not_exists: bool = True) -> list[DDL]:
        """Create every spec declared on ``entity_class``; return the DDL run.

        With ``if_not_exists`` (default) specs already live are skipped;
        FULLTEXT specs of one label are created as one index.
        """
        return ops.drive(self._create_op(entity_class, if_not_exists), self.adapter.run)

    def ensure_indexes(self, entity_class: type) -> None:
        """Create the missing specs of ``entity_class``."""
        self.create_indexes(entity_class, if_not_exists=True)

    def list_indexes(self) -> list[IndexSpec]:
        """The live indexes and constraints."""
        return ops.drive(self._list_op(), self.adapter.run)


class SchemaManager(_SchemaOps):
    """Validates and synchronises the live schema against entity declarations."""

    adapter: SchemaAdapter

    def __init__(self, adapter_or_driver_or_graph: Any) -> None:
        self.adapter = as_adapter(adapter_or_driver_or_graph)

    def ensure_entity_types(self, entity_classes: Sequence[type]) -> None:
        """Create vertex/edge types where the backend needs them (ArcadeDB, AGE)."""
        ops.drive(self._types_op(entity_classes), self.adapter.run)

    def validate_schema(self, entity_classes: Sequence[type]) -> ValidationResult:
        """Compare declared specs with the live graph."""
        return ops.drive(self._validate_op(entity_classes), self.adapter.run)

    def sync_schema(
        self, entity_classes: Sequence[type], *, drop_extra: bool = False, dry_run: bool = False
    ) -> list[DDL]:
        """Create types and missing specs (drop extras with ``drop_extra``); return the DDL.

        Waits until the backend has built the new indexes. ``dry_run`` sends only
        reads and returns the DDL that would run.
        """
        return ops.drive(self._sync_op(entity_classes, drop_extra, dry_run), self.adapter.run)

    def list_indexes(self) -> list[IndexSpec]:
        """The live indexes and constraints."""
        return ops.drive(self._list_op(), self.adapter.run)


class AsyncIndexManager(_IndexOps):
    """:class:`IndexManager` over an async driver."""

    adapter: AsyncSchemaAdapter

    def __init__(self, adapter_or_driver: Any) -> None:
        self.adapter = as_async_adapter(adapter_or_driver)

    async def create_indexes(self, entity_class: type, *, if_not_exists: bool = True) -> list[DDL]:
        """See :meth:`IndexManager.create_indexes`."""
        return await ops.drive_async(self._create_op(entity_class, if_not_exists), self.adapter.run)

    async def ensure_indexes(self, entity_class: type) -> None:
        """See :meth:`IndexManager.ensure_indexes`."""
        await self.create_indexes(entity_class, if_not_exists=True)

    async def list_indexes(self) -> list[IndexSpec]:
        """The live indexes and constraints."""
        return await ops.drive_async(self._list_op(), self.adapter.run)


class AsyncSchemaManager(_SchemaOps):
    """:class:`SchemaManager` over an async driver."""

    adapter: AsyncSchemaAdapter

    def __init__(self, adapter_or_driver: Any) -> None:
        self.adapter = as_async_adapter(adapter_or_driver)

    async def ensure_entity_types(self, entity_classes: Sequence[type]) -> None:
        """See :meth:`SchemaManager.ensure_entity_types`."""
        await ops.drive_async(self._types_op(entity_classes), self.adapter.run)

    async def validate_schema(self, entity_classes: Sequence[type]) -> ValidationResult:
        """See :meth:`SchemaManager.validate_schema`."""
        return await ops.drive_async(self._validate_op(entity_classes), self.adapter.run)

    async def sync_schema(
        self, entity_classes: Sequence[type], *, drop_extra: bool = False, dry_run: bool = False
    ) -> list[DDL]:
        """See :meth:`SchemaManager.sync_schema`."""
        op = self._sync_op(entity_classes, drop_extra, dry_run)
        return await ops.drive_async(op, self.adapter.run)

    async def list_indexes(self) -> list[IndexSpec]:
        """The live indexes and constraints."""
        return await ops.drive_async(self._list_op(), self.adapter.run)
