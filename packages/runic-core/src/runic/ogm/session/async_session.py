"""``AsyncSession``: the awaiting facade over :class:`~runic.ogm.session.core.SessionCore`.

Staging methods (``add``, ``add_all``, ``delete``, ``expunge``, ``expire``) are
plain; every method that touches the database is a coroutine. Lazy loading is
impossible here (attribute access cannot await): an unloaded relation raises
:class:`~runic.ogm.exceptions.LazyLoadError`; load it with ``fetch=`` or
``await session.load(entities, "relation")``.

Tasks may share one session (``asyncio.gather``): every coroutine method runs
under the session's lock from its start to its end, so operations never
interleave (reads may overlap other reads on a backend without transactions,
never a write: :mod:`runic.ogm.session.oplock`); staging methods are plain
calls and take effect at once (a flush in progress leaves what was staged while
it ran for the next flush).
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any, NoReturn, TypeVar, cast, overload

from runic.ogm.core.descriptors import FieldDescriptor
from runic.ogm.driver.protocols import (
    AsyncGraphDriver,
    AsyncGraphTransaction,
    AsyncTransactionalGraphDriver,
)
from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import LazyLoadError
from runic.ogm.query import builder
from runic.ogm.query.builder import SelectBase
from runic.ogm.query.bulk import Delete, Update
from runic.ogm.query.ir import VectorSimilarity
from runic.ogm.session import bulk, execution
from runic.ogm.session.base import SessionBase, accept_driver, offers_transactions
from runic.ogm.session.bound import AsyncBoundQuery
from runic.ogm.session.bulk import BulkResult
from runic.ogm.session.oplock import OperationLock
from runic.ogm.session.ops import Op, Statement, drive_async

__all__ = ["AsyncSession"]

logger = logging.getLogger("runic.session")

T = TypeVar("T")
R = TypeVar("R")


class AsyncSession(SessionBase):
    """A unit of work over an :class:`~runic.ogm.driver.protocols.AsyncGraphDriver`.

    ``driver`` may also be a raw ``falkordb.asyncio`` graph handle, which is
    wrapped in an async FalkorDB driver.
    """

    def __init__(
        self, driver: AsyncGraphDriver | Any, mapper: Any = None, *, log_cypher: bool = False
    ) -> None:
        driver = accept_driver(driver, asynchronous=True)
        super().__init__(driver.dialect, log_cypher=log_cypher)
        self._driver: AsyncGraphDriver = driver
        self._tx: AsyncGraphTransaction | None = None
        self._transactional = offers_transactions(driver)
        self._core.track_flushes = self._transactional
        self._core.shared_by_tasks = True
        # Tasks sharing this session (asyncio.gather): each public operation holds this
        # lock from start to end (a flush changes the session's state after its
        # statement returns), exclusively, or shared by reads where the backend runs
        # them side by side (no transaction: FalkorDB). Taken once per operation: the
        # internal steps never take it again.
        self._lock = OperationLock()
        self._core._lazy_loader = self._lazy_load
        self._core.facade = weakref.ref(self)  # entity.awaitable_attrs finds the session

    @property
    def driver(self) -> AsyncGraphDriver:
        """The driver this session executes on."""
        return self._driver

    # -- I/O ----------------------------------------------------------------------------

    async def _execute(self, stmt: Statement) -> QueryResult:
        """Send one statement (the caller holds ``self._lock``)."""
        self._log(stmt)
        if not self._transactional:
            return await self._driver.execute(
                stmt.cypher, stmt.params, write=stmt.write, columns=stmt.columns
            )
        if self._tx is None:
            self._tx = await cast(AsyncTransactionalGraphDriver, self._driver).begin()
        try:
            return await self._tx.execute(
                stmt.cypher, stmt.params, write=stmt.write, columns=stmt.columns
            )
        except BaseException:
            await self._abort_transaction()
            raise

    async def _abort_transaction(self) -> None:
        """A statement failed: end the transaction; its flushed work is staged again."""
        tx, self._tx = self._tx, None
        if tx is not None:
            try:
                await tx.rollback()
            except Exception:  # the failed statement's error is the one raised
                logger.debug("rolling back after a failed statement failed too", exc_info=True)
            finally:
                self._core.restore_after_abort()

    async def _run(self, op: Op[R]) -> R:
        """Run one operation to completion, holding the session's lock alone."""
        async with self._lock.exclusive():
            return await drive_async(op, self._execute)

    async def _read(self, op: Op[R]) -> R:
        """Run a read: beside other reads without a transaction, else alone.

        A transaction is one connection, so its statements run one at a time anyway.
        """
        if self._transactional:
            return await self._run(op)
        async with self._lock.shared():
            return await drive_async(op, self._execute)

    def _lazy_load(self, entity: Any, descriptor: FieldDescriptor) -> NoReturn:
        where = f"{type(entity).__name__}.{descriptor.name}"
        if descriptor.is_relation:
            advice = (
                f"use get(..., fetch=[{descriptor.name!r}]) or "
                f"await session.load(entity, {descriptor.name!r})"
            )
        else:  # an expired property: fetch=/load() take relations only
            advice = "re-read the entity first: await session.refresh(entity)"
        kind = "relation" if descriptor.is_relation else "property"
        raise LazyLoadError(
            f"{where} is not loaded and an AsyncSession cannot load a {kind} on "
            f"attribute access; {advice}"
        )

    # -- unit of work -------------------------------------------------------------------

    async def flush(self) -> None:
        """Write every pending change (one statement); keep the identity map."""
        await self._run(self._core.flush())

    async def commit(self) -> None:
        """Flush, then commit the transaction on transactional backends."""
        async with self._lock.exclusive():  # the flush and the commit as one operation
            await drive_async(self._core.flush(), self._execute)
            tx, self._tx = self._tx, None
            if tx is not None:
                try:
                    await tx.commit()
                except BaseException as exc:
                    error = self._core.commit_failed(exc)  # not committed: staged again
                    if error is None:
                        raise
                    raise error from exc
            self._core.forget_flushed()

    async def rollback(self) -> None:
        """Discard unflushed (and, on transactional backends, flushed) changes."""
        self._core.check_open()
        await self._roll_back_then(self._core.clear_after_rollback)

    async def close(self) -> None:
        """Roll back an open transaction and detach every entity."""
        if self._core.closed:
            return
        await self._roll_back_then(self._core.close)

    async def _roll_back_then(self, then: Callable[[], None]) -> None:
        """Roll back the open transaction (if any), then run ``then`` whatever happened."""
        async with self._lock.exclusive():
            tx, self._tx = self._tx, None
            try:
                if tx is not None:
                    await tx.rollback()
            finally:
                then()

    async def __aenter__(self) -> AsyncSession:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._core.closed:
            return
        if exc is None:
            try:
                await self.commit()
            finally:
                await self.close()
            return
        # never hide the error that ended the block behind one from the clean-up
        for clean_up in (self.rollback, self.close):
            try:
                await clean_up()
            except Exception as err:  # noqa: BLE001 - noted on the user's error
                exc.add_note(f"(runic: {clean_up.__name__}() failed too: {err!r})")

    # -- reads ----------------------------------------------------------------------

    async def get(self, cls: type[T], pk: Any, fetch: Sequence[str] | None = None) -> T | None:
        """Return the entity with primary key ``pk`` (identity map first), or ``None``."""
        return cast("T | None", await self._read(self._core.get(cls, pk, fetch)))  # type: ignore[arg-type]

    async def refresh(self, entity: Any) -> None:
        """Re-read ``entity`` from the graph now."""
        await self._run(self._core.refresh(entity))

    async def load(self, entities: Any, relation: str | FieldDescriptor) -> None:
        """Load ``relation`` of one entity or a list of them, in one query."""
        await self._read(self._core.load_relation(*execution.load_args(entities, relation)))

    async def _await_attribute(self, entity: Any, name: str) -> Any:
        """Load relation or expired field ``name`` of ``entity`` (``awaitable_attrs``)."""
        if name in type(entity).__runic_meta__.relations:
            await self.load(entity, name)
        else:
            await self._run(self._core.load_expired(entity))
        return getattr(entity, name)

    async def relate(
        self, source: Any, field: str | FieldDescriptor, target: Any, edge: Any = None
    ) -> None:
        """Create (or update, MERGE) the edge ``source -field-> target`` and flush."""
        self._core.stage_edge("merge", source, field, target, edge)
        await self._run(self._core.flush())

    async def unrelate(self, source: Any, field: str | FieldDescriptor, target: Any) -> None:
        """Delete the edge ``source -field-> target`` and flush."""
        self._core.stage_edge("delete", source, field, target, None)
        await self._run(self._core.flush())

    @overload
    async def execute(self, cypher: Update[Any] | Delete[Any]) -> BulkResult: ...

    @overload
    async def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        write: bool = False,
        *,
        columns: Sequence[str] | None = None,
    ) -> QueryResult: ...

    async def execute(
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
            return await self._run(bulk.execute_bulk(self._core, bulk.check_statement(cypher)))
        stmt = execution.raw(cypher, params, write, columns)
        return await self._run(self._core.run_compiled(stmt))

    async def scalars(self, stmt: SelectBase[T]) -> list[T]:
        """Execute a ``select()`` statement; return its entities (or projected values)."""
        return cast("list[T]", await self._read(execution.select_op(self._core, stmt, "scalars")))

    async def scalar(self, stmt: SelectBase[T]) -> T | None:
        """Execute with ``LIMIT 1``; return the first entity or ``None``."""
        return cast("T | None", await self._read(execution.select_op(self._core, stmt, "scalar")))

    async def count(self, stmt: SelectBase[Any]) -> int:
        """Count what the statement matches."""
        return cast(int, await self._read(execution.select_op(self._core, stmt, "count")))

    async def exists(self, stmt: SelectBase[Any]) -> bool:
        """Whether the statement matches anything (one query that stops at the first
        match; skip/limit/order ignored, like :meth:`count`)."""
        return cast(bool, await self._read(execution.select_op(self._core, stmt, "exists")))

    async def all_rows(self, stmt: SelectBase[Any]) -> list[dict[str, Any]]:
        """Execute; return ``{column: value}`` dicts (nodes hydrated)."""
        return cast(
            list[dict[str, Any]], await self._read(execution.select_op(self._core, stmt, "rows"))
        )

    async def all_with_edges(self, stmt: SelectBase[Any]) -> list[tuple[Any, ...]]:
        """Execute; return tuples of nodes and edge models."""
        return cast(
            list[tuple[Any, ...]],
            await self._read(execution.select_op(self._core, stmt, "edges")),
        )

    def query(self, cls: type[T]) -> AsyncBoundQuery[T]:
        """A statement on ``cls`` bound to this session (terminals ``.all()``, ...)."""
        return AsyncBoundQuery(self, builder.select(cls))

    def fulltext_search(
        self, cls: type[T], *, query: str, fields: Iterable[Any] | None = None
    ) -> AsyncBoundQuery[T]:
        """A bound statement over the fulltext index of ``cls``."""
        chosen = list(fields) if fields is not None else None
        return AsyncBoundQuery(self, builder.fulltext_search(cls, query=query, fields=chosen))

    def vector_search(
        self,
        cls: type[T],
        *,
        field: Any,
        vector: Any,
        k: int = 10,
        score_alias: str | None = None,
        similarity: VectorSimilarity = "euclidean",
    ) -> AsyncBoundQuery[T]:
        """A bound K-nearest-neighbour statement over a vector index of ``cls``.

        ``similarity`` orders a filtered search: see :func:`~runic.ogm.query.vector_search`.
        """
        stmt = builder.vector_search(
            cls, field=field, vector=vector, k=k, score_alias=score_alias, similarity=similarity
        )
        return AsyncBoundQuery(self, stmt)

    async def find_all(
        self,
        cls: type[T],
        *,
        fetch: Sequence[str] | None = None,
        skip: int = 0,
        limit: int | None = None,
        ids: Iterable[Any] | None = None,
    ) -> list[T]:
        """Every entity of ``cls`` (or those with primary keys ``ids``), in one query."""
        found = await self._read(
            self._core.find_all(cast(Any, cls), **execution.find_all_args(fetch, skip, limit, ids))
        )
        return cast("list[T]", found)
