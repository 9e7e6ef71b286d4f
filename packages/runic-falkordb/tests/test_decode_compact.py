"""The sync driver decodes compact replies itself: same results as the client's parser.

Every query runs twice on the same graph: through ``FalkorDBDriver.execute`` (one
pass over the raw ``--compact`` reply, falling back to the client's parser for
edges, paths, points, vectors and temporal values) and through the falkordb
client's own ``QueryResult`` decoded by ``decode_result``. Both must agree.
"""

from __future__ import annotations

from typing import Any

import pytest

from runic.falkordb import FalkorDBDriver
from runic.falkordb._decode import decode_result
from runic.ogm.driver.results import GraphNode

QUERIES = [
    "RETURN 1 AS i, -2.5 AS f, 'x\"y' AS s, true AS t, false AS u, null AS z",
    "RETURN [1, 'a', [2.0, null], {k: [true]}] AS l, {a: 1, b: {c: 'd'}} AS m",
    "MATCH (n:P) RETURN n ORDER BY n.k",
    "MATCH (n:P) RETURN n.k AS k, labels(n) AS l, n ORDER BY k",
    "MATCH (p:P) OPTIONAL MATCH (p)-[:R]->(q:Q) RETURN p, collect(q) AS qs ORDER BY p.k",
    "MATCH (p:P)-[r:R]->(q:Q) RETURN p, r, q ORDER BY p.k",
    "MATCH path = (:P)-[:R]->(:Q) RETURN path",
    "RETURN point({latitude: 1.5, longitude: 2.5}) AS pt, vecf32([1.0, 2.0]) AS v",
    "RETURN date('2024-01-02') AS d",
    "MATCH (n:Nothing) RETURN n",
    "CREATE (t:P {k: 99}) WITH t DELETE t",
]


@pytest.fixture
def seeded(driver: FalkorDBDriver, raw_graph: Any) -> Any:
    raw_graph.query(
        "CREATE (:P:Extra {k: 1, name: 'one', tags: ['a', 'b'], m: 1.25})"
        "-[:R {w: 2}]->(:Q {k: 10}), (:P {k: 2}), (:Q {k: 11, flag: true})"
    )
    return raw_graph


@pytest.mark.parametrize("cypher", QUERIES)
def test_same_result_as_the_client_parser(driver: FalkorDBDriver, seeded: Any, cypher: str) -> None:
    write = cypher.startswith("CREATE")
    ours = driver.execute(cypher, write=write)
    theirs = decode_result(seeded.query(cypher) if write else seeded.ro_query(cypher))
    assert ours.columns == theirs.columns
    assert ours.rows == theirs.rows
    assert set(ours.stats) == set(theirs.stats), (ours.stats, theirs.stats)
    for key in ours.stats:
        if key not in ("execution_time_ms", "cached_execution"):  # differ from run to run
            assert ours.stats[key] == theirs.stats[key], key


def test_nodes_carry_labels_and_properties(driver: FalkorDBDriver, seeded: Any) -> None:
    result = driver.execute("MATCH (n:P {k: 1}) RETURN n", write=False)
    (node,) = result.rows[0]
    assert isinstance(node, GraphNode)
    assert node.labels == ("P", "Extra")
    assert node.properties == {"k": 1, "name": "one", "tags": ["a", "b"], "m": 1.25}


def test_server_errors_inside_the_reply_are_raised(driver: FalkorDBDriver, seeded: Any) -> None:
    from runic.ogm.exceptions import QueryExecutionError

    with pytest.raises(QueryExecutionError):
        driver.execute("RETURN toInteger({}) AS x", write=False)
