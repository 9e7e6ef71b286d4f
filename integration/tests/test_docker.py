"""Docker detection never hangs, and without an engine the backend skips with every reason."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from runic_integration import docker_engine
from runic_integration.testing import clean_env, run_suite


@contextlib.contextmanager
def _serve_once(path: Path, reply: bytes | None) -> Iterator[threading.Thread]:
    """A unix socket server answering one request with ``reply`` (None: never answer)."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    release = threading.Event()

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(1024)
            if reply is not None:
                conn.sendall(reply)
            else:
                release.wait(10)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        release.set()
        server.close()


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="rdk") as name:  # unix socket paths are short
        yield Path(name)


def test_an_engine_answering_ping_is_detected(
    short_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sock = short_tmp / "docker.sock"
    monkeypatch.setenv("DOCKER_HOST", f"unix://{sock}")
    with _serve_once(sock, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"):
        assert docker_engine() == (True, f"unix://{sock}")


def test_a_silent_engine_times_out_quickly(
    short_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sock = short_tmp / "docker.sock"
    monkeypatch.setenv("DOCKER_HOST", f"unix://{sock}")
    with _serve_once(sock, None):
        started = time.monotonic()
        ok, why = docker_engine(timeout=0.5)
    assert not ok and f"no Docker engine answered at DOCKER_HOST=unix://{sock}" in why
    assert time.monotonic() - started < 3


def test_no_engine_gives_a_reason(monkeypatch: pytest.MonkeyPatch, short_tmp: Path) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{short_tmp}/missing.sock")
    ok, why = docker_engine()
    assert not ok and "missing.sock" in why and "No such file" in why
    monkeypatch.setenv("DOCKER_HOST", "ssh://user@host")
    assert docker_engine() == (
        False,
        "DOCKER_HOST=ssh://user@host uses scheme 'ssh'; the engine check understands "
        "unix:// and tcp:// only",
    )


def test_docker_only_run_skips_with_the_reason_of_each_provider(tmp_path: Path) -> None:
    ok, why = docker_engine()
    if ok:
        pytest.skip(f"a Docker engine answers here ({why}): the no-Docker path cannot run")
    run = run_suite(
        tmp_path,
        clean_env(RUNIC_TEST_BACKENDS="falkordb", RUNIC_TEST_PROVIDERS="docker"),
        "-k",
        "smoke",
    )
    assert run.returncode == 0, run.output
    assert "4 skipped" in run.output
    expected = (
        f"falkordb: no server: docker: {why}; env: not tried (RUNIC_TEST_PROVIDERS=docker); "
        "local: not tried (RUNIC_TEST_PROVIDERS=docker)"
    )
    assert expected in run.output, run.output
    assert run.summary_row("falkordb").split()[1:4] == ["0", "0", "4"]
