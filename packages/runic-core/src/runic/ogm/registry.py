"""The pluggy-based backend registry: ``create_driver("falkordb", ...)``.

Each backend distribution declares one entry point in the group
``runic.backends`` whose target implements the :func:`runic_register_backends`
hook (see :mod:`runic.ogm.hookspecs`) and registers :class:`BackendSpec` objects.
Entry points are loaded lazily and one at a time: asking for a backend imports
only the plugin named after it (all of them only when the name is unknown), and
a plugin that fails to import is reported when its backend is asked for, without
breaking the others. :func:`available_backends` reads installed metadata only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pluggy

from runic.ogm import hookspecs
from runic.ogm._registry_support import (
    ENTRY_POINT_GROUP,
    INSTALL_HINTS,
    BackendInfo,
    PluginEntry,
    accepted_keywords,
    accepts_keywords,
    discover_entry_points,
    install_hint_for,
    keywords_of,
    normalize_name,
    not_found_message,
    unavailable_message,
    unknown_keywords_message,
    validate_backend_name,
)
from runic.ogm.driver.protocols import AsyncGraphDriver, Capability, GraphDriver
from runic.ogm.exceptions import (
    BackendError,
    BackendNotFoundError,
    BackendUnavailableError,
    UnsupportedFeatureError,
)
from runic.ogm.hookspecs import hookimpl, hookspec

__all__ = [
    "ENTRY_POINT_GROUP",
    "INSTALL_HINTS",
    "BackendInfo",
    "BackendRegistrationError",
    "BackendRegistry",
    "BackendSettingsError",
    "BackendSpec",
    "accepts_keywords",
    "available_backends",
    "create_async_driver",
    "create_driver",
    "default_registry",
    "get_backend",
    "hookimpl",
    "hookspec",
    "keywords_of",
    "reset_default_registry",
]


class BackendRegistrationError(BackendError, ValueError):
    """A backend spec is invalid or its name or alias is already taken."""


class BackendSettingsError(BackendError, TypeError):
    """A driver factory was given a keyword its backend does not accept."""


@dataclass(frozen=True)
class BackendSpec:
    """How to build drivers for one backend.

    ``name`` and ``aliases`` are lowercase (lookups are case-insensitive);
    ``factory(**kwargs)`` returns a :class:`GraphDriver`, ``async_factory`` an
    :class:`AsyncGraphDriver` (``None`` when the backend is sync-only);
    ``install_hint`` is the pip line that provides the backend's dependencies;
    ``adapter(handle, asynchronous)``, if given, wraps a client object of the
    backend's own library (e.g. a ``falkordb`` graph handle) in a runic driver
    (async if ``asynchronous``), returns ``None`` for an object it does not know,
    or raises ``TypeError`` saying what to pass instead (see :meth:`BackendRegistry.adapt`).
    """

    name: str
    factory: Callable[..., GraphDriver]
    async_factory: Callable[..., AsyncGraphDriver] | None = None
    aliases: tuple[str, ...] = ()
    capabilities: frozenset[Capability] = frozenset()
    install_hint: str = ""
    description: str = ""
    adapter: Callable[[object, bool], Any] | None = None
    #: ``parse_url(url) -> factory keywords`` for ``create_driver("<name>://...")``
    parse_url: Callable[[str], dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        try:
            validate_backend_name(self.name, what="name")
            if not isinstance(self.aliases, tuple):
                raise ValueError(
                    f"aliases must be a tuple of names, not {type(self.aliases).__name__} "
                    f"(write aliases=({self.aliases!r},) for one alias)"
                )
            for alias in self.aliases:
                validate_backend_name(alias, what="alias")
            if len({self.name, *self.aliases}) != 1 + len(self.aliases):
                raise ValueError("the name and the aliases must all differ")
            if not callable(self.factory):
                raise ValueError("factory must be callable")
            if self.async_factory is not None and not callable(self.async_factory):
                raise ValueError("async_factory must be callable or None")
            if self.adapter is not None and not callable(self.adapter):
                raise ValueError("adapter must be callable or None")
        except ValueError as exc:
            raise BackendRegistrationError(f"BackendSpec {self.name!r}: {exc}") from None

    @property
    def names(self) -> tuple[str, ...]:
        """The name followed by the aliases."""
        return (self.name, *self.aliases)

    @property
    def supports_async(self) -> bool:
        """Whether :func:`create_async_driver` works for this backend."""
        return self.async_factory is not None


class BackendRegistry:
    """Backends by name, fed by pluggy plugins and ``runic.backends`` entry points.

    ``BackendRegistry()`` starts empty (useful in tests); pass
    ``entry_point_group=ENTRY_POINT_GROUP`` to discover installed plugins, as
    :func:`default_registry` does. Thread-safe.
    """

    def __init__(self, *, entry_point_group: str | None = None) -> None:
        self._lock = threading.RLock()
        self._group = entry_point_group
        self._specs: dict[str, BackendSpec] = {}
        self._index: dict[str, str] = {}
        self._origins: dict[str, str] = {}
        self._origin = "a direct register() call"
        self._entries: list[PluginEntry] | None = None
        self._pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self._pm.hook.runic_register_backends.call_historic(kwargs={"registry": self})

    @property
    def entry_point_group(self) -> str | None:
        """The entry-point group plugins are discovered in, or ``None``."""
        return self._group

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        """The underlying pluggy plugin manager."""
        return self._pm

    def register(self, spec: BackendSpec) -> None:
        """Add a backend; its name and aliases must not be taken yet."""
        if not isinstance(spec, BackendSpec):
            raise BackendRegistrationError(
                f"register() takes a BackendSpec, not {type(spec).__name__}"
            )
        with self._lock:
            for name in spec.names:
                owner = self._index.get(name)
                if owner is not None:
                    raise BackendRegistrationError(
                        f"cannot register backend {spec.name!r} from {self._origin}: the name "
                        f"{name!r} is already taken by backend {owner!r} (registered from "
                        f"{self._origins[owner]}); give the backend another name or alias, "
                        "or uninstall one of the two plugins"
                    )
            self._specs[spec.name] = spec
            self._origins[spec.name] = self._origin
            for name in spec.names:
                self._index[name] = spec.name

    def register_plugin(self, plugin: object, name: str | None = None) -> str:
        """Register a pluggy plugin object; its ``runic_register_backends`` runs now.

        Returns the plugin's name in the plugin manager. Errors raised by the
        hook (e.g. a duplicate backend) propagate and leave the registry as it was.
        """
        with self._lock:
            return self._register_plugin(plugin, name, origin=f"plugin {name or plugin!r}")

    def get(self, name: str) -> BackendSpec:
        """Return the backend registered under ``name`` or one of its aliases.

        Raises :class:`BackendNotFoundError` (listing the installed backends and
        the pip line) or :class:`BackendUnavailableError` (its plugin failed to load).
        """
        key = normalize_name(name)
        with self._lock:
            spec = self._lookup(key)
            if spec is None:
                for entry in self._discover():
                    if entry.key == key:
                        self._load(entry)
                spec = self._lookup(key)
            if spec is None:
                self._load_all()
                spec = self._lookup(key)
            if spec is not None:
                return spec
            failed = self._failed()
            for entry in failed:
                if entry.key == key:
                    raise BackendUnavailableError(unavailable_message(name, entry)) from entry.error
            raise BackendNotFoundError(
                not_found_message(name, installed=self._specs, failed=failed, group=self._group)
            )

    def names(self) -> list[str]:
        """Sorted names of every backend whose plugin loads (aliases excluded)."""
        with self._lock:
            self._load_all()
            return sorted(self._specs)

    def available(self) -> list[BackendInfo]:
        """The installed entry points of this registry's group, read from metadata only."""
        with self._lock:
            return [entry.info for entry in self._discover()]

    def create_driver(self, name: str, /, **kwargs: Any) -> GraphDriver:
        """Build a sync driver of backend ``name`` with the factory's keyword arguments.

        ``name`` may be a URL whose scheme names the backend (``falkordb://host/graph``).
        """
        spec, kwargs = self._resolve(name, kwargs)
        return _call_factory(spec, spec.factory, kwargs, "create_driver")

    def create_async_driver(self, name: str, /, **kwargs: Any) -> AsyncGraphDriver:
        """Build an async driver of backend ``name``; fails early for sync-only backends."""
        spec, kwargs = self._resolve(name, kwargs)
        if spec.async_factory is None:
            with self._lock:
                self._load_all()
                capable = sorted(s.name for s in self._specs.values() if s.supports_async)
            others = ", ".join(capable) if capable else "none installed"
            raise UnsupportedFeatureError(
                spec.name,
                "an async driver",
                f"use create_driver({spec.name!r}, ...) with a sync Session, or a backend "
                f"with an async driver ({others})",
            )
        return _call_factory(spec, spec.async_factory, kwargs, "create_async_driver")

    def adapt(self, handle: object, *, asynchronous: bool) -> Any | None:
        """Wrap a backend library's client object in a runic driver, or return ``None``.

        Asks the backend named like the handle's top-level module first (a
        ``falkordb.graph.Graph`` goes to ``falkordb``), then every other backend
        with an ``adapter``. A ``TypeError`` from an adapter (a known object that
        cannot be used this way) propagates.
        """
        top = normalize_name(type(handle).__module__.partition(".")[0])
        with self._lock:
            first = self._lookup(top)
            if first is None:
                for entry in self._discover():
                    if entry.key == top:
                        self._load(entry)
                first = self._lookup(top)
            specs = [first] if first is not None else []
            if first is None or first.adapter is None:
                self._load_all()
                specs += [s for s in self._specs.values() if s is not first]
        for spec in specs:
            if spec.adapter is not None:
                driver = spec.adapter(handle, asynchronous)
                if driver is not None:
                    return driver
        return None

    # -- internals ---------------------------------------------------------------

    def _resolve(self, name: str, kwargs: dict[str, Any]) -> tuple[BackendSpec, dict[str, Any]]:
        """The spec for a name or URL, and the factory keywords (URL parts first)."""
        from runic.ogm.urls import InvalidURLError, url_scheme

        scheme = url_scheme(name)
        if scheme is None:
            return self.get(name), kwargs
        spec = self.get(scheme)
        if spec.parse_url is None:
            raise InvalidURLError(
                f"backend {spec.name!r} does not parse URLs; call "
                f"create_driver({spec.name!r}, host=..., ...) with keywords instead"
            )
        return spec, {**spec.parse_url(name), **kwargs}

    def _lookup(self, key: str) -> BackendSpec | None:
        canonical = self._index.get(key)
        return None if canonical is None else self._specs[canonical]

    def _discover(self) -> list[PluginEntry]:
        if self._entries is None:
            self._entries = [] if self._group is None else discover_entry_points(self._group)
        return self._entries

    def _failed(self) -> list[PluginEntry]:
        return [entry for entry in self._discover() if entry.error is not None]

    def _load_all(self) -> None:
        for entry in self._discover():
            self._load(entry)

    def _load(self, entry: PluginEntry) -> None:
        if not entry.pending:
            return
        try:
            plugin = entry.entry_point.load()
        except Exception as exc:  # noqa: BLE001 - any failure is kept and reported on demand
            entry.error = exc
            return
        if self._pm.is_registered(plugin):
            # Several entry points may name one module (e.g. one per Bolt backend).
            entry.loaded = True
            return
        before = set(self._specs)
        info = entry.info
        plugin_name = f"{self._group}:{info.distribution}:{info.name}"
        try:
            self._register_plugin(plugin, plugin_name, origin=entry.describe())
        except Exception as exc:  # noqa: BLE001 - isolates a faulty plugin from the others
            entry.error = exc
            return
        if set(self._specs) == before:
            entry.error = BackendRegistrationError(
                f"it registered no backend: {info.entry_point} must provide a @hookimpl "
                "function runic_register_backends(registry) that calls registry.register()"
            )
            self._pm.unregister(plugin)
            return
        entry.loaded = True

    def _register_plugin(self, plugin: object, name: str | None, *, origin: str) -> str:
        before = set(self._specs)
        previous, self._origin = self._origin, origin
        try:
            registered = self._pm.register(plugin, name)
        except BaseException:
            if self._pm.is_registered(plugin):
                self._pm.unregister(plugin)
            self._forget(set(self._specs) - before)
            raise
        finally:
            self._origin = previous
        if registered is None:
            raise BackendRegistrationError(
                f"the plugin manager refused plugin {name!r} from {origin} "
                "(its name is blocked, or the plugin object is None)"
            )
        return registered

    def _forget(self, canonical_names: set[str]) -> None:
        for canonical in canonical_names:
            spec = self._specs.pop(canonical)
            del self._origins[canonical]
            for name in spec.names:
                del self._index[name]


_DriverT = TypeVar("_DriverT")


def _call_factory(
    spec: BackendSpec, factory: Callable[..., _DriverT], kwargs: dict[str, Any], what: str
) -> _DriverT:
    try:
        accepted = accepted_keywords(factory)
        if accepted is not None:
            unknown = kwargs.keys() - accepted
            if unknown:
                raise BackendSettingsError(
                    unknown_keywords_message(
                        spec.name, unknown, accepted, call=f"{what}({spec.name!r}, ...)"
                    )
                )
        return factory(**kwargs)
    except BackendError:
        raise
    except ImportError as exc:
        hint = spec.install_hint or install_hint_for(spec.name) or "install the client it needs"
        raise BackendUnavailableError(
            f"graph backend {spec.name!r} cannot create a driver: {type(exc).__name__}: {exc}. "
            f"To fix it: {hint}"
        ) from exc


_default: BackendRegistry | None = None
_default_lock = threading.Lock()


def default_registry() -> BackendRegistry:
    """The process-wide registry over the ``runic.backends`` entry points (built once)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = BackendRegistry(entry_point_group=ENTRY_POINT_GROUP)
        return _default


def reset_default_registry() -> None:
    """Forget the default registry; the next use rediscovers the entry points (tests)."""
    global _default
    with _default_lock:
        _default = None


def get_backend(name: str) -> BackendSpec:
    """Return the spec of an installed backend (see :meth:`BackendRegistry.get`)."""
    return default_registry().get(name)


def create_driver(name: str, /, **kwargs: Any) -> GraphDriver:
    """Return a :class:`GraphDriver` for backend ``name`` (case-insensitive, aliases work).

    ``kwargs`` go to the backend's factory, e.g.
    ``create_driver("falkordb", host="localhost", port=6379, graph="app")``.
    """
    return default_registry().create_driver(name, **kwargs)


def create_async_driver(name: str, /, **kwargs: Any) -> AsyncGraphDriver:
    """Return an :class:`AsyncGraphDriver` for backend ``name``."""
    return default_registry().create_async_driver(name, **kwargs)


def available_backends() -> list[BackendInfo]:
    """Installed backends (name, distribution, version, entry point), sorted by name.

    Read from distribution metadata: no plugin or driver library is imported.
    """
    return [entry.info for entry in discover_entry_points(ENTRY_POINT_GROUP)]
