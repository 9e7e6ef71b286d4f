"""The raw floor on Apache AGE: ``psycopg`` running ``cypher()`` with one agtype parameter.

Values travel as one JSON map bound as the third argument of ``cypher()``;
results come back as agtype text, decoded with ``json`` (after dropping the
``::vertex``/``::edge`` suffixes): that is the raw client's query+decode.
Nodes are matched by their ``id`` key, with a GIN index on each label's
properties (AGE turns ``{id: $k}`` into a containment test the index serves).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from benchmarks.backends.base import ItemRow
from benchmarks.counting import Counter
from benchmarks.models import CHILD, HAS, ITEM, PARENT

__all__ = ["AgeFloor", "decode_agtype"]

_SUFFIX = re.compile(r"::(?:vertex|edge|path)\b")


def decode_agtype(text: str | None) -> Any:
    """An agtype value as plain Python (vertices as ``{"id", "label", "properties"}``)."""
    return None if text is None else json.loads(_SUFFIX.sub("", text))


class AgeFloor:
    """One autocommit psycopg connection on the scenario's AGE graph."""

    def __init__(self, kwargs: dict[str, Any], counter: Counter) -> None:
        from runic_integration.backends.age import age_connection

        self._graph = str(kwargs["graph"])
        self._conn = age_connection(kwargs)
        self._counter = counter
        counter.counts_commands = True

    def _cypher(
        self, query: str, params: dict[str, Any] | None = None, columns: int = 1
    ) -> list[tuple[Any, ...]]:
        cols = ", ".join(f"c{i} agtype" for i in range(columns))
        sql = f"SELECT * FROM cypher('{self._graph}', $$ {query} $$, %s) AS ({cols})"
        self._counter.commands += 1
        cur = self._conn.execute(sql, (json.dumps(params or {}),))
        rows = cur.fetchall() if cur.description else []
        return [tuple(decode_agtype(v) for v in row) for row in rows]

    # -- timed work -----------------------------------------------------------------

    def insert_items(self, rows: Sequence[ItemRow]) -> None:
        self._cypher(
            f"UNWIND $rows AS r CREATE (:{ITEM} {{id: r[0], name: r[1], score: r[2]}})",
            {"rows": rows},
        )

    def bump_scores(self, loaded: Sequence[Any]) -> None:
        pairs = [[n["properties"]["id"], n["properties"]["score"] + 1] for n in loaded]
        self._cypher(
            f"UNWIND $rows AS r MATCH (n:{ITEM} {{id: r[0]}}) SET n.score = r[1]", {"rows": pairs}
        )

    def relate(self, pairs: Sequence[tuple[Any, Any]]) -> None:
        self._cypher(
            f"UNWIND $rows AS r MATCH (a:{PARENT} {{id: r[0]}}) MATCH (b:{CHILD} {{id: r[1]}}) "
            f"CREATE (a)-[:{HAS}]->(b)",
            {"rows": [list(p) for p in pairs]},
        )

    def get_item(self, key: str) -> Any:
        rows = self._cypher(f"MATCH (n:{ITEM} {{id: $id}}) RETURN n", {"id": key})
        return rows[0][0] if rows else None

    def items_by_ids(self, keys: Sequence[str]) -> list[Any]:
        return [
            r[0]
            for r in self._cypher(
                f"MATCH (n:{ITEM}) WHERE n.id IN $ids RETURN n", {"ids": list(keys)}
            )
        ]

    def all_items(self) -> list[Any]:
        return [r[0] for r in self._cypher(f"MATCH (n:{ITEM}) RETURN n")]

    def parents_with_children(self) -> list[tuple[Any, list[Any]]]:
        rows = self._cypher(
            f"MATCH (p:{PARENT}) OPTIONAL MATCH (p)-[:{HAS}]->(c:{CHILD}) RETURN p, collect(c)",
            columns=2,
        )
        return [(r[0], r[1]) for r in rows]

    # -- set-up and checks ----------------------------------------------------------

    def wipe(self) -> None:
        self._cypher("MATCH (n) DETACH DELETE n")

    def create_key_index(self, label: str, ddl: str | None) -> None:
        del ddl  # AGE indexes are SQL on the label's table
        exists = self._conn.execute(
            "SELECT 1 FROM ag_catalog.ag_label l JOIN ag_catalog.ag_graph g "
            "ON l.graph = g.graphid WHERE g.name = %s AND l.name = %s",
            (self._graph, label),
        ).fetchone()
        if exists is None:
            self._conn.execute("SELECT create_vlabel(%s, %s)", (self._graph, label))
        self._conn.execute(
            f'CREATE INDEX IF NOT EXISTS "{label}_props" ON "{self._graph}"."{label}" '
            "USING gin (properties)"
        )

    def seed_parents(
        self, parents: Sequence[tuple[str, str]], children: Sequence[tuple[str, int]], per: int
    ) -> None:
        self._cypher(
            f"UNWIND $rows AS r CREATE (:{PARENT} {{id: r[0], name: r[1]}})",
            {"rows": [list(p) for p in parents]},
        )
        self._cypher(
            f"UNWIND $rows AS r CREATE (:{CHILD} {{id: r[0], n: r[1]}})",
            {"rows": [list(c) for c in children]},
        )
        if per:
            self.relate(
                [
                    (p[0], c[0])
                    for i, p in enumerate(parents)
                    for c in children[i * per : (i + 1) * per]
                ]
            )

    def node_ids(self, label: str) -> dict[str, Any]:
        return {str(r[0]): r[0] for r in self._cypher(f"MATCH (n:{label}) RETURN n.id")}

    def run(self, cypher: str) -> None:
        self._cypher(cypher)

    def count_nodes(self, label: str) -> int:
        return int(self._cypher(f"MATCH (n:{label}) RETURN count(n)")[0][0])

    def count_edges(self) -> int:
        return int(self._cypher(f"MATCH ()-[r:{HAS}]->() RETURN count(r)")[0][0])

    def sum_scores(self) -> int:
        return int(self._cypher(f"MATCH (n:{ITEM}) RETURN sum(n.score)")[0][0] or 0)

    def close(self) -> None:
        self._conn.close()
