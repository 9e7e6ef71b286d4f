#!/usr/bin/env python3
"""Packaging as users get it (run by .ci/run after the tests).

1. Build every distribution's wheel and sdist (hatchling, the backend of ``hatch
   build``) into a temporary directory; build a wheel again from each sdist alone.
2. Check what they hold: ``py.typed`` and no ``runic/__init__.py`` in each wheel (the
   ``runic`` namespace is shared), the README as the long description (Markdown), the
   classifiers and project URLs, the README and sources in each sdist.
3. Install the wheels (by path: never a ``runic*`` name from an index, where other
   projects use them) with ``runic-falkordb[embedded]`` into a fresh virtual
   environment outside the checkout; the dependencies come from the package index.
4. There, in a directory with no workspace on ``sys.path``: run the ```python blocks
   of docs/getting-started.md as one script (the embedded FalkorDB), check that every
   backend's entry point registers, and run the ``runic`` console script
   (``runic schema diagram``).

    python3 scripts/wheel_smoke.py [--keep]   # --keep: leave the directory, print it

Prints the time each step took; exits non-zero with the reason on the first failure.
"""

from __future__ import annotations

import email.parser
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HATCH_BIN = ROOT / ".tools" / "hatch" / "bin"
#: (distribution directory, distribution name, import package whose py.typed must ship)
DISTRIBUTIONS = (
    ("packages/runic-core", "runic-core", "runic/ogm"),
    ("packages/runic-falkordb", "runic-falkordb", "runic/falkordb"),
    ("packages/runic-bolt", "runic-bolt", "runic/bolt"),
    ("packages/runic-age", "runic-age", "runic/age"),
    ("integration", "runic-integration", "runic_integration"),
)
#: The backends the installed wheels must register (``runic.backends`` entry points).
BACKENDS = ("age", "arcadedb", "falkordb", "memgraph", "neo4j")

DIAGRAM_MODELS = """
from runic.ogm import Field, Node, Relation


class Shelf(Node, labels=["Shelf"]):
    id: str


class Book(Node, labels=["Book"]):
    isbn: str = Field(primary_key=True)
    shelf: Shelf | None = Relation(relationship="ON", target="Shelf", default=None)
"""


class SmokeError(Exception):
    """A check of the wheel smoke test failed."""


@contextmanager
def step(title: str) -> Iterator[None]:
    print(f"== wheel smoke: {title}", flush=True)
    started = time.monotonic()
    yield
    print(f"   ({time.monotonic() - started:.1f} s)", flush=True)


def run(command: Sequence[str | Path], **kwargs: Any) -> str:
    """Run ``command``; return its stdout; raise SmokeError with its output on failure."""
    done = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        check=False,
        **kwargs,
    )
    if done.returncode != 0:
        raise SmokeError(
            f"{' '.join(str(p) for p in command)} failed (exit {done.returncode}):\n"
            f"{done.stdout}{done.stderr}"
        )
    return str(done.stdout)


def tool(name: str) -> Path:
    """``hatchling`` / ``uv`` from scripts/hatch.py's tool environment (hatch's own
    dependencies; installed on first use)."""
    path = HATCH_BIN / name
    if not path.exists():
        run([sys.executable, ROOT / "scripts" / "hatch.py", "--version"])
    if not path.exists():
        raise SmokeError(f"{path} is missing after installing hatch (scripts/hatch.py)")
    return path


def build(dist: Path) -> None:
    """Build each distribution's sdist and wheel with hatchling, the build backend
    ``hatch build`` runs (called directly: no build environment per package to set up)."""
    hatchling = tool("hatchling")
    for directory, _, _ in DISTRIBUTIONS:
        run([hatchling, "build", "-d", dist], cwd=ROOT / directory)


def rebuild_from_sdist(sdist: Path, wheel: Path, scratch: Path) -> None:
    """Unpack ``sdist``, build a wheel from it alone: it must hold what ``wheel`` holds."""
    hatchling = tool("hatchling")
    with tarfile.open(sdist) as archive:
        archive.extractall(scratch, filter="data")
    (tree,) = scratch.iterdir()
    run([hatchling, "build", "-t", "wheel", "-d", scratch / "out"], cwd=tree)
    (again,) = (scratch / "out").glob("*.whl")
    with zipfile.ZipFile(wheel) as first, zipfile.ZipFile(again) as second:
        missing = set(first.namelist()) - set(second.namelist())
    if missing:
        raise SmokeError(f"{sdist.name}: a wheel built from it lacks {sorted(missing)}")


def _artifact(dist: Path, name: str, suffix: str) -> Path:
    stem = name.replace("-", "_")
    found = sorted(dist.glob(f"{stem}-*{suffix}"))
    if len(found) != 1:
        raise SmokeError(f"expected one {stem}-*{suffix} in {dist}, found {found}")
    return found[0]


def check_wheel(wheel: Path, name: str, typed: str) -> None:
    with zipfile.ZipFile(wheel) as archive:
        files = archive.namelist()
        metadata_name = next(f for f in files if f.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(archive.read(metadata_name).decode())
    if f"{typed}/py.typed" not in files:
        raise SmokeError(f"{wheel.name}: {typed}/py.typed is missing (typed package data)")
    if "runic/__init__.py" in files:
        raise SmokeError(f"{wheel.name}: ships runic/__init__.py (runic is a namespace package)")
    directory = next(d for d, dist_name, _ in DISTRIBUTIONS if dist_name == name)
    readme = (ROOT / directory / "README.md").read_text()
    if metadata.get("Description-Content-Type") != "text/markdown":
        raise SmokeError(f"{wheel.name}: the long description is not Markdown")
    if str(metadata.get_payload()).strip() != readme.strip():
        raise SmokeError(f"{wheel.name}: the long description is not its README.md")
    urls = metadata.get_all("Project-URL") or []
    if not any(url.startswith("Documentation, ") for url in urls):
        raise SmokeError(f"{wheel.name}: no Documentation project URL ({urls})")
    if metadata.get("License-Expression") != "MIT":
        raise SmokeError(f"{wheel.name}: License-Expression is not MIT")
    if "Typing :: Typed" not in (metadata.get_all("Classifier") or []):
        raise SmokeError(f"{wheel.name}: classifier 'Typing :: Typed' is missing")


def check_sdist(sdist: Path, typed: str) -> None:
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    top = names[0].split("/")[0]
    for wanted in ("README.md", "pyproject.toml", f"src/{typed}/py.typed"):
        if f"{top}/{wanted}" not in names:
            raise SmokeError(f"{sdist.name}: {wanted} is missing")


def install(dist: Path, venv: Path) -> Path:
    uv = tool("uv")
    run([uv, "venv", "--quiet", "--python", sys.executable, venv])
    python = venv / "bin" / "python"
    wheels = {name: _artifact(dist, name, ".whl") for _, name, _ in DISTRIBUTIONS}
    requirements = [
        f"{name}{'[embedded]' if name == 'runic-falkordb' else ''} @ {wheel.as_uri()}"
        for name, wheel in wheels.items()
        if name != "runic-integration"
    ]
    run([uv, "pip", "install", "--quiet", "--python", python, *requirements])
    return python


def getting_started_script() -> str:
    """The ```python blocks of docs/getting-started.md, in order, as one script."""
    text = (ROOT / "docs" / "getting-started.md").read_text()
    blocks = re.findall(r"^```python[^\n]*\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    if not blocks:
        raise SmokeError("docs/getting-started.md has no ```python blocks")
    return "\n".join(blocks)


def use(python: Path, work: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
    where = run([python, "-c", "import runic.ogm; print(runic.ogm.__file__)"], cwd=work, env=env)
    if str(ROOT) in where:
        raise SmokeError(f"runic.ogm came from the checkout, not the wheel: {where}")
    (work / "getting_started.py").write_text(getting_started_script())
    run([python, "getting_started.py"], cwd=work, env=env, timeout=300)
    probe = (
        "from runic.ogm import available_backends; "
        "print(' '.join(sorted(b.name for b in available_backends())))"
    )
    names = run([python, "-c", probe], cwd=work, env=env).split()
    if tuple(names) != BACKENDS:
        raise SmokeError(f"installed backends are {names}, expected {list(BACKENDS)}")
    (work / "smoke_models.py").write_text(DIAGRAM_MODELS)
    drawn = run(
        [python.parent / "runic", "schema", "diagram", "--models", "smoke_models"],
        cwd=work,
        env=env,
    )
    if 'Book --> "0..1" Shelf : ON (shelf)' not in drawn:
        raise SmokeError(f"runic schema diagram printed:\n{drawn}")


def main(argv: Sequence[str]) -> int:
    keep = "--keep" in argv
    started = time.monotonic()
    base = Path(tempfile.mkdtemp(prefix="runic-wheel-smoke-"))
    try:
        dist, venv, work = base / "dist", base / "venv", base / "work"
        work.mkdir()
        with step("build the sdist and wheel of every distribution (hatchling)"):
            build(dist)
        with step("check the wheels and sdists (and build a wheel from each sdist)"):
            for _, name, typed in DISTRIBUTIONS:
                wheel, sdist = _artifact(dist, name, ".whl"), _artifact(dist, name, ".tar.gz")
                check_wheel(wheel, name, typed)
                check_sdist(sdist, typed)
                scratch = base / "sdists" / name
                scratch.mkdir(parents=True)
                rebuild_from_sdist(sdist, wheel, scratch)
        with step("install the wheels into a fresh virtual environment"):
            python = install(dist, venv)
        with step("run getting-started, the entry points and the runic script there"):
            use(python, work)
    except SmokeError as exc:
        print(f"wheel smoke: FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        if keep:
            print(f"wheel smoke: kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    print(f"wheel smoke: passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
