"""``runic migrate``: versioned migrations, run through the console script on real servers.

Every test drives the installed ``runic`` script in subprocesses (as a deployment
would) and reads the graph back with the suite's independent driver. They do not
depend on the session API, so they run in the sync mode only.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from runic.migrate import SchemaManager
from runic.ogm import Capability
from runic_integration import RunicDB, backend_test
from runic_integration.suite.test_schema import _url

pytestmark = pytest.mark.runic_modes("sync")

SCRIPT = Path(sys.executable).parent / "runic"

MODELS_V1 = """
from runic.ogm import Field, Node


class MigUser(Node, labels=["ItMigUser"]):
    id: str = Field(primary_key=True)
    email: str = Field(default="", index=True)
    score: int = Field(default=0)
"""

MODELS_V2 = """
from runic.ogm import Field, Node


class MigUser(Node, labels=["ItMigUser"]):
    id: str = Field(primary_key=True)
    mail: str = Field(default="", index=True)
    age: int = Field(default=0, index=True)
    score: str = Field(default="")
"""


class Project:
    """A temporary project directory with a migrations folder and the runic script."""

    def __init__(self, db: RunicDB, root: Path) -> None:
        self.db = db
        self.root = root
        self.env = {**os.environ, "RUNIC_URL": _url(db), "PYTHONPATH": str(root)}
        self.env.pop("RUNIC_TEST_BACKENDS", None)

    @property
    def migrations(self) -> Path:
        return self.root / "migrations"

    def argv(self, *args: str) -> list[str]:
        return [str(SCRIPT), "migrate", *args]

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.argv(*args),
            capture_output=True,
            text=True,
            env=self.env,
            timeout=timeout,
            check=False,
            cwd=self.root,
        )

    def ok(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = self.run(*args)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
        return done

    def start(self, *args: str, log: str) -> tuple[subprocess.Popen[str], Path]:
        path = self.root / log
        handle = path.open("w")
        proc = subprocess.Popen(
            self.argv(*args),
            stdout=handle,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
            cwd=self.root,
        )
        handle.close()
        return proc, path

    def models(self, text: str) -> None:
        (self.root / "it_mig_models.py").write_text(text)
        for cached in (self.root / "__pycache__").glob("it_mig_models*"):
            cached.unlink()

    def revision_file(self, rid: str) -> Path:
        (found,) = self.migrations.glob(f"{rid}_*.py")
        return found

    def write_revision(self, rid: str, parent: str | None, upgrade: str, downgrade: str) -> Path:
        path = self.migrations / f"{rid}_hand.py"
        path.write_text(
            f"import os\nimport time\n\nrevision = {rid!r}\ndown_revision = {parent!r}\n"
            f"message = 'hand written'\n\n\ndef upgrade(op):\n{upgrade}\n\n\n"
            f"def downgrade(op):\n{downgrade}\n"
        )
        return path


@contextlib.contextmanager
def _project(db: RunicDB) -> Iterator[Project]:
    if not SCRIPT.exists():
        pytest.fail("the runic console script is not installed (reinstall runic-core)")
    root = Path(tempfile.mkdtemp(prefix="runic-migrate-"))
    try:
        yield Project(db, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _transactional(db: RunicDB) -> bool:
    return db.raw_driver.dialect.supports(Capability.TRANSACTIONS)


def _records(db: RunicDB) -> list[str]:
    return sorted(db.values("MATCH (m:_RunicMigration) RETURN m.revision AS r", column="r"))


def _live(db: RunicDB, label: str) -> list[tuple[str, str]]:
    specs = SchemaManager(db.raw_driver).list_indexes()
    return sorted((s.index_type, s.property) for s in specs if s.label == label)


def _props(db: RunicDB, prop: str) -> list[Any]:
    return sorted(
        db.values(
            f"MATCH (n:ItMigUser) WHERE n.`{prop}` IS NOT NULL RETURN n.`{prop}` AS v",
            column="v",
        )
    )


@backend_test
async def test_init_autogenerate_upgrade_downgrade_check(db: RunicDB) -> None:
    with _project(db) as p:
        await _init_autogenerate_upgrade_downgrade_check(db, p)


async def _init_autogenerate_upgrade_downgrade_check(db: RunicDB, p: Project) -> None:
    p.ok("init")
    assert p.migrations.is_dir()
    p.models(MODELS_V1)
    p.ok(
        "revision",
        "-m",
        "users",
        "--autogenerate",
        "--models",
        "it_mig_models",
        "--rev-id",
        "aaaa0001",
    )
    first = p.revision_file("aaaa0001").read_text()
    assert "op.create_unique('ItMigUser', 'id')" in first
    assert "op.create_index('ItMigUser', 'email')" in first
    assert "'score': 'int'" in first  # the snapshot of field types

    dry = p.ok("upgrade", "head", "--dry-run")
    assert "-- upgrade aaaa0001: users" in dry.stdout
    assert "_RunicMigration" in dry.stdout and "email" in dry.stdout
    assert _records(db) == [] and _live(db, "ItMigUser") == []  # the dry run wrote nothing

    p.ok("upgrade", "head")
    assert _records(db) == ["aaaa0001"]
    assert _live(db, "ItMigUser") == [("RANGE", "email"), ("UNIQUE", "id")]
    assert p.ok("current").stdout == "aaaa0001 users\n"
    assert p.ok("check", "--models", "it_mig_models").stdout == "in sync\n"
    db.raw(
        "UNWIND range(1, 5) AS i CREATE (:ItMigUser {id: toString(i), email: 'u' + "
        "toString(i), score: i})",
        write=True,
    )

    p.models(MODELS_V2)
    differ = p.run("check", "--models", "it_mig_models")
    assert differ.returncode == 1, differ.stderr
    assert "missing: RANGE ItMigUser.mail" in differ.stdout
    assert "type changed: ItMigUser.score int -> str" in differ.stdout
    p.ok(
        "revision",
        "-m",
        "mail",
        "--autogenerate",
        "--models",
        "it_mig_models",
        "--rename",
        "email=mail",
        "--rev-id",
        "bbbb0002",
    )
    second = p.revision_file("bbbb0002").read_text()
    assert "down_revision = 'aaaa0001'" in second
    assert "op.rename_property('ItMigUser', 'email', 'mail')" in second
    assert "op.drop_index('ItMigUser', 'email')" in second
    assert "op.create_index('ItMigUser', 'age')" in second
    assert "# ItMigUser.score changed type: int -> str" in second

    p.ok("upgrade")
    assert _records(db) == ["aaaa0001", "bbbb0002"]
    assert _props(db, "mail") == ["u1", "u2", "u3", "u4", "u5"] and _props(db, "email") == []
    assert _live(db, "ItMigUser") == [("RANGE", "age"), ("RANGE", "mail"), ("UNIQUE", "id")]
    assert p.ok("check", "--models", "it_mig_models").returncode == 0
    history = p.ok("history").stdout.splitlines()
    assert history == [
        "bbbb0002 (aaaa0001) mail (applied)",
        "aaaa0001 (base) users (applied)",
    ]
    assert p.ok("heads").stdout == "bbbb0002 mail\n"

    p.ok("downgrade", "-1")
    assert p.ok("current").stdout == "aaaa0001 users\n"
    assert _props(db, "email") == ["u1", "u2", "u3", "u4", "u5"] and _props(db, "mail") == []
    assert _live(db, "ItMigUser") == [("RANGE", "email"), ("UNIQUE", "id")]
    assert p.run("check", "--models", "it_mig_models").returncode == 1
    behind = p.run("revision", "--autogenerate", "--models", "it_mig_models", "-m", "x")
    assert behind.returncode == 2 and "not at the head: 1 revision(s) not applied" in behind.stderr

    dry_down = p.ok("upgrade", "--dry-run")
    assert "-- upgrade bbbb0002: mail" in dry_down.stdout
    assert _records(db) == ["aaaa0001"] and _props(db, "mail") == []

    p.ok("upgrade")
    assert p.ok("current").stdout == "bbbb0002 mail\n"
    assert _props(db, "mail") == ["u1", "u2", "u3", "u4", "u5"]
    assert p.ok("check", "--models", "it_mig_models").returncode == 0

    # a changed applied revision is refused, naming the file and the way out
    path = p.revision_file("aaaa0001")
    path.write_text(path.read_text() + "\n# edited after it was applied\n")
    refused = p.run("upgrade")
    assert refused.returncode == 1
    assert str(path.name) in refused.stderr and "--allow-changed" in refused.stderr
    assert "changed after revision aaaa0001 was applied" in refused.stderr
    p.ok("upgrade", "--allow-changed")
    assert p.ok("upgrade").returncode == 0  # the new checksum is recorded
    assert _records(db) == ["aaaa0001", "bbbb0002"]


FAILING = """\
    op.execute("CREATE (:ItMigFail {i: 1})")
    op.create_index("ItMigFail", "i")
    op.update_nodes("ItMigFail", set={"j": 2})
    op.execute("MATCH (n:ItMigFail) RETURN n.i / 0 AS broken")
    op.execute("CREATE (:ItMigFail {i: 2})")"""


def _fail_statement(db: RunicDB) -> str:
    """A statement every backend refuses at run time (not at parse time)."""
    return "THIS IS NOT CYPHER"


@pytest.mark.runic_requires(Capability.TRANSACTIONS)
@backend_test
async def test_a_failing_revision_leaves_graph_and_state_unchanged(db: RunicDB) -> None:
    with _project(db) as p:
        await _a_failing_revision_leaves_graph_and_state_unchanged(db, p)


async def _a_failing_revision_leaves_graph_and_state_unchanged(db: RunicDB, p: Project) -> None:
    p.ok("init")
    p.write_revision("cccc0001", None, '    op.execute("CREATE (:ItMigOk)")', "    pass")
    body = FAILING.replace("MATCH (n:ItMigFail) RETURN n.i / 0 AS broken", _fail_statement(db))
    p.write_revision("cccc0002", "cccc0001", body, "    pass")
    failed = p.run("upgrade")
    assert failed.returncode == 1, failed.stdout
    assert "cccc0002" in failed.stderr and "rolled back" in failed.stderr
    assert _records(db) == ["cccc0001"]  # the first revision committed on its own
    assert db.count("ItMigOk") == 1
    assert db.count("ItMigFail") == 0
    assert _live(db, "ItMigFail") == []
    assert p.ok("current").stdout.startswith("cccc0001 ")


@pytest.mark.runic_lacks(Capability.TRANSACTIONS)
@backend_test
async def test_a_failing_revision_records_its_steps_and_a_rerun_continues(db: RunicDB) -> None:
    with _project(db) as p:
        await _a_failing_revision_records_its_steps_and_a_rerun_continues(db, p)


async def _a_failing_revision_records_its_steps_and_a_rerun_continues(
    db: RunicDB, p: Project
) -> None:
    p.ok("init")
    path = p.write_revision("dddd0001", None, FAILING.replace("n.i / 0", "n.i.broken("), "    pass")
    failed = p.run("upgrade")
    assert failed.returncode == 1
    assert "failed at its step 4" in failed.stderr and "continues at step 4" in failed.stderr
    assert _records(db) == []
    assert db.count("ItMigFail") == 1 and _live(db, "ItMigFail") == [("RANGE", "i")]
    assert db.values("MATCH (n:ItMigFail) RETURN n.j AS j", column="j") == [2]
    assert db.count("_RunicMigrationStep") == 3
    # fix the failing step (the file is not applied yet, so it may change) and rerun
    path.write_text(path.read_text().replace("n.i.broken(", "n.i"))
    p.ok("upgrade")
    assert _records(db) == ["dddd0001"]
    assert sorted(db.values("MATCH (n:ItMigFail) RETURN n.i AS i", column="i")) == [1, 2]
    assert db.count("_RunicMigrationStep") == 0


#: nodes of the kill test per backend (see docs/migrations.md for the measured times)
BULK = {"falkordb": 100_000, "arcadedb": 100_000, "age": 100_000}
BATCH = {"falkordb": 5_000, "arcadedb": 5_000, "age": 5_000}


def _bulk_state(db: RunicDB) -> tuple[int, int, int]:
    """(nodes with hits = 1, nodes with any other hits, nodes still marked)."""
    once = db.raw(
        "MATCH (n:ItMigBulk) WHERE n.hits = 1 RETURN count(n) AS c", columns=("c",)
    ).scalar()
    other = db.raw(
        "MATCH (n:ItMigBulk) WHERE n.hits IS NULL OR n.hits <> 1 RETURN count(n) AS c",
        columns=("c",),
    ).scalar()
    marked = db.raw(
        "MATCH (n:ItMigBulk) WHERE n._runic_migrated IS NOT NULL RETURN count(n) AS c",
        columns=("c",),
    ).scalar()
    return int(once), int(other), int(marked)


@backend_test
async def test_a_batched_data_migration_survives_a_kill(db: RunicDB) -> None:
    with _project(db) as p:
        await _a_batched_data_migration_survives_a_kill(db, p)


async def _a_batched_data_migration_survives_a_kill(db: RunicDB, p: Project) -> None:
    total, batch = BULK[db.backend], BATCH[db.backend]
    started = time.monotonic()
    db.raw(f"UNWIND range(1, {total}) AS i CREATE (:ItMigBulk {{i: i}})", write=True)
    made = time.monotonic() - started
    assert db.count("ItMigBulk") == total
    p.ok("init")
    p.write_revision(
        "eeee0001",
        None,
        '    op.update_nodes("ItMigBulk", set={"hits": op.expr("coalesce(n.hits, 0) + 1")})',
        '    op.update_nodes("ItMigBulk", set={"hits": None})',
    )
    proc, log = p.start("upgrade", "--batch-size", str(batch), log="first.log")
    deadline = time.monotonic() + 60
    try:
        if _transactional(db):
            # the batches run in one transaction: kill once the first batches ran
            while "to do" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(1.0)
        else:
            while _bulk_state(db)[2] < total // 4 and time.monotonic() < deadline:
                time.sleep(0.02)
        assert proc.poll() is None, log.read_text()  # killed mid-way, not after
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    once, other, marked = _bulk_state(db)
    assert _records(db) == []
    if _transactional(db):
        assert (once, other, marked) == (0, total, 0)  # rolled back as a whole
    else:
        assert 0 < once < total and once == marked  # finished batches stay, marked
    migrated = time.monotonic()
    rerun = p.ok("upgrade", "--batch-size", str(batch))
    took = time.monotonic() - migrated
    assert "taking over the migration lock" in rerun.stderr  # the killed holder's lock
    assert _bulk_state(db) == (total, 0, 0)  # every node exactly once, no marks left
    assert _records(db) == ["eeee0001"]
    assert db.count("_RunicMigrationStep") == 0
    print(f"{db.backend}: {total} nodes created in {made:.1f} s, rerun migrated in {took:.1f} s")


@backend_test
async def test_two_concurrent_upgrades_apply_once(db: RunicDB) -> None:
    with _project(db) as p:
        await _two_concurrent_upgrades_apply_once(db, p)


async def _two_concurrent_upgrades_apply_once(db: RunicDB, p: Project) -> None:
    p.ok("init")
    p.write_revision(
        "ffff0001",
        None,
        '    op.execute("CREATE (:ItMigOnce)")\n'
        "    for _ in range(1200):  # hold the lock until the test says so (60 s at most)\n"
        "        if os.path.exists('release'):\n"
        "            break\n"
        "        time.sleep(0.05)",
        '    op.execute("MATCH (n:ItMigOnce) DELETE n")',
    )
    first, first_log = p.start("upgrade", log="a.log")
    deadline = time.monotonic() + 60
    while "upgrading to ffff0001" not in first_log.read_text():
        assert time.monotonic() < deadline and first.poll() is None, first_log.read_text()
        time.sleep(0.05)
    waiter, waiter_log = p.start("upgrade", log="b.log")
    impatient = p.run("upgrade", "--lock-timeout", "0.5")
    while "waiting for the migration lock" not in waiter_log.read_text():
        assert time.monotonic() < deadline and waiter.poll() is None, waiter_log.read_text()
        time.sleep(0.05)
    (p.root / "release").touch()
    assert first.wait(timeout=60) == 0, first_log.read_text()
    assert waiter.wait(timeout=60) == 0, waiter_log.read_text()
    assert impatient.returncode == 1
    assert "holds the migration lock" in impatient.stderr
    assert "runic migrate unlock" in impatient.stderr
    waited = waiter_log.read_text()
    assert "waiting for the migration lock" in waited and "nothing to do" in waited
    assert db.count("ItMigOnce") == 1
    assert _records(db) == ["ffff0001"]
    assert db.count("_RunicMigrationLock") == 0


@backend_test
async def test_stamp_merge_and_unlock(db: RunicDB) -> None:
    with _project(db) as p:
        p.ok("init")
        p.write_revision("abab0001", None, '    op.execute("CREATE (:ItMigStamp)")', "    pass")
        p.write_revision("abab0002", "abab0001", "    pass", "    pass")
        p.write_revision("abab0003", "abab0001", "    pass", "    pass")
        two = p.run("upgrade")
        assert two.returncode == 2
        assert "2 heads (abab0002, abab0003): run 'runic migrate merge'" in two.stderr
        p.ok("merge", "-m", "join", "--rev-id", "abab0004")
        assert p.ok("heads").stdout == "abab0004 join\n"
        p.ok("stamp", "abab0002")  # recorded, nothing run
        assert _records(db) == ["abab0001", "abab0002"] and db.count("ItMigStamp") == 0
        p.ok("upgrade")
        assert _records(db) == ["abab0001", "abab0002", "abab0003", "abab0004"]
        assert db.count("ItMigStamp") == 0
        unknown = p.run("downgrade", "zzzz9")
        assert unknown.returncode == 2 and "unknown revision 'zzzz9'" in unknown.stderr
        p.ok("downgrade", "abab0001")
        assert _records(db) == ["abab0001"]
        p.ok("stamp", "base")
        assert _records(db) == [] and p.ok("current").stdout == "base (nothing applied)\n"
        # a lock left by a holder on another host: upgrade fails clearly, unlock frees it
        db.raw(
            "CREATE (:_RunicMigrationLock {name: 'lock', owner: 'x', host: 'elsewhere', "
            "pid: 1, since: 0.0, expires: 1.0e12})",
            write=True,
        )
        held = p.run("upgrade", "--lock-timeout", "0.3")
        assert held.returncode == 1 and "pid 1 on host elsewhere" in held.stderr
        assert "removed the migration lock of pid 1 on host elsewhere" in p.ok("unlock").stdout
        p.ok("upgrade")
        assert db.count("ItMigStamp") == 1


@backend_test
async def test_rename_label_keeps_nodes_and_edges(db: RunicDB) -> None:
    db.raw(
        "UNWIND range(1, 30) AS i CREATE (:ItMigOld {i: i})-[:IT_MIG_TO]->(:ItMigOther {i: i})",
        write=True,
    )
    with _project(db) as p:
        p.ok("init")
        p.write_revision(
            "acac0001",
            None,
            '    op.rename_label("ItMigOld", "ItMigNew")',
            '    op.rename_label("ItMigNew", "ItMigOld")',
        )
        p.ok("upgrade", "--batch-size", "7")
        assert db.count("ItMigOld") == 0 and db.count("ItMigNew") == 30
        linked = db.raw(
            "MATCH (a:ItMigNew)-[:IT_MIG_TO]->(b:ItMigOther) WHERE a.i = b.i RETURN count(a) AS c",
            columns=("c",),
        ).scalar()
        assert linked == 30
        p.ok("downgrade")
        assert db.count("ItMigOld") == 30 and db.count("ItMigNew") == 0
