"""The built-in backend profiles, registered like any plugin's.

falkordb (runic-falkordb), neo4j, memgraph and arcadedb (runic-bolt), age (runic-age).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runic_integration.hookspecs import hookimpl

if TYPE_CHECKING:
    from runic_integration.registry import ProfileRegistry

__all__ = ["runic_integration_profiles"]


@hookimpl
def runic_integration_profiles(registry: ProfileRegistry) -> None:
    """Register fresh instances of the built-in profiles."""
    from runic_integration.backends.age import AGEProfile
    from runic_integration.backends.bolt import ArcadeDBProfile, MemgraphProfile, Neo4jProfile
    from runic_integration.backends.falkordb import FalkorDBProfile

    for profile in (
        FalkorDBProfile(),
        ArcadeDBProfile(),
        AGEProfile(),
        Neo4jProfile(),
        MemgraphProfile(),
    ):
        registry.add(profile)
