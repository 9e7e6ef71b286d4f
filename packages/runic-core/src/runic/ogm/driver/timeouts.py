"""Timeouts and retries every backend driver shares (no I/O here).

Each backend factory takes the same keywords: ``connect_timeout`` (seconds to
open a connection: TCP, TLS, login), ``query_timeout`` (seconds to wait for a
statement's answer) and ``max_retries`` / ``retry_backoff`` (how an autocommit
statement refused with a transient error is run again). ``None`` disables a
timeout. The backends turn them into their client libraries' settings and raise
:class:`~runic.ogm.exceptions.ConnectionFailedError` /
:class:`~runic.ogm.exceptions.QueryTimeoutError` naming the setting.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_QUERY_TIMEOUT",
    "DEFAULT_RETRY_BACKOFF",
    "RetryPolicy",
    "Timeouts",
    "check_retries",
    "check_timeout",
    "client_wait",
    "timeout_message",
]

#: Seconds to open a connection.
DEFAULT_CONNECT_TIMEOUT = 10.0
#: Seconds to wait for one statement's answer.
DEFAULT_QUERY_TIMEOUT = 60.0
#: Re-runs of an autocommit statement refused with a transient error.
DEFAULT_MAX_RETRIES = 3
#: Seconds before the first re-run (doubled each time, with jitter).
DEFAULT_RETRY_BACKOFF = 0.05
_MAX_BACKOFF = 2.0


def check_timeout(name: str, value: object, error: type[Exception], backend: str) -> float | None:
    """``value`` as seconds (``None`` kept); raise ``error`` naming the setting if invalid."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise error(
            f"[{backend}] {name}={value!r} is invalid; pass a number of seconds > 0, "
            "or None for no limit"
        )
    return float(value)


def check_retries(
    max_retries: object, retry_backoff: object, error: type[Exception], backend: str
) -> RetryPolicy:
    """Validate ``max_retries`` / ``retry_backoff``; raise ``error`` naming the bad one."""
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise error(
            f"[{backend}] max_retries={max_retries!r} is invalid; pass an int >= 0 "
            "(0: never re-run a statement refused with a transient error)"
        )
    if (
        isinstance(retry_backoff, bool)
        or not isinstance(retry_backoff, int | float)
        or retry_backoff < 0
    ):
        raise error(
            f"[{backend}] retry_backoff={retry_backoff!r} is invalid; pass a number of seconds >= 0"
        )
    return RetryPolicy(max_retries, float(retry_backoff))


def client_wait(query_timeout: float | None) -> float | None:
    """How long the client waits for an answer: ``query_timeout`` plus a grace period.

    Where the server enforces ``query_timeout`` itself (PostgreSQL's
    ``statement_timeout``), its clean error arrives
    first; the client-side limit is for a server that stopped answering at all.
    """
    if query_timeout is None:
        return None
    return query_timeout + min(max(0.5, 0.1 * query_timeout), 5.0)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded re-runs with exponential back-off and full jitter."""

    max_retries: int = DEFAULT_MAX_RETRIES
    backoff: float = DEFAULT_RETRY_BACKOFF

    def delay(self, retry: int) -> float:
        """Seconds to wait before re-run number ``retry`` (1-based)."""
        ceiling = min(self.backoff * (2 ** (retry - 1)), _MAX_BACKOFF)
        return random.uniform(ceiling / 2, ceiling)


@dataclass(frozen=True, slots=True)
class Timeouts:
    """The validated timeout and retry settings of one driver."""

    connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT
    query_timeout: float | None = DEFAULT_QUERY_TIMEOUT
    retry: RetryPolicy = RetryPolicy()

    @classmethod
    def build(
        cls,
        *,
        connect_timeout: object,
        query_timeout: object,
        max_retries: object,
        retry_backoff: object,
        error: type[Exception],
        backend: str,
    ) -> Timeouts:
        """Validate the four factory keywords; raise ``error`` naming a bad one."""
        return cls(
            check_timeout("connect_timeout", connect_timeout, error, backend),
            check_timeout("query_timeout", query_timeout, error, backend),
            check_retries(max_retries, retry_backoff, error, backend),
        )

    @property
    def client_wait(self) -> float | None:
        """See :func:`client_wait`."""
        return client_wait(self.query_timeout)


def timeout_message(
    backend: str, server: str, endpoint: str, timeout: float | None, *, in_transaction: bool
) -> str:
    """The message of a :class:`~runic.ogm.exceptions.QueryTimeoutError` (which adds
    the ``[backend]`` prefix)."""
    limit = f"query_timeout={timeout:g} s" if timeout is not None else "the query timeout"
    outcome = (
        "the transaction was rolled back (begin a new one)"
        if in_transaction
        else "if it was a write, its outcome is unknown"
    )
    return (
        f"{server} at {endpoint} did not answer within {limit}: the connection "
        f"was closed and {outcome}. Check that the server is responsive; for longer "
        "statements raise query_timeout= (None: no limit)"
    )
