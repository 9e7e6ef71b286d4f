"""A small launcher for local server processes: start, wait until ready, stop by pid.

Every process is started in its own process group with its output in a log
file, gets ``SIGTERM`` if the launching process dies (Linux parent-death signal,
set only when launched from the main thread: the signal follows the thread that
forked), and is stopped by its process id (never by name).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from runic_integration.providers.base import ProviderFailed

__all__ = [
    "LocalProcess",
    "free_port",
    "log_tail",
    "owned_temp_dir",
    "pid_exists",
    "tcp_answers",
    "wait_until",
]

_PR_SET_PDEATHSIG = 1


def pid_exists(pid: int) -> bool:
    """True while a process with this id exists (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(") ", 1)[1][:1] != "Z"
    except (FileNotFoundError, IndexError):
        pass
    except OSError:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not Path("/proc").is_dir()


def owned_temp_dir(prefix: str, parent: Path | None = None) -> Path:
    """A new directory ``<parent>/<prefix><pid>-<random>``.

    Directories with the same prefix left by processes that no longer exist (a
    run killed before it could clean up) are removed first.
    """
    base = parent if parent is not None else Path(tempfile.gettempdir())
    for leftover in base.glob(f"{prefix}*"):
        owner = leftover.name[len(prefix) :].split("-", 1)[0]
        if owner.isdigit() and int(owner) != os.getpid() and not pid_exists(int(owner)):
            shutil.rmtree(leftover, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=base))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def tcp_answers(host: str, port: int, timeout: float = 1.0) -> bool:
    """True when something accepts TCP connections at ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def log_tail(path: Path | None, lines: int = 20) -> str:
    """The last ``lines`` lines of a log file ("" when there is none)."""
    if path is None:
        return ""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def _parent_death_setup(extra: Callable[[], None] | None) -> Callable[[], None] | None:
    """A ``preexec_fn`` running ``extra`` then arming the parent-death signal."""
    arm = threading.current_thread() is threading.main_thread()
    libc: ctypes.CDLL | None = None
    if arm:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
        except OSError:
            libc = None
    if extra is None and libc is None:
        return None

    def setup() -> None:  # runs in the child, between fork and exec
        if extra is not None:
            extra()
        if libc is not None:
            # Armed after any credential change in ``extra``: changing uid clears it.
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)

    return setup


class LocalProcess:
    """One server process started by this test run.

    ``stop_signal`` is what asks the server to shut down (``SIGTERM`` by default;
    PostgreSQL wants ``SIGINT`` for a fast shutdown); after ``stop_timeout``
    seconds it is killed.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        log_path: Path,
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        preexec: Callable[[], None] | None = None,
        stop_signal: int = signal.SIGTERM,
        stop_timeout: float = 15.0,
    ) -> None:
        self.argv = list(argv)
        self.log_path = log_path
        self.cwd = cwd
        self.env = dict(env) if env is not None else None
        self.preexec = preexec
        self.stop_signal = stop_signal
        self.stop_timeout = stop_timeout
        self._popen: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The process id once started."""
        return self._popen.pid if self._popen is not None else None

    def start(self) -> LocalProcess:
        """Start the process (output appended to :attr:`log_path`)."""
        if self._popen is not None:
            raise RuntimeError(f"{self.argv[0]} was already started (pid {self.pid})")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            try:
                self._popen = subprocess.Popen(
                    self.argv,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=self.cwd,
                    env=self.env,
                    process_group=0,
                    preexec_fn=_parent_death_setup(self.preexec),
                )
            except OSError as exc:
                raise ProviderFailed(f"cannot start {self.argv[0]}: {exc}") from exc
        return self

    def running(self) -> bool:
        """True while the process has not exited."""
        return self._popen is not None and self._popen.poll() is None

    def exit_code(self) -> int | None:
        """The exit status once the process has ended."""
        return None if self._popen is None else self._popen.poll()

    def stop(self) -> None:
        """Signal the process by pid, wait, kill it if it lingers; reap it."""
        popen = self._popen
        if popen is None or popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(popen.pid, self.stop_signal)
        try:
            popen.wait(self.stop_timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.kill(popen.pid, signal.SIGKILL)
            popen.wait(10)

    def describe_failure(self, what: str) -> str:
        """``what`` followed by the exit status and the tail of the log."""
        code = self.exit_code()
        status = f"exited with status {code}" if code is not None else "still running"
        tail = log_tail(self.log_path)
        text = f"{what} ({' '.join(self.argv[:1])} {status}; log {self.log_path})"
        return f"{text}:\n{tail}" if tail else text


def wait_until(
    ready: Callable[[], bool],
    process: LocalProcess,
    *,
    timeout: float,
    what: str,
    interval: float = 0.1,
) -> None:
    """Poll ``ready`` until it is true; raise :class:`ProviderFailed` if the process
    exits first or ``timeout`` seconds pass (the process is then stopped)."""
    deadline = time.monotonic() + timeout
    while True:
        if ready():
            return
        if not process.running():
            raise ProviderFailed(process.describe_failure(f"{what} exited while starting"))
        if time.monotonic() > deadline:
            process.stop()
            raise ProviderFailed(
                process.describe_failure(f"{what} was not ready after {timeout:.0f} s")
            )
        time.sleep(interval)
