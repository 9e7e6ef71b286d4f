"""Statements, expressions and the query IR.

``select(User).where(User.active == True).order_by(User.name).limit(10)`` builds an
immutable :class:`Select`; a dialect compiles its IR to ``(cypher, params)``.
"""

from runic.ogm.query.builder import (
    Binding,
    QueryBuilder,
    Select,
    SelectBase,
    fulltext_search,
    select,
    vector_search,
)
from runic.ogm.query.bulk import Delete, Update, delete, update
from runic.ogm.query.expressions import (
    AggExpr,
    CompoundExpr,
    Expr,
    FieldExpressions,
    FilterExpr,
    NegatedExpr,
    Text,
    avg,
    col,
    collect,
    count,
    max_,
    min_,
    sum_,
    text,
)
from runic.ogm.query.ir import Query, ReturnItem
from runic.ogm.query.traversal import TraversalStep

__all__ = [
    "AggExpr",
    "Binding",
    "CompoundExpr",
    "Delete",
    "Expr",
    "FieldExpressions",
    "FilterExpr",
    "NegatedExpr",
    "Query",
    "QueryBuilder",
    "ReturnItem",
    "Select",
    "SelectBase",
    "Text",
    "TraversalStep",
    "Update",
    "avg",
    "col",
    "collect",
    "count",
    "delete",
    "fulltext_search",
    "max_",
    "min_",
    "select",
    "sum_",
    "text",
    "update",
    "vector_search",
]
