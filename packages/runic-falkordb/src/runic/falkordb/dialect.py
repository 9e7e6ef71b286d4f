"""The FalkorDB Cypher dialect.

Differences from the openCypher reference dialect:

* native value constructors: ``vecf32($p)`` (32-bit float vectors), ``point($p)``
  (geographic points from ``{latitude, longitude}`` maps) and ``intern($p)``
  (strings stored once and shared); any other converter ``cypher_fn`` is called as
  named (built-in functions and user-defined ``lib.fn`` functions alike);
* fulltext search through ``CALL db.idx.fulltext.queryNodes('Label', $q)
  YIELD node AS n`` (the query is RediSearch syntax; ``fields`` restrict it with
  ``@a|b:(...)``);
* vector KNN through ``CALL db.idx.vector.queryNodes('Label', 'prop', k,
  vecf32($v)) YIELD node AS n, score AS s`` (FalkorDB refuses ``score AS score``:
  an alias equal to the procedure's output name is rendered bare); a filtered
  vector search is exact instead: ``MATCH ... WHERE ... WITH n,
  vec.euclideanDistance(n.p, vecf32($v)) AS s ORDER BY s LIMIT k``
  (``vec.cosineDistance`` for ``similarity="cosine"``), the same score the
  procedure yields;
* ``SKIP``/``LIMIT`` as parameters, so every page of a query shares one plan in
  FalkorDB's small plan cache (25 entries by default);
* regular expressions (``=~``, which FalkorDB lacks) through
  ``string.matchRegEx``, the pattern anchored as ``^(?:...)$`` so it must match the
  whole string as ``=~`` does, and a null subject giving null;
* write statements set one property per ``SET`` clause, joined with ``WITH``
  (:meth:`render_set`):
  FalkorDB 4.x removes the wrong property when one query nulls two properties of the
  same entity (found by the integration suite; each ``WITH`` ends the pending batch);
* no multi-statement transactions (no :attr:`Capability.TRANSACTIONS`), but
  read-only routing (``GRAPH.RO_QUERY``);
* a write statement with parts before its creations runs them after its key guard
  in a ``CALL {}``
  subquery (:meth:`render_guarded`): one write query at a time per graph makes the
  key check and the insert atomic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from runic.falkordb import _schema
from runic.falkordb.capabilities import FALKORDB
from runic.ogm.dialect import CypherDialect, RenderContext
from runic.ogm.exceptions import QueryBuildError
from runic.ogm.identifiers import validate_identifier
from runic.ogm.query.ir import CompareOp, Comparison, FulltextSource, VectorSource
from runic.ogm.query.write import SetItem

if TYPE_CHECKING:
    from runic.ogm.driver.results import QueryResult
    from runic.ogm.schema.ir import DDL, CreateIndex, DropIndex
    from runic.ogm.schema.specs import IndexSpec

__all__ = ["FalkorDBDialect"]

_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _count(what: str, n: object) -> int:
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise QueryBuildError(f"{what} must be a non-negative integer, got {n!r}")
    return n


class FalkorDBDialect(CypherDialect):
    """Renders runic's query IR for FalkorDB."""

    name = "falkordb"
    capabilities = FALKORDB
    param_functions = frozenset({"vecf32", "point", "intern"})
    plain_functions: frozenset[str] = frozenset()
    # any other valid cypher_fn is called: built-ins (toUpper) and UDFs (``lib.fn``)

    def render_skip(self, skip: int, ctx: RenderContext) -> str:
        """``SKIP $pN``: page offsets are parameters, so paging reuses one cached plan."""
        return f"SKIP {ctx.ref(_count('skip', skip))}"

    def render_limit(self, limit: int, ctx: RenderContext) -> str:
        """``LIMIT $pN`` (see :meth:`render_skip`)."""
        return f"LIMIT {ctx.ref(_count('limit', limit))}"

    def render_comparison(self, cmp: Comparison, ctx: RenderContext) -> str:
        """As the reference dialect, but ``=~`` through ``string.matchRegEx`` (whole string)."""
        if cmp.op is not CompareOp.MATCHES:
            return super().render_comparison(cmp, ctx)
        regex = None if cmp.right is None else cmp.right.value
        if not isinstance(regex, str):
            raise QueryBuildError(f"matches() needs a regular expression string, got {regex!r}")
        left = self.render_value(cmp.left, ctx)
        pattern = ctx.ref(f"^(?:{regex})$")
        return (
            f"CASE WHEN {left} IS NULL THEN null "
            f"ELSE size(string.matchRegEx({left}, {pattern})) > 0 END"
        )

    def render_key_match(self, var: str, labels: tuple[str, ...], prop: str, param: str) -> str:
        """``MATCH (var:Labels {prop: param})``: the same index seek as ``WHERE var.prop =
        param``, but FalkorDB 4.16 answers it ~10 us sooner per query (same server-side
        execution time, less around it), 7 % of a ``session.get()`` round trip."""
        return f"MATCH ({var}{self.render_labels(labels)} {{{prop}: {param}}})"

    def render_set(self, var: str, items: Sequence[SetItem], carry: str) -> str:
        """``SET var.a = x WITH var, carry SET var.b = y``: one property per clause.

        Removing two properties of one entity in the same ``SET`` (or ``REMOVE``)
        batch deletes the wrong one in FalkorDB 4.x; a ``WITH`` between them applies
        each change before the next.
        """
        if len(items) <= 1:
            return super().render_set(var, items, carry)
        keep = f"{var}, {carry}" if carry else var
        return f" WITH {keep} ".join(f"SET {self.render_set_items(var, (item,))}" for item in items)

    def render_bulk_set(
        self, var: str, sets: Sequence[tuple[str, str]], removes: Sequence[str]
    ) -> str:
        """``SET var.a = $p1 WITH var SET var.b = $p2 WITH var REMOVE var.c``: one property
        per clause, as :meth:`render_set`."""
        clauses = [f"SET {var}.{prop} = {value}" for prop, value in sets]
        clauses += [f"REMOVE {var}.{prop}" for prop in removes]
        return f" WITH {var} ".join(clauses)

    def render_guarded(self, guard: str, body: str, columns: Sequence[str]) -> str | None:
        """``guard CALL { body } RETURN columns``: the flush runs once, or not at all.

        FalkorDB runs one write query at a time per graph, so the key guard and the
        writes of one query are atomic.
        """
        return f"{guard} CALL {{ {body} }} RETURN {', '.join(columns)}"

    def string_literal(self, name: str, kind: str) -> str:
        """Render a validated label or property name as a single-quoted string literal."""
        validate_identifier(name, kind)
        return "'" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"

    def render_fulltext_source(self, clause: FulltextSource, ctx: RenderContext) -> str:
        """``CALL db.idx.fulltext.queryNodes('Label', $pN) YIELD node AS n``."""
        label = self.string_literal(clause.index_label, "fulltext index label")
        alias = self.quote_alias(clause.node.alias)
        query = clause.query.value
        if clause.fields:
            if not isinstance(query, str):
                raise QueryBuildError(
                    f"a fulltext query must be a string, got {type(query).__name__}"
                )
            for name in clause.fields:
                if not isinstance(name, str) or not _FIELD.match(name):
                    raise QueryBuildError(
                        f"fulltext field {name!r} cannot be used to restrict a FalkorDB "
                        "fulltext query; use letters, digits and underscores, or search "
                        "every indexed field (fields=None)"
                    )
            query = f"@{'|'.join(clause.fields)}:({query})"
        return (
            f"CALL db.idx.fulltext.queryNodes({label}, {ctx.ref(query)}) "
            f"YIELD {_yield('node', alias)}"
        )

    def render_vector_source(self, clause: VectorSource, ctx: RenderContext) -> str:
        """``CALL db.idx.vector.queryNodes('Label', 'prop', k, vecf32($pN)) YIELD node AS n``."""
        label = self.string_literal(clause.index_label, "vector index label")
        prop = self.string_literal(clause.prop, "vector property")
        k = clause.k
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise QueryBuildError(f"vector search k must be an integer >= 1, got {k!r}")
        alias = self.quote_alias(clause.node.alias)
        vector = f"vecf32({ctx.ref(clause.vector.value)})"
        yields = _yield("node", alias)
        if clause.score_alias is not None:
            yields += ", " + _yield("score", self.quote_alias(clause.score_alias))
        return f"CALL db.idx.vector.queryNodes({label}, {prop}, {k}, {vector}) YIELD {yields}"

    def render_vector_score(
        self, clause: VectorSource, ctx: RenderContext
    ) -> tuple[str, Literal["ASC", "DESC"]]:
        """``vec.euclideanDistance(n.p, vecf32($pN))`` (or ``vec.cosineDistance``), nearest
        first (``ASC``): the ``score`` ``db.idx.vector.queryNodes`` yields for an index
        of that similarity function."""
        fn = "vec.cosineDistance" if clause.similarity == "cosine" else "vec.euclideanDistance"
        prop = f"{self.quote_alias(clause.node.alias)}.{self.quote_identifier(clause.prop)}"
        return f"{fn}({prop}, vecf32({ctx.ref(clause.vector.value)}))", "ASC"

    # -- schema DDL (runic.ogm.schema.ir; see runic.falkordb._schema) -------------------

    def schema_create(self, op: CreateIndex, graph: str) -> list[DDL]:
        """Range/fulltext/vector index DDL; UNIQUE: a range index, then ``GRAPH.CONSTRAINT``."""
        return _schema.create(op, graph)

    def schema_drop(self, op: DropIndex, graph: str) -> list[DDL]:
        """``DROP ... INDEX FOR ... ON ...`` or ``GRAPH.CONSTRAINT DROP``."""
        return _schema.drop(op, graph)

    def schema_list(self, graph: str) -> list[DDL]:
        """``db.indexes()`` and ``db.constraints()``."""
        return _schema.listing()

    def schema_status(self, graph: str) -> list[DDL]:
        """The listings again: their status columns show what is being built."""
        return _schema.status()

    def parse_indexes(self, results: Sequence[QueryResult]) -> list[IndexSpec]:
        """Specs from the listings (a constraint's backing range index folded in)."""
        return _schema.parse(results)

    def indexes_pending(self, results: Sequence[QueryResult]) -> bool:
        """True until every index and constraint is ``OPERATIONAL``."""
        return _schema.pending(results)


def _yield(output: str, alias: str) -> str:
    """``output AS alias``; FalkorDB rejects ``x AS x``, so a same-named alias stays bare."""
    return output if alias == output else f"{output} AS {alias}"
