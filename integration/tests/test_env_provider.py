"""The env provider: a server named in the environment is used, and only that one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import falkordb
import pytest

from runic_integration import EnvProvider, Parsed, ProviderFailed, Unavailable
from runic_integration.backends.falkordb import ENV_URL, parse_url
from runic_integration.registry import ProfileRegistry
from runic_integration.testing import clean_env, pid_alive, run_suite


def test_unset_variable_makes_the_provider_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_URL, raising=False)
    provider = ProfileRegistry().get("falkordb").providers[0]
    assert provider.kind == "env"
    with pytest.raises(Unavailable, match=f"^{ENV_URL} is not set$"):
        provider.provide()


def test_env_server_is_used_and_left_running(
    falkordb_by_hand: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_URL, falkordb_by_hand.url)
    server = ProfileRegistry().get("falkordb").providers[0].provide()
    assert server.provider == "env"
    assert server.settings == {"url": falkordb_by_hand.url}
    assert server.description == (f"FalkorDB at 127.0.0.1:{falkordb_by_hand.port} (from {ENV_URL})")
    assert server.pid is None
    server.stop()  # an external server is never stopped
    assert pid_alive(falkordb_by_hand.pid)


def test_a_dead_address_fails_instead_of_falling_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_URL, "falkor://127.0.0.1:1")
    provider = ProfileRegistry().get("falkordb").providers[0]
    with pytest.raises(ProviderFailed, match=r"points at FalkorDB at 127\.0\.0\.1:1, which does"):
        provider.provide()


def test_a_malformed_value_fails_with_the_variable_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_URL, "http://127.0.0.1:6379")
    provider = ProfileRegistry().get("falkordb").providers[0]
    with pytest.raises(ProviderFailed, match=f"{ENV_URL} is invalid: the scheme must be one of"):
        provider.provide()


def test_parse_url_keeps_the_url_and_hides_credentials() -> None:
    parsed = parse_url("falkor://user:secret@db.example:7000", {})
    assert parsed == Parsed(
        {"url": "falkor://user:secret@db.example:7000"}, "FalkorDB at db.example:7000"
    )
    assert "secret" not in parsed.description


def test_env_provider_runs_a_check_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, object]] = []
    monkeypatch.setenv("RUNIC_TEST_DEMO_URL", "demo://x")
    provider = EnvProvider(
        "demo",
        "RUNIC_TEST_DEMO_URL",
        lambda value, env: Parsed({"value": value}, "demo server"),
        check=lambda settings: calls.append(dict(settings)),
    )
    server = provider.provide()
    assert calls == [{"value": "demo://x"}]
    assert (server.backend, server.provider, server.description) == (
        "demo",
        "env",
        "demo server (from RUNIC_TEST_DEMO_URL)",
    )


def test_the_suite_runs_against_the_env_server(falkordb_by_hand: Any, tmp_path: Path) -> None:
    run = run_suite(
        tmp_path,
        clean_env(**{ENV_URL: falkordb_by_hand.url, "RUNIC_TEST_BACKENDS": "falkordb"}),
        "-k",
        "smoke or field_round_trip",
    )
    assert run.returncode == 0, run.output
    row = run.summary_row("falkordb")
    assert f"env: FalkorDB at 127.0.0.1:{falkordb_by_hand.port} (from {ENV_URL})" in row, run.output
    passed = int(row.split()[1])
    assert passed >= 4
    # each test had its own graph, and every one was removed afterwards
    db = falkordb.FalkorDB(host=falkordb_by_hand.host, port=falkordb_by_hand.port)
    try:
        assert [g for g in db.list_graphs() if g.startswith("runic_it_")] == []
    finally:
        db.connection.close()
    assert pid_alive(falkordb_by_hand.pid)  # the suite does not stop a server it did not start


def test_a_dead_env_server_fails_the_backend_tests(tmp_path: Path) -> None:
    run = run_suite(
        tmp_path,
        clean_env(**{ENV_URL: "falkor://127.0.0.1:1", "RUNIC_TEST_BACKENDS": "falkordb"}),
        "-k",
        "smoke",
    )
    assert run.returncode == 1, run.output
    assert (
        "falkordb: provider env failed: RUNIC_TEST_FALKORDB_URL points at FalkorDB at "
        "127.0.0.1:1, which does not answer" in run.output
    )
    assert "FAILED: provider env failed" in run.summary_row("falkordb")
