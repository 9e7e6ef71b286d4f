"""Helpers of :mod:`runic.ogm.registry`: names, install hints, entry points, messages.

Nothing here imports a plugin module: entry points are read from installed
distribution metadata and loaded one at a time, on demand, by the registry.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from types import MappingProxyType

__all__ = [
    "ENTRY_POINT_GROUP",
    "INSTALL_HINTS",
    "BackendInfo",
    "PluginEntry",
    "discover_entry_points",
    "install_hint_for",
    "normalize_name",
    "not_found_message",
    "unavailable_message",
    "validate_backend_name",
]

ENTRY_POINT_GROUP = "runic.backends"
"""The entry-point group backend distributions declare their plugin in."""

INSTALL_HINTS: Mapping[str, str] = MappingProxyType(
    {
        "falkordb": "pip install ./packages/runic-falkordb (from a runic checkout; not on PyPI)",
        "neo4j": "pip install ./packages/runic-bolt (from a runic checkout; not on PyPI)",
        "memgraph": "pip install ./packages/runic-bolt (from a runic checkout; not on PyPI)",
        "arcadedb": "pip install ./packages/runic-bolt (from a runic checkout; not on PyPI)",
        "bolt": "pip install ./packages/runic-bolt (from a runic checkout; not on PyPI)",
        "age": "pip install ./packages/runic-age (from a runic checkout; not on PyPI)",
    }
)
"""The pip line for each backend runic itself ships, by backend name."""

_NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]*")


def normalize_name(name: str) -> str:
    """Return the lookup key of a backend name: names are case-insensitive."""
    if not isinstance(name, str):
        raise TypeError(f"a backend name must be a str, not {type(name).__name__}")
    return name.strip().lower()


def validate_backend_name(name: str, *, what: str) -> None:
    """Raise ``ValueError`` unless ``name`` is a valid lowercase backend name."""
    if not isinstance(name, str) or _NAME_RE.fullmatch(name) is None:
        raise ValueError(
            f"invalid backend {what} {name!r}: use lowercase letters, digits, '.', '_' or '-', "
            "starting with a letter or digit (lookups are case-insensitive anyway)"
        )


def install_hint_for(name: str) -> str | None:
    """Return the pip line of a backend runic knows about, or ``None``."""
    return INSTALL_HINTS.get(normalize_name(name))


@dataclass(frozen=True, slots=True)
class BackendInfo:
    """An installed backend as its distribution's metadata declares it.

    Read without importing the plugin or its driver library. ``name`` is the
    entry-point name (the backend's conventional name), ``entry_point`` its value
    (``"module:attr"``).
    """

    name: str
    distribution: str | None
    version: str | None
    entry_point: str


@dataclass(slots=True)
class PluginEntry:
    """One entry point of the backend group and the outcome of loading it."""

    entry_point: metadata.EntryPoint
    info: BackendInfo
    loaded: bool = False
    error: Exception | None = None

    @property
    def key(self) -> str:
        """The normalized entry-point name."""
        return normalize_name(self.info.name)

    @property
    def pending(self) -> bool:
        """Whether the entry point has not been tried yet."""
        return not self.loaded and self.error is None

    def describe(self) -> str:
        """Name the entry point and its distribution, for messages."""
        info = self.info
        where = "an unknown distribution"
        if info.distribution is not None:
            where = f"distribution {info.distribution} {info.version or ''}".rstrip()
        return f"entry point '{info.name} = {info.entry_point}' of {where}"


def _info_of(entry_point: metadata.EntryPoint) -> BackendInfo:
    dist = entry_point.dist
    name = dist.metadata["Name"] if dist is not None else None
    version = dist.version if dist is not None else None
    return BackendInfo(entry_point.name, name, version, entry_point.value)


def discover_entry_points(group: str) -> list[PluginEntry]:
    """Read the entry points of ``group`` from installed metadata, sorted by name."""
    entries = [PluginEntry(ep, _info_of(ep)) for ep in metadata.entry_points(group=group)]
    entries.sort(key=lambda entry: (entry.key, entry.info.distribution or ""))
    return entries


def _error_summary(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


def not_found_message(
    requested: str,
    *,
    installed: Iterable[str],
    failed: Iterable[PluginEntry],
    group: str | None,
) -> str:
    """Explain that no backend has the requested name, and how to get one."""
    key = normalize_name(requested)
    names = sorted(set(installed))
    listing = ", ".join(names) if names else "none"
    parts = [f"Unknown graph backend {requested!r}. Installed backends: {listing}."]
    broken = [
        f"{entry.info.name} ({_error_summary(entry.error)})" for entry in failed if entry.error
    ]
    if broken:
        parts.append(f"Installed but failing to load: {'; '.join(broken)}.")
    close = difflib.get_close_matches(key, names, n=1)
    if close:
        parts.append(f"Did you mean {close[0]!r}?")
    hint = install_hint_for(key)
    if hint is not None:
        parts.append(f"To use {key}, install its package: {hint}")
    else:
        where = f" in the entry-point group {group!r}" if group else ""
        parts.append(
            f"No runic package is known to provide {key!r}: check the spelling, or install the "
            f"distribution that registers it{where} (pip install <distribution>)."
        )
    return " ".join(parts)


def unavailable_message(requested: str, entry: PluginEntry) -> str:
    """Explain that a backend's plugin is installed but failed to load."""
    error = entry.error
    assert error is not None
    dist = entry.info.distribution
    fix = (
        f"Reinstall it (pip install --force-reinstall with {dist}'s path, wheel or "
        "index name) or uninstall it"
        if dist
        else "Fix or remove the distribution that declares it"
    )
    return (
        f"Graph backend {requested!r} is installed but its plugin failed to load: "
        f"{entry.describe()} raised {_error_summary(error)}. {fix} if you do not use this backend."
    )
