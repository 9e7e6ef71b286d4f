"""``IndexManager`` / ``SchemaManager`` and their async twins: thin drivers of :mod:`.ops`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from runic.migrate import ops
from runic.migrate.adapters import as_adapter, as_async_adapter
from runic.migrate.ops import ValidationResult
from runic.ogm.schema.ir import DDL
from runic.ogm.schema.specs import IndexSpec, extract_declared_specs

__all__ = ["AsyncIndexManager", "AsyncSchemaManager", "IndexManager", "SchemaManager"]


class IndexManager:
    """Creates the indexes and constraints declared on entity classes.

    Takes a schema adapter, a runic driver, or a raw ``falkordb`` graph handle.
    """

    def __init__(self, adapter_or_driver_or_graph: Any) -> None:
        self.adapter = as_adapter(adapter_or_driver_or_graph)

    def create_indexes(self, entity_class: type, *, if_not_exists: bool = True) -> list[DDL]:
        """Create every spec declared on ``entity_class``; return the DDL run.

        With ``if_not_exists`` (default) specs already live are skipped;
        FULLTEXT specs of one label are created as one index.
        """
        a = self.adapter
        op = ops.create_op(
            a.dialect, a.graph, extract_declared_specs(entity_class), if_not_exists=if_not_exists
        )
        return ops.drive(op, a.run)

    def ensure_indexes(self, entity_class: type) -> None:
        """Create the missing specs of ``entity_class``."""
        self.create_indexes(entity_class, if_not_exists=True)

    def list_indexes(self) -> list[IndexSpec]:
        """The live indexes and constraints."""
        a = self.adapter
        return ops.drive(ops.live_op(a.dialect, a.graph), a.run)


class SchemaManager:
    """Validates and synchronises the live schema against entity declarations."""

    def __init__(self, adapter_or_driver_or_graph: Any) -> None:
        self.adapter = as_adapter(adapter_or_driver_or_graph)

    def ensure_entity_types(self, entity_classes: Sequence[type]) -> None:
        """Create vertex/edge types where the backend needs them (ArcadeDB, AGE)."""
        a = self.adapter
        ops.drive(ops.entity_types_op(a.dialect, a.graph, entity_classes), a.run)

    def validate_schema(self, entity_classes: Sequence[type]) -> ValidationResult:
        """Compare declared specs with the live graph."""
        a = self.adapter
        return ops.drive(ops.validate_op(a.dialect, a.graph, entity_classes, a.languages), a.run)

    def sync_schema(
        self, entity_classes: Sequence[type], *, drop_extra: bool = False, dry_run: bool = False
    ) -> list[DDL]:
        """Create types and missing specs (drop extras with ``drop_extra``); return the DDL.

        Waits until the backend has built the new indexes. ``dry_run`` sends only
        reads and returns the DDL that would run.
        """
        a = self.adapter
        op = ops.sync_op(
            a.dialect,
            a.graph,
            entity_classes,
            drop_extra=drop_extra,
            dry_run=dry_run,
            languages=a.languages,
        )
        return ops.drive(op, a.run)

    def list_indexes(self) -> list[IndexSpec]:
        """The live indexes and constraints."""
        a = self.adapter
        return ops.drive(ops.live_op(a.dialect, a.graph), a.run)


class AsyncIndexManager:
    """:class:`IndexManager` over an async driver."""

    def __init__(self, adapter_or_driver: Any) -> None:
        self.adapter = as_async_adapter(adapter_or_driver)

    async def create_indexes(self, entity_class: type, *, if_not_exists: bool = True) -> list[DDL]:
        """See :meth:`IndexManager.create_indexes`."""
        a = self.adapter
        op = ops.create_op(
            a.dialect, a.graph, extract_declared_specs(entity_class), if_not_exists=if_not_exists
        )
        return await ops.drive_async(op, a.run)

    async def ensure_indexes(self, entity_class: type) -> None:
        """See :meth:`IndexManager.ensure_indexes`."""
        await self.create_indexes(entity_class, if_not_exists=True)

    async def list_indexes(self) -> list[IndexSpec]:
        """The live indexes and constraints."""
        a = self.adapter
        return await ops.drive_async(ops.live_op(a.dialect, a.graph), a.run)


class AsyncSchemaManager:
    """:class:`SchemaManager` over an async driver."""

    def __init__(self, adapter_or_driver: Any) -> None:
        self.adapter = as_async_adapter(adapter_or_driver)

    async def ensure_entity_types(self, entity_classes: Sequence[type]) -> None:
        """See :meth:`SchemaManager.ensure_entity_types`."""
        a = self.adapter
        await ops.drive_async(ops.entity_types_op(a.dialect, a.graph, entity_classes), a.run)

    async def validate_schema(self, entity_classes: Sequence[type]) -> ValidationResult:
        """See :meth:`SchemaManager.validate_schema`."""
        a = self.adapter
        op = ops.validate_op(a.dialect, a.graph, entity_classes, a.languages)
        return await ops.drive_async(op, a.run)

    async def sync_schema(
        self, entity_classes: Sequence[type], *, drop_extra: bool = False, dry_run: bool = False
    ) -> list[DDL]:
        """See :meth:`SchemaManager.sync_schema`."""
        a = self.adapter
        op = ops.sync_op(
            a.dialect,
            a.graph,
            entity_classes,
            drop_extra=drop_extra,
            dry_run=dry_run,
            languages=a.languages,
        )
        return await ops.drive_async(op, a.run)

    async def list_indexes(self) -> list[IndexSpec]:
        """The live indexes and constraints."""
        a = self.adapter
        return await ops.drive_async(ops.live_op(a.dialect, a.graph), a.run)
