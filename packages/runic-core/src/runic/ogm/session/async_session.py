"""``AsyncSession``: the awaiting facade over :class:`~runic.ogm.session.core.SessionCore`.

Staging methods (``add``, ``add_all``, ``delete``, ``expunge``, ``expire``) are
plain; every method that touches the database is a coroutine. Lazy loading is
impossible here (attribute access cannot await): an unloaded relation raises
:class:`~runic.ogm.exceptions.LazyLoadError`; load it with ``fetch=`` or
``await session.load(entities, "relation")``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, NoReturn, TypeVar, cast

from runic.ogm.core.descriptors import FieldDescriptor
from runic.ogm.driver.protocols import (
    AsyncGraphDriver,
    AsyncGraphTransaction,
    AsyncTransactionalGraphDriver,
)
from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import LazyLoadError
from runic.ogm.session import execution
from runic.ogm.session.base import SessionBase, offers_transactions
from runic.ogm.session.ops import Op, Statement, drive_async

__all__ = ["AsyncSession"]

logger = logging.getLogger("runic.session")

T = TypeVar("T")
R = TypeVar("R")


class AsyncSession(SessionBase):
    """A unit of work over an :class:`~runic.ogm.driver.protocols.AsyncGraphDriver`."""

    def __init__(
        self, driver: AsyncGraphDriver, mapper: Any = None, *, log_cypher: bool = False
    ) -> None:
        super().__init__(driver.dialect, log_cypher=log_cypher)
        self._driver = driver
        self._tx: AsyncGraphTransaction | None = None
        self._transactional = offers_transactions(driver)
        self._core.track_flushes = self._transactional
        # Coroutines sharing this session (asyncio.gather) share its one transaction:
        # its statements run one at a time, and only one of them may begin it.
        self._tx_lock = asyncio.Lock()
        self._core._lazy_loader = self._lazy_load

    @property
    def driver(self) -> AsyncGraphDriver:
        """The driver this session executes on."""
        return self._driver

    # -- I/O ----------------------------------------------------------------------------

    async def _execute(self, stmt: Statement) -> QueryResult:
        self._log(stmt)
        if not self._transactional:
            return await self._driver.execute(
                stmt.cypher, stmt.params, write=stmt.write, columns=stmt.columns
            )
        async with self._tx_lock:
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
        return await drive_async(op, self._execute)

    def _lazy_load(self, entity: Any, descriptor: FieldDescriptor) -> NoReturn:
        kind = "relation" if descriptor.is_relation else "field"
        raise LazyLoadError(
            f"{type(entity).__name__}.{descriptor.name} is not loaded and an AsyncSession "
            f"cannot load a {kind} on attribute access; use "
            f"get(..., fetch=[{descriptor.name!r}]) or "
            f"await session.load(entity, {descriptor.name!r})"
            + ("" if descriptor.is_relation else " / await session.refresh(entity)")
        )

    # -- unit of work -------------------------------------------------------------------

    async def flush(self) -> None:
        """Write every pending change (one statement); keep the identity map."""
        await self._run(self._core.flush())

    async def commit(self) -> None:
        """Flush, then commit the transaction on transactional backends."""
        await self.flush()
        async with self._tx_lock:
            tx, self._tx = self._tx, None
            if tx is not None:
                try:
                    await tx.commit()
                except BaseException:
                    self._core.restore_after_abort()  # not committed: staged again
                    raise
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
        async with self._tx_lock:
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
        return cast("T | None", await self._run(self._core.get(cls, pk, fetch)))  # type: ignore[arg-type]

    async def refresh(self, entity: Any) -> None:
        """Re-read ``entity`` from the graph now."""
        await self._run(self._core.refresh(entity))

    async def load(self, entities: Any, relation: str | FieldDescriptor) -> None:
        """Load ``relation`` of one entity or a list of them, in one query."""
        await self._run(self._core.load_relation(*execution.load_args(entities, relation)))

    async def relate(
        self, source: Any, field: str | FieldDescriptor, target: Any, edge: Any = None
    ) -> None:
        """Create (or update, MERGE) the edge ``source -field-> target`` and flush."""
        self._core.stage_edge("merge", source, field, target, edge)
        await self.flush()

    async def unrelate(self, source: Any, field: str | FieldDescriptor, target: Any) -> None:
        """Delete the edge ``source -field-> target`` and flush."""
        self._core.stage_edge("delete", source, field, target, None)
        await self.flush()

    async def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        write: bool = False,
        *,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run raw Cypher; values travel in ``params``. No entity mapping."""
        stmt = execution.raw(cypher, params, write, columns)
        return await self._run(self._core.run_compiled(stmt))

    async def scalars(self, stmt: Any) -> list[Any]:
        """Execute a ``select()`` statement; return its entities (or projected values)."""
        return cast(list[Any], await self._run(execution.select_op(self._core, stmt, "scalars")))

    async def scalar(self, stmt: Any) -> Any:
        """Execute with ``LIMIT 1``; return the first entity or ``None``."""
        return await self._run(execution.select_op(self._core, stmt, "scalar"))

    async def count(self, stmt: Any) -> int:
        """Count what the statement matches."""
        return cast(int, await self._run(execution.select_op(self._core, stmt, "count")))

    async def all_rows(self, stmt: Any) -> list[dict[str, Any]]:
        """Execute; return ``{column: value}`` dicts (nodes hydrated)."""
        return cast(
            list[dict[str, Any]], await self._run(execution.select_op(self._core, stmt, "rows"))
        )

    async def all_with_edges(self, stmt: Any) -> list[tuple[Any, ...]]:
        """Execute; return tuples of nodes and edge models."""
        return cast(
            list[tuple[Any, ...]],
            await self._run(execution.select_op(self._core, stmt, "edges")),
        )

    def _query_cls(self) -> type[Any]:
        from runic.ogm.session.bound import AsyncBoundQuery

        return AsyncBoundQuery

    async def _repo_find_all(self, cls: type[Any], **kwargs: Any) -> list[Any]:
        return await self._run(self._core.find_all(cls, **kwargs))

    async def _run_statement(self, stmt: Statement) -> QueryResult:
        return await self._run(self._core.run_compiled(stmt))
