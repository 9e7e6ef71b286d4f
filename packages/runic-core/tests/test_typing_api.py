"""The session, bound-query and repository API is typed for user code.

One ``mypy --strict`` run over a small module of user code (sync and async); each
``reveal_type`` line is checked against the type the API promises.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

MODULE = textwrap.dedent(
    """\
    from runic.ogm import (
        AsyncConnectionManager,
        AsyncSession,
        ConnectionManager,
        Session,
        delete,
        select,
        update,
    )
    from runic.ogm.core import Field, Node, Relation
    from runic.ogm.repository import AsyncRepository, Repository


    class Person(Node, labels=["TypingApiPerson"]):
        id: str = Field(primary_key=True)
        name: str = ""
        friends: list["Person"] = Relation(
            relationship="T_KNOWS", target="Person", default_factory=list
        )


    def sync_code(session: Session) -> None:
        stmt = select(Person).where(Person.name == "x")
        reveal_type(stmt)  # @select
        reveal_type(session.scalars(stmt))  # @scalars
        reveal_type(session.scalar(stmt))  # @scalar
        reveal_type(session.count(stmt))  # @count
        reveal_type(session.get(Person, "a"))  # @get
        bound = session.query(Person)
        reveal_type(bound)  # @query
        chained = (
            bound.where(Person.name == "x")
            .where_id(1)
            .traverse(Person.friends, source="n")
            .alias("f")
            .order_by(Person.name)
            .limit(3)
        )
        reveal_type(chained)  # @chained
        reveal_type(chained.all())  # @all
        reveal_type(chained.one())  # @one
        reveal_type(chained.count())  # @bound_count
        reveal_type(session.execute(update(Person).values(name="y")))  # @bulk
        reveal_type(session.execute("MATCH (n) RETURN n"))  # @raw
        reveal_type(bound.where(Person.name == "x").update(name="y"))  # @bound_update
        reveal_type(bound.delete())  # @bound_delete
        repo = Repository(session, Person)
        reveal_type(repo)  # @repo
        reveal_type(repo.find_all())  # @find_all
        reveal_type(repo.query())  # @repo_query
        reveal_type(repo.session)  # @repo_session


    async def async_code(session: AsyncSession) -> None:
        stmt = select(Person)
        reveal_type(await session.scalars(stmt))  # @a_scalars
        reveal_type(await session.scalar(stmt))  # @a_scalar
        reveal_type(await session.get(Person, "a"))  # @a_get
        bound = session.query(Person).where_id(1).repeat(Person.friends, source="n").alias("f")
        reveal_type(bound)  # @a_query
        reveal_type(await bound.all())  # @a_all
        reveal_type(await bound.one())  # @a_one
        reveal_type(await session.execute(delete(Person)))  # @a_bulk
        reveal_type(await session.query(Person).delete())  # @a_bound_delete
        repo = AsyncRepository(session, Person)
        reveal_type(await repo.find_all_by_ids(["a"]))  # @a_find
        reveal_type(repo.query())  # @a_repo_query
        found: list[Person] = await session.vector_search(
            Person, field=Person.name, vector=[1.0]
        ).all()
        print(found)


    async def managed(manager: ConnectionManager, amanager: AsyncConnectionManager) -> None:
        @manager.session()
        def name_of(pid: str, *, session: Session) -> str:
            return pid

        @amanager.session
        async def count_of(pid: str, *, session: AsyncSession) -> int:
            return len(pid)

        reveal_type(name_of("a"))  # @decorated
        reveal_type(await count_of("a"))  # @a_decorated
        with manager.session() as session:
            reveal_type(session)  # @scope
        async with amanager.session() as a_session:
            reveal_type(a_session)  # @a_scope
    """
)

EXPECTED = {
    "select": "runic.ogm.query.builder.Select[typing_api.Person]",
    "scalars": "builtins.list[typing_api.Person]",
    "scalar": "typing_api.Person | None",
    "count": "builtins.int",
    "get": "typing_api.Person | None",
    "query": "runic.ogm.session.bound.BoundQuery[typing_api.Person]",
    "chained": "runic.ogm.session.bound.BoundQuery[typing_api.Person]",
    "all": "builtins.list[typing_api.Person]",
    "one": "typing_api.Person | None",
    "bound_count": "builtins.int",
    "bulk": "runic.ogm.session.bulk.BulkResult",
    "raw": "runic.ogm.driver.results.QueryResult",
    "bound_update": "builtins.int",
    "bound_delete": "builtins.int",
    "a_bulk": "runic.ogm.session.bulk.BulkResult",
    "a_bound_delete": "builtins.int",
    "repo": "runic.ogm.repository.repository.Repository[typing_api.Person]",
    "find_all": "builtins.list[typing_api.Person]",
    "repo_query": "runic.ogm.session.bound.BoundQuery[typing_api.Person]",
    "repo_session": "runic.ogm.session.session.Session",
    "a_scalars": "builtins.list[typing_api.Person]",
    "a_scalar": "typing_api.Person | None",
    "a_get": "typing_api.Person | None",
    "a_query": "runic.ogm.session.bound.AsyncBoundQuery[typing_api.Person]",
    "a_all": "builtins.list[typing_api.Person]",
    "a_one": "typing_api.Person | None",
    "a_find": "builtins.list[typing_api.Person]",
    "a_repo_query": "runic.ogm.session.bound.AsyncBoundQuery[typing_api.Person]",
    "decorated": "builtins.str",
    "a_decorated": "builtins.int",
    "scope": "runic.ogm.session.session.Session",
    "a_scope": "runic.ogm.session.async_session.AsyncSession",
}


@pytest.fixture(scope="module")
def mypy_lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    work = tmp_path_factory.mktemp("typing_api")
    (work / "typing_api.py").write_text(MODULE)
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
            "typing_api.py",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.stderr == ""
    return proc.stdout.splitlines()


def _line(marker: str) -> int:
    found = [n for n, text in enumerate(MODULE.splitlines(), 1) if text.endswith(f"# @{marker}")]
    assert len(found) == 1, marker
    return found[0]


def _normal(revealed: str) -> str:
    # mypy >= 1.19 prints "str"/"list[...]", older versions "builtins.str"
    return re.sub(r"\bbuiltins\.", "", revealed)


def test_only_reveal_notes_no_errors(mypy_lines: list[str]) -> None:
    errors = [line for line in mypy_lines if ": error:" in line]
    assert errors == []


@pytest.mark.parametrize("marker", sorted(EXPECTED))
def test_revealed_type(mypy_lines: list[str], marker: str) -> None:
    prefix = f"typing_api.py:{_line(marker)}: note: Revealed type is "
    [line] = [line for line in mypy_lines if line.startswith(prefix)]
    assert _normal(line[len(prefix) :]) == _normal(f'"{EXPECTED[marker]}"')
