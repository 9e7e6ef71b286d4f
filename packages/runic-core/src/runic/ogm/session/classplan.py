"""What the session needs to know about a model class, computed once per class.

Pure code. Flushing thousands of entities of one class repeats the same metadata
look-ups per entity; these cached objects turn them into a few attribute reads.
"""

from __future__ import annotations

from typing import Any

from runic.ogm.core.descriptors import FieldDescriptor
from runic.ogm.core.metadata import NodeMeta
from runic.ogm.core.types import unwrap_optional
from runic.ogm.exceptions import FieldValidationError
from runic.ogm.session.entities import _to_graph

__all__: list[str] = []


class _Facts:
    """What a flush needs to know about a Node class, computed once per class.

    Flushing thousands of entities of one class repeats the same metadata look-ups
    per entity; these tuples turn them into a few attribute reads.
    """

    __slots__ = (
        "field_names",
        "has_relations",
        "insert_fields",
        "insert_names",
        "key_desc",
        "meta",
        "must_have",
        "pk",
        "pk_type",
        "plain",
    )

    def __init__(self, meta: NodeMeta) -> None:
        self.meta = meta
        self.pk = meta.pk_field_name
        pk_desc = meta.fields[self.pk] if self.pk is not None else None
        expected = (
            unwrap_optional(pk_desc.python_type)
            if pk_desc is not None and not pk_desc.generated
            else None
        )
        # a key whose type is exactly this one passes reads.check_pk_type
        self.pk_type: type | None = (
            expected if isinstance(expected, type) and expected in _SIMPLE_PK_TYPES else None
        )
        # the key field checked against the graph before inserting (not generated keys)
        self.key_desc = pk_desc if pk_desc is not None and not pk_desc.generated else None
        self.must_have = tuple(
            name
            for name, desc in meta.fields.items()
            if desc.required or (name == self.pk and not desc.generated)
        )
        self.field_names = tuple(meta.fields)
        self.insert_fields = tuple(d for d in meta.fields.values() if not d.generated)
        self.insert_names = tuple(d.name for d in self.insert_fields)
        # no converter on any inserted field: rows are the attribute values as they are
        self.plain = all(d.converter is None for d in self.insert_fields)
        self.has_relations = bool(meta.relations)


_SIMPLE_PK_TYPES = (str, int, float, bytes)
# values of these exact types never need a deep-copied snapshot
_IMMUTABLE_TYPES = frozenset({str, int, float, bool, type(None), bytes})
_MUTABLE = (list, dict, set, bytearray)  # as runic.ogm.core.state: snapshot by deep copy
_FACTS: dict[type, _Facts] = {}


def _facts(cls: type) -> _Facts:
    try:
        return _FACTS[cls]
    except KeyError:
        facts = _FACTS[cls] = _Facts(cls.__runic_meta__)  # type: ignore[attr-defined]
        return facts


_DEFAULT_EDGES: dict[type, tuple[tuple[FieldDescriptor, ...], list[Any]]] = {}


def _default_edge(desc: FieldDescriptor) -> tuple[tuple[FieldDescriptor, ...], list[Any]]:
    """Properties for an edge created by assignment: the edge model's defaults, if any.

    Raises :class:`FieldValidationError` when the edge model has a ``required``
    field without a default: such an edge can only be made with ``relate(edge=...)``.
    """
    model = desc.edge_model
    if model is None:
        return (), []
    cached = _DEFAULT_EDGES.get(model)
    if cached is None:
        fields = tuple(model.__runic_meta__.fields.values())
        values = [d.make_default() if d.has_default else None for d in fields]
        for d, value in zip(fields, values, strict=True):
            if d.required and value is None:
                raise FieldValidationError(
                    f"{model.__name__}.{d.name} is required and has no default, so "
                    f"{desc.qualname} cannot create its edges by assignment; create each "
                    f"edge with session.relate(source, {desc.qualname}, target, "
                    f"edge={model.__name__}({d.name}=...)). Nothing was written."
                )
        cached = (fields, [_to_graph(d, v) for d, v in zip(fields, values, strict=True)])
        _DEFAULT_EDGES[model] = cached
    return cached
