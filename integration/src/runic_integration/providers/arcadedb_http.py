"""ArcadeDB's HTTP API, with the standard library only: readiness, databases, commands."""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.request
from typing import Any

__all__ = ["ArcadeDBError", "ArcadeDBHttp"]


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _db_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"database name {name!r} must be letters, digits and underscores")
    return name


class ArcadeDBError(Exception):
    """The ArcadeDB server refused a request; the message holds its answer."""


class ArcadeDBHttp:
    """Talks to ``http://host:port/api/v1`` as ``user``."""

    def __init__(self, base_url: str, user: str, password: str, *, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self._auth = f"Basic {token}"

    def _request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base_url}{path}", data=data, method=method)
        request.add_header("Authorization", self._auth)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")
            raise ArcadeDBError(f"{method} {path} -> HTTP {exc.code}: {detail[:500]}") from None
        return status, (json.loads(raw) if raw else None)

    def ready(self) -> bool:
        """True when ``GET /api/v1/ready`` answers 204 (False on any network error)."""
        try:
            status, _ = self._request("GET", "/api/v1/ready")
        except (OSError, ArcadeDBError):
            return False
        return status == 204

    def server_command(self, command: str) -> Any:
        """``POST /api/v1/server`` (e.g. ``create database NAME``)."""
        _, answer = self._request("POST", "/api/v1/server", {"command": command})
        return answer

    def create_database(self, name: str) -> None:
        """Create database ``name``."""
        self.server_command(f"create database {_db_name(name)}")

    def drop_database(self, name: str) -> None:
        """Drop database ``name``."""
        self.server_command(f"drop database {_db_name(name)}")

    def databases(self) -> list[str]:
        """The names of every database."""
        answer = self.server_command("list databases")
        return [str(n) for n in (answer or {}).get("result", [])]

    def command(
        self,
        database: str,
        query: str,
        params: dict[str, Any] | None = None,
        *,
        language: str = "cypher",
    ) -> list[Any]:
        """Run ``query`` in ``database``; return the result rows."""
        body: dict[str, Any] = {"language": language, "command": query}
        if params:
            body["params"] = params
        _, answer = self._request("POST", f"/api/v1/command/{database}", body)
        return list((answer or {}).get("result", []))
