"""FalkorDB schema DDL: indexes through Cypher, unique constraints through ``GRAPH.CONSTRAINT``.

A unique constraint needs a range index on the same property first; both are
created by one :class:`~runic.ogm.schema.ir.CreateIndex` of a UNIQUE spec, and
the range index backing a constraint is not reported as a separate index.
FalkorDB builds indexes and constraints in the background:
:func:`status` reads what is still pending.
"""

from __future__ import annotations

from collections.abc import Sequence

from runic.ogm.driver.results import QueryResult
from runic.ogm.identifiers import escape
from runic.ogm.schema._support import vector_options
from runic.ogm.schema.ir import DDL, CreateIndex, DropIndex
from runic.ogm.schema.specs import EntityKind, IndexSpec

__all__ = ["create", "drop", "listing", "parse", "pending", "status"]

_ALREADY = ("already indexed", "already exists")


def _target(spec: IndexSpec) -> tuple[str, str]:
    """``(n:`L`)`` or ``()-[n:`T`]-()``, and ``n.`p```."""
    lbl = escape(spec.label)
    pattern = f"()-[n:{lbl}]-()" if spec.is_edge else f"(n:{lbl})"
    return pattern, f"n.{escape(spec.property)}"


def _literal(name: str) -> str:
    return "'" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _constraint(action: str, spec: IndexSpec, graph: str) -> DDL:
    words = (
        "GRAPH.CONSTRAINT",
        action,
        graph,
        "UNIQUE",
        "RELATIONSHIP" if spec.is_edge else "NODE",
        spec.label,
        "PROPERTIES",
        "1",
        spec.property,
    )
    return DDL(" ".join(words), "command", words)


def create(op: CreateIndex, graph: str) -> list[DDL]:
    """The statements creating ``op.spec`` (a UNIQUE spec: range index, then constraint)."""
    spec = op.spec
    pattern, prop = _target(spec)
    if spec.index_type in ("RANGE", "UNIQUE"):
        out = [DDL(f"CREATE INDEX FOR {pattern} ON ({prop})", ignore_errors=_ALREADY)]
        if spec.index_type == "UNIQUE":
            out.append(_constraint("CREATE", spec, graph))
        return out
    if spec.index_type == "FULLTEXT":
        if spec.is_edge:
            text = f"CREATE FULLTEXT INDEX FOR {pattern} ON ({prop})"
            return [DDL(text, ignore_errors=_ALREADY)]
        args = ", ".join(_literal(p) for p in (spec.label, *op.all_properties))
        return [DDL(f"CALL db.idx.fulltext.createNodeIndex({args})", ignore_errors=_ALREADY)]
    dimension, similarity = vector_options(spec, "falkordb")
    return [
        DDL(
            f"CREATE VECTOR INDEX FOR {pattern} ON ({prop}) "
            f"OPTIONS {{dimension: {dimension}, similarityFunction: {_literal(similarity)}}}",
            ignore_errors=_ALREADY,
        )
    ]


def drop(op: DropIndex, graph: str) -> list[DDL]:
    """The statements dropping ``op.spec`` (a UNIQUE spec: constraint, then its range index)."""
    spec = op.spec
    pattern, prop = _target(spec)
    if spec.index_type == "UNIQUE":
        return [_constraint("DROP", spec, graph), DDL(f"DROP INDEX FOR {pattern} ON ({prop})")]
    kind = {"RANGE": "", "FULLTEXT": "FULLTEXT ", "VECTOR": "VECTOR "}[spec.index_type]
    return [DDL(f"DROP {kind}INDEX FOR {pattern} ON ({prop})")]


_INDEXES = DDL(
    "CALL db.indexes() YIELD label, properties, types, options, entitytype, status "
    "RETURN label, properties, types, options, entitytype, status",
    columns=("label", "properties", "types", "options", "entitytype", "status"),
)
_CONSTRAINTS = DDL(
    "CALL db.constraints() YIELD type, label, properties, entitytype, status "
    "RETURN type, label, properties, entitytype, status",
    columns=("type", "label", "properties", "entitytype", "status"),
)


def listing() -> list[DDL]:
    """``db.indexes()`` and ``db.constraints()``."""
    return [_INDEXES, _CONSTRAINTS]


def status() -> list[DDL]:
    """The same two listings: their ``status`` columns tell what is still being built."""
    return [_INDEXES, _CONSTRAINTS]


def parse(results: Sequence[QueryResult]) -> list[IndexSpec]:
    """Specs from the two listings; a range index backing a unique constraint is folded in."""
    indexes, constraints = results
    specs: list[IndexSpec] = []
    unique: set[tuple[str, str, str]] = set()
    for kind, label, props, entity_type, _status in constraints.rows:
        if kind != "UNIQUE" or len(props) != 1:
            continue
        entity: EntityKind = "edge" if entity_type == "RELATIONSHIP" else "node"
        unique.add((label, props[0], entity))
        specs.append(IndexSpec(label, props[0], "UNIQUE", entity))
    for label, props, types, options, entity_type, _status in indexes.rows:
        kind_of: EntityKind = "edge" if entity_type == "RELATIONSHIP" else "node"
        for prop in props:
            for kind in types.get(prop, ()):
                if kind == "RANGE" and (label, prop, kind_of) in unique:
                    continue
                opts = (options or {}).get(prop) or {}
                specs.append(
                    IndexSpec(
                        label,
                        prop,
                        kind,
                        kind_of,
                        dimension=opts.get("dimension"),
                        similarity=opts.get("similarityFunction"),
                    )
                )
    return specs


def pending(results: Sequence[QueryResult]) -> bool:
    """True while an index or a constraint is not yet ``OPERATIONAL``."""
    for result in results:
        statuses = result.column("status")
        if any(s == "FAILED" for s in statuses):
            from runic.ogm.exceptions import QueryExecutionError

            raise QueryExecutionError("an index or constraint failed to build", backend="falkordb")
        if any(s != "OPERATIONAL" for s in statuses):
            return True
    return False
