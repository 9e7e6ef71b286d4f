"""What the matrix runs, from the environment (or the matching pytest options).

* ``RUNIC_TEST_BACKENDS=falkordb,arcadedb``: the backends to run (default: every
  registered profile that is not opt-in). ``all`` means every profile, opt-in too.
* ``RUNIC_REQUIRE_BACKENDS=falkordb``: these backends must run; a backend that
  cannot (no server, runic backend not installed) fails its tests instead of
  skipping them. Required backends are always selected.
* ``RUNIC_TEST_PROVIDERS=env,local``: the provider kinds to try, in this order
  (default: each profile's own order, normally env, docker, local).
* ``RUNIC_TEST_MODES=sync``: run the sync API, the async API or both (default).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "ENV_BACKENDS",
    "ENV_MODES",
    "ENV_PROVIDERS",
    "ENV_REQUIRE",
    "MODES",
    "MatrixConfig",
    "parse_names",
]

ENV_BACKENDS = "RUNIC_TEST_BACKENDS"
ENV_REQUIRE = "RUNIC_REQUIRE_BACKENDS"
ENV_PROVIDERS = "RUNIC_TEST_PROVIDERS"
ENV_MODES = "RUNIC_TEST_MODES"
MODES = ("sync", "async")

_SPLIT = re.compile(r"[\s,]+")
_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*\Z")


def parse_names(value: str | None, what: str) -> tuple[str, ...] | None:
    """Split a comma/space separated list into lowercase names (``None`` when empty).

    Raises ValueError for a malformed name, naming ``what`` (the variable).
    """
    if value is None or not value.strip():
        return None
    names: list[str] = []
    for raw in _SPLIT.split(value.strip()):
        if not raw:
            continue
        name = raw.lower()
        if not _NAME.match(name):
            raise ValueError(f"{what}: {raw!r} is not a valid name (letters, digits, - _ .)")
        if name not in names:
            names.append(name)
    return tuple(names) or None


@dataclass(frozen=True)
class MatrixConfig:
    """The selection: backends (``None`` = default set), required backends, kinds, modes."""

    backends: tuple[str, ...] | None = None
    required: tuple[str, ...] = ()
    provider_kinds: tuple[str, ...] | None = None
    modes: tuple[str, ...] = MODES

    @classmethod
    def from_sources(
        cls,
        environ: Mapping[str, str],
        *,
        backends: str | None = None,
        required: str | None = None,
        providers: str | None = None,
        modes: str | None = None,
    ) -> MatrixConfig:
        """Read the environment; explicit arguments (pytest options) win over it."""
        chosen = parse_names(
            backends if backends is not None else environ.get(ENV_BACKENDS), ENV_BACKENDS
        )
        needed = parse_names(
            required if required is not None else environ.get(ENV_REQUIRE), ENV_REQUIRE
        )
        kinds = parse_names(
            providers if providers is not None else environ.get(ENV_PROVIDERS), ENV_PROVIDERS
        )
        mode_names = parse_names(modes if modes is not None else environ.get(ENV_MODES), ENV_MODES)
        if mode_names is not None:
            unknown = [m for m in mode_names if m not in MODES]
            if unknown:
                raise ValueError(
                    f"{ENV_MODES}: unknown mode(s) {', '.join(unknown)}; use sync, async or both"
                )
        return cls(
            backends=chosen,
            required=needed or (),
            provider_kinds=kinds,
            modes=mode_names or MODES,
        )
