"""Servers named through environment variables (``RUNIC_TEST_<BACKEND>_...``).

An unset variable makes the provider unavailable (the next one is tried); a set
variable that is malformed, or names a server that does not answer, is a
failure: the user asked for that server, so the suite does not quietly test
another one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, unquote, urlsplit

from runic_integration.providers.base import ProviderFailed, Server, Unavailable

__all__ = ["EnvProvider", "Parsed", "split_url"]


@dataclass(frozen=True)
class Parsed:
    """What a parser makes of the variable: settings plus a password-free description."""

    settings: dict[str, Any]
    description: str


Parser = Callable[[str, Mapping[str, str]], Parsed]
Checker = Callable[[Mapping[str, Any]], None]


def split_url(value: str, schemes: tuple[str, ...], default_port: int | None) -> SplitResult:
    """Split ``value``; ValueError unless its scheme is one of ``schemes`` and it has a host."""
    parts = urlsplit(value.strip())
    if parts.scheme not in schemes:
        raise ValueError(f"the scheme must be one of {', '.join(s + '://' for s in schemes)}")
    if parts.scheme != "unix" and not parts.hostname:
        raise ValueError("the URL names no host")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"bad port: {exc}") from None
    if port is None and default_port is None and parts.scheme != "unix":
        raise ValueError("the URL names no port")
    return parts


def url_credentials(parts: SplitResult) -> tuple[str | None, str | None]:
    """The user name and password of a URL, percent-decoded."""
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return user, password


class EnvProvider:
    """Reads ``variable`` (and whatever else ``parse`` looks at) from the environment.

    ``check`` raises ``OSError``/``ConnectionError``/``ValueError`` when the server
    does not answer; it runs once, when the provider is asked for a server.
    """

    kind = "env"

    def __init__(
        self,
        backend: str,
        variable: str,
        parse: Parser,
        *,
        check: Checker | None = None,
        name: str = "env",
    ) -> None:
        self.backend = backend
        self.variable = variable
        self.parse = parse
        self.check = check
        self.name = name

    def provide(self) -> Server:
        """The server named by the environment; Unavailable when the variable is unset."""
        value = os.environ.get(self.variable, "").strip()
        if not value:
            raise Unavailable(f"{self.variable} is not set")
        try:
            parsed = self.parse(value, os.environ)
        except ValueError as exc:
            raise ProviderFailed(f"{self.variable} is invalid: {exc}") from exc
        if self.check is not None:
            try:
                self.check(parsed.settings)
            except (OSError, ValueError) as exc:
                raise ProviderFailed(
                    f"{self.variable} points at {parsed.description}, which does not answer: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
        return Server(
            backend=self.backend,
            provider=self.name,
            description=f"{parsed.description} (from {self.variable})",
            settings=parsed.settings,
        )
