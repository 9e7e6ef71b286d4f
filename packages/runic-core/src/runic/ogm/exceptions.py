"""Exceptions raised by runic.

Every error runic raises derives from :class:`OrmError`, so one ``except`` clause
catches them all. Messages name the entity, field, backend or setting at fault and,
where there is one, what to do instead.
"""

from __future__ import annotations

__all__ = [
    "BackendError",
    "BackendNotFoundError",
    "BackendUnavailableError",
    "ConnectionFailedError",
    "DetachedEntityError",
    "DuplicateEntityError",
    "EntityNotFoundError",
    "FieldValidationError",
    "InvalidIdentifierError",
    "LazyLoadError",
    "MetadataError",
    "OrmError",
    "QueryBuildError",
    "QueryExecutionError",
    "QueryTimeoutError",
    "SessionClosedError",
    "TransactionError",
    "TransientError",
    "UniqueViolationError",
    "UnsupportedFeatureError",
]


class OrmError(Exception):
    """Base class of every runic error."""


class EntityNotFoundError(OrmError):
    """An entity could not be found by its primary key."""


class DetachedEntityError(OrmError):
    """An operation needs a session but the entity is not attached to one."""


class LazyLoadError(OrmError):
    """A lazy relation cannot be loaded here (async session, or no session)."""


class FieldValidationError(OrmError):
    """A field value is missing, of the wrong type, or otherwise invalid."""


class MetadataError(OrmError):
    """The model registry is inconsistent (duplicate labels, unknown targets, ...)."""


class InvalidIdentifierError(OrmError, ValueError):
    """A label, relationship type, property name or alias cannot be made safe."""


class QueryBuildError(OrmError, ValueError):
    """A statement is malformed (unknown alias, missing traversal, ...)."""


class UnsupportedFeatureError(OrmError):
    """The backend lacks a feature; raised before anything is sent."""

    def __init__(self, backend: str, feature: str, hint: str | None = None) -> None:
        self.backend = backend
        self.feature = feature
        message = f"{feature} is not supported on {backend}"
        if hint:
            message = f"{message}; {hint}"
        super().__init__(message)


class SessionClosedError(OrmError):
    """The session was closed; open a new one."""


class DuplicateEntityError(OrmError):
    """A second, different object with an existing primary key was added."""


class TransactionError(OrmError):
    """A transaction could not be begun, committed or rolled back."""


class BackendError(OrmError):
    """Base class for errors coming from a backend or its registry."""


class BackendNotFoundError(BackendError, LookupError, ValueError):
    """No installed backend has the requested name."""


class BackendUnavailableError(BackendError, ImportError):
    """A backend is registered but its plugin failed to load."""


class ConnectionFailedError(BackendError, ConnectionError):
    """The database server could not be reached."""


class QueryExecutionError(BackendError):
    """The server rejected a statement; the server's message is kept."""

    def __init__(
        self,
        message: str,
        *,
        backend: str,
        cypher: str | None = None,
    ) -> None:
        self.backend = backend
        self.cypher = cypher
        self.server_message = message
        super().__init__(f"[{backend}] {message}")


class QueryTimeoutError(QueryExecutionError, TimeoutError):
    """A statement got no answer within the driver's ``query_timeout``.

    The connection it ran on is closed (never reused); an explicit transaction on
    it is rolled back by the server. ``timeout`` is the limit in seconds and
    ``setting`` the keyword that sets it.
    """

    def __init__(
        self,
        message: str,
        *,
        backend: str,
        cypher: str | None = None,
        timeout: float | None = None,
        setting: str = "query_timeout",
    ) -> None:
        self.timeout = timeout
        self.setting = setting
        super().__init__(message, backend=backend, cypher=cypher)


class TransientError(QueryExecutionError):
    """The server refused a statement for a reason that may pass (deadlock, conflict).

    Running the same unit of work again may succeed. The drivers retry an
    autocommit ``execute`` themselves (``max_retries``); in an explicit
    transaction the whole transaction has to be run again. ``code`` is the
    server's error code (``Neo.TransientError...``, a SQLSTATE) when known.
    """

    def __init__(
        self,
        message: str,
        *,
        backend: str,
        cypher: str | None = None,
        code: str | None = None,
    ) -> None:
        self.code = code
        super().__init__(message, backend=backend, cypher=cypher)


class UniqueViolationError(QueryExecutionError, DuplicateEntityError):
    """The server refused a write that breaks a unique constraint or unique index.

    A :class:`DuplicateEntityError` (so ``except DuplicateEntityError`` catches
    it) and a :class:`QueryExecutionError` keeping the server's message.
    """
