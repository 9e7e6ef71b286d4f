"""Adapters: run compiled schema statements on one backend's driver."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Any

from runic.ogm.dialect import CypherDialect
from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import UnsupportedFeatureError
from runic.ogm.schema.ir import DDL

__all__ = [
    "AsyncSchemaAdapter",
    "SchemaAdapter",
    "as_adapter",
    "as_async_adapter",
    "create_adapter",
    "create_async_adapter",
]

#: the driver method running a non-Cypher statement, per language
_METHODS = {"command": "graph_command", "sql": "execute_sql"}


def _rows(reply: Any) -> QueryResult:
    if isinstance(reply, list):
        return QueryResult(rows=[tuple(r) if isinstance(r, list) else (r,) for r in reply])
    return QueryResult(rows=[(reply,)])


def _graph_name(driver: Any) -> str:
    return str(getattr(driver, "graph_name", "") or "")


def _languages(driver: Any, sql: Any) -> frozenset[str]:
    out = {"cypher"}
    if sql is not None or hasattr(driver, "execute_sql"):
        out.add("sql")
    if hasattr(driver, "graph_command"):
        out.add("command")
    return frozenset(out)


#: what to do when a backend's schema DDL needs a language the adapter cannot send
LANGUAGE_HINTS = {
    "sql": "ArcadeDB creates fulltext and vector indexes only in SQL, sent over its "
    "HTTP API: use create_adapter('arcadedb', ..., http_url='http://host:2480') or "
    "SchemaAdapter(driver, sql=runic.bolt.http.ArcadeDBSQL(http_url, database, user, pw))",
    "command": "this driver cannot send server commands",
}


def _cannot_send(driver: Any, ddl: DDL) -> UnsupportedFeatureError:
    return UnsupportedFeatureError(
        getattr(driver, "backend", "this backend"),
        f"sending {ddl.language} schema statements ({ddl.text})",
        LANGUAGE_HINTS.get(ddl.language),
    )


class _Adapter:
    """What both adapters share: the driver, its dialect and graph, how to send a DDL."""

    def __init__(
        self,
        driver: Any,
        *,
        owns_driver: bool = False,
        sql: Callable[[str], QueryResult] | None = None,
    ) -> None:
        self.driver = driver
        self.owns_driver = owns_driver
        self.sql = sql

    @property
    def languages(self) -> frozenset[str]:
        """The :class:`DDL` languages this adapter can send."""
        return _languages(self.driver, self.sql)

    @property
    def dialect(self) -> CypherDialect:
        """The driver's dialect (it compiles the schema statements)."""
        dialect: CypherDialect = self.driver.dialect
        return dialect

    @property
    def graph(self) -> str:
        """The graph's name, passed to ``compile_schema``."""
        return _graph_name(self.driver)

    def _sql_call(self, sql: Callable[[str], QueryResult], text: str) -> Callable[[], Any]:
        return partial(sql, text)

    def _call(self, ddl: DDL) -> tuple[Callable[[], Any], Callable[[Any], QueryResult]]:
        """The driver call sending ``ddl`` (its value, or awaitable) and how to read its reply."""
        if ddl.language == "cypher":
            call = partial(self.driver.execute, ddl.text, columns=ddl.columns or None, write=True)
            return call, _same
        if ddl.language == "sql" and self.sql is not None:
            return self._sql_call(self.sql, ddl.text), _same
        method = getattr(self.driver, _METHODS[ddl.language], None)
        if method is None:
            raise _cannot_send(self.driver, ddl)
        if ddl.language == "command":
            return partial(method, *ddl.args), _rows
        return partial(method, ddl.text), _same


def _same(reply: Any) -> QueryResult:
    result: QueryResult = reply
    return result


class SchemaAdapter(_Adapter):
    """Runs :class:`DDL` on a blocking runic driver: Cypher, SQL or a server command.

    ``sql`` runs the backend's SQL where the driver cannot (ArcadeDB:
    ``runic.bolt.http.ArcadeDBSQL``, which :func:`create_adapter` builds from
    ``http_url=``).
    """

    def run(self, ddl: DDL) -> QueryResult:
        """Execute one statement and return its rows."""
        call, read = self._call(ddl)
        return read(call())

    def close(self) -> None:
        """Close the driver when the adapter created it."""
        if self.owns_driver:
            self.driver.close()


class AsyncSchemaAdapter(_Adapter):
    """Runs :class:`DDL` on an async runic driver (``sql``: see :class:`SchemaAdapter`)."""

    def _sql_call(self, sql: Callable[[str], QueryResult], text: str) -> Callable[[], Any]:
        return partial(asyncio.to_thread, sql, text)

    async def run(self, ddl: DDL) -> QueryResult:
        """Execute one statement and return its rows."""
        call, read = self._call(ddl)
        return read(await call())

    async def close(self) -> None:
        """Close the driver when the adapter created it."""
        if self.owns_driver:
            await self.driver.close()


def create_adapter(backend: str, *, http_url: str | None = None, **kwargs: Any) -> SchemaAdapter:
    """A :class:`SchemaAdapter` on a new driver: ``create_driver(backend, **kwargs)``.

    ``backend`` may be a database URL (``arcadedb://root:pw@host:7687/MyDB``).

    ``http_url`` (ArcadeDB only): its HTTP API, through which the fulltext and
    vector indexes its Cypher cannot create are made in ArcadeDB SQL.
    """
    from runic.ogm import create_driver

    driver = create_driver(backend, **kwargs)
    sql: Callable[[str], QueryResult] | None = None
    if http_url is not None:
        if driver.backend != "arcadedb":
            driver.close()
            raise UnsupportedFeatureError(
                driver.backend, "http_url=", "http_url= is for ArcadeDB's HTTP API only"
            )
        from runic.bolt.http import ArcadeDBSQL
        from runic.ogm.urls import parse_url, url_scheme

        given = (
            {**parse_url(backend, path_key="database"), **kwargs} if url_scheme(backend) else kwargs
        )
        database = given.get("database")
        if not database:
            driver.close()
            raise ValueError("create_adapter('arcadedb', http_url=...) needs database=")
        sql = ArcadeDBSQL(
            http_url, str(database), given.get("username", "root"), given.get("password")
        )
    return SchemaAdapter(driver, owns_driver=True, sql=sql)


def create_async_adapter(backend: str, **kwargs: Any) -> AsyncSchemaAdapter:
    """An :class:`AsyncSchemaAdapter` on a new ``create_async_driver(backend, **kwargs)``."""
    from runic.ogm import create_async_driver

    return AsyncSchemaAdapter(create_async_driver(backend, **kwargs), owns_driver=True)


def as_adapter(target: Any) -> SchemaAdapter:
    """An adapter, a runic driver, or a raw ``falkordb`` graph handle, as an adapter."""
    if isinstance(target, SchemaAdapter):
        return target
    if hasattr(target, "dialect") and hasattr(target, "execute"):
        return SchemaAdapter(target)
    from runic.ogm.registry import default_registry

    driver = default_registry().adapt(target, asynchronous=False)
    if driver is not None:
        return SchemaAdapter(driver)
    raise TypeError(
        f"expected a runic driver, a schema adapter or a falkordb graph, got {target!r}"
    )


def as_async_adapter(target: Any) -> AsyncSchemaAdapter:
    """An async adapter or an async runic driver, as an async adapter."""
    if isinstance(target, AsyncSchemaAdapter):
        return target
    if hasattr(target, "dialect") and hasattr(target, "execute"):
        return AsyncSchemaAdapter(target)
    raise TypeError(f"expected an async runic driver or adapter, got {target!r}")
