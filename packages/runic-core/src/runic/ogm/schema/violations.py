"""Turn a server's unique-constraint error into a DuplicateEntityError naming the entity."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from runic.ogm.exceptions import DuplicateEntityError, UniqueViolationError
from runic.ogm.schema.specs import extract_declared_specs

__all__ = ["taken_keys", "unique_violation"]


def unique_violation(
    exc: UniqueViolationError, entities: Iterable[Any], *, removed: bool = False
) -> DuplicateEntityError:
    """A :class:`DuplicateEntityError` naming the class, field and value at fault.

    The servers name the label (FalkorDB), the index (AGE: ``runic_uniq_<label>_<prop>``,
    ArcadeDB: ``<label>[<prop>]``) or only the constraint; the candidates are the
    written entities' unique fields whose label (and, when named, property) the
    message mentions, narrowed to the value when the message shows it (ArcadeDB,
    AGE). ``removed``: the entities whose key was taken left the session.
    """
    candidates = [
        f"{type(entity).__name__}.{attr}={value!r}"
        for entity, attr, value, _ in _narrowed(_candidates(str(exc), list(entities)))
    ]
    shown = list(dict.fromkeys(candidates))
    if len(shown) == 1:
        where = shown[0]
    elif shown:
        where = "one of " + ", ".join(shown)
    else:
        where = "a unique value"
    rest = (
        "; the entity with the taken key was removed from the session, everything else stays staged"
        if removed
        else ""
    )
    return DuplicateEntityError(
        f"a unique constraint refused the flush: {where} already exists in the graph; "
        f"load that entity and modify it instead. Nothing was written{rest}. ({exc})"
    )


def taken_keys(exc: UniqueViolationError, entities: Iterable[Any]) -> list[Any]:
    """The entities whose primary key value the server's message names as taken."""
    out: list[Any] = []
    for entity, attr, _, named in _candidates(str(exc), list(entities)):
        pk = getattr(type(entity).__runic_meta__, "pk_field_name", None)
        if named and attr == pk and all(e is not entity for e in out):
            out.append(entity)
    return out


def _candidates(text: str, entities: Sequence[Any]) -> list[tuple[Any, str, Any, bool]]:
    """(entity, attribute, value, value named in ``text``) of each suspect unique field."""
    out: list[tuple[Any, str, Any, bool]] = []
    none_named = _none_named(text, entities)
    for entity in entities:
        cls = type(entity)
        meta = getattr(cls, "__runic_meta__", None)
        label = getattr(meta, "primary_label", None)
        if label is None or (label not in text and not none_named):
            continue
        specs = [s for s in extract_declared_specs(cls) if s.index_type == "UNIQUE"]
        named = [s for s in specs if f"_{s.property}" in text or f"[{s.property}]" in text]
        for spec in named or specs:
            attr = _attribute(cls, spec.property)
            if attr is None:
                continue
            value = entity.__dict__.get(attr)
            out.append((entity, attr, value, _value_named(text, value)))
    return out


def _narrowed(
    candidates: list[tuple[Any, str, Any, bool]],
) -> list[tuple[Any, str, Any, bool]]:
    """Only the candidates whose value the message shows, when it shows any."""
    named = [c for c in candidates if c[3]]
    return named or candidates


def _value_named(text: str, value: Any) -> bool:
    """Whether ``text`` shows ``value`` as the duplicate (ArcadeDB's or AGE's form)."""
    if value is None:
        return False
    if f"key [{value}]" in text:  # ArcadeDB: "Duplicated key [v] found on index ..."
        return True
    try:
        shown = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return False
    return f"=({shown})" in text  # AGE: "Key (...)=("v") already exists."


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
