"""What the example backend can do, declared once: read by its dialect and its registry spec.

It has no transactions (each statement is atomic on its own), no search indexes,
no vector or point values and no interned strings; the integration suite skips
the tests needing those ("example: missing capability transactions").
"""

from __future__ import annotations

from runic.ogm.capabilities import Capability

__all__ = ["EXAMPLE"]

EXAMPLE = frozenset({Capability.MULTI_LABEL, Capability.READ_ONLY_QUERIES, Capability.ASYNC})
