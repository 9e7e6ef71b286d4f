"""Test helpers (loaded once by ``conftest.py`` as ``session_support``).

* :class:`RecordingDriver` / :class:`AsyncRecordingDriver` wrap a real driver and
  record every statement the session sends (round trips, exact Cypher, params).
* :class:`RawGraph` reads the graph back with the plain ``falkordb`` client, so
  assertions about the graph's contents never go through runic.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from runic.ogm import QueryResult


@dataclass(frozen=True)
class Call:
    """One statement sent to the driver."""

    cypher: str
    params: dict[str, Any]
    write: bool


class _Recorder:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls: list[Call] = []

    @property
    def backend(self) -> str:
        return str(self.inner.backend)

    @property
    def dialect(self) -> Any:
        return self.inner.dialect

    @property
    def writes(self) -> list[Call]:
        return [c for c in self.calls if c.write]

    @property
    def reads(self) -> list[Call]:
        return [c for c in self.calls if not c.write]

    def reset(self) -> None:
        self.calls.clear()

    def _record(self, cypher: str, params: Mapping[str, Any] | None, write: bool) -> None:
        self.calls.append(Call(cypher, dict(params or {}), write))


class RecordingDriver(_Recorder):
    """A sync driver that records each ``execute`` before delegating it."""

    def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = True,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        self._record(cypher, params, write)
        result: QueryResult = self.inner.execute(cypher, params, write=write, columns=columns)
        return result

    def close(self) -> None:
        self.inner.close()


class AsyncRecordingDriver(_Recorder):
    """An async driver that records each ``execute`` before delegating it."""

    async def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = True,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        self._record(cypher, params, write)
        result: QueryResult = await self.inner.execute(cypher, params, write=write, columns=columns)
        return result

    async def close(self) -> None:
        await self.inner.close()


class RawGraph:
    """The graph as the plain falkordb client sees it."""

    def __init__(self, graph: Any) -> None:
        self.graph = graph

    def rows(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        result = self.graph.query(cypher, dict(params) if params else None)
        return [list(row) for row in result.result_set]

    def value(self, cypher: str, params: Mapping[str, Any] | None = None) -> Any:
        rows = self.rows(cypher, params)
        assert len(rows) == 1, rows
        return rows[0][0]

    def props(self, label: str, key: str = "id") -> dict[Any, dict[str, Any]]:
        """``{key value: properties}`` of every node with ``label``."""
        out: dict[Any, dict[str, Any]] = {}
        for (node,) in self.rows(f"MATCH (n:`{label}`) RETURN n"):
            props = dict(node.properties)
            out[props.get(key)] = props
        return out

    def labels(self, label: str, key: str = "id") -> dict[Any, set[str]]:
        """``{key value: labels}`` of every node with ``label``."""
        return {
            k: set(labels)
            for k, labels in self.rows(f"MATCH (n:`{label}`) RETURN n.`{key}`, labels(n)")
        }

    def count(self, label: str | None = None) -> int:
        pattern = f"(n:`{label}`)" if label else "(n)"
        return int(self.value(f"MATCH {pattern} RETURN count(n)"))

    def edges(self, rel_type: str, key: str = "id") -> set[tuple[Any, Any]]:
        """``{(source key, target key)}`` of every edge of ``rel_type`` (duplicates kept out)."""
        return {
            (a, b)
            for a, b in self.rows(f"MATCH (a)-[:`{rel_type}`]->(b) RETURN a.`{key}`, b.`{key}`")
        }

    def edge_list(self, rel_type: str, key: str = "id") -> list[tuple[Any, Any, dict[str, Any]]]:
        """Every edge of ``rel_type`` with its properties, sorted, duplicates kept."""
        rows = self.rows(
            f"MATCH (a)-[r:`{rel_type}`]->(b) RETURN a.`{key}`, b.`{key}`, properties(r)"
        )
        return sorted(((a, b, dict(p)) for a, b, p in rows), key=repr)

    def dump(self) -> tuple[list[str], list[str]]:
        """Every node and edge, canonically sorted, for before/after comparisons."""
        nodes = [
            json.dumps([sorted(labels), props], sort_keys=True, default=str)
            for labels, props in self.rows("MATCH (n) RETURN labels(n), properties(n)")
        ]
        edges = [
            json.dumps([t, a, b, props], sort_keys=True, default=str)
            for t, a, b, props in self.rows(
                "MATCH (a)-[r]->(b) RETURN type(r), properties(a), properties(b), properties(r)"
            )
        ]
        return sorted(nodes), sorted(edges)
