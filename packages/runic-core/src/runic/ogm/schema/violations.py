"""Turn a server's unique-constraint error into a DuplicateEntityError naming the entity."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from runic.ogm.exceptions import DuplicateEntityError, UniqueViolationError
from runic.ogm.schema.specs import extract_declared_specs

__all__ = ["unique_violation"]


def unique_violation(exc: UniqueViolationError, entities: Iterable[Any]) -> DuplicateEntityError:
    """A :class:`DuplicateEntityError` naming the class, field and value at fault.

    The servers name the label (FalkorDB), the index (AGE: ``runic_uniq_<label>_<prop>``)
    or only the constraint; the candidates are the flushed entities' unique fields
    whose label (and, when named, property) the message mentions.
    """
    text = str(exc)
    candidates: list[str] = []
    for entity in entities:
        cls = type(entity)
        meta = getattr(cls, "__runic_meta__", None)
        label = getattr(meta, "primary_label", None)
        if label is None or (label not in text and not _none_named(text, entities)):
            continue
        specs = [s for s in extract_declared_specs(cls) if s.index_type == "UNIQUE"]
        named = [s for s in specs if f"_{s.property}" in text or f"[{s.property}]" in text]
        for spec in named or specs:
            attr = _attribute(cls, spec.property)
            if attr is None:
                continue
            value = entity.__dict__.get(attr)
            candidates.append(f"{cls.__name__}.{attr}={value!r}")
    where = (
        "one of " + ", ".join(dict.fromkeys(candidates))
        if candidates else "a unique value"
    )
    return DuplicateEntityError(
        f"a unique constraint refused the flush: {where} already exists in the graph; "
        f"load that entity and modify it instead. Nothing was written. ({exc})"
    )


def _none_named(text: str, entities: Iterable[Any]) -> bool:
    """True when the message names no flushed label (then every entity is a candidate)."""
    for entity in entities:
        label = getattr(getattr(type(entity), "__runic_meta__", None), "primary_label", None)
        if label is not None and label in text:
            return False
    return True


def _attribute(cls: type, graph_name: str) -> str | None:
    fields = getattr(getattr(cls, "__runic_meta__", None), "fields", {})
    for name, desc in fields.items():
        if desc.graph_name == graph_name:
            return str(name)
    return None
