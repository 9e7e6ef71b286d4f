"""The asyncio Bolt driver and its transactions (twins of :mod:`runic.bolt.driver`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Self

import neo4j

from runic.bolt._base import DriverBase, check_cypher, check_params, install_timeouts, prepare
from runic.bolt._decode import Decoder
from runic.bolt.dialect import BoltDialect
from runic.bolt.driver import (
    SERVER_READ_MODE,
    TransactionBase,
    TransactionState,
    refuse_write_in_read,
)
from runic.ogm.driver.results import QueryResult
from runic.ogm.driver.timeouts import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RETRIES,
    DEFAULT_QUERY_TIMEOUT,
    DEFAULT_RETRY_BACKOFF,
)

__all__ = ["AsyncBoltDriver", "AsyncBoltTransaction"]

_CLEANUP_ERRORS = (neo4j.exceptions.DriverError, neo4j.exceptions.Neo4jError, OSError)


async def collect(result: Any, decoder: Decoder, columns: Sequence[str] | None) -> QueryResult:
    """Read every record of a neo4j ``AsyncResult`` and its counters (see the sync twin)."""
    keys = result.keys()
    rows = await result.values()
    summary = await result.consume()
    return decoder.result(keys or columns or (), rows, summary.counters)


class AsyncBoltTransaction(TransactionBase):
    """An explicit transaction of an :class:`AsyncBoltDriver` (see :class:`BoltTransaction`).

    A failing statement rolls the transaction back at once; ``async with``
    commits on success and rolls back on an exception.
    """

    _driver: AsyncBoltDriver

    async def _release(self) -> None:
        with contextlib.suppress(*_CLEANUP_ERRORS):
            await self._session.close()

    async def _abort(self, exc: BaseException) -> None:
        self._state = TransactionState.FAILED
        self._failure = f"{type(exc).__name__}: {exc}"
        try:
            await self._tx.rollback()
        except _CLEANUP_ERRORS:
            pass
        except BaseException:
            # Cancelled while rolling back: drop the connection, the server discards it.
            self._session.cancel()
            raise
        finally:
            await self._release()

    async def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = True,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run one statement inside the transaction."""
        self._check_open("execute a statement")
        text = check_cypher(cypher)
        values = check_params(params)
        try:
            return await collect(await self._tx.run(text, values), self._driver._decoder, columns)
        except BaseException as exc:
            await self._abort(exc)
            if isinstance(exc, Exception):
                self._driver._raise(exc, text, values, in_transaction=True)
            raise

    async def commit(self) -> None:
        """Make the transaction durable."""
        self._check_open("commit")
        try:
            await self._tx.commit()
        except BaseException as exc:
            await self._abort(exc)
            if isinstance(exc, Exception):
                self._driver._raise(exc, in_transaction=True)
            raise
        self._state = TransactionState.COMMITTED
        await self._release()

    async def rollback(self) -> None:
        """Discard the transaction; a no-op when it already ended."""
        if self._state is not TransactionState.OPEN:
            return
        self._state = TransactionState.ROLLED_BACK
        try:
            await self._tx.rollback()
        except _CLEANUP_ERRORS:
            pass  # the connection is gone: the server discards the transaction
        finally:
            await self._release()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None and self._state is TransactionState.OPEN:
            await self.commit()
        else:
            await self.rollback()

    def __repr__(self) -> str:
        mode = "write" if self._write else "read"
        return f"<AsyncBoltTransaction {self._driver.backend} {mode} {self._state.value}>"


class AsyncBoltDriver(DriverBase):
    """The asyncio twin of :class:`~runic.bolt.driver.BoltDriver` (same arguments).

    One driver (and its pool) serves many tasks; use it from one event loop.
    """

    def __init__(
        self,
        uri: str,
        auth: Any = None,
        database: str | None = None,
        dialect: BoltDialect | None = None,
        *,
        encrypted: bool | None = True,
        connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
        query_timeout: float | None = DEFAULT_QUERY_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_backoff: float = DEFAULT_RETRY_BACKOFF,
        **config: Any,
    ) -> None:
        timeouts = {
            "connect_timeout": connect_timeout,
            "query_timeout": query_timeout,
            "max_retries": max_retries,
            "retry_backoff": retry_backoff,
        }
        setup = prepare(uri, auth, database, dialect, encrypted, config, timeouts)
        self._init_base(setup)
        try:
            self._driver = neo4j.AsyncGraphDatabase.driver(
                setup.uri, auth=setup.auth, **setup.config
            )
        except Exception as exc:  # noqa: BLE001 - translated (configuration errors)
            self._closed = True
            self._raise(exc)
        install_timeouts(self._driver, setup.timeouts)

    @property
    def neo4j_driver(self) -> Any:
        """The underlying ``neo4j.AsyncDriver``."""
        return self._driver

    async def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = True,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run one statement in its own auto-commit transaction (see the sync twin)."""
        self._check_open()
        text = check_cypher(cypher)
        values = check_params(params)
        if not write and self.backend not in SERVER_READ_MODE:
            return await self._guarded_read(text, values, columns)
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self._session(write) as session:
                    result = await session.run(self._query(text), values)
                    return await collect(result, self._decoder, columns)
            except Exception as exc:  # noqa: BLE001 - translated into runic errors
                delay = self._retry_delay(exc, attempt)
                if delay is None:
                    self._raise(exc, text, values, write=write)
            await asyncio.sleep(delay)

    async def _guarded_read(
        self, text: str, values: dict[str, Any] | None, columns: Sequence[str] | None
    ) -> QueryResult:
        """A read in a transaction of its own, always rolled back: it never writes."""
        try:
            async with (
                self._session(False) as session,
                await session.begin_transaction() as tx,
            ):
                result = await collect(await tx.run(text, values), self._decoder, columns)
                await tx.rollback()
        except Exception as exc:  # noqa: BLE001 - translated into runic errors
            self._raise(exc, text, values)
        if result.stats:
            raise refuse_write_in_read(self.backend, result, text)
        return result

    async def begin(self, *, write: bool = True) -> AsyncBoltTransaction:
        """Begin an explicit transaction on a pooled connection."""
        self._check_open()
        session = self._session(write)
        try:
            tx = await session.begin_transaction()
        except BaseException as exc:
            with contextlib.suppress(*_CLEANUP_ERRORS):  # the original error matters
                await session.close()
            if isinstance(exc, Exception):
                self._raise(exc)
            raise
        return AsyncBoltTransaction(self, session, tx, write=write)

    async def ping(self) -> bool:
        """Run ``RETURN 1``; raise a runic error if that fails."""
        result = await self.execute("RETURN 1 AS ok", write=False)
        return bool(result.scalar() == 1)

    async def close(self) -> None:
        """Close every pooled connection. Closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        await self._driver.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
