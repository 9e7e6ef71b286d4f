"""``op``: the operations a revision's ``upgrade(op)`` / ``downgrade(op)`` call.

Schema operations compile through the backend's dialect (the schema layer's
``compile_schema``); data operations run in batches of ``batch_size`` nodes, each
batch one statement (so no node is ever half-updated), picking only nodes not yet
done, so a rerun after a crash continues where the last finished batch stopped.
On AGE ``update_nodes`` reads each batch by graph id (keyset) in Cypher and writes
it in SQL, in the revision's transaction (see :meth:`Operations._update_age`).

Every operation is one numbered *step*. The executor decides what a step does:
run it (in the revision's transaction where the backend has one), skip it (a step
finished before a crash on a backend without transactions), or, for a dry run,
only record the statements it would send.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from runic.migrate import ops
from runic.migrate.progress import Progress
from runic.ogm.dialect import CypherDialect
from runic.ogm.driver.protocols import Capability
from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import UnsupportedFeatureError
from runic.ogm.identifiers import escape, validate_identifier
from runic.ogm.schema.ir import DDL, DropIndex
from runic.ogm.schema.specs import EntityKind, IndexKind, IndexSpec

__all__ = ["MARKER", "Executor", "Expr", "Operations", "Recorded"]

#: the property a batched ``update_nodes`` sets on each node it has done (removed at the end)
MARKER = "_runic_migrated"

DEFAULT_BATCH_SIZE = 5000


@dataclass(frozen=True, slots=True)
class Expr:
    """A Cypher expression (over the node ``n``) for ``update_nodes(set=...)``: not escaped."""

    text: str


@dataclass(frozen=True, slots=True)
class Recorded:
    """A statement an operation sent (or, in a dry run, would send)."""

    text: str
    params: Mapping[str, Any] = field(default_factory=dict)
    language: str = "cypher"

    def describe(self) -> str:
        """The statement with its parameters, one line per statement."""
        if self.params:
            return f"{self.text}  -- params {dict(self.params)!r}"
        return self.text


class Executor(Protocol):
    """Where an :class:`Operations` sends statements (see :mod:`runic.migrate.runner`)."""

    dialect: CypherDialect
    graph: str
    dry_run: bool

    def read(self, ddl: DDL) -> QueryResult:
        """Run a read-only schema statement (always run, also in a dry run)."""
        ...

    def write(self, ddl: DDL) -> QueryResult:
        """Run a schema statement (in the revision's transaction where possible)."""
        ...

    def cypher(self, text: str, params: Mapping[str, Any]) -> QueryResult:
        """Run a Cypher statement (in the revision's transaction where there is one)."""
        ...

    def sql(self, text: str, params: Sequence[Any]) -> QueryResult:
        """Run a SQL statement with ``%s`` placeholders (AGE: in the revision's transaction)."""
        ...

    def step_done(self, step: int) -> bool:
        """True when ``step`` of this revision finished in an earlier, interrupted run."""
        ...

    def finish_step(self, step: int) -> None:
        """Record that ``step`` finished (backends without transactions)."""
        ...

    def heartbeat(self) -> None:
        """Called between batches: keeps the migration lock alive."""
        ...


def _label(name: str, kind: str = "label") -> str:
    return escape(validate_identifier(name, kind))


def _literal_int(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return value


class Operations:
    """The ``op`` object handed to ``upgrade(op)`` and ``downgrade(op)``."""

    def __init__(
        self,
        executor: Executor,
        *,
        token: str,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: Callable[[str, int | None], Progress] | None = None,
    ) -> None:
        self._x = executor
        self._token = token
        self.batch_size = _literal_int(batch_size, "batch_size")
        self._progress = progress
        self._step = 0
        #: every statement sent (or, in a dry run, that would be sent), in order
        self.recorded: list[Recorded] = []

    # -- steps ------------------------------------------------------------------------

    @property
    def step(self) -> int:
        """The number of the current (last begun) operation, from 1."""
        return self._step

    def _begin(self) -> int | None:
        """Number the next step; ``None`` when it finished in an earlier run."""
        self._step += 1
        return None if self._x.step_done(self._step) else self._step

    def _end(self, step: int) -> None:
        if not self._x.dry_run:
            self._x.finish_step(step)

    def _write_ddl(self, ddl: DDL) -> None:
        self.recorded.append(Recorded(ddl.text, {}, ddl.language))
        if not self._x.dry_run:
            self._x.write(ddl)

    def _cypher(self, text: str, params: Mapping[str, Any]) -> QueryResult:
        self.recorded.append(Recorded(text, dict(params)))
        if self._x.dry_run:
            return QueryResult()
        return self._x.cypher(text, params)

    # -- schema -----------------------------------------------------------------------

    def _live(self) -> list[IndexSpec]:
        x = self._x
        return ops.drive(ops.live_op(x.dialect, x.graph), x.read)

    def _create(self, specs: Sequence[IndexSpec]) -> None:
        step = self._begin()
        if step is None:
            return
        x = self._x
        live = set(self._live())
        todo = [s for s in specs if s not in live]
        for plan in ops.create_plan(todo):
            for ddl in x.dialect.compile_schema(plan, graph=x.graph):
                self._write_ddl(ddl)
        if todo and not x.dry_run:
            ops.drive(ops._wait_built(x.dialect, x.graph), x.read)
        self._end(step)

    def _drop(self, specs: Sequence[IndexSpec]) -> None:
        step = self._begin()
        if step is None:
            return
        x = self._x
        live = {s: s for s in self._live()}
        sent: list[DDL] = []
        for spec in specs:
            found = live.get(spec)
            if found is None:
                continue
            for ddl in x.dialect.compile_schema(DropIndex(found), graph=x.graph):
                if ddl not in sent:
                    sent.append(ddl)
                    self._write_ddl(ddl)
        self._end(step)

    @staticmethod
    def _spec(
        label: str,
        prop: str,
        kind: IndexKind,
        edge: bool,
        dimension: int | None = None,
        similarity: str | None = None,
    ) -> IndexSpec:
        entity: EntityKind = "edge" if edge else "node"
        return IndexSpec(label, prop, kind, entity, dimension=dimension, similarity=similarity)

    def create_index(self, label: str, prop: str, *, edge: bool = False) -> None:
        """A range index on ``label.prop`` (``edge=True``: on a relationship type)."""
        self._create([self._spec(label, prop, "RANGE", edge)])

    def drop_index(self, label: str, prop: str, *, edge: bool = False) -> None:
        """Drop the range index on ``label.prop`` (nothing when there is none)."""
        self._drop([self._spec(label, prop, "RANGE", edge)])

    def create_unique(self, label: str, prop: str, *, edge: bool = False) -> None:
        """A unique constraint on ``label.prop``."""
        self._create([self._spec(label, prop, "UNIQUE", edge)])

    def drop_unique(self, label: str, prop: str, *, edge: bool = False) -> None:
        """Drop the unique constraint on ``label.prop``."""
        self._drop([self._spec(label, prop, "UNIQUE", edge)])

    def create_fulltext(self, label: str, *props: str, edge: bool = False) -> None:
        """One fulltext index on ``label`` over ``props``."""
        self._create([self._spec(label, p, "FULLTEXT", edge) for p in props])

    def drop_fulltext(self, label: str, *props: str, edge: bool = False) -> None:
        """Drop the fulltext index of ``label`` (covering ``props``)."""
        self._drop([self._spec(label, p, "FULLTEXT", edge) for p in props])

    def create_vector(
        self,
        label: str,
        prop: str,
        *,
        dimension: int,
        similarity: str = "cosine",
        edge: bool = False,
    ) -> None:
        """A vector index on ``label.prop`` of ``dimension`` (``cosine`` or ``euclidean``)."""
        self._create([self._spec(label, prop, "VECTOR", edge, dimension, similarity)])

    def drop_vector(self, label: str, prop: str, *, edge: bool = False) -> None:
        """Drop the vector index on ``label.prop``."""
        self._drop([self._spec(label, prop, "VECTOR", edge)])

    # -- raw --------------------------------------------------------------------------

    def execute(self, cypher: str, params: Mapping[str, Any] | None = None) -> QueryResult:
        """Run one Cypher statement (values as ``params``); returns its rows."""
        step = self._begin()
        if step is None:
            return QueryResult()
        result = self._cypher(cypher, params or {})
        self._end(step)
        return result

    # -- data, in batches -------------------------------------------------------------

    def _batches(self, title: str, total_query: str, params: Mapping[str, Any], batch: str) -> int:
        """Run ``batch`` until it reports fewer than ``batch_size`` rows done; return the count."""
        total: int | None = None
        if not self._x.dry_run:
            total = int(self._x.cypher(total_query, params).scalar() or 0)
        bar = self._progress(title, total) if self._progress else None
        done = 0
        try:
            while True:
                count = int(self._cypher(batch, params).scalar() or 0)
                done += count
                if bar is not None:
                    bar.advance(count)
                self._x.heartbeat()
                if count < self.batch_size:
                    return done
        finally:
            if bar is not None:
                bar.close()

    def update_nodes(
        self,
        label: str,
        *,
        set: Mapping[str, Any],  # noqa: A002 - the Cypher clause's name
        where: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> int:
        """Set properties on every ``label`` node matching ``where``, in batches.

        ``set`` maps property names to values (sent as parameters) or
        :class:`Expr` Cypher expressions over ``n`` (``Expr("n.first + ' ' + n.last")``);
        ``where`` is a Cypher predicate over ``n`` (not escaped: never build it
        from user input; put values in ``params``). Each node is done exactly once:
        a batch marks the nodes it updates (``_runic_migrated``), the next batch
        skips marked nodes, and the marks are removed when every node is done.
        On AGE: batches by graph id, written in SQL, no marks (see ``_update_age``).
        Returns the number of nodes updated.
        """
        step = self._begin()
        if step is None:
            return 0
        if not set:
            raise ValueError("update_nodes(set=...) needs at least one property")
        lab = _label(label)
        values: dict[str, Any] = dict(params or {})
        items = []
        for i, (prop, value) in enumerate(set.items()):
            target = f"n.{_label(prop, 'property')}"
            if isinstance(value, Expr):
                items.append(f"{target} = {value.text}")
            else:
                values[f"_v{i}"] = value
                items.append(f"{target} = $_v{i}")
        if self._x.dialect.name == "age":
            exprs = {p: v.text for p, v in set.items() if isinstance(v, Expr)}
            consts = {p: v for p, v in set.items() if not isinstance(v, Expr)}
            done = self._update_age(label, exprs, consts, where, dict(params or {}))
            self._end(step)
            return done
        token = f"{self._token}:{step}"
        values["_token"] = token
        mark = f"n.{escape(MARKER)}"
        cond = f"({where}) AND " if where else ""
        size = self.batch_size
        pick = f"MATCH (n:{lab}) WHERE {cond}coalesce({mark}, '') <> $_token"
        sets = ", ".join(items)
        batch = f"{pick} WITH n LIMIT {size} SET {mark} = $_token, {sets} RETURN count(n)"
        total_query = f"{pick} RETURN count(n)"
        done = self._batches(f"update {label}", total_query, values, batch)
        self._unmark(lab, token)
        self._end(step)
        return done

    def _update_age(
        self,
        label: str,
        exprs: Mapping[str, str],
        consts: Mapping[str, Any],
        where: str | None,
        values: dict[str, Any],
    ) -> int:
        """``update_nodes`` on AGE: Cypher reads a batch by id, one SQL ``UPDATE`` writes it.

        AGE's Cypher ``SET`` finds each node it writes by a sequential scan of the
        label's table from its first row, so a batch costs more the further the
        transaction has come (quadratic in the nodes). Here a batch is the next
        ``batch_size`` nodes by graph id after the last one done (keyset), their new
        values evaluated by Cypher, and written by one SQL ``UPDATE ... FROM
        unnest(...)`` joining on the table's ``id``: every batch costs the same. The
        revision's transaction makes it all-or-nothing, so no marker is needed.
        """
        x = self._x
        lab = _label(label)
        for prop in [*exprs, *consts]:
            _label(prop, "property")
        cond = f"({where})" if where else ""
        picked = ", ".join(
            ["id(n) AS _id", "properties(n) AS _p"]
            + [f"{text} AS _e{i}" for i, text in enumerate(exprs.values())]
        )
        tail = f"RETURN {picked} ORDER BY id(n) LIMIT {self.batch_size}"
        first = f"MATCH (n:{lab}) {'WHERE ' + cond + ' ' if cond else ''}{tail}"
        after = f"MATCH (n:{lab}) WHERE id(n) > $_last{' AND ' + cond if cond else ''} {tail}"
        table = f"{_sql_ident(x.graph)}.{_sql_ident(label)}"
        update = (
            f"UPDATE {table} AS t SET properties = v.p::ag_catalog.agtype FROM "
            "unnest(%s::text[], %s::text[]) AS v(id, p) WHERE t.id = v.id::ag_catalog.graphid"
        )
        total: int | None = None
        if not x.dry_run:
            count = f"MATCH (n:{lab}) {'WHERE ' + cond + ' ' if cond else ''}RETURN count(n)"
            total = int(x.cypher(count, values).scalar() or 0)
            if total == 0:
                return 0
        # AGE indexes no label table's id: one for the batches' join, dropped at the end
        # (in the revision's transaction, like everything here)
        index = _sql_ident(f"_runic_batch_{label}"[:63])
        self._write_ddl(DDL(f"CREATE INDEX {index} ON {table} (id)", "sql"))
        done = self._age_batches(label, first, after, update, exprs, consts, values, total)
        self._write_ddl(DDL(f"DROP INDEX {_sql_ident(x.graph)}.{index}", "sql"))
        return done

    def _age_batches(
        self,
        label: str,
        first: str,
        after: str,
        update: str,
        exprs: Mapping[str, str],
        consts: Mapping[str, Any],
        values: dict[str, Any],
        total: int | None,
    ) -> int:
        x = self._x
        bar = self._progress(f"update {label}", total) if self._progress else None
        done, text, last = 0, first, None
        try:
            while True:
                rows = self._cypher(text, values if last is None else {**values, "_last": last})
                ids: list[str] = []
                props: list[str] = []
                for row in rows:
                    new = dict(row[1] or {})
                    new.update(consts)
                    new.update(zip(exprs, row[2:], strict=True))
                    ids.append(str(row[0]))
                    props.append(
                        _agtype_text(label, {k: v for k, v in new.items() if v is not None})
                    )
                    last = row[0]
                if ids or x.dry_run:
                    self.recorded.append(Recorded(update, {"ids": ids, "properties": props}, "sql"))
                if ids and not x.dry_run:
                    x.sql(update, [ids, props])
                done += len(ids)
                if bar is not None:
                    bar.advance(len(ids))
                x.heartbeat()
                if len(ids) < self.batch_size:
                    return done
                text = after
        finally:
            if bar is not None:
                bar.close()

    def _unmark(self, lab: str, token: str) -> None:
        mark = f"n.{escape(MARKER)}"
        text = (
            f"MATCH (n:{lab}) WHERE {mark} = $_token WITH n LIMIT {self.batch_size} "
            f"SET {mark} = null RETURN count(n)"
        )
        while True:
            count = int(self._cypher(text, {"_token": token}).scalar() or 0)
            self._x.heartbeat()
            if count < self.batch_size:
                return

    def rename_property(self, label: str, old: str, new: str, *, edge: bool = False) -> int:
        """Move ``old`` to ``new`` on every ``label`` node (or edge), in batches.

        Each batch takes entities that still have ``old``, so a rerun continues.
        Returns the number of entities changed.
        """
        step = self._begin()
        if step is None:
            return 0
        lab = _label(label)
        src = f"n.{_label(old, 'property')}"
        dst = f"n.{_label(new, 'property')}"
        pattern = f"()-[n:{lab}]->()" if edge else f"(n:{lab})"
        pick = f"MATCH {pattern} WHERE {src} IS NOT NULL"
        size = self.batch_size
        batch = f"{pick} WITH n LIMIT {size} SET {dst} = {src}, {src} = null RETURN count(n)"
        done = self._batches(f"rename {label}.{old}", f"{pick} RETURN count(n)", {}, batch)
        self._end(step)
        return done

    def rename_label(self, old: str, new: str) -> int:
        """Relabel every ``old`` node ``new``; returns the number of nodes relabelled.

        Multi-label backends (FalkorDB, Neo4j, Memgraph): in batches (``SET n:New
        REMOVE n:Old``), resumable. Single-label backends rename the type itself
        in one statement, since a node cannot change its label in their Cypher:
        AGE renames the label's table and its catalog entry (in the revision's
        transaction), ArcadeDB runs ``ALTER TYPE ... NAME ...`` (its SQL, over the
        HTTP API: give ``http_url=``). The new label must not exist yet there.
        """
        step = self._begin()
        if step is None:
            return 0
        x = self._x
        src, dst = _label(old), _label(new)
        if not x.dialect.supports(Capability.MULTI_LABEL):
            ddls = _relabel_type(x.dialect.name, x.graph, old, new)
            if ddls is None:
                raise UnsupportedFeatureError(
                    x.dialect.name,
                    f"op.rename_label({old!r}, {new!r})",
                    "a node's label cannot change on this backend; create the new nodes "
                    "with op.execute(...) and delete the old ones",
                )
            count = 0
            if not x.dry_run:
                count = int(x.cypher(f"MATCH (n:{src}) RETURN count(n)", {}).scalar() or 0)
            for ddl in ddls:
                self._write_ddl(ddl)
            self._end(step)
            return count
        pick = f"MATCH (n:{src})"
        size = self.batch_size
        batch = f"{pick} WITH n LIMIT {size} SET n:{dst} REMOVE n:{src} RETURN count(n)"
        done = self._batches(f"relabel {old}", f"{pick} RETURN count(n)", {}, batch)
        self._end(step)
        return done

    @staticmethod
    def expr(text: str) -> Expr:
        """A Cypher expression for ``update_nodes(set=...)``."""
        return Expr(text)


def _agtype_text(label: str, properties: Mapping[str, Any]) -> str:
    """A node's properties as agtype text (JSON); a value JSON cannot say is refused."""

    def refuse(value: Any) -> Any:
        raise UnsupportedFeatureError(
            "age",
            f"op.update_nodes({label!r}) on a node with a {type(value).__name__} property",
            "only null, booleans, integers, finite floats, strings, lists and maps can be "
            "rewritten in batches; update such nodes with op.execute(...)",
        )

    try:
        return json.dumps(properties, ensure_ascii=False, allow_nan=False, default=refuse)
    except ValueError as exc:
        raise UnsupportedFeatureError(
            "age", f"op.update_nodes({label!r})", f"a property value is not finite: {exc}"
        ) from exc


def _sql_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _relabel_type(backend: str, graph: str, old: str, new: str) -> list[DDL] | None:
    """The statements renaming a label where nodes cannot be relabelled, or ``None``."""
    if backend == "age":
        return [
            DDL(
                f"ALTER TABLE {_sql_ident(graph)}.{_sql_ident(old)} RENAME TO {_sql_ident(new)}",
                "sql",
            ),
            DDL(
                f"UPDATE ag_catalog.ag_label SET name = {_sql_literal(new)} "
                f"WHERE name = {_sql_literal(old)} AND graph = (SELECT graphid FROM "
                f"ag_catalog.ag_graph WHERE name = {_sql_literal(graph)})",
                "sql",
            ),
        ]
    if backend == "arcadedb":
        return [DDL(f"ALTER TYPE {escape(old)} NAME {escape(new)}", "sql")]
    return None
