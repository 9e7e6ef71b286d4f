"""FalkorDB backend for runic: sync and async drivers, dialect, embedded server.

>>> from runic.falkordb import create_falkordb_driver
>>> driver = create_falkordb_driver("localhost", 6379, "my_graph")  # doctest: +SKIP
>>> driver = create_falkordb_driver(graph="tests")  # embedded server  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runic.falkordb._base import DEFAULT_GRAPH
from runic.falkordb.async_driver import AsyncFalkorDBDriver
from runic.falkordb.driver import FalkorDBDriver
from runic.falkordb.embedded import EmbeddedFalkorDB, EmbeddedServerError
from runic.falkordb.factories import create_async_falkordb_driver, create_falkordb_driver
from runic.falkordb.settings import ConnectionSettings, FalkorDBSettingsError

if TYPE_CHECKING:
    from runic.falkordb.dialect import FalkorDBDialect

__all__ = [
    "DEFAULT_GRAPH",
    "AsyncFalkorDBDriver",
    "ConnectionSettings",
    "EmbeddedFalkorDB",
    "EmbeddedServerError",
    "FalkorDBDialect",
    "FalkorDBDriver",
    "FalkorDBSettingsError",
    "create_async_falkordb_driver",
    "create_falkordb_driver",
]


def __getattr__(name: str) -> Any:
    # The dialect pulls in runic.ogm's query compiler: load it on first use only.
    if name == "FalkorDBDialect":
        from runic.falkordb.dialect import FalkorDBDialect

        return FalkorDBDialect
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
