"""Typed derived finders under ``mypy --strict``: the stubs check, a wrong argument does not.

One mypy run over a small module declaring stub finders on ``Repository`` and
``AsyncRepository`` subclasses; the module is also imported, so the stubs it
declares parse at class definition.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"

MODULE = textwrap.dedent(
    """\
    from __future__ import annotations

    from runic.ogm import AsyncRepository, AsyncSession, Field, Node, Repository, Session


    class TypedUser(Node, labels=["RFTypedUser"]):
        id: str = Field(primary_key=True)
        name: str = ""
        age: int = 0


    class Users(Repository[TypedUser]):
        def find_by_age_greater_than(self, age: int) -> list[TypedUser]:
            raise NotImplementedError

        def find_first_by_name(self, name: str) -> TypedUser | None:
            raise NotImplementedError

        def count_by_age_between(self, low: int, high: int) -> int:
            raise NotImplementedError


    class AsyncUsers(AsyncRepository[TypedUser]):
        async def exists_by_name(self, name: str) -> bool:
            raise NotImplementedError


    def sync_use(session: Session) -> int:
        users = Users(session)
        older: list[TypedUser] = users.find_by_age_greater_than(18)
        first = users.find_first_by_name("Ada")
        return len(older) + users.count_by_age_between(1, 2) + (first is None)


    async def async_use(session: AsyncSession) -> bool:
        return await AsyncUsers(session).exists_by_name("Ada")


    def wrong(session: Session) -> None:
        Users(session).find_by_age_greater_than("eighteen")  # @wrong
    """
)


@pytest.fixture(scope="module")
def mypy_lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    work = tmp_path_factory.mktemp("typed_finders")
    (work / "typed_finders.py").write_text(MODULE)
    (work / "mypy.ini").write_text("[mypy]\nstrict = True\n")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(work / "mypy.ini"),
            "--cache-dir",
            str(work / ".mypy_cache"),
            "--no-error-summary",
            "--hide-error-context",
            "--no-pretty",
            "--show-error-codes",
            "typed_finders.py",
        ],
        cwd=work,
        env={**os.environ, "MYPYPATH": str(SRC)},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.stderr == ""
    return proc.stdout.splitlines()


def test_mypy_accepts_the_stubs_and_rejects_a_wrong_argument(mypy_lines: list[str]) -> None:
    wrong = next(n for n, text in enumerate(MODULE.splitlines(), 1) if text.endswith("# @wrong"))
    errors = [line for line in mypy_lines if ": error:" in line]
    assert len(errors) == 1, mypy_lines
    assert errors[0].startswith(f"typed_finders.py:{wrong}: error: Argument 1 to ")
    assert '"find_by_age_greater_than" of "Users" has incompatible type "str"' in errors[0]
    assert errors[0].endswith("[arg-type]")


def test_the_module_imports_its_stubs_parse() -> None:
    namespace: dict[str, object] = {"__name__": "typed_finders_runtime"}
    exec(compile(MODULE, "typed_finders.py", "exec"), namespace)  # noqa: S102
    users = namespace["Users"]
    assert getattr(users, "__runic_entity__", None) is namespace["TypedUser"]
    assert users.find_by_age_greater_than.__runic_finder__.arity == 1  # type: ignore[attr-defined]
