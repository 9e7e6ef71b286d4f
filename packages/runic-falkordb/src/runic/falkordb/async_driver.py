"""The asyncio FalkorDB driver."""

from __future__ import annotations

import asyncio
import gc
import inspect
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import redis.asyncio
from falkordb.asyncio.graph import AsyncGraph  # type: ignore[import-untyped]
from falkordb.asyncio.query_result import QueryResult as ClientResult  # type: ignore[import-untyped]
from redis.exceptions import RedisError, ResponseError

from runic.falkordb._base import (
    BULK_LIMIT_COMMAND,
    CREATE_EMPTY_GRAPH,
    DriverBase,
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

    Build it from an async graph handle
    (``AsyncFalkorDBDriver(falkordb.asyncio.FalkorDB(...).select_graph("g"))``), or
    with :meth:`connect` / :meth:`embedded`, which own a ``redis.asyncio``
    blocking pool of up to ``max_connections`` connections; concurrent tasks
    each take a connection from it. Those factories are plain (non-async)
    functions and do not touch the network: the first query connects.

    A *blocking* falkordb graph handle is accepted too; its calls then run in a
    worker thread (``asyncio.to_thread``) so the event loop is not blocked.
    """

    def __init__(
        self,
        graph: Any,
        *,
        query_timeout: float | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_backoff: float = DEFAULT_RETRY_BACKOFF,
        _db: Any = None,
        _owned: OwnedResources | None = None,
        _settings: ConnectionSettings | None = None,
    ) -> None:
        self._setup(
            graph,
            _db if _db is not None else getattr(graph, "client", None),
            query_timeout=query_timeout,
            retry=check_retries(max_retries, retry_backoff, FalkorDBSettingsError, BACKEND),
            owned=_owned,
            settings=_settings,
        )
        self._blocking_handle = not inspect.iscoroutinefunction(graph.query)

    @classmethod
    def _open(
        cls,
        settings: ConnectionSettings,
        graph: str,
        retry: RetryPolicy,
        lease: EmbeddedLease | None,
    ) -> Self:
        # falkordb.asyncio.FalkorDB would probe the server with a *blocking*
        # INFO call (retried with back-off) while the event loop waits; the
        # graph handle only needs a client with execute_command, so give it one.
        pool = settings.async_pool()
        client = redis.asyncio.Redis(connection_pool=pool)
        return cls(
            AsyncGraph(client, graph),
            query_timeout=settings.query_timeout,
            max_retries=retry.max_retries,
            retry_backoff=retry.backoff,
            _db=client,
            _owned=OwnedResources(pool=pool, lease=lease),
            _settings=settings,
        )

    async def _call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._blocking_handle:
            return await asyncio.to_thread(method, *args, **kwargs)
        return await method(*args, **kwargs)

    async def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = True,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run one statement and return its decoded rows (``write=False``: GRAPH.RO_QUERY)."""
        text = self._prepare(cypher, params)
        size = self._oversized(text)
        if size is not None:
            self._check_size(size, await self._bulk_limit(), write)
        if self._blocking_handle:
            method = self._graph.query if write else self._graph.ro_query
            return await self._execute_blocking(method, text, write, cypher)
        try:
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
                    # RO_QUERY on a graph that does not exist yet: create it empty.
                    await self._graph.query(CREATE_EMPTY_GRAPH)
                    return await self._send(text, write)
            except RedisError as exc:
                delay = self._retry_delay(exc, attempt)
                if delay is None:
                    raise
                await asyncio.sleep(delay)

    async def _send(self, text: str, write: bool) -> list[Any]:
        """Send one ``GRAPH.QUERY`` / ``GRAPH.RO_QUERY`` in compact form; return the reply."""
        command: list[Any] = [
            "GRAPH.QUERY" if write else "GRAPH.RO_QUERY",
            self._graph.name,
            text,
            "--compact",
        ]
        reply: list[Any] = await self._graph.execute_command(*command)
        if reply and isinstance(reply[0], ResponseError):
            raise reply[0]
        if reply and isinstance(reply[-1], ResponseError):
            raise reply[-1]
        return reply

    async def _decode(self, reply: list[Any]) -> QueryResult:
        """Decode a compact reply as the sync driver does, refreshing the schema as needed.

        The decoder runs with the cyclic collector paused (see the sync driver) and
        never awaits; a label or property the cached schema does not know yet is
        fetched (awaited) and the reply decoded again.
        """
        schema = self._graph.schema
        snapshot = SchemaSnapshot(schema)
        for _ in range(3):
            paused = gc.isenabled()
            if paused:
                gc.disable()
            try:
                return decode_compact(reply, snapshot)
            except SchemaMiss as miss:
                kind = miss.kind
            except Unsupported:
                break
            finally:
                if paused:
                    gc.enable()
            if kind == "labels":
                await schema.refresh_labels()
            else:
                await schema.refresh_properties()
        # edges, paths, points, vectors, temporal values: the client's parser
        result = ClientResult(self._graph)
        await result.parse(reply)
        return decode_result(result)

    async def _execute_blocking(
        self,
        method: Callable[..., Any],
        text: str,
        write: bool,
        cypher: str,
    ) -> QueryResult:
        """``execute`` over a synchronous graph handle (run in a worker thread)."""
        try:
            try:
                raw = await self._call(method, text)
            except RedisError as exc:
                if write or not self._is_missing_graph(exc):
                    raise
                # RO_QUERY on a graph that does not exist yet: create it empty.
                await self._call(self._graph.query, CREATE_EMPTY_GRAPH)
                raw = await self._call(method, text)
        except _CLIENT_ERRORS as exc:
            self._raise(exc, cypher, write=write)
        return decode_result(raw)

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
            if not self._is_missing_graph(exc):
                self._raise(exc, None)

    async def close(self) -> None:
        """Close the pool this driver owns and give back its embedded server.

        A driver built on a caller's graph handle leaves that client open.
        """
        owned = self._mark_closed()
        if owned is None:
            return
        try:
            await owned.pool.aclose()
        finally:
            if owned.lease is not None:
                # Stopping a server waits for the process: keep the loop free.
                await asyncio.to_thread(owned.lease.release)

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
