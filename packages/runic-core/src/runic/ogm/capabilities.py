"""What a backend can do: the :class:`Capability` flags its dialect declares.

Its own module (no driver or dialect code) so the IR, the dialects and the
drivers all import it without importing each other.
"""

from __future__ import annotations

import enum

__all__ = ["Capability"]


class Capability(enum.StrEnum):
    """Features a backend may or may not have.

    A dialect declares its capabilities; the core checks them before sending a
    statement so a missing feature fails early, naming the backend.
    """

    TRANSACTIONS = "transactions"
    MULTI_LABEL = "multi-label"
    FULLTEXT_SEARCH = "fulltext-search"
    VECTOR_SEARCH = "vector-search"
    VECTOR_TYPE = "vector-type"
    GEO_POINT = "geo-point"
    INTERNED_STRINGS = "interned-strings"
    READ_ONLY_QUERIES = "read-only-queries"
    ASYNC = "async"
