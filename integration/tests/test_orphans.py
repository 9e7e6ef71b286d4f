"""A test run killed outright (SIGKILL) leaves no server behind (parent-death signal)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from runic_integration.providers.local_age import RootfsBuilder
from runic_integration.testing import clean_env, pid_alive, unavailable_here

_SCRIPT = """
import sys, time
from runic_integration import Unavailable
from runic_integration.providers.{module} import {cls}
try:
    server = {cls}().provide()
except Unavailable as exc:
    print("UNAVAILABLE", exc, flush=True)
    sys.exit(0)
print("PID", server.pid, flush=True)
time.sleep(120)
"""


@pytest.mark.parametrize(
    ("module", "cls"),
    [("local_falkordb", "LocalFalkorDB"), ("local_age", "LocalAGE")],
    ids=["falkordb", "age"],
)
def test_servers_die_with_the_process_that_started_them(module: str, cls: str) -> None:
    owner = subprocess.Popen(
        [sys.executable, "-c", _SCRIPT.format(module=module, cls=cls)],
        stdout=subprocess.PIPE,
        text=True,
        env=clean_env(),
    )
    assert owner.stdout is not None
    line = owner.stdout.readline().split(maxsplit=1)
    if line[:1] == ["UNAVAILABLE"]:
        owner.wait(10)
        unavailable_here(line[1].strip())
    assert line[:1] == ["PID"], line
    server_pid = int(line[1])
    assert pid_alive(server_pid)
    os.kill(owner.pid, signal.SIGKILL)
    owner.wait(10)
    deadline = time.monotonic() + 20
    while pid_alive(server_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not pid_alive(server_pid), f"server {server_pid} outlived its killed owner"
    # the killed owner could not clean up: remove its working directory here
    # (the next provider start would sweep it too)
    for parent, prefix in (
        (Path(tempfile.gettempdir()), "runic-it-falkordb-"),
        (RootfsBuilder().path / "tmp", "runic-pg-"),
    ):
        for leftover in parent.glob(f"{prefix}{owner.pid}-*"):
            shutil.rmtree(leftover)
