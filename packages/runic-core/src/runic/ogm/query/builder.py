"""Immutable statements: ``select(User).where(User.active == True).limit(10)``.

Every method returns a *new* statement; the receiver is never changed, so a base
statement can be extended along several code paths without leaking filters.
A statement lowers to the query IR (:meth:`Select.to_ir`), which a dialect
compiles (:meth:`Select.compile`); both results are cached on the statement.

Values given to ``where()`` always become query parameters. Strings given to
``order_by()``, ``project()``, ``aggregate(group_by=...)`` and aggregate
functions are parsed and validated: an alias (``"n"``), ``"alias.property"``
(``"n.city"``, ``"n.`first name`"``), plus ``ASC``/``DESC`` in ``order_by()`` and
``AS column`` in ``project()``/``group_by``; anything else is refused. Cypher the
developer wrote is passed as ``text("...")``, which is inserted verbatim (never
escaped: never build it from user input).

Where a ``where()`` predicate goes: on the clause that bound the newest alias it
uses. A filter on the root is therefore applied by the root ``MATCH`` even when
written after a traversal, and a filter on an optional traversal's target or
edge becomes the condition of that ``OPTIONAL MATCH`` (source rows without a
matching neighbour are kept, with nulls).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Generic, Literal, NoReturn, Self, TypeVar
from weakref import WeakKeyDictionary

from runic.ogm.core.metadata import node_meta
from runic.ogm.exceptions import QueryBuildError
from runic.ogm.identifiers import validate_identifier
from runic.ogm.query.expressions import (
    AggExpr,
    CompoundExpr,
    Expr,
    FieldExpressions,
    FilterExpr,
    NegatedExpr,
    Text,
)
from runic.ogm.query.ir import (
    Aggregate,
    And,
    Clause,
    CompareOp,
    Comparison,
    FulltextSource,
    IdRef,
    MatchId,
    MatchKey,
    MatchNode,
    MatchPath,
    NodePattern,
    Not,
    Or,
    OrderItem,
    Param,
    PathLength,
    Predicate,
    Projection,
    PropRef,
    Query,
    Raw,
    ReturnClause,
    ReturnItem,
    Unwind,
    VarRef,
    VectorSimilarity,
    VectorSource,
    WithClause,
    and_,
    rename_alias,
)
from runic.ogm.query.names import check_alias, check_column, raw_column
from runic.ogm.query.traversal import TraversalStep

if TYPE_CHECKING:
    from runic.ogm.core.descriptors import FieldDescriptor
    from runic.ogm.dialect import CompiledQuery, GraphDialect

__all__ = [
    "Binding",
    "QueryBuilder",
    "Select",
    "SelectBase",
    "fulltext_search",
    "select",
    "vector_search",
]

T = TypeVar("T")

BindingKind = Literal["node", "edge", "value"]
_SIMILARITIES: tuple[VectorSimilarity, ...] = ("euclidean", "cosine")
_STRING_OPS = frozenset(
    {CompareOp.CONTAINS, CompareOp.STARTS_WITH, CompareOp.ENDS_WITH, CompareOp.MATCHES}
)
_WORD = r"[A-Za-z_][A-Za-z0-9_]*"
_REF = rf"(?P<alias>{_WORD})(?:\.(?:(?P<prop>{_WORD})|`(?P<quoted>[^`]+)`))?"
# the string forms accepted where an expression is expected (nothing else gets in)
_ORDER_KEY = re.compile(
    rf"\s*{_REF}(?:\s+(?P<dir>ASC|ASCENDING|DESC|DESCENDING))?\s*\Z", re.IGNORECASE
)
_ITEM = re.compile(
    rf"\s*{_REF}(?:\s+AS\s+(?:(?P<col>{_WORD})|`(?P<qcol>[^`]+)`))?\s*\Z", re.IGNORECASE
)
_RAW_HINT = (
    "wrap Cypher you wrote yourself in text('...') (inserted verbatim, never escaped: "
    "never build it from user input)"
)


@dataclass(frozen=True, slots=True)
class Binding:
    """A variable of the statement: what it holds and which clause (re)binds it."""

    alias: str
    kind: BindingKind
    cls: type | None
    clause: int

    def describe(self) -> str:
        held = self.cls.__name__ if self.cls is not None else self.kind
        return f"{self.alias} ({held})"


@dataclass(frozen=True, slots=True)
class _Return:
    mode: Literal["default", "target", "graph", "items"] = "default"
    target: str | None = None
    nodes: tuple[str, ...] = ()
    edges: tuple[str, ...] = ()
    items: tuple[Projection, ...] = ()


def _an(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _describe(cls: type) -> str:
    return getattr(cls, "__name__", repr(cls))


def _field_name(fd: FieldExpressions) -> str:
    return f"{_describe(fd.owner)}.{fd.name}"


@dataclass(frozen=True, eq=False)
class SelectBase(Generic[T]):
    """The builder methods of every read statement, unbound or bound to a session.

    Each method returns a new statement of the receiver's own class, so an unbound
    :class:`Select` stays a ``Select`` and a session's bound query
    (:class:`~runic.ogm.session.bound.BoundQuery`) stays bound: both offer exactly
    these methods, defined once here. ``T`` is the root class.
    """

    root_cls: type[T]
    _clauses: tuple[Clause, ...]
    _bindings: tuple[Binding, ...]
    _scope: tuple[str, ...]
    _last: str | None
    _ret: _Return = _Return()
    _distinct: bool = False
    _order: tuple[OrderItem, ...] = ()
    _skip: int | None = None
    _limit: int | None = None
    _count: bool = False
    _exists: bool = False
    _cache: dict[Any, Any] = field(default_factory=dict, init=False, repr=False)

    def _evolve(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied (a dict copy: far cheaper than ``replace``)."""
        new = object.__new__(type(self))
        state = new.__dict__
        state.update(self.__dict__)
        state.update(changes)
        state["_cache"] = {}
        return new

    # -- introspection ----------------------------------------------------------------

    @property
    def aliases(self) -> tuple[str, ...]:
        """Every variable bound so far, in binding order."""
        return tuple(b.alias for b in self._bindings)

    @property
    def scope(self) -> tuple[str, ...]:
        """The variables usable now (``with_()`` narrows them)."""
        return self._scope

    @property
    def last_alias(self) -> str | None:
        """The most recent node variable (the default return target)."""
        return self._last

    def binding(self, alias: str) -> Binding:
        """The :class:`Binding` of ``alias``; QueryBuildError when unknown."""
        for b in self._bindings:
            if b.alias == alias:
                return b
        raise QueryBuildError(f"unknown alias {alias!r}; known aliases: {self._known()}")

    def _known(self) -> str:
        return ", ".join(b.describe() for b in self._bindings) or "(none)"

    def _scoped(self, alias: object, what: str, kind: BindingKind | None = None) -> Binding:
        if not isinstance(alias, str):
            raise QueryBuildError(f"{what} takes an alias name (str), got {alias!r}")
        for b in self._bindings:
            if b.alias == alias:
                break
        else:
            raise QueryBuildError(
                f"unknown alias {alias!r} in {what}; known aliases: {self._known()}"
            )
        if alias not in self._scope:
            raise QueryBuildError(
                f"alias {alias!r} in {what} is no longer in scope after with_(); "
                f"in scope: {', '.join(self._scope) or '(none)'}"
            )
        if kind is not None and b.kind != kind:
            hint = {
                "node": "return_edge() for edges",
                "edge": "return_target()/return_nodes() for nodes",
                "value": "a raw string",
            }[b.kind]
            raise QueryBuildError(
                f"alias {alias!r} in {what} is {_an(b.kind)}, not {_an(kind)}; use {hint}"
            )
        return b

    def _check_new_alias(self, name: object) -> str:
        if not isinstance(name, str):
            raise QueryBuildError(f"an alias must be a str, got {name!r}")
        check_alias(name)
        if any(b.alias == name for b in self._bindings):
            raise QueryBuildError(
                f"alias {name!r} is already used in this statement; known aliases: {self._known()}"
            )
        return name

    def _alias_for(self, fd: FieldExpressions, what: str) -> str:
        """The in-scope alias whose class declares or inherits ``fd``."""
        owner = fd.owner
        candidates = [
            b
            for b in self._bindings
            if b.alias in self._scope and b.cls is not None and issubclass(b.cls, owner)
        ]
        if len(candidates) == 1:
            return candidates[0].alias
        in_scope = ", ".join(self.binding(a).describe() for a in self._scope) or "(none)"
        if not candidates:
            raise QueryBuildError(
                f"{what}: no alias in scope holds a {_describe(owner)} for field "
                f"{_field_name(fd)}; aliases in scope: {in_scope}; pass on='alias' to choose one"
            )
        names = ", ".join(b.alias for b in candidates)
        raise QueryBuildError(
            f"{what}: field {_field_name(fd)} is ambiguous, aliases {names} all hold a "
            f"{_describe(owner)}; pass on='alias' (or use .on('alias')) to choose one"
        )

    # -- composition ------------------------------------------------------------------

    def alias(self, name: str) -> Self:
        """Rename the most recent node variable (the root right after ``select()``).

        Predicates, traversals and returns already using the old name follow;
        raw Cypher strings are not rewritten.
        """
        old = self._last
        if old is None:
            raise QueryBuildError("alias(): there is no node variable to rename")
        if name == old:
            return self
        new = self._check_new_alias(name)
        ret = self._ret
        return self._evolve(
            _clauses=rename_alias(self._clauses, old, new),
            _bindings=tuple(replace(b, alias=new) if b.alias == old else b for b in self._bindings),
            _scope=tuple(new if a == old else a for a in self._scope),
            _last=new,
            _ret=replace(
                ret,
                target=new if ret.target == old else ret.target,
                nodes=tuple(new if a == old else a for a in ret.nodes),
                edges=tuple(new if a == old else a for a in ret.edges),
                items=rename_alias(ret.items, old, new),
            ),
            _order=rename_alias(self._order, old, new),
        )

    def where(self, expr: Expr | bool, *, on: str | None = None) -> Self:
        """Add a predicate (several ``where()`` calls are ANDed).

        ``on`` pins every field of ``expr`` without its own ``.on()`` to that alias
        (needed when several aliases hold the same class, or for edge aliases).
        """
        if not isinstance(expr, Expr):
            raise QueryBuildError(
                f"where() takes an expression built from model fields (User.age > 18), "
                f"got {type(expr).__name__}: {expr!r}"
            )
        if on is not None:
            self._scoped(on, "where(on=...)")
        used: set[str] = set()
        pred = self._resolve(expr, on, used)
        return self._attach(pred, used)

    def where_id(self, *ids: Any, on: str | None = None) -> Self:
        """Filter on the database id: ``id(n) = $p0`` (several ids: ``IN``).

        ``on`` defaults to the most recent node variable.
        """
        alias = on if on is not None else self._last
        if alias is None:
            raise QueryBuildError("where_id(): there is no node variable; pass on='alias'")
        b = self._scoped(alias, "where_id(on=...)")
        if b.kind == "value":
            raise QueryBuildError(f"where_id(): alias {alias!r} is a value, not a node or edge")
        if not ids:
            raise QueryBuildError("where_id() needs at least one id")
        ref = IdRef(alias, "edge" if b.kind == "edge" else "node")
        if len(ids) == 1:
            pred = Comparison(ref, CompareOp.EQ, Param(ids[0]))
        else:
            pred = Comparison(ref, CompareOp.IN, Param(list(ids)))
        return self._attach(pred, {alias})

    def _attach(self, pred: Predicate, used: set[str]) -> Self:
        index = max(self.binding(a).clause for a in used)
        clause = self._clauses[index]
        if isinstance(clause, MatchKey | MatchId | Unwind):  # the session's reads only
            raise QueryBuildError(f"cannot filter a {type(clause).__name__} clause")
        clauses = list(self._clauses)
        clauses[index] = replace(clause, where=and_(clause.where, pred))
        return self._evolve(_clauses=tuple(clauses))

    def _resolve(self, expr: Expr, on: str | None, used: set[str]) -> Predicate:
        if isinstance(expr, FilterExpr):
            return self._resolve_filter(expr, on, used)
        if isinstance(expr, CompoundExpr):
            items = tuple(self._resolve(e, on, used) for e in expr.operands)
            return And(items) if expr.op == "AND" else Or(items)
        if isinstance(expr, NegatedExpr):
            return Not(self._resolve(expr.operand, on, used))
        raise QueryBuildError(f"unsupported expression {expr!r}")

    def _resolve_filter(self, expr: FilterExpr, on: str | None, used: set[str]) -> Predicate:
        fd = expr.field
        alias = expr.alias or on
        if alias is None:
            alias = self._alias_for(fd, "where()")
        else:
            self._scoped(alias, f"where() on {_field_name(fd)}")
        used.add(alias)
        # A database-generated key is the node's id, not a stored property.
        ref: PropRef | IdRef = (
            IdRef(alias) if getattr(fd, "generated", False) else PropRef(alias, fd.graph_name)
        )
        op = expr.op
        if op is CompareOp.IS_NULL or op is CompareOp.IS_NOT_NULL:
            return Comparison(ref, op)
        converter = fd.converter
        if op in _STRING_OPS:
            # Patterns match the stored string form: convert only non-strings.
            value = expr.value
            if converter is not None and value is not None and not isinstance(value, str):
                value = _convert(fd, value)
            return Comparison(ref, op, Param(value))
        fn = converter.cypher_fn if converter is not None else None
        named = _field_name(fd) if fn is not None else None  # for the dialect's errors
        if op is CompareOp.IN:
            values = [_convert(fd, v) for v in expr.value]
            return Comparison(ref, op, Param(values, fn, named))
        return Comparison(ref, op, Param(_convert(fd, expr.value), fn, named))

    def traverse(
        self,
        relation_field: Any,
        *,
        edge_alias: str | None = None,
        optional: bool = True,
        source: str | None = None,
    ) -> TraversalStep[Self]:
        """Follow a ``Relation()`` field one hop; finish with ``.alias("name")``.

        ``optional=True`` (default) emits ``OPTIONAL MATCH`` (keeps sources without
        a neighbour); ``edge_alias`` names the relationship (filter it with
        ``where(..., on=edge_alias)``, return it with ``return_edge``). The source
        is the most recent node variable when it holds the relation's class, else
        the only such variable in scope; ``source=`` picks one explicitly.
        """
        fd = self._relation(relation_field, "traverse()")
        src = self._source_for(fd, source, "traverse()")
        if edge_alias is not None:
            self._check_new_alias(edge_alias)
        return TraversalStep(
            self, fd, src, edge_alias=edge_alias, optional=bool(optional), length=None
        )

    def repeat(
        self,
        relation_field: Any,
        *,
        min_hops: int = 1,
        max_hops: int | None = None,
        optional: bool = False,
        source: str | None = None,
    ) -> TraversalStep[Self]:
        """Follow a relation ``min_hops..max_hops`` times (``*1..`` when unbounded)."""
        fd = self._relation(relation_field, "repeat()")
        if isinstance(min_hops, bool) or not isinstance(min_hops, int) or min_hops < 0:
            raise QueryBuildError(f"repeat(): min_hops must be an integer >= 0, got {min_hops!r}")
        if max_hops is not None and (
            isinstance(max_hops, bool)
            or not isinstance(max_hops, int)
            or max_hops < max(min_hops, 1)
        ):
            raise QueryBuildError(
                f"repeat(): max_hops must be None or an integer >= max(min_hops, 1), "
                f"got {max_hops!r}"
            )
        src = self._source_for(fd, source, "repeat()")
        return TraversalStep(
            self,
            fd,
            src,
            edge_alias=None,
            optional=bool(optional),
            length=PathLength(min_hops, max_hops),
        )

    def _relation(self, relation_field: Any, what: str) -> FieldDescriptor:
        if not isinstance(relation_field, FieldExpressions) or not relation_field.is_relation:
            raise QueryBuildError(
                f"{what} takes a Relation() field such as User.friends, got {relation_field!r}"
            )
        return relation_field  # type: ignore[return-value]

    def _source_for(self, fd: FieldDescriptor, source: str | None, what: str) -> str:
        owner = fd.owner
        if source is not None:
            b = self._scoped(source, f"{what} source", "node")
            if b.cls is not None and not issubclass(b.cls, owner):
                raise QueryBuildError(
                    f"{what}: alias {source!r} holds {_describe(b.cls)}, which has no "
                    f"relation {_field_name(fd)}"
                )
            return source
        last = self._last
        if last is not None:
            b = self.binding(last)
            if b.cls is not None and issubclass(b.cls, owner):
                return last
        candidates = [
            b.alias
            for b in self._bindings
            if b.kind == "node"
            and b.alias in self._scope
            and b.cls is not None
            and issubclass(b.cls, owner)
        ]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise QueryBuildError(
                f"{what}: no alias in scope holds a {_describe(owner)} to traverse "
                f"{_field_name(fd)} from; aliases in scope: {', '.join(self._scope)}"
            )
        raise QueryBuildError(
            f"{what}: several aliases ({', '.join(candidates)}) hold a {_describe(owner)}; "
            f"pass source='alias' to choose where {_field_name(fd)} starts"
        )

    def _add_traversal(
        self,
        fd: FieldDescriptor,
        source: str,
        target_alias: str,
        *,
        edge_alias: str | None,
        optional: bool,
        length: PathLength | None,
    ) -> Self:
        target = self._check_new_alias(target_alias)
        if edge_alias is not None:
            self._check_new_alias(edge_alias)
            if edge_alias == target:
                raise QueryBuildError(
                    f"alias {target!r} is used for both the edge and the target node"
                )
        self._scoped(source, "traversal source", "node")
        target_cls = fd.resolve_target()
        meta = node_meta(target_cls)
        direction = fd.direction or "OUTGOING"
        rel_type = fd.relationship
        if rel_type is None:  # pragma: no cover - guarded by _relation()
            raise QueryBuildError(f"{_field_name(fd)} is not a relation")
        edge_cls = fd.edge_model
        index = len(self._clauses)
        clause = MatchPath(
            source,
            rel_type,
            direction,
            NodePattern(target, meta.labels, target_cls),
            edge_alias,
            edge_cls,
            length,
            optional,
        )
        bindings = (*self._bindings, Binding(target, "node", target_cls, index))
        scope = (*self._scope, target)
        if edge_alias is not None:
            bindings += (Binding(edge_alias, "edge", edge_cls, index),)
            scope += (edge_alias,)
        return self._evolve(
            _clauses=(*self._clauses, clause),
            _bindings=bindings,
            _scope=scope,
            _last=target,
        )

    def with_(self, *aliases: str) -> Self:
        """Pipe the named variables into a ``WITH`` stage; others go out of scope."""
        if not aliases:
            raise QueryBuildError("with_() needs at least one alias")
        if len(set(aliases)) != len(aliases):
            raise QueryBuildError(f"with_() got a repeated alias: {aliases!r}")
        carried = [self._scoped(a, "with_()") for a in aliases]
        index = len(self._clauses)
        clause = WithClause(
            tuple(Projection(VarRef(b.alias), b.alias, b.kind, b.cls) for b in carried)
        )
        names = set(aliases)
        bindings = tuple(
            replace(b, clause=index) if b.alias in names else b for b in self._bindings
        )
        last = self._last if self._last in names else None
        if last is None:
            nodes = [b.alias for b in carried if b.kind == "node"]
            last = nodes[-1] if nodes else None
        return self._evolve(
            _clauses=(*self._clauses, clause),
            _bindings=bindings,
            _scope=tuple(aliases),
            _last=last,
        )

    def order_by(self, *keys: Any, desc: bool = False) -> Self:
        """Add ORDER BY terms, in order.

        A key is a model field (``User.name``), a ``(key, desc)`` pair, an alias or
        result column (``"score"``), ``"alias.property"`` with an optional ``ASC`` or
        ``DESC`` (``"n.age DESC"``), or Cypher wrapped in :func:`~runic.ogm.text`
        (inserted verbatim). ``desc=True`` sorts the keys not given as pairs in
        descending order. Any other string is refused, so a sort key taken from a
        request cannot inject Cypher.
        """
        if not keys:
            raise QueryBuildError("order_by() needs at least one key")
        items = list(self._order)
        for key in keys:
            descending = bool(desc)
            if isinstance(key, tuple):
                if len(key) != 2 or not isinstance(key[1], bool):
                    raise QueryBuildError(
                        f"order_by() takes (key, desc) pairs with desc a bool, got {key!r}"
                    )
                key, descending = key
            items.append(self._order_item(key, descending))
        return self._evolve(_order=tuple(items))

    def _order_item(self, key: Any, desc: bool) -> OrderItem:
        if isinstance(key, Text):
            return OrderItem(Raw(key.cypher), desc)
        if isinstance(key, FieldExpressions) and not key.is_relation:
            return OrderItem(PropRef(self._alias_for(key, "order_by()"), key.graph_name), desc)
        if not isinstance(key, str):
            raise QueryBuildError(
                f"order_by() takes a property field (User.name), an alias, "
                f"'alias.property [ASC|DESC]' or text('...'), got {key!r}"
            )
        match = _ORDER_KEY.match(key)
        if match is None:
            raise QueryBuildError(
                f"order_by() got {key!r}: a string must be an alias or result column "
                "('score'), or 'alias.property' with an optional ASC or DESC "
                f"('n.age DESC'); use a model field (User.age), or {_RAW_HINT}"
            )
        direction = (match["dir"] or "").upper()
        if direction.startswith("DESC"):
            desc = True
        elif direction and desc:
            raise QueryBuildError(f"order_by({key!r}, desc=True) asks for both orders")
        ref = self._string_ref(match, "order_by()")
        return OrderItem(ref if ref is not None else Raw(match["alias"]), desc)

    def _string_ref(self, match: re.Match[str], what: str) -> PropRef | VarRef | None:
        """The reference a validated ``alias[.property]`` string names.

        ``None`` for a bare word that is no alias in scope (a result column name).
        """
        alias = match["alias"]
        prop = match["prop"] or match["quoted"]
        if prop is None:
            return VarRef(alias) if self._known_in_scope(alias) is not None else None
        self._scoped(alias, f"{what} on {match.group(0).strip()!r}")
        validate_identifier(prop, f"property name in {what}")
        return PropRef(alias, prop)

    def limit(self, n: int) -> Self:
        """``LIMIT n``."""
        return self._evolve(_limit=_non_negative("limit()", n))

    def skip(self, n: int) -> Self:
        """``SKIP n``."""
        return self._evolve(_skip=_non_negative("skip()", n))

    def distinct(self) -> Self:
        """``RETURN DISTINCT``."""
        return self if self._distinct else self._evolve(_distinct=True)

    # -- what to return ---------------------------------------------------------------

    def return_target(self, alias: str | None = None) -> Self:
        """Return the nodes of ``alias`` (default: the most recent node variable)."""
        if alias is None:
            alias = self._last
            if alias is None:
                raise QueryBuildError("return_target(): no node variable is in scope")
        self._scoped(alias, "return_target()", "node")
        return self._evolve(_ret=_Return("target", target=alias))

    def return_nodes(self, *aliases: str) -> Self:
        """Return several node variables (with ``return_edge()``: node/edge tuples)."""
        if not aliases:
            raise QueryBuildError("return_nodes() needs at least one alias")
        for a in aliases:
            self._scoped(a, "return_nodes()", "node")
        edges = self._ret.edges if self._ret.mode == "graph" else ()
        return self._evolve(_ret=_Return("graph", nodes=tuple(aliases), edges=edges))

    def return_edge(self, alias: str) -> Self:
        """Also return edge variable ``alias``, placed after its first returned endpoint."""
        self._scoped(alias, "return_edge()", "edge")
        ret = self._ret if self._ret.mode == "graph" else _Return("graph")
        if alias in ret.edges:
            raise QueryBuildError(f"return_edge(): edge {alias!r} is already returned")
        return self._evolve(_ret=replace(ret, edges=(*ret.edges, alias)))

    def project(self, *fields: Any) -> Self:
        """Return property values instead of entities.

        Each argument is a field (column named after the property, or
        ``alias_property`` when two aliases project the same name), an alias name,
        or raw Cypher text (``"n.city"``, ``"size(n.tags) AS tags"``).
        """
        if not fields:
            raise QueryBuildError("project() needs at least one field")
        items = self._items(fields, "project()")
        return self._evolve(_ret=_Return("items", items=_unique_columns(items, "project()")))

    def aggregate(self, *aggs: AggExpr, group_by: Any = None) -> Self:
        """Return aggregations, grouped by ``group_by`` (alias, field, raw text or a list).

        ``aggregate(count().as_("n"), group_by="u")`` -> ``RETURN u, count(*) AS `n```.
        """
        if not aggs:
            raise QueryBuildError(
                "aggregate() needs at least one aggregation (count(), avg(), ...)"
            )
        keys: Sequence[Any]
        if group_by is None:
            keys = ()
        elif isinstance(group_by, (str, FieldExpressions, Text)):
            keys = (group_by,)
        elif isinstance(group_by, Iterable):
            keys = tuple(group_by)
        else:
            raise QueryBuildError(f"aggregate(group_by=...) got {group_by!r}")
        items = self._items(keys, "aggregate(group_by=...)")
        for agg in aggs:
            if not isinstance(agg, AggExpr):
                raise QueryBuildError(
                    f"aggregate() takes count(), avg(), sum_(), min_(), max_() or collect() "
                    f"expressions, got {agg!r}"
                )
            items += (self._aggregate_item(agg),)
        return self._evolve(_ret=_Return("items", items=_unique_columns(items, "aggregate()")))

    def _items(self, fields: Iterable[Any], what: str) -> tuple[Projection, ...]:
        items: list[Projection] = []
        for f in fields:
            if isinstance(f, Text):
                items.append(Projection(Raw(f.cypher), raw_column(f.cypher)))
            elif isinstance(f, str):
                items.append(self._string_item(f, what))
            elif isinstance(f, FieldExpressions) and not f.is_relation:
                items.append(Projection(PropRef(self._alias_for(f, what), f.graph_name), f.name))
            else:
                raise QueryBuildError(
                    f"{what} takes property fields, alias names, 'alias.property' or "
                    f"text('...'), got {f!r}"
                )
        return tuple(items)

    def _string_item(self, f: str, what: str) -> Projection:
        match = _ITEM.match(f)
        if match is None:
            if not f.strip():
                raise QueryBuildError(f"{what} got an empty string")
            raise QueryBuildError(
                f"{what} got {f!r}: a string must be an alias ('n') or 'alias.property', "
                f"optionally with 'AS column' ('n.city AS city'); {_RAW_HINT}"
            )
        column = match["col"] or match["qcol"]
        ref = self._string_ref(match, what)
        if ref is None:
            raise QueryBuildError(
                f"unknown alias {match['alias']!r} in {what}; in scope: "
                f"{', '.join(self._scope) or '(none)'}"
            )
        if isinstance(ref, VarRef) and column is None:
            b = self.binding(ref.alias)
            return Projection(ref, ref.alias, b.kind, b.cls)
        if column is None:
            return Projection(ref, check_column(f"{ref.alias}.{match['prop'] or match['quoted']}"))
        return _NamedProjection(ref, check_column(column))

    def _known_in_scope(self, name: str) -> Binding | None:
        if name not in self._scope:
            return None
        return self.binding(name)

    def _aggregate_item(self, agg: AggExpr) -> Projection:
        arg: PropRef | VarRef | Raw | None
        f = agg.field
        if isinstance(f, Text):
            arg = Raw(f.cypher)
        elif isinstance(f, str):
            match = _ITEM.match(f)
            if f.strip() == "*":
                arg = None
            elif match is None or match["col"] or match["qcol"]:
                raise QueryBuildError(
                    f"{agg.func}() got {f!r}: a string must be '*' (count only), an alias "
                    f"('f') or 'alias.property' ('n.age'); use a model field, or {_RAW_HINT}"
                )
            else:
                arg = self._string_ref(match, f"{agg.func}()")
                if arg is None:
                    raise QueryBuildError(
                        f"unknown alias {f.strip()!r} in {agg.func}(); in scope: "
                        f"{', '.join(self._scope) or '(none)'}"
                    )
        else:
            arg = PropRef(self._alias_for(f, f"{agg.func}()"), f.graph_name)
        column = agg.result_alias
        if column is None:
            if isinstance(arg, PropRef):
                column = f"{agg.func}_{arg.prop}"
            elif isinstance(arg, VarRef):
                column = f"{agg.func}_{arg.alias}"
            else:
                column = agg.func
        return Projection(Aggregate(agg.func, arg, agg.distinct), check_column(column))

    # -- derived forms ----------------------------------------------------------------

    def to_count(self) -> Self:
        """This statement returning only ``count`` (ORDER BY, SKIP, LIMIT ignored)."""
        return self if self._count else self._evolve(_count=True)

    def to_exists(self) -> Self:
        """This statement returning one constant row at the first match, or none
        (for ``session.exists``; ORDER BY, SKIP, LIMIT ignored)."""
        return self if self._exists else self._evolve(_exists=True)

    def to_first(self) -> Self:
        """This statement limited to one row (for ``session.scalar``)."""
        if self._limit is not None and self._limit <= 1:
            return self
        return self._evolve(_limit=1)

    # -- lowering ---------------------------------------------------------------------

    def to_ir(self) -> Query:
        """The backend-neutral IR of this statement (cached)."""
        cached = self._cache.get("ir")
        if cached is None:
            query = Query(self._clauses, self._return_clause())
            if self._count:
                query = query.to_count()
            elif self._exists:
                query = query.to_exists()
            cached = self._cache["ir"] = query
        return cached

    @property
    def returns(self) -> tuple[ReturnItem, ...]:
        """How each result column decodes (node/edge class or plain value)."""
        return self.to_ir().returns

    @property
    def columns(self) -> tuple[str, ...]:
        """Result column names."""
        return self.to_ir().columns

    def compile(self, dialect: GraphDialect | None = None) -> CompiledQuery:
        """Compile with ``dialect`` (default: the openCypher reference); cached per dialect."""
        if dialect is None:
            from runic.ogm.dialect import default_dialect

            dialect = default_dialect()
        compiled = self._cache.get(dialect)
        if compiled is None:
            compiled = self._cache[dialect] = dialect.compile(self.to_ir())
        return compiled

    def build(self, dialect: GraphDialect | None = None) -> tuple[str, dict[str, Any]]:
        """``(cypher, params)`` for this statement (params is a fresh dict)."""
        compiled = self.compile(dialect)
        return compiled.cypher, dict(compiled.params)

    def _return_clause(self) -> ReturnClause:
        ret = self._ret
        if ret.mode == "default" or ret.mode == "target":
            alias = ret.target if ret.mode == "target" else self._last
            if alias is None:
                raise QueryBuildError(
                    "the statement has nothing to return: no node variable is in scope; "
                    "use return_target(), return_nodes(), project() or aggregate()"
                )
            items: tuple[Projection, ...] = (self._entity_item(alias),)
        elif ret.mode == "graph":
            items = self._graph_items(ret)
        else:
            items = ret.items
        self._check_in_scope(items)
        return ReturnClause(items, self._distinct, self._order, self._skip, self._limit)

    def _entity_item(self, alias: str) -> Projection:
        b = self._scoped(alias, "RETURN")
        kind: Literal["node", "edge", "value"] = b.kind
        return Projection(VarRef(alias), alias, kind, b.cls)

    def _graph_items(self, ret: _Return) -> tuple[Projection, ...]:
        order: list[str] = list(ret.nodes)
        for edge in ret.edges:
            ends: tuple[str, ...] = ()
            for clause in self._clauses:
                if isinstance(clause, MatchPath) and clause.edge_alias == edge:
                    ends = (clause.source_alias, clause.target.alias)
            position = len(order)
            for i, name in enumerate(order):
                if name in ends:
                    position = i + 1
                    break
            order.insert(position, edge)
        return tuple(self._entity_item(a) for a in order)

    def _check_in_scope(self, items: tuple[Projection, ...]) -> None:
        refs = [p.expr for p in items]
        refs += [o.expr for o in self._order]
        for expr in refs:
            target = expr.arg if isinstance(expr, Aggregate) else expr
            if isinstance(target, (VarRef, PropRef, IdRef)):
                self._scoped(target.alias, "RETURN/ORDER BY")

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__}[{_describe(self.root_cls)}] aliases={', '.join(self._scope)}>"
        )


class Select(SelectBase[T]):
    """An immutable read statement rooted at a Node class (the seeds' ``QueryBuilder``).

    Build one with :func:`select`, :func:`fulltext_search` or :func:`vector_search`
    and execute it through a session: ``session.scalars(stmt)``, ``session.scalar``,
    ``session.count``, ``session.exists``, ``session.all_rows``,
    ``session.all_with_edges``. It is not
    bound to a session, so its terminal methods (``all()``, ``one()``, ...) raise
    :class:`RuntimeError` saying so; ``session.query(User)`` builds a bound one.
    """

    def _unbound(self, terminal: str, method: str) -> NoReturn:
        name = _describe(self.root_cls)
        raise RuntimeError(
            f"{terminal}() on an unbound statement (select({name}) is not bound to a "
            f"session): execute it through a session, session.{method}(stmt) "
            f"(await it on an AsyncSession), or build it bound with "
            f"session.query({name})...{terminal}()"
        )

    def all(self) -> NoReturn:
        """Unbound: raises RuntimeError; use ``session.scalars(stmt)``."""
        self._unbound("all", "scalars")

    def one(self) -> NoReturn:
        """Unbound: raises RuntimeError; use ``session.scalar(stmt)``."""
        self._unbound("one", "scalar")

    def first(self) -> NoReturn:
        """Unbound: raises RuntimeError; use ``session.scalar(stmt)``."""
        self._unbound("first", "scalar")

    def scalars(self) -> NoReturn:
        """Unbound: raises RuntimeError; use ``session.scalars(stmt)``."""
        self._unbound("scalars", "scalars")

    def scalar(self) -> NoReturn:
        """Unbound: raises RuntimeError; use ``session.scalar(stmt)``."""
        self._unbound("scalar", "scalar")

    def count(self) -> NoReturn:
        """Unbound: raises RuntimeError; use ``session.count(stmt)``."""
        self._unbound("count", "count")

    def exists(self) -> NoReturn:
        """Unbound: raises RuntimeError; use ``session.exists(stmt)``."""
        self._unbound("exists", "exists")

    def all_rows(self) -> NoReturn:
        """Unbound: raises RuntimeError; use ``session.all_rows(stmt)``."""
        self._unbound("all_rows", "all_rows")

    def all_with_edges(self) -> NoReturn:
        """Unbound: raises RuntimeError; use ``session.all_with_edges(stmt)``."""
        self._unbound("all_with_edges", "all_with_edges")


QueryBuilder = Select
"""The seeds' name for :class:`Select`."""


def _non_negative(what: str, n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise QueryBuildError(f"{what} takes an integer >= 0, got {n!r}")
    return n


@dataclass(frozen=True, slots=True)
class _NamedProjection(Projection):
    """A projection whose column the developer named (``"n.city AS city"``): kept."""


def _unique_columns(items: tuple[Projection, ...], what: str) -> tuple[Projection, ...]:
    def renamable(p: Projection) -> bool:
        return isinstance(p.expr, PropRef) and not isinstance(p, _NamedProjection)

    props = [p.column for p in items if renamable(p)]
    clash = {c for c in props if props.count(c) > 1}
    if clash:
        items = tuple(
            replace(p, column=f"{p.expr.alias}_{p.column}")
            if isinstance(p.expr, PropRef) and renamable(p) and p.column in clash
            else p
            for p in items
        )
    seen: set[str] = set()
    for p in items:
        check_column(p.column)
        if p.column in seen:
            raise QueryBuildError(
                f"{what}: two result columns are named {p.column!r}; name them apart "
                "(aggregates: .as_('name'); raw text: 'expr AS name')"
            )
        seen.add(p.column)
    return items


def _convert(fd: FieldExpressions, value: Any) -> Any:
    converter = fd.converter
    if converter is None or value is None:
        return value
    try:
        return converter.to_graph(value)
    except (TypeError, ValueError) as exc:
        raise QueryBuildError(f"cannot compare {_field_name(fd)} with {value!r}: {exc}") from exc


# -- entry points ---------------------------------------------------------------------


def _root(cls: type[T], clause: Clause, extra: tuple[Binding, ...] = ()) -> Select[T]:
    return Select(
        cls,
        (clause,),
        (Binding("n", "node", cls, 0), *extra),
        ("n", *(b.alias for b in extra)),
        "n",
    )


_SELECT_ROOTS: WeakKeyDictionary[type, Select[Any]] = WeakKeyDictionary()


def select(cls: type[T]) -> Select[T]:
    """A statement matching every node of ``cls`` (and its subclasses) as ``n``."""
    # Statements are immutable, so the root statement of a class is shared (and so
    # is its compiled form).
    cached = _SELECT_ROOTS.get(cls)
    if cached is None:
        meta = node_meta(cls)
        cached = _SELECT_ROOTS[cls] = _root(cls, MatchNode(NodePattern("n", meta.labels, cls)))
    return cached


def fulltext_search(cls: type[T], *, query: str, fields: Sequence[Any] | None = None) -> Select[T]:
    """Nodes of ``cls`` found by its fulltext index (backend support required)."""
    meta = node_meta(cls)
    if not isinstance(query, str):
        raise QueryBuildError(f"fulltext_search(query=...) must be a str, got {query!r}")
    names: list[str] = []
    for f in fields or ():
        name = f.name if isinstance(f, FieldExpressions) else f
        if not isinstance(name, str) or name not in meta.fields:
            raise QueryBuildError(
                f"fulltext_search(fields=...): {name!r} is not a property of "
                f"{_describe(cls)}; properties: {', '.join(meta.fields)}"
            )
        names.append(meta.fields[name].graph_name)
    clause = FulltextSource(
        NodePattern("n", meta.labels, cls), meta.primary_label, Param(query), tuple(names)
    )
    return _root(cls, clause)


def vector_search(
    cls: type[T],
    *,
    field: Any,
    vector: Any,
    k: int = 10,
    score_alias: str | None = None,
    similarity: VectorSimilarity = "euclidean",
) -> Select[T]:
    """The ``k`` nodes of ``cls`` nearest to ``vector`` on ``field``'s vector index.

    Without a filter this runs the backend's KNN procedure on the index (approximate,
    as the index is). With ``where()`` on the searched nodes the search is exact: the
    filter is applied first, then the nodes it keeps are ordered by ``similarity``
    (``"euclidean"`` or ``"cosine"``: give the one the index was created with) and
    the nearest ``k`` kept, so up to ``k`` matching nodes are always found. That path
    uses no index: its cost grows with the number of nodes the filter keeps.

    ``score_alias`` binds the score (as the backend's index reports it) to a
    variable usable in raw ``order_by()``/``project()`` strings.
    """
    meta = node_meta(cls)
    if not isinstance(field, FieldExpressions) or field.is_relation:
        raise QueryBuildError(f"vector_search(field=...) takes a property field, got {field!r}")
    if not issubclass(cls, field.owner):
        raise QueryBuildError(
            f"vector_search(): {_field_name(field)} is not a field of {_describe(cls)}"
        )
    if getattr(field, "index_type", None) != "VECTOR":
        raise QueryBuildError(
            f"vector_search(): {_field_name(field)} has no vector index; declare it with "
            "Field(index_type='VECTOR') and create the index"
        )
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise QueryBuildError(f"vector_search(k=...) must be an integer >= 1, got {k!r}")
    if similarity not in _SIMILARITIES:
        raise QueryBuildError(
            f"vector_search(similarity=...) must be one of {', '.join(map(repr, _SIMILARITIES))}"
            f", got {similarity!r}"
        )
    converter = field.converter
    value = _convert(field, vector) if converter is not None else list(vector)
    fn = converter.cypher_fn if converter is not None else None
    extra: tuple[Binding, ...] = ()
    if score_alias is not None:
        check_alias(score_alias)
        if score_alias == "n":
            raise QueryBuildError("vector_search(score_alias='n') clashes with the node alias")
        extra = (Binding(score_alias, "value", None, 0),)
    clause = VectorSource(
        NodePattern("n", meta.labels, cls),
        meta.primary_label,
        field.graph_name,
        Param(value, fn, _field_name(field) if fn is not None else None),
        k,
        score_alias,
        similarity=similarity,
    )
    return _root(cls, clause, extra)
