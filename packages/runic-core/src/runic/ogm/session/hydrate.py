"""Hydration: graph nodes and edges into model instances, through the identity map.

Pure code. One instance per graph node per session: a node already in the
identity map is returned as it is (its unflushed changes are kept), with only
expired fields filled in from the row.
"""

from __future__ import annotations

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
_PLANS: dict[type, tuple[tuple[str, TypeConverter | None, bool], ...]] = {}
_LABEL_CACHE: dict[tuple[tuple[str, ...], type | None], type[Node]] = {}


def field_plan(cls: type) -> tuple[tuple[str, TypeConverter | None, bool], ...]:
    """``(name, converter, generated)`` for each property field of ``cls`` (cached)."""
    plan = _PLANS.get(cls)
    if plan is None:
        fields: Any = cls.__dict__["__runic_meta__"].fields
        plan = tuple((n, d.converter, d.generated) for n, d in fields.items())
        _PLANS[cls] = plan
    return plan


def _class_for(labels: tuple[str, ...], expected: type[Node] | None) -> type[Node]:
    if expected is not None:
        meta = expected.__dict__.get("__runic_meta__")
        if meta is not None and not meta.label_set.issubset(labels):
            expected = None  # not an ``expected`` node: decode it by its own labels
    key = (labels, expected)
    cls = _LABEL_CACHE.get(key)
    if cls is None:
        found = default_metadata.node_class_for_labels(labels, base=expected)
        if found is None:
            raise MetadataError(
                f"no Node class is registered for labels {list(labels)}; define a model "
                "with these labels or query it with session.execute()"
            )
        cls = _LABEL_CACHE[key] = found
    return cls


def identity_key(cls: type[Node], pk_value: Any, graph_id: Any) -> tuple[Any, ...]:
    """The identity-map key of a node: primary label and key, else its graph id."""
    meta = cls.__runic_meta__
    if meta.pk_field_name is not None and pk_value is not None:
        return (meta.primary_label, pk_value)
    return ("#", graph_id)


def decode_node(core: SessionCore, node: GraphNode, expected: type[Node] | None = None) -> Any:
    """Return the session's instance for ``node``, creating it if needed."""
    cls = _class_for(node.labels, expected)
    meta = cls.__runic_meta__
    props = node.properties
    pk_name = meta.pk_field_name
    pk_value: Any = None
    if pk_name is not None:
        pk_desc = meta.fields[pk_name]
        pk_value = node.id if pk_desc.generated else props.get(pk_name)
        if pk_value is not None and pk_desc.converter is not None:
            pk_value = pk_desc.converter.from_graph(pk_value)
    key = (meta.primary_label, pk_value) if pk_value is not None else ("#", node.id)
    existing = core.identity.get(key)
    if existing is not None:
        if _fill_expired(existing, cls, props, node.id):
            core.register_loaded(existing, key, existing.__dict__[STATE_KEY])
        return existing
    obj = cls.__new__(cls)
    values = obj.__dict__
    for name, converter, generated in field_plan(cls):
        if generated and name == pk_name:
            values[name] = node.id
            continue
        value = props.get(name)
        if value is not None and converter is not None:
            value = converter.from_graph(value)
        values[name] = value
    # ``values`` holds exactly the fields here: copy it as the snapshot, and let
    # take_snapshot deep-copy only the mutable values (lists, dicts ...), if any.
    state = EntityState(core, persistent=True, graph_id=node.id, snapshot=values.copy())
    mutable = [name for name, value in values.items() if isinstance(value, _MUTABLE)]
    if mutable:
        state.take_snapshot(values, mutable)
    values[STATE_KEY] = state
    core.register_loaded(obj, key, state)
    return obj


def _fill_expired(obj: Any, cls: type, props: Any, graph_id: Any) -> bool:
    """Fill the fields of ``obj`` that are absent; return whether any was."""
    values = obj.__dict__
    state: EntityState = values[STATE_KEY]
    if state.graph_id is None:
        state.graph_id = graph_id
    missing = [n for n, _, _ in field_plan(cls) if n not in values]
    if not missing:
        return False
    meta: Any = cls.__dict__["__runic_meta__"]
    for name, converter, generated in field_plan(cls):
        if name not in missing:
            continue
        if generated and name == meta.pk_field_name:
            values[name] = graph_id
            continue
        value = props.get(name)
        if value is not None and converter is not None:
            value = converter.from_graph(value)
        values[name] = value
    state.take_snapshot(values, missing)
    return True


def decode_edge(edge: GraphEdge, expected: type[Edge] | None = None) -> Any:
    """Return an Edge model instance for ``edge`` (the raw edge if no model fits)."""
    cls = expected or default_metadata.edge_class_for_type(edge.type)
    if cls is None:
        return edge
    obj = cls.__new__(cls)
    values = obj.__dict__
    props = edge.properties
    for name, converter, _ in field_plan(cls):
        value = props.get(name)
        if value is not None and converter is not None:
            value = converter.from_graph(value)
        values[name] = value
    state = EntityState(None)
    state.persistent = True
    state.graph_id = edge.id
    values[STATE_KEY] = state
    return obj
