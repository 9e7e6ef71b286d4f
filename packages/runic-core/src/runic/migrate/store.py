"""The migration state in the graph: applied revisions, per-step progress, the lock.

Nodes of three reserved labels (values always as parameters):

* ``_RunicMigration {revision, checksum, message, file, applied_at}``: one per
  applied revision (unique ``revision``);
* ``_RunicMigrationStep {revision, direction, step}``: the finished steps of a
  revision that is being applied on a backend without transactions (FalkorDB),
  removed when the revision is recorded;
* ``_RunicMigrationLock {name: 'lock', owner, host, pid, since, expires}``: the
  migration lock, a node with a unique ``name``, so of two processes creating it
  one gets a unique violation.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from runic.migrate import ops
from runic.migrate.adapters import SchemaAdapter
from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import DuplicateEntityError, OrmError, TransientError
from runic.ogm.schema.specs import IndexSpec

__all__ = [
    "LOCK",
    "RECORD",
    "STEP",
    "AppliedRevision",
    "LockError",
    "MigrationLock",
    "VersionStore",
]

RECORD = "_RunicMigration"
STEP = "_RunicMigrationStep"
LOCK = "_RunicMigrationLock"

Run = Callable[[str, Mapping[str, Any]], QueryResult]


class LockError(OrmError):
    """The migration lock is held by another process (or was lost)."""


@dataclass(frozen=True)
class AppliedRevision:
    """One ``_RunicMigration`` record."""

    revision: str
    checksum: str
    message: str
    file: str
    applied_at: float


class VersionStore:
    """Reads and writes the migration records through a schema adapter's driver."""

    def __init__(self, adapter: SchemaAdapter) -> None:
        self.adapter = adapter
        self.driver = adapter.driver
        self._ready = False

    def run(self, text: str, params: Mapping[str, Any] | None = None) -> QueryResult:
        """One auto-commit statement."""
        result: QueryResult = self.driver.execute(text, dict(params or {}), write=True)
        return result

    def ensure(self) -> None:
        """Create the unique constraints the records rely on (once per process; idempotent)."""
        if self._ready:
            return
        a = self.adapter
        specs = [IndexSpec(RECORD, "revision", "UNIQUE"), IndexSpec(LOCK, "name", "UNIQUE")]
        ops.drive(ops.create_op(a.dialect, a.graph, specs), a.run)
        self._ready = True

    # -- applied revisions ------------------------------------------------------------

    def applied(self) -> dict[str, AppliedRevision]:
        """The applied revisions by id."""
        rows = self.run(
            f"MATCH (m:{RECORD}) RETURN m.revision, m.checksum, m.message, m.file, m.applied_at"
        )
        out: dict[str, AppliedRevision] = {}
        for rev, digest, message, file, at in rows:
            out[str(rev)] = AppliedRevision(
                str(rev), str(digest or ""), str(message or ""), str(file or ""), float(at or 0)
            )
        return out

    @staticmethod
    def record_statement(
        revision: str, digest: str, message: str, file: str
    ) -> tuple[str, dict[str, Any]]:
        """The statement recording ``revision`` as applied."""
        return (
            f"CREATE (m:{RECORD} {{revision: $revision, checksum: $checksum, "
            "message: $message, file: $file, applied_at: $at})",
            {
                "revision": revision,
                "checksum": digest,
                "message": message,
                "file": file,
                "at": time.time(),
            },
        )

    @staticmethod
    def unrecord_statement(revision: str) -> tuple[str, dict[str, Any]]:
        """The statement removing the record of ``revision``."""
        return f"MATCH (m:{RECORD}) WHERE m.revision = $revision DELETE m", {"revision": revision}

    def set_checksum(self, revision: str, digest: str) -> None:
        """Record a changed file's new checksum (``--allow-changed``)."""
        self.run(
            f"MATCH (m:{RECORD}) WHERE m.revision = $revision SET m.checksum = $checksum",
            {"revision": revision, "checksum": digest},
        )

    # -- steps (backends without transactions) ------------------------------------------

    def done_steps(self, revision: str, direction: str) -> set[int]:
        """The finished steps of ``revision`` in ``direction`` (``up``/``down``)."""
        rows = self.run(
            f"MATCH (s:{STEP}) WHERE s.revision = $revision AND s.direction = $direction "
            "RETURN s.step",
            {"revision": revision, "direction": direction},
        )
        return {int(r[0]) for r in rows}

    def finish_step(self, revision: str, direction: str, step: int) -> None:
        """Record that ``step`` finished."""
        self.run(
            f"CREATE (s:{STEP} {{revision: $revision, direction: $direction, step: $step}})",
            {"revision": revision, "direction": direction, "step": step},
        )

    def clear_steps(self, revision: str) -> None:
        """Forget the steps of ``revision`` (it is recorded or undone now)."""
        self.run(f"MATCH (s:{STEP}) WHERE s.revision = $revision DELETE s", {"revision": revision})

    # -- the lock -----------------------------------------------------------------------

    def lock(
        self,
        *,
        timeout: float = 60.0,
        expiry: float = 300.0,
        on_wait: Callable[[str], None] | None = None,
    ) -> MigrationLock:
        """Take the migration lock, waiting up to ``timeout`` seconds for another holder."""
        lock = MigrationLock(self, expiry=expiry)
        lock.acquire(timeout, on_wait)
        return lock

    def lock_holder(self) -> dict[str, Any] | None:
        """The lock's owner, host, pid, since and expires; ``None`` when free."""
        rows = self.run(
            f"MATCH (l:{LOCK}) WHERE l.name = 'lock' "
            "RETURN l.owner, l.host, l.pid, l.since, l.expires"
        )
        for owner, host, pid, since, expires in rows:
            return {
                "owner": owner,
                "host": host,
                "pid": pid,
                "since": since,
                "expires": expires,
            }
        return None

    def break_lock(self, owner: str | None = None) -> bool:
        """Remove the lock (only if ``owner`` holds it, when given); True when one was removed."""
        if owner is None:
            rows = self.run(f"MATCH (l:{LOCK}) WHERE l.name = 'lock' DELETE l RETURN count(*)")
        else:
            rows = self.run(
                f"MATCH (l:{LOCK}) WHERE l.name = 'lock' AND l.owner = $owner DELETE l "
                "RETURN count(*)",
                {"owner": owner},
            )
        return bool(rows.scalar())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def describe_holder(holder: Mapping[str, Any]) -> str:
    """``pid 123 on host h since 21:03:04 UTC (expires in 240 s)``."""
    since = time.strftime("%H:%M:%S UTC", time.gmtime(float(holder.get("since") or 0)))
    left = float(holder.get("expires") or 0) - time.time()
    return (
        f"pid {holder.get('pid')} on host {holder.get('host')} since {since} "
        f"(expires in {max(left, 0):.0f} s)"
    )


class MigrationLock:
    """The lock node of one process: acquire, keep alive between batches, release."""

    def __init__(self, store: VersionStore, *, expiry: float) -> None:
        self.store = store
        self.expiry = expiry
        self.owner = uuid.uuid4().hex
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self._beat = 0.0
        self.held = False

    def _stale(self, holder: Mapping[str, Any]) -> str | None:
        """Why ``holder`` no longer holds the lock (expired, or a dead process here)."""
        if float(holder.get("expires") or 0) < time.time():
            return "it expired"
        pid = holder.get("pid")
        if holder.get("host") == self.host and isinstance(pid, int) and not _alive(pid):
            return f"process {pid} on this host is gone"
        return None

    def acquire(self, timeout: float, on_wait: Callable[[str], None] | None = None) -> None:
        """Create the lock node; wait (polling) while another live process holds it."""
        self.store.ensure()
        deadline = time.monotonic() + timeout
        told = False
        while True:
            now = time.time()
            try:
                self.store.run(
                    f"CREATE (l:{LOCK} {{name: 'lock', owner: $owner, host: $host, pid: $pid, "
                    "since: $now, expires: $expires})",
                    {
                        "owner": self.owner,
                        "host": self.host,
                        "pid": self.pid,
                        "now": now,
                        "expires": now + self.expiry,
                    },
                )
            except DuplicateEntityError:
                pass  # held: look at the holder below
            except TransientError:
                # ArcadeDB: two lock creations at once can end in a write conflict
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.1)
                continue
            else:
                self.held = True
                self._beat = time.monotonic()
                return
            holder = self.store.lock_holder()
            if holder is None:
                continue
            why = self._stale(holder)
            if why is not None:
                if on_wait is not None:
                    on_wait(f"taking over the migration lock of {describe_holder(holder)}: {why}")
                self.store.break_lock(str(holder.get("owner")))
                continue
            if time.monotonic() >= deadline:
                raise LockError(
                    f"another 'runic migrate' holds the migration lock of this graph "
                    f"({describe_holder(holder)}); waited {timeout:.0f} s. Retry later, raise "
                    "--lock-timeout, or, if that process is gone for good, run "
                    "'runic migrate unlock'"
                )
            if not told and on_wait is not None:
                on_wait(f"waiting for the migration lock held by {describe_holder(holder)}")
                told = True
            time.sleep(0.2)

    def heartbeat(self, *, every: float = 5.0) -> None:
        """Push the expiry forward (at most every ``every`` s); LockError when it was lost."""
        if not self.held or time.monotonic() - self._beat < every:
            return
        self._beat = time.monotonic()
        rows = self.store.run(
            f"MATCH (l:{LOCK}) WHERE l.name = 'lock' AND l.owner = $owner "
            "SET l.expires = $expires RETURN count(l)",
            {"owner": self.owner, "expires": time.time() + self.expiry},
        )
        if not rows.scalar():
            self.held = False
            raise LockError(
                "the migration lock was taken away (it expired or 'runic migrate unlock' ran); "
                "stopped. Rerun 'runic migrate upgrade' to continue"
            )

    def release(self) -> None:
        """Remove the lock node if this process still holds it."""
        if self.held:
            self.held = False
            self.store.break_lock(self.owner)
