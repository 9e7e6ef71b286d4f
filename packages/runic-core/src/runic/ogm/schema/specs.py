"""Index specs: what a model declares, and what a live graph holds, as plain data."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from runic.ogm.identifiers import validate_identifier

__all__ = ["EntityKind", "IndexKind", "IndexSpec", "declared_specs", "extract_declared_specs"]

IndexKind = Literal["RANGE", "FULLTEXT", "VECTOR", "UNIQUE"]
EntityKind = Literal["node", "edge"]

_KINDS = ("RANGE", "FULLTEXT", "VECTOR", "UNIQUE")
_SIMILARITIES = ("cosine", "euclidean")


@dataclass(frozen=True, slots=True)
class IndexSpec:
    """One declared or existing index or constraint.

    ``label`` is the node label (or, with ``entity="edge"``, the relationship
    type), ``property`` the indexed graph property, ``index_type`` one of
    ``"RANGE"``, ``"FULLTEXT"``, ``"VECTOR"``, ``"UNIQUE"``. ``dimension`` and
    ``similarity`` are the options of a vector index; ``name`` is the server's
    name of an index read back from a live graph. Two specs are equal when
    label, property, type and entity kind are (options and names are not compared:
    not every backend reports them back).
    """

    label: str
    property: str
    index_type: IndexKind
    entity: EntityKind = "node"
    dimension: int | None = field(default=None, compare=False)
    similarity: str | None = field(default=None, compare=False)
    name: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.index_type not in _KINDS:
            raise ValueError(
                f"IndexSpec index_type must be one of {', '.join(_KINDS)}, got {self.index_type!r}"
            )
        if self.entity not in ("node", "edge"):
            raise ValueError(f"IndexSpec entity must be 'node' or 'edge', got {self.entity!r}")
        validate_identifier(self.label, "index label")
        validate_identifier(self.property, "index property")
        if self.similarity is not None and self.similarity not in _SIMILARITIES:
            raise ValueError(
                f"IndexSpec similarity must be one of {', '.join(_SIMILARITIES)}, "
                f"got {self.similarity!r}"
            )

    @builtins.property
    def is_edge(self) -> bool:
        """True for an index on relationships of type :attr:`label`."""
        return self.entity == "edge"

    def describe(self) -> str:
        """``UNIQUE Person.email`` / ``RANGE [KNOWS].since``, for reports and errors."""
        target = f"[{self.label}]" if self.is_edge else self.label
        return f"{self.index_type} {target}.{self.property}"


def extract_declared_specs(entity_class: type) -> list[IndexSpec]:
    """The :class:`IndexSpec` list declared by ``Field`` options on ``entity_class``.

    Rules (seed 003): ``unique=True`` gives UNIQUE (only UNIQUE when also
    ``index=True``); ``index=True`` gives RANGE; ``index_type="FULLTEXT"`` /
    ``"VECTOR"`` give FULLTEXT / VECTOR; relation fields are skipped. Beyond the
    seed, the primary-key field of a Node gives UNIQUE (unless the database
    generates it), so two sessions cannot insert the same key at once. Node
    specs use the class's primary label; Edge specs its relationship type.
    """
    from runic.ogm.core.models import Edge, Node

    entity: EntityKind
    pk_name: str | None = None
    if isinstance(entity_class, type) and issubclass(entity_class, Node):
        meta = entity_class.__runic_meta__
        label, fields, entity = meta.primary_label, meta.fields, "node"
        pk_name = meta.pk_field_name
    elif isinstance(entity_class, type) and issubclass(entity_class, Edge):
        emeta = entity_class.__runic_meta__
        label, fields, entity = emeta.type, emeta.fields, "edge"
    else:
        raise TypeError(
            f"extract_declared_specs() takes a Node or Edge subclass, got {entity_class!r}"
        )
    specs: list[IndexSpec] = []
    for name, desc in fields.items():
        if desc.is_relation:
            continue
        prop = desc.graph_name
        is_pk = name == pk_name and not desc.generated
        if desc.unique or is_pk:
            specs.append(IndexSpec(label, prop, "UNIQUE", entity))
        elif desc.index:
            specs.append(IndexSpec(label, prop, "RANGE", entity))
        if desc.index_type == "FULLTEXT":
            specs.append(IndexSpec(label, prop, "FULLTEXT", entity))
        elif desc.index_type == "VECTOR":
            specs.append(
                IndexSpec(
                    label,
                    prop,
                    "VECTOR",
                    entity,
                    dimension=desc.vector_dimension,
                    similarity=desc.similarity,
                )
            )
    return specs


def declared_specs(entity_classes: Iterable[type]) -> list[IndexSpec]:
    """Every class's declared specs, in order, without duplicates."""
    seen: set[IndexSpec] = set()
    out: list[IndexSpec] = []
    for cls in entity_classes:
        for spec in extract_declared_specs(cls):
            if spec not in seen:
                seen.add(spec)
                out.append(spec)
    return out
