"""Field operators build unresolved expressions; descriptors stay usable as objects."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from runic.ogm.exceptions import InvalidIdentifierError, QueryBuildError
from runic.ogm.query import (
    AggExpr,
    CompoundExpr,
    FilterExpr,
    NegatedExpr,
    avg,
    collect,
    count,
    max_,
    min_,
    sum_,
)
from runic.ogm.query.ir import CompareOp


def test_operators_build_filter_expressions(m: SimpleNamespace) -> None:
    expr = m.User.age >= 18
    assert isinstance(expr, FilterExpr)
    assert (expr.field, expr.op, expr.value, expr.alias) == (m.User.age, CompareOp.GE, 18, None)
    assert (m.User.name == None).op is CompareOp.IS_NULL  # noqa: E711
    assert m.User.name.in_({"a"}).value == ("a",)
    negated = m.User.name.not_in_(["a"])
    assert isinstance(negated, NegatedExpr)
    assert negated.operand == FilterExpr(m.User.name, CompareOp.IN, ("a",))


def test_and_or_flatten_same_operator_only(m: SimpleNamespace) -> None:
    a, b, c = m.User.age > 1, m.User.age < 5, m.User.name == "x"
    assert (a & b & c) == CompoundExpr("AND", (a, b, c))
    assert (a | b | c) == CompoundExpr("OR", (a, b, c))
    mixed = (a & b) | c
    assert mixed == CompoundExpr("OR", (CompoundExpr("AND", (a, b)), c))
    assert ~~a == a


def test_expressions_have_no_truth_value(m: SimpleNamespace) -> None:
    with pytest.raises(TypeError, match="truth value of a query expression is undefined"):
        bool(m.User.age > 1)
    with pytest.raises(TypeError, match="combine expressions with &"):
        _ = (m.User.age > 1) and (m.User.age < 3)
    with pytest.raises(TypeError):
        (m.User.age > 1) & True


def test_descriptors_compare_by_identity_with_each_other(m: SimpleNamespace) -> None:
    same = m.User.name
    assert m.User.name == same
    assert (m.User.name == m.User.age) is False
    assert m.User.name != m.User.age
    assert m.User.age in [m.User.name, m.User.age]
    assert {m.User.name: 1}[m.User.name] == 1
    assert hash(m.User.name) == object.__hash__(m.User.name)


def test_on_pins_an_alias_and_validates_it(m: SimpleNamespace) -> None:
    expr = (m.User.age > 1).on("u")
    assert expr.alias == "u"
    with pytest.raises(InvalidIdentifierError):
        (m.User.age > 1).on("u-1")


def test_in_requires_a_collection(m: SimpleNamespace) -> None:
    with pytest.raises(QueryBuildError, match=r"User.name.in_\(\) needs a list, tuple or set"):
        m.User.name.in_("abc")
    with pytest.raises(QueryBuildError, match="got int: 3"):
        m.User.name.not_in_(3)


def test_aggregate_helpers(m: SimpleNamespace) -> None:
    assert count() == AggExpr("count", "*", None, False)
    assert count(m.User.name, distinct=True) == AggExpr("count", m.User.name, None, True)
    assert avg(m.User.age).as_("a") == AggExpr("avg", m.User.age, "a", False)
    assert sum_(m.User.age).func == "sum"
    assert min_(m.User.age).func == "min"
    assert max_(m.User.age).func == "max"
    assert collect(m.User.name, distinct=True) == AggExpr("collect", m.User.name, None, True)
    with pytest.raises(InvalidIdentifierError):
        count().as_("")


def test_filter_repr(m: SimpleNamespace) -> None:
    assert repr((m.User.age > 1).on("u")) == "<FilterExpr User.age > 1 on u>"
