"""Small helpers about managed entities, shared by the unit of work, the flush and reads.

Pure code; package-private (the leading underscores say so).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from runic.ogm.core.descriptors import FieldDescriptor
from runic.ogm.core.metadata import NodeMeta
from runic.ogm.core.models import Node
from runic.ogm.exceptions import FieldValidationError, OrmError, QueryBuildError

__all__ = ["StaleDataError"]


class StaleDataError(OrmError):
    """A flush expected a node that is no longer in the graph."""


def _entity_label(entity: Any) -> str:
    """``Person(id='ada')`` (or just ``Person`` without a key value), for messages."""
    cls = type(entity)
    meta = cls.__dict__.get("__runic_meta__")
    pk = getattr(meta, "pk_field_name", None)
    value = entity.__dict__.get(pk) if pk is not None else None
    return cls.__name__ if value is None else f"{cls.__name__}({pk}={value!r})"


def _meta(entity: Any) -> NodeMeta:
    """The metadata of an entity already known to be a registered Node (hot path)."""
    meta: NodeMeta = type(entity).__runic_meta__
    return meta


def _targets(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, Node):
        return [value]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [v for v in value if v is not None]
    raise QueryBuildError(f"a relation value must be a Node or a list of Nodes, got {value!r}")


def _by_class(entities: Iterable[Any]) -> dict[type, list[Any]]:
    """``entities`` grouped by class, in order of first appearance."""
    groups: dict[type, list[Any]] = {}
    for entity in entities:
        cls = type(entity)
        found = groups.get(cls)
        if found is None:
            groups[cls] = [entity]
        else:
            found.append(entity)
    return groups


def _to_graph(desc: FieldDescriptor, value: Any) -> Any:
    if value is None or desc.converter is None:
        return value
    try:
        return desc.converter.to_graph(value)
    except (TypeError, ValueError) as exc:
        raise FieldValidationError(f"{desc.qualname}: {exc}") from exc
