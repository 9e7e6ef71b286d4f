"""The pytest plugin of the integration matrix (entry point ``pytest11``).

* parametrizes every test using the ``runic_db`` fixture over the selected
  backends x modes (``RUNIC_TEST_BACKENDS``, ``RUNIC_TEST_MODES``);
* finds a server per backend on first use and stops the servers it started at
  the end of the run;
* skips a backend that cannot run, with every provider's reason, or fails it when
  ``RUNIC_REQUIRE_BACKENDS`` names it;
* skips a test marked ``runic_requires(Capability.X)`` on a backend without X
  ("<backend>: missing capability x"), and one marked ``runic_lacks(...)`` on a
  backend that has it;
* prints the matrix summary (backend x passed/failed/skipped, provider).

Nothing happens unless a collected test uses ``runic_db``.
"""

from __future__ import annotations

import itertools
import os
import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from runic.ogm import Capability
from runic_integration.config import (
    ENV_BACKENDS,
    ENV_MODES,
    ENV_PROVIDERS,
    ENV_REQUIRE,
    MatrixConfig,
)
from runic_integration.harness import RunicDB
from runic_integration.matrix import Matrix
from runic_integration.registry import ProfileRegistry

__all__ = ["Case", "matrix_of"]

FIXTURE = "runic_db"


@dataclass(frozen=True)
class Case:
    """One parametrization: a backend and an API mode."""

    backend: str
    mode: str

    @property
    def id(self) -> str:
        return f"{self.backend}-{self.mode}"


class _State:
    """Per-run state kept on the pytest config."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.matrix_: Matrix | None = None
        self.cases: dict[str, Case] = {}
        self.outcomes: dict[str, str] = {}
        self.counter = itertools.count(1)
        self.run_id = secrets.token_hex(3)

    def matrix(self) -> Matrix:
        if self.matrix_ is None:
            opt = self.config.getoption
            try:
                settings = MatrixConfig.from_sources(
                    os.environ,
                    backends=opt("runic_backends"),
                    required=opt("runic_require"),
                    providers=opt("runic_providers"),
                    modes=opt("runic_modes"),
                )
                self.matrix_ = Matrix(ProfileRegistry(), settings)
            except ValueError as exc:
                raise pytest.UsageError(f"runic integration matrix: {exc}") from None
        return self.matrix_


_STATE = pytest.StashKey[_State]()


def matrix_of(config: pytest.Config) -> Matrix:
    """The run's :class:`~runic_integration.matrix.Matrix` (built on first use)."""
    return config.stash[_STATE].matrix()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("runic", "runic integration matrix")
    group.addoption(
        "--runic-backends",
        default=None,
        help=f"backends to run, comma separated, or 'all' (default: ${ENV_BACKENDS}, "
        "else every non-opt-in profile)",
    )
    group.addoption(
        "--runic-require",
        default=None,
        help=f"backends that must run: failing instead of skipping (default: ${ENV_REQUIRE})",
    )
    group.addoption(
        "--runic-providers",
        default=None,
        help=f"provider kinds to try, in order, e.g. env,local (default: ${ENV_PROVIDERS})",
    )
    group.addoption(
        "--runic-modes", default=None, help=f"sync, async or both (default: ${ENV_MODES})"
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "runic_requires(*capabilities): run only on backends whose dialect declares "
        "every capability (others skip: '<backend>: missing capability <cap>')",
    )
    config.addinivalue_line(
        "markers",
        "runic_lacks(*capabilities): run only on backends lacking every capability "
        "(tests of the clear error a missing feature raises)",
    )
    config.addinivalue_line(
        "markers", "runic_modes(*modes): run only in these API modes ('sync', 'async')"
    )
    config.addinivalue_line(
        "markers",
        "runic_known_bug(*backends, reason): a strict xfail on these backends only "
        "(a server bug the test documents; it must keep failing there and pass elsewhere)",
    )
    state = _State(config)
    config.stash[_STATE] = state
    config.pluginmanager.register(_Reporter(state), "runic-integration-reporter")
    explicit = any(
        os.environ.get(v) for v in (ENV_BACKENDS, ENV_REQUIRE, ENV_PROVIDERS, ENV_MODES)
    ) or any(
        config.getoption(o) is not None
        for o in ("runic_backends", "runic_require", "runic_providers", "runic_modes")
    )
    if explicit:
        state.matrix()  # report a bad selection now, as a usage error


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is not None and state.matrix_ is not None:
        errors = state.matrix_.stop_all()
        for error in errors:
            print(f"runic integration: {error}", file=sys.stderr)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if FIXTURE not in metafunc.fixturenames:
        return
    matrix = matrix_of(metafunc.config)
    modes = list(matrix.config.modes)
    marker = metafunc.definition.get_closest_marker("runic_modes")
    if marker is not None:
        allowed = set(marker.args)
        modes = [m for m in modes if m in allowed]
    cases = [Case(b, m) for b in matrix.selected for m in modes]
    metafunc.parametrize(FIXTURE, cases, indirect=True, ids=[c.id for c in cases])


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    state = config.stash[_STATE]
    for item in items:
        callspec = getattr(item, "callspec", None)
        case = callspec.params.get(FIXTURE) if callspec is not None else None
        if isinstance(case, Case):
            state.cases[item.nodeid] = case


class _Reporter:
    """Collects each matrix test's final outcome and prints the summary table."""

    def __init__(self, state: _State) -> None:
        self.state = state

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        state = self.state
        if report.nodeid not in state.cases or state.outcomes.get(report.nodeid) == "failed":
            return
        if report.failed:
            outcome = "failed"
        elif report.skipped:
            outcome = "skipped"
        elif report.when == "call":
            outcome = "passed"
        else:
            return
        state.outcomes[report.nodeid] = outcome

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        state = self.state
        if not state.outcomes or state.matrix_ is None:
            return
        matrix = state.matrix_
        for nodeid, outcome in state.outcomes.items():
            case = state.cases[nodeid]
            matrix.record(case.backend, case.mode, outcome)
        terminalreporter.write_sep("=", "runic integration matrix")
        for line in matrix.summary_lines():
            terminalreporter.write_line(line)
        required = ", ".join(matrix.config.required) or "(none)"
        terminalreporter.write_line(f"required backends ({ENV_REQUIRE}): {required}")


@pytest.fixture
def runic_db(request: pytest.FixtureRequest) -> Iterator[RunicDB]:
    """One backend x mode x isolated graph (parametrized by the plugin)."""
    case = getattr(request, "param", None)
    if not isinstance(case, Case):
        raise pytest.UsageError(
            "runic_db is parametrized by the runic integration plugin; do not request it "
            "from a fixture that is not a test's direct argument"
        )
    state = request.config.stash[_STATE]
    matrix = state.matrix()
    found = matrix.resolve(case.backend)
    if found.server is None:
        message = f"{case.backend}: {found.reason()}"
        if matrix.is_required(case.backend):
            pytest.fail(
                f"{case.backend} is required ({ENV_REQUIRE}) but cannot run: {found.reason()}",
                pytrace=False,
            )
        if found.failure is not None:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    if case.mode == "async" and not found.supports_async:
        pytest.skip(f"{case.backend}: missing capability {Capability.ASYNC} (no async driver)")
    profile = matrix.registry.get(case.backend)
    graph = f"runic_it_{state.run_id}_{next(state.counter)}"
    db = RunicDB(profile, found.server, case.mode, graph)
    try:
        _check_capabilities(request, db)
    except BaseException:
        db.close()
        raise
    yield db
    db.close()


def _check_capabilities(request: pytest.FixtureRequest, db: RunicDB) -> None:
    node = request.node
    for marker in node.iter_markers("runic_requires"):
        for capability in marker.args:
            if Capability(capability) not in db.capabilities:
                pytest.skip(f"{db.backend}: missing capability {Capability(capability)}")
    for marker in node.iter_markers("runic_lacks"):
        for capability in marker.args:
            if Capability(capability) in db.capabilities:
                pytest.skip(
                    f"{db.backend}: has capability {Capability(capability)} "
                    "(this test checks the error raised without it)"
                )
    for marker in node.iter_markers("runic_known_bug"):
        if db.backend in marker.args:
            reason = f"{db.backend}: {marker.kwargs['reason']}"
            node.add_marker(pytest.mark.xfail(strict=True, reason=reason))
