"""AGE schema DDL: PostgreSQL indexes on the graph's label tables.

A label ``L`` of graph ``g`` is the table ``"g"."L"`` with an agtype
``properties`` column. A RANGE spec is a btree index on
``agtype_access_operator(VARIADIC ARRAY[properties, '"p"'::agtype])``, the
expression AGE compiles ``n.p`` to; a UNIQUE spec is the same index declared
``UNIQUE``, which PostgreSQL enforces on every write. Label tables are created
on demand (``create_vlabel`` / ``create_elabel``). Fulltext and vector indexes
have no sound mapping without pg_trgm/pgvector: UnsupportedFeatureError.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import UnsupportedFeatureError
from runic.ogm.schema._support import index_name
from runic.ogm.schema.ir import DDL, CreateEntityType, CreateIndex, DropIndex
from runic.ogm.schema.specs import EntityKind, IndexKind, IndexSpec

__all__ = ["create", "drop", "entity_type", "listing", "parse"]

BACKEND = "age"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _expr(prop: str) -> str:
    key = _literal(json.dumps(prop))
    return f"agtype_access_operator(VARIADIC ARRAY[properties, {key}::agtype])"


def create(op: CreateIndex, graph: str) -> list[DDL]:
    """``CREATE [UNIQUE] INDEX IF NOT EXISTS runic_... ON "g"."L" (<access expr>)``."""
    spec = op.spec
    if spec.index_type in ("FULLTEXT", "VECTOR"):
        raise UnsupportedFeatureError(
            BACKEND,
            f"a {spec.index_type} index",
            "AGE has no fulltext or vector index (pg_trgm/pgvector are not mapped); "
            "filter with contains()/=~ or keep vectors in another store",
        )
    out = entity_type(CreateEntityType(spec.label, spec.entity), graph)
    unique = "UNIQUE " if spec.index_type == "UNIQUE" else ""
    exists = "IF NOT EXISTS " if op.if_not_exists else ""
    out.append(
        DDL(
            f"CREATE {unique}INDEX {exists}{_ident(index_name(spec))} "
            f"ON {_ident(graph)}.{_ident(spec.label)} ({_expr(spec.property)})",
            "sql",
        )
    )
    return out


def drop(op: DropIndex, graph: str) -> list[DDL]:
    """``DROP INDEX IF EXISTS "g"."name"``."""
    name = op.spec.name or index_name(op.spec)
    exists = "IF EXISTS " if op.if_exists else ""
    return [DDL(f"DROP INDEX {exists}{_ident(graph)}.{_ident(name)}", "sql")]


def entity_type(op: CreateEntityType, graph: str) -> list[DDL]:
    """``SELECT create_vlabel('g', 'L')`` (or ``create_elabel``) unless the label exists."""
    fn = "create_elabel" if op.entity == "edge" else "create_vlabel"
    return [
        DDL(
            f"SELECT ag_catalog.{fn}({_literal(graph)}, {_literal(op.label)}) "
            "WHERE NOT EXISTS (SELECT 1 FROM ag_catalog.ag_label l "
            "JOIN ag_catalog.ag_graph g ON g.graphid = l.graph "
            f"WHERE g.name = {_literal(graph)} AND l.name = {_literal(op.label)})",
            "sql",
        )
    ]


def listing(graph: str) -> list[DDL]:
    """The indexes of the graph's label tables, with each table's kind (v/e)."""
    return [
        DDL(
            "SELECT i.indexname, i.indexdef, l.name, l.kind FROM pg_indexes i "
            "JOIN ag_catalog.ag_graph g ON g.name = i.schemaname "
            "JOIN ag_catalog.ag_label l ON l.graph = g.graphid AND l.name = i.tablename "
            f"WHERE i.schemaname = {_literal(graph)} ORDER BY i.indexname",
            "sql",
            columns=("indexname", "indexdef", "label", "kind"),
        )
    ]


_DEF = re.compile(
    r"CREATE (UNIQUE )?INDEX .* USING btree \(agtype_access_operator\(VARIADIC "
    r"ARRAY\[properties, '(\"(?:[^\"\\]|\\.)*\")'::agtype\]\)\)\Z"
)


def parse(results: Sequence[QueryResult]) -> list[IndexSpec]:
    """Specs for the indexes on a property's access expression; others are not listed."""
    specs: list[IndexSpec] = []
    for name, definition, label, kind in results[0].rows:
        match = _DEF.search(str(definition))
        if match is None:
            continue
        entity: EntityKind = "edge" if kind == "e" else "node"
        prop = json.loads(match.group(2))
        index_type: IndexKind = "UNIQUE" if match.group(1) else "RANGE"
        specs.append(IndexSpec(str(label), prop, index_type, entity, name=str(name)))
    return specs
