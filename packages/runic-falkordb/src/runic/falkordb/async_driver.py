"""The asyncio FalkorDB driver.

The source of :mod:`runic.falkordb.driver`, which scripts/unasync.py generates from it.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import falkordb  # type: ignore[import-untyped]
import redis.asyncio
from falkordb.asyncio.graph import AsyncGraph  # type: ignore[import-untyped]
from falkordb.asyncio.query_result import QueryResult as ClientResult  # type: ignore[import-untyped]
from redis.exceptions import RedisError, ResponseError

from runic.falkordb._base import (
    BULK_LIMIT_COMMAND,
    CREATE_EMPTY_GRAPH,
    DriverBase,
    GcPaused,
    OwnedResources,
)
from runic.falkordb._decode import (
    SchemaMiss,
    SchemaSnapshot,
    Unsupported,
    decode_compact,
    decode_result,
)
from runic.falkordb._errors import BACKEND

# unasync: begin sync-only
# from runic.falkordb._errors import raise_translated
# unasync: end
from runic.falkordb.settings import ConnectionSettings, FalkorDBSettingsError
from runic.ogm.driver.results import QueryResult
from runic.ogm.driver.timeouts import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_RETRY_BACKOFF,
    RetryPolicy,
    check_retries,
)

if TYPE_CHECKING:
    from runic.falkordb.embedded import EmbeddedLease

__all__ = ["AsyncFalkorDBDriver"]

_CLIENT_ERRORS = (RedisError, OSError)


class AsyncFalkorDBDriver(DriverBase):
    """Asyncio driver for one FalkorDB graph.

    Build it from a graph handle
    (``AsyncFalkorDBDriver(falkordb.asyncio.FalkorDB(...).select_graph("g"))``; the
    caller keeps owning that client), or with :meth:`connect` / :meth:`embedded`,
    which own a pool of up to ``max_connections`` connections shared by
    concurrent tasks and release it in :meth:`close`. Those factories are plain
    (non-async) functions and do not touch the network: the first query connects.

    A *blocking* falkordb graph handle is accepted too; its calls then run in a
    worker thread (``asyncio.to_thread``) so the event loop is not blocked.

    FalkorDB runs each query atomically but has no multi-statement transactions,
    so this driver is a :class:`~runic.ogm.driver.protocols.GraphDriver`, not a
    ``TransactionalGraphDriver``.
    """

    def __init__(
        self,
        graph: Any,
        db: Any = None,
        *,
        query_timeout: float | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_backoff: float = DEFAULT_RETRY_BACKOFF,
        _owned: OwnedResources | None = None,
        _settings: ConnectionSettings | None = None,
    ) -> None:
        self._setup(
            graph,
            db if db is not None else getattr(graph, "client", None),
            query_timeout=query_timeout,
            retry=check_retries(max_retries, retry_backoff, FalkorDBSettingsError, BACKEND),
            owned=_owned,
            settings=_settings,
        )
        self._blocking_handle = not inspect.iscoroutinefunction(graph.query)  # unasync: async-only

    @classmethod
    def _open(
        cls,
        settings: ConnectionSettings,
        graph: str,
        retry: RetryPolicy,
        lease: EmbeddedLease | None,
    ) -> Self:
        # unasync: begin async-only
        # falkordb.asyncio.FalkorDB would probe the server with a *blocking*
        # INFO call (retried with back-off) while the event loop waits; the
        # graph handle only needs a client with execute_command, so give it one.
        pool = settings.async_pool()
        db = redis.asyncio.Redis(connection_pool=pool)
        handle = AsyncGraph(db, graph)
        # unasync: end
        # unasync: begin sync-only
        # pool = settings.sync_pool()
        # try:
        #     # The client asks the server (INFO) whether it is a cluster or a
        #     # sentinel, so an unreachable server fails here, within connect_timeout.
        #     db = falkordb.FalkorDB(connection_pool=pool)
        # except _CLIENT_ERRORS as exc:
        #     pool.disconnect()
        #     raise_translated(
        #         exc,
        #         endpoint=settings.endpoint,
        #         cypher=None,
        #         connect_timeout=settings.connect_timeout,
        #     )
        # handle = db.select_graph(graph)
        # unasync: end
        return cls(
            handle,
            db,
            query_timeout=settings.query_timeout,
            max_retries=retry.max_retries,
            retry_backoff=retry.backoff,
            _owned=OwnedResources(pool=pool, lease=lease),
            _settings=settings,
        )

    async def _call(self, method: Callable[..., Any], *args: Any) -> Any:
        """Call a method of the graph handle (async: a blocking handle's in a thread)."""
        # unasync: begin async-only
        if self._blocking_handle:
            return await asyncio.to_thread(method, *args)
        # unasync: end
        return await method(*args)

    async def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = True,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run one statement and return its decoded rows.

        ``write=False`` sends it as ``GRAPH.RO_QUERY``: the server refuses any
        write in it. ``columns`` is accepted for the protocol and not needed here.
        """
        text = self._prepare(cypher, params)
        size = self._oversized(text)
        if size is not None:
            self._check_size(size, await self._bulk_limit(), write)
        try:
            # Blocking: the collector is paused while the reply is read, too (see
            # GcPaused); the async driver pauses it only while decoding, as other
            # tasks run while it waits.
            # unasync: begin sync-only
            # with GcPaused():
            # unasync: end
            with nullcontext():  # unasync: async-only
                reply = await self._send_retrying(text, write)
                return await self._decode(reply)
        except _CLIENT_ERRORS as exc:
            self._raise(exc, cypher, write=write)

    async def _send_retrying(self, text: str, write: bool) -> list[Any]:
        """:meth:`_send`, creating a missing graph for a read, re-sending a refused query."""
        attempt = 0
        while True:
            attempt += 1
            try:
                try:
                    return await self._send(text, write)
                except RedisError as exc:
                    if write or not self._is_missing_graph(exc):
                        raise
                    # RO_QUERY on a graph that does not exist yet: create it empty
                    # (no visible change for a read) and read again.
                    await self._call(self._graph.query, CREATE_EMPTY_GRAPH)
                    return await self._send(text, write)
            except RedisError as exc:
                delay = self._retry_delay(exc, attempt)
                if delay is None:
                    raise
                await asyncio.sleep(delay)

    async def _send(self, text: str, write: bool) -> list[Any]:
        """Send one ``GRAPH.QUERY`` / ``GRAPH.RO_QUERY`` in compact form; return the reply.

        The same command the falkordb client sends, without its result parsing:
        :func:`decode_compact` turns the reply into runic's types in one pass.
        Errors the server reports inside the reply are raised as the client does.
        """
        command: list[Any] = [
            "GRAPH.QUERY" if write else "GRAPH.RO_QUERY",
            self._graph.name,
            text,
            "--compact",
        ]
        reply: list[Any] = await self._call(self._graph.execute_command, *command)
        if reply and isinstance(reply[0], ResponseError):
            raise reply[0]
        if reply and isinstance(reply[-1], ResponseError):
            raise reply[-1]
        return reply

    async def _decode(self, reply: list[Any]) -> QueryResult:
        """Decode a compact reply, refreshing the client's schema cache as needed.

        Reading and decoding a reply allocates a few containers per row, all kept:
        with the cyclic collector running, large results trigger collections that
        walk every live object again and again. Nothing here creates cycles, and
        the decoder never awaits, so the collector is paused while it runs. A
        label or property the cached schema does not know yet is fetched and the
        reply decoded again.
        """
        schema = self._graph.schema
        snapshot = SchemaSnapshot(schema)
        for _ in range(3):
            try:
                with GcPaused():
                    return decode_compact(reply, snapshot)
            except SchemaMiss as miss:
                kind = miss.kind
            except Unsupported:
                break
            if kind == "labels":
                await self._call(schema.refresh_labels)
            else:
                await self._call(schema.refresh_properties)
        # edges, paths, points, vectors, temporal values: the client's parser
        # unasync: begin async-only
        if self._blocking_handle:
            parsed = await asyncio.to_thread(falkordb.QueryResult, self._graph, reply)
            return decode_result(parsed)
        result = ClientResult(self._graph)
        await result.parse(reply)
        return decode_result(result)
        # unasync: end
        # unasync: begin sync-only
        # return decode_result(falkordb.QueryResult(self._graph, reply))
        # unasync: end

    async def _bulk_limit(self) -> int:
        """The server's proto-max-bulk-len (read once; Redis' default if CONFIG is refused)."""
        if self._max_bulk is None:
            try:
                reply = await self._call(self._graph.execute_command, *BULK_LIMIT_COMMAND)
            except _CLIENT_ERRORS:
                reply = None  # the statement itself then reports an unreachable server
            self._max_bulk = self._parse_bulk_limit(reply)
        return self._max_bulk

    async def ping(self) -> bool:
        """Return ``True`` if the server answers; raise ConnectionFailedError otherwise."""
        self._check_open()
        try:
            return bool(await self._call(self._graph.execute_command, "PING"))
        except _CLIENT_ERRORS as exc:
            self._raise(exc, None)

    async def delete_graph(self) -> None:
        """Delete this driver's graph and everything in it (no error if it is absent)."""
        self._check_open()
        try:
            await self._call(self._graph.delete)
        except _CLIENT_ERRORS as exc:
            if self._is_missing_graph(exc):
                return
            self._raise(exc, None)

    async def close(self) -> None:
        """Close the pool this driver owns and give back its embedded server.

        A driver built on a caller's graph handle leaves that client open.
        Closing twice is harmless.
        """
        owned = self._mark_closed()
        if owned is None:
            return
        try:
            await owned.pool.aclose()  # unasync: async-only
            # owned.pool.disconnect()  # unasync: sync-only
        finally:
            if owned.lease is not None:
                # Stopping a server waits: keep the loop free.  # unasync: async-only
                await asyncio.to_thread(owned.lease.release)  # unasync: async-only
                # owned.lease.release()  # unasync: sync-only

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def graph_name(self) -> str:
        """The FalkorDB graph key this driver runs on."""
        return str(self._graph.name)

    async def graph_command(self, *args: str) -> Any:
        """Send one server command (e.g. ``GRAPH.CONSTRAINT CREATE ...``); return its reply."""
        self._check_open()
        try:
            return await self._call(self._graph.execute_command, *args)
        except _CLIENT_ERRORS as exc:
            self._raise(exc, " ".join(args))
