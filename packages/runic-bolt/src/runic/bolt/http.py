"""ArcadeDB SQL over its HTTP API, for the schema statements its Cypher cannot express.

ArcadeDB's Cypher (over Bolt) creates range indexes and unique constraints, but
fulltext and vector indexes only exist in ArcadeDB SQL, which Bolt does not carry.
:class:`ArcadeDBSQL` sends one SQL command to ``POST /api/v1/command/<database>``
(standard library only); give it to a schema adapter::

    create_adapter("arcadedb", host=..., database="MyDB", password=..., http_url="http://host:2480")
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import ConnectionFailedError, QueryExecutionError

__all__ = ["ArcadeDBSQL"]


class ArcadeDBSQL:
    """Runs ArcadeDB SQL in ``database`` through the HTTP API at ``http_url``."""

    def __init__(
        self,
        http_url: str,
        database: str,
        username: str | None = "root",
        password: str | None = None,
        *,
        timeout: float = 60.0,
    ) -> None:
        if not http_url.startswith(("http://", "https://")):
            raise ValueError(f"http_url must be an http:// or https:// URL, got {http_url!r}")
        self.http_url = http_url.rstrip("/")
        self.database = database
        self.timeout = timeout
        token = base64.b64encode(f"{username or ''}:{password or ''}".encode()).decode("ascii")
        self._auth = f"Basic {token}"

    def __call__(self, sql: str) -> QueryResult:
        """Run one SQL command; return its result records as rows of one column."""
        path = f"/api/v1/command/{urllib.parse.quote(self.database, safe='')}"
        body = json.dumps({"language": "sql", "command": sql}).encode()
        request = urllib.request.Request(f"{self.http_url}{path}", data=body, method="POST")
        request.add_header("Authorization", self._auth)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:500]
            raise QueryExecutionError(
                f"HTTP {exc.code} from {self.http_url}: {detail}", backend="arcadedb", cypher=sql
            ) from None
        except OSError as exc:
            raise ConnectionFailedError(
                f"[arcadedb] cannot reach ArcadeDB's HTTP API at {self.http_url}: {exc}; "
                "check http_url= (the server's HTTP port, 2480 by default)"
            ) from exc
        answer: Any = json.loads(raw) if raw else {}
        records = list(answer.get("result", [])) if isinstance(answer, dict) else []
        return QueryResult(["result"], [(r,) for r in records])
