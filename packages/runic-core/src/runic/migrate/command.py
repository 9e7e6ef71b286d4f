"""The migration commands as a Python API; ``runic migrate ...`` calls these.

``Config(url=..., directory="migrations")`` names the database and the revision
files; every command takes it first::

    from runic.migrate import command
    config = command.Config(url="falkordb://localhost:6379/app")
    command.upgrade(config, "head")

Each command opens its own connection (or uses ``Config.driver`` when given) and
closes what it opened.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from runic.migrate import ops
from runic.migrate.adapters import SchemaAdapter, as_adapter
from runic.migrate.autogenerate import Diff, compare, field_snapshot, parse_renames, render_ops
from runic.migrate.operations import DEFAULT_BATCH_SIZE, Operations, Recorded
from runic.migrate.progress import Progress
from runic.migrate.revisions import (
    Revision,
    RevisionError,
    RevisionGraph,
    load_revisions,
    new_revision_id,
    render_revision,
    slug,
)
from runic.migrate.store import LOCK, RECORD, STEP, AppliedRevision, LockError, VersionStore
from runic.ogm.driver.protocols import Capability
from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import OrmError
from runic.ogm.schema.ir import DDL, DropIndex
from runic.ogm.schema.specs import IndexSpec, declared_specs

__all__ = [
    "ChecksumMismatchError",
    "Config",
    "MigrationError",
    "check",
    "current",
    "downgrade",
    "heads",
    "history",
    "init",
    "merge",
    "revision",
    "stamp",
    "unlock",
    "upgrade",
]

RESERVED = (RECORD, STEP, LOCK)


class MigrationError(OrmError):
    """A revision failed (the message says what was left applied)."""


class ChecksumMismatchError(MigrationError):
    """An applied revision's file changed since it was applied."""


@dataclass
class Config:
    """Where the revisions are and which database they migrate.

    ``url`` (or an open ``driver``/adapter), ``directory`` of the revision
    files, ``models`` (module names defining the models, or the classes
    themselves, for autogenerate and check), ``batch_size`` of data
    operations, the lock's ``lock_timeout`` (how long to wait for another
    process) and ``lock_expiry`` (after which a silent holder's lock may be
    taken over), and the output streams.
    """

    url: str | None = None
    directory: Path | str = "migrations"
    models: Sequence[str | type] = ()
    driver: Any = None
    batch_size: int = DEFAULT_BATCH_SIZE
    lock_timeout: float = 60.0
    lock_expiry: float = 300.0
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    progress: bool = True

    @property
    def path(self) -> Path:
        """``directory`` as a path."""
        return Path(self.directory)

    def say(self, text: str) -> None:
        """A line on ``out``."""
        print(text, file=self.out, flush=True)

    def note(self, text: str) -> None:
        """A line on ``err`` (progress, waiting for the lock)."""
        print(f"runic: {text}", file=self.err, flush=True)


@contextlib.contextmanager
def _connect(config: Config) -> Iterator[SchemaAdapter]:
    if config.driver is not None:
        yield as_adapter(config.driver)
        return
    if not config.url:
        raise ValueError(
            "give the database: Config(url=...) (on the command line --url or RUNIC_URL)"
        )
    from runic.migrate.cli import open_adapter

    adapter = open_adapter(config.url)
    try:
        yield adapter
    finally:
        adapter.close()


def _transactional(adapter: SchemaAdapter) -> bool:
    return adapter.dialect.supports(Capability.TRANSACTIONS) and hasattr(adapter.driver, "begin")


# -- the executor: where op statements go -------------------------------------------------


class _Executor:
    """Sends a revision's statements: in its transaction, or step by step, or nowhere."""

    def __init__(
        self,
        adapter: SchemaAdapter,
        store: VersionStore,
        *,
        revision: str,
        direction: str,
        tx: Any = None,
        dry_run: bool = False,
        heartbeat: Any = None,
    ) -> None:
        self.adapter = adapter
        self.dialect = adapter.dialect
        self.graph = adapter.graph
        self.store = store
        self.revision = revision
        self.direction = direction
        self.tx = tx
        self.dry_run = dry_run
        self._heartbeat = heartbeat
        self._done: set[int] = set()
        if tx is None and not dry_run:
            self._done = store.done_steps(revision, direction)

    def read(self, ddl: DDL) -> QueryResult:
        # in the revision's transaction where it can go: on AGE a catalog read from
        # another connection would wait for the transaction's own DDL locks
        if self.tx is not None and ddl.language in ("cypher", "sql"):
            return self.write(ddl)
        return self.adapter.run(ddl)

    def write(self, ddl: DDL) -> QueryResult:
        tx = self.tx
        if tx is not None and ddl.language == "cypher":
            result: QueryResult = tx.execute(ddl.text, columns=ddl.columns or None, write=True)
            return result
        if tx is not None and ddl.language == "sql" and hasattr(tx, "execute_sql"):
            sql_result: QueryResult = tx.execute_sql(ddl.text)
            return sql_result
        return self.adapter.run(ddl)

    def cypher(self, text: str, params: Mapping[str, Any]) -> QueryResult:
        if self.tx is not None:
            result: QueryResult = self.tx.execute(text, dict(params), write=True)
            return result
        return self.store.run(text, params)

    def sql(self, text: str, params: Sequence[Any]) -> QueryResult:
        target = self.tx if self.tx is not None else self.adapter.driver
        result: QueryResult = target.execute_sql(text, list(params))
        return result

    def step_done(self, step: int) -> bool:
        return step in self._done

    def finish_step(self, step: int) -> None:
        if self.tx is None:
            self.store.finish_step(self.revision, self.direction, step)

    def heartbeat(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat()


# -- helpers --------------------------------------------------------------------------------


def _graph(config: Config) -> RevisionGraph:
    return load_revisions(config.path)


def _verify(
    config: Config,
    graph: RevisionGraph,
    applied: Mapping[str, AppliedRevision],
    store: VersionStore | None,
    allow_changed: bool,
) -> None:
    for rid, rec in applied.items():
        rev = graph.by_id.get(rid)
        if rev is None:
            raise RevisionError(
                f"revision {rid} ({rec.message!r}, file {rec.file}) is applied to the graph but "
                f"has no file in {config.path}: restore the file, or 'runic migrate stamp' "
                "the graph to a revision you have"
            )
        if rev.checksum != rec.checksum:
            if not allow_changed:
                raise ChecksumMismatchError(
                    f"{rev.path} changed after revision {rid} was applied (sha256 "
                    f"{rec.checksum[:12]}... recorded, {rev.checksum[:12]}... now): undo the edit "
                    "and put the change in a new revision ('runic migrate revision'), or rerun "
                    "with --allow-changed to accept the file as it is now"
                )
            config.note(f"{rev.path} changed after it was applied: accepted (--allow-changed)")
            if store is not None:
                store.set_checksum(rid, rev.checksum)


def _progress(config: Config) -> Any:
    if not config.progress:
        return None

    def make(title: str, total: int | None) -> Progress:
        return Progress(title, total, stream=config.err)

    return make


def _print_dry(config: Config, rev: Revision, direction: str, recorded: Sequence[Recorded]) -> None:
    verb = "upgrade" if direction == "up" else "downgrade"
    config.say(f"-- {verb} {rev.id}: {rev.message}")
    for item in recorded:
        config.say(item.describe())


def _live(adapter: SchemaAdapter) -> list[IndexSpec]:
    return ops.drive(ops.live_op(adapter.dialect, adapter.graph), adapter.run)


def _restore_schema(adapter: SchemaAdapter, before: Sequence[IndexSpec]) -> int:
    """Undo index changes a rolled-back revision left (ArcadeDB: schema is not transactional).

    Drops the indexes that are live now but were not before, and creates those
    that were live before but are gone. Returns how many it changed (0 where
    the schema rolled back with the transaction, as on AGE).
    """
    now = _live(adapter)
    dialect, graph = adapter.dialect, adapter.graph
    added = [s for s in now if s not in set(before)]
    gone = [s for s in before if s not in set(now)]
    sent: list[DDL] = []
    for spec in added:
        for ddl in dialect.compile_schema(DropIndex(spec), graph=graph):
            if ddl not in sent:
                sent.append(ddl)
                adapter.run(ddl)
    if gone:
        ops.drive(ops.create_op(dialect, graph, gone), adapter.run)
    return len(added) + len(gone)


def _apply(
    config: Config,
    adapter: SchemaAdapter,
    store: VersionStore,
    rev: Revision,
    direction: str,
    *,
    dry_run: bool,
    heartbeat: Any,
) -> None:
    fn = rev.upgrade if direction == "up" else rev.downgrade
    if direction == "up":
        final = VersionStore.record_statement(rev.id, rev.checksum, rev.message, rev.path.name)
    else:
        final = VersionStore.unrecord_statement(rev.id)
    token = f"{rev.id}:{direction}"
    if dry_run:
        x = _Executor(adapter, store, revision=rev.id, direction=direction, dry_run=True)
        op = Operations(x, token=token, batch_size=config.batch_size)
        fn(op)
        _print_dry(config, rev, direction, [*op.recorded, Recorded(final[0], final[1])])
        return
    verb = "upgrading to" if direction == "up" else "downgrading"
    config.note(f"{verb} {rev.id}: {rev.message}")
    if _transactional(adapter):
        before = _live(adapter)
        tx = adapter.driver.begin()
        try:
            x = _Executor(
                adapter, store, revision=rev.id, direction=direction, tx=tx, heartbeat=heartbeat
            )
            fn(Operations(x, token=token, batch_size=config.batch_size, progress=_progress(config)))
            tx.execute(final[0], final[1], write=True)
            tx.commit()
        except Exception as exc:
            with contextlib.suppress(Exception):
                tx.rollback()
            undone = _restore_schema(adapter, before)
            extra = f"; its {undone} schema change(s) undone" if undone else ""
            raise MigrationError(
                f"revision {rev.id} ({rev.path.name}) failed and was rolled back{extra}: "
                f"nothing of it is applied ({type(exc).__name__}: {exc})"
            ) from exc
        return
    x = _Executor(adapter, store, revision=rev.id, direction=direction, heartbeat=heartbeat)
    op = Operations(x, token=token, batch_size=config.batch_size, progress=_progress(config))
    try:
        fn(op)
    except LockError:
        raise
    except Exception as exc:
        raise MigrationError(
            f"revision {rev.id} ({rev.path.name}) failed at its step {op.step} on "
            f"{adapter.dialect.name}, which has no multi-statement transactions: the steps "
            "before it are done and recorded, the revision is not. Fix the cause and rerun: "
            f"it continues at step {op.step} ({type(exc).__name__}: {exc})"
        ) from exc
    store.run(*final)
    store.clear_steps(rev.id)


def _migrate(
    config: Config,
    direction: str,
    target: str,
    *,
    dry_run: bool,
    allow_changed: bool = False,
) -> list[str]:
    graph = _graph(config)
    with _connect(config) as adapter:
        store = VersionStore(adapter)
        lock = None
        if not dry_run:
            lock = store.lock(
                timeout=config.lock_timeout, expiry=config.lock_expiry, on_wait=config.note
            )
        try:
            applied = store.applied()
            _verify(config, graph, applied, None if dry_run else store, allow_changed)
            if direction == "up":
                plan = graph.upgrade_plan(set(applied), target)
            else:
                plan = graph.downgrade_plan(set(applied), target)
            if not plan:
                config.note("nothing to do: the graph is at the target already")
            beat = lock.heartbeat if lock is not None else None
            started = time.monotonic()
            for rev in plan:
                _apply(config, adapter, store, rev, direction, dry_run=dry_run, heartbeat=beat)
            if plan and not dry_run:
                config.note(f"done: {len(plan)} revision(s) in {time.monotonic() - started:.1f} s")
            return [r.id for r in plan]
        finally:
            if lock is not None:
                lock.release()


# -- the commands ---------------------------------------------------------------------------


def init(config: Config) -> Path:
    """Create the migrations directory (refuses one that already holds revisions)."""
    path = config.path
    if path.exists() and any(path.glob("*.py")):
        raise RevisionError(f"{path} already holds revision files")
    path.mkdir(parents=True, exist_ok=True)
    readme = path / "README"
    if not readme.exists():
        readme.write_text(
            "runic migrations: one Python file per revision.\n"
            "runic migrate revision -m 'message' [--autogenerate --models pkg.models]\n"
            "runic migrate upgrade head\n"
        )
    config.say(f"created {path}")
    return path


def _autogen(
    config: Config,
    graph: RevisionGraph,
    head: str | None,
    renames: Sequence[str],
    *,
    for_check: bool = False,
) -> tuple[Diff, dict[str, dict[str, str]]]:
    from runic.migrate.cli import model_classes

    if not config.models:
        raise ValueError("autogenerate needs the models: --models package.module")
    names = [m for m in config.models if isinstance(m, str)]
    classes = [m for m in config.models if isinstance(m, type)]
    classes += model_classes(names) if names else []
    if not classes:
        raise ValueError(f"no Node or Edge classes in {', '.join(map(str, config.models))}")
    snapshot = field_snapshot(classes)
    previous = None
    if head is not None:
        for rid in reversed(graph.order(graph.ancestors(head))):
            if graph.by_id[rid].snapshot is not None:
                previous = graph.by_id[rid].snapshot
                break
    with _connect(config) as adapter:
        live = ops.drive(ops.live_op(adapter.dialect, adapter.graph), adapter.run)
        applied = set(VersionStore(adapter).applied())
    pending = graph.upgrade_plan(applied, "heads")
    if pending and not for_check:
        raise RevisionError(
            f"the graph is not at the head: {len(pending)} revision(s) not applied "
            f"({', '.join(r.id for r in pending)}); autogenerate compares the models with the "
            "graph, so apply them first ('runic migrate upgrade')"
        )
    diff = compare(
        declared_specs(classes),
        live,
        snapshot=snapshot,
        previous=previous,
        renames=parse_renames(renames),
        ignore_labels=RESERVED,
    )
    return diff, snapshot


def revision(
    config: Config,
    message: str = "",
    *,
    autogenerate: bool = False,
    renames: Sequence[str] = (),
    rid: str | None = None,
) -> Path:
    """Write a new revision file on top of the head; with ``autogenerate`` fill in its ops."""
    graph = _graph(config)
    head = graph.head()
    up: list[str] = []
    down: list[str] = []
    snapshot = None
    if autogenerate:
        diff, snapshot = _autogen(config, graph, head, renames)
        up, down = render_ops(diff)
        for line in diff.summary():
            config.note(line)
        if not diff:
            config.note("autogenerate: the models and the graph agree; an empty revision")
    elif renames:
        raise ValueError("--rename goes with --autogenerate")
    rid = rid or new_revision_id()
    text = render_revision(
        rid,
        [head] if head else [],
        message,
        upgrade=up,
        downgrade=down,
        snapshot=snapshot,
        created=time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    )
    path = config.path / f"{rid}_{slug(message)}.py"
    path.write_text(text)
    config.say(f"created {path}")
    return path


def merge(config: Config, message: str = "merge heads", *, rid: str | None = None) -> Path:
    """Write a revision whose parents are the current heads (two or more)."""
    graph = _graph(config)
    found = graph.heads()
    if len(found) < 2:
        raise RevisionError(f"nothing to merge: {len(found)} head(s)")
    rid = rid or new_revision_id()
    path = config.path / f"{rid}_{slug(message)}.py"
    path.write_text(render_revision(rid, found, message))
    config.say(f"created {path}")
    return path


def upgrade(
    config: Config, target: str = "head", *, dry_run: bool = False, allow_changed: bool = False
) -> list[str]:
    """Apply revisions up to ``target`` (``head``, an id, ``+N``); return those applied."""
    return _migrate(config, "up", target, dry_run=dry_run, allow_changed=allow_changed)


def downgrade(
    config: Config, target: str = "-1", *, dry_run: bool = False, allow_changed: bool = False
) -> list[str]:
    """Undo revisions down to ``target`` (``base``, an id, ``-N``); return those undone."""
    return _migrate(config, "down", target, dry_run=dry_run, allow_changed=allow_changed)


def current(config: Config) -> list[str]:
    """The applied revisions that are heads of the applied set (usually one)."""
    graph = _graph(config)
    with _connect(config) as adapter:
        applied = VersionStore(adapter).applied()
    tips = graph.current_heads(set(applied))
    for rid in tips:
        rev = graph.by_id.get(rid)
        config.say(f"{rid} {rev.message if rev else '(no file)'}")
    if not tips:
        config.say("base (nothing applied)")
    return tips


def history(config: Config) -> list[Revision]:
    """Every revision, newest first (``applied`` marks with the url)."""
    graph = _graph(config)
    applied: set[str] | None = None
    if config.url or config.driver is not None:
        with _connect(config) as adapter:
            applied = set(VersionStore(adapter).applied())
    revs = graph.history()
    for rev in revs:
        mark = ""
        if applied is not None:
            mark = " (applied)" if rev.id in applied else " (pending)"
        config.say(rev.describe() + mark)
    return revs


def heads(config: Config) -> list[str]:
    """The heads of the revision files."""
    graph = _graph(config)
    found = graph.heads()
    for rid in found:
        config.say(f"{rid} {graph.by_id[rid].message}")
    return found


def stamp(config: Config, target: str) -> list[str]:
    """Record ``target`` (and its ancestors) as applied without running anything."""
    graph = _graph(config)
    if target in ("head", "heads"):
        head = graph.head()
        wanted = graph.ancestors(head) if head else set()
    elif target == "base":
        wanted = set()
    else:
        wanted = graph.ancestors(graph.get(target).id)
    with _connect(config) as adapter:
        store = VersionStore(adapter)
        lock = store.lock(
            timeout=config.lock_timeout, expiry=config.lock_expiry, on_wait=config.note
        )
        try:
            applied = store.applied()
            for rid in set(applied) - wanted:
                store.run(*VersionStore.unrecord_statement(rid))
            for rid in graph.order(wanted - set(applied)):
                rev = graph.by_id[rid]
                store.run(
                    *VersionStore.record_statement(rid, rev.checksum, rev.message, rev.path.name)
                )
        finally:
            lock.release()
    config.say(f"stamped {target}")
    return sorted(wanted)


def check(config: Config) -> bool:
    """True when every revision is applied and the models match the graph (CI gate)."""
    graph = _graph(config)
    head = graph.head()
    with _connect(config) as adapter:
        applied = set(VersionStore(adapter).applied())
    pending = graph.upgrade_plan(applied, "heads")
    ok = True
    if pending:
        ok = False
        config.say(f"{len(pending)} revision(s) not applied: {', '.join(r.id for r in pending)}")
    if config.models:
        diff, _ = _autogen(config, graph, head, (), for_check=True)
        if diff:
            ok = False
            for line in diff.summary():
                config.say(line)
            config.say("the models and the graph differ: 'runic migrate revision --autogenerate'")
    if ok:
        config.say("in sync")
    return ok


def unlock(config: Config) -> bool:
    """Remove the migration lock (after a holder died on another host); True when one was held."""
    with _connect(config) as adapter:
        store = VersionStore(adapter)
        holder = store.lock_holder()
        removed = store.break_lock()
    if removed and holder is not None:
        from runic.migrate.store import describe_holder

        config.say(f"removed the migration lock of {describe_holder(holder)}")
    else:
        config.say("the migration lock was not held")
    return removed
