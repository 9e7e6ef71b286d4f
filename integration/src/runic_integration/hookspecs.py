"""The plugin hook: how a backend package adds its profile (and providers) to the suite.

A distribution declares an entry point in the group ``runic.integration_providers``
whose target (a module or object) implements :func:`runic_integration_profiles`::

    # pyproject.toml
    [project.entry-points."runic.integration_providers"]
    mybackend = "mypkg.integration"

    # mypkg/integration.py
    from runic_integration import BackendProfile, hookimpl

    @hookimpl
    def runic_integration_profiles(registry):
        registry.add(BackendProfile("mybackend", [MyProvider()]))

``registry.add_provider("falkordb", provider)`` adds a provider to a profile
registered by someone else (e.g. a company-internal server farm).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from runic_integration.registry import ProfileRegistry

__all__ = [
    "ENTRY_POINT_GROUP",
    "PROJECT_NAME",
    "hookimpl",
    "hookspec",
    "runic_integration_profiles",
]

PROJECT_NAME = "runic_integration"
ENTRY_POINT_GROUP = "runic.integration_providers"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec(historic=True)
def runic_integration_profiles(registry: ProfileRegistry) -> None:
    """Register backend profiles with ``registry.add(...)`` and providers with
    ``registry.add_provider(backend, provider)``."""
