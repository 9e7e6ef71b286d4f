"""The ``runic`` console script against a FalkorDB server, and ``create_driver(url)``."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from runic.falkordb.embedded import EmbeddedFalkorDB
from runic.ogm import create_driver

MODELS = """
from runic.ogm import Field, Node


class CliUser(Node, labels=["CliUser"]):
    id: str = Field(primary_key=True)
    age: int = Field(default=0, index=True)
"""


@pytest.fixture(scope="module")
def tcp_server() -> Iterator[EmbeddedFalkorDB]:
    with EmbeddedFalkorDB(unix_socket=False) as server:
        yield server


@pytest.fixture
def url(tcp_server: EmbeddedFalkorDB) -> Iterator[str]:
    graph = f"cli_{uuid.uuid4().hex[:12]}"
    yield f"falkordb://{tcp_server.host}:{tcp_server.port}/{graph}"
    driver = create_driver("falkordb", host=tcp_server.host, port=tcp_server.port, graph=graph)
    driver.delete_graph()
    driver.close()


def _runic(tmp_path: Path, *args: str, url: str | None = None) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "runic"
    assert script.exists(), "the runic console script is not installed"
    (tmp_path / "cli_models.py").write_text(MODELS)
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    env.pop("RUNIC_URL", None)
    if url is not None:
        env["RUNIC_URL"] = url
    return subprocess.run(
        [str(script), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )


def test_validate_sync_show_through_the_console_script(tmp_path: Path, url: str) -> None:
    models = ("--models", "cli_models")
    first = _runic(tmp_path, "schema", "validate", *models, "--url", url)
    assert first.returncode == 1, first.stderr
    assert first.stdout.splitlines() == [
        "missing (2):",
        "  UNIQUE   node CliUser.id",
        "  RANGE    node CliUser.age",
        "extra (0):",
    ]
    dry = _runic(tmp_path, "schema", "sync", "--dry-run", *models, url=url)  # URL from RUNIC_URL
    assert dry.returncode == 0, dry.stderr
    assert "CREATE INDEX FOR (n:`CliUser`) ON (n.`age`)" in dry.stdout
    assert dry.stdout.endswith("-- would run 3 statement(s)\n")
    assert _runic(tmp_path, "schema", "validate", *models, "--url", url).returncode == 1
    synced = _runic(tmp_path, "schema", "sync", *models, "--url", url)
    assert synced.returncode == 0 and "-- ran 3 statement(s)" in synced.stdout
    valid = _runic(tmp_path, "schema", "validate", *models, "--url", url)
    assert (valid.returncode, valid.stdout) == (0, "schema is valid\n")
    shown = _runic(tmp_path, "schema", "show", *models, "--url", url)
    assert shown.returncode == 0
    assert shown.stdout.count("CliUser.age") == 2  # declared and live


def test_the_console_script_reports_bad_input(tmp_path: Path) -> None:
    no_url = _runic(tmp_path, "schema", "validate", "--models", "cli_models")
    assert no_url.returncode == 2 and "--url or RUNIC_URL" in no_url.stderr
    bad = _runic(tmp_path, "schema", "validate", "--models", "nope_mod", "--url", "falkordb:///g")
    assert bad.returncode == 2 and "nope_mod" in bad.stderr


def test_create_driver_takes_a_url(tcp_server: EmbeddedFalkorDB) -> None:
    url = f"falkordb://{tcp_server.host}:{tcp_server.port}/url_graph"
    driver = create_driver(url)
    try:
        assert driver.graph_name == "url_graph"
        assert driver.execute("RETURN 1 AS one").rows == [(1,)]
    finally:
        driver.close()


async def test_adapters_made_from_a_url_own_their_driver(tcp_server: EmbeddedFalkorDB) -> None:
    from runic.migrate import (
        AsyncSchemaManager,
        SchemaManager,
        create_adapter,
        create_async_adapter,
    )

    url = f"falkordb://{tcp_server.host}:{tcp_server.port}/adapter_graph"
    sync_adapter = create_adapter(url)
    assert SchemaManager(sync_adapter).list_indexes() == []
    sync_adapter.close()
    assert sync_adapter.driver.closed
    async_adapter = create_async_adapter(url)
    assert await AsyncSchemaManager(async_adapter).list_indexes() == []
    await async_adapter.close()
    assert async_adapter.driver.closed


DIAGRAM_MODELS = """
from __future__ import annotations

from runic.ogm import Edge, Node, Relation


class Joined(Edge, type="MEMBER_OF"):
    year: int = 0


class Team(Node, labels=["Team"]):
    id: str


class Member(Node, labels=["Member"]):
    id: str
    team: Team | None = Relation(
        relationship="MEMBER_OF", target="Team", edge_model=Joined, default=None
    )
    mentors: list[Member] = Relation(
        relationship="MENTORS", target="Member", default_factory=list
    )
"""


def test_diagram_with_a_url_draws_live_counts(tmp_path: Path, url: str) -> None:
    (tmp_path / "diagram_models.py").write_text(DIAGRAM_MODELS)
    driver = create_driver(url)
    driver.execute(
        "CREATE (t:Team {id: 'red'}), (:Team {id: 'blue'}),"
        " (a:Member {id: 'a'})-[:MEMBER_OF {year: 2024}]->(t),"
        " (b:Member {id: 'b'})-[:MEMBER_OF {year: 2025}]->(t), (c:Member {id: 'c'}),"
        " (a)-[:MENTORS]->(b)"
    )
    driver.close()
    drawn = _runic(tmp_path, "schema", "diagram", "--models", "diagram_models", "--url", url)
    assert drawn.returncode == 0, drawn.stderr
    assert drawn.stdout == (
        "classDiagram\n"
        "    direction LR\n"
        "    class Team {\n"
        "        <<:Team · 2 nodes>>\n"
        "        id: str · key\n"
        "    }\n"
        "    class Member {\n"
        "        <<:Member · 3 nodes>>\n"
        "        id: str · key\n"
        "    }\n"
        '    Member --> "0..1" Team : MEMBER_OF (team) · year#58; int · 2 edges\n'
        '    Member --> "*" Member : MENTORS (mentors) · 1 edge\n'
    )
    plain = _runic(tmp_path, "schema", "diagram", "--models", "diagram_models")
    assert plain.returncode == 0 and "nodes" not in plain.stdout and "edge" not in plain.stdout
