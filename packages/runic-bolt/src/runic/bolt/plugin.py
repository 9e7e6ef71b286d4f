"""runic backend plugin: registers ``neo4j``, ``memgraph`` and ``arcadedb``.

Declared as three entry points (one per backend name) of the ``runic.backends``
group, all naming this module; the registry loads it once. The factories import
the drivers (and the neo4j client) only when called.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from runic.bolt import capabilities
from runic.ogm.driver.protocols import Capability
from runic.ogm.registry import (
    BackendRegistry,
    BackendSpec,
    accepts_keywords,
    hookimpl,
    keywords_of,
)
from runic.ogm.urls import parse_url

if TYPE_CHECKING:
    from runic.bolt.async_driver import AsyncBoltDriver
    from runic.bolt.driver import BoltDriver

__all__ = ["SPECS", "runic_register_backends"]

_INSTALL = "pip install ./packages/runic-bolt (from a runic checkout; not on PyPI)"


def _keywords() -> Iterable[str] | None:
    """The factory's own parameters and the neo4j driver's configuration keys.

    ``None`` (accept anything, the neo4j driver checks) if this neo4j version
    does not expose its configuration classes where runic looks for them.
    """
    from runic.bolt.driver import BoltDriver
    from runic.bolt.factories import create_bolt_driver

    try:
        from neo4j._conf import WorkspaceConfig
        from neo4j._sync.config import PoolConfig
    except ImportError:
        return None
    own = keywords_of(
        create_bolt_driver, BoltDriver.__init__, exclude=("backend", "self", "dialect", "auth")
    )
    return own | {
        *cast(Any, PoolConfig).keys(),  # classmethods: the keys the neo4j driver takes
        *cast(Any, WorkspaceConfig).keys(),
    } - {"auth"}


def _factories(backend: str) -> tuple[Any, Any]:
    @accepts_keywords(_keywords)
    def create_driver(**kwargs: Any) -> BoltDriver:
        from runic.bolt.factories import create_bolt_driver

        return create_bolt_driver(backend, **kwargs)

    @accepts_keywords(_keywords)
    def create_async_driver(**kwargs: Any) -> AsyncBoltDriver:
        from runic.bolt.factories import create_async_bolt_driver

        return create_async_bolt_driver(backend, **kwargs)

    create_driver.__doc__ = f"Registry factory: create_bolt_driver({backend!r}, **kwargs)."
    create_async_driver.__doc__ = (
        f"Registry async factory: create_async_bolt_driver({backend!r}, **kwargs)."
    )
    return create_driver, create_async_driver


def _spec(name: str, caps: frozenset[Capability], description: str) -> BackendSpec:
    """The backend's spec (``caps``: from :mod:`runic.bolt.capabilities`, as its dialect's)."""
    factory, async_factory = _factories(name)
    return BackendSpec(
        name=name,
        factory=factory,
        async_factory=async_factory,
        capabilities=caps,
        install_hint=_INSTALL,
        description=description,
        parse_url=lambda url: parse_url(url, path_key="database"),
    )


SPECS = (
    _spec(
        "neo4j",
        capabilities.NEO4J,
        "Neo4j 5+ over Bolt (sync and async, transactions, neo4j:// cluster routing)",
    ),
    _spec("memgraph", capabilities.MEMGRAPH, "Memgraph over Bolt (sync and async, transactions)"),
    _spec(
        "arcadedb",
        capabilities.ARCADEDB,
        "ArcadeDB's Bolt plugin (sync and async, transactions); database= is required",
    ),
)


@hookimpl
def runic_register_backends(registry: BackendRegistry) -> None:
    """Register the three Bolt backends."""
    for spec in SPECS:
        registry.register(spec)
