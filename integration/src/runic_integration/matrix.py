"""The matrix of one test run: selected backends, their servers, and the outcomes.

:class:`Matrix` resolves a server for a backend the first time a test asks for
it (trying the profile's providers in order), keeps it for the whole run, and
stops every server it started at the end. It also counts outcomes per backend
and mode for the summary table.
"""

from __future__ import annotations

import threading
import traceback
from collections import Counter
from dataclasses import dataclass, field

from runic.ogm import BackendError, BackendNotFoundError
from runic.ogm.registry import get_backend
from runic_integration.config import ENV_PROVIDERS, MODES, MatrixConfig
from runic_integration.providers.base import ProviderFailed, Server, Unavailable
from runic_integration.registry import ProfileRegistry

__all__ = ["Attempt", "Matrix", "Resolution"]

OUTCOMES = ("passed", "failed", "skipped")


@dataclass(frozen=True)
class Attempt:
    """A provider that could not offer a server, and why."""

    provider: str
    reason: str


@dataclass
class Resolution:
    """The outcome of looking for a server for one backend."""

    backend: str
    server: Server | None = None
    attempts: list[Attempt] = field(default_factory=list)
    failure: str | None = None
    supports_async: bool = True

    @property
    def available(self) -> bool:
        """True when a server was found."""
        return self.server is not None

    def reason(self) -> str:
        """Why there is no server (every provider tried, or the failure)."""
        if self.failure is not None:
            return self.failure
        if not self.attempts:
            return "no provider is registered for this backend"
        if self.attempts[0].provider == "runic":
            return f"runic {self.attempts[0].reason}"
        return "no server: " + "; ".join(f"{a.provider}: {a.reason}" for a in self.attempts)


class Matrix:
    """Selected backends, servers started on demand, outcomes for the summary."""

    def __init__(self, registry: ProfileRegistry, config: MatrixConfig) -> None:
        self.registry = registry
        self.config = config
        known = registry.names()
        wanted = list(config.backends or ())
        if wanted == ["all"]:
            wanted = list(known)
        unknown = [n for n in (*wanted, *config.required) if n not in known]
        if unknown:
            broken = "".join(f"\n  plugin {e.describe()}" for e in registry.errors)
            raise ValueError(
                f"unknown backend(s) {', '.join(sorted(set(unknown)))}: the integration suite "
                f"knows {', '.join(known) or '(none)'} (a third-party backend needs an entry "
                f"point in 'runic.integration_providers'){broken}"
            )
        selected = wanted or registry.default_names()
        for name in config.required:
            if name not in selected:
                selected.append(name)
        self.selected: list[str] = selected
        self._lock = threading.Lock()
        self._resolved: dict[str, Resolution] = {}
        self._started: list[Server] = []
        self.outcomes: dict[tuple[str, str], Counter[str]] = {}

    def is_required(self, backend: str) -> bool:
        """True when ``RUNIC_REQUIRE_BACKENDS`` names ``backend``."""
        return backend in self.config.required

    # -- servers -------------------------------------------------------------------------

    def resolved(self, backend: str) -> Resolution | None:
        """The resolution made so far for ``backend`` (None if none was asked for)."""
        return self._resolved.get(backend)

    def resolve(self, backend: str) -> Resolution:
        """A server for ``backend`` (found once per run), or why there is none."""
        with self._lock:
            found = self._resolved.get(backend)
            if found is None:
                found = self._resolved[backend] = self._resolve(backend)
                if found.server is not None:
                    self._started.append(found.server)
            return found

    def _resolve(self, backend: str) -> Resolution:
        profile = self.registry.get(backend)
        result = Resolution(backend)
        try:
            spec = get_backend(backend)
        except BackendNotFoundError:
            hint = f" ({profile.install_hint})" if profile.install_hint else ""
            result.attempts.append(Attempt("runic", f"backend {backend!r} is not installed{hint}"))
            return result
        except BackendError as exc:
            result.attempts.append(Attempt("runic", f"backend {backend!r} cannot be loaded: {exc}"))
            return result
        result.supports_async = spec.supports_async
        providers = list(profile.providers)
        skipped: list[Attempt] = []
        kinds = self.config.provider_kinds
        if kinds is not None:
            chosen = [p for kind in kinds for p in providers if p.kind == kind]
            skipped = [
                Attempt(p.name, f"not tried ({ENV_PROVIDERS}={','.join(kinds)})")
                for p in providers
                if p not in chosen
            ]
            providers = chosen
        for provider in providers:
            try:
                server = provider.provide()
            except Unavailable as exc:
                result.attempts.append(Attempt(provider.name, str(exc)))
                continue
            except ProviderFailed as exc:
                result.failure = f"provider {provider.name} failed: {exc}"
                return result
            except Exception as exc:  # noqa: BLE001 - a crashing provider is a failure, shown whole
                detail = "".join(traceback.format_exception(exc)).rstrip()
                result.failure = f"provider {provider.name} crashed:\n{detail}"
                return result
            result.server = server
            return result
        result.attempts.extend(skipped)
        return result

    def stop_all(self) -> list[str]:
        """Stop every server this run started; return the errors (servers are all tried)."""
        errors: list[str] = []
        with self._lock:
            started, self._started = self._started, []
        for server in reversed(started):
            try:
                server.stop()
            except Exception as exc:  # noqa: BLE001 - keep stopping the others
                errors.append(f"stopping {server.backend} ({server.description}): {exc}")
        return errors

    # -- outcomes ------------------------------------------------------------------------

    def record(self, backend: str, mode: str, outcome: str) -> None:
        """Count one test's final outcome (passed, failed or skipped)."""
        self.outcomes.setdefault((backend, mode), Counter())[outcome] += 1

    def provider_text(self, backend: str) -> str:
        """What served ``backend``: the provider and server, or why nothing did."""
        found = self._resolved.get(backend)
        if found is None:
            return "(no test asked for a server)"
        if found.server is not None:
            return f"{found.server.provider}: {found.server.description}"
        prefix = "FAILED" if found.failure is not None else "unavailable"
        first_line = found.reason().splitlines()[0]
        return f"{prefix}: {first_line}"

    def summary_lines(self) -> list[str]:
        """The matrix table: one row per backend (and per mode when both ran)."""
        backends = [b for b in self.selected if any(k[0] == b for k in self.outcomes)]
        backends += sorted({k[0] for k in self.outcomes} - set(backends))
        rows: list[tuple[str, ...]] = []
        for backend in backends:
            total: Counter[str] = Counter()
            per_mode: list[str] = []
            for mode in MODES:
                counts = self.outcomes.get((backend, mode))
                if counts is None:
                    continue
                total.update(counts)
                per_mode.append(f"{mode} {counts['passed']}/{counts['failed']}/{counts['skipped']}")
            rows.append(
                (
                    backend,
                    str(total["passed"]),
                    str(total["failed"]),
                    str(total["skipped"]),
                    ", ".join(per_mode),
                    self.provider_text(backend),
                )
            )
        header = ("backend", "passed", "failed", "skipped", "by mode (p/f/s)", "provider")
        widths = [max(len(r[i]) for r in (header, *rows)) for i in range(5)]
        lines = []
        for row in (header, *rows):
            cells = [
                row[0].ljust(widths[0]),
                *(row[i].rjust(widths[i]) for i in (1, 2, 3)),
                row[4].ljust(widths[4]),
                row[5],
            ]
            lines.append("  ".join(cells).rstrip())
        return lines
