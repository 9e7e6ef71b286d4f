"""Schema DDL for the Bolt backends: Neo4j 5 (the reference), Memgraph, ArcadeDB.

* Neo4j: named ``CREATE INDEX/CONSTRAINT ... IF NOT EXISTS``, one fulltext index
  per label over all its FULLTEXT fields, vector indexes with their options;
  ``SHOW INDEXES`` / ``SHOW CONSTRAINTS`` read back (an index owned by a
  constraint is not reported on its own).
* ArcadeDB: the same Cypher for range indexes and unique constraints (ArcadeDB
  names them ``Label[prop]`` / ``constraint_Label_prop_unique`` itself, and
  creates the type when it is missing); fulltext and vector indexes exist only in
  ArcadeDB SQL, which Bolt does not carry (see ``ArcadeDBDialect.fulltext_index_sql``).
* Memgraph: ``CREATE INDEX ON :L(p)``, ``CREATE CONSTRAINT ON (n:L) ASSERT ...``,
  ``SHOW INDEX INFO`` / ``SHOW CONSTRAINT INFO``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import UnsupportedFeatureError
from runic.ogm.identifiers import escape
from runic.ogm.schema._support import index_name, vector_options
from runic.ogm.schema.ir import DDL, CreateIndex, DropIndex
from runic.ogm.schema.specs import EntityKind, IndexKind, IndexSpec

if TYPE_CHECKING:
    from runic.bolt.dialect import ArcadeDBDialect, BoltDialect, MemgraphDialect

__all__ = [
    "arcadedb_create",
    "memgraph_create",
    "memgraph_drop",
    "memgraph_listing",
    "memgraph_parse",
    "neo4j_create",
    "neo4j_drop",
    "neo4j_listing",
    "neo4j_parse",
    "neo4j_pending",
]


def _pattern(spec: IndexSpec) -> str:
    lbl = escape(spec.label)
    return f"()-[n:{lbl}]-()" if spec.is_edge else f"(n:{lbl})"


def _entity(value: Any) -> EntityKind:
    return "edge" if value == "RELATIONSHIP" else "node"


# -- Neo4j (and ArcadeDB) ----------------------------------------------------------------


def neo4j_create(dialect: BoltDialect, op: CreateIndex, *, named: bool = True) -> list[DDL]:
    """``CREATE INDEX|CONSTRAINT [name] IF NOT EXISTS FOR ... ON|REQUIRE ...``."""
    spec = op.spec
    pattern, prop = _pattern(spec), f"n.{escape(spec.property)}"
    name = f"{escape(index_name(spec))} " if named else ""
    exists = "IF NOT EXISTS " if op.if_not_exists else ""
    if spec.index_type == "RANGE":
        return [DDL(f"CREATE INDEX {name}{exists}FOR {pattern} ON ({prop})")]
    if spec.index_type == "UNIQUE":
        return [DDL(f"CREATE CONSTRAINT {name}{exists}FOR {pattern} REQUIRE {prop} IS UNIQUE")]
    if spec.is_edge:
        raise UnsupportedFeatureError(
            dialect.name, f"a {spec.index_type} index on relationships through runic.migrate"
        )
    if spec.index_type == "FULLTEXT":
        return [DDL(dialect.create_fulltext_index_ddl(spec.label, op.all_properties))]
    dimension, similarity = vector_options(spec, dialect.name)
    text = dialect.create_vector_index_ddl(
        spec.label,
        spec.property,
        dimension=dimension,
        similarity="euclidean" if similarity == "euclidean" else "cosine",
    )
    return [DDL(text)]


def neo4j_drop(op: DropIndex) -> list[DDL]:
    """``DROP INDEX|CONSTRAINT name IF EXISTS`` (the name as read back)."""
    spec = op.spec
    kind = "CONSTRAINT" if spec.index_type == "UNIQUE" else "INDEX"
    exists = " IF EXISTS" if op.if_exists else ""
    return [DDL(f"DROP {kind} {escape(spec.name or index_name(spec))}{exists}")]


_SHOW_INDEXES = DDL(
    "SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties, owningConstraint "
    "RETURN name, type, entityType, labelsOrTypes, properties, owningConstraint",
    columns=("name", "type", "entityType", "labelsOrTypes", "properties", "owningConstraint"),
)
_SHOW_CONSTRAINTS = DDL(
    "SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties "
    "RETURN name, type, entityType, labelsOrTypes, properties",
    columns=("name", "type", "entityType", "labelsOrTypes", "properties"),
)
_STATES = DDL("SHOW INDEXES YIELD state RETURN state", columns=("state",))

_INDEX_KINDS: dict[str, IndexKind] = {"RANGE": "RANGE", "FULLTEXT": "FULLTEXT", "VECTOR": "VECTOR"}
_UNIQUE_KINDS = ("UNIQUENESS", "NODE_PROPERTY_UNIQUENESS", "RELATIONSHIP_UNIQUENESS")


def neo4j_listing() -> list[DDL]:
    """``SHOW INDEXES`` and ``SHOW CONSTRAINTS``."""
    return [_SHOW_INDEXES, _SHOW_CONSTRAINTS]


def neo4j_status() -> list[DDL]:
    """``SHOW INDEXES YIELD state``."""
    return [_STATES]


def neo4j_pending(results: Sequence[QueryResult]) -> bool:
    """True while an index is ``POPULATING``."""
    return any(state == "POPULATING" for state in results[0].column(0))


def neo4j_parse(results: Sequence[QueryResult]) -> list[IndexSpec]:
    """Specs from ``SHOW INDEXES`` / ``SHOW CONSTRAINTS`` (one per property of an index)."""
    indexes, constraints = results
    specs: list[IndexSpec] = []
    for name, kind, entity_type, labels, props in constraints.rows:
        if kind in _UNIQUE_KINDS and labels and props and len(props) == 1:
            specs.append(IndexSpec(labels[0], props[0], "UNIQUE", _entity(entity_type), name=name))
    for name, kind, entity_type, labels, props, owner in indexes.rows:
        index_type = _INDEX_KINDS.get(kind)
        if index_type is None or owner is not None or not labels or not props:
            continue
        if index_type != "FULLTEXT" and len(props) != 1:
            continue  # a composite index: not something runic declares
        for prop in props:
            specs.append(IndexSpec(labels[0], prop, index_type, _entity(entity_type), name=name))
    return specs


def arcadedb_create(dialect: ArcadeDBDialect, op: CreateIndex) -> list[DDL]:
    """Unnamed Cypher for RANGE/UNIQUE; ArcadeDB SQL for FULLTEXT/VECTOR (sent over HTTP)."""
    spec = op.spec
    if spec.index_type not in ("FULLTEXT", "VECTOR"):
        return neo4j_create(dialect, op, named=False)
    if spec.is_edge:
        raise UnsupportedFeatureError(
            dialect.name, f"a {spec.index_type} index on relationships through runic.migrate"
        )
    if spec.index_type == "FULLTEXT":
        sql = dialect.fulltext_index_sql(spec.label, op.all_properties)
    else:
        dimension, similarity = vector_options(spec, dialect.name)
        sql = dialect.vector_index_sql(
            spec.label,
            spec.property,
            dimension=dimension,
            similarity="euclidean" if similarity == "euclidean" else "cosine",
        )
    return [DDL(text, "sql") for text in sql]


# -- Memgraph -----------------------------------------------------------------------------


def memgraph_create(dialect: MemgraphDialect, op: CreateIndex) -> list[DDL]:
    """``CREATE [EDGE] INDEX ON :L(p)``, ``CREATE CONSTRAINT ON (n:L) ASSERT n.p IS UNIQUE``."""
    spec = op.spec
    lbl, prp = escape(spec.label), escape(spec.property)
    if spec.index_type == "RANGE":
        edge = "EDGE " if spec.is_edge else ""
        return [DDL(f"CREATE {edge}INDEX ON :{lbl}({prp})")]
    if spec.is_edge:
        raise UnsupportedFeatureError(
            dialect.name, f"a {spec.index_type} constraint or index on relationships"
        )
    if spec.index_type == "UNIQUE":
        return [DDL(dialect.create_unique_constraint_ddl(spec.label, spec.property))]
    if spec.index_type == "FULLTEXT":
        return [DDL(dialect.create_fulltext_index_ddl(spec.label, op.all_properties))]
    dimension, similarity = vector_options(spec, dialect.name)
    return [
        DDL(
            dialect.create_vector_index_ddl(
                spec.label,
                spec.property,
                dimension=dimension,
                similarity="euclidean" if similarity == "euclidean" else "cosine",
            )
        )
    ]


def memgraph_drop(dialect: MemgraphDialect, op: DropIndex) -> list[DDL]:
    """The ``DROP`` matching each ``CREATE`` of :func:`memgraph_create`."""
    spec = op.spec
    lbl, prp = escape(spec.label), escape(spec.property)
    if spec.index_type == "RANGE":
        edge = "EDGE " if spec.is_edge else ""
        return [DDL(f"DROP {edge}INDEX ON :{lbl}({prp})")]
    if spec.index_type == "UNIQUE":
        return [DDL(f"DROP CONSTRAINT ON (n:{lbl}) ASSERT n.{prp} IS UNIQUE")]
    if spec.index_type == "FULLTEXT":
        name = spec.name or dialect.fulltext_index_name(spec.label)
        return [DDL(f"DROP TEXT INDEX {escape(name)}")]
    name = spec.name or dialect.vector_index_name(spec.label, spec.property)
    return [DDL(f"DROP VECTOR INDEX {escape(name)}")]


def memgraph_listing() -> list[DDL]:
    """``SHOW INDEX INFO`` and ``SHOW CONSTRAINT INFO``."""
    return [DDL("SHOW INDEX INFO"), DDL("SHOW CONSTRAINT INFO")]


def memgraph_parse(results: Sequence[QueryResult]) -> list[IndexSpec]:
    """Specs from ``SHOW INDEX INFO`` / ``SHOW CONSTRAINT INFO`` rows."""
    indexes, constraints = results
    specs: list[IndexSpec] = []
    for row in constraints.records():
        props = row.get("properties")
        if isinstance(props, str):
            props = [props]
        if row.get("constraint type") == "unique" and props and len(props) == 1:
            specs.append(IndexSpec(str(row["label"]), str(props[0]), "UNIQUE"))
    for row in indexes.records():
        kind, label, prop = row.get("index type"), row.get("label"), row.get("property")
        if isinstance(prop, list):
            prop = prop[0] if len(prop) == 1 else None
        if not label or not prop:
            continue
        if kind == "label+property":
            specs.append(IndexSpec(str(label), str(prop), "RANGE"))
        elif kind == "edge-type+property":
            specs.append(IndexSpec(str(label), str(prop), "RANGE", "edge"))
    return specs
