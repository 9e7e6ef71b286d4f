"""What each Bolt backend can do, declared once: read by its dialect and its registry spec.

A module of its own (importing nothing but runic-core) so that the plugin module can
register the backends without importing the dialects or the neo4j client.
"""

from __future__ import annotations

from runic.ogm.driver.protocols import Capability

__all__ = ["ARCADEDB", "BOLT", "MEMGRAPH", "NEO4J"]

#: Every Bolt backend.
BOLT = frozenset(
    {
        Capability.TRANSACTIONS,
        Capability.MULTI_LABEL,
        Capability.GEO_POINT,
        Capability.FULLTEXT_SEARCH,
        Capability.VECTOR_SEARCH,
        Capability.ASYNC,
    }
)
#: Neo4j enforces read access mode on the server.
NEO4J = BOLT | {Capability.READ_ONLY_QUERIES}
MEMGRAPH = BOLT
ARCADEDB = BOLT
