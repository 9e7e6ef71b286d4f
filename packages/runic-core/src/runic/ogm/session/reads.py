"""The statements the session reads with: look-ups by key or id, eager fetches.

Pure code. Each read is built as query IR (:mod:`runic.ogm.query.ir`) and
compiled by the session's dialect like any ``select()``. Its values travel as
named parameters (``$pk``, ``$ids``), so one shape (class, ``fetch=``
relations, ...) has one text: it is compiled once, and each call only converts
its values. Eager loading uses one optional-match stage collecting the targets
per relation, so fetching several relations never multiplies rows.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any, cast

from runic.ogm.core.types import unwrap_optional
from runic.ogm.exceptions import FieldValidationError
from runic.ogm.query.ir import (
    Aggregate,
    Clause,
    CompareOp,
    Comparison,
    IdRef,
    MatchId,
    MatchKey,
    MatchNode,
    MatchPath,
    NodePattern,
    OrderItem,
    Param,
    Projection,
    PropRef,
    Query,
    ReturnClause,
    Unwind,
    VarRef,
    WithClause,
)
from runic.ogm.session.ops import Statement

if TYPE_CHECKING:
    from runic.ogm.core.descriptors import FieldDescriptor
    from runic.ogm.core.metadata import NodeMeta
    from runic.ogm.dialect import GraphDialect

__all__ = [
    "by_ids_query",
    "by_ids_statement",
    "check_pk_type",
    "count_query",
    "count_statement",
    "existing_keys_query",
    "existing_keys_statement",
    "exists_query",
    "exists_statement",
    "find_all_query",
    "find_all_statement",
    "get_query",
    "get_statement",
    "relation_query",
    "relation_statement",
]

_SIMPLE_TYPES = (str, int, float, bool, bytes)


def check_pk_type(meta: NodeMeta, pk: Any) -> None:
    """Raise :class:`FieldValidationError` for a key of the wrong type."""
    desc = meta.fields[meta.pk_field_name or ""]
    if pk is None:
        raise FieldValidationError(f"{meta.cls.__name__}.{desc.name}: primary key must not be None")
    expected = unwrap_optional(desc.python_type)
    if desc.generated or not isinstance(expected, type) or expected not in _SIMPLE_TYPES:
        return
    ok = isinstance(pk, expected) and not (expected is int and isinstance(pk, bool))
    if expected is float and isinstance(pk, int) and not isinstance(pk, bool):
        ok = True
    if not ok:
        raise FieldValidationError(
            f"{meta.cls.__name__}.{desc.name} takes {expected.__name__} values; got "
            f"{type(pk).__name__} {pk!r}"
        )


# -- the IR of each read -------------------------------------------------------------------


def _slot(name: str) -> Param:
    """A named parameter whose value each call supplies (``$name``)."""
    return Param(None, name=name)


def _root(meta: NodeMeta, alias: str = "n") -> NodePattern:
    return NodePattern(alias, meta.labels, meta.cls)


def _var(alias: str) -> Projection:
    return Projection(VarRef(alias), alias)


def _collected(expr: VarRef | PropRef, alias: str) -> Projection:
    """``collect(expr) AS alias``."""
    return Projection(Aggregate("collect", expr), alias, variable=True)


def _pk_ref(meta: NodeMeta) -> PropRef | IdRef:
    """The key of node ``n``: its key property, or its database id for a generated key."""
    desc = meta.fields[meta.pk_field_name or ""]
    return IdRef("n") if desc.generated else PropRef("n", desc.graph_name)


def _fetch_clauses(
    meta: NodeMeta, fetch: Sequence[str]
) -> tuple[list[Clause], list[FieldDescriptor], list[str]]:
    """An optional match of each fetched relation, its targets collected into ``f<i>``."""
    descs: list[FieldDescriptor] = []
    for name in fetch:
        desc = meta.relations.get(name)
        if desc is None:
            raise FieldValidationError(
                f"fetch: {meta.cls.__name__} has no relation {name!r}; its relations are: "
                f"{', '.join(meta.relations) or '(none)'}"
            )
        descs.append(desc)
    clauses: list[Clause] = []
    carried: list[str] = []
    for index, desc in enumerate(descs):
        target = desc.resolve_target().__runic_meta__
        var = f"f{index}"
        clauses.append(
            MatchPath(
                "n",
                desc.relationship or "",
                desc.direction or "OUTGOING",
                _root(target, var),
            )
        )
        items = (_var("n"), *map(_var, carried), _collected(VarRef(var), var))
        clauses.append(WithClause(items))
        carried.append(var)
    return clauses, descs, carried


def _fetched_return(meta: NodeMeta, carried: list[str], order: OrderItem | None) -> ReturnClause:
    """The return of ``n, f0, ...`` (ordered again after a paged match)."""
    items = (Projection(VarRef("n"), "n", "node", meta.cls), *map(_var, carried))
    return ReturnClause(items, order_by=(order,) if order is not None else ())


def get_query(meta: NodeMeta, fetch: Sequence[str]) -> tuple[Query, list[FieldDescriptor]]:
    """One node of ``meta`` by primary key ``$pk``, with the ``fetch`` relations collected."""
    stages, descs, carried = _fetch_clauses(meta, fetch)
    desc = meta.fields[meta.pk_field_name or ""]
    root: Clause
    if desc.generated:
        root = MatchId(_root(meta), _slot("pk"))
    else:
        root = MatchKey(_root(meta), desc.graph_name, _slot("pk"))
    return Query((root, *stages), _fetched_return(meta, carried, None)), descs


def find_all_query(
    meta: NodeMeta, fetch: Sequence[str], *, ids: bool, skip: bool, limit: bool
) -> tuple[Query, list[FieldDescriptor]]:
    """Every node of ``meta`` (``ids``: those whose key is in ``$ids``), paged by key
    (``$skip``, ``$limit``), with the ``fetch`` relations collected."""
    stages, descs, carried = _fetch_clauses(meta, fetch)
    where = None
    if ids:
        if meta.pk_field_name is None:
            raise FieldValidationError(f"{meta.cls.__name__} has no primary key")
        where = Comparison(_pk_ref(meta), CompareOp.IN, _slot("ids"))
    clauses: list[Clause] = [MatchNode(_root(meta), where=where)]
    order = None
    if skip or limit:
        order = OrderItem(_pk_ref(meta) if meta.pk_field_name else IdRef("n"))
        page = WithClause(
            (_var("n"),),
            order_by=(order,),
            skip=_slot("skip") if skip else None,
            limit=_slot("limit") if limit else None,
        )
        clauses.append(page)
    clauses += stages
    # the fetch stages aggregate: order the page again
    ret = _fetched_return(meta, carried, order if stages else None)
    return Query(tuple(clauses), ret), descs


def relation_query(desc: FieldDescriptor) -> Query:
    """Targets of relation ``desc`` of the nodes with ids ``$ids``: rows ``(i, [targets])``."""
    target = desc.resolve_target().__runic_meta__
    path = MatchPath(
        "n",
        desc.relationship or "",
        desc.direction or "OUTGOING",
        _root(target, "m"),
    )
    clauses: tuple[Clause, ...] = (
        Unwind(_slot("ids"), "i"),
        MatchId(NodePattern("n", ()), VarRef("i")),
        path,
    )
    return Query(clauses, ReturnClause((_var("i"), _collected(VarRef("m"), "m"))))


def by_ids_query() -> Query:
    """Nodes by database id (``$ids``), in no particular order."""
    clauses: tuple[Clause, ...] = (
        Unwind(_slot("ids"), "i"),
        MatchId(NodePattern("n", ()), VarRef("i")),
    )
    return Query(clauses, ReturnClause((Projection(VarRef("n"), "n", "node"),)))


def _count_return() -> ReturnClause:
    return ReturnClause((Projection(Aggregate("count", VarRef("n")), "c", variable=True),))


def count_query(meta: NodeMeta) -> Query:
    """``count`` of the nodes of ``meta`` (column ``c``)."""
    return Query((MatchNode(_root(meta)),), _count_return())


def exists_query(meta: NodeMeta) -> Query:
    """How many nodes of ``meta`` have primary key ``$pk`` (column ``c``)."""
    where = Comparison(_pk_ref(meta), CompareOp.EQ, _slot("pk"))
    return Query((MatchNode(_root(meta), where=where),), _count_return())


def existing_keys_query(keys: Sequence[tuple[str, str]]) -> Query:
    """Which of the keys ``$k<i>`` of each (primary label, key property) exist; one
    column per label, holding the keys found."""
    clauses: list[Clause] = []
    carried: list[str] = []
    for index, (label, prop) in enumerate(keys):
        var = f"n{index}"
        ref = PropRef(var, prop)
        where = Comparison(ref, CompareOp.IN, _slot(f"k{index}"))
        clauses.append(MatchNode(NodePattern(var, (label,)), optional=True, where=where))
        clauses.append(WithClause((*map(_var, carried), _collected(ref, f"d{index}"))))
        carried.append(f"d{index}")
    items = tuple(
        Projection(VarRef(var), label) for var, (label, _) in zip(carried, keys, strict=True)
    )
    return Query(tuple(clauses), ReturnClause(items))


# -- compiled once per shape ------------------------------------------------------------------


class _Shape:
    """One compiled read: text, columns, what its fetch columns load, and any
    parameters the dialect added itself (sent with every call)."""

    __slots__ = ("columns", "cypher", "descs", "fixed")

    def __init__(self, dialect: Hashable, query: Query, descs: Sequence[Any] = ()) -> None:
        compiled = cast("GraphDialect", dialect).compile(query)
        self.cypher = compiled.cypher
        self.columns = compiled.columns
        self.descs: tuple[FieldDescriptor, ...] = tuple(descs)
        #: the named slots are None here; a dialect's own parameters keep their values
        self.fixed = {k: v for k, v in compiled.params.items() if v is not None}

    def statement(self, params: dict[str, Any]) -> Statement:
        if self.fixed:
            params.update(self.fixed)
        return Statement(self.cypher, params, self.columns)


def _key(dialect: GraphDialect | None) -> Hashable:
    """The dialect as a cache key (dialects hash by identity; the protocol does not say so)."""
    if dialect is None:
        from runic.ogm.dialect import default_dialect

        dialect = default_dialect()
    return cast("Hashable", dialect)


@functools.lru_cache(maxsize=512)
def _get_shape(dialect: Hashable, meta: NodeMeta, fetch: tuple[str, ...]) -> _Shape:
    query, descs = get_query(meta, fetch)
    return _Shape(dialect, query, descs)


@functools.lru_cache(maxsize=512)
def _find_all_shape(
    dialect: Hashable,
    meta: NodeMeta,
    fetch: tuple[str, ...],
    ids: bool,
    skip: bool,
    limit: bool,
) -> _Shape:
    query, descs = find_all_query(meta, fetch, ids=ids, skip=skip, limit=limit)
    return _Shape(dialect, query, descs)


@functools.lru_cache(maxsize=512)
def _relation_shape(dialect: Hashable, desc: FieldDescriptor) -> _Shape:
    return _Shape(dialect, relation_query(desc))


@functools.lru_cache(maxsize=64)
def _by_ids_shape(dialect: Hashable) -> _Shape:
    return _Shape(dialect, by_ids_query())


@functools.lru_cache(maxsize=512)
def _count_shape(dialect: Hashable, meta: NodeMeta) -> _Shape:
    return _Shape(dialect, count_query(meta))


@functools.lru_cache(maxsize=512)
def _exists_shape(dialect: Hashable, meta: NodeMeta) -> _Shape:
    return _Shape(dialect, exists_query(meta))


@functools.lru_cache(maxsize=512)
def _existing_keys_shape(dialect: Hashable, keys: tuple[tuple[str, str], ...]) -> _Shape:
    return _Shape(dialect, existing_keys_query(keys))


# -- the statements ---------------------------------------------------------------------------


def _key_value(meta: NodeMeta, pk: Any) -> Any:
    desc = meta.fields[meta.pk_field_name or ""]
    return desc.converter.to_graph(pk) if desc.converter is not None else pk


def get_statement(
    dialect: GraphDialect, meta: NodeMeta, pk: Any, fetch: Sequence[str]
) -> tuple[Statement, list[FieldDescriptor]]:
    """One node of ``meta`` by primary key, with eager relations."""
    shape = _get_shape(cast("Hashable", dialect), meta, tuple(fetch))
    # the hot path of session.get(): _key_value and _Shape.statement written out
    desc = meta.fields[meta.pk_field_name or ""]
    params = {"pk": desc.converter.to_graph(pk) if desc.converter is not None else pk}
    if shape.fixed:
        params.update(shape.fixed)
    return Statement(shape.cypher, params, shape.columns), list(shape.descs)


def find_all_statement(
    dialect: GraphDialect,
    meta: NodeMeta,
    fetch: Sequence[str],
    *,
    skip: int = 0,
    limit: int | None = None,
    ids: Sequence[Any] | None = None,
) -> tuple[Statement, list[FieldDescriptor]]:
    """Every node of ``meta`` (or those with the given keys), paginated and eager-loaded."""
    params: dict[str, Any] = {}
    if ids is not None and meta.pk_field_name is not None:
        pk_desc = meta.fields[meta.pk_field_name]
        expected = unwrap_optional(pk_desc.python_type)
        exact = expected if isinstance(expected, type) and expected in _SIMPLE_TYPES else None
        for pk in ids:
            if type(pk) is not exact:  # a key of exactly the declared type passes
                check_pk_type(meta, pk)
        conv = pk_desc.converter
        params["ids"] = [conv.to_graph(v) for v in ids] if conv is not None else list(ids)
    if skip or limit is not None:
        if skip < 0 or (limit is not None and limit < 0):
            raise FieldValidationError("skip and limit must not be negative")
        if skip:
            params["skip"] = skip
        if limit is not None:
            params["limit"] = limit
    shape = _find_all_shape(
        cast("Hashable", dialect),
        meta,
        tuple(fetch),
        ids is not None,
        bool(skip),
        limit is not None,
    )
    return shape.statement(params), list(shape.descs)


def relation_statement(
    dialect: GraphDialect, desc: FieldDescriptor, graph_ids: list[Any]
) -> Statement:
    """Targets of one relation for many source nodes: rows ``(source id, [targets])``."""
    shape = _relation_shape(cast("Hashable", dialect), desc)
    return shape.statement({"ids": graph_ids})


def by_ids_statement(dialect: GraphDialect, graph_ids: list[Any]) -> Statement:
    """Nodes by backend id."""
    return _by_ids_shape(cast("Hashable", dialect)).statement({"ids": graph_ids})


def count_statement(meta: NodeMeta, dialect: GraphDialect | None = None) -> Statement:
    """``count`` of the nodes of ``meta``."""
    return _count_shape(_key(dialect), meta).statement({})


def exists_statement(dialect: GraphDialect, meta: NodeMeta, pk: Any) -> Statement:
    """Whether a node with primary key ``pk`` exists."""
    check_pk_type(meta, pk)
    shape = _exists_shape(_key(dialect), meta)
    return shape.statement({"pk": _key_value(meta, pk)})


def existing_keys_statement(
    keys: dict[tuple[str, str], list[Any]], dialect: GraphDialect | None = None
) -> Statement | None:
    """Which of the given primary keys already exist; one column per primary label."""
    if not keys:
        return None
    shape = _existing_keys_shape(_key(dialect), tuple(keys))
    return shape.statement({f"k{index}": values for index, values in enumerate(keys.values())})
