"""The local PostgreSQL + AGE provider: a cached trixie chroot, started and stopped by pid.

This proves the server side (runic-age's tests and the matrix use it): the root
file system is built once (under a lock) and reused, PostgreSQL listens on
127.0.0.1, AGE answers Cypher with parameters, a graph per test is created and
dropped, and the server stops by pid.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from runic_integration import Unavailable
from runic_integration.backends.age import AGEProfile, age_connection
from runic_integration.providers.local_age import PG_BIN, LocalAGE, RootfsBuilder
from runic_integration.testing import listening_addresses, pid_alive, unavailable_here


def test_local_age_starts_answers_and_stops() -> None:
    builder = RootfsBuilder()
    provider = LocalAGE(builder)
    # the matrix may run its own server from this process: only count the new cluster
    before = set((builder.path / "tmp").glob(f"runic-pg-{os.getpid()}-*"))
    try:
        server = provider.provide()
    except Unavailable as exc:
        unavailable_here(str(exc))
    assert builder.complete  # cached for the next run
    data_dirs = sorted(set((builder.path / "tmp").glob(f"runic-pg-{os.getpid()}-*")) - before)
    assert len(data_dirs) == 1
    try:
        port = int(server.settings["port"])
        assert server.pid is not None and pid_alive(server.pid)
        assert listening_addresses(port) == {"127.0.0.1"}
        profile = AGEProfile()
        kwargs = profile.open_graph(server, "runic_it_probe")
        assert kwargs == {**server.settings, "graph": "runic_it_probe"}
        with age_connection(server.settings) as conn:
            rows = conn.execute(
                "SELECT * FROM cypher('runic_it_probe', $$ CREATE (n:Probe {name: $name}) "
                "RETURN n.name $$, %s) AS (name agtype)",
                (json.dumps({"name": "héllo"}),),
            ).fetchall()
            assert rows == [('"héllo"',)]
            graphs = conn.execute("SELECT name FROM ag_catalog.ag_graph").fetchall()
            assert ("runic_it_probe",) in graphs
        profile.close_graph(server, "runic_it_probe", kwargs)
        with age_connection(server.settings) as conn:
            graphs = conn.execute("SELECT name FROM ag_catalog.ag_graph").fetchall()
            assert ("runic_it_probe",) not in graphs
    finally:
        server.stop()
    assert not pid_alive(server.pid)
    assert listening_addresses(port) == set()
    assert not data_dirs[0].exists()  # the run's cluster is removed with the server


def _fake_mmdebstrap(bin_dir: Path, calls: Path) -> None:
    """An mmdebstrap stand-in: logs its call, waits, creates the postgres binary."""
    script = bin_dir / "mmdebstrap"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> "{calls}"\n'
        "sleep 1\n"
        'target="$4"\n'
        f'mkdir -p "$target{PG_BIN}"\n'
        f'touch "$target{PG_BIN}/postgres"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def test_the_root_is_built_once_under_a_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.geteuid() != 0:
        unavailable_here("building the AGE root needs root")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "calls.log"
    _fake_mmdebstrap(bin_dir, calls)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("RUNIC_AGE_ROOTFS", raising=False)
    monkeypatch.setenv("RUNIC_CACHE_DIR", str(tmp_path / "cache"))
    stale = tmp_path / "cache" / "age-rootfs.partial-999999999"
    stale.mkdir(parents=True)  # left by a dead build
    results: list[Path] = []
    errors: list[BaseException] = []

    def build() -> None:
        try:
            results.append(RootfsBuilder().ensure())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=build) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    root = tmp_path / "cache" / "age-rootfs"
    assert results == [root, root, root]
    assert len(calls.read_text().splitlines()) == 1  # one build, the others waited
    assert "--include=postgresql-17,postgresql-17-age trixie" in calls.read_text()
    assert (root / ".runic-rootfs-complete").is_file()
    assert not stale.exists()
    assert sorted(p.name for p in root.parent.iterdir()) == [
        "age-rootfs",
        "age-rootfs.build.log",
        "age-rootfs.lock",
    ]
    assert RootfsBuilder().ensure() == root  # cached: no new build
    assert len(calls.read_text().splitlines()) == 1


def test_without_root_the_provider_is_unavailable_with_a_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(Unavailable, match="the AGE chroot needs root"):
        LocalAGE(RootfsBuilder(tmp_path / "rootfs")).provide()
