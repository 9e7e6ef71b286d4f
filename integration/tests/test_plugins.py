"""Third-party profiles and providers: the example backend plugin, add_provider, errors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from runic_integration import (
    BackendProfile,
    Matrix,
    MatrixConfig,
    ProfileRegistry,
    ProviderFailed,
    Server,
    Unavailable,
    hookimpl,
)
from runic_integration.testing import clean_env, run_suite


class _Fixed:
    """A provider handing out a fixed answer."""

    kind = "local"

    def __init__(self, name: str, outcome: Any) -> None:
        self.name = name
        self.outcome = outcome
        self.calls = 0

    def provide(self) -> Server:
        self.calls += 1
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        assert isinstance(self.outcome, Server)
        return self.outcome


def test_the_example_plugin_registers_its_profile_through_the_entry_point() -> None:
    registry = ProfileRegistry()
    profile = registry.get("example")
    assert registry.origin("example") == "plugin runic.integration_providers:example"
    assert profile.opt_in is True
    assert [(p.name, p.kind) for p in profile.providers] == [("memory", "local")]
    assert registry.errors == []


def test_the_suite_runs_against_the_example_plugin(tmp_path: Path) -> None:
    # The example backend is required here: a test of its subset that cannot run fails.
    from runic_example_backend.integration import suite_selection

    env = clean_env(RUNIC_TEST_BACKENDS="example", RUNIC_REQUIRE_BACKENDS="example")
    run = run_suite(tmp_path, env, "-k", suite_selection(), "-v")
    assert run.returncode == 0, run.output
    for mode in ("sync", "async"):
        for test in (
            "test_smoke.py::test_smoke_raw_driver_round_trips_parameters",
            "test_session.py::test_add_and_commit_writes_the_node",
            "test_session.py::test_get_reads_what_another_session_wrote",
            "test_session.py::test_update_writes_only_the_change",
            "test_session.py::test_delete_removes_the_node_and_its_edges",
            "test_filters.py::test_several_where_calls_are_anded",
            "test_builder.py::test_count_scalar_one_and_first",
        ):
            assert f"{test}[example-{mode}] PASSED" in run.output, run.output
    row = run.summary_row("example").split()
    assert int(row[1]) >= 100 and row[2:4] == ["0", "0"], run.output
    assert run.summary_row("example").endswith("memory: in-memory engine in the test process")


def test_a_plugin_can_add_a_provider_to_a_builtin_profile() -> None:
    registry = ProfileRegistry(entry_point_group=None)
    farm = Server(backend="falkordb", provider="farm", description="the team's server")
    first = _Fixed("farm", farm)

    class Plugin:
        @hookimpl
        def runic_integration_profiles(self, registry: ProfileRegistry) -> None:
            registry.add_provider("falkordb", first, first=True)

    registry.register_plugin(Plugin(), "farm-plugin")
    profile = registry.get("falkordb")
    assert [p.name for p in profile.providers] == ["farm", "env", "docker", "local"]
    found = Matrix(registry, MatrixConfig(backends=("falkordb",))).resolve("falkordb")
    assert found.server is farm and first.calls == 1


def test_a_second_profile_with_a_taken_name_is_refused() -> None:
    registry = ProfileRegistry(entry_point_group=None)

    class Plugin:
        @hookimpl
        def runic_integration_profiles(self, registry: ProfileRegistry) -> None:
            registry.add(BackendProfile("falkordb"))

    expected = (
        "cannot add profile 'falkordb' from plugin dup: plugin runic_integration.backends "
        "registered that backend already"
    )
    with pytest.raises(ValueError, match=re.escape(expected)):
        registry.register_plugin(Plugin(), "dup")


def test_providers_are_tried_in_order_and_failures_are_not_skips(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = ProfileRegistry(builtins=False, entry_point_group=None)
    server = Server(backend="example", provider="third", description="ok")
    first = _Fixed("first", Unavailable("nothing configured"))
    second = _Fixed("second", Unavailable("no engine"))
    third = _Fixed("third", server)
    never = _Fixed("never", server)
    registry.add(BackendProfile("example", [first, second, third, never]))
    found = Matrix(registry, MatrixConfig(backends=("example",))).resolve("example")
    assert found.server is server and never.calls == 0
    assert [(a.provider, a.reason) for a in found.attempts] == [
        ("first", "nothing configured"),
        ("second", "no engine"),
    ]

    broken = ProfileRegistry(builtins=False, entry_point_group=None)
    broken.add(BackendProfile("example", [_Fixed("bad", ProviderFailed("died")), third]))
    result = Matrix(broken, MatrixConfig(backends=("example",))).resolve("example")
    assert result.server is None and result.failure == "provider bad failed: died"

    crashing = ProfileRegistry(builtins=False, entry_point_group=None)
    crashing.add(BackendProfile("example", [_Fixed("oops", KeyError("bug"))]))
    result = Matrix(crashing, MatrixConfig(backends=("example",))).resolve("example")
    assert result.failure is not None and result.failure.startswith("provider oops crashed:")
    assert "KeyError: 'bug'" in result.failure


def test_servers_are_resolved_once_and_stopped_at_the_end() -> None:
    stopped: list[str] = []
    server = Server(
        backend="example", provider="p", description="d", stopper=lambda: stopped.append("x")
    )
    provider = _Fixed("p", server)
    registry = ProfileRegistry(builtins=False, entry_point_group=None)
    registry.add(BackendProfile("example", [provider]))
    matrix = Matrix(registry, MatrixConfig(backends=("example",)))
    assert matrix.resolve("example").server is matrix.resolve("example").server
    assert provider.calls == 1
    assert matrix.stop_all() == [] and stopped == ["x"]
    assert matrix.stop_all() == [] and stopped == ["x"]


def test_the_summary_table() -> None:
    registry = ProfileRegistry(builtins=False, entry_point_group=None)
    registry.add(BackendProfile("example", [_Fixed("p", Server("example", "p", "at home"))]))
    registry.add(BackendProfile("other", [_Fixed("q", Unavailable("not here"))]))
    matrix = Matrix(registry, MatrixConfig(backends=("example", "other")))
    matrix.resolve("example")
    matrix.resolve("other")
    for outcome in ("passed", "passed", "failed"):
        matrix.record("example", "sync", outcome)
    matrix.record("example", "async", "skipped")
    matrix.record("other", "sync", "skipped")
    assert matrix.summary_lines() == [
        "backend  passed  failed  skipped  by mode (p/f/s)          provider",
        "example       2       1        1  sync 2/1/0, async 0/0/1  p: at home",
        "other         0       0        1  sync 0/0/1               "
        "unavailable: runic backend 'other' is not installed",
    ]
