"""The backends a run can use, by name.

Add a backend by writing a class that follows :class:`benchmarks.backends.base.Backend`
and listing a factory for it in :data:`BACKENDS`.
"""

from __future__ import annotations

from collections.abc import Callable

from benchmarks.backends.base import Backend, Unavailable

__all__ = ["BACKENDS", "Backend", "Unavailable", "make_backend"]


def _falkordb() -> Backend:
    from benchmarks.backends.falkordb import FalkorDBBackend

    return FalkorDBBackend()


def _arcadedb() -> Backend:
    from benchmarks.backends.integration import IntegrationBackend

    return IntegrationBackend("arcadedb")


def _age() -> Backend:
    from benchmarks.backends.integration import IntegrationBackend

    return IntegrationBackend("age")


BACKENDS: dict[str, Callable[[], Backend]] = {
    "falkordb": _falkordb,
    "arcadedb": _arcadedb,
    "age": _age,
}


def make_backend(name: str) -> Backend:
    """A backend object by name (KeyError naming the known ones)."""
    try:
        factory = BACKENDS[name]
    except KeyError:
        known = ", ".join(BACKENDS)
        raise KeyError(f"unknown benchmark backend {name!r}; known: {known}") from None
    return factory()
