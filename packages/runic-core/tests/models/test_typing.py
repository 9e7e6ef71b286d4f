"""Type checkers see the generated ``__init__`` (``typing.dataclass_transform``).

One ``mypy --strict`` run over a small module; each test checks part of its output.
"""

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"

MODULE = textwrap.dedent(
    """\
    from runic.ogm import col, select
    from runic.ogm.core import Edge, Field, Node, Relation


    class Person(Node, labels=["TypingPerson"]):
        id: str = Field(primary_key=True)
        name: str = ""
        age: int | None = Field(default=None)
        seq: int = Field(default=0, init=False)
        friends: list["Person"] = Relation(
            relationship="KNOWS", target="Person", default_factory=list
        )


    class Rated(Edge, type="T_RATED"):
        score: float


    ok = Person(id="a", name="x")
    ok_all = Person(id="a", name="x", age=None, friends=[ok])
    name: str = ok.name
    rated = Rated(score=1.5)
    query = select(Person).where(Person.name == "x").where(col(Person.name).contains("a"))
    ordered = query.where(col(Person.age).in_([1, 2])).order_by(col(Person.age))  # @valid_end
    reveal_type(ok.id)  # @reveal_id
    reveal_type(rated.score)  # @reveal_score
    untyped = Person.name.contains("a")  # @untyped_operator
    bad_name = Person(idd="a")  # @bad_name
    missing = Person(name="x")  # @missing
    wrong_type = Person(id=1)  # @wrong_type
    positional = Person("a")  # @positional
    not_init = Person(id="a", seq=1)  # @not_init
    edge_bad = Rated(stars=2)  # @edge_bad
    """
)


@pytest.fixture(scope="module")
def mypy_output(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, list[str]]:
    work = tmp_path_factory.mktemp("typing")
    (work / "typing_models.py").write_text(MODULE)
    (work / "mypy.ini").write_text("[mypy]\nstrict = True\n")
    env = {**os.environ, "MYPYPATH": str(SRC)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--config-file",
            str(work / "mypy.ini"),
            "--cache-dir",
            str(work / ".mypy_cache"),
            "--no-error-summary",
            "--hide-error-context",
            "--no-pretty",
            "--show-error-codes",
            "typing_models.py",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.stderr == ""
    return proc.returncode, proc.stdout.splitlines()


def _line(marker: str) -> int:
    """1-based line number of the MODULE line ending with ``# @marker``."""
    found = [n for n, text in enumerate(MODULE.splitlines(), 1) if text.endswith(f"# @{marker}")]
    assert len(found) == 1, marker
    return found[0]


REPORTED = [
    "reveal_id",
    "reveal_score",
    "untyped_operator",
    "bad_name",
    "missing",
    "wrong_type",
    "positional",
    "not_init",
    "edge_bad",
]


def _messages(lines: list[str], where: int | str) -> list[str]:
    lineno = _line(where) if isinstance(where, str) else where
    prefix = f"typing_models.py:{lineno}: "
    return [line[len(prefix) :] for line in lines if line.startswith(prefix)]


def test_mypy_reports_exactly_the_bad_calls(mypy_output: tuple[int, list[str]]) -> None:
    code, lines = mypy_output
    assert code == 1
    pattern = re.compile(r"^typing_models\.py:(\d+): ")
    reported = sorted({int(m.group(1)) for m in map(pattern.match, lines) if m})
    assert reported == sorted(_line(m) for m in REPORTED), lines


def test_valid_construction_type_checks(mypy_output: tuple[int, list[str]]) -> None:
    _, lines = mypy_output
    first_reported = min(_line(m) for m in REPORTED)
    assert first_reported > _line("valid_end")
    for lineno in range(1, first_reported):
        assert _messages(lines, lineno) == []


def test_field_types_are_visible(mypy_output: tuple[int, list[str]]) -> None:
    _, lines = mypy_output
    # mypy >= 1.19 prints "str", older versions "builtins.str"
    [reveal_id] = _messages(lines, "reveal_id")
    [reveal_score] = _messages(lines, "reveal_score")
    assert re.fullmatch(r'note: Revealed type is "(builtins\.)?str"', reveal_id)
    assert re.fullmatch(r'note: Revealed type is "(builtins\.)?float"', reveal_score)


def test_unknown_keyword_is_reported(mypy_output: tuple[int, list[str]]) -> None:
    _, lines = mypy_output
    assert _messages(lines, "bad_name") == [
        'error: Unexpected keyword argument "idd" for "Person"; did you mean "id"?  [call-arg]'
    ]
    assert _messages(lines, "edge_bad") == [
        'error: Unexpected keyword argument "stars" for "Rated"  [call-arg]'
    ]


def test_missing_required_field_is_reported(mypy_output: tuple[int, list[str]]) -> None:
    _, lines = mypy_output
    assert _messages(lines, "missing") == [
        'error: Missing named argument "id" for "Person"  [call-arg]'
    ]


def test_wrong_type_is_reported(mypy_output: tuple[int, list[str]]) -> None:
    _, lines = mypy_output
    assert _messages(lines, "wrong_type") == [
        'error: Argument "id" to "Person" has incompatible type "int"; expected "str"  [arg-type]'
    ]


def test_positional_and_init_false_arguments_are_reported(
    mypy_output: tuple[int, list[str]],
) -> None:
    _, lines = mypy_output
    assert _messages(lines, "positional") == [
        'error: Too many positional arguments for "Person"  [call-arg]'
    ]
    assert _messages(lines, "not_init") == [
        'error: Unexpected keyword argument "seq" for "Person"  [call-arg]'
    ]


def test_query_operators_type_check_through_col(mypy_output: tuple[int, list[str]]) -> None:
    _, lines = mypy_output
    # without col() a checker sees the field's value type: the reason col() exists
    assert _messages(lines, "untyped_operator") == [
        'error: "str" has no attribute "contains"  [attr-defined]'
    ]
