"""The Apache AGE Cypher dialect.

Differences from the openCypher reference dialect:

* **One label per vertex.** AGE stores each vertex label as a table, and a vertex
  has exactly one. A node with several labels is stored under its first label,
  its other labels in the ``_labels`` list property
  (:data:`~runic.age.agtype.LABELS_PROPERTY`):
  ``CREATE (n:`Location` {`_labels`: ['City']})``. A pattern asking for labels
  becomes the table label plus a property constraint, which AGE evaluates as
  containment (``age.enable_containment``, set on every connection):
  ``MATCH (n:`Location` {`_labels`: ['City']})``. The table label of a pattern
  is the first label shared by every registered model class carrying the
  asked-for labels, so querying a base class finds its subclasses' nodes and
  querying ``City`` alone still looks in the ``Location`` table. The decoder
  folds ``_labels`` back into :attr:`GraphNode.labels`.
* No fulltext or vector procedures, no ``point``/``vecf32``/``intern``
  constructors: search statements fail with
  :class:`~runic.ogm.exceptions.UnsupportedFeatureError` before anything is
  sent; vectors and points are stored as lists and maps. A converter's
  ``cypher_fn`` may name only AGE's own functions (:data:`AGE_FUNCTIONS`, e.g.
  ``toUpper``): any other name is an UnsupportedFeatureError.
* No list comprehensions and no ``ON CREATE SET``; a vertex or edge variable
  cannot be declared again in a later query part; a ``SET`` on an edge a
  ``MERGE`` just created is lost; a ``MATCH`` on a relationship type that does
  not exist yet voids the statement's earlier writes. The write compiler adapts
  through :attr:`list_comprehensions`, :attr:`edge_match`, :meth:`write_variable`,
  :meth:`render_create_node` (one inline map) and :meth:`render_merge_edge`.
* ``RETURN DISTINCT`` or aggregates with ``ORDER BY``, and reserved words as
  column names, go through a ``WITH`` stage (:meth:`render_return`).
* ``SKIP``/``LIMIT`` are parameters, so every page runs the same prepared
  statement.
* A flush inserting primary keys first takes PostgreSQL advisory locks on them
  (:meth:`render_key_lock`), held until the transaction ends: a concurrent
  transaction inserting the same key waits, and its key check then sees the node.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from runic.age import _schema
from runic.age.agtype import LABELS_PROPERTY
from runic.age.capabilities import AGE
from runic.ogm.capabilities import Capability
from runic.ogm.core.metadata import default_metadata
from runic.ogm.dialect import CompiledQuery, CypherDialect, RenderContext
from runic.ogm.exceptions import QueryBuildError, UnsupportedFeatureError
from runic.ogm.identifiers import escape, is_plain, validate_identifier
from runic.ogm.query.ir import (
    Aggregate,
    IdRef,
    Projection,
    PropRef,
    Query,
    Raw,
    ReturnClause,
    VarRef,
)
from runic.ogm.query.write import CreateNode, KeyLock, MergeEdge

if TYPE_CHECKING:
    from runic.ogm.driver.results import QueryResult
    from runic.ogm.schema.ir import DDL, CreateEntityType, CreateIndex, DropIndex
    from runic.ogm.schema.specs import IndexSpec

__all__ = ["AGE_FUNCTIONS", "KEY_LOCKS_PER_LABEL", "RESERVED_WORDS", "AGEDialect", "lock_id"]

BACKEND = "age"

#: Words AGE's Cypher parser refuses as variable names, even in backticks.
RESERVED_WORDS = frozenset(
    {
        "all",
        "analyze",
        "and",
        "as",
        "asc",
        "ascending",
        "by",
        "call",
        "case",
        "coalesce",
        "contains",
        "create",
        "delete",
        "desc",
        "descending",
        "detach",
        "distinct",
        "else",
        "end",
        "ends",
        "exists",
        "explain",
        "false",
        "in",
        "is",
        "limit",
        "match",
        "merge",
        "not",
        "null",
        "optional",
        "or",
        "order",
        "remove",
        "return",
        "set",
        "skip",
        "starts",
        "then",
        "true",
        "union",
        "unwind",
        "verbose",
        "when",
        "where",
        "with",
        "xor",
        "yield",
    }
)

#: The functions a converter's ``cypher_fn`` may name on AGE (lower case): AGE's own
#: one-value functions. AGE's Cypher calls no user-defined functions.
AGE_FUNCTIONS = frozenset(
    {
        "abs",
        "acos",
        "asin",
        "atan",
        "ceil",
        "cos",
        "cot",
        "degrees",
        "exp",
        "floor",
        "head",
        "keys",
        "last",
        "length",
        "log",
        "log10",
        "ltrim",
        "properties",
        "radians",
        "reverse",
        "round",
        "rtrim",
        "sign",
        "sin",
        "size",
        "sqrt",
        "tail",
        "tan",
        "toboolean",
        "tofloat",
        "tointeger",
        "tolower",
        "tostring",
        "toupper",
        "trim",
    }
)

# A raw projection's own alias: ``n.age + 1 AS next`` (what the core's raw_column reads).
_RAW_AS = re.compile(r"\s+AS\s+(?:`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)\s*\Z", re.IGNORECASE)

_MISSING: dict[Capability, tuple[str, str]] = {
    Capability.FULLTEXT_SEARCH: (
        "fulltext search",
        "AGE has no fulltext indexes; filter with contains()/starts_with() on the "
        "property instead, or use a backend with fulltext search (e.g. FalkorDB)",
    ),
    Capability.VECTOR_SEARCH: (
        "vector search",
        "AGE has no vector indexes; use a backend with vector search (e.g. FalkorDB)",
    ),
}


#: A flush inserting more keys of one label than this locks the whole label (one
#: exclusive lock) instead of each key (a shared lock on the label plus one per key):
#: PostgreSQL's lock table is small (``max_locks_per_transaction``).
KEY_LOCKS_PER_LABEL = 32

_LOCK_STATEMENT = (
    "UNWIND $labels AS l WITH l, CASE WHEN l[1] "
    "THEN pg_catalog.pg_advisory_xact_lock(l[0]::pg_bigint) "
    "ELSE pg_catalog.pg_advisory_xact_lock_shared(l[0]::pg_bigint) END AS _l "
    "WITH count(*) AS _c UNWIND $keys AS k "
    "WITH pg_catalog.pg_advisory_xact_lock(k::pg_bigint) AS _l RETURN count(*) AS locked"
)


def lock_id(*parts: Any) -> int:
    """A signed 64-bit advisory lock id for ``parts`` (label, property[, key value]).

    Numbers that compare equal in Cypher (``1`` and ``1.0``) get the same id.
    """
    words = []
    for part in parts:
        if isinstance(part, float) and part.is_integer():
            part = int(part)
        words.append(f"{type(part).__name__}:{part!r}")
    text = "\x1f".join(words).encode("utf-8", "surrogatepass")
    digest = hashlib.blake2b(text, digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _count(what: str, n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise QueryBuildError(f"{what} must be an integer >= 0, got {n!r}")
    return n


def string_literal(name: str, kind: str) -> str:
    """A validated label rendered as a single-quoted Cypher string literal."""
    validate_identifier(name, kind)
    return "'" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"


class AGEDialect(CypherDialect):
    """Renders runic's query IR and the session's statements for Apache AGE."""

    name = BACKEND
    capabilities = AGE
    param_functions: frozenset[str] = frozenset()
    plain_functions = frozenset({"vecf32", "point", "intern"})
    callable_functions = AGE_FUNCTIONS

    # -- capability check -----------------------------------------------------------

    def check(self, query: Query) -> None:
        """Refuse search statements; several labels are fine (they are emulated)."""
        missing = query.required_capabilities() - self.capabilities - {Capability.MULTI_LABEL}
        for capability in sorted(missing):
            feature, hint = _MISSING.get(capability, (str(capability), None))
            raise UnsupportedFeatureError(BACKEND, feature, hint)

    # -- label emulation ----------------------------------------------------------------

    def table_label(self, labels: Sequence[str]) -> str:
        """The AGE label (table) holding the vertices that carry every one of ``labels``.

        It is the first label of every registered model class carrying them all
        (or ``labels[0]`` when no class does). Classes carrying them under
        different first labels would need several tables: that raises
        :class:`UnsupportedFeatureError`.
        """
        wanted = frozenset(labels)
        firsts: dict[str, str] = {}
        for cls in default_metadata.node_classes:
            meta = cls.__runic_meta__
            if wanted <= meta.label_set:
                firsts.setdefault(meta.labels[0], cls.__qualname__)
        if not firsts:
            return labels[0]
        if len(firsts) == 1:
            return next(iter(firsts))
        shown = ", ".join(f"{c} (first label {label!r})" for label, c in sorted(firsts.items()))
        raise UnsupportedFeatureError(
            BACKEND,
            f"matching label(s) {sorted(wanted)}, which classes with different first labels "
            f"carry: {shown}",
            "AGE keeps one label per vertex (a node's first label); give these classes the "
            "same first label (subclasses inherit their parent's labels first), or query "
            "each class on its own",
        )

    def _render(self, table: str, labels: Sequence[str]) -> str:
        extra = [label for label in labels if label != table]
        text = f":{self.quote_identifier(table)}"
        if extra:
            items = ", ".join(string_literal(label, "label") for label in extra)
            text += f" {{{escape(LABELS_PROPERTY)}: [{items}]}}"
        return text

    def render_labels(self, labels: tuple[str, ...]) -> str:
        """The table label plus a ``{`_labels`: [...]}`` constraint for the others."""
        if not labels:
            return ""
        return self._render(self.table_label(labels), labels)

    def render_create_labels(self, labels: tuple[str, ...]) -> str:
        """``:`First` {`_labels`: ['Second', ...]}``: the first label is the table."""
        if not labels:
            return ""
        return self._render(labels[0], labels)

    # -- write statements -----------------------------------------------------------------

    #: No list comprehension: a write collects the ids of its new nodes next to them.
    list_comprehensions = False
    #: A ``MATCH`` on a relationship type AGE has not seen yet would void the
    #: statement's earlier writes; deleting the ``null`` of an OPTIONAL MATCH does nothing.
    edge_match = "OPTIONAL MATCH"

    def write_variable(self, name: str, part: int) -> str:
        """``name`` numbered by part: AGE cannot declare a vertex variable twice."""
        return f"{name}{part}"

    def render_create_node(self, part: CreateNode, var: str) -> str:
        """``CREATE (var:`First` {`_labels`: [...], p1: v1, ...})``: one inline map.

        AGE finds the vertex of every ``SET`` item by scanning its table, so
        setting properties after ``CREATE`` made large inserts quadratic (2,000
        nodes: 300-480 ms against 26-30 ms inline). AGE leaves ``null`` entries
        out of a created vertex, as ``SET ... = null`` does.
        """
        labels = part.labels
        table = labels[0]
        entries = (
            [
                f"{escape(LABELS_PROPERTY)}: ["
                + ", ".join(string_literal(label, "label") for label in labels if label != table)
                + "]"
            ]
            if len(labels) > 1
            else []
        )
        entries += [
            f"{self.quote_identifier(item.prop)}: {self.render_row_value(item.value)}"
            for item in part.items
        ]
        body = f" {{{', '.join(entries)}}}" if entries else ""
        return f"CREATE ({var}:{self.quote_identifier(table)}{body})"

    def render_merge_edge(self, part: MergeEdge, number: int) -> list[str]:
        """``MERGE`` without properties; with properties, update-then-create parts.

        AGE 1.5 loses a ``SET`` on an edge its ``MERGE`` just created, so edges
        with properties are merged in two parts: set the properties of existing
        edges (skipped when they are only for new edges), then create the
        missing ones with their properties.
        """
        if not part.items:
            return super().render_merge_edge(part, number)
        nid = self.node_id_expr
        a, r, b = (self.write_variable(name, number) for name in ("a", "r", "b"))
        pattern = self.render_edge_pattern
        parts: list[str] = []
        if not part.only_on_create:
            ua, ub, ur = f"{a}u", f"{b}u", f"{r}u"
            parts.append(
                f"UNWIND ${part.rows} AS row OPTIONAL MATCH {pattern(ua, ur, part.edge, ub)} "
                f"WHERE {nid(ua)} = row[0] AND {nid(ub)} = row[1] "
                f"SET {self.render_set_items(ur, part.items)}"
            )
        old = f"{r}o"
        parts.append(
            f"UNWIND ${part.rows} AS row MATCH ({a}) WHERE {nid(a)} = row[0] "
            f"MATCH ({b}) WHERE {nid(b)} = row[1] OPTIONAL MATCH {pattern(a, old, part.edge, b)} "
            f"WITH row, {a}, {b}, {old} WHERE {old} IS NULL "
            f"CREATE {pattern(a, r, part.edge.written(), b)} "
            f"SET {self.render_set_items(r, part.items)}"
        )
        return parts

    def render_key_lock(self, lock: KeyLock) -> CompiledQuery | None:
        """Advisory locks on the keys a write inserts, held until the transaction ends.

        PostgreSQL runs transactions in read committed: two of them inserting one key
        each see no node and both insert. Locked first, the second waits until the
        first commits (or rolls back); its key check, a later statement, then sees
        the node. Per (label, key property): a shared lock on the label and an
        exclusive one per key, or above :data:`KEY_LOCKS_PER_LABEL` keys one
        exclusive lock on the label. Label locks are taken first, in id order, then
        key locks in id order. The ids hash the label, property and key (not the
        graph: graphs of one database that share a label share its locks).
        """
        labels: dict[int, bool] = {}
        key_ids: set[int] = set()
        for (label, prop), values in lock.keys.items():
            ids = {lock_id(label, prop, value) for value in values}
            whole = len(ids) > KEY_LOCKS_PER_LABEL
            labels[lock_id(label, prop)] = whole
            if not whole:
                key_ids |= ids
        if not labels:
            return None
        params = {
            "labels": [[lid, labels[lid]] for lid in sorted(labels)],
            "keys": sorted(key_ids),
        }
        return CompiledQuery(_LOCK_STATEMENT, params, ("locked",), ())

    # -- RETURN -----------------------------------------------------------------------------

    def _return_alias(self, p: Projection, index: int) -> str:
        """A variable name AGE accepts for projection ``p`` (its column when possible)."""
        if isinstance(p.expr, VarRef) and p.expr.alias == p.column:
            return self.quote_alias(p.column)
        if is_plain(p.column) and p.column.lower() not in RESERVED_WORDS:
            return p.column
        return f"_c{index}"

    def _needs_with(self, ret: ReturnClause) -> bool:
        if any(p.column.lower() in RESERVED_WORDS for p in ret.items):
            return True
        if not ret.order_by:
            return False
        if ret.distinct or any(isinstance(p.expr, Aggregate) for p in ret.items):
            return True
        columns = {p.column for p in ret.items}
        return any(isinstance(o.expr, Raw) and o.expr.text.strip() in columns for o in ret.order_by)

    def render_return(self, ret: ReturnClause, ctx: RenderContext) -> str:
        """``RETURN ...``, or ``WITH ... RETURN ... ORDER BY`` where AGE needs it.

        AGE cannot order a ``RETURN DISTINCT`` (or an aggregation) by an
        expression, nor order by a ``RETURN`` alias, and it rejects reserved words
        as aliases even in backticks. Such statements are rendered through a
        ``WITH`` stage whose variables ``RETURN`` and ``ORDER BY`` use (result
        columns are positional on AGE, so the names do not matter).
        """
        if not ret.items:
            raise QueryBuildError("the statement returns nothing")
        if not self._needs_with(ret):
            return super().render_return(ret, ctx)
        grouped = ret.distinct or any(isinstance(p.expr, Aggregate) for p in ret.items)
        aliases = [self._return_alias(p, i) for i, p in enumerate(ret.items)]
        carried: list[str] = []
        by_expr: dict[Any, str] = {}
        for p, alias in zip(ret.items, aliases, strict=True):
            if isinstance(p.expr, VarRef) and p.expr.alias == alias:
                carried.append(alias)
                continue
            by_expr[p.expr] = alias
            by_expr.setdefault(Raw(p.column), alias)
            if isinstance(p.expr, Raw):
                value = _RAW_AS.sub("", p.expr.text).strip()
            else:
                value = self.render_value(p.expr, ctx)
            carried.append(f"{value} AS {alias}")
        if not grouped:
            # ORDER BY may use variables the RETURN does not: carry them along
            names = set(aliases)
            for item in ret.order_by:
                if isinstance(item.expr, PropRef | IdRef | VarRef) and item.expr not in by_expr:
                    var = self.quote_alias(item.expr.alias)
                    if var not in names:
                        names.add(var)
                        carried.append(var)
        keyword = "WITH DISTINCT" if ret.distinct else "WITH"
        parts = [f"{keyword} {', '.join(carried)} RETURN {', '.join(aliases)}"]
        if ret.order_by:
            terms = []
            for item in ret.order_by:
                key = Raw(item.expr.text.strip()) if isinstance(item.expr, Raw) else item.expr
                text = by_expr.get(key) or self.render_value(item.expr, ctx)
                terms.append(f"{text} DESC" if item.desc else text)
            parts.append("ORDER BY " + ", ".join(terms))
        if ret.skip is not None:
            parts.append(self.render_skip(ret.skip, ctx))
        if ret.limit is not None:
            parts.append(self.render_limit(ret.limit, ctx))
        return " ".join(parts)

    # -- paging ---------------------------------------------------------------------------

    def render_skip(self, skip: int, ctx: RenderContext) -> str:
        """``SKIP $pN``: pages share one prepared statement."""
        return f"SKIP {ctx.ref(_count('skip', skip))}"

    def render_limit(self, limit: int, ctx: RenderContext) -> str:
        """``LIMIT $pN``."""
        return f"LIMIT {ctx.ref(_count('limit', limit))}"

    # -- schema DDL (runic.ogm.schema.ir; see runic.age._schema) -------------------------

    def schema_create(self, op: CreateIndex, graph: str) -> list[DDL]:
        """A PostgreSQL (unique) index on the label table's property expression."""
        return _schema.create(op, graph)

    def schema_drop(self, op: DropIndex, graph: str) -> list[DDL]:
        """``DROP INDEX``."""
        return _schema.drop(op, graph)

    def schema_list(self, graph: str) -> list[DDL]:
        """``pg_indexes`` of the graph's label tables."""
        return _schema.listing(graph)

    def schema_entity_type(self, op: CreateEntityType, graph: str) -> list[DDL]:
        """``create_vlabel`` / ``create_elabel`` unless the label exists."""
        return _schema.entity_type(op, graph)

    def parse_indexes(self, results: Sequence[QueryResult]) -> list[IndexSpec]:
        """Specs from ``pg_indexes``."""
        return _schema.parse(results)
