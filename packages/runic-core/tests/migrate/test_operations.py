"""``op`` recording and dry runs, autogenerate and the progress display (no database)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from runic.migrate.autogenerate import compare, field_snapshot, parse_renames, render_ops
from runic.migrate.operations import Expr, Operations
from runic.migrate.progress import Progress
from runic.ogm import Field, Node
from runic.ogm.dialect import CypherDialect
from runic.ogm.driver.protocols import Capability
from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import InvalidIdentifierError, UnsupportedFeatureError
from runic.ogm.schema import DDL, CreateIndex, DropIndex, IndexSpec


class Dialect(CypherDialect):
    name = "fake"
    capabilities = frozenset({Capability.MULTI_LABEL})

    def schema_create(self, op: CreateIndex, graph: str) -> list[DDL]:
        return [DDL(f"CREATE {op.spec.index_type} {op.spec.label}({','.join(op.all_properties)})")]

    def schema_drop(self, op: DropIndex, graph: str) -> list[DDL]:
        return [DDL(f"DROP {op.spec.index_type} {op.spec.label}({op.spec.property})")]

    def schema_list(self, graph: str) -> list[DDL]:
        return [DDL("LIST", columns=("label", "prop", "type"))]

    def parse_indexes(self, results: Sequence[QueryResult]) -> list[IndexSpec]:
        return [IndexSpec(label, prop, kind) for label, prop, kind in results[0].rows]


class Executor:
    """Answers LIST with ``live``; a batch statement reports ``batches`` counts in turn."""

    def __init__(
        self,
        *,
        dry_run: bool = False,
        live: Sequence[tuple[str, str, str]] = (),
        counts: Sequence[int] = (),
        done: set[int] | None = None,
    ) -> None:
        self.dialect = Dialect()
        self.graph = "g"
        self.dry_run = dry_run
        self.live = list(live)
        self.counts = list(counts)
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.finished: list[int] = []
        self.done = done or set()
        self.beats = 0

    def read(self, ddl: DDL) -> QueryResult:
        return QueryResult(ddl.columns, list(self.live))

    def write(self, ddl: DDL) -> QueryResult:
        self.sent.append((ddl.text, {}))
        return QueryResult()

    def cypher(self, text: str, params: Mapping[str, Any]) -> QueryResult:
        self.sent.append((text, dict(params)))
        if "LIMIT" in text:
            return QueryResult(["c"], [(self.counts.pop(0) if self.counts else 0,)])
        return QueryResult(["c"], [(7,)])

    def sql(self, text: str, params: Sequence[Any]) -> QueryResult:
        self.sent.append((text, {"sql": list(params)}))
        return QueryResult()

    def step_done(self, step: int) -> bool:
        return step in self.done

    def finish_step(self, step: int) -> None:
        self.finished.append(step)

    def heartbeat(self) -> None:
        self.beats += 1


def test_update_nodes_marks_batches_until_a_short_one_then_unmarks() -> None:
    x = Executor(counts=[3, 3, 1, 3, 0])
    op = Operations(x, token="r1:up", batch_size=3)
    done = op.update_nodes(
        "User",
        set={"name": op.expr("toUpper(n.name)"), "seen": True},
        where="n.age > $min",
        params={"min": 18},
    )
    assert done == 7
    pick = "MATCH (n:`User`) WHERE (n.age > $min) AND coalesce(n.`_runic_migrated`, '') <> $_token"
    batch = (
        f"{pick} WITH n LIMIT 3 SET n.`_runic_migrated` = $_token, n.`name` = toUpper(n.name), "
        "n.`seen` = $_v1 RETURN count(n)"
    )
    unmark = (
        "MATCH (n:`User`) WHERE n.`_runic_migrated` = $_token WITH n LIMIT 3 "
        "SET n.`_runic_migrated` = null RETURN count(n)"
    )
    params = {"min": 18, "_v1": True, "_token": "r1:up:1"}
    assert x.sent == [
        (f"{pick} RETURN count(n)", params),
        (batch, params),
        (batch, params),
        (batch, params),
        (unmark, {"_token": "r1:up:1"}),
        (unmark, {"_token": "r1:up:1"}),
    ]
    assert x.finished == [1] and x.beats == 5


class AgeDialect(Dialect):
    name = "age"
    capabilities = frozenset({Capability.TRANSACTIONS})


class AgeExecutor(Executor):
    """Answers each batch read with the next of ``pages`` (rows of id, properties, value)."""

    def __init__(self, pages: Sequence[list[tuple[Any, ...]]]) -> None:
        super().__init__()
        self.dialect = AgeDialect()
        self.pages = list(pages)

    def cypher(self, text: str, params: Mapping[str, Any]) -> QueryResult:
        self.sent.append((text, dict(params)))
        if "LIMIT" in text:
            return QueryResult(["_id", "_p", "_e0"], self.pages.pop(0) if self.pages else [])
        return QueryResult(["c"], [(5,)])


def test_update_nodes_on_age_reads_batches_by_id_and_writes_them_in_sql() -> None:
    x = AgeExecutor(
        [
            [(11, {"i": 1}, 2), (12, {"i": 2, "gone": 1}, 3)],
            [(17, {"i": 3}, 4), (20, {"i": 4}, 5)],
            [(21, {"i": 5}, 6)],
        ]
    )
    op = Operations(x, token="r1:up", batch_size=2)
    done = op.update_nodes(
        "User",
        set={"j": op.expr("n.i + 1"), "gone": None, "tag": "x"},
        where="n.i > $min",
        params={"min": 0},
    )
    assert done == 5
    ret = "RETURN id(n) AS _id, properties(n) AS _p, n.i + 1 AS _e0 ORDER BY id(n) LIMIT 2"
    first = f"MATCH (n:`User`) WHERE (n.i > $min) {ret}"
    after = f"MATCH (n:`User`) WHERE id(n) > $_last AND (n.i > $min) {ret}"
    update = (
        'UPDATE "g"."User" AS t SET properties = v.p::ag_catalog.agtype FROM '
        "unnest(%s::text[], %s::text[]) AS v(id, p) WHERE t.id = v.id::ag_catalog.graphid"
    )
    assert x.sent == [
        ("MATCH (n:`User`) WHERE (n.i > $min) RETURN count(n)", {"min": 0}),
        ('CREATE INDEX "_runic_batch_User" ON "g"."User" (id)', {}),
        (first, {"min": 0}),
        (
            update,
            {
                "sql": [
                    ["11", "12"],
                    ['{"i": 1, "tag": "x", "j": 2}', '{"i": 2, "tag": "x", "j": 3}'],
                ]
            },
        ),
        (after, {"min": 0, "_last": 12}),
        (
            update,
            {
                "sql": [
                    ["17", "20"],
                    ['{"i": 3, "tag": "x", "j": 4}', '{"i": 4, "tag": "x", "j": 5}'],
                ]
            },
        ),
        (after, {"min": 0, "_last": 20}),
        (update, {"sql": [["21"], ['{"i": 5, "tag": "x", "j": 6}']]}),
        ('DROP INDEX "g"."_runic_batch_User"', {}),
    ]
    assert x.finished == [1]


def test_update_nodes_on_age_refuses_a_value_json_cannot_write() -> None:
    x = AgeExecutor([[(11, {"f": float("nan")}, 1)]])
    with pytest.raises(UnsupportedFeatureError, match="not finite"):
        Operations(x, token="r").update_nodes("User", set={"j": Expr("n.i")})


def test_a_dry_run_records_every_statement_and_sends_none() -> None:
    x = Executor(dry_run=True, live=[("User", "age", "RANGE")])
    op = Operations(x, token="r1:up", batch_size=100)
    op.create_index("User", "age")  # live already: nothing to do
    op.create_unique("User", "email")
    op.drop_index("User", "age")
    op.rename_property("User", "mail", "email")
    op.execute("MATCH (n:User) SET n.x = $x", {"x": 1})
    assert x.sent == [] and x.finished == []
    assert [r.describe() for r in op.recorded] == [
        "CREATE UNIQUE User(email)",
        "DROP RANGE User(age)",
        "MATCH (n:`User`) WHERE n.`mail` IS NOT NULL WITH n LIMIT 100 "
        "SET n.`email` = n.`mail`, n.`mail` = null RETURN count(n)",
        "MATCH (n:User) SET n.x = $x  -- params {'x': 1}",
    ]


def test_finished_steps_are_skipped_on_a_rerun() -> None:
    x = Executor(done={1, 2})
    op = Operations(x, token="r", batch_size=10)
    op.execute("CREATE (:A)")
    op.create_index("A", "i")
    op.execute("CREATE (:B)")
    assert x.sent == [("CREATE (:B)", {})] and x.finished == [3]


def test_labels_and_properties_are_validated_and_quoted() -> None:
    op = Operations(Executor(), token="r")
    with pytest.raises(InvalidIdentifierError, match="backtick"):
        op.rename_property("User`) DETACH DELETE (n", "a", "b")
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        Operations(Executor(), token="r", batch_size=0)
    x = Executor(counts=[0])
    Operations(x, token="r").rename_label("Old Name", "New")
    assert x.sent[-1][0].startswith("MATCH (n:`Old Name`) WITH n LIMIT 5000 SET n:`New` REMOVE")


def test_rename_label_on_a_single_label_backend_is_refused() -> None:
    x = Executor()
    x.dialect.capabilities = frozenset()
    with pytest.raises(UnsupportedFeatureError, match=r"op.rename_label\('A', 'B'\)"):
        Operations(x, token="r").rename_label("A", "B")


def test_autogenerate_writes_index_changes_renames_drift_and_type_stubs() -> None:
    class User(Node, labels=["User"]):
        id: str = Field(primary_key=True)
        mail: str = Field(default="", index=True)
        score: float = Field(default=0.0)
        emb: list[float] | None = Field(
            default=None, index_type="VECTOR", vector_dimension=8, similarity="euclidean"
        )

    snapshot = field_snapshot([User])
    assert snapshot == {
        "User": {"id": "str", "mail": "str", "score": "float", "emb": "list[float] | None"}
    }
    live = [
        IndexSpec("User", "id", "UNIQUE"),
        IndexSpec("User", "email", "RANGE"),
        IndexSpec("User", "emb", "VECTOR", dimension=4, similarity="cosine"),
        IndexSpec("_RunicMigration", "revision", "UNIQUE"),
    ]
    previous = {"User": {"id": "str", "email": "str", "score": "int"}}
    diff = compare(
        [
            IndexSpec("User", "id", "UNIQUE"),
            IndexSpec("User", "mail", "RANGE"),
            IndexSpec("User", "emb", "VECTOR", dimension=8, similarity="euclidean"),
        ],
        live,
        snapshot=snapshot,
        previous=previous,
        renames=parse_renames(["email=mail"]),
        ignore_labels=["_RunicMigration"],
    )
    up, down = render_ops(diff)
    assert up == [
        "op.rename_property('User', 'email', 'mail')",
        "op.drop_index('User', 'email')",
        "op.drop_vector('User', 'emb')",
        "op.create_vector('User', 'emb', dimension=8, similarity='euclidean')",
        "op.create_index('User', 'mail')",
        "# User.score changed type: int -> float. Convert the stored values, e.g.:",
        "# op.update_nodes('User', set={'score': op.expr('toString(n.score)')},",
        "#                 where='n.score IS NOT NULL')",
    ]
    assert down == [
        "op.drop_index('User', 'mail')",
        "op.drop_vector('User', 'emb')",
        "op.create_vector('User', 'emb', dimension=4, similarity='cosine')",
        "op.create_index('User', 'email')",
        "op.rename_property('User', 'mail', 'email')",
        "# User.score: convert the values back to int here",
    ]
    assert "vector options: VECTOR User.emb is dimension 4, cosine in the graph" in (
        "\n".join(diff.summary())
    )
    assert not compare([], [], snapshot={}, previous=None)


def test_rename_arguments() -> None:
    assert parse_renames(["a=b", "User.a=b"]) == [(None, "a", "b"), ("User", "a", "b")]
    for bad in ("a", "=b", "a=", ".a=b"):
        with pytest.raises(ValueError, match=r"write old=new or Label\.old=new"):
            parse_renames([bad])
    with pytest.raises(ValueError, match="no model has a property 'zz'"):
        compare([], [], snapshot={"User": {"a": "str"}}, previous=None, renames=[(None, "a", "zz")])


def test_progress_bar_on_a_tty_and_lines_otherwise() -> None:
    out = io.StringIO()
    bar = Progress("update User", 10, stream=out, tty=True, width=10)
    bar.advance(4)
    assert out.getvalue() == "\rupdate User [####......]  40% 4/10"
    bar.close()
    assert out.getvalue().endswith("4/10\rupdate User [####......]  40% 4/10\n")
    log = io.StringIO()
    line = Progress("update User", 10, stream=log, tty=False, log_every=3600, width=10)
    line.advance(10)
    line.close()
    line.close()
    assert log.getvalue() == "update User: 10 to do\nupdate User [##########] 100% 10/10\n"


def test_rename_label_renames_the_type_on_single_label_backends() -> None:
    x = Executor(dry_run=True)
    x.dialect.capabilities = frozenset()
    x.dialect.name = "age"
    op = Operations(x, token="r")
    op.rename_label("Old", 'Ne"w')
    x.dialect.name = "arcadedb"
    op.rename_label("Old", "New")
    assert [(r.text, r.language) for r in op.recorded] == [
        ('ALTER TABLE "g"."Old" RENAME TO "Ne""w"', "sql"),
        (
            "UPDATE ag_catalog.ag_label SET name = 'Ne\"w' WHERE name = 'Old' AND graph = "
            "(SELECT graphid FROM ag_catalog.ag_graph WHERE name = 'g')",
            "sql",
        ),
        ("ALTER TYPE `Old` NAME `New`", "sql"),
    ]
