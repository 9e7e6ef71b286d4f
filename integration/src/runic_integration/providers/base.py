"""What a server provider is, what it hands out, and how it says no.

A :class:`Provider` offers a database server for one backend: an address given
through the environment, a container, or a process it starts. It either returns
a :class:`Server` or raises:

* :class:`Unavailable` when it cannot run here (nothing configured, no Docker
  engine, a package missing, not root, ...): the next provider is tried, and if
  none is left the backend's tests are skipped with every reason;
* :class:`ProviderFailed` when it was asked to work and broke (an environment
  variable points at a server that does not answer, a server that dies while
  starting): the backend's tests fail with the reason instead of silently
  falling back to another server.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "PROVIDER_KINDS",
    "Provider",
    "ProviderFailed",
    "Server",
    "Unavailable",
]

#: The kinds of provider, in the order they are tried by default.
PROVIDER_KINDS = ("env", "docker", "local")


class Unavailable(Exception):  # noqa: N818 - reads as "provider unavailable"
    """The provider cannot offer a server here; the message says why."""


class ProviderFailed(Exception):  # noqa: N818 - reads as "provider failed"
    """The provider was configured to work and failed; the message says how."""


@dataclass(eq=False)
class Server:
    """A running server (or an address of one) for one backend.

    ``settings`` holds what the backend profile needs to reach it (host, port,
    credentials, ...); ``description`` is shown in the matrix summary; ``pid`` is
    the process id when the provider started a local process. :meth:`stop` is
    idempotent and thread-safe.
    """

    backend: str
    provider: str
    description: str
    settings: Mapping[str, Any] = field(default_factory=dict)
    pid: int | None = None
    stopper: Callable[[], None] | None = None
    #: Stops and starts the server again on the same address with the same data,
    #: returning the new pid (local processes only; for tests of reconnection).
    restarter: Callable[[], int] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stopped: bool = False

    @property
    def stopped(self) -> bool:
        """True once :meth:`stop` ran."""
        return self._stopped

    def restart(self) -> None:
        """Restart the server in place (same address and data); updates :attr:`pid`."""
        if self.restarter is None or self._stopped:
            raise RuntimeError(f"the {self.backend} server from {self.provider} cannot restart")
        self.pid = self.restarter()

    def stop(self) -> None:
        """Stop the server if the provider started it (a no-op for external servers)."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            stopper, self.stopper = self.stopper, None
        if stopper is not None:
            stopper()


@runtime_checkable
class Provider(Protocol):
    """Offers a server for one backend.

    ``name`` is shown in the matrix summary and in skip reasons; ``kind`` is one
    of :data:`PROVIDER_KINDS` (or a kind of the plugin's own) and is what
    ``RUNIC_TEST_PROVIDERS`` filters on.
    """

    name: str
    kind: str

    def provide(self) -> Server:
        """Return a server, or raise :class:`Unavailable` / :class:`ProviderFailed`."""
        ...
