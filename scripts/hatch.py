#!/usr/bin/env python3
"""Run hatch (>= 1.16) for this repository, installing it first when needed.

    python3 scripts/hatch.py run test      # the whole test suite
    python3 scripts/hatch.py run lint      # ruff + mypy --strict

Hatch goes into ``.tools/hatch``, a virtual environment inside the checkout
(ignored by git), so nothing is installed into the system Python. Only Python
>= 3.11 with pip (or venv with ensurepip) is required. Delete ``.tools`` to
start over.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

HATCH_REQUIREMENT = "hatch>=1.16"
MINIMUM = (1, 16)
ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools" / "hatch"
BIN = TOOLS / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
HATCH = BIN / ("hatch.exe" if os.name == "nt" else "hatch")


def _installed_version() -> tuple[int, ...] | None:
    if not (PYTHON.exists() and HATCH.exists()):
        return None
    probe = "import importlib.metadata as m; print(m.version('hatch'))"
    done = subprocess.run([str(PYTHON), "-c", probe], capture_output=True, text=True)
    if done.returncode != 0:
        return None
    try:
        return tuple(int(part) for part in done.stdout.strip().split(".")[:2])
    except ValueError:
        return None


def _install() -> None:
    print(f"scripts/hatch.py: installing {HATCH_REQUIREMENT} into {TOOLS}", file=sys.stderr)
    pip_args = ["install", "--quiet", "--disable-pip-version-check", HATCH_REQUIREMENT]
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS)
        command = [str(PYTHON), "-m", "pip", *pip_args]
    except (subprocess.CalledProcessError, OSError):
        # No ensurepip (e.g. Debian without python3-venv): let this Python's pip
        # install into the bare environment instead.
        venv.EnvBuilder(with_pip=False, clear=True).create(TOOLS)
        command = [sys.executable, "-m", "pip", "--python", str(PYTHON), *pip_args]
    subprocess.run(command, check=True)


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - a clear message on an old Python
        sys.exit(f"scripts/hatch.py: Python >= 3.11 is required, this is {sys.version.split()[0]}")
    version = _installed_version()
    if version is None or version < MINIMUM:
        _install()
    os.chdir(ROOT)
    return subprocess.call([str(HATCH), *argv])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
