"""The raw floor on Bolt servers (ArcadeDB): the ``neo4j`` driver, one query per job.

Nodes are matched by their indexed ``id`` key (``node_ids`` maps a key to
itself): ArcadeDB's ``id()`` values are not a fast look-up path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from benchmarks.backends.base import ItemRow
from benchmarks.counting import Counter
from benchmarks.models import CHILD, HAS, ITEM, PARENT

__all__ = ["BoltFloor"]


class BoltFloor:
    """A ``neo4j`` driver and session on the scenario's database."""

    def __init__(self, kwargs: dict[str, Any], counter: Counter) -> None:
        import neo4j

        host = kwargs.get("host", "localhost")
        port = kwargs.get("port", 7687)
        auth = (kwargs.get("username") or "", kwargs.get("password") or "")
        self._driver = neo4j.GraphDatabase.driver(f"bolt://{host}:{port}", auth=auth)
        self._database = kwargs.get("database")
        self._session = self._driver.session(database=self._database)
        self._counter = counter
        counter.counts_commands = True

    def _run(self, query: str, **params: Any) -> list[Any]:
        self._counter.commands += 1
        return list(self._session.run(query, params))

    # -- timed work -----------------------------------------------------------------

    def insert_items(self, rows: Sequence[ItemRow]) -> None:
        self._run(
            f"UNWIND $rows AS r CREATE (:{ITEM} {{id: r[0], name: r[1], score: r[2]}})",
            rows=[list(r) for r in rows],
        )

    def bump_scores(self, loaded: Sequence[Any]) -> None:
        pairs = [[node["id"], node["score"] + 1] for node in loaded]
        self._run(f"UNWIND $rows AS r MATCH (n:{ITEM} {{id: r[0]}}) SET n.score = r[1]", rows=pairs)

    def relate(self, pairs: Sequence[tuple[Any, Any]]) -> None:
        self._run(
            f"UNWIND $rows AS r MATCH (a:{PARENT} {{id: r[0]}}) MATCH (b:{CHILD} {{id: r[1]}}) "
            f"CREATE (a)-[:{HAS}]->(b)",
            rows=[list(p) for p in pairs],
        )

    def get_item(self, key: str) -> Any:
        rows = self._run(f"MATCH (n:{ITEM} {{id: $id}}) RETURN n", id=key)
        return rows[0][0] if rows else None

    def items_by_ids(self, keys: Sequence[str]) -> list[Any]:
        return [
            r[0] for r in self._run(f"MATCH (n:{ITEM}) WHERE n.id IN $ids RETURN n", ids=list(keys))
        ]

    def all_items(self) -> list[Any]:
        return [r[0] for r in self._run(f"MATCH (n:{ITEM}) RETURN n")]

    def parents_with_children(self) -> list[tuple[Any, list[Any]]]:
        rows = self._run(
            f"MATCH (p:{PARENT}) OPTIONAL MATCH (p)-[:{HAS}]->(c:{CHILD}) RETURN p, collect(c)"
        )
        return [(r[0], r[1]) for r in rows]

    # -- set-up and checks ----------------------------------------------------------

    def wipe(self) -> None:
        self._run("MATCH (n) DETACH DELETE n")

    def create_key_index(self, label: str, ddl: str | None) -> None:
        if ddl is not None:
            self._run(ddl)

    def seed_parents(
        self, parents: Sequence[tuple[str, str]], children: Sequence[tuple[str, int]], per: int
    ) -> None:
        self._run(
            f"UNWIND $rows AS r CREATE (:{PARENT} {{id: r[0], name: r[1]}})",
            rows=[list(p) for p in parents],
        )
        self._run(
            f"UNWIND $rows AS r CREATE (:{CHILD} {{id: r[0], n: r[1]}})",
            rows=[list(c) for c in children],
        )
        if per:
            links = [
                [p[0], c[0]]
                for i, p in enumerate(parents)
                for c in children[i * per : (i + 1) * per]
            ]
            self.relate([(a, b) for a, b in links])

    def node_ids(self, label: str) -> dict[str, Any]:
        return {str(r[0]): r[0] for r in self._run(f"MATCH (n:`{label}`) RETURN n.id")}

    def run(self, cypher: str) -> None:
        self._run(cypher)

    def count_nodes(self, label: str) -> int:
        return int(self._run(f"MATCH (n:`{label}`) RETURN count(n)")[0][0])

    def count_edges(self) -> int:
        return int(self._run(f"MATCH ()-[r:{HAS}]->() RETURN count(r)")[0][0])

    def sum_scores(self) -> int:
        return int(self._run(f"MATCH (n:{ITEM}) RETURN sum(n.score)")[0][0] or 0)

    def close(self) -> None:
        self._session.close()
        self._driver.close()
