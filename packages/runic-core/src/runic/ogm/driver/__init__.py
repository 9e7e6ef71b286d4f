"""Driver protocols and the backend-neutral result types.

Concrete drivers live in the backend distributions (``runic.falkordb``,
``runic.bolt``, ``runic.age``); build one with
:func:`runic.ogm.driver.factory.create_driver`.
"""

from runic.ogm.driver.protocols import (
    AsyncGraphDriver,
    AsyncGraphTransaction,
    AsyncTransactionalGraphDriver,
    Capability,
    GraphDriver,
    GraphTransaction,
    TransactionalGraphDriver,
)
from runic.ogm.driver.results import GraphEdge, GraphNode, GraphPath, QueryResult

__all__ = [
    "AsyncGraphDriver",
    "AsyncGraphTransaction",
    "AsyncTransactionalGraphDriver",
    "Capability",
    "GraphDriver",
    "GraphEdge",
    "GraphNode",
    "GraphPath",
    "GraphTransaction",
    "QueryResult",
    "TransactionalGraphDriver",
]
