"""Name the entity and field behind a parameter value a driver refused (issue 12.10).

A driver that refuses a value (FalkorDB: NaN, infinities, integers over 64 bits,
NUL characters ...) raises an error carrying where the value is in the
statement's parameters: ``parameter`` (``"w0[5][5]"``), ``value`` and
``problem`` (the message after the path, ``" is nan; ..."``). The flush then
looks for that value among the entities it was writing, and reports
``Person(id='bad').score is nan; ...`` instead. Nothing of this runs unless a
statement failed that way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from runic.ogm.exceptions import FieldValidationError

__all__ = ["name_refused_value"]

_MAX_DEPTH = 8


def name_refused_value(
    exc: BaseException,
    entities: Iterable[Any],
    edges: Iterable[tuple[str, Any]] = (),
) -> FieldValidationError | None:
    """A :class:`FieldValidationError` naming entity, key and field, or ``None``.

    ``edges`` are ``(label, edge model instance)`` pairs, the label naming the
    edge for the message (``"Rated(Person(id='a') -> Article(id='x'))"``).
    ``None`` when ``exc`` does not carry a refused parameter value, or nothing
    given holds it.
    """
    problem = getattr(exc, "problem", None)
    if getattr(exc, "parameter", None) is None or not isinstance(problem, str):
        return None
    bad = getattr(exc, "value", None)
    from runic.ogm.session.entities import _entity_label

    candidates = [(_entity_label(entity), entity) for entity in entities]
    for label, obj in (*candidates, *edges):
        where = _locate_in_entity(label, obj, bad)
        if where is not None:
            return FieldValidationError(f"{where}{problem}")
    return None


def _locate_in_entity(label: str, entity: Any, bad: Any) -> str | None:
    meta = type(entity).__dict__.get("__runic_meta__")
    fields = getattr(meta, "fields", None)
    if not isinstance(fields, Mapping):
        return None
    values = entity.__dict__
    for name, desc in fields.items():
        if name not in values:
            continue
        value = values[name]
        converter = getattr(desc, "converter", None)
        if converter is not None and value is not None:
            try:
                value = converter.to_graph(value)
            except Exception:  # noqa: BLE001 - a value that does not convert is not this one
                continue
        path = _locate(value, bad, 0)
        if path is not None:
            return f"{label}.{name}{path}"
    return None


def _locate(value: Any, bad: Any, depth: int) -> str | None:
    if _same(value, bad):
        return ""
    if depth >= _MAX_DEPTH:
        return None
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            path = _locate(item, bad, depth + 1)
            if path is not None:
                return f"[{index}]{path}"
    elif isinstance(value, Mapping):
        for key, item in value.items():
            path = _locate(item, bad, depth + 1)
            if path is not None:
                return f"[{key!r}]{path}"
    return None


def _same(value: Any, bad: Any) -> bool:
    if value is bad:
        return True
    if type(value) is not type(bad) or isinstance(value, list | tuple | dict):
        return False
    if isinstance(value, float) and math.isnan(value) and math.isnan(bad):
        return True
    try:
        return bool(value == bad)
    except Exception:  # noqa: BLE001 - an odd __eq__ is simply not a match
        return False
