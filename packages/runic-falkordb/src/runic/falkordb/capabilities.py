"""What the FalkorDB backend can do, declared once: read by its dialect and its registry spec."""

from __future__ import annotations

from runic.ogm.driver.protocols import Capability

__all__ = ["FALKORDB"]

FALKORDB = frozenset(
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
