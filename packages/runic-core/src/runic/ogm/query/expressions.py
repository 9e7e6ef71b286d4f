"""Filter and aggregate expressions built from model fields.

Field descriptors inherit :class:`FieldExpressions`, so ``User.age >= 18`` or
``User.name.startswith("A")`` build a :class:`FilterExpr`; combine them with
``&``, ``|`` and ``~``. Expressions are immutable and unresolved: the statement
decides which alias a field belongs to when the expression is passed to
``where()`` (or pins it with :meth:`FilterExpr.on` / ``where(..., on=)``).

Do not use ``and``/``or``/``not`` or ``if`` on expressions: their truth value is
undefined and raises :class:`TypeError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from runic.ogm.exceptions import QueryBuildError
from runic.ogm.query.ir import AggregateFunction, CompareOp
from runic.ogm.query.names import check_alias, check_column

if TYPE_CHECKING:
    from runic.ogm.core.types import TypeConverter

__all__ = [
    "AggExpr",
    "CompoundExpr",
    "Expr",
    "FieldExpressions",
    "FilterExpr",
    "NegatedExpr",
    "Text",
    "avg",
    "collect",
    "count",
    "max_",
    "min_",
    "sum_",
    "text",
]


class Expr:
    """Base of every filter expression: supports ``&`` (AND), ``|`` (OR), ``~`` (NOT)."""

    __slots__ = ()

    def __and__(self, other: object) -> CompoundExpr:
        if not isinstance(other, Expr):
            return NotImplemented
        return _compound("AND", self, other)

    def __or__(self, other: object) -> CompoundExpr:
        if not isinstance(other, Expr):
            return NotImplemented
        return _compound("OR", self, other)

    def __invert__(self) -> Expr:
        return NegatedExpr(self)

    def __bool__(self) -> bool:
        raise TypeError(
            "the truth value of a query expression is undefined: combine expressions "
            "with & (and), | (or), ~ (not) and pass them to where()"
        )


def _compound(op: Literal["AND", "OR"], left: Expr, right: Expr) -> CompoundExpr:
    items: tuple[Expr, ...] = ()
    for side in (left, right):
        if isinstance(side, CompoundExpr) and side.op == op:
            items += side.operands
        else:
            items += (side,)
    return CompoundExpr(op, items)


@dataclass(frozen=True, slots=True)
class FilterExpr(Expr):
    """One predicate ``alias.field OP value`` (value ``None`` for null checks).

    ``alias`` pins the variable (see :meth:`on`); otherwise the statement picks
    the alias whose class declares (or inherits) ``field``.
    """

    field: FieldExpressions
    op: CompareOp
    value: Any = None
    alias: str | None = None

    def on(self, alias: str) -> FilterExpr:
        """Return this predicate bound to the variable ``alias``."""
        return replace(self, alias=check_alias(alias))

    def __repr__(self) -> str:
        where = f" on {self.alias}" if self.alias else ""
        owner = getattr(self.field.owner, "__name__", "?")
        return f"<FilterExpr {owner}.{self.field.name} {self.op.value} {self.value!r}{where}>"


@dataclass(frozen=True, slots=True)
class CompoundExpr(Expr):
    """AND / OR of two or more expressions."""

    op: Literal["AND", "OR"]
    operands: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class NegatedExpr(Expr):
    """NOT of an expression."""

    operand: Expr

    def __invert__(self) -> Expr:
        return self.operand


class FieldExpressions:
    """Mixin giving field descriptors their query operators.

    Comparing a descriptor with another descriptor (``User.name == Post.title``)
    falls back to identity, so descriptors can still be found in lists and
    dictionaries; comparing with ``None`` gives ``IS NULL`` / ``IS NOT NULL``.
    """

    __slots__ = ()
    __hash__ = object.__hash__

    name: str
    graph_name: str
    owner: type
    converter: TypeConverter | None
    interned: bool
    is_relation: bool

    def _filter(self, op: CompareOp, value: Any = None) -> FilterExpr:
        if self.is_relation:
            owner = getattr(self.owner, "__name__", "?")
            raise QueryBuildError(
                f"{owner}.{self.name} is a relation and cannot be compared; traverse it "
                f"with .traverse({owner}.{self.name}).alias(...) and filter on the "
                "target's fields"
            )
        return FilterExpr(self, op, value)

    def __eq__(self, other: object) -> FilterExpr:  # type: ignore[override]
        if isinstance(other, FieldExpressions):
            return NotImplemented
        if other is None:
            return self._filter(CompareOp.IS_NULL)
        return self._filter(CompareOp.EQ, other)

    def __ne__(self, other: object) -> FilterExpr:  # type: ignore[override]
        if isinstance(other, FieldExpressions):
            return NotImplemented
        if other is None:
            return self._filter(CompareOp.IS_NOT_NULL)
        return self._filter(CompareOp.NE, other)

    def __lt__(self, other: Any) -> FilterExpr:
        return self._filter(CompareOp.LT, other)

    def __le__(self, other: Any) -> FilterExpr:
        return self._filter(CompareOp.LE, other)

    def __gt__(self, other: Any) -> FilterExpr:
        return self._filter(CompareOp.GT, other)

    def __ge__(self, other: Any) -> FilterExpr:
        return self._filter(CompareOp.GE, other)

    def contains(self, value: Any) -> FilterExpr:
        """``CONTAINS value`` (substring)."""
        return self._filter(CompareOp.CONTAINS, value)

    def startswith(self, value: Any) -> FilterExpr:
        """``STARTS WITH value``."""
        return self._filter(CompareOp.STARTS_WITH, value)

    def endswith(self, value: Any) -> FilterExpr:
        """``ENDS WITH value``."""
        return self._filter(CompareOp.ENDS_WITH, value)

    def matches(self, pattern: Any) -> FilterExpr:
        """``=~ pattern`` (regular expression, full match)."""
        return self._filter(CompareOp.MATCHES, pattern)

    def is_null(self) -> FilterExpr:
        """``IS NULL``."""
        return self._filter(CompareOp.IS_NULL)

    def is_not_null(self) -> FilterExpr:
        """``IS NOT NULL``."""
        return self._filter(CompareOp.IS_NOT_NULL)

    def in_(self, values: Iterable[Any]) -> FilterExpr:
        """``IN values`` (sent as one list parameter)."""
        return self._filter(CompareOp.IN, _as_list(self, values))

    def not_in_(self, values: Iterable[Any]) -> Expr:
        """``NOT (field IN values)``."""
        return NegatedExpr(self._filter(CompareOp.IN, _as_list(self, values)))


def col(attribute: Any) -> FieldExpressions:
    """A model field's query operators, typed for static checkers.

    A type checker sees ``User.name`` as the field's value type (``str``), so
    ``User.name.contains("a")`` works but fails ``mypy``; ``col(User.name)`` is the
    same object typed as :class:`FieldExpressions`::

        select(User).where(col(User.name).contains("a")).order_by(col(User.age))

    (Comparisons such as ``User.age > 18`` already type-check as they are.)
    """
    if not isinstance(attribute, FieldExpressions):
        raise QueryBuildError(f"col() takes a model field such as User.name, got {attribute!r}")
    return attribute


def _as_list(fd: FieldExpressions, values: Iterable[Any]) -> tuple[Any, ...]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        owner = getattr(fd.owner, "__name__", "?")
        raise QueryBuildError(
            f"{owner}.{fd.name}.in_() needs a list, tuple or set of values, "
            f"got {type(values).__name__}: {values!r}"
        )
    return tuple(values)


# -- raw Cypher -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """Cypher text written by the developer, inserted verbatim: see :func:`text`."""

    cypher: str


def text(cypher: str) -> Text:
    """Mark ``cypher`` as raw Cypher for ``order_by()``, ``project()``, ``group_by=``
    and aggregate functions: ``order_by(text("size(n.tags) DESC"))``.

    The text is inserted into the query exactly as given: it is **not escaped,
    quoted or validated**. Never build it from user input (a request parameter, a
    form field): a sort key chosen at run time is a model field, an alias or an
    ``"alias.property [ASC|DESC]"`` string, and values go through ``where()``,
    which always sends them as parameters.
    """
    if not isinstance(cypher, str):
        raise QueryBuildError(f"text() takes a str of Cypher, got {type(cypher).__name__}")
    if not cypher.strip():
        raise QueryBuildError("text() got an empty string")
    return Text(cypher)


# -- aggregates -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AggExpr:
    """An aggregation for ``aggregate()``: ``func([DISTINCT] field) AS result_alias``.

    ``field`` is a field descriptor, ``"*"`` (``count`` only), an alias (``"f"``),
    ``"alias.property"``, or Cypher wrapped in :func:`text` (inserted verbatim).
    """

    func: AggregateFunction
    field: Any = "*"
    result_alias: str | None = None
    distinct: bool = False

    def as_(self, name: str) -> AggExpr:
        """Name the result column."""
        return replace(self, result_alias=check_column(name))


def _agg(func: AggregateFunction, field: Any, distinct: bool) -> AggExpr:
    if isinstance(field, str) and field.strip() == "*" and func != "count":
        raise QueryBuildError(f"{func}(*) is not valid Cypher; pass a field")
    if not isinstance(field, (str, FieldExpressions, Text)):
        raise QueryBuildError(
            f"{func}() takes a model field, an alias, 'alias.property' or text('...'), "
            f"got {field!r}"
        )
    if isinstance(field, FieldExpressions) and field.is_relation:
        raise QueryBuildError(
            f"{func}() cannot aggregate the relation {field.owner.__name__}.{field.name}; "
            "traverse it and aggregate the target alias instead"
        )
    return AggExpr(func, field, None, distinct)


def count(field: Any = "*", *, distinct: bool = False) -> AggExpr:
    """``count(*)``, ``count(n.field)`` or ``count(DISTINCT ...)``."""
    return _agg("count", field, distinct)


def avg(field: Any) -> AggExpr:
    """``avg(field)``."""
    return _agg("avg", field, False)


def sum_(field: Any) -> AggExpr:
    """``sum(field)``."""
    return _agg("sum", field, False)


def min_(field: Any) -> AggExpr:
    """``min(field)``."""
    return _agg("min", field, False)


def max_(field: Any) -> AggExpr:
    """``max(field)``."""
    return _agg("max", field, False)


def collect(field: Any, *, distinct: bool = False) -> AggExpr:
    """``collect([DISTINCT] field)``: a list per group."""
    return _agg("collect", field, distinct)
