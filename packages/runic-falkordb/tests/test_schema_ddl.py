"""FalkorDB schema DDL: exact text, and parsing of db.indexes()/db.constraints()."""

from __future__ import annotations

import pytest

from runic.falkordb.dialect import FalkorDBDialect
from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import MetadataError, QueryExecutionError
from runic.ogm.schema import CreateIndex, DropIndex, IndexSpec

D = FalkorDBDialect()


def test_unique_is_a_range_index_then_a_constraint_command() -> None:
    ddls = D.compile_schema(CreateIndex(IndexSpec("Person", "email", "UNIQUE")), graph="g")
    assert [(d.language, d.text) for d in ddls] == [
        ("cypher", "CREATE INDEX FOR (n:`Person`) ON (n.`email`)"),
        ("command", "GRAPH.CONSTRAINT CREATE g UNIQUE NODE Person PROPERTIES 1 email"),
    ]
    assert ddls[1].args == (
        "GRAPH.CONSTRAINT",
        "CREATE",
        "g",
        "UNIQUE",
        "NODE",
        "Person",
        "PROPERTIES",
        "1",
        "email",
    )
    assert "already indexed" in ddls[0].ignore_errors
    drop = D.compile_schema(DropIndex(IndexSpec("KNOWS", "id", "UNIQUE", "edge")), graph="g")
    assert [d.text for d in drop] == [
        "GRAPH.CONSTRAINT DROP g UNIQUE RELATIONSHIP KNOWS PROPERTIES 1 id",
        "DROP INDEX FOR ()-[n:`KNOWS`]-() ON (n.`id`)",
    ]


def test_fulltext_and_vector_ddl() -> None:
    op = CreateIndex(IndexSpec("Doc", "title", "FULLTEXT"), properties=("title", "body"))
    assert [d.text for d in D.compile_schema(op)] == [
        "CALL db.idx.fulltext.createNodeIndex('Doc', 'title', 'body')"
    ]
    spec = IndexSpec("Doc", "emb", "VECTOR", dimension=3, similarity="euclidean")
    assert [d.text for d in D.compile_schema(CreateIndex(spec))] == [
        "CREATE VECTOR INDEX FOR (n:`Doc`) ON (n.`emb`) "
        "OPTIONS {dimension: 3, similarityFunction: 'euclidean'}"
    ]
    with pytest.raises(MetadataError, match=r"VECTOR Doc\.emb: a vector index on falkordb"):
        D.compile_schema(CreateIndex(IndexSpec("Doc", "emb", "VECTOR")))
    assert [d.text for d in D.compile_schema(DropIndex(IndexSpec("Doc", "title", "FULLTEXT")))] == [
        "DROP FULLTEXT INDEX FOR (n:`Doc`) ON (n.`title`)"
    ]


def test_parsing_folds_the_range_index_behind_a_constraint() -> None:
    indexes = QueryResult(
        ("label", "properties", "types", "options", "entitytype", "status"),
        [
            (
                "P",
                ["email", "bio", "v"],
                {"email": ["RANGE"], "bio": ["FULLTEXT"], "v": ["VECTOR"]},
                {"v": {"dimension": 2, "similarityFunction": "cosine"}},
                "NODE",
                "OPERATIONAL",
            ),
            ("K", ["since"], {"since": ["RANGE"]}, {}, "RELATIONSHIP", "OPERATIONAL"),
        ],
    )
    constraints = QueryResult(
        ("type", "label", "properties", "entitytype", "status"),
        [("UNIQUE", "P", ["email"], "NODE", "OPERATIONAL")],
    )
    specs = D.parse_indexes([indexes, constraints])
    assert specs == [
        IndexSpec("P", "email", "UNIQUE"),
        IndexSpec("P", "bio", "FULLTEXT"),
        IndexSpec("P", "v", "VECTOR"),
        IndexSpec("K", "since", "RANGE", "edge"),
    ]
    assert (specs[2].dimension, specs[2].similarity) == (2, "cosine")


def test_pending_until_operational_and_failed_is_an_error() -> None:
    cols = ("label", "properties", "types", "options", "entitytype", "status")
    building = QueryResult(cols, [("P", ["a"], {}, {}, "NODE", "UNDER CONSTRUCTION")])
    done = QueryResult(cols, [("P", ["a"], {}, {}, "NODE", "OPERATIONAL")])
    assert D.indexes_pending([building, QueryResult(("status",), [])])
    assert not D.indexes_pending([done, QueryResult(("status",), [])])
    failed = QueryResult(("status",), [("FAILED",)])
    with pytest.raises(QueryExecutionError, match="failed to build"):
        D.indexes_pending([done, failed])


def test_the_managers_take_a_raw_falkordb_graph_handle(raw_graph: object) -> None:
    from runic.migrate import IndexManager, SchemaManager
    from runic.ogm import Field, Node
    from runic.ogm.core import metadata
    from runic.ogm.core.metadata import MetaData

    saved = metadata.default_metadata.snapshot()
    metadata.default_metadata.restore(MetaData().snapshot())
    try:

        class Raw(Node, labels=["Raw"]):
            id: str = Field(primary_key=True)
            n: int = Field(default=0, index=True)

        schema = SchemaManager(raw_graph)
        assert len(schema.validate_schema([Raw]).missing_indexes) == 2
        assert [d.text for d in IndexManager(raw_graph).create_indexes(Raw)][-1] == (
            "CREATE INDEX FOR (n:`Raw`) ON (n.`n`)"
        )
        assert schema.validate_schema([Raw]).is_valid
        IndexManager(raw_graph).ensure_indexes(Raw)  # nothing left: no error
        assert sorted(s.index_type for s in schema.list_indexes()) == ["RANGE", "UNIQUE"]
    finally:
        metadata.default_metadata.restore(saved)
