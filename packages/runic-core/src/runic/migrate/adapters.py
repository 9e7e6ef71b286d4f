"""Adapters: run compiled schema statements on one backend's driver."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
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


class SchemaAdapter:
    """Runs :class:`DDL` on a blocking runic driver: Cypher, SQL or a server command.

    ``sql`` runs the backend's SQL where the driver cannot (ArcadeDB:
    ``runic.bolt.http.ArcadeDBSQL``, which :func:`create_adapter` builds from
    ``http_url=``).
    """

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

    def run(self, ddl: DDL) -> QueryResult:
        """Execute one statement and return its rows."""
        if ddl.language == "cypher":
            result: QueryResult = self.driver.execute(
                ddl.text, columns=ddl.columns or None, write=True
            )
            return result
        if ddl.language == "sql" and self.sql is not None:
            return self.sql(ddl.text)
        method = getattr(self.driver, _METHODS[ddl.language], None)
        if method is None:
            raise _cannot_send(self.driver, ddl)
        if ddl.language == "command":
            return _rows(method(*ddl.args))
        sql_result: QueryResult = method(ddl.text)
        return sql_result

    def close(self) -> None:
        """Close the driver when the adapter created it."""
        if self.owns_driver:
            self.driver.close()


class AsyncSchemaAdapter:
    """Runs :class:`DDL` on an async runic driver (``sql``: see :class:`SchemaAdapter`)."""

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
        """The driver's dialect."""
        dialect: CypherDialect = self.driver.dialect
        return dialect

    @property
    def graph(self) -> str:
        """The graph's name."""
        return _graph_name(self.driver)

    async def run(self, ddl: DDL) -> QueryResult:
        """Execute one statement and return its rows."""
        if ddl.language == "cypher":
            result: QueryResult = await self.driver.execute(
                ddl.text, columns=ddl.columns or None, write=True
            )
            return result
        if ddl.language == "sql" and self.sql is not None:
            return await asyncio.to_thread(self.sql, ddl.text)
        method = getattr(self.driver, _METHODS[ddl.language], None)
        if method is None:
            raise _cannot_send(self.driver, ddl)
        if ddl.language == "command":
            return _rows(await method(*ddl.args))
        sql_result: QueryResult = await method(ddl.text)
        return sql_result

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
