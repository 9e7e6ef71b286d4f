"""Adapters: run compiled schema statements on one backend's driver."""

from __future__ import annotations

from typing import Any

from runic.ogm.dialect import CypherDialect
from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import UnsupportedFeatureError
from runic.ogm.schema.ir import DDL

__all__ = [
    "AsyncSchemaAdapter", "SchemaAdapter", "as_adapter", "as_async_adapter", "create_adapter"
]

#: the driver method running a non-Cypher statement, per language
_METHODS = {"command": "graph_command", "sql": "execute_sql"}


def _rows(reply: Any) -> QueryResult:
    if isinstance(reply, list):
        return QueryResult(rows=[tuple(r) if isinstance(r, list) else (r,) for r in reply])
    return QueryResult(rows=[(reply,)])


def _graph_name(driver: Any) -> str:
    return str(getattr(driver, "graph_name", "") or "")


class SchemaAdapter:
    """Runs :class:`DDL` on a blocking runic driver: Cypher, SQL or a server command."""

    def __init__(self, driver: Any, *, owns_driver: bool = False) -> None:
        self.driver = driver
        self.owns_driver = owns_driver

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
        method = getattr(self.driver, _METHODS[ddl.language], None)
        if method is None:
            raise UnsupportedFeatureError(
                self.driver.backend, f"running {ddl.language} schema statements ({ddl.text})"
            )
        if ddl.language == "command":
            return _rows(method(*ddl.args))
        sql_result: QueryResult = method(ddl.text)
        return sql_result

    def close(self) -> None:
        """Close the driver when the adapter created it."""
        if self.owns_driver:
            self.driver.close()


class AsyncSchemaAdapter:
    """Runs :class:`DDL` on an async runic driver."""

    def __init__(self, driver: Any, *, owns_driver: bool = False) -> None:
        self.driver = driver
        self.owns_driver = owns_driver

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
        method = getattr(self.driver, _METHODS[ddl.language], None)
        if method is None:
            raise UnsupportedFeatureError(
                self.driver.backend, f"running {ddl.language} schema statements ({ddl.text})"
            )
        if ddl.language == "command":
            return _rows(await method(*ddl.args))
        sql_result: QueryResult = await method(ddl.text)
        return sql_result

    async def close(self) -> None:
        """Close the driver when the adapter created it."""
        if self.owns_driver:
            await self.driver.close()


def create_adapter(backend: str, **kwargs: Any) -> SchemaAdapter:
    """A :class:`SchemaAdapter` on a new driver: ``create_driver(backend, **kwargs)``."""
    from runic.ogm import create_driver

    return SchemaAdapter(create_driver(backend, **kwargs), owns_driver=True)


def as_adapter(target: Any) -> SchemaAdapter:
    """An adapter, a runic driver, or a raw ``falkordb`` graph handle, as an adapter."""
    if isinstance(target, SchemaAdapter):
        return target
    if hasattr(target, "dialect") and hasattr(target, "execute"):
        return SchemaAdapter(target)
    if type(target).__module__.startswith("falkordb"):
        from runic.falkordb.driver import FalkorDBDriver

        return SchemaAdapter(FalkorDBDriver(target))
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
