"""The statements the session reads with: look-ups by key or id, eager fetches.

Pure code. Eager loading uses one ``OPTIONAL MATCH ... WITH n, collect(..)`` stage
per relation, so fetching several relations never multiplies rows.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any, cast

from runic.ogm.core.types import unwrap_optional
from runic.ogm.exceptions import FieldValidationError
from runic.ogm.identifiers import escape
from runic.ogm.session.ops import Statement

if TYPE_CHECKING:
    from runic.ogm.core.descriptors import FieldDescriptor
    from runic.ogm.core.metadata import NodeMeta
    from runic.ogm.dialect import GraphDialect

__all__ = [
    "by_ids_statement",
    "check_pk_type",
    "find_all_statement",
    "get_statement",
    "relation_statement",
]

_SIMPLE_TYPES = (str, int, float, bool, bytes)


def check_pk_type(meta: NodeMeta, pk: Any) -> None:
    """Raise :class:`FieldValidationError` for a key of the wrong type."""
    desc = meta.fields[meta.pk_field_name or ""]
    if pk is None:
        raise FieldValidationError(f"{meta.cls.__name__}.{desc.name}: primary key must not be None")
    expected = unwrap_optional(desc.python_type)
    if desc.generated or not isinstance(expected, type) or expected not in _SIMPLE_TYPES:
        return
    ok = isinstance(pk, expected) and not (expected is int and isinstance(pk, bool))
    if expected is float and isinstance(pk, int) and not isinstance(pk, bool):
        ok = True
    if not ok:
        raise FieldValidationError(
            f"{meta.cls.__name__}.{desc.name} takes {expected.__name__} values; got "
            f"{type(pk).__name__} {pk!r}"
        )


def _labels(dialect: GraphDialect | None, labels: tuple[str, ...]) -> str:
    """The label part of a node pattern (``:`A`:`B``` unless the dialect emulates labels)."""
    if dialect is None:
        from runic.ogm.dialect import default_dialect

        dialect = default_dialect()
    return dialect.render_labels(labels)


def _pattern(direction: str, rel: str) -> str:
    if direction == "OUTGOING":
        return f"-[:{rel}]->"
    if direction == "INCOMING":
        return f"<-[:{rel}]-"
    return f"-[:{rel}]-"


def _fetch_stages(
    dialect: GraphDialect, meta: NodeMeta, fetch: Sequence[str]
) -> tuple[str, list[FieldDescriptor], list[str]]:
    descs: list[FieldDescriptor] = []
    for name in fetch:
        desc = meta.relations.get(name)
        if desc is None:
            raise FieldValidationError(
                f"fetch: {meta.cls.__name__} has no relation {name!r}; its relations are: "
                f"{', '.join(meta.relations) or '(none)'}"
            )
        descs.append(desc)
    text = ""
    carried: list[str] = []
    for index, desc in enumerate(descs):
        target = desc.resolve_target().__runic_meta__
        var = f"f{index}"
        rel = escape(desc.relationship or "")
        text += (
            f" OPTIONAL MATCH (n){_pattern(desc.direction or 'OUTGOING', rel)}"
            f"({var}{_labels(dialect, target.labels)})"
            f" WITH n, {''.join(c + ', ' for c in carried)}collect({var}) AS {var}"
        )
        carried.append(var)
    return text, descs, carried


def _pk_expr(dialect: GraphDialect, meta: NodeMeta) -> str:
    desc = meta.fields[meta.pk_field_name or ""]
    if desc.generated:
        return dialect.node_id_expr("n")
    return f"n.{escape(desc.graph_name)}"


def get_statement(
    dialect: GraphDialect, meta: NodeMeta, pk: Any, fetch: Sequence[str]
) -> tuple[Statement, list[FieldDescriptor]]:
    """``MATCH`` one node of ``meta`` by primary key, with eager relations."""
    # dialects hash by identity (the protocol does not say so, hence the cast)
    cypher, columns, descs = _get_text(cast("Hashable", dialect), meta, tuple(fetch))
    desc = meta.fields[meta.pk_field_name or ""]
    value = desc.converter.to_graph(pk) if desc.converter is not None else pk
    return Statement(cypher, {"pk": value}, columns), list(descs)


@functools.lru_cache(maxsize=512)
def _get_text(
    dialect: GraphDialect, meta: NodeMeta, fetch: tuple[str, ...]
) -> tuple[str, tuple[str, ...], tuple[FieldDescriptor, ...]]:
    """The text of :func:`get_statement` (the same for every key: built once)."""
    stages, descs, carried = _fetch_stages(dialect, meta, fetch)
    desc = meta.fields[meta.pk_field_name or ""]
    if desc.generated:
        match = f"MATCH (n{_labels(dialect, meta.labels)}) WHERE {dialect.node_id_expr('n')} = $pk"
    else:
        match = dialect.render_key_match("n", meta.labels, escape(desc.graph_name), "$pk")
    cypher = f"{match}{stages} RETURN n{''.join(', ' + c for c in carried)}"
    return cypher, ("n", *carried), tuple(descs)


def find_all_statement(
    dialect: GraphDialect,
    meta: NodeMeta,
    fetch: Sequence[str],
    *,
    skip: int = 0,
    limit: int | None = None,
    ids: Sequence[Any] | None = None,
) -> tuple[Statement, list[FieldDescriptor]]:
    """Every node of ``meta`` (or those with the given keys), paginated and eager-loaded."""
    stages, descs, carried = _fetch_stages(dialect, meta, fetch)
    params: dict[str, Any] = {}
    cypher = f"MATCH (n{_labels(dialect, meta.labels)})"
    if ids is not None:
        if meta.pk_field_name is None:
            raise FieldValidationError(f"{meta.cls.__name__} has no primary key")
        pk_desc = meta.fields[meta.pk_field_name]
        expected = unwrap_optional(pk_desc.python_type)
        exact = expected if isinstance(expected, type) and expected in _SIMPLE_TYPES else None
        for pk in ids:
            if type(pk) is not exact:  # a key of exactly the declared type passes
                check_pk_type(meta, pk)
        conv = pk_desc.converter
        params["ids"] = [conv.to_graph(v) for v in ids] if conv is not None else list(ids)
        cypher += f" WHERE {_pk_expr(dialect, meta)} IN $ids"
    order = ""
    if skip or limit is not None:
        if skip < 0 or (limit is not None and limit < 0):
            raise FieldValidationError("skip and limit must not be negative")
        order = _pk_expr(dialect, meta) if meta.pk_field_name else dialect.node_id_expr("n")
        cypher += f" WITH n ORDER BY {order}"
        if skip:
            cypher += " SKIP $skip"
            params["skip"] = skip
        if limit is not None:
            cypher += " LIMIT $limit"
            params["limit"] = limit
    cypher += f"{stages} RETURN n{''.join(', ' + c for c in carried)}"
    if order and stages:
        cypher += f" ORDER BY {order}"  # the fetch stages aggregate: order the page again
    return Statement(cypher, params, ("n", *carried)), descs


def relation_statement(
    dialect: GraphDialect, desc: FieldDescriptor, graph_ids: list[Any]
) -> Statement:
    """Targets of one relation for many source nodes: rows ``(source id, [targets])``."""
    target = desc.resolve_target().__runic_meta__
    rel = escape(desc.relationship or "")
    nid = dialect.node_id_expr("n")
    pattern = _pattern(desc.direction or "OUTGOING", rel)
    cypher = (
        f"UNWIND $ids AS i MATCH (n) WHERE {nid} = i "
        f"OPTIONAL MATCH (n){pattern}(m{_labels(dialect, target.labels)}) "
        "RETURN i, collect(m) AS m"
    )
    return Statement(cypher, {"ids": graph_ids}, ("i", "m"))


def by_ids_statement(dialect: GraphDialect, graph_ids: list[Any]) -> Statement:
    """Nodes by backend id."""
    nid = dialect.node_id_expr("n")
    return Statement(
        f"UNWIND $ids AS i MATCH (n) WHERE {nid} = i RETURN n", {"ids": graph_ids}, ("n",)
    )


def count_statement(meta: NodeMeta, dialect: GraphDialect | None = None) -> Statement:
    """``count`` of the nodes of ``meta``."""
    return Statement(f"MATCH (n{_labels(dialect, meta.labels)}) RETURN count(n) AS c", {}, ("c",))


def exists_statement(dialect: GraphDialect, meta: NodeMeta, pk: Any) -> Statement:
    """Whether a node with primary key ``pk`` exists."""
    check_pk_type(meta, pk)
    desc = meta.fields[meta.pk_field_name or ""]
    value = desc.converter.to_graph(pk) if desc.converter is not None else pk
    return Statement(
        f"MATCH (n{_labels(dialect, meta.labels)}) WHERE {_pk_expr(dialect, meta)} = $pk "
        "RETURN count(n) AS c",
        {"pk": value},
        ("c",),
    )


def existing_keys_statement(
    keys: dict[tuple[str, str], list[Any]], dialect: GraphDialect | None = None
) -> Statement | None:
    """Which of the given primary keys already exist; one column per primary label."""
    if not keys:
        return None
    parts: list[str] = []
    params: dict[str, Any] = {}
    carried: list[str] = []
    columns: list[str] = []
    for index, ((label, prop), values) in enumerate(keys.items()):
        params[f"k{index}"] = values
        prop_ref = f"n{index}.{escape(prop)}"
        keep = "".join(f"{c}, " for c in carried)
        parts.append(
            f"OPTIONAL MATCH (n{index}{_labels(dialect, (label,))}) "
            f"WHERE {prop_ref} IN $k{index} "
            f"WITH {keep}collect({prop_ref}) AS d{index}"
        )
        carried.append(f"d{index}")
        columns.append(label)
    returns = ", ".join(f"{c} AS {escape(col)}" for c, col in zip(carried, columns, strict=True))
    return Statement(" ".join(parts) + f" RETURN {returns}", params, tuple(columns))
