"""Dialects: compile the backend-neutral IR (reads and writes) into a backend's Cypher.

:mod:`.base` holds what the core needs from any dialect (:class:`GraphDialect`,
:class:`CompiledQuery`); :mod:`.compiler` the openCypher reference compiler
(:class:`CypherDialect`) whose visitor methods a backend overrides.
"""

from __future__ import annotations

from runic.ogm.dialect.base import CompiledQuery, GraphDialect
from runic.ogm.dialect.compiler import (
    CypherDialect,
    RenderContext,
    check_function_name,
    default_dialect,
)

__all__ = [
    "CompiledQuery",
    "CypherDialect",
    "GraphDialect",
    "RenderContext",
    "check_function_name",
    "default_dialect",
]
