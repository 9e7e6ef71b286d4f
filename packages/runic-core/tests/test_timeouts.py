"""The shared timeout/retry settings and the new exceptions (pure logic)."""

from __future__ import annotations

import pytest

import runic.ogm as ogm
from runic.ogm.driver.timeouts import RetryPolicy, Timeouts, client_wait, timeout_message
from runic.ogm.exceptions import QueryExecutionError, QueryTimeoutError, TransientError


class SettingsError(ValueError):
    pass


def test_client_wait_adds_a_bounded_grace_period() -> None:
    assert client_wait(None) is None
    assert client_wait(1.0) == 1.5  # at least 0.5 s more
    assert client_wait(20.0) == 22.0  # 10 %
    assert client_wait(600.0) == 605.0  # at most 5 s more


def test_retry_delays_double_with_jitter_and_a_ceiling() -> None:
    policy = RetryPolicy(max_retries=10, backoff=0.1)
    for retry, ceiling in ((1, 0.1), (2, 0.2), (3, 0.4), (10, 2.0)):
        delay = policy.delay(retry)
        assert ceiling / 2 <= delay <= ceiling


@pytest.mark.parametrize(
    ("keyword", "value", "message"),
    [
        ("connect_timeout", 0, r"\[x\] connect_timeout=0 is invalid; pass a number of seconds"),
        ("query_timeout", True, r"query_timeout=True is invalid"),
        ("max_retries", 1.5, r"max_retries=1.5 is invalid; pass an int >= 0"),
        ("retry_backoff", -1, r"retry_backoff=-1 is invalid"),
    ],
)
def test_bad_settings_are_named(keyword: str, value: object, message: str) -> None:
    settings: dict[str, object] = {
        "connect_timeout": 1,
        "query_timeout": None,
        "max_retries": 0,
        "retry_backoff": 0,
    }
    settings[keyword] = value
    with pytest.raises(SettingsError, match=message):
        Timeouts.build(error=SettingsError, backend="x", **settings)


def test_exceptions_keep_existing_handlers_working() -> None:
    timeout = QueryTimeoutError(
        timeout_message("age", "PostgreSQL", "h:1/db", 2.0, in_transaction=True),
        backend="age",
        cypher="RETURN 1",
        timeout=2.0,
    )
    assert isinstance(timeout, QueryExecutionError) and isinstance(timeout, TimeoutError)
    assert str(timeout).startswith("[age] PostgreSQL at h:1/db did not answer within ")
    assert "query_timeout=2 s" in str(timeout) and "transaction was rolled back" in str(timeout)
    assert (timeout.timeout, timeout.setting, timeout.cypher) == (2.0, "query_timeout", "RETURN 1")
    transient = TransientError("deadlock", backend="age", code="40P01")
    assert isinstance(transient, QueryExecutionError) and transient.code == "40P01"
    assert ogm.QueryTimeoutError is QueryTimeoutError and ogm.TransientError is TransientError
