"""Selecting and requiring backends: RUNIC_TEST_BACKENDS, RUNIC_REQUIRE_BACKENDS, modes."""

from __future__ import annotations

from pathlib import Path

import pytest

from runic_integration import Matrix, MatrixConfig, ProfileRegistry
from runic_integration.config import parse_names
from runic_integration.testing import clean_env, run_suite


def test_parse_names() -> None:
    assert parse_names(None, "X") is None
    assert parse_names("  ", "X") is None
    assert parse_names("FalkorDB, age  arcadedb,age", "X") == ("falkordb", "age", "arcadedb")
    with pytest.raises(ValueError, match=r"^X: 'fa\$t' is not a valid name"):
        parse_names("fa$t", "X")


def test_config_reads_the_environment_and_options_win() -> None:
    env = {
        "RUNIC_TEST_BACKENDS": "falkordb",
        "RUNIC_REQUIRE_BACKENDS": "age",
        "RUNIC_TEST_PROVIDERS": "local,env",
        "RUNIC_TEST_MODES": "async",
    }
    config = MatrixConfig.from_sources(env)
    assert config == MatrixConfig(("falkordb",), ("age",), ("local", "env"), ("async",))
    assert MatrixConfig.from_sources(env, backends="neo4j", modes="sync,async").backends == (
        "neo4j",
    )
    with pytest.raises(ValueError, match="RUNIC_TEST_MODES: unknown mode"):
        MatrixConfig.from_sources({"RUNIC_TEST_MODES": "threaded"})


def test_default_selection_is_every_profile_but_the_opt_in_ones() -> None:
    registry = ProfileRegistry()
    matrix = Matrix(registry, MatrixConfig())
    assert matrix.selected == ["falkordb", "arcadedb", "age", "neo4j", "memgraph"]
    assert "example" in registry.names()  # the example plugin's profile is opt-in
    assert Matrix(registry, MatrixConfig(backends=("all",))).selected[-1] == "example"


def test_required_backends_are_always_selected() -> None:
    matrix = Matrix(ProfileRegistry(), MatrixConfig(backends=("falkordb",), required=("age",)))
    assert matrix.selected == ["falkordb", "age"]
    assert matrix.is_required("age") and not matrix.is_required("falkordb")


def test_unknown_backend_names_are_a_usage_error() -> None:
    with pytest.raises(
        ValueError,
        match=r"unknown backend\(s\) nosuch: the integration suite "
        r"knows falkordb, arcadedb, age, neo4j, memgraph, example",
    ):
        Matrix(ProfileRegistry(), MatrixConfig(backends=("nosuch",)))


def test_required_but_missing_backend_fails_with_the_reason(tmp_path: Path) -> None:
    run = run_suite(
        tmp_path,
        clean_env(RUNIC_REQUIRE_BACKENDS="neo4j", RUNIC_TEST_BACKENDS="falkordb"),
        "-k",
        "smoke",
    )
    assert run.returncode == 1, run.output
    assert "ERROR" in run.output
    assert "neo4j is required (RUNIC_REQUIRE_BACKENDS) but cannot run: " in run.output
    # the reason names what is missing: the runic backend, or each provider tried
    assert (
        "runic backend 'neo4j' is not installed (pip install ./packages/runic-bolt)" in run.output
        or "env: RUNIC_TEST_NEO4J_URI is not set" in run.output
    ), run.output
    assert run.summary_row("neo4j").split()[1:4] == ["0", "4", "0"]
    assert "required backends (RUNIC_REQUIRE_BACKENDS): neo4j" in run.output
    # the other backends were not affected: falkordb still ran
    assert run.summary_row("falkordb").split()[1:4] == ["4", "0", "0"]


def test_the_same_missing_backend_only_skips_when_not_required(tmp_path: Path) -> None:
    run = run_suite(tmp_path, clean_env(RUNIC_TEST_BACKENDS="neo4j"), "-k", "smoke")
    assert run.returncode == 0, run.output
    assert "4 skipped" in run.output
    assert "SKIPPED [4]" in run.output and "neo4j: " in run.output


def test_unknown_backend_in_the_environment_stops_the_run(tmp_path: Path) -> None:
    run = run_suite(tmp_path, clean_env(RUNIC_TEST_BACKENDS="nosuch"), "-k", "smoke")
    assert run.returncode == 4, run.output  # pytest's usage-error exit code
    assert "runic integration matrix: unknown backend(s) nosuch" in run.output


def test_modes_can_be_restricted(tmp_path: Path) -> None:
    run = run_suite(
        tmp_path,
        clean_env(RUNIC_TEST_BACKENDS="falkordb", RUNIC_TEST_MODES="async"),
        "-k",
        "smoke",
        "-v",
    )
    assert run.returncode == 0, run.output
    assert "[falkordb-async]" in run.output and "[falkordb-sync]" not in run.output
    assert "async 2/0/0" in run.summary_row("falkordb")
