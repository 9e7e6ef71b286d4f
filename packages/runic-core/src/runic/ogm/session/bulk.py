"""Executing ``update(Cls)`` / ``delete(Cls)`` statements, keeping the session true.

``session.execute(update(User).where(...).values(...))`` runs :func:`execute_bulk`:

1. the statement is compiled first (a bad statement sends nothing);
2. the session's pending changes are flushed (in the open transaction, if any), so
   the statement sees them and nothing staged is lost or written back later;
3. the statement is sent, once, whatever the number of nodes. When the identity
   map holds entities of the class, it also returns the ids of the nodes it
   matched (same round trip);
4. the matched entities held by the session are synchronised *in place*: an
   update sets the assigned values (and the snapshot, so the next flush does not
   write the old ones back); a delete detaches them (``session.get`` returns
   ``None``).

Why in place from the server's ids rather than by evaluating the ``where`` in
Python (SQLAlchemy's ``"evaluate"``): the server decides which nodes match, so
string, list, null and converter semantics are the server's for every operator;
and why not expiring the entities (``"fetch"``): an async session cannot reload
an expired attribute on access, and the new values are known (the statement
sets constants), so there is nothing to reload.

On a transactional backend each bulk statement is recorded like a flush: a
rollback brings deleted entities back (expired, like every entity after a
rollback); a failed later statement (the server rolled the transaction back)
restores the entities' values from before the bulk statement.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from runic.ogm.core.state import STATE_KEY, EntityState
from runic.ogm.exceptions import QueryBuildError
from runic.ogm.query.builder import Select, SelectBase, select
from runic.ogm.query.bulk import Delete, Update
from runic.ogm.query.ir import MatchNode
from runic.ogm.session.ops import Op, Statement

if TYPE_CHECKING:
    from runic.ogm.session.core import SessionCore

__all__ = ["BulkResult", "BulkUndo", "execute_bulk", "is_bulk", "undo_bulk"]

T = TypeVar("T")

_ABSENT: Any = object()
_MUTABLE = (list, dict, set, bytearray)


@dataclass(frozen=True, slots=True)
class BulkResult:
    """What ``session.execute(update(...) | delete(...))`` returns."""

    #: the number of nodes the statement updated or deleted
    rowcount: int


#: One entity a bulk statement changed, for undoing it when the transaction rolls
#: back: ``(entity, None)`` for a deleted one; ``(entity, {name: (value before,
#: snapshot value before)})`` for an updated one (``_ABSENT`` where there was none).
BulkUndo = tuple[Any, dict[str, tuple[Any, Any]] | None]


def is_bulk(stmt: Any) -> bool:
    """Whether ``stmt`` is an ``update()`` or ``delete()`` statement."""
    return isinstance(stmt, (Update, Delete))


def execute_bulk(core: SessionCore, stmt: Update[Any] | Delete[Any]) -> Op[BulkResult]:
    """Flush, run ``stmt`` (one statement), synchronise the identity map."""
    core.check_open()
    stmt.compile(core.dialect)  # errors (nothing to set, a value a converter refuses) first
    yield from core.flush()
    cls = stmt.root_cls
    held = _held(core, cls)
    compiled = stmt.compile(core.dialect, ids=bool(held))
    result = yield Statement(compiled.cypher, compiled.params, compiled.columns, write=True)
    row = result.rows[0] if result.rows else (0, [])
    rowcount = int(row[0] or 0)
    if held:
        # (still attached: a task sharing the session may have expunged one meanwhile)
        matched = [
            entity
            for entity in (held.get(graph_id) for graph_id in row[1] or ())
            if entity is not None and entity.__dict__[STATE_KEY].session is core
        ]
        changes = (
            _apply_delete(core, matched)
            if isinstance(stmt, Delete)
            else _apply_update(core, matched, stmt.assigned)
        )
        if core.track_flushes and changes:
            _record(core, changes)
    return BulkResult(rowcount)


def _held(core: SessionCore, cls: type) -> dict[Any, Any]:
    """The persistent entities of ``cls`` in the identity map, by database id."""
    held: dict[Any, Any] = {}
    for entity in core.identity.values():
        if isinstance(entity, cls):
            state: EntityState | None = entity.__dict__.get(STATE_KEY)
            if state is not None and state.session is core and state.persistent:
                held[state.graph_id] = entity
    return held


def _apply_update(
    core: SessionCore, matched: list[Any], assigned: dict[str, Any]
) -> list[BulkUndo]:
    """Give each matched entity the assigned values, as a flush of them would."""
    changes: list[BulkUndo] = []
    names = list(assigned)
    for entity in matched:
        values = entity.__dict__
        state: EntityState = values[STATE_KEY]
        before = {n: (values.get(n, _ABSENT), state.snapshot.get(n, _ABSENT)) for n in names}
        changes.append((entity, before))
        # assigned since the flush (a task sharing the session): stays pending
        pending = {n: values[n] for n in names if n in state.changed and n in values}
        for name, value in assigned.items():
            values[name] = copy.deepcopy(value) if isinstance(value, _MUTABLE) else value
        state.take_snapshot(values, names)  # the graph's values now: not written back
        core._watch(entity, state)  # a list set here is checked for in-place changes
        for name, value in pending.items():
            values[name] = value
            state.mark_changed(name)
        if pending:
            core.dirty[id(entity)] = entity
    return changes


def _apply_delete(core: SessionCore, matched: list[Any]) -> list[BulkUndo]:
    """Detach each matched entity, as a flush of its deletion does."""
    for entity in matched:
        state: EntityState = entity.__dict__[STATE_KEY]
        core._discard(entity, state)
        state.persistent = False
        state.deleted = True
        state.detached = True
    return [(entity, None) for entity in matched]


def _record(core: SessionCore, changes: list[BulkUndo]) -> None:
    """Remember what the statement changed until the transaction ends."""
    from runic.ogm.session.persistence import _Flushed

    record = _Flushed()
    record.bulk = changes
    core._flushed.append(record)


def undo_bulk(core: SessionCore, changes: Iterable[BulkUndo]) -> None:
    """The transaction a bulk statement ran in rolled back: put its entities back.

    Deleted entities are attached again (persistent); updated ones get their
    values and snapshot from before the statement. Never raises.
    """
    for entity, before in reversed(list(changes)):
        state: EntityState = entity.__dict__[STATE_KEY]
        if before is None:
            core._unflush_delete(entity, keep_staged=False)
            continue
        if state.session is not core or not state.persistent:
            continue
        values = entity.__dict__
        snap: dict[str, Any] = {}
        gone: list[str] = []
        for name, (value, snapped) in before.items():
            if value is _ABSENT:
                values.pop(name, None)
            else:
                values[name] = value
            if snapped is _ABSENT:
                gone.append(name)
            else:
                snap[name] = snapped
        state.forget(gone)
        state.take_snapshot(snap, list(snap))


def from_query(query: SelectBase[T], terminal: str) -> Select[T]:
    """``query`` as the match of a bulk statement (``.update()`` / ``.delete()`` on
    ``session.query(Cls).where(...)``): the root class filtered by ``where`` only."""
    name = query.root_cls.__name__
    simple = (
        query.aliases == ("n",)
        and all(isinstance(clause, MatchNode) for clause in query.to_ir().clauses)
        and query.to_ir().returns == select(query.root_cls).returns
        and not (query._order or query._distinct or query._count or query._exists)
        and query._skip is None
        and query._limit is None
    )
    if not simple:
        raise QueryBuildError(
            f"session.query({name})...{terminal}() writes the {name} nodes where() "
            "selects, but this query also traverses, orders, limits or projects: filter "
            f"it with where() only, or run {terminal}({name}).where(...) with "
            "session.execute()"
        )
    plain: Select[T] = object.__new__(Select)
    plain.__dict__.update(query.__dict__)
    plain.__dict__.pop("_session", None)
    plain.__dict__["_cache"] = {}
    return plain


def check_statement(stmt: Any) -> Update[Any] | Delete[Any]:
    """``stmt`` as a bulk statement, or a QueryBuildError saying what execute() takes."""
    if not is_bulk(stmt):
        raise QueryBuildError(
            "execute() takes a Cypher string or an update()/delete() statement, got "
            f"{type(stmt).__name__}; run select() statements with scalars()/all_rows()"
        )
    bulk: Update[Any] | Delete[Any] = stmt
    return bulk
