"""The schema managers' sans-I/O operations, driven with canned results (no database)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from runic.migrate import ops
from runic.ogm import Field, Node
from runic.ogm.dialect import CypherDialect
from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import MetadataError, QueryExecutionError, UnsupportedFeatureError
from runic.ogm.schema import DDL, CreateIndex, DropIndex, IndexSpec


class FakeDialect(CypherDialect):
    """Lists indexes with one statement whose rows are (label, prop, type)."""

    name = "fake"

    def schema_create(self, op: CreateIndex, graph: str) -> list[DDL]:
        spec = op.spec
        if spec.index_type == "VECTOR":
            raise UnsupportedFeatureError(self.name, "a vector index")
        props = ",".join(op.all_properties)
        return [DDL(f"CREATE {spec.index_type} {spec.label}({props})", ignore_errors=("exists",))]

    def schema_drop(self, op: DropIndex, graph: str) -> list[DDL]:
        return [DDL(f"DROP {op.spec.index_type} {op.spec.label}({op.spec.property})")]

    def schema_list(self, graph: str) -> list[DDL]:
        return [DDL("LIST", columns=("label", "prop", "type"))]

    def parse_indexes(self, results: Sequence[QueryResult]) -> list[IndexSpec]:
        return [IndexSpec(label, prop, kind) for label, prop, kind in results[0].rows]


class Server:
    """Answers LIST with ``live`` and records every other statement."""

    def __init__(self, live: list[tuple[str, str, str]], fail: str | None = None) -> None:
        self.live = live
        self.sent: list[str] = []
        self.fail = fail

    def run(self, ddl: DDL) -> QueryResult:
        if ddl.text == "LIST":
            return QueryResult(ddl.columns, list(self.live))
        self.sent.append(ddl.text)
        if self.fail is not None and self.fail in ddl.text:
            raise QueryExecutionError(f"{ddl.text}: index already exists", backend="fake")
        return QueryResult()


def _models() -> tuple[type[Node], type[Node]]:
    class User(Node, labels=["User"]):
        id: str = Field(primary_key=True)
        age: int = Field(default=0, index=True)

    class Doc(Node, labels=["Doc"]):
        id: str = Field(primary_key=True)
        title: str = Field(default="", index_type="FULLTEXT")
        body: str = Field(default="", index_type="FULLTEXT")

    return User, Doc


def test_validate_reports_missing_and_extra() -> None:
    user, _doc = _models()
    server = Server([("User", "id", "UNIQUE"), ("User", "nick", "RANGE")])
    result = ops.drive(ops.validate_op(FakeDialect(), "g", [user]), server.run)
    assert not result.is_valid
    assert result.missing_indexes == [IndexSpec("User", "age", "RANGE")]
    assert result.extra_indexes == [IndexSpec("User", "nick", "RANGE")]
    assert server.sent == []


def test_sync_creates_missing_batches_fulltext_and_drops_extra_on_request() -> None:
    user, doc = _models()
    server = Server([("User", "id", "UNIQUE"), ("User", "nick", "RANGE")])
    ran = ops.drive(ops.sync_op(FakeDialect(), "g", [user, doc]), server.run)
    assert server.sent == [
        "CREATE RANGE User(age)",
        "CREATE UNIQUE Doc(id)",
        "CREATE FULLTEXT Doc(title,body)",
    ]
    assert [d.text for d in ran] == server.sent
    server = Server([("User", "id", "UNIQUE"), ("User", "age", "RANGE"), ("X", "y", "RANGE")])
    ops.drive(ops.sync_op(FakeDialect(), "g", [user], drop_extra=True), server.run)
    assert server.sent == ["DROP RANGE X(y)"]


def test_dry_run_sends_only_reads() -> None:
    user, _doc = _models()
    server = Server([])
    plan = ops.drive(ops.sync_op(FakeDialect(), "g", [user], dry_run=True), server.run)
    assert [d.text for d in plan] == ["CREATE UNIQUE User(id)", "CREATE RANGE User(age)"]
    assert server.sent == []


def test_an_already_exists_error_counts_as_done_and_other_errors_propagate() -> None:
    user, _doc = _models()
    server = Server([], fail="User(age)")
    ops.drive(ops.sync_op(FakeDialect(), "g", [user]), server.run)
    assert server.sent == ["CREATE UNIQUE User(id)", "CREATE RANGE User(age)"]

    class Strict(FakeDialect):
        def schema_create(self, op: CreateIndex, graph: str) -> list[DDL]:
            return [DDL(f"CREATE {op.spec.label}({op.spec.property})")]

    with pytest.raises(QueryExecutionError, match="already exists"):
        ops.drive(ops.sync_op(Strict(), "g", [user]), Server([], fail="User(age)").run)


def test_a_spec_the_backend_cannot_create_is_an_error_not_a_silent_skip() -> None:
    class Thing(Node, labels=["Thing"]):
        id: str = Field(primary_key=True)
        v: list[float] | None = Field(default=None, index_type="VECTOR", vector_dimension=2)

    result = ops.drive(ops.validate_op(FakeDialect(), "g", [Thing]), Server([]).run)
    assert result.errors == ["VECTOR Thing.v: a vector index is not supported on fake"]
    assert not result.is_valid
    with pytest.raises(UnsupportedFeatureError, match=r"VECTOR Thing\.v"):
        ops.drive(ops.sync_op(FakeDialect(), "g", [Thing]), Server([]).run)


def test_the_reference_dialect_refuses_schema_ddl_clearly() -> None:
    with pytest.raises(UnsupportedFeatureError, match="listing indexes is not supported"):
        ops.drive(ops.live_op(CypherDialect(), ""), Server([]).run)


def test_a_missing_vector_dimension_names_the_spec_and_the_fix() -> None:
    from runic.ogm.schema._support import vector_options

    with pytest.raises(MetadataError, match=r"VECTOR Doc.v: .*vector_dimension=N"):
        vector_options(IndexSpec("Doc", "v", "VECTOR"), "neo4j")


def test_ddl_in_a_language_the_connection_cannot_send_is_an_error() -> None:
    class SqlOnly(FakeDialect):
        def schema_create(self, op: CreateIndex, graph: str) -> list[DDL]:
            return [DDL(f"CREATE INDEX ON {op.spec.label}", "sql")]

    user, _doc = _models()
    op = ops.validate_op(SqlOnly(), "g", [user], frozenset({"cypher"}))
    result = ops.drive(op, Server([]).run)
    assert not result.is_valid and len(result.errors) == 2
    assert result.errors[0].startswith(
        "UNIQUE User.id: needs sql statements this connection cannot send on fake: "
    )
    assert "http_url=" in result.errors[0]
    with pytest.raises(UnsupportedFeatureError, match="needs sql statements"):
        ops.drive(ops.sync_op(SqlOnly(), "g", [user], languages={"cypher"}), Server([]).run)
    server = Server([])
    ops.drive(ops.sync_op(SqlOnly(), "g", [user], languages={"cypher", "sql"}), server.run)
    assert server.sent == ["CREATE INDEX ON User", "CREATE INDEX ON User"]


def test_a_label_fulltext_index_is_rebuilt_over_all_its_declared_fields() -> None:
    _user, doc = _models()
    # title is indexed, body was added to the model later
    server = Server([("Doc", "id", "UNIQUE"), ("Doc", "title", "FULLTEXT")])
    ops.drive(ops.sync_op(FakeDialect(), "g", [doc]), server.run)
    assert server.sent == ["DROP FULLTEXT Doc(title)", "CREATE FULLTEXT Doc(title,body)"]
    # a field removed from the model: only drop_extra rebuilds the index without it
    live = [
        ("Doc", "id", "UNIQUE"),
        ("Doc", "title", "FULLTEXT"),
        ("Doc", "body", "FULLTEXT"),
        ("Doc", "old", "FULLTEXT"),
    ]
    server = Server(live)
    ops.drive(ops.sync_op(FakeDialect(), "g", [doc]), server.run)
    assert server.sent == []
    ops.drive(ops.sync_op(FakeDialect(), "g", [doc], drop_extra=True), server.run)
    assert server.sent == [
        "DROP FULLTEXT Doc(title)",
        "DROP FULLTEXT Doc(body)",
        "DROP FULLTEXT Doc(old)",
        "CREATE FULLTEXT Doc(title,body)",
    ]


def test_migration_record_indexes_are_never_extra() -> None:
    (user, _post) = _models()
    server = Server(
        [("_RunicMigration", "revision", "UNIQUE"), ("_RunicMigrationLock", "name", "UNIQUE")]
    )
    result = ops.drive(ops.validate_op(FakeDialect(), "g", [user]), server.run)
    assert result.extra_indexes == []
    ops.drive(ops.sync_op(FakeDialect(), "g", [user], drop_extra=True), server.run)
    assert not any("_RunicMigration" in text for text in server.sent)
