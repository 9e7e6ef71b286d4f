"""Starting and stopping a child server process that cannot outlive this process.

Three mechanisms together make sure the child dies:

* :func:`stop_process` (terminate, wait, kill on timeout), called by ``close()``;
* ``weakref.finalize`` callbacks (set up by the caller), which also run at
  interpreter exit;
* on Linux, the child is started with ``prctl(PR_SET_PDEATHSIG, SIGTERM)``: the
  kernel sends it SIGTERM when its parent dies, even by SIGKILL.

The parent-death signal fires when the *thread* that forked the child exits, not
only the process. Children are therefore always forked from one dedicated daemon
thread that lives until the process ends.
"""

from __future__ import annotations

import concurrent.futures
import ctypes
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from typing import IO, Any, TypeVar

__all__ = ["spawn", "stop_process", "supports_parent_death_signal"]

_T = TypeVar("_T")
_PR_SET_PDEATHSIG = 1


def supports_parent_death_signal() -> bool:
    """Whether children get a signal when this process dies (Linux only)."""
    return _prctl() is not None


_PRCTL: Any = None
_PRCTL_LOADED = False


def _prctl() -> Any:
    global _PRCTL, _PRCTL_LOADED
    if not _PRCTL_LOADED:
        _PRCTL_LOADED = True
        if sys.platform.startswith("linux"):
            try:
                function = ctypes.CDLL(None, use_errno=True).prctl
            except (OSError, AttributeError):
                function = None
            if function is not None:
                function.argtypes = [
                    ctypes.c_int,
                    ctypes.c_ulong,
                    ctypes.c_ulong,
                    ctypes.c_ulong,
                    ctypes.c_ulong,
                ]
                function.restype = ctypes.c_int
            _PRCTL = function
    return _PRCTL


def _child_setup(parent_pid: int) -> Callable[[], None] | None:
    """Return a ``preexec_fn`` that ties the child's life to this process."""
    prctl = _prctl()
    if prctl is None:
        return None

    def setup() -> None:  # runs in the child between fork and exec
        if prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            os._exit(126)
        # The parent may have died before prctl took effect.
        if os.getppid() != parent_pid:
            os._exit(125)

    return setup


class _SpawnThread:
    """One daemon thread that forks every child, so they stay tied to the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], concurrent.futures.Future[Any]]] = (
            queue.SimpleQueue()
        )

    def run(self, job: Callable[[], _T]) -> _T:
        if threading.current_thread() is self._thread:
            return job()
        future: concurrent.futures.Future[_T] = concurrent.futures.Future()
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="runic-falkordb-spawner", daemon=True
                )
                self._thread.start()
            self._jobs.put((job, future))
        return future.result()

    def _loop(self) -> None:
        while True:
            job, future = self._jobs.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(job())
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller
                future.set_exception(exc)

    def reset_after_fork(self) -> None:
        self._lock = threading.Lock()
        self._thread = None
        self._jobs = queue.SimpleQueue()


_SPAWNER = _SpawnThread()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_SPAWNER.reset_after_fork)


def spawn(
    args: Sequence[str],
    *,
    output: IO[bytes] | int,
    pass_fds: Sequence[int] = (),
) -> subprocess.Popen[bytes]:
    """Start ``args`` as a child that receives SIGTERM if this process dies.

    The child gets its own session, so a Ctrl-C aimed at this program reaches
    this program (which then stops the child in order) rather than the child.
    """
    parent_pid = os.getpid()

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            list(args),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            close_fds=True,
            pass_fds=tuple(pass_fds),
            start_new_session=True,
            preexec_fn=_child_setup(parent_pid),
        )

    return _SPAWNER.run(start)


def stop_process(process: subprocess.Popen[bytes], timeout: float) -> int | None:
    """Stop ``process`` by its id: SIGTERM, wait ``timeout`` s, then SIGKILL.

    Returns the exit status. Safe to call on a process that already exited.
    """
    if process.poll() is not None:
        return process.returncode
    try:
        process.terminate()
        return process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()
