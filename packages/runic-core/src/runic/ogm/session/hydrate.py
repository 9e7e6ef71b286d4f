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
from runic.ogm.session.classplan import (
    IMMUTABLE_TYPES,
    MUTABLE_TYPES,
    ClassPlan,
    class_plan,
    edge_plan,
)

if TYPE_CHECKING:
    from runic.ogm.core.models import Edge, Node
    from runic.ogm.core.types import TypeConverter
    from runic.ogm.session.core import SessionCore

__all__ = ["decode_edge", "decode_node"]

#: (node labels, expected class) -> the plan of the class such nodes decode to; the
#: registry empties it when a class is registered (or the registry restored)
_NODE_PLANS: dict[tuple[tuple[str, ...], type | None], ClassPlan] = default_metadata.derived


def _node_plan(labels: tuple[str, ...], expected: type[Node] | None) -> ClassPlan:
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
    plan = _NODE_PLANS[key] = class_plan(found)
    return plan


def decode_node(core: SessionCore, node: GraphNode, expected: type[Node] | None = None) -> Any:
    """Return the session's instance for ``node``, creating it if needed."""
    plan = _NODE_PLANS.get((node.labels, expected)) or _node_plan(node.labels, expected)
    props = node.properties
    graph_id = node.id
    pk_name = plan.pk
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
    if plan.read_plain and props.keys() == plan.read_names:
        values.update(props)  # exactly the fields, none converted: one C-level copy
    else:
        _read_fields(values, plan.read_fields, props, graph_id, pk_name)
    # ``values`` holds exactly the fields here: copy it as the snapshot, and let
    # take_snapshot deep-copy only the mutable values (lists, dicts ...), if any.
    state = EntityState(core, True, graph_id, values.copy())  # positional: hot path
    for value in values.values():
        if type(value) not in IMMUTABLE_TYPES:
            mutable = [name for name, v in values.items() if isinstance(v, MUTABLE_TYPES)]
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
    plan = class_plan(cls)
    missing = [n for n in plan.field_names if n not in values]
    if not missing:
        return False
    wanted = [entry for entry in plan.read_fields if entry[0] in missing]
    _read_fields(values, wanted, props, graph_id, plan.pk)
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
    for name, prop, converter, _ in edge_plan(cls).read_fields:
        value = props.get(prop)
        if value is not None and converter is not None:
            value = converter.from_graph(value)
        values[name] = value
    state = EntityState(None)
    state.persistent = True
    state.graph_id = edge.id
    values[STATE_KEY] = state
    return obj
