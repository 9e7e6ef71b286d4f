"""What the session needs to know about a model class, computed once per class.

Pure code. Flushing or hydrating thousands of entities of one class repeats the
same metadata look-ups per entity; a :class:`ClassPlan` turns them into a few
attribute reads. One plan per model class, built on first use and kept for the
life of the class (a class's fields, key and relations never change once it is
defined): :func:`class_plan` for Node classes, :func:`edge_plan` for Edge
classes, kept apart so that a look-up by kind never finds a class of the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runic.ogm.core.descriptors import FieldDescriptor
from runic.ogm.core.metadata import NodeMeta
from runic.ogm.core.types import unwrap_optional
from runic.ogm.exceptions import FieldValidationError
from runic.ogm.session.entities import _to_graph

if TYPE_CHECKING:
    from runic.ogm.core.types import TypeConverter

__all__ = [
    "IMMUTABLE_TYPES",
    "MUTABLE_TYPES",
    "NODE_PLANS",
    "ClassPlan",
    "FieldPlan",
    "class_plan",
    "default_edge",
    "edge_plan",
]

FieldPlan = tuple[tuple[str, str, "TypeConverter | None", bool], ...]
"""``(name, graph name, converter, generated)`` per property field."""

_SIMPLE_PK_TYPES = (str, int, float, bytes)
#: values of these exact types never need a deep-copied snapshot
IMMUTABLE_TYPES = frozenset({str, int, float, bool, type(None), bytes})
#: as runic.ogm.core.state: values of these types are snapshot by deep copy
MUTABLE_TYPES = (list, dict, set, bytearray)


class ClassPlan:
    """Everything the flush and hydration need about one model class.

    For a Node class: its labels and key (``pk``, the exact type a key needs no
    further check for, whether the database generates it), the fields an insert
    writes and the fields that must hold a value, whether it has relations and
    which of them every read loads (``eager``: the ``lazy=False`` ones), and how
    a graph node's properties become its attributes (``read_fields``; with
    ``read_plain`` a node holding exactly the fields is copied in one step). For
    an Edge class the node-only parts are empty, and :meth:`default_edge` gives
    the properties of an edge created by assignment.
    """

    __slots__ = (
        "_edge_defaults",
        "cls",
        "eager",
        "eager_names",
        "field_names",
        "has_relations",
        "insert_fields",
        "insert_names",
        "insert_plain",
        "key_desc",
        "label",
        "labels",
        "meta",
        "must_have",
        "pk",
        "pk_converter",
        "pk_generated",
        "pk_prop",
        "pk_type",
        "read_fields",
        "read_names",
        "read_plain",
    )

    def __init__(self, cls: type) -> None:
        meta = cls.__runic_meta__  # type: ignore[attr-defined]
        #: the class's NodeMeta (its EdgeMeta for an Edge class)
        self.meta: Any = meta
        self.cls: Any = cls  # a Node or Edge subclass
        fields: dict[str, FieldDescriptor] = meta.fields
        self.field_names = tuple(fields)
        self.read_fields: FieldPlan = tuple(
            (n, d.graph_name, d.converter, d.generated) for n, d in fields.items()
        )
        self.read_names = frozenset(fields)
        # no field converts, none is stored under another name, no generated key
        self.read_plain = all(
            conv is None and not gen and prop == name for name, prop, conv, gen in self.read_fields
        )
        is_node = isinstance(meta, NodeMeta)
        self.labels: tuple[str, ...] = meta.labels if is_node else ()
        self.label: str = meta.primary_label if is_node else ""
        self.pk: str | None = meta.pk_field_name if is_node else None
        pk_desc = fields[self.pk] if self.pk is not None else None
        self.pk_generated = pk_desc is not None and pk_desc.generated
        self.pk_converter = pk_desc.converter if pk_desc is not None else None
        self.pk_prop: str = pk_desc.graph_name if pk_desc is not None else ""
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
            for name, desc in fields.items()
            if is_node and (desc.required or (name == self.pk and not desc.generated))
        )
        self.insert_fields = tuple(d for d in fields.values() if not d.generated)
        self.insert_names = tuple(d.name for d in self.insert_fields)
        # no converter on any inserted field: rows are the attribute values as they are
        self.insert_plain = all(d.converter is None for d in self.insert_fields)
        self.has_relations = bool(meta.relations) if is_node else False
        #: the ``lazy=False`` relations, loaded with every read of the class
        self.eager: tuple[FieldDescriptor, ...] = (
            tuple(d for d in meta.relations.values() if not d.lazy) if is_node else ()
        )
        self.eager_names = tuple(d.name for d in self.eager)
        self._edge_defaults: tuple[tuple[FieldDescriptor, ...], list[Any]] | None = None

    def default_edge(self, desc: FieldDescriptor) -> tuple[tuple[FieldDescriptor, ...], list[Any]]:
        """The fields and graph values of an edge of this class made by assignment.

        Raises :class:`FieldValidationError` when a ``required`` field has no
        default: such an edge can only be made with ``relate(edge=...)``
        (``desc`` is the relation, for the message).
        """
        cached = self._edge_defaults
        if cached is not None:
            return cached
        fields = tuple(self.meta.fields.values())
        values = [d.make_default() if d.has_default else None for d in fields]
        name = self.cls.__name__
        for d, value in zip(fields, values, strict=True):
            if d.required and value is None:
                raise FieldValidationError(
                    f"{name}.{d.name} is required and has no default, so "
                    f"{desc.qualname} cannot create its edges by assignment; create each "
                    f"edge with session.relate(source, {desc.qualname}, target, "
                    f"edge={name}({d.name}=...)). Nothing was written."
                )
        cached = (fields, [_to_graph(d, v) for d, v in zip(fields, values, strict=True)])
        self._edge_defaults = cached
        return cached


NODE_PLANS: dict[type, ClassPlan] = {}
"""The plan of every Node class seen so far (``NODE_PLANS.get`` on hot paths)."""
_EDGE_PLANS: dict[type, ClassPlan] = {}


def class_plan(cls: type) -> ClassPlan:
    """The plan of the registered Node class ``cls`` (built on first use)."""
    try:
        return NODE_PLANS[cls]
    except KeyError:
        plan = NODE_PLANS[cls] = ClassPlan(cls)
        return plan


def edge_plan(cls: type) -> ClassPlan:
    """The plan of the registered Edge class ``cls`` (built on first use)."""
    try:
        return _EDGE_PLANS[cls]
    except KeyError:
        plan = _EDGE_PLANS[cls] = ClassPlan(cls)
        return plan


def default_edge(desc: FieldDescriptor) -> tuple[tuple[FieldDescriptor, ...], list[Any]]:
    """Properties for an edge created by assignment: the edge model's defaults, if any.

    Raises :class:`FieldValidationError` when the edge model has a ``required``
    field without a default: such an edge can only be made with ``relate(edge=...)``.
    """
    model = desc.edge_model
    if model is None:
        return (), []
    return edge_plan(model).default_edge(desc)
