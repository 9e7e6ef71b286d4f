"""The schema managers' logic as sans-I/O generators.

Each operation yields :class:`~runic.ogm.schema.ir.DDL` statements (or a
:class:`Wait`) and receives the statement's
:class:`~runic.ogm.driver.results.QueryResult`; the sync and async managers
only run what is yielded (:func:`drive` / :func:`drive_async`, the session's
own driver loops of :mod:`runic.ogm.session.ops` with a :class:`Wait` sleeping).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Collection, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from runic.ogm.dialect import CypherDialect
from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import MetadataError, QueryExecutionError, UnsupportedFeatureError
from runic.ogm.schema.ir import (
    DDL,
    CreateEntityType,
    CreateIndex,
    DropIndex,
    IndexStatus,
    ListIndexes,
)
from runic.ogm.schema.specs import IndexSpec, declared_specs
from runic.ogm.session import ops as session_ops

__all__ = [
    "SchemaTask",
    "ValidationResult",
    "Wait",
    "create_op",
    "create_plan",
    "drive",
    "drive_async",
    "entity_types_op",
    "live_op",
    "plan_changes",
    "sync_op",
    "validate_op",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Wait:
    """Pause ``seconds`` before the next statement (waiting for an index build)."""

    seconds: float


SchemaTask = Generator[DDL | Wait, QueryResult, T]
"""A schema operation: yields statements or waits, receives results, returns ``T``."""

#: how long sync waits for the backend to finish building indexes
BUILD_TIMEOUT = 60.0


@dataclass(frozen=True)
class ValidationResult:
    """What :meth:`SchemaManager.validate_schema` found.

    ``missing_indexes``: declared but absent from the live graph;
    ``extra_indexes``: in the graph but declared on no given class;
    ``errors``: declared specs this backend cannot create (with the reason).
    """

    is_valid: bool
    missing_indexes: list[IndexSpec] = field(default_factory=list)
    extra_indexes: list[IndexSpec] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _run(ddl: DDL) -> Generator[DDL | Wait, QueryResult, QueryResult]:
    """Send one statement; an error naming an ``ignore_errors`` text counts as done."""
    try:
        return (yield ddl)
    except QueryExecutionError as exc:
        text = str(exc)
        if ddl.ignore_errors and any(part in text for part in ddl.ignore_errors):
            return QueryResult()
        raise


def _run_all(ddls: Iterable[DDL]) -> Generator[DDL | Wait, QueryResult, list[QueryResult]]:
    results: list[QueryResult] = []
    for ddl in ddls:
        results.append((yield from _run(ddl)))
    return results


def live_op(dialect: CypherDialect, graph: str) -> SchemaTask[list[IndexSpec]]:
    """The live indexes and constraints of the graph."""
    results = yield from _run_all(dialect.compile_schema(ListIndexes(), graph=graph))
    return dialect.parse_indexes(results)


#: labels of runic's own migration records (:mod:`runic.migrate.store`): their
#: indexes are never reported extra nor dropped by validate/sync
RESERVED_PREFIX = "_RunicMigration"


def _user_specs(live: Sequence[IndexSpec]) -> list[IndexSpec]:
    return [s for s in live if not s.label.startswith(RESERVED_PREFIX)]


ALL_LANGUAGES = frozenset({"cypher", "sql", "command"})


def _supported(
    dialect: CypherDialect,
    graph: str,
    specs: Sequence[IndexSpec],
    languages: Collection[str] = ALL_LANGUAGES,
) -> tuple[list[IndexSpec], list[str]]:
    """Split ``specs`` into those that can be created here and error texts for the rest.

    A spec cannot be created when the dialect refuses it, or when its DDL is in a
    language the connection cannot send (``languages``).
    """
    from runic.migrate.adapters import LANGUAGE_HINTS

    ok: list[IndexSpec] = []
    errors: list[str] = []
    for spec in specs:
        try:
            ddls = dialect.compile_schema(CreateIndex(spec), graph=graph)
        except (UnsupportedFeatureError, MetadataError) as exc:
            errors.append(f"{spec.describe()}: {exc}")
            continue
        missing = sorted({d.language for d in ddls} - set(languages))
        if missing:
            hint = "; ".join(LANGUAGE_HINTS.get(m, m) for m in missing)
            errors.append(
                f"{spec.describe()}: needs {', '.join(missing)} statements this connection "
                f"cannot send on {dialect.name}: {hint}"
            )
        else:
            ok.append(spec)
    return ok, errors


def validate_op(
    dialect: CypherDialect,
    graph: str,
    classes: Sequence[type],
    languages: Collection[str] = ALL_LANGUAGES,
) -> SchemaTask[ValidationResult]:
    """Compare the classes' declared specs with the live graph."""
    declared, errors = _supported(dialect, graph, declared_specs(classes), languages)
    live = _user_specs((yield from live_op(dialect, graph)))
    live_set = set(live)
    wanted = set(declared_specs(classes))
    missing = [s for s in declared if s not in live_set]
    extra = [s for s in live if s not in wanted]
    return ValidationResult(not (missing or extra or errors), missing, extra, errors)


def entity_types_op(
    dialect: CypherDialect, graph: str, classes: Sequence[type]
) -> SchemaTask[None]:
    """Create the vertex/edge types of ``classes`` where the backend has types."""
    from runic.ogm.core.models import Edge, Node

    for cls in classes:
        if isinstance(cls, type) and issubclass(cls, Node):
            op = CreateEntityType(cls.__runic_meta__.primary_label, "node")
        elif isinstance(cls, type) and issubclass(cls, Edge):
            op = CreateEntityType(cls.__runic_meta__.type, "edge")
        else:
            raise TypeError(f"not a Node or Edge class: {cls!r}")
        yield from _run_all(dialect.compile_schema(op, graph=graph))


def create_plan(specs: Sequence[IndexSpec], *, if_not_exists: bool = True) -> list[CreateIndex]:
    """One :class:`CreateIndex` per spec; FULLTEXT specs of one label batched into one."""
    plan: list[CreateIndex] = []
    fulltext: dict[tuple[str, str], list[IndexSpec]] = {}
    for spec in specs:
        if spec.index_type == "FULLTEXT":
            fulltext.setdefault((spec.label, spec.entity), []).append(spec)
        else:
            plan.append(CreateIndex(spec, if_not_exists))
    for group in fulltext.values():
        plan.append(CreateIndex(group[0], if_not_exists, tuple(s.property for s in group)))
    return plan


def _key(spec: IndexSpec) -> tuple[str, str]:
    return spec.label, spec.entity


def plan_changes(
    declared: Sequence[IndexSpec], live: Sequence[IndexSpec], *, drop_extra: bool
) -> tuple[list[IndexSpec], list[IndexSpec]]:
    """``(specs to drop, specs to create)`` taking the live graph to the declared specs.

    A label's fulltext index covers exactly its declared FULLTEXT fields (one
    index per label on most backends): when a field is added (or, with
    ``drop_extra``, removed) the label's live fulltext index is dropped and
    created again over all of them.
    """
    live_set, wanted = set(live), set(declared)
    missing = [s for s in declared if s not in live_set]
    extra = [s for s in live if s not in wanted]
    declared_ft = {_key(s) for s in declared if s.index_type == "FULLTEXT"}
    live_ft = {_key(s) for s in live if s.index_type == "FULLTEXT"}
    changed = {_key(s) for s in missing if s.index_type == "FULLTEXT"}
    if drop_extra:
        changed |= {_key(s) for s in extra if s.index_type == "FULLTEXT"}
    rebuild = changed & declared_ft & live_ft

    def rebuilt(spec: IndexSpec) -> bool:
        return spec.index_type == "FULLTEXT" and _key(spec) in rebuild

    drops = [s for s in live if rebuilt(s)]
    if drop_extra:
        drops += [s for s in extra if not rebuilt(s)]
    creates = [s for s in missing if not rebuilt(s)]
    creates += [s for s in declared if rebuilt(s)]
    return drops, creates


def _wait_built(dialect: CypherDialect, graph: str) -> SchemaTask[None]:
    status = dialect.compile_schema(IndexStatus(), graph=graph)
    if not status:
        return
    deadline = time.monotonic() + BUILD_TIMEOUT
    while True:
        results = yield from _run_all(status)
        if not dialect.indexes_pending(results):
            return
        if time.monotonic() > deadline:
            raise QueryExecutionError(
                f"indexes were still being built after {BUILD_TIMEOUT:.0f}s",
                backend=dialect.name,
            )
        yield Wait(0.05)


def create_op(
    dialect: CypherDialect,
    graph: str,
    specs: Sequence[IndexSpec],
    *,
    if_not_exists: bool = True,
) -> SchemaTask[list[DDL]]:
    """Create ``specs`` (those already live are skipped with ``if_not_exists``)."""
    if if_not_exists:
        live = set((yield from live_op(dialect, graph)))
        specs = [s for s in specs if s not in live]
    done: list[DDL] = []
    for op in create_plan(specs, if_not_exists=if_not_exists):
        ddls = dialect.compile_schema(op, graph=graph)
        yield from _run_all(ddls)
        done += ddls
    if done:
        yield from _wait_built(dialect, graph)
    return done


def sync_op(
    dialect: CypherDialect,
    graph: str,
    classes: Sequence[type],
    *,
    drop_extra: bool = False,
    dry_run: bool = False,
    languages: Collection[str] = ALL_LANGUAGES,
) -> SchemaTask[list[DDL]]:
    """Create entity types and missing specs; drop extras with ``drop_extra``.

    Returns the DDL run (with ``dry_run``: the DDL that would run, nothing sent
    but the reads). A declared spec the backend cannot create raises.
    """
    declared = declared_specs(classes)
    _ok, errors = _supported(dialect, graph, declared, languages)
    if errors:
        raise UnsupportedFeatureError(
            dialect.name, f"creating {len(errors)} declared index(es)", "; ".join(errors)
        )
    plan: list[DDL] = []
    if not dry_run:
        yield from entity_types_op(dialect, graph, classes)
    live = _user_specs((yield from live_op(dialect, graph)))
    drops, creates = plan_changes(declared, live, drop_extra=drop_extra)
    for spec in drops:
        for ddl in dialect.compile_schema(DropIndex(spec), graph=graph):
            if ddl not in plan:  # one index behind several specs (a fulltext index)
                plan.append(ddl)
    for op in create_plan(creates):
        plan += dialect.compile_schema(op, graph=graph)
    if dry_run:
        return plan
    yield from _run_all(plan)
    if plan:
        yield from _wait_built(dialect, graph)
    return plan


def _blocking(run: Callable[[DDL], QueryResult]) -> Callable[[DDL | Wait], QueryResult]:
    def step(item: DDL | Wait) -> QueryResult:
        if isinstance(item, Wait):
            time.sleep(item.seconds)
            return QueryResult()
        return run(item)

    return step


def _awaiting(
    run: Callable[[DDL], Awaitable[QueryResult]],
) -> Callable[[DDL | Wait], Awaitable[QueryResult]]:
    async def step(item: DDL | Wait) -> QueryResult:
        if isinstance(item, Wait):
            await asyncio.sleep(item.seconds)
            return QueryResult()
        return await run(item)

    return step


def drive(op: SchemaTask[T], run: Callable[[DDL], QueryResult]) -> T:
    """Run ``op`` with a blocking ``run`` (the session's driver loop; waits sleep)."""
    return session_ops.drive(op, _blocking(run))


async def drive_async(op: SchemaTask[T], run: Callable[[DDL], Awaitable[QueryResult]]) -> T:
    """Run ``op`` with an awaiting ``run`` (the session's driver loop; waits sleep)."""
    return await session_ops.drive_async(op, _awaiting(run))
