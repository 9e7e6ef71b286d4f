"""Settings checks and state shared by the sync and async Bolt drivers (no I/O here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import urlsplit

import neo4j

from runic.bolt._decode import Decoder
from runic.bolt._errors import BoltSettingsError, ErrorContext, raise_translated
from runic.bolt._version import __version__
from runic.bolt.dialect import BoltDialect, Neo4jDialect
from runic.ogm.exceptions import BackendError, QueryBuildError

__all__ = ["PLAIN_SCHEMES", "SCHEMES", "BoltSetup", "DriverBase", "prepare"]

#: URI schemes whose TLS is chosen with ``encrypted=``.
PLAIN_SCHEMES = ("bolt", "neo4j")
#: Every Bolt URI scheme: ``neo4j*`` route through a cluster, ``+s`` verify TLS
#: certificates against the system CAs, ``+ssc`` accept self-signed ones.
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

_USER_AGENT = f"runic-bolt/{__version__}"


@dataclass(frozen=True, slots=True)
class BoltSetup:
    """Everything a driver needs, validated: the neo4j driver arguments and context."""

    uri: str
    auth: Any
    config: dict[str, Any]
    database: str | None
    dialect: BoltDialect
    context: ErrorContext


def _user_of(auth: Any) -> str | None:
    if isinstance(auth, tuple) and auth:
        return str(auth[0])
    principal = getattr(auth, "principal", None)
    return str(principal) if principal is not None else None


def _check_auth(auth: Any) -> Any:
    if auth is None or isinstance(auth, neo4j.Auth):
        return auth
    if (
        isinstance(auth, tuple)
        and len(auth) == 2
        and all(isinstance(part, str) for part in auth)
    ):
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
) -> BoltSetup:
    """Validate the driver arguments; raise :class:`BoltSettingsError` naming the bad one.

    ``encrypted=None`` follows the URI scheme (TLS for ``+s``/``+ssc``, none else).
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
    context = ErrorContext(
        backend=backend,
        endpoint=f"{scheme}://{netloc}",
        database=database,
        user=_user_of(auth),
    )
    return BoltSetup(uri, _check_auth(auth), options, database, dialect, context)


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
        )
