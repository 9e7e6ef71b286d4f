"""The schema layer: declared indexes and constraints made real by ``runic.migrate``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest

from runic.migrate import (
    AsyncSchemaManager,
    IndexSpec,
    SchemaManager,
    ValidationResult,
    extract_declared_specs,
)
from runic.migrate.adapters import AsyncSchemaAdapter, SchemaAdapter
from runic.ogm import (
    Capability,
    DuplicateEntityError,
    Edge,
    Field,
    Node,
    UnsupportedFeatureError,
    Vector,
    inspect,
)
from runic.ogm.schema import DDL, CreateIndex
from runic_integration import RunicDB, backend_test


class SchemaUser(Node, labels=["ItSchemaUser"]):
    """A unique email, a range-indexed age, the primary key (unique too)."""

    id: str = Field(primary_key=True)
    email: str = Field(unique=True)
    age: int = Field(default=0, index=True)
    nickname: str = Field(default="")


class SchemaFollows(Edge, type="IT_SCHEMA_FOLLOWS"):
    """An edge model: a range index and a unique property on the relationship type."""

    since: int = Field(default=0, index=True)
    ref: str = Field(default="", unique=True)


class SchemaDoc(Node, labels=["ItSchemaDoc"]):
    """Fulltext over title/body and a 3-dimensional vector index."""

    id: str = Field(primary_key=True)
    title: str = Field(default="", index_type="FULLTEXT")
    body: str = Field(default="", index_type="FULLTEXT")
    embedding: Vector | None = Field(
        default=None, index_type="VECTOR", vector_dimension=3, similarity="euclidean"
    )


def _adapter(db: RunicDB, *, http: bool) -> SchemaAdapter | AsyncSchemaAdapter:
    """An adapter on the test's driver; with ``http`` ArcadeDB also gets its SQL runner."""
    sql = None
    if http and db.backend == "arcadedb":
        from runic.bolt.http import ArcadeDBSQL  # only installed with the ArcadeDB backend

        settings = db.server.settings
        sql = ArcadeDBSQL(
            str(settings["http_url"]),
            str(db.driver_kwargs["database"]),
            str(settings["username"]),
            str(settings["password"]),
        )
    if db.is_async:
        return AsyncSchemaAdapter(db.driver, sql=sql)
    return SchemaAdapter(db.driver, sql=sql)


async def _validate(db: RunicDB, classes: Sequence[type], *, http: bool = True) -> ValidationResult:
    adapter = _adapter(db, http=http)
    if isinstance(adapter, AsyncSchemaAdapter):
        return await AsyncSchemaManager(adapter).validate_schema(classes)
    return SchemaManager(adapter).validate_schema(classes)


async def _sync(
    db: RunicDB, classes: Sequence[type], *, http: bool = True, **kwargs: Any
) -> list[DDL]:
    adapter = _adapter(db, http=http)
    if isinstance(adapter, AsyncSchemaAdapter):
        return await AsyncSchemaManager(adapter).sync_schema(classes, **kwargs)
    return SchemaManager(adapter).sync_schema(classes, **kwargs)


async def _run_with(adapter: SchemaAdapter | AsyncSchemaAdapter, ddls: Sequence[DDL]) -> None:
    for ddl in ddls:
        if isinstance(adapter, AsyncSchemaAdapter):
            await adapter.run(ddl)
        else:
            adapter.run(ddl)


async def _run(db: RunicDB, ddls: Sequence[DDL]) -> None:
    for ddl in ddls:
        if db.is_async:
            await AsyncSchemaAdapter(db.driver).run(ddl)
        else:
            SchemaAdapter(db.driver).run(ddl)


@backend_test
async def test_validate_reports_missing_and_sync_makes_the_schema_valid(db: RunicDB) -> None:
    result = await _validate(db, [SchemaUser])
    assert not result.is_valid
    assert result.missing_indexes == [
        IndexSpec("ItSchemaUser", "id", "UNIQUE"),
        IndexSpec("ItSchemaUser", "email", "UNIQUE"),
        IndexSpec("ItSchemaUser", "age", "RANGE"),
    ]
    assert result.extra_indexes == [] and result.errors == []
    assert await _sync(db, [SchemaUser]) != []
    after = await _validate(db, [SchemaUser])
    assert after.is_valid, after
    assert await _sync(db, [SchemaUser]) == []  # a second sync is a no-op


@backend_test
async def test_a_commit_never_creates_indexes(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(SchemaUser(id="u1", email="a@example.org"))
    result = await _validate(db, [SchemaUser])
    assert len(result.missing_indexes) == 3 and result.extra_indexes == []


@backend_test
async def test_an_index_made_by_hand_is_extra_and_drop_extra_drops_it(db: RunicDB) -> None:
    await _sync(db, [SchemaUser])
    by_hand = IndexSpec("ItSchemaUser", "nickname", "RANGE")
    graph = SchemaAdapter(db.driver).graph
    await _run(db, db.driver.dialect.compile_schema(CreateIndex(by_hand), graph=graph))
    result = await _validate(db, [SchemaUser])
    assert result.extra_indexes == [by_hand] and result.missing_indexes == []
    assert not result.is_valid
    await _sync(db, [SchemaUser])  # without drop_extra the extra index stays
    assert (await _validate(db, [SchemaUser])).extra_indexes == [by_hand]
    await _sync(db, [SchemaUser], drop_extra=True)
    assert (await _validate(db, [SchemaUser])).is_valid


def _docs() -> list[SchemaDoc]:
    return [
        SchemaDoc(
            id="d1", title="Graph databases", body="nodes", embedding=Vector([1.0, 0.0, 0.0])
        ),
        SchemaDoc(id="d2", title="Cooking", body="graph paper", embedding=Vector([0.0, 1.0, 0.0])),
        SchemaDoc(id="d3", title="Roses", body="tulips", embedding=Vector([0.9, 0.1, 0.0])),
    ]


def test_declared_specs_of_a_searchable_model() -> None:
    assert extract_declared_specs(SchemaDoc) == [
        IndexSpec("ItSchemaDoc", "id", "UNIQUE"),
        IndexSpec("ItSchemaDoc", "title", "FULLTEXT"),
        IndexSpec("ItSchemaDoc", "body", "FULLTEXT"),
        IndexSpec("ItSchemaDoc", "embedding", "VECTOR"),
    ]
    (vector,) = [s for s in extract_declared_specs(SchemaDoc) if s.index_type == "VECTOR"]
    assert (vector.dimension, vector.similarity) == (3, "euclidean")


async def _search_or_unsupported(db: RunicDB, classes: Sequence[type]) -> bool:
    """Sync ``classes``; False when the backend cannot create their indexes (checked error)."""
    if db.backend == "arcadedb":  # over Bolt alone: a clear error naming http_url=
        result = await _validate(db, classes, http=False)
        assert not result.is_valid and len(result.errors) == 3
        assert all("http_url=" in error for error in result.errors)
        with pytest.raises(UnsupportedFeatureError, match="http_url="):
            await _sync(db, classes, http=False)
    if db.backend == "age":
        result = await _validate(db, classes)
        assert result.errors and not result.is_valid
        with pytest.raises(UnsupportedFeatureError, match=db.backend):
            await _sync(db, classes)
        return False
    await _sync(db, classes)
    assert (await _validate(db, classes)).is_valid
    assert await _sync(db, classes) == []
    return True


@backend_test
async def test_fulltext_search_works_on_an_index_created_by_sync_schema(db: RunicDB) -> None:
    if not await _search_or_unsupported(db, [SchemaDoc]):
        return
    db.require(Capability.FULLTEXT_SEARCH)
    async with db.session() as session:
        session.add_all(_docs())
    async with db.session() as session:
        found = await session.fulltext_search(SchemaDoc, query="graph").all()
        assert sorted(d.id for d in found) == ["d1", "d2"]


@backend_test
async def test_vector_search_works_on_an_index_created_by_sync_schema(db: RunicDB) -> None:
    if not await _search_or_unsupported(db, [SchemaDoc]):
        return
    db.require(Capability.VECTOR_SEARCH)
    async with db.session() as session:
        session.add_all(_docs())
    async with db.session() as session:
        nearest = await session.vector_search(
            SchemaDoc, field=SchemaDoc.embedding, vector=[1.0, 0.05, 0.0], k=2
        ).all()
        assert sorted(d.id for d in nearest) == ["d1", "d3"]


@pytest.mark.runic_requires(Capability.FULLTEXT_SEARCH)
@backend_test
async def test_a_fulltext_field_added_later_rebuilds_the_label_index(db: RunicDB) -> None:
    title_only = IndexSpec("ItSchemaDoc", "title", "FULLTEXT")
    adapter = _adapter(db, http=True)
    graph = adapter.graph
    await _run_with(adapter, db.driver.dialect.compile_schema(CreateIndex(title_only), graph=graph))
    assert [
        s for s in (await _validate(db, [SchemaDoc])).missing_indexes if s.index_type == "FULLTEXT"
    ] == [IndexSpec("ItSchemaDoc", "body", "FULLTEXT")]
    await _sync(db, [SchemaDoc])
    assert (await _validate(db, [SchemaDoc])).is_valid
    async with db.session() as session:
        session.add_all(_docs())
    async with db.session() as session:
        found = await session.fulltext_search(SchemaDoc, query="tulips").all()
        assert [d.id for d in found] == ["d3"]  # a word only in body


@backend_test
async def test_a_duplicate_unique_value_from_another_session_fails_and_writes_nothing(
    db: RunicDB,
) -> None:
    await _sync(db, [SchemaUser])
    async with db.session() as session:
        session.add(SchemaUser(id="u1", email="a@example.org"))
    second = db.session()
    u2 = SchemaUser(id="u2", email="a@example.org")
    second.add(u2)
    # ArcadeDB checks constraints at commit, after the flush; the session names the
    # entity there too, among what the transaction flushed
    with pytest.raises(DuplicateEntityError) as caught:
        await second.commit()
    message = str(caught.value)
    assert type(caught.value) is DuplicateEntityError, repr(caught.value)
    if db.backend == "falkordb":  # it names the label only: every unique field is a suspect
        assert message.startswith(
            "a unique constraint refused the flush: one of SchemaUser.id='u2', "
            "SchemaUser.email='a@example.org' already exists in the graph; "
        ), message
    else:  # the server shows the index and the value: that field alone
        assert message.startswith(
            "a unique constraint refused the flush: SchemaUser.email='a@example.org' "
            "already exists in the graph; "
        ), message
    assert "load that entity and modify it instead. Nothing was written. (" in message
    assert db.count("ItSchemaUser") == 1
    # a taken unique value (not the key): the entity stays pending, to be fixed
    assert second.new == [u2] and not inspect(u2).persistent
    u2.email = "b@example.org"
    await second.commit()
    assert db.values("MATCH (n:ItSchemaUser) RETURN n.email AS e ORDER BY n.email", column="e") == [
        "a@example.org",
        "b@example.org",
    ]
    await second.close()


@backend_test
async def test_an_update_to_a_taken_unique_value_fails_and_stays_dirty(db: RunicDB) -> None:
    await _sync(db, [SchemaUser])
    async with db.session() as session:
        session.add_all(
            [SchemaUser(id="u1", email="a@example.org"), SchemaUser(id="u2", email="b@example.org")]
        )
    session = db.session()
    u2 = await session.get(SchemaUser, "u2")
    assert u2 is not None
    u2.email = "a@example.org"
    with pytest.raises(DuplicateEntityError) as caught:
        await session.commit()  # ArcadeDB: refused at commit, after the flush
    assert type(caught.value) is DuplicateEntityError, repr(caught.value)
    assert "SchemaUser.email='a@example.org' already exists" in str(caught.value)
    assert "SchemaUser.id=" not in str(caught.value).split(" (")[0] or (
        db.backend == "falkordb"  # it names the label only: every unique field is a suspect
    )
    emails = "MATCH (n:ItSchemaUser) RETURN n.email AS e ORDER BY n.email"
    assert db.values(emails, column="e") == ["a@example.org", "b@example.org"]
    assert session.dirty == [u2] and inspect(u2).persistent  # the change is kept, unwritten
    u2.email = "c@example.org"
    await session.commit()
    assert db.values(emails, column="e") == ["a@example.org", "c@example.org"]
    await session.close()


@backend_test
async def test_edge_models_get_their_indexes_on_the_relationship_type(db: RunicDB) -> None:
    result = await _validate(db, [SchemaFollows])
    assert result.missing_indexes == [
        IndexSpec("IT_SCHEMA_FOLLOWS", "since", "RANGE", "edge"),
        IndexSpec("IT_SCHEMA_FOLLOWS", "ref", "UNIQUE", "edge"),
    ]
    await _sync(db, [SchemaFollows])
    assert (await _validate(db, [SchemaFollows])).is_valid
    assert await _sync(db, [SchemaFollows]) == []


def _url(db: RunicDB) -> str:
    """A database URL for the test's graph (``runic`` console script, ``create_driver``)."""
    kw = db.driver_kwargs
    user = kw.get("username")
    creds = ""
    if user is not None:
        creds = quote(str(user), safe="")
        if kw.get("password") is not None:
            creds += ":" + quote(str(kw["password"]), safe="")
        creds += "@"
    name = kw.get("graph") if db.backend == "falkordb" else kw.get("database")
    url = f"{db.backend}://{creds}{kw['host']}:{kw['port']}/{name or ''}"
    if db.backend == "age":
        url += f"?graph={kw['graph']}"
    if db.backend == "arcadedb":
        url += "?" + urlencode({"http_url": db.server.settings["http_url"]})
    return url


CLI_MODELS = """
from runic.ogm import Field, Node


class CliUser(Node, labels=["ItCliUser"]):
    id: str = Field(primary_key=True)
    email: str = Field(unique=True)
"""


@backend_test
async def test_the_runic_console_script_syncs_and_validates(db: RunicDB) -> None:
    script = Path(sys.executable).parent / "runic"
    if not script.exists():
        pytest.fail("the runic console script is not installed (reinstall runic-core)")
    models = Path(tempfile.mkdtemp(prefix="runic-cli-"))
    (models / "it_cli_models.py").write_text(CLI_MODELS)
    env = {**os.environ, "RUNIC_URL": _url(db), "PYTHONPATH": str(models)}

    def runic(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(script), "schema", *args, "--models", "it_cli_models"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
            cwd=models,
        )

    try:
        first = runic("validate")
        assert first.returncode == 1, first.stderr
        assert first.stdout.splitlines() == [
            "missing (2):",
            "  UNIQUE   node ItCliUser.id",
            "  UNIQUE   node ItCliUser.email",
            "extra (0):",
        ]
        synced = runic("sync")
        assert synced.returncode == 0, synced.stderr
        valid = runic("validate")
        assert valid.returncode == 0 and valid.stdout == "schema is valid\n", valid.stdout
        assert "ran 0 statement(s)" in runic("sync").stdout
    finally:
        shutil.rmtree(models, ignore_errors=True)
