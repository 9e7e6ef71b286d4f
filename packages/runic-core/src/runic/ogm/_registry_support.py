"""Helpers of :mod:`runic.ogm.registry`: names, install hints, entry points, messages.

Nothing here imports a plugin module: entry points are read from installed
distribution metadata and loaded one at a time, on demand, by the registry.
"""

from __future__ import annotations

import dataclasses
import difflib
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from types import MappingProxyType
from typing import Any, TypeVar

__all__ = [
    "ENTRY_POINT_GROUP",
    "INSTALL_HINTS",
    "KEYWORDS_ATTRIBUTE",
    "BackendInfo",
    "PluginEntry",
    "accepted_keywords",
    "accepts_keywords",
    "discover_entry_points",
    "install_hint_for",
    "keywords_of",
    "normalize_name",
    "not_found_message",
    "unavailable_message",
    "unknown_keywords_message",
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


# -- keyword checking of factories --------------------------------------------------

KEYWORDS_ATTRIBUTE = "__runic_keywords__"
"""Attribute of a factory naming a function that returns the keywords it accepts."""

_F = TypeVar("_F", bound=Callable[..., Any])
_NAMED = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def accepts_keywords(keywords: Callable[[], Iterable[str] | None]) -> Callable[[_F], _F]:
    """Declare the keywords a factory taking ``**kwargs`` accepts.

    ``keywords()`` is called when a driver is created (so it may import the
    backend's modules and read the signatures and settings classes there, see
    :func:`keywords_of`); ``None`` means "anything".
    """

    def mark(factory: _F) -> _F:
        setattr(factory, KEYWORDS_ATTRIBUTE, keywords)
        return factory

    return mark


def keywords_of(*sources: Any, exclude: Iterable[str] = ()) -> frozenset[str]:
    """The keyword names of callables (their named parameters) and dataclasses (fields).

    Parameters whose name starts with ``_`` are private and left out, as are
    ``*args``/``**kwargs`` themselves and the names in ``exclude``.
    """
    names: set[str] = set()
    for source in sources:
        if isinstance(source, type) and dataclasses.is_dataclass(source):
            names.update(f.name for f in dataclasses.fields(source) if f.init)
            continue
        for param in inspect.signature(source).parameters.values():
            if param.kind in _NAMED:
                names.add(param.name)
    return frozenset(n for n in names if not n.startswith("_")) - frozenset(exclude)


def accepted_keywords(factory: Callable[..., Any]) -> frozenset[str] | None:
    """The keywords ``factory`` accepts, or ``None`` when it takes any.

    Read from the function :func:`accepts_keywords` attached, else from the
    factory's signature (``None`` if it has ``**kwargs``).
    """
    declared = getattr(factory, KEYWORDS_ATTRIBUTE, None)
    if callable(declared):
        names = declared()
        return None if names is None else frozenset(names)
    try:
        signature = inspect.signature(factory)
    except (TypeError, ValueError):
        return None
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values()):
        return None
    return keywords_of(factory)


def unknown_keywords_message(
    backend: str, unknown: Iterable[str], accepted: Iterable[str], *, call: str | None = None
) -> str:
    """Explain that ``call`` (``create_driver(backend, ...)``) got keywords it does not take."""
    names = sorted(accepted)
    bad = sorted(unknown)
    parts = []
    for keyword in bad:
        close = difflib.get_close_matches(keyword, names, n=1)
        guess = f" (did you mean {close[0]!r}?)" if close else ""
        parts.append(f"{keyword!r}{guess}")
    noun = "keyword" if len(bad) == 1 else "keywords"
    return (
        f"{call or f'create_driver({backend!r}, ...)'} got the unknown {noun} {', '.join(parts)}; "
        f"graph backend {backend!r} accepts: {', '.join(names)}"
    )
