"""No orphan server: however a program using an embedded driver ends, its server ends too."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from runic.falkordb import EmbeddedFalkorDB

PROGRAM = textwrap.dedent(
    """
    import asyncio, os, signal, sys, threading, time

    from runic.falkordb import AsyncFalkorDBDriver, FalkorDBDriver

    flavour, ending = sys.argv[1], sys.argv[2]

    def finish(server):
        print(server.pid, os.path.dirname(server.unix_socket_path), flush=True)
        if ending == "exception":
            raise RuntimeError("the program failed")
        if ending == "sigkill":
            os.kill(os.getpid(), signal.SIGKILL)
        if ending == "sigterm":
            os.kill(os.getpid(), signal.SIGTERM)
        if ending == "os_exit":
            os._exit(3)
        if ending == "wait":
            time.sleep(60)
        # "exit": fall off the end without closing anything

    def run_sync():
        driver = FalkorDBDriver.embedded(graph="orphan")
        assert driver.execute("RETURN 1").scalar() == 1
        finish(driver.embedded_server)

    async def run_async():
        driver = AsyncFalkorDBDriver.embedded(graph="orphan")
        assert (await driver.execute("RETURN 1")).scalar() == 1
        finish(driver.embedded_server)

    def run_in_thread():
        # the driver is created by a worker thread that ends before the program
        box = []
        worker = threading.Thread(target=lambda: box.append(FalkorDBDriver.embedded("t")))
        worker.start()
        worker.join()
        time.sleep(0.3)
        assert box[0].execute("RETURN 1").scalar() == 1
        finish(box[0].embedded_server)

    if flavour == "sync":
        run_sync()
    elif flavour == "async":
        asyncio.run(run_async())
    else:
        run_in_thread()
    """
)


def process_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process_alive(pid):
            return True
        time.sleep(0.02)
    return False


def run_program(flavour: str, ending: str) -> tuple[int, str, int, str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", PROGRAM, flavour, ending],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    lines = out.split()
    assert lines, f"the program printed no pid; stderr:\n{err}"
    return int(lines[0]), lines[1], proc.returncode, err


ENDINGS = [
    ("exit", 0),
    ("exception", 1),
    ("sigkill", -signal.SIGKILL),
    ("sigterm", -signal.SIGTERM),
    ("os_exit", 3),
]


@pytest.mark.parametrize("flavour", ["sync", "async", "thread"])
@pytest.mark.parametrize(("ending", "status"), ENDINGS)
def test_server_dies_with_its_program(flavour: str, ending: str, status: int) -> None:
    pid, _, returncode, err = run_program(flavour, ending)
    assert returncode == status, err
    if ending == "exception":
        assert "RuntimeError: the program failed" in err
    assert wait_gone(pid, 10), f"embedded server {pid} outlived its program ({ending})"


def test_server_dies_when_the_parent_is_killed_from_outside() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", PROGRAM, "sync", "wait"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    pid = int(proc.stdout.readline().split()[0])
    try:
        assert process_alive(pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        assert wait_gone(pid, 10), f"embedded server {pid} outlived its killed parent"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_later_start_removes_the_directory_a_killed_program_left() -> None:
    pid, temp_dir, returncode, _ = run_program("sync", "sigkill")
    assert returncode == -signal.SIGKILL
    assert wait_gone(pid, 10)
    assert os.path.isdir(temp_dir)  # nobody could clean up after SIGKILL
    with EmbeddedFalkorDB() as server:
        assert not os.path.exists(temp_dir)
        # a running server's directory is left alone
        other = subprocess.Popen(
            [sys.executable, "-c", PROGRAM, "sync", "wait"], stdout=subprocess.PIPE, text=True
        )
        assert other.stdout is not None
        other_pid, other_dir = other.stdout.readline().split()
        try:
            EmbeddedFalkorDB().start().stop()
            assert os.path.isdir(other_dir)
            assert server.running
        finally:
            other.kill()
            other.wait()
        assert wait_gone(int(other_pid), 10)
    EmbeddedFalkorDB().start().stop()
    assert not os.path.exists(other_dir)
