"""Bolt backends for runic: Neo4j, Memgraph and ArcadeDB on the official neo4j driver.

>>> from runic.bolt import create_arcadedb_driver
>>> driver = create_arcadedb_driver("localhost", 7687, "MyDB", "root", "secret")  # doctest: +SKIP

or through the registry: ``runic.ogm.create_driver("neo4j", host=..., password=...)``.

Names are loaded on first use, so importing the registry plugin
(``runic.bolt.plugin``) does not import the neo4j driver.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runic.bolt._errors import (
        BoltAuthenticationError,
        BoltSettingsError,
        DatabaseNotFoundError,
    )
    from runic.bolt.async_driver import AsyncBoltDriver, AsyncBoltTransaction
    from runic.bolt.dialect import ArcadeDBDialect, BoltDialect, MemgraphDialect, Neo4jDialect
    from runic.bolt.driver import BoltDriver, BoltTransaction, TransactionState
    from runic.bolt.factories import (
        create_arcadedb_driver,
        create_async_arcadedb_driver,
        create_async_bolt_driver,
        create_async_memgraph_driver,
        create_async_neo4j_driver,
        create_bolt_driver,
        create_memgraph_driver,
        create_neo4j_driver,
        dialect_for,
    )

_WHERE = {
    "BoltAuthenticationError": "runic.bolt._errors",
    "BoltSettingsError": "runic.bolt._errors",
    "DatabaseNotFoundError": "runic.bolt._errors",
    "AsyncBoltDriver": "runic.bolt.async_driver",
    "AsyncBoltTransaction": "runic.bolt.async_driver",
    "ArcadeDBDialect": "runic.bolt.dialect",
    "BoltDialect": "runic.bolt.dialect",
    "MemgraphDialect": "runic.bolt.dialect",
    "Neo4jDialect": "runic.bolt.dialect",
    "BoltDriver": "runic.bolt.driver",
    "BoltTransaction": "runic.bolt.driver",
    "TransactionState": "runic.bolt.driver",
    "create_arcadedb_driver": "runic.bolt.factories",
    "create_async_arcadedb_driver": "runic.bolt.factories",
    "create_async_bolt_driver": "runic.bolt.factories",
    "create_async_memgraph_driver": "runic.bolt.factories",
    "create_async_neo4j_driver": "runic.bolt.factories",
    "create_bolt_driver": "runic.bolt.factories",
    "create_memgraph_driver": "runic.bolt.factories",
    "create_neo4j_driver": "runic.bolt.factories",
    "dialect_for": "runic.bolt.factories",
}

__all__ = [
    "ArcadeDBDialect",
    "AsyncBoltDriver",
    "AsyncBoltTransaction",
    "BoltAuthenticationError",
    "BoltDialect",
    "BoltDriver",
    "BoltSettingsError",
    "BoltTransaction",
    "DatabaseNotFoundError",
    "MemgraphDialect",
    "Neo4jDialect",
    "TransactionState",
    "create_arcadedb_driver",
    "create_async_arcadedb_driver",
    "create_async_bolt_driver",
    "create_async_memgraph_driver",
    "create_async_neo4j_driver",
    "create_bolt_driver",
    "create_memgraph_driver",
    "create_neo4j_driver",
    "dialect_for",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
