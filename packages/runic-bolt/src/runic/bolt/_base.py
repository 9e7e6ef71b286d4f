"""Settings checks and state shared by the sync and async Bolt drivers (no I/O here)."""

from __future__ import annotations

import contextlib
import enum
import inspect
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import urlsplit

import neo4j

from runic.bolt._decode import Decoder
from runic.bolt._errors import BoltSettingsError, ErrorContext, is_transient, raise_translated
from runic.bolt._version import __version__
from runic.bolt.dialect import BoltDialect, Neo4jDialect
from runic.ogm.driver.results import QueryResult
from runic.ogm.driver.timeouts import Timeouts
from runic.ogm.exceptions import (
    BackendError,
    QueryBuildError,
    QueryExecutionError,
    TransactionError,
)

__all__ = [
    "DEFAULT_LIVENESS_CHECK",
    "PLAIN_SCHEMES",
    "SCHEMES",
    "SERVER_READ_MODE",
    "BoltSetup",
    "DriverBase",
    "TransactionBase",
    "TransactionState",
    "install_timeouts",
    "prepare",
]

log = logging.getLogger(__name__)

#: Pooled connections idle longer than this (seconds) are checked (a RESET round
#: trip) before use, so a restarted server costs no failed statement.
DEFAULT_LIVENESS_CHECK = 1.0
#: Marks an error raised while a new connection was being opened.
CONNECTING = "_runic_connecting"

#: URI schemes whose TLS is chosen with ``encrypted=``.
PLAIN_SCHEMES = ("bolt", "neo4j")
#: Every Bolt URI scheme: ``neo4j*`` route through a cluster, ``+s`` verify TLS
#: certificates against the system CAs, ``+ssc`` accept self-signed ones.
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

_USER_AGENT = f"runic-bolt/{__version__}"

#: Bolt servers that refuse a write in a read access mode transaction themselves.
#: On the others (ArcadeDB ignores the mode; Memgraph is not known to enforce it)
#: a read outside a transaction runs in a transaction of its own that is rolled
#: back, and refused, when the server's counters report a change.
SERVER_READ_MODE = frozenset({"neo4j"})


@dataclass(frozen=True, slots=True)
class BoltSetup:
    """Everything a driver needs, validated: the neo4j driver arguments and context."""

    uri: str
    auth: Any
    config: dict[str, Any]
    database: str | None
    dialect: BoltDialect
    context: ErrorContext
    timeouts: Timeouts


def _user_of(auth: Any) -> str | None:
    if isinstance(auth, tuple) and auth:
        return str(auth[0])
    principal = getattr(auth, "principal", None)
    return str(principal) if principal is not None else None


def _check_auth(auth: Any) -> Any:
    if auth is None or isinstance(auth, neo4j.Auth):
        return auth
    if isinstance(auth, tuple) and len(auth) == 2 and all(isinstance(part, str) for part in auth):
        return auth
    raise BoltSettingsError(
        f"auth must be a (username, password) tuple of strings, a neo4j.Auth, or None; "
        f"got {type(auth).__name__}"
    )


def prepare(
    uri: object,
    auth: Any,
    database: object,
    dialect: object,
    encrypted: object,
    config: Mapping[str, Any],
    timeouts: Mapping[str, Any] | None = None,
) -> BoltSetup:
    """Validate the driver arguments; raise :class:`BoltSettingsError` naming the bad one.

    ``encrypted=None`` follows the URI scheme (TLS for ``+s``/``+ssc``, none else).
    ``timeouts`` holds ``connect_timeout``, ``query_timeout``, ``max_retries`` and
    ``retry_backoff`` (see :mod:`runic.ogm.driver.timeouts`); the neo4j driver's
    own ``connection_timeout`` and ``liveness_check_timeout`` win when given.
    """
    if dialect is None:
        dialect = Neo4jDialect()
    if isinstance(dialect, type) and issubclass(dialect, BoltDialect):
        dialect = dialect()
    if not isinstance(dialect, BoltDialect):
        raise BoltSettingsError(
            "dialect must be a runic.bolt dialect (Neo4jDialect(), MemgraphDialect() or "
            f"ArcadeDBDialect()), got {type(dialect).__name__}"
        )
    backend = dialect.name
    if not isinstance(uri, str):
        raise BoltSettingsError(f"[{backend}] uri must be a string like 'bolt://host:7687'")
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise BoltSettingsError(
            f"[{backend}] unsupported URI scheme in {uri!r}; use one of {', '.join(SCHEMES)} "
            "(neo4j:// routes through a cluster)"
        )
    if parts.username or parts.password:
        raise BoltSettingsError(
            f"[{backend}] put credentials in auth= (or username=/password=), not in the URI"
        )
    try:
        port = parts.port
    except ValueError as exc:
        raise BoltSettingsError(f"[{backend}] invalid port in {uri!r}: {exc}") from None
    if not parts.hostname:
        raise BoltSettingsError(f"[{backend}] the URI {uri!r} names no host")
    netloc = parts.netloc if port is not None else f"{parts.netloc}:7687"
    if database is not None and (not isinstance(database, str) or not database.strip()):
        raise BoltSettingsError(
            f"[{backend}] database must be a non-empty string (or None for the server's "
            f"default database), got {database!r}"
        )
    if encrypted is None:
        encrypted = scheme not in PLAIN_SCHEMES
    if not isinstance(encrypted, bool):
        raise BoltSettingsError(
            f"[{backend}] encrypted must be True, False or None, got {encrypted!r}"
        )
    options = dict(config)
    if "encrypted" in options:
        raise BoltSettingsError(f"[{backend}] pass encrypted= once, as the driver argument")
    if scheme in PLAIN_SCHEMES:
        options["encrypted"] = encrypted
    elif not encrypted:
        raise BoltSettingsError(
            f"[{backend}] the URI scheme {scheme}:// always uses TLS but encrypted=False was "
            f"given; use {scheme.split('+')[0]}:// for an unencrypted connection"
        )
    options.setdefault("user_agent", _USER_AGENT)
    limits = Timeouts.build(error=BoltSettingsError, backend=backend, **dict(timeouts or {}))
    if limits.connect_timeout is not None:
        options.setdefault("connection_timeout", limits.connect_timeout)
    options.setdefault("liveness_check_timeout", DEFAULT_LIVENESS_CHECK)
    context = ErrorContext(
        backend=backend,
        endpoint=f"{scheme}://{netloc}",
        database=database,
        user=_user_of(auth),
    )
    return BoltSetup(uri, _check_auth(auth), options, database, dialect, context, limits)


def install_timeouts(driver: Any, timeouts: Timeouts) -> None:
    """Bound the neo4j (async) driver's connections by ``timeouts``.

    The neo4j driver has no client-side read timeout (only the server's hint),
    so a server that stops answering would hang a statement forever. This wraps
    its pool's connection opener: opening a connection (TCP, TLS, Bolt
    handshake, login) must finish within ``connect_timeout``, and every read on
    the new connection waits at most :func:`~runic.ogm.driver.timeouts.client_wait`
    seconds. A read that times out makes the neo4j driver close that connection
    (it is never reused). These are neo4j driver internals: when they are not
    found, a warning is logged and only the server-side limits apply.
    """
    read_timeout = timeouts.client_wait
    connect_timeout = timeouts.connect_timeout
    pool = getattr(driver, "_pool", None)
    original = getattr(pool, "opener", None)
    try:
        from neo4j._deadline import Deadline
    except ImportError:  # pragma: no cover - another neo4j version
        original = None
    if pool is None or original is None or not callable(original):
        log.warning("runic-bolt: cannot bound this neo4j driver's reads (internals changed)")
        return

    def bounded(deadline: Any) -> Any:
        if connect_timeout is None:
            return deadline
        limit = Deadline(connect_timeout)
        return limit if deadline is None or limit < deadline else deadline

    def arm(connection: Any) -> Any:
        socket = getattr(connection, "socket", None)
        if read_timeout is not None and socket is not None:
            current = socket.get_read_timeout()
            socket.set_read_timeout(read_timeout if current is None else min(current, read_timeout))
        return connection

    def mark(exc: BaseException) -> None:
        with contextlib.suppress(AttributeError, TypeError):  # a slotted exception
            setattr(exc, CONNECTING, True)

    if inspect.iscoroutinefunction(original):

        async def async_opener(address: Any, auth: Any, deadline: Any) -> Any:
            try:
                return arm(await original(address, auth, bounded(deadline)))
            except Exception as exc:
                mark(exc)
                raise

        pool.opener = async_opener
    else:

        def opener(address: Any, auth: Any, deadline: Any) -> Any:
            try:
                return arm(original(address, auth, bounded(deadline)))
            except Exception as exc:
                mark(exc)
                raise

        pool.opener = opener


def access_mode(write: bool) -> str:
    """The neo4j access mode for a statement: reads may go to cluster followers."""
    return neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS


def check_cypher(cypher: object) -> str:
    """Reject an empty or non-string statement before it is sent."""
    if not isinstance(cypher, str) or not cypher.strip():
        raise QueryBuildError("cypher must be a non-empty string")
    return cypher


def check_params(params: object) -> dict[str, Any] | None:
    """Accept ``None`` or a mapping with string keys."""
    if params is None:
        return None
    if not isinstance(params, Mapping):
        raise QueryBuildError(f"params must be a mapping of names to values, got {params!r}")
    return dict(params)


class DriverBase:
    """Attributes common to :class:`BoltDriver` and :class:`AsyncBoltDriver`."""

    _setup: BoltSetup
    _decoder: Decoder
    _closed: bool
    _driver: Any  # neo4j.Driver or neo4j.AsyncDriver

    def _init_base(self, setup: BoltSetup) -> None:
        self._setup = setup
        self._decoder = Decoder(setup.dialect.id_kind)
        self._closed = False

    def _query(self, text: str) -> Any:
        """An auto-commit statement, with ``query_timeout`` as its server-side limit too."""
        timeout = self._setup.timeouts.query_timeout
        return text if timeout is None else neo4j.Query(text, timeout=timeout)

    def _retry_delay(self, exc: BaseException, attempt: int) -> float | None:
        """Seconds to wait before running an auto-commit statement again, or ``None``."""
        policy = self._setup.timeouts.retry
        if attempt > policy.max_retries or not is_transient(exc):
            return None
        return policy.delay(attempt)

    def _session(self, write: bool) -> Any:
        """A neo4j (async) session: this driver's database, access mode, one fetch."""
        return self._driver.session(
            database=self._setup.database,
            default_access_mode=access_mode(write),
            fetch_size=-1,
            bookmark_manager=self._driver.execute_query_bookmark_manager,
        )

    @property
    def backend(self) -> str:
        """The registry name of the backend: ``neo4j``, ``memgraph`` or ``arcadedb``."""
        return self._setup.dialect.name

    @property
    def dialect(self) -> BoltDialect:
        """The dialect compiling statements for this driver."""
        return self._setup.dialect

    @property
    def database(self) -> str | None:
        """The database every statement runs in (``None``: the server's default)."""
        return self._setup.database

    @property
    def uri(self) -> str:
        """The Bolt URI the driver connects to."""
        return self._setup.uri

    @property
    def endpoint(self) -> str:
        """``scheme://host:port``, as shown in error messages."""
        return self._setup.context.endpoint

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def __repr__(self) -> str:
        state = " closed" if self._closed else ""
        return (
            f"<{type(self).__name__} {self.backend} at {self.endpoint} "
            f"database={self.database!r}{state}>"
        )

    def _check_open(self) -> None:
        if self._closed:
            raise BackendError(
                f"[{self.backend}] the driver for {self.endpoint} is closed; create a new driver"
            )

    def _raise(
        self,
        exc: BaseException,
        cypher: str | None = None,
        params: Mapping[str, Any] | None = None,
        *,
        in_transaction: bool = False,
        write: bool = False,
    ) -> NoReturn:
        raise_translated(
            exc,
            self._setup.context,
            cypher=cypher,
            params=params,
            in_transaction=in_transaction,
            write=write,
            timeouts=self._setup.timeouts,
        )


class TransactionState(enum.Enum):
    """Where a :class:`~runic.bolt.driver.BoltTransaction` (or its async twin) stands."""

    OPEN = "open"
    COMMITTED = "committed"
    ROLLED_BACK = "rolled back"
    FAILED = "rolled back after an error"


def refuse_write_in_read(backend: str, result: QueryResult, cypher: str) -> QueryExecutionError:
    """The error for a ``write=False`` statement whose counters report changes."""
    changes = ", ".join(f"{name}={value}" for name, value in sorted(result.stats.items()))
    return QueryExecutionError(
        f"a read-only statement (write=False) changed the graph ({changes}); its "
        "transaction was rolled back and nothing was written. Run it with write=True "
        "if it is meant to write",
        backend=backend,
        cypher=cypher,
    )


class TransactionBase:
    """The state of a Bolt transaction, shared by the sync and async classes (no I/O)."""

    def __init__(self, driver: DriverBase, session: Any, tx: Any, *, write: bool) -> None:
        self._driver = driver
        self._session = session
        self._tx = tx
        self._write = write
        self._state = TransactionState.OPEN
        self._failure: str | None = None

    @property
    def state(self) -> TransactionState:
        """Open, committed, rolled back, or rolled back after an error."""
        return self._state

    @property
    def write(self) -> bool:
        """``False`` for a read transaction (a cluster may serve it from a follower)."""
        return self._write

    def _check_open(self, action: str) -> None:
        if self._state is TransactionState.OPEN:
            return
        reason = f" ({self._failure})" if self._failure else ""
        raise TransactionError(
            f"[{self._driver.backend}] cannot {action}: the transaction is already "
            f"{self._state.value}{reason}; begin a new one"
        )
