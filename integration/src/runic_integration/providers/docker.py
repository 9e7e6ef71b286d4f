"""Servers in containers through testcontainers, when a Docker engine answers.

:func:`docker_engine` pings the engine with a short timeout (never hangs, never
imports testcontainers) and says why it could not reach one. :class:`DockerProvider`
starts one container per test run and stops it at the end.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from runic_integration.providers.base import ProviderFailed, Server, Unavailable

__all__ = ["ContainerSpec", "DockerProvider", "docker_engine"]

_PING = b"GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n"


def _candidate_sockets() -> list[str]:
    paths = ["/var/run/docker.sock"]
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        paths.append(os.path.join(runtime, "docker.sock"))
    paths.append(str(Path.home() / ".docker" / "run" / "docker.sock"))
    return paths


def _ping(sock: socket.socket) -> bool:
    sock.sendall(_PING)
    reply = b""
    while b"\r\n" not in reply and len(reply) < 4096:
        chunk = sock.recv(1024)
        if not chunk:
            break
        reply += chunk
    status = reply.split(b"\r\n", 1)[0].split()
    return len(status) >= 2 and status[1] == b"200"


def docker_engine(timeout: float = 2.0) -> tuple[bool, str]:
    """``(True, endpoint)`` when a Docker engine answers ``/_ping``, else ``(False, why)``.

    Looks at ``DOCKER_HOST`` (``unix://`` or ``tcp://``), else the usual socket
    paths. Each attempt gives up after ``timeout`` seconds.
    """
    host = os.environ.get("DOCKER_HOST", "").strip()
    if host:
        parts = urlsplit(host)
        try:
            if parts.scheme == "unix":
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                    sock.settimeout(timeout)
                    sock.connect(parts.path)
                    ok = _ping(sock)
            elif parts.scheme == "tcp":
                address = (parts.hostname or "127.0.0.1", parts.port or 2375)
                with socket.create_connection(address, timeout=timeout) as sock:
                    sock.settimeout(timeout)
                    ok = _ping(sock)
            else:
                return False, (
                    f"DOCKER_HOST={host} uses scheme {parts.scheme!r}; the engine check "
                    "understands unix:// and tcp:// only"
                )
        except OSError as exc:
            return False, f"no Docker engine answered at DOCKER_HOST={host} ({exc})"
        if not ok:
            return False, f"DOCKER_HOST={host} did not answer /_ping with 200"
        return True, host
    tried: list[str] = []
    for path in _candidate_sockets():
        if not os.path.exists(path):
            tried.append(f"{path} does not exist")
            continue
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(timeout)
                sock.connect(path)
                if _ping(sock):
                    return True, f"unix://{path}"
                tried.append(f"{path} did not answer /_ping with 200")
        except OSError as exc:
            tried.append(f"{path}: {exc}")
    return False, "no Docker engine answered (" + "; ".join(tried) + "; set DOCKER_HOST)"


@dataclass(frozen=True)
class ContainerSpec:
    """How to run a backend's server in a container.

    ``ports`` are the container ports to publish; ``ready`` gets the host and a
    ``{container port: host port}`` map and returns True once the server answers;
    ``settings`` builds the :attr:`Server.settings` from the same arguments.
    """

    image: str
    ports: tuple[int, ...]
    settings: Callable[[str, Mapping[int, int]], dict[str, Any]]
    ready: Callable[[str, Mapping[int, int]], bool]
    env: Mapping[str, str] = field(default_factory=dict)
    command: str | None = None
    startup_timeout: float = 180.0


class DockerProvider:
    """Runs ``spec`` in a container (testcontainers) for the whole test run."""

    kind = "docker"

    def __init__(self, backend: str, spec: ContainerSpec, *, name: str = "docker") -> None:
        self.backend = backend
        self.spec = spec
        self.name = name

    def provide(self) -> Server:
        """Start the container; :class:`Unavailable` without an engine or testcontainers."""
        ok, where = docker_engine()
        if not ok:
            raise Unavailable(where)
        try:
            from testcontainers.core.container import (  # type: ignore[import-not-found,unused-ignore]
                DockerContainer,
            )
        except ImportError as exc:
            raise Unavailable(
                f"a Docker engine answers at {where} but testcontainers is not installed "
                '(pip install "testcontainers>=4.0", the [docker] extra of runic-integration): '
                f"{exc}"
            ) from exc
        spec = self.spec
        container: Any = DockerContainer(spec.image)
        for key, value in spec.env.items():
            container = container.with_env(key, value)
        container = container.with_exposed_ports(*spec.ports)
        if spec.command is not None:
            container = container.with_command(spec.command)
        try:
            container.start()
        except Exception as exc:
            raise ProviderFailed(f"cannot start container {spec.image}: {exc}") from exc
        try:
            host = str(container.get_container_host_ip())
            ports = {p: int(container.get_exposed_port(p)) for p in spec.ports}
            deadline = time.monotonic() + spec.startup_timeout
            while not spec.ready(host, ports):
                if time.monotonic() > deadline:
                    raise ProviderFailed(
                        f"container {spec.image} was not ready after {spec.startup_timeout:.0f} s"
                    )
                time.sleep(0.5)
        except BaseException:
            container.stop()
            raise
        mapped = ", ".join(f"{p}->{h}" for p, h in ports.items())
        return Server(
            backend=self.backend,
            provider=self.name,
            description=f"container {spec.image} on {host} ({mapped})",
            settings=spec.settings(host, ports),
            stopper=container.stop,
        )
