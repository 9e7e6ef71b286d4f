"""The asyncio FalkorDB driver."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import redis.asyncio
from falkordb.asyncio.graph import AsyncGraph  # type: ignore[import-untyped]
from redis.exceptions import RedisError

from runic.falkordb._base import CREATE_EMPTY_GRAPH, DriverBase, OwnedResources
from runic.falkordb._decode import decode_result
from runic.falkordb.settings import ConnectionSettings
from runic.ogm.driver.results import QueryResult

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
        query_timeout_ms: int | None = None,
        _db: Any = None,
        _owned: OwnedResources | None = None,
        _settings: ConnectionSettings | None = None,
    ) -> None:
        self._setup(
            graph,
            _db if _db is not None else getattr(graph, "client", None),
            query_timeout_ms=query_timeout_ms,
            owned=_owned,
            settings=_settings,
        )
        self._blocking_handle = not inspect.iscoroutinefunction(graph.query)

    @classmethod
    def _open(
        cls,
        settings: ConnectionSettings,
        graph: str,
        query_timeout_ms: int | None,
        lease: EmbeddedLease | None,
    ) -> Self:
        # falkordb.asyncio.FalkorDB would probe the server with a *blocking*
        # INFO call (retried with back-off) while the event loop waits; the
        # graph handle only needs a client with execute_command, so give it one.
        pool = settings.async_pool()
        client = redis.asyncio.Redis(connection_pool=pool)
        return cls(
            AsyncGraph(client, graph),
            query_timeout_ms=query_timeout_ms,
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
        method, text, kwargs = self._prepare(cypher, params, write)
        try:
            try:
                raw = await self._call(method, text, **kwargs)
            except RedisError as exc:
                if write or not self._is_missing_graph(exc):
                    raise
                # RO_QUERY on a graph that does not exist yet: create it empty.
                await self._call(self._graph.query, CREATE_EMPTY_GRAPH)
                raw = await self._call(method, text, **kwargs)
        except _CLIENT_ERRORS as exc:
            self._raise(exc, cypher)
        return decode_result(raw)

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
