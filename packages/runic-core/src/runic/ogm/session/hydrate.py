"""Hydration: graph nodes and edges into model instances, through the identity map.

Pure code. One instance per graph node per session: a node already in the
identity map is returned as it is (its unflushed changes are kept), with only
expired fields filled in from the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from runic.ogm.core.metadata import default_metadata
from runic.ogm.core.state import STATE_KEY, EntityState
from runic.ogm.driver.results import GraphEdge, GraphNode
from runic.ogm.exceptions import MetadataError

if TYPE_CHECKING:
    from runic.ogm.core.models import Edge, Node
    from runic.ogm.core.types import TypeConverter
    from runic.ogm.session.core import SessionCore

__all__ = ["decode_edge", "decode_node", "field_plan", "identity_key"]

_MUTABLE = (list, dict, set, bytearray)  # as runic.ogm.core.state: snapshot by deep copy
# values of these exact types never need a deep-copied snapshot
_IMMUTABLE_TYPES = frozenset({str, int, float, bool, type(None), bytes})
_FieldPlan = tuple[tuple[str, str, "TypeConverter | None", bool], ...]
_PLANS: dict[type, _FieldPlan] = {}


def field_plan(cls: type) -> _FieldPlan:
    """``(name, graph name, converter, generated)`` per property field of ``cls`` (cached)."""
    plan = _PLANS.get(cls)
    if plan is None:
        fields: Any = cls.__dict__["__runic_meta__"].fields
        plan = tuple((n, d.graph_name, d.converter, d.generated) for n, d in fields.items())
        _PLANS[cls] = plan
    return plan


class _NodePlan:
    """How nodes with one label set become instances of one class (cached per labels).

    ``names`` are the property fields; when none converts, none is stored under
    another graph name and the key is not generated (``plain``), a node whose
    properties are exactly those fields is copied into the instance dict in one step.
    """

    __slots__ = (
        "cls",
        "fields",
        "label",
        "names",
        "pk_converter",
        "pk_generated",
        "pk_name",
        "pk_prop",
        "plain",
    )

    def __init__(self, cls: type[Node]) -> None:
        meta = cls.__runic_meta__
        self.cls = cls
        self.label: str = meta.primary_label
        self.pk_name: str | None = meta.pk_field_name
        pk_desc = meta.fields[self.pk_name] if self.pk_name is not None else None
        self.pk_generated = pk_desc is not None and pk_desc.generated
        self.pk_converter = pk_desc.converter if pk_desc is not None else None
        self.pk_prop: str = pk_desc.graph_name if pk_desc is not None else ""
        self.fields = field_plan(cls)
        self.names = frozenset(name for name, _, _, _ in self.fields)
        self.plain = all(
            conv is None and not gen and prop == name for name, prop, conv, gen in self.fields
        )


_NODE_PLANS: dict[tuple[tuple[str, ...], type | None], _NodePlan] = {}


def _node_plan(labels: tuple[str, ...], expected: type[Node] | None) -> _NodePlan:
    key = (labels, expected)
    plan = _NODE_PLANS.get(key)
    if plan is not None:
        return plan
    base = expected
    if base is not None:
        meta = base.__dict__.get("__runic_meta__")
        if meta is not None and not meta.label_set.issubset(labels):
            base = None  # not an ``expected`` node: decode it by its own labels
    found = default_metadata.node_class_for_labels(labels, base=base)
    if found is None:
        raise MetadataError(
            f"no Node class is registered for labels {list(labels)}; define a model "
            "with these labels or query it with session.execute()"
        )
    plan = _NODE_PLANS[key] = _NodePlan(found)
    return plan


def identity_key(cls: type[Node], pk_value: Any, graph_id: Any) -> tuple[Any, ...]:
    """The identity-map key of a node: primary label and key, else its graph id."""
    meta = cls.__runic_meta__
    if meta.pk_field_name is not None and pk_value is not None:
        return (meta.primary_label, pk_value)
    return ("#", graph_id)


def decode_node(core: SessionCore, node: GraphNode, expected: type[Node] | None = None) -> Any:
    """Return the session's instance for ``node``, creating it if needed."""
    plan = _NODE_PLANS.get((node.labels, expected)) or _node_plan(node.labels, expected)
    props = node.properties
    graph_id = node.id
    pk_name = plan.pk_name
    key: tuple[Any, ...]
    if pk_name is None:
        key = ("#", graph_id)
    else:
        pk_value = graph_id if plan.pk_generated else props.get(plan.pk_prop)
        if pk_value is None:
            key = ("#", graph_id)
        else:
            if plan.pk_converter is not None:
                pk_value = plan.pk_converter.from_graph(pk_value)
            key = (plan.label, pk_value)
    identity = core.identity
    existing = identity.get(key)
    cls = plan.cls
    if existing is not None:
        if _fill_expired(existing, cls, props, graph_id):
            core.register_loaded(existing, key, existing.__dict__[STATE_KEY])
        return existing
    obj = cls.__new__(cls)
    values = obj.__dict__
    if plan.plain and props.keys() == plan.names:
        values.update(props)  # exactly the fields, none converted: one C-level copy
    else:
        _read_fields(values, plan.fields, props, graph_id, pk_name)
    # ``values`` holds exactly the fields here: copy it as the snapshot, and let
    # take_snapshot deep-copy only the mutable values (lists, dicts ...), if any.
    state = EntityState(core, True, graph_id, values.copy())  # positional: hot path
    for value in values.values():
        if type(value) not in _IMMUTABLE_TYPES:
            mutable = [name for name, v in values.items() if isinstance(v, _MUTABLE)]
            if mutable:
                state.take_snapshot(values, mutable)
            break
    values[STATE_KEY] = state
    identity[key] = obj
    if state.mutable:
        core.watched[id(obj)] = obj
    return obj


def _fill_expired(obj: Any, cls: type, props: Any, graph_id: Any) -> bool:
    """Fill the fields of ``obj`` that are absent; return whether any was."""
    values = obj.__dict__
    state: EntityState = values[STATE_KEY]
    if state.graph_id is None:
        state.graph_id = graph_id
    missing = [n for n, _, _, _ in field_plan(cls) if n not in values]
    if not missing:
        return False
    meta: Any = cls.__dict__["__runic_meta__"]
    wanted = [entry for entry in field_plan(cls) if entry[0] in missing]
    _read_fields(values, wanted, props, graph_id, meta.pk_field_name)
    state.take_snapshot(values, missing)
    return True


def _read_fields(
    values: dict[str, Any],
    fields: Sequence[tuple[str, str, TypeConverter | None, bool]],
    props: Any,
    graph_id: Any,
    pk_name: str | None,
) -> None:
    """Set each of ``fields`` in ``values`` from the node's properties (converted)."""
    for name, prop, converter, generated in fields:
        if generated and name == pk_name:
            values[name] = graph_id  # a generated key is the node's id
            continue
        value = props.get(prop)
        if value is not None and converter is not None:
            value = converter.from_graph(value)
        values[name] = value


def decode_edge(edge: GraphEdge, expected: type[Edge] | None = None) -> Any:
    """Return an Edge model instance for ``edge`` (the raw edge if no model fits)."""
    cls = expected or default_metadata.edge_class_for_type(edge.type)
    if cls is None:
        return edge
    obj = cls.__new__(cls)
    values = obj.__dict__
    props = edge.properties
    for name, prop, converter, _ in field_plan(cls):
        value = props.get(prop)
        if value is not None and converter is not None:
            value = converter.from_graph(value)
        values[name] = value
    state = EntityState(None)
    state.persistent = True
    state.graph_id = edge.id
    values[STATE_KEY] = state
    return obj
