"""Schema DDL compiled by the Bolt dialects: exact text (compile level) and read-back parsing."""

from __future__ import annotations

import pytest

from runic.bolt.dialect import ArcadeDBDialect, MemgraphDialect, Neo4jDialect
from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import MetadataError, UnsupportedFeatureError
from runic.ogm.schema import CreateIndex, DropIndex, IndexSpec, IndexStatus, ListIndexes


def texts(dialect: object, op: object) -> list[str]:
    return [d.text for d in dialect.compile_schema(op)]  # type: ignore[attr-defined]


NEO = Neo4jDialect()
MG = MemgraphDialect()
ARC = ArcadeDBDialect()


def test_neo4j_range_unique_and_edge_indexes() -> None:
    assert texts(NEO, CreateIndex(IndexSpec("Person", "age", "RANGE"))) == [
        "CREATE INDEX `runic_idx_Person_age` IF NOT EXISTS FOR (n:`Person`) ON (n.`age`)"
    ]
    assert texts(NEO, CreateIndex(IndexSpec("Person", "email", "UNIQUE"))) == [
        "CREATE CONSTRAINT `runic_uniq_Person_email` IF NOT EXISTS "
        "FOR (n:`Person`) REQUIRE n.`email` IS UNIQUE"
    ]
    assert texts(NEO, CreateIndex(IndexSpec("KNOWS", "since", "RANGE", "edge"))) == [
        "CREATE INDEX `runic_idx_e_KNOWS_since` IF NOT EXISTS FOR ()-[n:`KNOWS`]-() ON (n.`since`)"
    ]
    assert texts(NEO, CreateIndex(IndexSpec("Person", "first name", "RANGE"), False)) == [
        "CREATE INDEX `runic_idx_Person_first name` FOR (n:`Person`) ON (n.`first name`)"
    ]


def test_neo4j_one_fulltext_index_per_label_and_vector_options() -> None:
    op = CreateIndex(IndexSpec("Doc", "title", "FULLTEXT"), properties=("title", "body"))
    assert texts(NEO, op) == [
        "CREATE FULLTEXT INDEX `runic_ft_Doc` IF NOT EXISTS "
        "FOR (n:`Doc`) ON EACH [n.`title`, n.`body`]"
    ]
    spec = IndexSpec("Doc", "emb", "VECTOR", dimension=768, similarity="euclidean")
    assert texts(NEO, CreateIndex(spec)) == [
        "CREATE VECTOR INDEX `runic_vec_Doc_emb` IF NOT EXISTS FOR (n:`Doc`) ON (n.`emb`) "
        "OPTIONS {indexConfig: {`vector.dimensions`: 768, "
        "`vector.similarity_function`: 'euclidean'}}"
    ]
    with pytest.raises(MetadataError, match="vector_dimension=N"):
        NEO.compile_schema(CreateIndex(IndexSpec("Doc", "emb", "VECTOR")))


def test_neo4j_drop_list_and_status() -> None:
    assert texts(NEO, DropIndex(IndexSpec("P", "a", "RANGE", name="idx1"))) == [
        "DROP INDEX `idx1` IF EXISTS"
    ]
    assert texts(NEO, DropIndex(IndexSpec("P", "a", "UNIQUE"))) == [
        "DROP CONSTRAINT `runic_uniq_P_a` IF EXISTS"
    ]
    assert texts(NEO, ListIndexes()) == [
        "SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, owningConstraint "
        "RETURN name, type, entityType, labelsOrTypes, properties, owningConstraint",
        "SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties "
        "RETURN name, type, entityType, labelsOrTypes, properties",
    ]
    assert texts(NEO, IndexStatus()) == ["SHOW INDEXES YIELD state RETURN state"]
    assert NEO.indexes_pending([QueryResult(("state",), [("ONLINE",), ("POPULATING",)])])
    assert not NEO.indexes_pending([QueryResult(("state",), [("ONLINE",)])])


def test_neo4j_parsing_folds_constraint_indexes_and_splits_fulltext() -> None:
    indexes = QueryResult(
        ("name", "type", "entityType", "labelsOrTypes", "properties", "owningConstraint"),
        [
            ("idx_lookup", "LOOKUP", "NODE", None, None, None),
            ("u", "RANGE", "NODE", ["P"], ["email"], "u_c"),
            ("r", "RANGE", "RELATIONSHIP", ["K"], ["since"], None),
            ("ft", "FULLTEXT", "NODE", ["Doc"], ["title", "body"], None),
            ("comp", "RANGE", "NODE", ["P"], ["a", "b"], None),
        ],
    )
    constraints = QueryResult(
        ("name", "type", "entityType", "labelsOrTypes", "properties"),
        [
            ("u_c", "UNIQUENESS", "NODE", ["P"], ["email"]),
            ("t", "NODE_PROPERTY_TYPE", "NODE", ["P"], ["email"]),
        ],
    )
    specs = NEO.parse_indexes([indexes, constraints])
    assert specs == [
        IndexSpec("P", "email", "UNIQUE"),
        IndexSpec("K", "since", "RANGE", "edge"),
        IndexSpec("Doc", "title", "FULLTEXT"),
        IndexSpec("Doc", "body", "FULLTEXT"),
    ]
    assert [s.name for s in specs] == ["u_c", "r", "ft", "ft"]


def test_memgraph_ddl_text() -> None:
    assert texts(MG, CreateIndex(IndexSpec("Person", "age", "RANGE"))) == [
        "CREATE INDEX ON :`Person`(`age`)"
    ]
    assert texts(MG, CreateIndex(IndexSpec("KNOWS", "since", "RANGE", "edge"))) == [
        "CREATE EDGE INDEX ON :`KNOWS`(`since`)"
    ]
    assert texts(MG, CreateIndex(IndexSpec("Person", "email", "UNIQUE"))) == [
        "CREATE CONSTRAINT ON (n:`Person`) ASSERT n.`email` IS UNIQUE"
    ]
    op = CreateIndex(IndexSpec("Doc", "title", "FULLTEXT"), properties=("title", "body"))
    assert texts(MG, op) == ["CREATE TEXT INDEX `runic_ft_Doc` ON :`Doc`(`title`, `body`)"]
    assert texts(MG, CreateIndex(IndexSpec("Doc", "emb", "VECTOR", dimension=3))) == [
        "CREATE VECTOR INDEX `runic_vec_Doc_emb` ON :`Doc`(`emb`) WITH CONFIG "
        '{"dimension": 3, "capacity": 10000, "metric": "cos"}'
    ]
    assert texts(MG, DropIndex(IndexSpec("Person", "age", "RANGE"))) == [
        "DROP INDEX ON :`Person`(`age`)"
    ]
    assert texts(MG, DropIndex(IndexSpec("Person", "email", "UNIQUE"))) == [
        "DROP CONSTRAINT ON (n:`Person`) ASSERT n.`email` IS UNIQUE"
    ]
    assert texts(MG, DropIndex(IndexSpec("Doc", "title", "FULLTEXT"))) == [
        "DROP TEXT INDEX `runic_ft_Doc`"
    ]
    assert texts(MG, ListIndexes()) == ["SHOW INDEX INFO", "SHOW CONSTRAINT INFO"]
    with pytest.raises(UnsupportedFeatureError, match="memgraph"):
        MG.compile_schema(CreateIndex(IndexSpec("K", "x", "UNIQUE", "edge")))


def test_memgraph_parsing() -> None:
    indexes = QueryResult(
        ("index type", "label", "property", "count"),
        [
            ("label", "P", None, 3),
            ("label+property", "P", "age", 3),
            ("edge-type+property", "K", "since", 1),
        ],
    )
    constraints = QueryResult(
        ("constraint type", "label", "properties"), [("unique", "P", ["email"])]
    )
    assert MG.parse_indexes([indexes, constraints]) == [
        IndexSpec("P", "email", "UNIQUE"),
        IndexSpec("P", "age", "RANGE"),
        IndexSpec("K", "since", "RANGE", "edge"),
    ]


def test_arcadedb_uses_unnamed_cypher_ddl_and_sql_for_fulltext_and_vector() -> None:
    assert texts(ARC, CreateIndex(IndexSpec("Person", "age", "RANGE"))) == [
        "CREATE INDEX IF NOT EXISTS FOR (n:`Person`) ON (n.`age`)"
    ]
    assert texts(ARC, CreateIndex(IndexSpec("Person", "email", "UNIQUE"))) == [
        "CREATE CONSTRAINT IF NOT EXISTS FOR (n:`Person`) REQUIRE n.`email` IS UNIQUE"
    ]
    assert texts(ARC, DropIndex(IndexSpec("Person", "age", "RANGE", name="Person[age]"))) == [
        "DROP INDEX `Person[age]` IF EXISTS"
    ]
    op = CreateIndex(IndexSpec("Doc", "title", "FULLTEXT"), properties=("title", "body"))
    ddls = ARC.compile_schema(op)
    assert {d.language for d in ddls} == {"sql"}  # ArcadeDB SQL, sent over its HTTP API
    assert [d.text for d in ddls] == ARC.fulltext_index_sql("Doc", ("title", "body"))
    assert ddls[-1].text == "CREATE INDEX IF NOT EXISTS ON `Doc` (`title`, `body`) FULL_TEXT"
    spec = IndexSpec("Doc", "emb", "VECTOR", dimension=2, similarity="euclidean")
    assert [d.text for d in ARC.compile_schema(CreateIndex(spec))][-1] == (
        "CREATE INDEX IF NOT EXISTS ON `Doc` (`emb`) LSM_VECTOR METADATA "
        '{"dimensions": 2, "similarity": "EUCLIDEAN"}'
    )
    with pytest.raises(UnsupportedFeatureError, match="relationships"):
        ARC.compile_schema(CreateIndex(IndexSpec("K", "t", "FULLTEXT", "edge")))
