"""Shaping raw Cypher results for ``Repository.cypher(..., returns=...)``. Pure code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runic.ogm.core.models import Node
from runic.ogm.driver.results import GraphNode
from runic.ogm.exceptions import QueryBuildError

if TYPE_CHECKING:
    from runic.ogm.driver.results import QueryResult
    from runic.ogm.session.base import SessionBase

__all__ = ["shape"]

_SCALARS = (int, float, str, bool)


def shape(session: SessionBase, result: QueryResult, returns: Any) -> list[Any]:
    """Decode ``result`` as ``returns`` asks.

    ``None`` -> ``[]``; ``int``/``float``/``str``/``bool`` -> the first column
    converted; ``dict`` -> ``{column: value}`` dicts (nodes hydrated); a Node
    subclass -> its entities, taken from the first node-valued column.
    """
    if returns is None:
        return []
    if returns is dict:
        cols = result.columns
        return [
            {c: session.hydrate(v) for c, v in zip(cols, row, strict=True)} for row in result.rows
        ]
    if isinstance(returns, type) and returns in _SCALARS:
        out: list[Any] = []
        for row in result.rows:
            value = row[0]
            out.append(None if value is None else returns(value))
        return out
    if isinstance(returns, type) and issubclass(returns, Node):
        entities: list[Any] = []
        for row in result.rows:
            node = next((v for v in row if isinstance(v, GraphNode)), None)
            if node is None:
                raise QueryBuildError(
                    f"returns={returns.__name__} but a row has no node column; "
                    "return the node variable"
                )
            entity = session.hydrate(node, returns)
            if not isinstance(entity, returns):
                raise QueryBuildError(
                    f"returns={returns.__name__} but the query returned a "
                    f"{type(entity).__name__} node"
                )
            entities.append(entity)
        return entities
    raise QueryBuildError(
        f"returns must be None, int, float, str, bool, dict or a Node subclass, got {returns!r}"
    )
