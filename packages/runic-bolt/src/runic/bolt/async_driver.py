"""The asyncio Bolt driver and its transactions.

The source of :mod:`runic.bolt.driver`, which scripts/unasync.py generates from it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Self

import neo4j

from runic.bolt._base import (
    SERVER_READ_MODE,
    DriverBase,
    TransactionBase,
    TransactionState,
    check_cypher,
    check_params,
    install_timeouts,
    prepare,
    refuse_write_in_read,
)
from runic.bolt._decode import Decoder
from runic.bolt.dialect import BoltDialect
from runic.ogm.driver.results import QueryResult
from runic.ogm.driver.timeouts import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RETRIES,
    DEFAULT_QUERY_TIMEOUT,
    DEFAULT_RETRY_BACKOFF,
)

__all__ = ["AsyncBoltDriver", "AsyncBoltTransaction", "TransactionState"]

# Errors a rollback or session close may raise once the connection is gone; the
# server discards an unfinished transaction when its connection closes.
_CLEANUP_ERRORS = (neo4j.exceptions.DriverError, neo4j.exceptions.Neo4jError, OSError)


async def collect(result: Any, decoder: Decoder, columns: Sequence[str] | None) -> QueryResult:
    """Read every record of a neo4j ``Result`` and its counters.

    ArcadeDB sends no column names with an empty result: ``columns`` (from the
    compiled statement) stand in for them then.
    """
    keys = result.keys()
    rows = await result.values()
    summary = await result.consume()
    return decoder.result(keys or columns or (), rows, summary.counters)


class AsyncBoltTransaction(TransactionBase):
    """An explicit transaction on one pooled connection (see :meth:`AsyncBoltDriver.begin`).

    A statement that fails rolls the whole transaction back at once: the
    connection goes back to the pool and later calls raise
    :class:`~runic.ogm.exceptions.TransactionError`. ``rollback()`` after that
    (or twice) is harmless. Usable as a context manager: commits on success,
    rolls back on an exception.
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
        # unasync: begin async-only
        except BaseException:
            # Cancelled while rolling back: drop the connection, the server discards it.
            self._session.cancel()
            raise
        # unasync: end
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
        """Run one statement inside the transaction (``write`` is the transaction's)."""
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
        """Make every statement of the transaction durable."""
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
        """Discard every statement; a no-op when the transaction already ended."""
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
    """Driver for Neo4j, Memgraph, ArcadeDB or any Bolt server.

    ``AsyncBoltDriver(uri, auth, database, dialect, *, encrypted=True, **config)``:
    ``uri`` is ``bolt://host:7687`` (``neo4j://`` routes through a cluster;
    ``+s``/``+ssc`` schemes force TLS), ``auth`` a ``(user, password)`` tuple,
    ``database`` the database every statement runs in (``None``: the server's
    default), ``dialect`` one of :class:`~runic.bolt.dialect.Neo4jDialect`,
    :class:`~runic.bolt.dialect.MemgraphDialect` or
    :class:`~runic.bolt.dialect.ArcadeDBDialect`. ``config`` goes to
    ``neo4j.AsyncGraphDatabase.driver`` (``max_connection_pool_size``,
    ``connection_timeout``, ``trusted_certificates``, ...).

    The neo4j driver's pool is shared by every session and thread (an async
    driver serves the tasks of one event loop). Without a transaction each
    :meth:`execute` is its own auto-commit transaction; :meth:`begin` returns a
    :class:`AsyncBoltTransaction` (the runic session begins one lazily on its
    first statement). Read statements (``write=False``) and read transactions
    use read access mode, so a cluster can serve them from followers.
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
        """The underlying neo4j driver."""
        return self._driver

    async def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = True,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run one statement in its own auto-commit transaction; return its decoded rows.

        ``write=False`` sends it in read access mode; on a server that does not
        enforce that mode (ArcadeDB, Memgraph) the statement runs in a transaction
        that is rolled back, and a ``QueryExecutionError`` raised, if it changed
        anything. ``columns`` name the result columns when the server sends none
        (ArcadeDB, for an empty result).
        """
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
        """Begin an explicit transaction on a pooled connection.

        ``write=False`` begins a read transaction (routed to a follower in a cluster).
        """
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
        """Run ``RETURN 1`` in the driver's database; raise a runic error if that fails."""
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
