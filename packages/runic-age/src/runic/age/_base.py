"""Settings and I/O-free logic shared by the sync and async AGE drivers."""

from __future__ import annotations

import select
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, NoReturn

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from runic.age._errors import (
    BACKEND,
    StatementTimeout,
    is_label_race,
    is_transient,
    raise_translated,
)
from runic.age.agtype import decode_agtype
from runic.age.sql import (
    NO_RESULT_COLUMN,
    check_graph_name,
    encode_params,
    return_columns,
    wrap_cypher,
)
from runic.ogm._registry_support import unknown_keywords_message
from runic.ogm.driver.results import QueryResult
from runic.ogm.driver.timeouts import (
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RETRIES,
    DEFAULT_QUERY_TIMEOUT,
    DEFAULT_RETRY_BACKOFF,
    RetryPolicy,
    Timeouts,
)
from runic.ogm.exceptions import BackendError, OrmError, TransactionError

__all__ = [
    "BEGIN_READ_ONLY",
    "CREATE_EXTENSION",
    "CREATE_GRAPH",
    "DROP_GRAPH",
    "GRAPH_EXISTS",
    "LOAD_AGE",
    "RELEASE",
    "RETRIES",
    "ROLLBACK_TO",
    "SAVEPOINT",
    "SESSION_SETUP",
    "SET_READ_ONLY",
    "WROTE",
    "AGESettings",
    "AGESettingsError",
    "DriverBase",
    "StatementTimeout",
    "TimedConnectionState",
    "decode_rows",
    "describe_connection",
    "ended_error",
    "settings_from",
]

#: Run on every new connection, in this order (``LOAD`` may fail for
#: non-superusers when AGE is preloaded: see :data:`LOAD_AGE`).
SESSION_SETUP = (
    'SET search_path = ag_catalog, "$user", public',
    # property maps in MATCH patterns are containment tests (label emulation needs it)
    "SET age.enable_containment = on",
)
#: Tried in order until one works; a non-superuser may only load from $libdir/plugins.
LOAD_AGE = ("LOAD 'age'", "LOAD '$libdir/plugins/age'")
CREATE_EXTENSION = "CREATE EXTENSION IF NOT EXISTS age"
GRAPH_EXISTS = "SELECT count(*) FROM ag_catalog.ag_graph WHERE name = %s"
CREATE_GRAPH = "SELECT ag_catalog.create_graph(%s)"
DROP_GRAPH = "SELECT ag_catalog.drop_graph(%s, true)"
#: A write inside a transaction runs behind this savepoint, so a lost race
#: (see ``_errors.is_label_race``) undoes and retries that statement only.
SAVEPOINT = "SAVEPOINT runic_statement"
RELEASE = "RELEASE SAVEPOINT runic_statement"
ROLLBACK_TO = "ROLLBACK TO SAVEPOINT runic_statement"
#: How many times a statement runs at most when it keeps losing such races.
RETRIES = 5

# A read outside a transaction: PostgreSQL refuses writes in a READ ONLY transaction.
BEGIN_READ_ONLY = "BEGIN READ ONLY"
SET_READ_ONLY = "SET TRANSACTION READ ONLY"
# AGE writes SET and DELETE to the heap even in a READ ONLY transaction (CREATE
# fails there); a transaction id is assigned exactly when something was written.
WROTE = "SELECT pg_current_xact_id_if_assigned() IS NOT NULL"
#: Connections idle longer than this (seconds) are checked before use by default.
DEFAULT_LIVENESS_CHECK = 1.0


class TimedConnectionState:
    """What the driver's own connection classes carry: their wait limit and last use.

    ``wait_limit`` bounds every wait for the server (``query_timeout`` plus a grace
    period: the server's ``statement_timeout`` fires first when it can). On expiry
    the connection is closed, so the pool never hands it out again.
    """

    wait_limit: float | None = None
    idle_since: float = 0.0

    def bounded(self, timeout: float | None) -> float | None:
        """The timeout to wait with: the caller's, else this connection's limit."""
        return self.wait_limit if timeout is None else timeout


class AGESettingsError(BackendError, ValueError):
    """A driver setting is missing or invalid."""


def _positive(name: str, value: object, *, allow_zero: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AGESettingsError(f"{name}={value!r} is invalid; pass a number")
    if value < 0 or (value == 0 and not allow_zero):
        raise AGESettingsError(f"{name}={value!r} is invalid; pass a number > 0")


@dataclass(frozen=True, slots=True)
class AGESettings:
    """Where the PostgreSQL server is, which AGE graph to use, and the pool's shape.

    ``dsn`` (a libpq connection string or ``postgresql://`` URL) may replace or
    complete host/port/database/username/password. ``prepare_threshold``: how
    many times a statement runs before psycopg prepares it on the server
    (``0``: at once, ``None``: never).
    """

    graph: str
    host: str | None = None
    port: int | None = None
    database: str | None = None
    username: str | None = None
    password: str | None = None
    dsn: str | None = None
    create_graph: bool = False
    min_size: int = 1
    max_size: int = 10
    connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT
    query_timeout: float | None = DEFAULT_QUERY_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    retry_backoff: float = DEFAULT_RETRY_BACKOFF
    liveness_check_timeout: float | None = DEFAULT_LIVENESS_CHECK
    pool_timeout: float = 30.0
    prepare_threshold: int | None = 1
    application_name: str = "runic-age"

    def __post_init__(self) -> None:
        check_graph_name(self.graph)
        if self.port is not None and (
            isinstance(self.port, bool)
            or not isinstance(self.port, int)
            or not 0 < self.port < 65536
        ):
            raise AGESettingsError(f"port={self.port!r} is invalid; pass a TCP port number")
        for name in ("host", "database", "username", "password", "dsn"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise AGESettingsError(f"{name}= must be a string, got {type(value).__name__}")
        if not isinstance(self.create_graph, bool):
            raise AGESettingsError(f"create_graph={self.create_graph!r} must be True or False")
        _positive("min_size", self.min_size, allow_zero=True)
        _positive("max_size", self.max_size)
        if not isinstance(self.min_size, int) or not isinstance(self.max_size, int):
            raise AGESettingsError("min_size= and max_size= must be integers")
        if self.max_size < max(self.min_size, 1):
            raise AGESettingsError(
                f"the pool size (pool_size=/max_size={self.max_size}) must be at least its "
                f"minimum (pool_min=/min_size={self.min_size}) and 1"
            )
        _ = self.timeouts  # validates connect_timeout, query_timeout, max_retries, retry_backoff
        if self.liveness_check_timeout is not None:
            _positive("liveness_check_timeout", self.liveness_check_timeout, allow_zero=True)
        _positive("pool_timeout", self.pool_timeout)
        if self.prepare_threshold is not None:
            _positive("prepare_threshold", self.prepare_threshold, allow_zero=True)
        if self.dsn is not None:
            try:
                conninfo_to_dict(self.dsn)
            except Exception as exc:  # noqa: BLE001 - psycopg raises ProgrammingError
                raise AGESettingsError(f"dsn= is not a valid connection string: {exc}") from None

    def conninfo(self) -> str:
        """The libpq connection string."""
        extra: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "dbname": self.database,
            "user": self.username,
            "password": self.password,
        }
        given = conninfo_to_dict(self.dsn) if self.dsn else {}
        defaults = {"host": "localhost", "port": 5432, "dbname": "postgres", "user": "postgres"}
        for key, value in defaults.items():
            if extra[key] is None and key not in given:
                extra[key] = value
        if self.connect_timeout is not None:
            # libpq counts whole seconds (and waits at least 2)
            extra["connect_timeout"] = max(1, round(self.connect_timeout))
        if "application_name" not in given:
            extra["application_name"] = self.application_name
        return make_conninfo(self.dsn or "", **{k: v for k, v in extra.items() if v is not None})

    @property
    def endpoint(self) -> str:
        """``host:port/database``, for messages (never the password)."""
        info = conninfo_to_dict(self.conninfo())
        return f"{info.get('host')}:{info.get('port')}/{info.get('dbname')}"

    def connection_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for each pooled ``psycopg.connect``."""
        return {"autocommit": True, "prepare_threshold": self.prepare_threshold}

    @property
    def timeouts(self) -> Timeouts:
        """The validated timeout and retry settings."""
        return Timeouts.build(
            connect_timeout=self.connect_timeout,
            query_timeout=self.query_timeout,
            max_retries=self.max_retries,
            retry_backoff=self.retry_backoff,
            error=AGESettingsError,
            backend=BACKEND,
        )

    def session_settings(self) -> tuple[str, ...]:
        """Statements run on each new pooled connection after AGE's setup."""
        if self.query_timeout is None:
            return ()
        # the server cancels a statement running longer: a clean error, the
        # connection stays usable (see client_wait for a server that stopped)
        return (f"SET statement_timeout = {max(1, round(self.query_timeout * 1000))}",)

    def needs_check(self, conn: psycopg.BaseConnection[Any], now: float) -> bool:
        """Whether a pooled connection must be checked (a round trip) before use.

        It must when the server sent something while it sat idle (a restarting
        server's goodbye, or the end of the stream: found without a round trip), or
        when it has been idle longer than ``liveness_check_timeout``.
        """
        if has_pending_input(conn):
            return True
        if self.liveness_check_timeout is None:
            return False
        idle_since = getattr(conn, "idle_since", 0.0)
        return bool(now - idle_since >= self.liveness_check_timeout)


def has_pending_input(conn: psycopg.BaseConnection[Any]) -> bool:
    """An idle connection whose socket is readable: the server closed it or said goodbye."""
    try:
        fd = conn.pgconn.socket
        readable, _, _ = select.select([fd], [], [], 0)
    except (psycopg.Error, OSError, ValueError):
        return True
    return bool(readable)


def decode_rows(raw: Sequence[Sequence[Any]], columns: Sequence[str] | None) -> QueryResult:
    """Decode agtype text rows into a :class:`QueryResult`."""
    decode = decode_agtype
    rows = [tuple(decode(value) for value in row) for row in raw]
    names = list(columns) if columns else ([NO_RESULT_COLUMN] if rows else [])
    return QueryResult(names, rows)


class DriverBase:
    """Attributes and helpers shared by :class:`AGEDriver` and :class:`AsyncAGEDriver`."""

    _graph: str
    _endpoint: str
    _create_graph: bool
    _graph_ready: bool
    _closed: bool
    _dialect: Any
    _timeouts: Timeouts

    def _init_base(
        self, graph: str, endpoint: str, create_graph: bool, timeouts: Timeouts | None = None
    ) -> None:
        self._graph = check_graph_name(graph)
        self._endpoint = endpoint
        self._create_graph = create_graph
        self._graph_ready = not create_graph
        self._closed = False
        self._dialect = None
        # a caller's own connection keeps its settings: no limits unless set on it
        self._timeouts = timeouts or Timeouts(None, None, RetryPolicy())

    @property
    def backend(self) -> str:
        """The registry name of this backend: ``"age"``."""
        return BACKEND

    @property
    def dialect(self) -> Any:
        """The :class:`~runic.age.dialect.AGEDialect` compiling for this driver."""
        if self._dialect is None:
            from runic.age.dialect import AGEDialect

            self._dialect = AGEDialect()
        return self._dialect

    @property
    def graph_name(self) -> str:
        """The AGE graph this driver queries."""
        return self._graph

    @property
    def endpoint(self) -> str:
        """The server address, as shown in error messages."""
        return self._endpoint

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def __repr__(self) -> str:
        state = " closed" if self._closed else ""
        return f"<{type(self).__name__} graph={self._graph!r} at {self._endpoint}{state}>"

    def _check_open(self) -> None:
        if self._closed:
            raise BackendError(
                f"the age driver for graph {self._graph!r} is closed; create a new driver"
            )

    def _statement(
        self, cypher: str, params: Mapping[str, Any] | None, columns: Sequence[str] | None
    ) -> tuple[str, str, tuple[str, ...]]:
        """The SQL text, the agtype parameter text and the result columns of one statement.

        Without ``columns`` (hand-written Cypher), they are read from the
        statement's last ``RETURN`` (:func:`~runic.age.sql.return_columns`).
        """
        self._check_open()
        cols = tuple(columns) if columns else return_columns(cypher)
        return wrap_cypher(self._graph, cypher, cols), encode_params(params), cols

    def _raise(
        self,
        exc: BaseException,
        cypher: str | None,
        *,
        in_transaction: bool = False,
        committing: bool = False,
    ) -> NoReturn:
        if isinstance(exc, OrmError):
            raise exc
        raise_translated(
            exc,
            endpoint=self._endpoint,
            graph=self._graph,
            cypher=cypher,
            query_timeout=self._timeouts.query_timeout,
            in_transaction=in_transaction,
            committing=committing,
        )

    def _check_retry(
        self,
        exc: psycopg.Error,
        cypher: str,
        *,
        attempt: int,
        guarded: bool,
        in_transaction: bool,
        broken: bool,
    ) -> float:
        """Seconds to wait before running the statement again; raise (translated) if not.

        A lost label-creation race is retried outside a transaction, or inside one
        when the statement ran behind a savepoint (``guarded``), at once. A
        transient error (deadlock, serialization failure) is retried only outside
        a transaction (the autocommit :meth:`execute`), after a back-off, up to
        ``max_retries`` times: in a transaction it ends the transaction and
        reaches the caller as :class:`~runic.ogm.exceptions.TransientError`.
        Never on a broken connection. The sync and async drivers share this
        decision; only their undo step (rollback to the savepoint) and wait differ.
        """
        if not broken:
            if is_label_race(exc) and (guarded or not in_transaction) and attempt < RETRIES:
                return 0.0
            policy = self._timeouts.retry
            if not in_transaction and is_transient(exc) and attempt <= policy.max_retries:
                return policy.delay(attempt)
        self._raise(exc, cypher, in_transaction=in_transaction)


def ended_error(graph: str) -> TransactionError:
    """The error for using a transaction after commit/rollback."""
    return TransactionError(
        f"this age transaction on graph {graph!r} has already ended (committed or rolled "
        "back); begin a new one"
    )


def describe_connection(conn: object) -> str:
    """``host:port/database`` of a psycopg connection or pool, for messages."""
    info = getattr(conn, "info", None)
    if info is not None:
        return f"{info.host}:{info.port}/{info.dbname}"
    conninfo = getattr(conn, "conninfo", None)
    if isinstance(conninfo, str):
        parts = conninfo_to_dict(conninfo)
        return f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}/{parts.get('dbname')}"
    return "the configured server"


def settings_from(
    host: str | None,
    port: int | None,
    database: str | None,
    graph: str | None,
    username: str | None,
    password: str | None,
    options: Mapping[str, Any],
) -> AGESettings:
    """Build :class:`AGESettings` from factory arguments, naming unknown options."""
    known = {f.name for f in fields(AGESettings)}
    unknown = set(options) - known
    if unknown:
        raise AGESettingsError(
            unknown_keywords_message("age", unknown, known, call="the age driver")
        )
    if graph is None:
        raise AGESettingsError(
            "graph= is required: the name of the AGE graph to use (at least 3 characters); "
            "pass create_graph=True to create it when missing"
        )
    return AGESettings(
        graph=graph,
        host=host,
        port=port,
        database=database,
        username=username,
        password=password,
        **options,
    )
