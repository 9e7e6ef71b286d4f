"""Decoding of AGE's ``agtype`` text output into Python and runic values.

PostgreSQL sends every ``cypher()`` result column as ``agtype`` text: JSON
extended with annotations after a value (``{...}::vertex``, ``{...}::edge``,
``[...]::path``, ``1.5::numeric``) and the floats ``NaN``, ``Infinity`` and
``-Infinity``. :func:`decode_agtype` turns that text into

* ``null`` -> ``None``, booleans -> ``bool``, integers -> ``int``, floats ->
  ``float``, ``::numeric`` -> :class:`decimal.Decimal`, strings -> ``str``;
* lists -> ``list``, maps -> ``dict``;
* ``::vertex`` -> :class:`~runic.ogm.driver.results.GraphNode`,
  ``::edge`` -> :class:`~runic.ogm.driver.results.GraphEdge`,
  ``::path`` -> :class:`~runic.ogm.driver.results.GraphPath`.

AGE allows one label per vertex; runic stores a node's other labels in the
:data:`LABELS_PROPERTY` property (see :mod:`runic.age.dialect`). The decoder
folds that property back into :attr:`GraphNode.labels` and leaves it out of the
properties, so nodes look the same as on multi-label backends.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from runic.ogm.driver.results import GraphEdge, GraphNode, GraphPath

__all__ = ["LABELS_PROPERTY", "AgtypeDecodeError", "decode_agtype", "make_edge", "make_node"]

LABELS_PROPERTY = "_labels"
"""The vertex property holding a node's labels beyond its AGE label."""

# AGE names unlabelled vertices "" (and "_ag_label_vertex" inside paths).
_NO_LABEL = frozenset({"", "_ag_label_vertex"})

_NUMBER = re.compile(r"-?(?:Infinity|NaN|\d+(\.\d+)?([eE][-+]?\d+)?)")
_WORD = re.compile(r"[a-z]+")
_SPACE = " \t\n\r"
_SCANSTRING: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_FLOATS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}
_CONSTANTS: dict[str, Any] = {"null": None, "true": True, "false": False}


class AgtypeDecodeError(ValueError):
    """The server sent agtype text this decoder does not understand."""


def make_node(value: Any) -> GraphNode:
    """Build a :class:`GraphNode` from a decoded ``::vertex`` map."""
    if not isinstance(value, dict) or "id" not in value:
        raise AgtypeDecodeError(f"a ::vertex must be a map with an id, got {value!r}")
    props = value.get("properties") or {}
    label = value.get("label") or ""
    labels: tuple[str, ...] = () if label in _NO_LABEL else (label,)
    extra = props.get(LABELS_PROPERTY)
    if extra is not None:
        props = {k: v for k, v in props.items() if k != LABELS_PROPERTY}
        if isinstance(extra, list):
            labels += tuple(x for x in extra if isinstance(x, str) and x not in labels)
    return GraphNode(value["id"], labels, props)


def make_edge(value: Any) -> GraphEdge:
    """Build a :class:`GraphEdge` from a decoded ``::edge`` map."""
    if not isinstance(value, dict) or not {"id", "start_id", "end_id"} <= value.keys():
        raise AgtypeDecodeError(f"an ::edge must be a map with id, start_id, end_id; got {value!r}")
    return GraphEdge(
        value["id"],
        value.get("label") or "",
        value["start_id"],
        value["end_id"],
        value.get("properties") or {},
    )


def _make_path(value: Any) -> GraphPath:
    if not isinstance(value, list) or len(value) % 2 != 1:
        raise AgtypeDecodeError(f"a ::path must alternate vertices and edges, got {value!r}")
    nodes = value[0::2]
    edges = value[1::2]
    if not all(isinstance(n, GraphNode) for n in nodes) or not all(
        isinstance(e, GraphEdge) for e in edges
    ):
        raise AgtypeDecodeError(f"a ::path must alternate vertices and edges, got {value!r}")
    return GraphPath(tuple(nodes), tuple(edges))


def _annotate(value: Any, annotation: str, raw: str) -> Any:
    if annotation == "vertex":
        return make_node(value)
    if annotation == "edge":
        return make_edge(value)
    if annotation == "path":
        return _make_path(value)
    if annotation == "numeric":
        return Decimal(raw)
    if annotation in ("float", "integer"):
        return value
    raise AgtypeDecodeError(f"unknown agtype annotation ::{annotation}")


class _Parser:
    """A recursive-descent parser over one agtype text."""

    __slots__ = ("pos", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, what: str) -> AgtypeDecodeError:
        snippet = self.text[max(0, self.pos - 20) : self.pos + 20]
        return AgtypeDecodeError(f"invalid agtype at offset {self.pos} ({what}): ...{snippet}...")

    def skip(self) -> None:
        text, pos = self.text, self.pos
        while pos < len(text) and text[pos] in _SPACE:
            pos += 1
        self.pos = pos

    def value(self) -> Any:
        self.skip()
        text = self.text
        if self.pos >= len(text):
            raise self.fail("unexpected end")
        start = self.pos
        char = text[start]
        if char == "{":
            value: Any = self.map()
        elif char == "[":
            value = self.list()
        elif char == '"':
            value, self.pos = _SCANSTRING(text, start + 1)
        else:
            number = _NUMBER.match(text, start)
            if number is not None:
                raw = number.group()
                self.pos = number.end()
                if raw in _FLOATS:
                    value = _FLOATS[raw]
                elif number.group(1) or number.group(2):
                    value = float(raw)
                else:
                    value = int(raw)
            else:
                word = _WORD.match(text, start)
                if word is None or word.group() not in _CONSTANTS:
                    raise self.fail("expected a value")
                value = _CONSTANTS[word.group()]
                self.pos = word.end()
        if text.startswith("::", self.pos):
            word = _WORD.match(text, self.pos + 2)
            if word is None:
                raise self.fail("expected an annotation after '::'")
            self.pos = word.end()
            value = _annotate(value, word.group(), text[start : self.pos - len(word.group()) - 2])
        return value

    def list(self) -> list[Any]:
        self.pos += 1
        items: list[Any] = []
        self.skip()
        if self.text.startswith("]", self.pos):
            self.pos += 1
            return items
        while True:
            items.append(self.value())
            self.skip()
            char = self.text[self.pos : self.pos + 1]
            self.pos += 1
            if char == "]":
                return items
            if char != ",":
                self.pos -= 1
                raise self.fail("expected ',' or ']'")

    def map(self) -> dict[str, Any]:
        self.pos += 1
        items: dict[str, Any] = {}
        self.skip()
        if self.text.startswith("}", self.pos):
            self.pos += 1
            return items
        text = self.text
        while True:
            self.skip()
            if not text.startswith('"', self.pos):
                raise self.fail("expected a quoted key")
            key, self.pos = _SCANSTRING(text, self.pos + 1)
            self.skip()
            if not text.startswith(":", self.pos) or text.startswith("::", self.pos):
                raise self.fail("expected ':'")
            self.pos += 1
            items[key] = self.value()
            self.skip()
            char = text[self.pos : self.pos + 1]
            self.pos += 1
            if char == "}":
                return items
            if char != ",":
                self.pos -= 1
                raise self.fail("expected ',' or '}'")


def _json(text: str) -> Any:
    return json.loads(text)


_VERTEX_KEYS = frozenset({"id", "label", "properties"})
_MISS: Any = object()


def _vertices_by_json(text: str) -> Any:
    """Decode text whose only annotations are ``::vertex`` with the C JSON parser.

    The common results (a vertex, a list of vertices, rows of them) are JSON once
    the ``::vertex`` suffixes are gone. Returns ``_MISS`` when unsure: another
    annotation, or a count of vertex maps that differs from the suffixes removed
    (a string or a plain map that looked like one); the full parser decides then.
    """
    suffixes = text.count("::")
    if suffixes != text.count("}::vertex"):
        return _MISS
    try:
        value = json.loads(text.replace("}::vertex", "}"))
    except ValueError:
        return _MISS
    found = 0

    def convert(item: Any) -> Any:
        nonlocal found
        kind = type(item)
        if kind is dict:
            if item.keys() == _VERTEX_KEYS:
                found += 1
                return make_node(item)
            return {key: convert(v) for key, v in item.items()}
        if kind is list:
            return [convert(v) for v in item]
        return item

    value = convert(value)
    return value if found == suffixes else _MISS


def decode_agtype(text: str | None) -> Any:
    """Decode one agtype value from its text form (``None`` for SQL ``NULL``)."""
    if text is None:
        return None
    if "::" not in text:
        # No annotation anywhere: plain JSON (plus NaN/Infinity, which json accepts).
        try:
            return _json(text)
        except ValueError:
            pass  # e.g. a bare -Infinity inside a list; the full parser decides
    else:
        value = _vertices_by_json(text)
        if value is not _MISS:
            return value
    parser = _Parser(text)
    try:
        value = parser.value()
    except (IndexError, ValueError) as exc:
        if isinstance(exc, AgtypeDecodeError):
            raise
        raise parser.fail(str(exc)) from exc
    parser.skip()
    if parser.pos != len(text):
        raise parser.fail("unexpected text after the value")
    return value
