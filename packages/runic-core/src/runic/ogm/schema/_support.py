"""Small helpers the dialects share when compiling schema statements."""

from __future__ import annotations

from runic.ogm.exceptions import MetadataError
from runic.ogm.schema.specs import IndexSpec

__all__ = ["index_name", "vector_options"]


def vector_options(spec: IndexSpec, backend: str) -> tuple[int, str]:
    """``(dimension, similarity)`` of a VECTOR spec; a clear error when the dimension is missing."""
    if spec.dimension is None:
        raise MetadataError(
            f"{spec.describe()}: a vector index on {backend} needs a dimension; declare "
            "it on the field: Field(index_type='VECTOR', vector_dimension=N)"
        )
    return spec.dimension, spec.similarity or "cosine"


_PREFIX = {"RANGE": "idx", "UNIQUE": "uniq", "FULLTEXT": "ft", "VECTOR": "vec"}


def index_name(spec: IndexSpec) -> str:
    """``runic_<kind>_<label>_<prop>``: the name runic gives an index it creates."""
    edge = "e_" if spec.is_edge else ""
    return f"runic_{_PREFIX[spec.index_type]}_{edge}{spec.label}_{spec.property}"
