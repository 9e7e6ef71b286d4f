"""runic-core imports no backend: ``runic.ogm`` and a ConnectionManager on a runic driver.

Run in a fresh interpreter, so modules other tests imported do not count.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from runic.ogm import AsyncConnectionManager, ConnectionManager

PROGRAM = textwrap.dedent(
    """\
    import asyncio, json, sys

    import runic.ogm
    from runic.ogm import AsyncConnectionManager, ConnectionManager, CypherDialect, QueryResult


    class Driver:
        dialect = CypherDialect()

        def execute(self, cypher, params=None, *, write=False, columns=()):
            return QueryResult(columns=["n"], rows=[])

        def close(self):
            pass


    class AsyncDriver(Driver):
        async def execute(self, cypher, params=None, *, write=False, columns=()):
            return QueryResult(columns=["n"], rows=[])

        async def close(self):
            pass


    with ConnectionManager(Driver()) as manager, manager.session() as session:
        session.execute("RETURN 1 AS n")


    async def main():
        async with AsyncConnectionManager(AsyncDriver()) as manager:
            async with manager.session() as session:
                await session.execute("RETURN 1 AS n")


    asyncio.run(main())
    print(json.dumps(sorted(sys.modules)))
    """
)

BACKENDS = ("runic.falkordb", "runic.bolt", "runic.age", "falkordb", "neo4j", "psycopg", "redis")


def test_runic_ogm_and_a_connection_manager_import_no_backend() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    loaded = json.loads(proc.stdout.splitlines()[-1])
    assert "runic.ogm.session.connection_pool" in loaded
    assert [m for m in loaded if m.partition(".")[0] in BACKENDS or m.startswith(BACKENDS)] == []


def test_a_manager_names_itself_for_what_it_cannot_use() -> None:
    with pytest.raises(TypeError, match=r"^ConnectionManager\(\) needs a runic driver, got object"):
        ConnectionManager(object())
    with pytest.raises(
        TypeError, match=r"AsyncConnectionManager\(driver, graph_name\): graph_name"
    ):
        AsyncConnectionManager(object(), "g")
