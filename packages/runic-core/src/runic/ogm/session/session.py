"""``Session``: the blocking facade over :class:`~runic.ogm.session.core.SessionCore`.

Every method either stages work in memory or drives one of the core's
operations with the driver; the logic lives in the core, shared with
:class:`~runic.ogm.session.async_session.AsyncSession`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, TypeVar, cast, overload

from runic.ogm.core.descriptors import FieldDescriptor
from runic.ogm.driver.protocols import GraphDriver, GraphTransaction, TransactionalGraphDriver
from runic.ogm.driver.results import QueryResult
from runic.ogm.query import builder
from runic.ogm.query.builder import SelectBase
from runic.ogm.query.bulk import Delete, Update
from runic.ogm.query.ir import VectorSimilarity
from runic.ogm.session import bulk, execution
from runic.ogm.session.base import SessionBase, accept_driver, offers_transactions
from runic.ogm.session.bound import BoundQuery
from runic.ogm.session.bulk import BulkResult
from runic.ogm.session.ops import Op, Statement, drive

__all__ = ["Session"]

logger = logging.getLogger("runic.session")

T = TypeVar("T")
R = TypeVar("R")


class Session(SessionBase):
    """A unit of work over a :class:`~runic.ogm.driver.protocols.GraphDriver`.

    Use it as a context manager: it commits on success and rolls back on an
    exception. On transactional backends (Bolt, AGE) the first statement begins a
    transaction that ``commit()``/``rollback()`` end; on FalkorDB every flush is
    one atomic statement. ``driver`` may also be a raw ``falkordb`` graph handle
    (``Session(db.select_graph("g"))``), which is wrapped in a FalkorDB driver.
    """

    def __init__(
        self, driver: GraphDriver | Any, mapper: Any = None, *, log_cypher: bool = False
    ) -> None:
        driver = accept_driver(driver, asynchronous=False)
        super().__init__(driver.dialect, log_cypher=log_cypher)
        self._driver: GraphDriver = driver
        self._tx: GraphTransaction | None = None
        self._transactional = offers_transactions(driver)
        self._core.track_flushes = self._transactional
        self._core._lazy_loader = self._lazy_load

    @property
    def driver(self) -> GraphDriver:
        """The driver this session executes on."""
        return self._driver

    # -- I/O ----------------------------------------------------------------------------

    def _execute(self, stmt: Statement) -> QueryResult:
        self._log(stmt)
        if not self._transactional:
            return self._driver.execute(
                stmt.cypher, stmt.params, write=stmt.write, columns=stmt.columns
            )
        if self._tx is None:
            self._tx = cast(TransactionalGraphDriver, self._driver).begin()
        try:
            return self._tx.execute(
                stmt.cypher, stmt.params, write=stmt.write, columns=stmt.columns
            )
        except BaseException:
            self._abort_transaction()
            raise

    def _abort_transaction(self) -> None:
        """A statement failed: end the transaction; its flushed work is staged again."""
        tx, self._tx = self._tx, None
        if tx is not None:
            try:
                tx.rollback()
            except Exception:  # the failed statement's error is the one raised
                logger.debug("rolling back after a failed statement failed too", exc_info=True)
            finally:
                self._core.restore_after_abort()

    def _run(self, op: Op[R]) -> R:
        return drive(op, self._execute)

    def _lazy_load(self, entity: Any, descriptor: FieldDescriptor) -> Any:
        if descriptor.is_relation:
            self._run(self._core.load_relation([entity], descriptor.name))
        else:
            self._run(self._core.load_expired(entity))
        return entity.__dict__[descriptor.name]

    # -- unit of work -------------------------------------------------------------------

    def flush(self) -> None:
        """Write every pending change (one statement); keep the identity map."""
        self._run(self._core.flush())

    def commit(self) -> None:
        """Flush, then commit the transaction on transactional backends."""
        self.flush()
        tx, self._tx = self._tx, None
        if tx is not None:
            try:
                tx.commit()
            except BaseException as exc:
                error = self._core.commit_failed(exc)  # not committed: staged again
                if error is None:
                    raise
                raise error from exc
        self._core.forget_flushed()

    def rollback(self) -> None:
        """Discard unflushed changes and (on transactional backends) flushed ones too.

        Entities the rolled-back transaction inserted become transient again; every
        persistent entity is expired and reloads on next access.
        """
        self._core.check_open()
        tx, self._tx = self._tx, None
        try:
            if tx is not None:
                tx.rollback()
        finally:
            self._core.clear_after_rollback()

    def close(self) -> None:
        """Roll back an open transaction and detach every entity."""
        if self._core.closed:
            return
        tx, self._tx = self._tx, None
        try:
            if tx is not None:
                tx.rollback()
        finally:
            self._core.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._core.closed:
            return
        if exc is None:
            try:
                self.commit()
            finally:
                self.close()
            return
        # never hide the error that ended the block behind one from the clean-up
        for clean_up in (self.rollback, self.close):
            try:
                clean_up()
            except Exception as err:  # noqa: BLE001 - noted on the user's error
                exc.add_note(f"(runic: {clean_up.__name__}() failed too: {err!r})")

    # -- reads ----------------------------------------------------------------------

    def get(self, cls: type[T], pk: Any, fetch: Sequence[str] | None = None) -> T | None:
        """Return the entity with primary key ``pk`` (identity map first), or ``None``."""
        return cast("T | None", self._run(self._core.get(cls, pk, fetch)))  # type: ignore[arg-type]

    def refresh(self, entity: Any) -> None:
        """Re-read ``entity`` from the graph now, discarding unflushed changes to it."""
        self._run(self._core.refresh(entity))

    def load(self, entities: Any, relation: str | FieldDescriptor) -> None:
        """Load ``relation`` of one entity or a list of them, in one query."""
        self._run(self._core.load_relation(*execution.load_args(entities, relation)))

    def relate(
        self, source: Any, field: str | FieldDescriptor, target: Any, edge: Any = None
    ) -> None:
        """Create (or update, MERGE) the edge ``source -field-> target`` and flush."""
        self._core.stage_edge("merge", source, field, target, edge)
        self.flush()

    def unrelate(self, source: Any, field: str | FieldDescriptor, target: Any) -> None:
        """Delete the edge ``source -field-> target`` and flush."""
        self._core.stage_edge("delete", source, field, target, None)
        self.flush()

    @overload
    def execute(self, cypher: Update[Any] | Delete[Any]) -> BulkResult: ...

    @overload
    def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        write: bool = False,
        *,
        columns: Sequence[str] | None = None,
    ) -> QueryResult: ...

    def execute(
        self,
        cypher: str | Update[Any] | Delete[Any],
        params: Mapping[str, Any] | None = None,
        write: bool = False,
        *,
        columns: Sequence[str] | None = None,
    ) -> QueryResult | BulkResult:
        """Run raw Cypher (values travel in ``params``; no entity mapping), or an
        ``update()`` / ``delete()`` statement: flush, then one statement; the result's
        ``rowcount`` is the number of nodes written (see :mod:`runic.ogm.session.bulk`)."""
        if not isinstance(cypher, str):
            return self._run(bulk.execute_bulk(self._core, bulk.check_statement(cypher)))
        return self._run(self._core.run_compiled(execution.raw(cypher, params, write, columns)))

    def scalars(self, stmt: SelectBase[T]) -> list[T]:
        """Execute a ``select()`` statement; return its entities (or projected values)."""
        return cast("list[T]", self._run(execution.select_op(self._core, stmt, "scalars")))

    def scalar(self, stmt: SelectBase[T]) -> T | None:
        """Execute a statement with ``LIMIT 1``; return the first entity or ``None``."""
        return cast("T | None", self._run(execution.select_op(self._core, stmt, "scalar")))

    def count(self, stmt: SelectBase[Any]) -> int:
        """Count what the statement matches (skip/limit/order ignored)."""
        return cast(int, self._run(execution.select_op(self._core, stmt, "count")))

    def exists(self, stmt: SelectBase[Any]) -> bool:
        """Whether the statement matches anything (one query, ``LIMIT 1``: the server
        stops at the first match; skip/limit/order ignored, like :meth:`count`)."""
        return cast(bool, self._run(execution.select_op(self._core, stmt, "exists")))

    def all_rows(self, stmt: SelectBase[Any]) -> list[dict[str, Any]]:
        """Execute a statement; return ``{column: value}`` dicts (nodes hydrated)."""
        return cast(list[dict[str, Any]], self._run(execution.select_op(self._core, stmt, "rows")))

    def all_with_edges(self, stmt: SelectBase[Any]) -> list[tuple[Any, ...]]:
        """Execute a statement; return tuples of nodes and edge models."""
        return cast(
            list[tuple[Any, ...]], self._run(execution.select_op(self._core, stmt, "edges"))
        )

    def query(self, cls: type[T]) -> BoundQuery[T]:
        """A statement on ``cls`` bound to this session (terminals ``.all()``, ...)."""
        return BoundQuery(self, builder.select(cls))

    def fulltext_search(
        self, cls: type[T], *, query: str, fields: Iterable[Any] | None = None
    ) -> BoundQuery[T]:
        """A bound statement over the fulltext index of ``cls``."""
        chosen = list(fields) if fields is not None else None
        return BoundQuery(self, builder.fulltext_search(cls, query=query, fields=chosen))

    def vector_search(
        self,
        cls: type[T],
        *,
        field: Any,
        vector: Any,
        k: int = 10,
        score_alias: str | None = None,
        similarity: VectorSimilarity = "euclidean",
    ) -> BoundQuery[T]:
        """A bound K-nearest-neighbour statement over a vector index of ``cls``.

        ``similarity`` orders a filtered search: see :func:`~runic.ogm.query.vector_search`.
        """
        stmt = builder.vector_search(
            cls, field=field, vector=vector, k=k, score_alias=score_alias, similarity=similarity
        )
        return BoundQuery(self, stmt)

    def find_all(
        self,
        cls: type[T],
        *,
        fetch: Sequence[str] | None = None,
        skip: int = 0,
        limit: int | None = None,
        ids: Iterable[Any] | None = None,
    ) -> list[T]:
        """Every entity of ``cls`` (or those with primary keys ``ids``), in one query.

        Paginated (``skip``/``limit``, ordered by key) and ``fetch`` eager-loaded.
        """
        found = self._run(
            self._core.find_all(cast(Any, cls), **execution.find_all_args(fetch, skip, limit, ids))
        )
        return cast("list[T]", found)
