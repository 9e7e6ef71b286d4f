"""The docs run itself (conftest.py at the repository root), on pages written here.

The pages go into a temporary directory next to a copy of the root conftest.py, and
pytest runs them in a subprocess, as the test command runs docs/.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PY = "```python"
END = "```"


@dataclass
class Run:
    ret: int
    out: str
    dir: Path

    def outcome(self, item: str) -> str:
        """``PASSED`` / ``FAILED`` / ``SKIPPED`` of ``docs/<item>`` in the -vv listing."""
        for line in self.out.splitlines():
            if line.startswith(f"docs/{item} "):
                return line.split()[1]
        raise AssertionError(f"no test docs/{item} in:\n{self.out}")


def run_docs(directory: Path, pages: dict[str, list[str]]) -> Run:
    (directory / "docs").mkdir(parents=True)
    shutil.copy(ROOT / "conftest.py", directory / "conftest.py")
    for name, lines in pages.items():
        (directory / "docs" / name).write_text("\n".join([*lines, ""]))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-vv", "-rs", "docs"],
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=240,
    )
    return Run(done.returncode, done.stdout + done.stderr, directory)


def process_alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


MODEL_PAGE = [
    PY,
    "from runic.ogm import Node, Session, create_driver",
    "",
    "class Person(Node, labels=['Person']):",
    "    id: str",
    "",
    "driver = create_driver('falkordb')",
    "assert driver.execute('MATCH (n) RETURN count(n)').rows == [(0,)]",
    "with Session(driver) as session:",
    "    session.add(Person(id='ada'))",
    "open('pids', 'a').write(f'{driver.embedded_server.pid}\\n')",
    END,
]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return run_docs(
        tmp_path_factory.mktemp("docs_run"),
        {
            "fences.md": [
                "# A page",
                PY,
                "x = 1",
                END,
                "```text",
                "this is not python",
                END,
                "```sh",
                "exit 1",
                END,
                "```",
                "raise SystemExit(1)",
                END,
                PY,
                "assert x == 1",
                "x += 1",
                END,
                PY,
                "assert x == 2",
                END,
            ],
            "failing.md": [PY, "y = 1", END, "", PY, "undefined_name", END],
            "models_a.md": MODEL_PAGE,
            "models_b.md": MODEL_PAGE,  # same model and graph name: must start empty
            "async.md": [
                PY,
                "import asyncio",
                "from runic.ogm import create_async_driver",
                "",
                "async def main() -> None:",
                "    driver = create_async_driver('falkordb')",
                "    assert (await driver.execute('RETURN 1')).rows == [(1,)]",
                "    await driver.close()",
                "",
                "asyncio.run(main())",
                END,
            ],
            "skip.md": [
                '<!-- skip: next "needs a Neo4j server" -->',
                PY,
                "raise RuntimeError",
                END,
                PY,
                "z = 1",
                END,
            ],
            "held.md": [  # runs before models_a.md (pages run in name order)
                PY,
                "import builtins",
                "from runic.ogm import create_driver",
                "",
                "builtins.kept_by_the_page = create_driver('falkordb')  # outlives the page",
                "open('held_pid', 'w').write(str(builtins.kept_by_the_page.embedded_server.pid))",
                END,
            ],
            "hidden.md": [
                "<!-- invisible-code-block: python",
                "hidden = 1",
                "-->",
                "",
                PY,
                "assert 'hidden' not in dir()",
                END,
            ],
        },
    )


def test_python_blocks_share_a_namespace_in_order_other_fences_do_not_run(run: Run) -> None:
    assert run.outcome("fences.md::line:2,column:1") == "PASSED"
    assert run.outcome("fences.md::line:14,column:1") == "PASSED"
    assert run.outcome("fences.md::line:18,column:1") == "PASSED"
    assert "fences.md::line:6" not in run.out  # ```text, ```sh and ``` are no tests
    assert "fences.md::line:9" not in run.out
    assert "fences.md::line:11" not in run.out


def test_a_failing_block_fails_its_test_with_the_page_line(run: Run) -> None:
    assert run.ret == 1
    assert run.outcome("failing.md::line:1,column:1") == "PASSED"
    assert run.outcome("failing.md::line:5,column:1") == "FAILED"
    assert "NameError: name 'undefined_name' is not defined" in run.out


def test_each_page_gets_a_fresh_server_stopped_by_pid_and_its_own_models(run: Run) -> None:
    assert run.outcome("models_a.md::line:1,column:1") == "PASSED"
    assert run.outcome("models_b.md::line:1,column:1") == "PASSED"
    pids = [int(line) for line in (run.dir / "pids").read_text().split()]
    assert len(pids) == 2 and pids[0] != pids[1]
    assert not any(process_alive(pid) for pid in pids)


def test_a_server_still_held_after_its_page_is_stopped_all_the_same(run: Run) -> None:
    assert run.outcome("held.md::line:1,column:1") == "PASSED"
    assert not [line for line in run.out.splitlines() if "held.md" in line and "ERROR" in line]
    assert not process_alive(int((run.dir / "held_pid").read_text()))
    # and the next pages got servers of their own
    assert run.outcome("models_a.md::line:1,column:1") == "PASSED"


def test_async_blocks_run_through_asyncio_run(run: Run) -> None:
    assert run.outcome("async.md::line:1,column:1") == "PASSED"


def test_a_skip_marker_with_a_reason_skips_the_next_block(run: Run) -> None:
    assert run.outcome("skip.md::line:2,column:1") == "SKIPPED"
    assert run.outcome("skip.md::line:5,column:1") == "PASSED"
    assert "needs a Neo4j server" in run.out


def test_hidden_code_blocks_are_not_run(run: Run) -> None:
    assert run.outcome("hidden.md::line:5,column:1") == "PASSED"


def test_a_skip_marker_without_a_reason_fails_the_collection(tmp_path: Path) -> None:
    bad = run_docs(tmp_path, {"bad.md": ["<!-- skip: next -->", PY, "pass", END]})
    assert bad.ret == 2
    assert "bad.md:1: <!-- skip: next --> needs a reason" in bad.out
