"""Derived finders: ``find_by_age_greater_than`` parsed into a ``select()`` statement.

Pure code, shared by ``Repository`` and ``AsyncRepository``. A method name is
``<prefix><expr>[_order_by_<field>[_asc|_desc]]``; ``<expr>`` is conditions joined
by ``_and_`` / ``_or_`` (``and`` binds tighter), each ``<field>`` or
``<field>_<operator>``. Field names may contain underscores (``created_at``): the
parser tries the longest field name first and backtracks. A name is parsed once
per (entity class, name); each call builds the statement from the cached plan
with the call's arguments, using the same ``where`` expressions as ``select()``,
so every backend compiles it.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from runic.ogm.core.descriptors import FieldDescriptor
from runic.ogm.core.metadata import node_meta
from runic.ogm.query.builder import Select, select
from runic.ogm.query.expressions import Expr

__all__ = ["OPERATORS", "PREFIXES", "Condition", "Finder", "FinderKind", "finder_for", "is_finder"]

FinderKind = Literal["find", "find_first", "count", "exists", "delete", "find_all"]

#: method-name prefix -> what the finder returns (longest prefixes first)
PREFIXES: tuple[tuple[str, FinderKind], ...] = (
    ("find_all_order_by_", "find_all"),
    ("find_first_by_", "find_first"),
    ("find_by_", "find"),
    ("count_by_", "count"),
    ("exists_by_", "exists"),
    ("delete_by_", "delete"),
)


def _between(f: Any, a: Sequence[Any]) -> Expr:
    lower: Expr = f >= a[0]
    upper: Expr = f <= a[1]
    return lower & upper


#: operator suffix -> (number of arguments, predicate builder)
OPERATORS: dict[str, tuple[int, Callable[[Any, Sequence[Any]], Expr]]] = {
    "equals": (1, lambda f, a: f == a[0]),
    "not": (1, lambda f, a: f != a[0]),
    "greater_than": (1, lambda f, a: f > a[0]),
    "greater_than_equal": (1, lambda f, a: f >= a[0]),
    "less_than": (1, lambda f, a: f < a[0]),
    "less_than_equal": (1, lambda f, a: f <= a[0]),
    "between": (2, _between),
    "in": (1, lambda f, a: f.in_(a[0])),
    "not_in": (1, lambda f, a: f.not_in_(a[0])),
    "containing": (1, lambda f, a: f.contains(a[0])),
    "starting_with": (1, lambda f, a: f.startswith(a[0])),
    "ending_with": (1, lambda f, a: f.endswith(a[0])),
    "is_null": (0, lambda f, a: f.is_null()),
    "is_not_null": (0, lambda f, a: f.is_not_null()),
    "regex": (1, lambda f, a: f.matches(a[0])),
}
#: (operator, words in the name) to try after a field: a bare field means equals
_OP_WIDTHS = [
    ("equals", 0),
    *sorted(((op, op.count("_") + 1) for op in OPERATORS), key=lambda item: -item[1]),
]


@dataclass(frozen=True, slots=True)
class Condition:
    """One ``<field>_<operator>`` part of a finder name."""

    field: FieldDescriptor
    operator: str

    @property
    def arity(self) -> int:
        """How many call arguments the condition takes."""
        return OPERATORS[self.operator][0]

    def expression(self, args: Sequence[Any]) -> Expr:
        """The ``where`` expression for these arguments."""
        return OPERATORS[self.operator][1](self.field, args)


@dataclass(frozen=True)
class Finder:
    """A parsed finder name: conditions in OR-groups of AND-ed conditions, and an order."""

    cls: type[Any]
    name: str
    kind: FinderKind
    groups: tuple[tuple[Condition, ...], ...]  # OR of ANDs
    order: FieldDescriptor | None = None
    descending: bool = False

    @property
    def arity(self) -> int:
        """How many arguments a call takes."""
        return sum(c.arity for group in self.groups for c in group)

    @property
    def parameters(self) -> list[str]:
        """Argument names, for error messages and signatures (``age``, ``age_upper``)."""
        names: list[str] = []
        for group in self.groups:
            for c in group:
                if c.arity == 2:
                    names += [f"{c.field.name}_lower", f"{c.field.name}_upper"]
                elif c.arity == 1:
                    names.append(c.field.name)
        return names

    def condition(self, args: Sequence[Any]) -> Expr | None:
        """The ``where`` expression for ``args`` (``None``: no conditions), arity checked."""
        if len(args) != self.arity:
            params = ", ".join(self.parameters) or "no arguments"
            raise TypeError(
                f"{self.cls.__name__} repository {self.name}() takes {self.arity} "
                f"argument{'' if self.arity == 1 else 's'} ({params}), got {len(args)}"
            )
        rest = list(args)
        ored: Expr | None = None
        for group in self.groups:
            anded: Expr | None = None
            for c in group:
                taken, rest = rest[: c.arity], rest[c.arity :]
                expr = c.expression(taken)
                anded = expr if anded is None else anded & expr
            if anded is not None:
                ored = anded if ored is None else ored | anded
        return ored

    def statement(self, args: Sequence[Any]) -> Select[Any]:
        """The ``select()`` statement for one call (one shared statement, and so one
        compiled form, for a finder without arguments)."""
        if not args and not self.arity:
            return self._constant
        return self._build(args)

    @functools.cached_property
    def _constant(self) -> Select[Any]:
        return self._build(())

    def _build(self, args: Sequence[Any]) -> Select[Any]:
        stmt = select(self.cls)
        condition = self.condition(args)
        if condition is not None:
            stmt = stmt.where(condition)
        if self.order is not None:
            stmt = stmt.order_by(self.order, desc=self.descending)
        return stmt


def is_finder(name: str) -> bool:
    """Whether ``name`` starts with a derived-finder prefix."""
    return any(name.startswith(prefix) for prefix, _ in PREFIXES)


_cache: dict[tuple[type[Any], str], Finder] = {}
_lock = threading.Lock()


def finder_for(cls: type[Any], name: str) -> Finder:
    """The parsed finder ``name`` of entity class ``cls`` (cached).

    Raises :class:`AttributeError` naming the class, the method, the part that
    did not parse and the fields the class has.
    """
    key = (cls, name)
    found = _cache.get(key)
    if found is None:
        found = _parse(cls, name)
        with _lock:
            if len(_cache) < 4096:
                _cache[key] = found
    return found


@dataclass(frozen=True, slots=True)
class _NoParse:
    """A part of the name that did not parse (the deepest one reached is reported)."""

    at: int
    message: str


def _parse(cls: type[Any], name: str) -> Finder:
    meta = node_meta(cls)
    fields = meta.fields
    kind: FinderKind | None = None
    body = ""
    for prefix, prefix_kind in PREFIXES:
        if name.startswith(prefix):
            kind, body = prefix_kind, name[len(prefix) :]
            break
    if kind is None:
        raise AttributeError(f"{name!r} is not a derived finder name")
    field_names = sorted(fields, key=lambda n: (-n.count("_"), n))
    known = ", ".join(sorted(fields))

    def fail(part: str, why: str) -> AttributeError:
        return AttributeError(
            f"{cls.__name__} repository has no method {name}(): {why} "
            f"(at {part!r}); {cls.__name__} has the fields {known}"
        )

    tokens = body.split("_") if body else []
    if kind == "find_all":
        parsed = _order(tokens, 0, field_names, fields)
        if parsed is None:
            raise fail(body or "(nothing)", f"{body!r} is not a field of {cls.__name__}")
        return Finder(cls, name, kind, (), parsed[0], parsed[1])
    if not tokens:
        raise fail("(nothing)", "the name has no condition after the prefix")
    deepest: list[_NoParse] = []

    def conditions(at: int) -> tuple[list[list[Condition]], FieldDescriptor | None, bool] | None:
        """Parse conditions from token ``at`` to the end (backtracking on field length)."""
        for fname in field_names:
            width = fname.count("_") + 1
            if tokens[at : at + width] != fname.split("_"):
                continue
            field = fields[fname]
            after = at + width
            for op, op_width in _OP_WIDTHS:
                if tokens[after : after + op_width] != op.split("_")[:op_width]:
                    continue
                nxt = after + op_width
                if nxt == len(tokens):
                    return [[Condition(field, op)]], None, False
                joiner = tokens[nxt]
                if joiner in ("and", "or") and nxt + 1 < len(tokens):
                    rest = conditions(nxt + 1)
                    if rest is not None:
                        groups, order, desc = rest
                        if joiner == "and":
                            groups[0].insert(0, Condition(field, op))
                        else:
                            groups.insert(0, [Condition(field, op)])
                        return groups, order, desc
                if tokens[nxt : nxt + 2] == ["order", "by"]:
                    parsed = _order(tokens, nxt + 2, field_names, fields)
                    if parsed is not None:
                        return [[Condition(field, op)]], parsed[0], parsed[1]
                    deepest.append(
                        _NoParse(nxt + 2, f"no field of {cls.__name__} after _order_by_")
                    )
                    continue
                deepest.append(
                    _NoParse(
                        nxt,
                        f"after the field {fname!r}, expected an operator "
                        f"({', '.join(OPERATORS)}), _and_, _or_ or _order_by_",
                    )
                )
        relation = next(
            (r for r in meta.relations if tokens[at : at + r.count("_") + 1] == r.split("_")),
            None,
        )
        if relation is not None:
            why = f"{relation!r} is a relation, not a field: filter it with query().traverse()"
        else:
            why = f"no field of {cls.__name__} starts here"
        deepest.append(_NoParse(at, why))
        return None

    result = conditions(0)
    if result is None:
        worst = max(deepest, key=lambda e: e.at)
        raise fail("_".join(tokens[worst.at :]) or "(the end)", worst.message)
    groups, order, desc = result
    if order is not None and kind in ("count", "exists", "delete"):
        raise fail("order_by", f"{kind}_by_ finders have no order; remove the _order_by_ part")
    return Finder(cls, name, kind, tuple(tuple(g) for g in groups), order, desc)


def _order(
    tokens: list[str], at: int, field_names: list[str], fields: dict[str, FieldDescriptor]
) -> tuple[FieldDescriptor, bool] | None:
    """``<field>[_asc|_desc]`` from token ``at`` to the end."""
    for fname in field_names:
        width = fname.count("_") + 1
        if tokens[at : at + width] != fname.split("_"):
            continue
        rest = tokens[at + width :]
        if not rest:
            return fields[fname], False
        if rest in (["asc"], ["desc"]):
            return fields[fname], rest == ["desc"]
    return None
