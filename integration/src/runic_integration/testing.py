"""Helpers for testing providers and profiles: run the suite in a subprocess, inspect
processes and listening sockets. Used by runic's own provider tests; a third-party
backend can use them to test its provider the same way."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from runic_integration.providers.process import pid_exists

__all__ = [
    "Run",
    "clean_env",
    "listening_addresses",
    "pid_alive",
    "run_suite",
    "unavailable_here",
]

RUNIC_VARS = ("RUNIC_",)


def clean_env(**overrides: str) -> dict[str, str]:
    """The current environment without RUNIC_* / PYTEST_ADDOPTS / DOCKER_HOST, plus overrides."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(RUNIC_VARS) and k not in ("PYTEST_ADDOPTS", "DOCKER_HOST", "CI")
    }
    env.update(overrides)
    return env


@dataclass
class Run:
    """A finished pytest subprocess."""

    returncode: int
    output: str

    def summary_row(self, backend: str) -> str:
        """The matrix-summary row of ``backend`` ("" when absent)."""
        lines = self.output.splitlines()
        try:
            start = next(i for i, line in enumerate(lines) if "runic integration matrix" in line)
        except StopIteration:
            return ""
        for line in lines[start + 1 :]:
            if line.split()[:1] == [backend]:
                return line
        return ""


def run_suite(cwd: Path, env: dict[str, str], *args: str, timeout: float = 600.0) -> Run:
    """``pytest --pyargs runic_integration.suite ARGS`` in a fresh interpreter.

    Run from ``cwd`` (a temporary directory), so none of the repository's pytest
    settings apply: this is how a third party runs the installed suite.
    """
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--pyargs",
            "runic_integration.suite",
            "-p",
            "no:cacheprovider",
            "-rs",
            *args,
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return Run(done.returncode, done.stdout + done.stderr)


def pid_alive(pid: int) -> bool:
    """True while a process with this id exists (zombies count as gone)."""
    return pid_exists(pid)


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a socket LISTENing on ``port`` (from /proc/net; Linux).

    IPv4-mapped IPv6 addresses (``::ffff:127.0.0.1``) are given as IPv4.
    """
    found: set[str] = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if int(hex_port, 16) != port or fields[3] != "0A":  # 0A = LISTEN
                continue
            if width == 8:
                found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
            else:
                raw = bytes.fromhex(address)
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                text = socket.inet_ntop(socket.AF_INET6, words)
                # an IPv4-mapped address (Java binds those) is the IPv4 address
                found.add(
                    text.removeprefix("::ffff:")
                    if text.startswith("::ffff:") and "." in text
                    else text
                )
    return found


def unavailable_here(reason: str) -> None:
    """Skip with ``reason`` locally; fail in CI, where every provider must work."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"in CI this must run: {reason}", pytrace=False)
    pytest.skip(reason)
