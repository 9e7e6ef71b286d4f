"""The backend registry, through a real installed plugin (runic-example-backend).

The example plugin lives in tests/plugins/runic-example-backend and is a member
of the hatch workspace, so `hatch run test` installs it; with a plain venv run
`pip install -e tests/plugins/runic-example-backend` first.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from runic.ogm.driver import factory
from runic.ogm.driver.protocols import AsyncGraphDriver, Capability, GraphDriver
from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import (
    BackendNotFoundError,
    BackendUnavailableError,
    QueryExecutionError,
    UnsupportedFeatureError,
)
from runic.ogm.registry import (
    ENTRY_POINT_GROUP,
    BackendInfo,
    BackendRegistrationError,
    BackendRegistry,
    BackendSettingsError,
    BackendSpec,
    accepts_keywords,
    available_backends,
    create_async_driver,
    create_driver,
    default_registry,
    get_backend,
    hookimpl,
    keywords_of,
    reset_default_registry,
)

EXAMPLE_DIST = "runic-example-backend"


@pytest.fixture(autouse=True, scope="module")
def example_plugin_installed() -> None:
    try:
        metadata.distribution(EXAMPLE_DIST)
    except metadata.PackageNotFoundError:
        pytest.fail(
            f"{EXAMPLE_DIST} is not installed: run the suite with `hatch run test`, or "
            "`pip install -e tests/plugins/runic-example-backend` into this environment"
        )


@pytest.fixture(autouse=True)
def fresh_default_registry() -> Iterator[None]:
    reset_default_registry()
    yield
    reset_default_registry()


class _Driver:
    """A minimal sync driver for programmatic registrations."""

    def __init__(self, backend: str = "memo", **options: Any) -> None:
        self._backend = backend
        self.options = options

    @property
    def backend(self) -> str:
        return self._backend

    @property
    def dialect(self) -> Any:
        raise NotImplementedError

    def execute(
        self, cypher: str, params: Any = None, *, write: bool = True, columns: Any = None
    ) -> QueryResult:
        return QueryResult(["cypher"], [(cypher,)])

    def close(self) -> None:
        pass


def _unused_async_factory(**_: Any) -> Any:
    raise AssertionError("not called")


def _spec(name: str, *aliases: str, **kwargs: Any) -> BackendSpec:
    return BackendSpec(name=name, factory=_Driver, aliases=aliases, **kwargs)


# -- the installed example plugin ------------------------------------------------------


def test_create_driver_returns_the_plugins_driver_and_it_executes() -> None:
    from runic_example_backend import ExampleDriver

    driver = create_driver("example", graph="g1")

    assert type(driver) is ExampleDriver
    assert isinstance(driver, GraphDriver)
    assert driver.backend == "example"
    result = driver.execute("RETURN $x AS x, $y AS label", {"x": 41, "y": "a"}, write=False)
    assert result.columns == ["x", "label"]
    assert result.rows == [(41, "a")]
    assert driver.executed == [("RETURN $x AS x, $y AS label", {"x": 41, "y": "a"}, False)]
    assert driver.graph == "g1"


def test_example_driver_reports_a_missing_parameter_naming_the_backend() -> None:
    driver = create_driver("example")
    with pytest.raises(QueryExecutionError) as info:
        driver.execute("RETURN $nope AS x")
    assert str(info.value) == "[example] missing parameter $nope"
    assert info.value.cypher == "RETURN $nope AS x"


async def test_create_async_driver_returns_the_plugins_async_driver() -> None:
    from runic_example_backend import AsyncExampleDriver

    driver = create_async_driver("example", graph="g2")

    assert type(driver) is AsyncExampleDriver
    assert isinstance(driver, AsyncGraphDriver)
    result = await driver.execute("RETURN $v AS v", {"v": [1, 2]})
    assert result.records() == [{"v": [1, 2]}]
    await driver.close()
    assert driver.closed is True


@pytest.mark.parametrize("name", ["example-memory", "EXAMPLE", "Example-Memory", " example "])
def test_names_are_case_insensitive_and_aliases_resolve(name: str) -> None:
    spec = get_backend(name)

    assert spec.name == "example"
    assert spec.aliases == ("example-memory",)
    assert spec.capabilities == frozenset(
        {Capability.ASYNC, Capability.READ_ONLY_QUERIES, Capability.MULTI_LABEL}
    )
    assert create_driver(name).backend == "example"


def test_default_registry_is_cached_until_reset() -> None:
    first = default_registry()
    assert default_registry() is first
    reset_default_registry()
    assert default_registry() is not first
    assert default_registry().entry_point_group == ENTRY_POINT_GROUP


def test_seed_import_path_is_the_registry() -> None:
    assert factory.create_driver is create_driver
    assert factory.create_async_driver is create_async_driver


def test_available_backends_reads_metadata_without_importing_plugins() -> None:
    script = textwrap.dedent(
        """
        import json, sys
        from runic.ogm.registry import available_backends
        infos = available_backends()
        watched = ("runic_example_backend", "runic.falkordb", "falkordb", "redis",
                   "runic.bolt", "neo4j", "runic.age", "psycopg")
        imported = sorted(m for m in sys.modules if m.split(".")[0] in watched
                          or m.startswith(("runic.falkordb", "runic.bolt", "runic.age")))
        rows = [[i.name, i.distribution, i.version, i.entry_point] for i in infos]
        print(json.dumps({"infos": rows, "imported": imported}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    out = json.loads(done.stdout)

    assert out["imported"] == []
    version = metadata.version(EXAMPLE_DIST)
    assert version == "0.1.0"
    rows = [tuple(row) for row in out["infos"]]
    assert ("example", EXAMPLE_DIST, version, "runic_example_backend.plugin") in rows
    assert ("broken", EXAMPLE_DIST, version, "runic_example_backend.broken") in rows
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)


def test_available_backends_in_process_matches_metadata() -> None:
    infos = {info.name: info for info in available_backends()}

    assert infos["example"] == BackendInfo(
        "example", EXAMPLE_DIST, "0.1.0", "runic_example_backend.plugin"
    )
    assert default_registry().available() == available_backends()


# -- errors ----------------------------------------------------------------------------


def test_unknown_backend_lists_installed_ones_and_a_generic_hint() -> None:
    with pytest.raises(BackendNotFoundError) as info:
        create_driver("nosuchdb")

    message = str(info.value)
    assert message.startswith("Unknown graph backend 'nosuchdb'. Installed backends: ")
    installed = message.split("Installed backends: ", 1)[1].split(".", 1)[0].split(", ")
    assert "example" in installed
    assert "broken" not in installed
    assert "Installed but failing to load: broken (ImportError: " in message
    assert message.endswith(
        "No runic package is known to provide 'nosuchdb': check the spelling, or install the "
        "distribution that registers it in the entry-point group 'runic.backends' "
        "(pip install <distribution>)."
    )
    assert isinstance(info.value, LookupError)


def test_misspelled_backend_suggests_the_close_name() -> None:
    with pytest.raises(BackendNotFoundError, match=r"Did you mean 'example'\?"):
        create_driver("exampel")


@pytest.mark.parametrize(
    ("name", "pip_line"),
    [
        ("falkordb", "pip install ./packages/runic-falkordb (from a runic checkout; not on PyPI)"),
        ("neo4j", "pip install ./packages/runic-bolt (from a runic checkout; not on PyPI)"),
        ("Memgraph", "pip install ./packages/runic-bolt (from a runic checkout; not on PyPI)"),
        ("arcadedb", "pip install ./packages/runic-bolt (from a runic checkout; not on PyPI)"),
        ("age", "pip install ./packages/runic-age (from a runic checkout; not on PyPI)"),
    ],
)
def test_known_backend_not_installed_gives_its_pip_line(name: str, pip_line: str) -> None:
    registry = BackendRegistry()
    registry.register(_spec("memo"))

    with pytest.raises(BackendNotFoundError) as info:
        registry.create_driver(name)

    key = name.lower()
    assert str(info.value) == (
        f"Unknown graph backend {name!r}. Installed backends: memo. "
        f"To use {key}, install its package: {pip_line}"
    )


def test_empty_registry_says_none_installed() -> None:
    with pytest.raises(BackendNotFoundError) as info:
        BackendRegistry().get("age")
    assert str(info.value) == (
        "Unknown graph backend 'age'. Installed backends: none. "
        "To use age, install its package: pip install ./packages/runic-age (from a runic "
        "checkout; not on PyPI)"
    )


def test_broken_plugin_is_reported_when_asked_for() -> None:
    with pytest.raises(BackendUnavailableError) as info:
        create_driver("broken")

    assert str(info.value) == (
        "Graph backend 'broken' is installed but its plugin failed to load: entry point "
        "'broken = runic_example_backend.broken' of distribution runic-example-backend 0.1.0 "
        "raised ImportError: runic_example_backend.broken cannot be imported (deliberately, "
        "for tests). Reinstall it (pip install --force-reinstall with runic-example-backend's "
        "path, wheel or index name) or uninstall it if you do not use this backend."
    )
    cause = info.value.__cause__
    assert type(cause) is ImportError
    assert str(cause) == (
        "runic_example_backend.broken cannot be imported (deliberately, for tests)"
    )
    assert isinstance(info.value, ImportError)


@pytest.mark.parametrize("first", ["broken", "nosuchdb"])
def test_broken_plugin_does_not_break_the_others(first: str) -> None:
    registry = BackendRegistry(entry_point_group=ENTRY_POINT_GROUP)
    with pytest.raises((BackendUnavailableError, BackendNotFoundError)):
        registry.get(first)

    assert registry.create_driver("example").execute("RETURN $a AS a", {"a": 1}).rows == [(1,)]
    assert "example" in registry.names()
    assert "broken" not in registry.names()
    with pytest.raises(BackendUnavailableError):
        registry.get("broken")


def test_async_driver_of_a_sync_only_backend_fails_early() -> None:
    registry = BackendRegistry()
    registry.register(_spec("memo"))
    registry.register(BackendSpec("twin", factory=_Driver, async_factory=_unused_async_factory))

    with pytest.raises(UnsupportedFeatureError) as info:
        registry.create_async_driver("memo")

    assert info.value.backend == "memo"
    assert str(info.value) == (
        "an async driver is not supported on memo; use create_driver('memo', ...) with a "
        "sync Session, or a backend with an async driver (twin)"
    )


def test_factory_import_error_becomes_backend_unavailable_with_hint() -> None:
    def needs_client(**_: Any) -> GraphDriver:
        import runic_no_such_client_library  # noqa: F401

        raise AssertionError("unreachable")

    registry = BackendRegistry()
    registry.register(BackendSpec("memo", factory=needs_client, install_hint="pip install memo"))

    with pytest.raises(BackendUnavailableError) as info:
        registry.create_driver("memo")

    assert str(info.value) == (
        "graph backend 'memo' cannot create a driver: ModuleNotFoundError: No module named "
        "'runic_no_such_client_library'. To fix it: pip install memo"
    )
    assert isinstance(info.value.__cause__, ModuleNotFoundError)


def test_factory_receives_keyword_arguments() -> None:
    registry = BackendRegistry()
    registry.register(_spec("memo"))

    driver = registry.create_driver("memo", backend="memo", host="h", port=1)

    assert isinstance(driver, _Driver)
    assert driver.options == {"host": "h", "port": 1}


# -- programmatic pluggy plugins and duplicates -----------------------------------------


class _MemoPlugin:
    @hookimpl
    def runic_register_backends(self, registry: BackendRegistry) -> None:
        registry.register(_spec("memo", "memo-db"))


def test_hookimpl_plugin_registered_programmatically() -> None:
    registry = BackendRegistry()

    registry.register_plugin(_MemoPlugin(), name="memo-plugin")

    assert registry.names() == ["memo"]
    assert registry.get("MEMO-DB").name == "memo"
    assert registry.create_driver("memo").execute("MATCH (n) RETURN n").rows == [
        ("MATCH (n) RETURN n",)
    ]


def test_plugin_registered_on_the_plugin_manager_directly_is_called() -> None:
    registry = BackendRegistry()
    registry.plugin_manager.register(_MemoPlugin())

    assert registry.get("memo-db").name == "memo"


def test_duplicate_name_or_alias_is_refused() -> None:
    registry = BackendRegistry()
    registry.register(_spec("memo", "memo-db"))

    with pytest.raises(BackendRegistrationError) as info:
        registry.register(_spec("other", "memo-db"))

    assert str(info.value) == (
        "cannot register backend 'other' from a direct register() call: the name 'memo-db' "
        "is already taken by backend 'memo' (registered from a direct register() call); give "
        "the backend another name or alias, or uninstall one of the two plugins"
    )
    assert registry.names() == ["memo"]
    with pytest.raises(BackendNotFoundError):
        registry.get("other")


def test_failing_plugin_registration_leaves_the_registry_unchanged() -> None:
    class Clashing:
        @hookimpl
        def runic_register_backends(self, registry: BackendRegistry) -> None:
            registry.register(_spec("fresh"))
            registry.register(_spec("memo"))

    registry = BackendRegistry()
    registry.register(_spec("memo"))

    with pytest.raises(BackendRegistrationError, match="the name 'memo' is already taken"):
        registry.register_plugin(Clashing(), name="clashing")

    assert registry.names() == ["memo"]
    assert not registry.plugin_manager.has_plugin("clashing")


def test_entry_point_plugin_clashing_with_a_registered_backend_is_isolated() -> None:
    registry = BackendRegistry(entry_point_group=ENTRY_POINT_GROUP)
    registry.register(_spec("example"))

    with pytest.raises(BackendNotFoundError) as info:
        registry.get("example-memory")

    message = str(info.value)
    assert "Installed but failing to load: " in message
    assert (
        "example (BackendRegistrationError: cannot register backend 'example' from entry "
        "point 'example = runic_example_backend.plugin' of distribution runic-example-backend "
        "0.1.0: the name 'example' is already taken by backend 'example' (registered from a "
        "direct register() call)"
    ) in message
    assert isinstance(registry.create_driver("example"), _Driver)


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"name": "Memo"}, "invalid backend name 'Memo'"),
        ({"name": ""}, "invalid backend name ''"),
        ({"name": "memo", "aliases": "m"}, "aliases must be a tuple of names, not str"),
        ({"name": "memo", "aliases": ("Bad Alias",)}, "invalid backend alias 'Bad Alias'"),
        ({"name": "memo", "aliases": ("memo",)}, "the name and the aliases must all differ"),
        ({"name": "memo", "factory": None}, "factory must be callable"),
    ],
)
def test_invalid_specs_are_refused(kwargs: dict[str, Any], problem: str) -> None:
    arguments: dict[str, Any] = {"factory": _Driver, **kwargs}
    with pytest.raises(BackendRegistrationError) as info:
        BackendSpec(**arguments)
    assert str(info.value).startswith(f"BackendSpec {kwargs['name']!r}: {problem}")


# -- entry-point loading, with a throwaway distribution on sys.path --------------------

FAKE_GROUP = "runic.test-backends"


@pytest.fixture
def fake_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Install a distribution 'fake-backends' 1.0 declaring five entry points in FAKE_GROUP.

    Returns the (unique) module names: alpha, beta, empty (no hook) and multi
    (one module behind the two entry points n4 and mg).
    """
    suffix = uuid.uuid4().hex[:8]
    modules = {key: f"fakeplug_{key}_{suffix}" for key in ("alpha", "beta", "empty", "multi")}
    header = "from runic.ogm.registry import BackendSpec, hookimpl\n"
    header += "from runic_example_backend import ExampleDriver\n\n@hookimpl\n"
    header += "def runic_register_backends(registry):\n"
    bodies = {
        "alpha": header
        + '    registry.register(BackendSpec("alpha", ExampleDriver, aliases=("a1",)))\n',
        "beta": header + '    registry.register(BackendSpec("beta", ExampleDriver))\n',
        "empty": "VALUE = 1\n",
        "multi": header
        + '    registry.register(BackendSpec("n4", ExampleDriver))\n'
        + '    registry.register(BackendSpec("mg", ExampleDriver))\n',
    }
    for key, body in bodies.items():
        (tmp_path / f"{modules[key]}.py").write_text(body)
    dist_info = tmp_path / "fake_backends-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: fake-backends\nVersion: 1.0\n"
    )
    (dist_info / "entry_points.txt").write_text(
        f"[{FAKE_GROUP}]\n"
        f"alpha = {modules['alpha']}\n"
        f"beta = {modules['beta']}\n"
        f"empty = {modules['empty']}\n"
        f"n4 = {modules['multi']}\n"
        f"mg = {modules['multi']}\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield modules
    for name in modules.values():
        sys.modules.pop(name, None)


def test_asking_for_a_backend_imports_only_its_plugin(fake_plugins: dict[str, str]) -> None:
    registry = BackendRegistry(entry_point_group=FAKE_GROUP)

    assert registry.get("ALPHA").name == "alpha"

    assert fake_plugins["alpha"] in sys.modules
    assert fake_plugins["beta"] not in sys.modules
    assert fake_plugins["multi"] not in sys.modules
    assert [info.name for info in registry.available()] == ["alpha", "beta", "empty", "mg", "n4"]
    assert {(info.distribution, info.version) for info in registry.available()} == {
        ("fake-backends", "1.0")
    }


def test_an_alias_loads_every_plugin_to_find_its_backend(fake_plugins: dict[str, str]) -> None:
    registry = BackendRegistry(entry_point_group=FAKE_GROUP)

    assert registry.get("a1").name == "alpha"
    assert registry.names() == ["alpha", "beta", "mg", "n4"]
    assert fake_plugins["beta"] in sys.modules


def test_one_module_behind_several_entry_points_registers_once(
    fake_plugins: dict[str, str],
) -> None:
    registry = BackendRegistry(entry_point_group=FAKE_GROUP)

    assert registry.get("mg").name == "mg"
    assert registry.get("n4").name == "n4"
    assert registry.names() == ["alpha", "beta", "mg", "n4"]


def test_plugin_without_the_hook_is_reported(fake_plugins: dict[str, str]) -> None:
    registry = BackendRegistry(entry_point_group=FAKE_GROUP)

    with pytest.raises(BackendUnavailableError) as info:
        registry.get("empty")

    module = fake_plugins["empty"]
    assert str(info.value) == (
        f"Graph backend 'empty' is installed but its plugin failed to load: entry point "
        f"'empty = {module}' of distribution fake-backends 1.0 raised BackendRegistrationError: "
        f"it registered no backend: {module} must provide a @hookimpl function "
        "runic_register_backends(registry) that calls registry.register(). Reinstall it "
        "(pip install --force-reinstall with fake-backends's path, wheel or index name) or "
        "uninstall it if you do not use this backend."
    )


# -- unknown keywords ---------------------------------------------------------------------


def test_unknown_keyword_of_a_signature_factory_names_backend_and_close_match() -> None:
    def factory(host: str = "h", port: int = 1, *, pool_size: int = 4) -> GraphDriver:
        return _Driver(host=host, port=port, pool_size=pool_size)

    registry = BackendRegistry()
    registry.register(BackendSpec("memo", factory=factory))

    with pytest.raises(BackendSettingsError) as info:
        registry.create_driver("memo", pool_sise=10, hots="x")

    assert str(info.value) == (
        "create_driver('memo', ...) got the unknown keywords 'hots' (did you mean 'host'?), "
        "'pool_sise' (did you mean 'pool_size'?); graph backend 'memo' accepts: host, "
        "pool_size, port"
    )
    assert isinstance(info.value, TypeError)


def test_keywords_declared_for_a_kwargs_factory_follow_its_settings_class() -> None:
    # A settings field another module adds later is accepted without touching the
    # plugin: the declared keywords are read from the class when a driver is made.
    @dataclasses.dataclass
    class Settings:
        host: str = "h"
        timeout: float = 1.0

    @accepts_keywords(lambda: keywords_of(Settings))
    def factory(**options: Any) -> GraphDriver:
        return _Driver(**options)

    registry = BackendRegistry()
    registry.register(BackendSpec("memo", factory=factory))
    assert isinstance(registry.create_driver("memo", timeout=2.0), _Driver)
    with pytest.raises(BackendSettingsError, match=r"unknown keyword 'tmeout' \(did you mean"):
        registry.create_driver("memo", tmeout=2.0)


def test_a_kwargs_factory_without_declared_keywords_takes_anything() -> None:
    registry = BackendRegistry()
    registry.register(_spec("memo"))
    driver = registry.create_driver("memo", anything=1)
    assert isinstance(driver, _Driver) and driver.options == {"anything": 1}


def test_adapt_asks_the_backends_adapters_and_returns_none_for_unknown_objects() -> None:
    class Handle:
        pass

    seen: list[tuple[object, bool]] = []

    def adapter(handle: object, asynchronous: bool) -> Any:
        seen.append((handle, asynchronous))
        return _Driver() if isinstance(handle, Handle) else None

    registry = BackendRegistry()
    registry.register(BackendSpec("memo", factory=_Driver, adapter=adapter))
    handle = Handle()
    assert isinstance(registry.adapt(handle, asynchronous=True), _Driver)
    assert registry.adapt(object(), asynchronous=False) is None
    assert seen[0] == (handle, True)
    with pytest.raises(BackendRegistrationError, match="adapter must be callable"):
        BackendSpec("bad", factory=_Driver, adapter="nope")  # type: ignore[arg-type]
