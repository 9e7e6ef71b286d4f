"""Bulk statements: ``update(Cls).where(...).values(...)`` and ``delete(Cls).where(...)``.

Immutable like ``select()`` (each call returns a new statement) and filtered with
the same ``where`` expressions (``&``, ``|``, ``~``, converters applied to the
compared values). They compile to one :class:`~runic.ogm.query.write.BulkWrite`
each, whatever the number of nodes, returning the number of nodes updated or
deleted in the column ``rowcount``::

    update(User).where(User.age < 18).values(minor=True, note=None)
    delete(User).where(User.active == False)

``values(field=None)`` removes the property; ``delete`` is ``DETACH DELETE`` (the
nodes' edges go too).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from runic.ogm.core.metadata import node_meta
from runic.ogm.exceptions import QueryBuildError
from runic.ogm.query.builder import Select, select
from runic.ogm.query.ir import Param
from runic.ogm.query.write import BulkWrite

if TYPE_CHECKING:
    from runic.ogm.dialect import CompiledQuery, GraphDialect
    from runic.ogm.query.expressions import Expr

__all__ = ["Delete", "Update", "delete", "update"]

T = TypeVar("T")

#: The result column of a bulk statement: how many nodes it updated or deleted.
ROWCOUNT = "rowcount"


class _Bulk(Generic[T]):
    __slots__ = ("_cache", "_select")

    def __init__(self, matched: Select[T]) -> None:
        self._select = matched
        self._cache: dict[Any, CompiledQuery] = {}

    @property
    def root_cls(self) -> type[T]:
        """The class whose nodes the statement writes."""
        return self._select.root_cls

    def _ir(self) -> BulkWrite:
        raise NotImplementedError

    def to_ir(self) -> BulkWrite:
        """The backend-neutral IR of this statement."""
        return self._ir()

    def compile(self, dialect: GraphDialect | None = None, *, ids: bool = False) -> CompiledQuery:
        """Compile with ``dialect`` (default: the openCypher reference); cached per dialect.

        ``ids=True`` also returns the ids of the nodes written (column ``ids``): the
        session asks for them to update the entities it holds.
        """
        if dialect is None:
            from runic.ogm.dialect import default_dialect

            dialect = default_dialect()
        compiled = self._cache.get((dialect, ids))
        if compiled is None:
            ir = self._ir()
            if ids:
                ir = dataclasses.replace(ir, ids=True)
            compiled = self._cache[(dialect, ids)] = dialect.compile(ir)
        return compiled

    def build(self, dialect: GraphDialect | None = None) -> tuple[str, dict[str, Any]]:
        """``(cypher, params)`` for this statement (params is a fresh dict)."""
        compiled = self.compile(dialect)
        return compiled.cypher, dict(compiled.params)


class Update(_Bulk[T]):
    """``update(Cls)``: set or remove properties of the nodes that match."""

    __slots__ = ("_values",)

    def __init__(self, matched: Select[T], values: tuple[tuple[str, Any], ...] = ()) -> None:
        super().__init__(matched)
        self._values = values

    def where(self, expr: Expr | bool, *, on: str | None = None) -> Update[T]:
        """Only the nodes matching ``expr`` (several ``where()`` calls are ANDed)."""
        return Update(self._select.where(expr, on=on), self._values)

    def values(self, **fields: Any) -> Update[T]:
        """Set these fields (by attribute name); ``None`` removes the property.

        A name that is not a property of the class, a relation or a primary key
        is a QueryBuildError naming the class and the field, raised here.
        """
        cls = self.root_cls
        meta = node_meta(cls)
        for name in fields:
            what = None
            if name in meta.relations:
                what = "a relation; change relations through the session (relate/unrelate)"
            elif name not in meta.fields:
                known = ", ".join(sorted(n for n in meta.fields if not meta.fields[n].primary_key))
                what = f"not a property of {cls.__qualname__} (its properties: {known})"
            elif meta.fields[name].primary_key:
                what = "its primary key, which a bulk update cannot change"
            elif fields[name] is None and meta.fields[name].required:
                what = "required: it cannot be removed (set to None); give it a value"
            if what is not None:
                raise QueryBuildError(f"update({cls.__qualname__}).values(): {name!r} is {what}")
        merged = dict(self._values)
        merged.update(fields)
        return Update(self._select, tuple(merged.items()))

    @property
    def assigned(self) -> dict[str, Any]:
        """The values this statement sets, by attribute name (``None``: removed)."""
        return dict(self._values)

    def _ir(self) -> BulkWrite:
        cls = self.root_cls
        if not self._values:
            raise QueryBuildError(
                f"update({cls.__qualname__}) sets nothing: call .values(field=value, ...)"
            )
        fields = node_meta(cls).fields
        sets: list[tuple[str, Param]] = []
        removes: list[str] = []
        for name, value in self._values:
            desc = fields[name]
            if value is None:
                removes.append(desc.graph_name)
                continue
            converter = desc.converter
            fn = converter.cypher_fn if converter is not None else None
            if fn is None and desc.interned:
                fn = "intern"
            if converter is not None:
                try:
                    value = converter.to_graph(value)
                except (TypeError, ValueError) as exc:
                    raise QueryBuildError(
                        f"update({cls.__qualname__}).values(): cannot store {value!r} in "
                        f"{desc.qualname}: {exc}"
                    ) from exc
            sets.append((desc.graph_name, Param(value, fn, desc.qualname)))
        query = self._select.to_ir()
        return BulkWrite(query.clauses, "n", tuple(sets), tuple(removes))

    def __repr__(self) -> str:
        return f"<Update {self.root_cls.__qualname__} {self.build()[0]!r}>"


class Delete(_Bulk[T]):
    """``delete(Cls)``: delete the nodes that match, with their edges."""

    __slots__ = ()

    def where(self, expr: Expr | bool, *, on: str | None = None) -> Delete[T]:
        """Only the nodes matching ``expr`` (several ``where()`` calls are ANDed)."""
        return Delete(self._select.where(expr, on=on))

    def _ir(self) -> BulkWrite:
        return BulkWrite(self._select.to_ir().clauses, "n", delete=True)

    def __repr__(self) -> str:
        return f"<Delete {self.root_cls.__qualname__} {self.build()[0]!r}>"


def update(cls: type[T]) -> Update[T]:
    """A statement updating every node of ``cls`` (and its subclasses); see :class:`Update`."""
    return Update(select(cls))


def delete(cls: type[T]) -> Delete[T]:
    """A statement deleting every node of ``cls`` (and its subclasses) with its edges."""
    return Delete(select(cls))
