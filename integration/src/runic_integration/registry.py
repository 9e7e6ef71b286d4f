"""Backend profiles by name: the built-in ones plus those of installed plugins.

Built-in profiles (falkordb, neo4j, memgraph, arcadedb, age) are registered
first; then every entry point of the group ``runic.integration_providers`` is
loaded and its :func:`~runic_integration.hookspecs.runic_integration_profiles`
hook runs. A plugin that fails to load or to register is recorded in
:attr:`ProfileRegistry.errors` without breaking the others.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass

import pluggy

from runic_integration import hookspecs
from runic_integration.profile import BackendProfile
from runic_integration.providers.base import Provider

__all__ = ["PluginError", "ProfileRegistry"]


@dataclass(frozen=True)
class PluginError:
    """An entry point that could not be loaded or whose hook failed."""

    entry_point: str
    error: BaseException

    def describe(self) -> str:
        return f"{self.entry_point}: {type(self.error).__name__}: {self.error}"


class ProfileRegistry:
    """The profiles the matrix knows.

    ``ProfileRegistry()`` loads the built-ins and the installed plugins;
    ``ProfileRegistry(builtins=False, entry_point_group=None)`` starts empty.
    """

    def __init__(
        self,
        *,
        builtins: bool = True,
        entry_point_group: str | None = hookspecs.ENTRY_POINT_GROUP,
    ) -> None:
        self._profiles: dict[str, BackendProfile] = {}
        self._origins: dict[str, str] = {}
        self._origin = "a direct add() call"
        self.errors: list[PluginError] = []
        self._pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self._pm.hook.runic_integration_profiles.call_historic(kwargs={"registry": self})
        if builtins:
            from runic_integration import backends

            self.register_plugin(backends, "runic_integration.backends")
        if entry_point_group is not None:
            self._load_entry_points(entry_point_group)

    # -- registration --------------------------------------------------------------------

    def add(self, profile: BackendProfile) -> None:
        """Register a profile; its name must be free."""
        if not isinstance(profile, BackendProfile):
            raise TypeError(f"add() takes a BackendProfile, not {type(profile).__name__}")
        owner = self._origins.get(profile.name)
        if owner is not None:
            raise ValueError(
                f"cannot add profile {profile.name!r} from {self._origin}: {owner} "
                "registered that backend already; use add_provider() to add providers to it"
            )
        self._profiles[profile.name] = profile
        self._origins[profile.name] = self._origin

    def add_provider(self, backend: str, provider: Provider, *, first: bool = False) -> None:
        """Add ``provider`` to the profile of ``backend`` (tried last, or ``first``)."""
        profile = self.get(backend)
        if first:
            profile.providers.insert(0, provider)
        else:
            profile.providers.append(provider)

    def register_plugin(self, plugin: object, name: str) -> None:
        """Register a pluggy plugin object; its hook runs now."""
        previous, self._origin = self._origin, f"plugin {name}"
        try:
            self._pm.register(plugin, name)
        finally:
            self._origin = previous

    def _load_entry_points(self, group: str) -> None:
        for entry_point in importlib.metadata.entry_points(group=group):
            label = f"{entry_point.name} = {entry_point.value}"
            before = dict(self._profiles)
            plugin: object = None
            try:
                plugin = entry_point.load()
                if self._pm.is_registered(plugin):
                    continue
                self.register_plugin(plugin, f"{group}:{entry_point.name}")
            except Exception as exc:  # noqa: BLE001 - isolate one faulty plugin
                self.errors.append(PluginError(label, exc))
                if plugin is not None and self._pm.is_registered(plugin):
                    self._pm.unregister(plugin)
                for name in set(self._profiles) - set(before):
                    del self._profiles[name]
                    del self._origins[name]

    # -- look-ups ------------------------------------------------------------------------

    def get(self, name: str) -> BackendProfile:
        """The profile called ``name``; KeyError listing the known ones."""
        profile = self._profiles.get(name.lower())
        if profile is None:
            known = ", ".join(sorted(self._profiles)) or "(none)"
            broken = "".join(f"; plugin {e.describe()}" for e in self.errors)
            raise KeyError(f"no integration profile for backend {name!r}; known: {known}{broken}")
        return profile

    def names(self) -> list[str]:
        """Every profile name, in registration order."""
        return list(self._profiles)

    def default_names(self) -> list[str]:
        """The profiles run when no selection is given (all but the opt-in ones)."""
        return [n for n, p in self._profiles.items() if not p.opt_in]

    def origin(self, name: str) -> str:
        """Where the profile was registered from."""
        return self._origins[name]
