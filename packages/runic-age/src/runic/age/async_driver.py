"""The asyncio Apache AGE driver (psycopg 3 ``AsyncConnection`` + ``AsyncConnectionPool``).

The source of :mod:`runic.age.driver`, which scripts/unasync.py generates from it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Self

import psycopg
from psycopg import errors as pg_errors
from psycopg.abc import RV, PQGen
from psycopg.pq import TransactionStatus
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from runic.age._base import (
    BEGIN_READ_ONLY,
    CREATE_EXTENSION,
    CREATE_GRAPH,
    DROP_GRAPH,
    GRAPH_EXISTS,
    LOAD_AGE,
    RELEASE,
    ROLLBACK_TO,
    SAVEPOINT,
    SESSION_SETUP,
    SET_READ_ONLY,
    WROTE,
    AGESettings,
    AGESettingsError,
    DriverBase,
    StatementTimeout,
    TimedConnectionState,
    decode_rows,
    describe_connection,
    ended_error,
    settings_from,
)
from runic.age._errors import raise_translated
from runic.ogm.driver.results import QueryResult
from runic.ogm.driver.timeouts import Timeouts
from runic.ogm.exceptions import (
    ConnectionFailedError,
    QueryExecutionError,
    QueryTimeoutError,
    TransactionError,
    TransientError,
)

__all__ = [
    "AsyncAGEDriver",
    "AsyncAGETransaction",
    "AsyncTimedConnection",
    "setup_async_connection",
]

AsyncConnection = psycopg.AsyncConnection[Any]


class AsyncTimedConnection(TimedConnectionState, psycopg.AsyncConnection[Any]):
    """The pooled connections of :meth:`AsyncAGEDriver.connect`: every wait is bounded.

    A wait for the server longer than ``wait_limit`` closes the connection and
    raises ``StatementTimeout`` (a ``psycopg.OperationalError``).
    """

    async def wait(self, gen: PQGen[RV], interval: float = 0.1, timeout: float | None = None) -> RV:
        """Consume ``gen`` as psycopg does, within this connection's wait limit."""
        limit = self.bounded(timeout)
        try:
            return await super().wait(gen, interval=interval, timeout=limit)
        except pg_errors.OperationalError as exc:
            if timeout is not None or type(exc).__name__ != "_WaitTimeout":
                raise
            await self.close()  # its state is unknown: never reuse it
            raise StatementTimeout(f"no answer from the server within {limit} s") from exc


async def setup_async_connection(conn: AsyncConnection) -> None:
    """Load AGE and set the search path (and containment matching) on ``conn``."""
    if conn.info.transaction_status != TransactionStatus.IDLE:
        raise AGESettingsError(
            "the psycopg connection given to AsyncAGEDriver has an open transaction; "
            "commit or roll it back first"
        )
    autocommit = conn.autocommit
    await conn.set_autocommit(True)
    try:
        for statement in LOAD_AGE:
            try:
                await conn.execute(statement)
                break
            except psycopg.DatabaseError:
                continue  # not allowed here (or no plugin copy): AGE may be preloaded
        for statement in SESSION_SETUP:
            await conn.execute(statement)
    finally:
        await conn.set_autocommit(autocommit)


class _Pooled:
    """Connections from a psycopg_pool pool, opened by :meth:`open` or on first use."""

    def __init__(
        self,
        pool: AsyncConnectionPool[AsyncConnection],
        timeout: float,
        *,
        open_timeout: float,
        wait: bool,
        on_open_failure: Any = None,
        probe: Any = None,
    ) -> None:
        self.pool = pool
        self.timeout = timeout
        self._open_timeout = open_timeout
        self._wait = wait
        self._opened = False
        self._lock = asyncio.Lock()
        self._on_open_failure = on_open_failure
        self._probe = probe

    async def open(self) -> None:
        """Open the pool (once), after the probe for a clear connection error."""
        async with self._lock:
            if self._opened:
                return
            if self._probe is not None:
                await self._probe()
            try:
                await self.pool.open(wait=self._wait, timeout=self._open_timeout)
            except PoolTimeout as exc:
                await self.pool.close()
                if self._on_open_failure is not None:
                    await self._on_open_failure(exc)
                raise
            self._opened = True

    async def acquire(self) -> AsyncConnection:
        if not self._opened:
            await self.open()
        return await self.pool.getconn(timeout=self.timeout)

    async def release(self, conn: AsyncConnection) -> None:
        if isinstance(conn, AsyncTimedConnection):
            conn.idle_since = time.monotonic()
        await self.pool.putconn(conn)

    async def close(self) -> None:
        await self.pool.close()


def _current_owner() -> object:
    """Who is using a caller's connection: the running task (the thread, when blocking)."""
    return asyncio.current_task()  # unasync: async-only
    # return threading.get_ident()  # unasync: sync-only


async def _lock_within(lock: asyncio.Lock, timeout: float) -> bool:
    """Take ``lock``, waiting at most ``timeout`` seconds; ``False`` if it stayed busy."""
    # unasync: begin async-only
    try:
        await asyncio.wait_for(lock.acquire(), timeout)
    except TimeoutError:
        return False
    return True
    # unasync: end
    # return lock.acquire(timeout=timeout)  # unasync: sync-only


class _Single:
    """One connection given by the caller, used by one transaction at a time.

    It is set up (AGE loaded, search path) on first use.
    """

    def __init__(self, conn: AsyncConnection, timeout: float) -> None:
        self.conn = conn
        self.timeout = timeout
        self._lock = asyncio.Lock()
        self._owner: object = None
        self._ready = False

    async def acquire(self) -> AsyncConnection:
        owner = _current_owner()
        if self._owner is not None and self._owner == owner:
            raise TransactionError(
                "this AsyncAGEDriver runs on one psycopg connection, which this thread or "
                "task already uses for an open transaction (another session?); finish that "
                "first, or build the driver with a pool (AsyncAGEDriver.connect / "
                "create_async_age_driver)"
            )
        if not await _lock_within(self._lock, self.timeout):
            raise ConnectionFailedError(
                f"the psycopg connection of this AsyncAGEDriver stayed busy for {self.timeout} "
                "s; build the driver with a pool for concurrent use"
            )
        self._owner = owner
        if not self._ready:
            try:
                await setup_async_connection(self.conn)
            except BaseException:
                self._owner = None
                self._lock.release()
                raise
            self._ready = True
        return self.conn

    async def release(self, conn: AsyncConnection) -> None:
        self._owner = None
        self._lock.release()

    async def close(self) -> None:
        """The caller owns the connection: leave it open."""


class AsyncAGEDriver(DriverBase):
    """Asyncio driver for one AGE graph; a ``TransactionalGraphDriver``.

    Build it with :meth:`connect` (or :func:`~runic.age.create_async_age_driver`, a
    plain function: the pool opens on first use, inside your event loop), which
    owns a pool of connections shared by tasks, or on a psycopg
    connection of yours (``AsyncAGEDriver(conn, "my_graph")``; you keep owning it and
    one transaction uses it at a time).

    Every statement runs as ``SELECT * FROM cypher('graph', $$ ... $$, %s) AS (...)``
    with the parameters as one agtype map; statements a connection runs again
    are prepared on the server. :meth:`begin` starts a PostgreSQL transaction;
    :meth:`execute` runs one statement in its own transaction.
    """

    def __init__(
        self,
        conn: AsyncConnection | AsyncConnectionPool[AsyncConnection],
        graph_name: str,
        *,
        create_graph: bool = False,
        pool_timeout: float = 30.0,
        _endpoint: str | None = None,
        _source: _Pooled | None = None,
        _timeouts: Timeouts | None = None,
    ) -> None:
        self._init_base(graph_name, _endpoint or describe_connection(conn), create_graph, _timeouts)
        self._owns_pool = _source is not None
        self._graph_lock = asyncio.Lock()
        if _source is not None:
            self._source: _Pooled | _Single = _source
        elif isinstance(conn, AsyncConnectionPool):
            self._source = _Pooled(conn, pool_timeout, open_timeout=pool_timeout, wait=False)
        elif isinstance(conn, psycopg.AsyncConnection):
            self._source = _Single(conn, pool_timeout)
        else:
            raise TypeError(
                "AsyncAGEDriver needs a psycopg AsyncConnection or psycopg_pool "
                f"AsyncConnectionPool, got {type(conn).__name__}; use "
                "AsyncAGEDriver.connect(...) to let it build a pool"
            )

    # -- construction -------------------------------------------------------------------

    @classmethod
    def connect(
        cls,
        host: str | None = None,
        port: int | None = None,
        database: str | None = None,
        graph: str | None = None,
        username: str | None = None,
        password: str | None = None,
        **options: Any,
    ) -> Self:
        """Connect to PostgreSQL with AGE; ``options`` are :class:`AGESettings` fields."""
        return cls.from_settings(
            settings_from(host, port, database, graph, username, password, options)
        )

    @classmethod
    def from_settings(cls, settings: AGESettings) -> Self:
        """Build a pooled driver from ready-made :class:`AGESettings` (the pool opens on first use).

        One connection is made first, directly: a wrong password, an unknown
        database or a closed port fail at once (the pool would retry until its
        timeout), a mute server within ``connect_timeout``.
        """
        conninfo = settings.conninfo()
        endpoint = settings.endpoint
        timeouts = settings.timeouts

        async def configure(conn: AsyncConnection) -> None:
            await setup_async_connection(conn)
            for statement in settings.session_settings():
                await conn.execute(statement)
            if isinstance(conn, AsyncTimedConnection):
                conn.wait_limit = timeouts.client_wait

        async def check(conn: AsyncConnection) -> None:
            if settings.needs_check(conn, time.monotonic()):
                await AsyncConnectionPool.check_connection(conn)

        pool: AsyncConnectionPool[AsyncConnection] = AsyncConnectionPool(
            conninfo,
            connection_class=AsyncTimedConnection,
            kwargs=settings.connection_kwargs(),
            min_size=settings.min_size,
            max_size=settings.max_size,
            timeout=settings.pool_timeout,
            configure=configure,
            check=check,
            name=f"runic-age-async-{settings.graph}",
            open=False,
        )

        async def probe() -> None:
            """One direct connection first: wrong settings fail at once."""
            try:
                conn = await AsyncTimedConnection.connect(conninfo, **settings.connection_kwargs())
            except psycopg.Error as direct:
                raise_translated(direct, endpoint=endpoint, graph=settings.graph, cypher=None)
            await conn.close()

        async def explain(exc: BaseException) -> None:
            raise_translated(exc, endpoint=endpoint, graph=settings.graph, cypher=None)

        source = _Pooled(
            pool,
            settings.pool_timeout,
            open_timeout=settings.connect_timeout or 60.0,
            wait=settings.min_size > 0,
            on_open_failure=explain,
            probe=probe,
        )
        driver = cls(
            pool,
            settings.graph,
            create_graph=settings.create_graph,
            pool_timeout=settings.pool_timeout,
            _endpoint=endpoint,
            _source=source,
            _timeouts=timeouts,
        )
        # source.open()  # unasync: sync-only
        return driver

    # -- statements ---------------------------------------------------------------------

    async def _source_conn(self) -> AsyncConnection:
        self._check_open()
        try:
            return await self._source.acquire()
        except PoolTimeout as exc:
            self._raise(exc, None)
        except psycopg.Error as exc:
            self._raise(exc, None)

    async def _acquire(self) -> AsyncConnection:
        conn = await self._source_conn()
        try:
            if not self._graph_ready:
                await self._ensure_graph(conn)
        except BaseException:
            await self._release(conn)
            raise
        return conn

    async def _release(self, conn: AsyncConnection) -> None:
        await self._source.release(conn)

    async def _ensure_graph(self, conn: AsyncConnection) -> None:
        async with self._graph_lock:
            if self._graph_ready:
                return
            try:
                await _create_graph_on(conn, self._graph)
            except psycopg.Error as exc:
                self._raise(exc, None)
            self._graph_ready = True

    async def _fetch(self, conn: AsyncConnection, sql: str, args: str) -> list[tuple[Any, ...]]:
        cursor = await conn.execute(sql, (args,))
        return await cursor.fetchall()

    async def _run(
        self,
        conn: AsyncConnection,
        cypher: str,
        params: Mapping[str, Any] | None,
        columns: Sequence[str] | None,
        *,
        in_transaction: bool,
        write: bool,
    ) -> QueryResult:
        """Run one statement on ``conn``, retrying a lost label-creation race.

        Outside a transaction the statement simply runs again. Inside one, a
        write runs behind a savepoint (sent in the same round trip) so that
        only the statement is rolled back and retried.
        """
        sql, args, names = self._statement(cypher, params, columns)
        guarded = in_transaction and write
        attempt = 0
        while True:
            attempt += 1
            try:
                if guarded:
                    async with conn.pipeline():
                        # one round trip: the rows are read once all three are sent
                        await conn.execute(SAVEPOINT)
                        cursor = await conn.execute(sql, (args,))
                        await conn.execute(RELEASE)
                        raw = await cursor.fetchall()
                else:
                    raw = await self._fetch(conn, sql, args)
                return decode_rows(raw, names)
            except psycopg.Error as exc:
                delay = self._check_retry(
                    exc,
                    cypher,
                    attempt=attempt,
                    guarded=guarded,
                    in_transaction=in_transaction,
                    broken=conn.broken or conn.closed,
                )
                try:
                    if guarded:
                        await conn.execute(ROLLBACK_TO)
                    elif not conn.autocommit:
                        await conn.rollback()
                except psycopg.Error:
                    self._raise(exc, cypher, in_transaction=in_transaction)
                if delay:
                    await asyncio.sleep(delay)

    async def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = True,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run one statement in its own transaction and return its decoded rows.

        ``columns`` names the result columns in order (AGE needs them up front);
        leave it out for a statement without ``RETURN``. ``write=False`` runs it
        in a ``READ ONLY`` transaction: PostgreSQL refuses any write in it.
        """
        conn = await self._acquire()
        if not write:
            try:
                return await self._read_only(conn, cypher, params, columns)
            finally:
                await self._release(conn)
        try:
            result = await self._run(
                conn, cypher, params, columns, in_transaction=False, write=True
            )
            if not conn.autocommit:
                try:
                    await conn.commit()
                except psycopg.Error as exc:
                    self._raise(exc, cypher, committing=True)
            return result
        except BaseException:
            if not conn.autocommit and not conn.closed:
                await conn.rollback()
            raise
        finally:
            await self._release(conn)

    async def _read_only(
        self,
        conn: AsyncConnection,
        cypher: str,
        params: Mapping[str, Any] | None,
        columns: Sequence[str] | None,
    ) -> QueryResult:
        """One statement in a read-only transaction of its own (one round trip)."""
        sql, args, names = self._statement(cypher, params, columns)
        try:
            async with conn.pipeline():
                # autocommit: an explicit transaction; else the implicit one begins here
                await conn.execute(BEGIN_READ_ONLY if conn.autocommit else SET_READ_ONLY)
                cursor = await conn.execute(sql, (args,))
                check = await conn.execute(WROTE)
                if conn.autocommit:
                    await conn.execute("ROLLBACK")  # a read keeps nothing
                raw = await cursor.fetchall()
                wrote = await check.fetchone()
            if not conn.autocommit:
                await conn.rollback()
        except psycopg.Error as exc:
            if not conn.closed and conn.info.transaction_status != TransactionStatus.IDLE:
                try:
                    if conn.autocommit:
                        await conn.execute("ROLLBACK")
                    else:
                        await conn.rollback()
                except psycopg.Error:
                    pass  # the original error matters
            self._raise(exc, cypher)
        if wrote is not None and wrote[0]:
            raise QueryExecutionError(
                "a read-only statement (write=False) changed the graph (AGE applies SET "
                "and DELETE even in a READ ONLY transaction); its transaction was rolled "
                "back and nothing was written. Run it with write=True if it is meant to write",
                backend=self.backend,
                cypher=cypher,
            )
        return decode_rows(raw, names)

    async def begin(self, *, write: bool = True) -> AsyncAGETransaction:
        """Begin a PostgreSQL transaction on a pooled connection (read-only if not ``write``)."""
        conn = await self._acquire()
        try:
            if conn.autocommit:
                await conn.execute("BEGIN" if write else "BEGIN READ ONLY")
        except psycopg.Error as exc:
            await self._release(conn)
            self._raise(exc, None)
        except BaseException:
            await self._release(conn)
            raise
        return AsyncAGETransaction(self, conn)

    # -- graph management ---------------------------------------------------------------

    async def ping(self) -> bool:
        """``True`` when the server answers; ConnectionFailedError otherwise."""
        conn = await self._source_conn()
        try:
            await (await conn.execute("SELECT 1")).fetchone()
            return True
        except psycopg.Error as exc:
            self._raise(exc, None)
        finally:
            await self._release(conn)

    async def graph_exists(self) -> bool:
        """Whether this driver's graph exists in the database."""
        conn = await self._source_conn()
        try:
            row = await (await conn.execute(GRAPH_EXISTS, (self._graph,))).fetchone()
            if not conn.autocommit:
                await conn.commit()
            return bool(row and row[0])
        except psycopg.Error as exc:
            self._raise(exc, None)
        finally:
            await self._release(conn)

    async def create_graph(self) -> None:
        """Create the AGE extension (if missing) and this driver's graph (if missing)."""
        conn = await self._source_conn()
        try:
            await _create_graph_on(conn, self._graph)
            self._graph_ready = True
        except psycopg.Error as exc:
            self._raise(exc, None)
        finally:
            await self._release(conn)

    async def drop_graph(self) -> None:
        """Drop this driver's graph and everything in it (no error if it is absent)."""
        conn = await self._source_conn()
        try:
            row = await (await conn.execute(GRAPH_EXISTS, (self._graph,))).fetchone()
            if row and row[0]:
                await conn.execute(DROP_GRAPH, (self._graph,))
            if not conn.autocommit:
                await conn.commit()
            self._graph_ready = not self._create_graph
        except psycopg.Error as exc:
            if not conn.autocommit and not conn.closed:
                await conn.rollback()
            self._raise(exc, None)
        finally:
            await self._release(conn)

    # -- lifecycle ----------------------------------------------------------------------

    async def close(self) -> None:
        """Close the pool this driver owns (a caller's connection stays open)."""
        if self._closed:
            return
        self._closed = True
        if self._owns_pool:
            await self._source.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def execute_sql(self, sql: str, params: Sequence[Any] | None = None) -> QueryResult:
        """Run one SQL statement (schema DDL or a catalog read) in its own transaction.

        ``params`` fill the statement's ``%s`` placeholders (psycopg's).
        """
        conn = await self._acquire()
        try:
            cursor = await conn.execute(sql, params)
            rows = await cursor.fetchall() if cursor.description else []
            names = [c.name for c in cursor.description or ()]
            if not conn.autocommit:
                await conn.commit()
            return QueryResult(names, [tuple(r) for r in rows])
        except psycopg.Error as exc:
            if not conn.autocommit and not conn.closed:
                await conn.rollback()
            self._raise(exc, sql)
        finally:
            await self._release(conn)


class AsyncAGETransaction:
    """A PostgreSQL transaction on one connection, from :meth:`AsyncAGEDriver.begin`."""

    def __init__(self, driver: AsyncAGEDriver, conn: AsyncConnection) -> None:
        self._driver = driver
        self._conn: AsyncConnection | None = conn

    @property
    def active(self) -> bool:
        """``True`` until :meth:`commit` or :meth:`rollback`."""
        return self._conn is not None

    async def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = True,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run one statement inside the transaction."""
        conn = self._conn
        if conn is None:
            raise ended_error(self._driver.graph_name)
        try:
            return await self._driver._run(
                conn, cypher, params, columns, in_transaction=True, write=write
            )
        except (TransientError, QueryTimeoutError):
            # the transaction is lost either way: release its locks (or drop its
            # dead connection) now rather than when the caller rolls back
            await self.rollback()
            raise

    async def execute_sql(self, sql: str, params: Sequence[Any] | None = None) -> QueryResult:
        """Run one SQL statement inside the transaction (a migration's DDL or batch).

        ``params`` fill the statement's ``%s`` placeholders (psycopg's).
        """
        conn = self._conn
        if conn is None:
            raise ended_error(self._driver.graph_name)
        try:
            cursor = await conn.execute(sql, params)
            rows = await cursor.fetchall() if cursor.description else []
            names = [c.name for c in cursor.description or ()]
            return QueryResult(names, [tuple(r) for r in rows])
        except psycopg.Error as exc:
            self._driver._raise(exc, sql)

    async def commit(self) -> None:
        """Commit and give the connection back."""
        conn = self._conn
        if conn is None:
            raise ended_error(self._driver.graph_name)
        self._conn = None
        try:
            await conn.commit()
        except psycopg.Error as exc:
            self._driver._raise(exc, None, committing=True)
        finally:
            await self._driver._release(conn)

    async def rollback(self) -> None:
        """Roll back and give the connection back (a no-op once ended)."""
        conn = self._conn
        if conn is None:
            return
        self._conn = None
        try:
            if not conn.closed:
                await conn.rollback()
        except psycopg.Error as exc:
            if not conn.broken:
                self._driver._raise(exc, None)
            # a broken connection: the server has discarded the transaction already
        finally:
            await self._driver._release(conn)


# -- helpers ------------------------------------------------------------------------------


async def _create_graph_on(conn: AsyncConnection, graph: str) -> None:
    """``CREATE EXTENSION IF NOT EXISTS age`` and ``create_graph`` unless it exists."""
    try:
        await conn.execute(CREATE_EXTENSION)
        row = await (await conn.execute(GRAPH_EXISTS, (graph,))).fetchone()
        if not (row and row[0]):
            await conn.execute(CREATE_GRAPH, (graph,))
        if not conn.autocommit:
            await conn.commit()
    except psycopg.Error:
        if not conn.autocommit and not conn.closed:
            await conn.rollback()
        raise
