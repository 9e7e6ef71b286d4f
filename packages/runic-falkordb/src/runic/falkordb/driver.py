# Generated from async_driver.py by scripts/unasync.py: do not edit.
# Edit the asyncio source, then run `python scripts/unasync.py`.
"""The blocking FalkorDB driver (from :mod:`runic.falkordb.async_driver`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import falkordb  # type: ignore[import-untyped]
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
from runic.falkordb._errors import BACKEND, raise_translated
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

__all__ = ["FalkorDBDriver"]

_CLIENT_ERRORS = (RedisError, OSError)


class FalkorDBDriver(DriverBase):
    """Blocking driver for one FalkorDB graph.

    Build it from a graph handle
    (``FalkorDBDriver(falkordb.FalkorDB(...).select_graph("g"))``; the
    caller keeps owning that client), or with :meth:`connect` / :meth:`embedded`,
    which own a pool of up to ``max_connections`` connections shared by
    threads and release it in :meth:`close`.

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

    @classmethod
    def _open(
        cls,
        settings: ConnectionSettings,
        graph: str,
        retry: RetryPolicy,
        lease: EmbeddedLease | None,
    ) -> Self:
        pool = settings.sync_pool()
        try:
            # The client asks the server (INFO) whether it is a cluster or a
            # sentinel, so an unreachable server fails here, within connect_timeout.
            db = falkordb.FalkorDB(connection_pool=pool)
        except _CLIENT_ERRORS as exc:
            pool.disconnect()
            raise_translated(
                exc,
                endpoint=settings.endpoint,
                cypher=None,
                connect_timeout=settings.connect_timeout,
            )
        handle = db.select_graph(graph)
        return cls(
            handle,
            db,
            query_timeout=settings.query_timeout,
            max_retries=retry.max_retries,
            retry_backoff=retry.backoff,
            _owned=OwnedResources(pool=pool, lease=lease),
            _settings=settings,
        )

    def _call(self, method: Callable[..., Any], *args: Any) -> Any:
        """Call a method of the graph handle (async: a blocking handle's in a thread)."""
        return method(*args)

    def execute(
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
            self._check_size(size, self._bulk_limit(), write)
        try:
            # Blocking: the collector is paused while the reply is read, too (see
            # GcPaused); the async driver pauses it only while decoding, as other
            # tasks run while it waits.
            with GcPaused():
                reply = self._send_retrying(text, write)
                return self._decode(reply)
        except _CLIENT_ERRORS as exc:
            self._raise(exc, cypher, write=write)

    def _send_retrying(self, text: str, write: bool) -> list[Any]:
        """:meth:`_send`, creating a missing graph for a read, re-sending a refused query."""
        attempt = 0
        while True:
            attempt += 1
            try:
                try:
                    return self._send(text, write)
                except RedisError as exc:
                    if write or not self._is_missing_graph(exc):
                        raise
                    # RO_QUERY on a graph that does not exist yet: create it empty
                    # (no visible change for a read) and read again.
                    self._call(self._graph.query, CREATE_EMPTY_GRAPH)
                    return self._send(text, write)
            except RedisError as exc:
                delay = self._retry_delay(exc, attempt)
                if delay is None:
                    raise
                time.sleep(delay)

    def _send(self, text: str, write: bool) -> list[Any]:
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
        reply: list[Any] = self._call(self._graph.execute_command, *command)
        if reply and isinstance(reply[0], ResponseError):
            raise reply[0]
        if reply and isinstance(reply[-1], ResponseError):
            raise reply[-1]
        return reply

    def _decode(self, reply: list[Any]) -> QueryResult:
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
                self._call(schema.refresh_labels)
            else:
                self._call(schema.refresh_properties)
        # edges, paths, points, vectors, temporal values: the client's parser
        return decode_result(falkordb.QueryResult(self._graph, reply))

    def _bulk_limit(self) -> int:
        """The server's proto-max-bulk-len (read once; Redis' default if CONFIG is refused)."""
        if self._max_bulk is None:
            try:
                reply = self._call(self._graph.execute_command, *BULK_LIMIT_COMMAND)
            except _CLIENT_ERRORS:
                reply = None  # the statement itself then reports an unreachable server
            self._max_bulk = self._parse_bulk_limit(reply)
        return self._max_bulk

    def ping(self) -> bool:
        """Return ``True`` if the server answers; raise ConnectionFailedError otherwise."""
        self._check_open()
        try:
            return bool(self._call(self._graph.execute_command, "PING"))
        except _CLIENT_ERRORS as exc:
            self._raise(exc, None)

    def delete_graph(self) -> None:
        """Delete this driver's graph and everything in it (no error if it is absent)."""
        self._check_open()
        try:
            self._call(self._graph.delete)
        except _CLIENT_ERRORS as exc:
            if self._is_missing_graph(exc):
                return
            self._raise(exc, None)

    def close(self) -> None:
        """Close the pool this driver owns and give back its embedded server.

        A driver built on a caller's graph handle leaves that client open.
        Closing twice is harmless.
        """
        owned = self._mark_closed()
        if owned is None:
            return
        try:
            owned.pool.disconnect()
        finally:
            if owned.lease is not None:
                owned.lease.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def graph_name(self) -> str:
        """The FalkorDB graph key this driver runs on."""
        return str(self._graph.name)

    def graph_command(self, *args: str) -> Any:
        """Send one server command (e.g. ``GRAPH.CONSTRAINT CREATE ...``); return its reply."""
        self._check_open()
        try:
            return self._call(self._graph.execute_command, *args)
        except _CLIENT_ERRORS as exc:
            self._raise(exc, " ".join(args))
