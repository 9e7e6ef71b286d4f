"""Models, fields, converters and the model registry."""

from runic.ogm.core.descriptors import MISSING, Field, FieldDescriptor, Relation
from runic.ogm.core.metadata import (
    EdgeMeta,
    MetaData,
    NodeMeta,
    default_metadata,
    edge_meta,
    node_meta,
)
from runic.ogm.core.models import Edge, Node
from runic.ogm.core.state import EntityState, changed_fields, inspect
from runic.ogm.core.types import (
    DateConverter,
    DatetimeConverter,
    EnumConverter,
    GeoLocation,
    GeoLocationConverter,
    TypeConverter,
    Vector,
    VectorConverter,
)

__all__ = [
    "MISSING",
    "DateConverter",
    "DatetimeConverter",
    "Edge",
    "EdgeMeta",
    "EntityState",
    "EnumConverter",
    "Field",
    "FieldDescriptor",
    "GeoLocation",
    "GeoLocationConverter",
    "MetaData",
    "Node",
    "NodeMeta",
    "Relation",
    "TypeConverter",
    "Vector",
    "VectorConverter",
    "changed_fields",
    "default_metadata",
    "edge_meta",
    "inspect",
    "node_meta",
]
