"""Executing ``select()`` statements and raw Cypher: compile, run, shape results.

Pure code shared by both session flavours; the result shape is chosen by
``mode``: ``scalars`` (entities or projected values), ``scalar`` (first or
``None``), ``count``, ``exists`` (a bool), ``rows`` (dicts) and ``edges`` (tuples with edge models).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

from runic.ogm.core.descriptors import FieldDescriptor
from runic.ogm.exceptions import QueryBuildError
from runic.ogm.session.gcpause import gc_paused
from runic.ogm.session.ops import Op, Statement

if TYPE_CHECKING:
    from runic.ogm.dialect import CompiledQuery
    from runic.ogm.driver.results import QueryResult
    from runic.ogm.session.core import SessionCore

__all__ = ["Mode", "find_all_args", "load_args", "raw", "select_op"]

Mode = Literal["scalars", "scalar", "count", "exists", "rows", "edges"]


def raw(
    cypher: str,
    params: Mapping[str, Any] | None,
    write: bool,
    columns: Sequence[str] | None = None,
) -> Statement:
    """A raw Cypher statement; ``params`` carry every value."""
    if not isinstance(cypher, str) or not cypher.strip():
        raise QueryBuildError("execute() needs a non-empty Cypher string")
    if params is not None and not isinstance(params, Mapping):
        raise QueryBuildError(f"params must be a mapping of names to values, got {params!r}")
    return Statement(cypher, dict(params or {}), tuple(columns or ()), write=bool(write))


def find_all_args(
    fetch: Sequence[str] | None, skip: int, limit: int | None, ids: Iterable[Any] | None
) -> dict[str, Any]:
    """Normalise ``session.find_all(...)`` keywords (``ids`` read once, into a list)."""
    return {"fetch": fetch, "skip": skip, "limit": limit, "ids": None if ids is None else list(ids)}


def load_args(entities: Any, relation: str | FieldDescriptor) -> tuple[list[Any], str]:
    """Normalise ``session.load(...)`` arguments."""
    items = list(entities) if isinstance(entities, (list, tuple, set)) else [entities]
    name = relation.name if isinstance(relation, FieldDescriptor) else relation
    if items:
        first = type(items[0])
        for item in items:
            if type(item) is not first and not isinstance(item, first):
                raise QueryBuildError(
                    f"load() takes entities of one class; got {first.__name__} and "
                    f"{type(item).__name__}"
                )
    return items, name


def _compile(core: SessionCore, stmt: Any, mode: Mode) -> CompiledQuery:
    if not callable(getattr(stmt, "compile", None)):
        raise QueryBuildError(
            f"expected a select() statement, got {type(stmt).__name__}; "
            "use session.execute() for raw Cypher"
        )
    if mode == "count":
        stmt = stmt.to_count()
    elif mode == "exists":
        stmt = stmt.to_exists()
    elif mode == "scalar":
        stmt = stmt.to_first()
    compiled: CompiledQuery = stmt.compile(core.dialect)
    return compiled


def select_op(core: SessionCore, stmt: Any, mode: Mode) -> Op[Any]:
    """Compile ``stmt`` for the session's dialect, run it, and shape the rows."""
    core.check_open()
    compiled = _compile(core, stmt, mode)
    result = yield Statement(compiled.cypher, compiled.params, compiled.columns, write=False)
    if mode == "count":
        value = result.scalar()
        return int(value) if value is not None else 0
    if mode == "exists":
        return bool(result.rows)
    with gc_paused(len(result.rows)):
        shaped = _shape(core, compiled, result, mode)
    # the lazy=False relations of the entities returned: one statement per relation
    yield from core.load_eager(_returned(shaped, mode))
    return shaped


def _returned(shaped: Any, mode: Mode) -> list[Any]:
    """The values a shaped result holds (entities among them)."""
    if mode == "scalars":
        return cast("list[Any]", shaped)
    if mode == "scalar":
        return [] if shaped is None else [shaped]
    if mode == "rows":
        return [value for row in shaped for value in row.values()]
    return [value for row in shaped for value in row]


def _shape(core: SessionCore, compiled: CompiledQuery, result: QueryResult, mode: Mode) -> Any:
    """Hydrate the rows of ``result`` into the shape ``mode`` asks for."""
    returns = compiled.returns
    hydrate = core.hydrate_value
    if mode in ("scalars", "scalar"):
        index, item = _target_column(returns)
        cls = item.cls if item is not None else None
        rows = result.rows
        if item is not None and item.kind in ("node", "edge"):
            # an optional traversal yields null targets for sources without a match
            rows = [row for row in rows if row[index] is not None]
        values = [hydrate(row[index], cls) for row in rows]
        if mode == "scalar":
            return values[0] if values else None
        return values
    if mode == "rows":
        columns = result.columns or compiled.columns
        classes = (
            [r.cls for r in returns] if len(returns) == len(columns) else [None] * len(columns)
        )
        return [
            {c: hydrate(v, cls) for c, v, cls in zip(columns, row, classes, strict=True)}
            for row in result.rows
        ]
    classes = [r.cls for r in returns]
    if len(classes) != len(result.columns or compiled.columns):
        classes = [None] * len(result.columns or compiled.columns)
    return [
        tuple(hydrate(value, cls) for value, cls in zip(row, classes, strict=True))
        for row in result.rows
    ]


def _target_column(returns: Sequence[Any]) -> tuple[int, Any]:
    for index, item in enumerate(returns):
        if item.kind == "node":
            return index, item
    if returns:
        return 0, returns[0]
    return 0, None
