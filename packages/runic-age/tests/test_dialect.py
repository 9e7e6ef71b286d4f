"""AGEDialect: the exact SQL + Cypher and column list of each statement kind.

Query-builder statements are compiled without a server; the session's reads and
writes are recorded on their way to the real server (so the text asserted here
is also proven to run), and their effect is read back with plain psycopg.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from runic.age import AGEDialect, AGEDriver, decode_agtype, wrap_cypher
from runic.age.dialect import _LOCK_STATEMENT, KEY_LOCKS_PER_LABEL, lock_id
from runic.ogm import (
    Capability,
    Edge,
    Field,
    Node,
    Relation,
    Session,
    TypeConverter,
    UnsupportedFeatureError,
    Vector,
    count,
    fulltext_search,
    select,
    vector_search,
)
from runic.ogm.dialect import CypherDialect
from runic.ogm.driver.results import QueryResult
from runic.ogm.exceptions import QueryBuildError
from runic.ogm.query.write import KeyLock

DIALECT = AGEDialect()


class AgPlace(Node, labels=["AgPlace"]):
    code: str = Field(primary_key=True)
    name: str = ""
    emb: Vector = Field(default_factory=Vector, index_type="VECTOR")


class AgCity(AgPlace, labels=["AgPlace", "AgCity"]):
    pop: int = 0


class AgCapital(AgCity, labels=["AgPlace", "AgCity", "AgCapital"]):
    nation: str = ""


class AgKnows(Edge, type="AG_KNOWS"):
    since: int = 0


class AgPerson(Node, labels=["AgPerson"]):
    id: str = Field(primary_key=True)
    name: str = ""
    age: int | None = None
    home: AgPlace | None = Relation(relationship="AG_LIVES_IN", target="AgPlace")
    friends: list[AgPerson] = Relation(
        relationship="AG_KNOWS", target="AgPerson", edge_model=AgKnows
    )


class AgOther(Node, labels=["AgOther", "AgCity"]):
    """Shares the AgCity label under another first label (another AGE table)."""

    key: str = Field(primary_key=True)


def _sql(stmt: Any, graph: str = "my_graph") -> tuple[str, dict[str, Any], tuple[str, ...]]:
    compiled = stmt.compile(DIALECT)
    return wrap_cypher(graph, compiled.cypher, compiled.columns), compiled.params, compiled.columns


def test_identity_and_capabilities() -> None:
    assert isinstance(DIALECT, CypherDialect)
    assert DIALECT.name == "age"
    assert DIALECT.capabilities == {Capability.TRANSACTIONS, Capability.ASYNC}
    assert not DIALECT.supports(Capability.MULTI_LABEL)


def test_match_all() -> None:
    assert _sql(select(AgPerson)) == (
        "SELECT * FROM cypher('my_graph', $$ MATCH (n:`AgPerson`) RETURN n $$, %s) "
        'AS ("n" agtype)',
        {},
        ("n",),
    )


def test_filter_order_and_pages_as_parameters() -> None:
    stmt = select(AgPerson).where(AgPerson.age >= 30).order_by(AgPerson.name).skip(10).limit(5)
    assert _sql(stmt) == (
        "SELECT * FROM cypher('my_graph', $$ MATCH (n:`AgPerson`) WHERE n.`age` >= $p0 "
        'RETURN n ORDER BY n.`name` SKIP $p1 LIMIT $p2 $$, %s) AS ("n" agtype)',
        {"p0": 30, "p1": 10, "p2": 5},
        ("n",),
    )


def test_count() -> None:
    assert _sql(select(AgPerson).to_count()) == (
        "SELECT * FROM cypher('my_graph', $$ MATCH (n:`AgPerson`) RETURN count(n) AS `count` "
        '$$, %s) AS ("count" agtype)',
        {},
        ("count",),
    )


def test_exists() -> None:
    assert _sql(select(AgPerson).where(AgPerson.age >= 30).to_exists()) == (
        "SELECT * FROM cypher('my_graph', $$ MATCH (n:`AgPerson`) WHERE n.`age` >= $p0 "
        'RETURN true AS `found` LIMIT $p1 $$, %s) AS ("found" agtype)',
        {"p0": 30, "p1": 1},
        ("found",),
    )


def test_exists_of_a_traversal_skips_sources_without_a_match() -> None:
    assert _sql(select(AgPerson).traverse(AgPerson.friends).to_exists())[0] == (
        "SELECT * FROM cypher('my_graph', $$ MATCH (n:`AgPerson`) OPTIONAL MATCH "
        "(n)-[:`AG_KNOWS`]->(friends:`AgPerson`) WITH friends WHERE friends IS NOT NULL "
        'RETURN true AS `found` LIMIT $p0 $$, %s) AS ("found" agtype)'
    )


def test_aggregate_with_group() -> None:
    stmt = select(AgPerson).aggregate(count(AgPerson.id).as_("people"), group_by=AgPerson.age)
    sql, params, columns = _sql(stmt)
    assert columns == ("age", "people") and params == {}
    assert sql == (
        "SELECT * FROM cypher('my_graph', $$ MATCH (n:`AgPerson`) RETURN n.`age` AS `age`, "
        'count(n.`id`) AS `people` $$, %s) AS ("age" agtype, "people" agtype)'
    )


def test_distinct_projection_ordered_goes_through_with() -> None:
    stmt = select(AgPerson).project(AgPerson.name, AgPerson.age).distinct().order_by(AgPerson.name)
    assert _sql(stmt) == (
        "SELECT * FROM cypher('my_graph', $$ MATCH (n:`AgPerson`) WITH DISTINCT n.`name` AS "
        "name, n.`age` AS age RETURN name, age ORDER BY name $$, %s) "
        'AS ("name" agtype, "age" agtype)',
        {},
        ("name", "age"),
    )


def test_traversal() -> None:
    stmt = select(AgPerson).traverse(AgPerson.home).alias("h").return_nodes("n", "h")
    assert _sql(stmt) == (
        "SELECT * FROM cypher('my_graph', $$ MATCH (n:`AgPerson`) OPTIONAL MATCH "
        "(n)-[:`AG_LIVES_IN`]->(h:`AgPlace`) RETURN n, h $$, %s) "
        'AS ("n" agtype, "h" agtype)',
        {},
        ("n", "h"),
    )


# -- label emulation --------------------------------------------------------------------


def test_base_class_matches_its_table_label() -> None:
    assert _sql(select(AgPlace))[0] == (
        "SELECT * FROM cypher('my_graph', $$ MATCH (n:`AgPlace`) RETURN n $$, %s) AS (\"n\" agtype)"
    )


def test_subclass_matches_the_table_label_and_its_labels_property() -> None:
    assert _sql(select(AgCity))[0] == (
        "SELECT * FROM cypher('my_graph', $$ MATCH (n:`AgPlace` {`_labels`: ['AgCity']}) "
        'RETURN n $$, %s) AS ("n" agtype)'
    )
    assert DIALECT.render_labels(("AgPlace", "AgCity", "AgCapital")) == (
        ":`AgPlace` {`_labels`: ['AgCity', 'AgCapital']}"
    )
    assert DIALECT.render_labels(("AgCapital",)) == (":`AgPlace` {`_labels`: ['AgCapital']}")


def test_created_nodes_keep_extra_labels_in_the_property() -> None:
    assert DIALECT.render_create_labels(("AgPlace", "AgCity")) == (
        ":`AgPlace` {`_labels`: ['AgCity']}"
    )
    assert DIALECT.render_create_labels(("AgPerson",)) == ":`AgPerson`"
    assert DIALECT.render_create_labels(()) == ""


def test_labels_without_a_model_use_the_first_label() -> None:
    assert DIALECT.render_labels(("Loose", "Extra")) == ":`Loose` {`_labels`: ['Extra']}"


def test_labels_spread_over_several_tables_are_refused() -> None:
    with pytest.raises(UnsupportedFeatureError) as info:
        DIALECT.render_labels(("AgCity",))
    message = str(info.value)
    assert "age" in message and "AgOther (first label 'AgOther')" in message
    assert "AgCity (first label 'AgPlace')" in message
    assert "give these classes the same first label" in message


# -- features AGE lacks -----------------------------------------------------------------


def test_fulltext_search_is_refused_before_sending() -> None:
    with pytest.raises(UnsupportedFeatureError) as info:
        fulltext_search(AgPlace, query="paris").compile(DIALECT)
    assert "fulltext search" in str(info.value) and "age" in str(info.value)
    assert "contains()" in str(info.value)


def test_vector_search_is_refused_before_sending() -> None:
    with pytest.raises(UnsupportedFeatureError) as info:
        vector_search(AgPlace, field=AgPlace.emb, vector=[0.1, 0.2], k=3).compile(DIALECT)
    assert "vector search" in str(info.value) and "age" in str(info.value)


def test_negative_limit_is_refused() -> None:
    with pytest.raises(QueryBuildError, match="limit\\(\\) takes an integer >= 0, got -1"):
        select(AgPerson).limit(-1).compile(DIALECT)


# -- the session's statements, recorded on their way to the server -------------------


class _Recorder:
    """A TransactionalGraphDriver around a real AGEDriver that records each statement."""

    def __init__(self, driver: AGEDriver) -> None:
        self.driver = driver
        self.sent: list[tuple[str, dict[str, Any], tuple[str, ...]]] = []

    @property
    def backend(self) -> str:
        return self.driver.backend

    @property
    def dialect(self) -> AGEDialect:
        dialect: AGEDialect = self.driver.dialect
        return dialect

    def record(
        self, cypher: str, params: Mapping[str, Any] | None, columns: Sequence[str] | None
    ) -> None:
        sql = wrap_cypher(self.driver.graph_name, cypher, columns)
        self.sent.append((sql, dict(params or {}), tuple(columns or ())))

    def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = True,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        self.record(cypher, params, columns)
        return self.driver.execute(cypher, params, write=write, columns=columns)

    def begin(self, *, write: bool = True) -> _RecordingTx:
        return _RecordingTx(self, self.driver.begin(write=write))

    def close(self) -> None:
        self.driver.close()


class _RecordingTx:
    def __init__(self, recorder: _Recorder, tx: Any) -> None:
        self.recorder = recorder
        self.tx = tx

    def execute(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        *,
        write: bool = True,
        columns: Sequence[str] | None = None,
    ) -> QueryResult:
        self.recorder.record(cypher, params, columns)
        result: QueryResult = self.tx.execute(cypher, params, write=write, columns=columns)
        return result

    def commit(self) -> None:
        self.tx.commit()

    def rollback(self) -> None:
        self.tx.rollback()


def _wrapped(graph: str, cypher: str, cols: str = '"_" agtype') -> str:
    return f"SELECT * FROM cypher('{graph}', $$ {cypher} $$, %s) AS ({cols})"


def test_session_statements_are_exact_and_run(driver: AGEDriver, read: Any) -> None:
    g = driver.graph_name
    rec = _Recorder(driver)
    with Session(rec) as session:
        session.add_all(
            [
                AgPerson(id="ada", name="Ada", home=AgCity(code="PAR", name="Paris", pop=2)),
                AgPerson(id="bob", name="Bob"),
            ]
        )
    lock, create = rec.sent
    # advisory locks on the new keys first (a shared one per label, one per key) ...
    assert lock == (
        _wrapped(g, _LOCK_STATEMENT, '"locked" agtype'),
        {
            "labels": sorted(
                [[lock_id("AgPerson", "id"), False], [lock_id("AgPlace", "code"), False]]
            ),
            "keys": sorted(
                [
                    lock_id("AgPerson", "id", "ada"),
                    lock_id("AgPerson", "id", "bob"),
                    lock_id("AgPlace", "code", "PAR"),
                ]
            ),
        },
        ("locked",),
    )
    # ... then one write that checks them itself: no row (nothing written) if one exists
    assert create == (
        _wrapped(
            g,
            "OPTIONAL MATCH (_g0:`AgPerson`) WHERE _g0.`id` IN $g0 WITH count(_g0) AS _h0 "
            "OPTIONAL MATCH (_g1:`AgPlace`) WHERE _g1.`code` IN $g1 "
            "WITH _h0, count(_g1) AS _h1 WITH _h0 + _h1 AS _dup WHERE _dup = 0 "
            "UNWIND $w0 AS row CREATE (n0:`AgPerson` {`id`: row[0], `name`: row[1], "
            "`age`: row[2]}) WITH _dup, collect(n0) AS _n0, collect(id(n0)) AS _i0 "
            "UNWIND $w1 AS row CREATE (n1:`AgPlace` {`_labels`: ['AgCity'], `code`: row[0], "
            "`name`: row[1], `emb`: row[2], `pop`: row[3]}) "
            "WITH _dup, _n0, _i0, collect(n1) AS _n1, collect(id(n1)) AS _i1 "
            "UNWIND $w2 AS row WITH _dup, _n0, _i0, _n1, _i1, row, _n0[row[0]] AS a2 "
            "WITH _dup, _n0, _i0, _n1, _i1, row, a2, _n1[row[1]] AS b2 "
            "CREATE (a2)-[r2:`AG_LIVES_IN`]->(b2) WITH _dup, _n0, _i0, _n1, _i1, count(*) AS _c "
            "RETURN _i0 AS i0, _i1 AS i1",
            '"i0" agtype, "i1" agtype',
        ),
        {
            "w0": [("ada", "Ada", None), ("bob", "Bob", None)],  # plain rows stay tuples
            "w1": [["PAR", "Paris", [], 2]],
            "w2": [[0, 0]],
            "g0": ["ada", "bob"],
            "g1": ["PAR"],
        },
        ("i0", "i1"),
    )
    # one AGE label per vertex, the other in _labels
    rows = read("MATCH (n:AgPlace) RETURN n", "n agtype")
    (raw_place,) = (r[0] for r in rows)
    assert '"label": "AgPlace"' in raw_place and '"_labels": ["AgCity"]' in raw_place
    assert decode_agtype(raw_place).labels == ("AgPlace", "AgCity")

    rec.sent.clear()
    with Session(rec) as session:
        ada = session.get(AgPerson, "ada")
        bob = session.get(AgPerson, "bob")
        assert ada is not None and bob is not None
        ada.name = "Ada L"
        ada.friends = [bob]
    get_ada, get_bob, flush = rec.sent
    assert get_ada == (
        _wrapped(g, "MATCH (n:`AgPerson`) WHERE n.`id` = $pk RETURN n", '"n" agtype'),
        {"pk": "ada"},
        ("n",),
    )
    assert get_bob[1] == {"pk": "bob"}
    ada_id, bob_id = flush[1]["w1"][0][0], flush[1]["w2"][0][1]
    assert flush == (
        _wrapped(
            g,
            "UNWIND $w0 AS row OPTIONAL MATCH (a0)-[r0:`AG_KNOWS`]->(b0:`AgPerson`) "
            "WHERE id(a0) = row DELETE r0 WITH count(*) AS _c "
            "UNWIND $w1 AS row WITH row, row[0] AS k1 MATCH (n1) WHERE id(n1) = k1 "
            "SET n1.`name` = row[1] "
            "WITH count(*) AS _c "
            # ada.friends was assigned without being loaded: its edges are all removed
            # first (w0), so the new ones are created without a MERGE check
            "UNWIND $w2 AS row WITH row, row[0] AS ka2 MATCH (a2) WHERE id(a2) = ka2 "
            "WITH row, a2, row[1] AS kb2 MATCH (b2) WHERE id(b2) = kb2 "
            "CREATE (a2)-[r2:`AG_KNOWS`]->(b2) SET r2.`since` = row[2]",
        ),
        {"w0": [ada_id], "w1": [[ada_id, "Ada L"]], "w2": [[ada_id, bob_id, 0]]},
        (),
    )
    assert read(
        "MATCH (a:AgPerson)-[r:AG_KNOWS]->(b:AgPerson) RETURN [a.name, r.since, b.name]"
    ) == [('["Ada L", 0, "Bob"]',)]

    rec.sent.clear()
    with Session(rec) as session:
        places = session.scalars(select(AgPlace))
        assert [(type(p), p.code) for p in places] == [(AgCity, "PAR")]
        session.delete(session.get(AgPerson, "bob"))
    assert rec.sent[0][0] == _wrapped(g, "MATCH (n:`AgPlace`) RETURN n", '"n" agtype')
    assert rec.sent[-1] == (
        _wrapped(g, "UNWIND $w0 AS i MATCH (n0) WHERE id(n0) = i DETACH DELETE n0"),
        {"w0": [bob_id]},
        (),
    )
    assert read("MATCH (n:AgPerson) RETURN n.id") == [('"ada"',)]
    assert read("MATCH ()-[r:AG_KNOWS]->() RETURN count(r)") == [("0",)]


def test_cypher_fn_calls_only_age_functions() -> None:
    dialect = AGEDialect()
    assert dialect.wrap_param("toUpper", "$p0", "Item.code") == "toUpper($p0)"
    assert dialect.wrap_param("tolower", "$p0") == "tolower($p0)"
    for plain in ("vecf32", "point", "intern"):  # stored as lists, maps, strings
        assert dialect.wrap_param(plain, "$p0") == "$p0"
    with pytest.raises(UnsupportedFeatureError) as caught:
        dialect.wrap_param("my.fn", "$p0", "Item.code")
    assert caught.value.backend == "age"
    assert "my.fn()" in str(caught.value) and "Item.code" in str(caught.value)
    # no list comprehension on AGE: IN compares with each value wrapped by index
    assert dialect.wrap_param_list("toUpper", "$p0", 2) == "[toUpper($p0[0]), toUpper($p0[1])]"
    assert dialect.wrap_param_list("vecf32", "$p0", 2) == "$p0"


class _Upper(TypeConverter):
    cypher_fn = "toUpper"

    def to_graph(self, value: Any) -> Any:
        return value

    def from_graph(self, value: Any) -> Any:
        return value


class AgTag(Node, labels=["AgTag"]):
    name: str = Field(primary_key=True, converter=_Upper())


def test_in_through_a_converter_wraps_each_value_by_index() -> None:
    assert _sql(select(AgTag).where(AgTag.name.in_(["a", "b"]))) == (
        "SELECT * FROM cypher('my_graph', $$ MATCH (n:`AgTag`) WHERE n.`name` IN "
        '[toUpper($p0[0]), toUpper($p0[1])] RETURN n $$, %s) AS ("n" agtype)',
        {"p0": ["a", "b"]},
        ("n",),
    )


def test_key_lock_statement() -> None:
    """A shared lock per label and one per key; above the limit one exclusive label lock."""
    dialect = AGEDialect()
    few = dialect.render_key_lock(KeyLock({("P", "id"): ["a", "b", "a"], ("Q", "n"): [1.0]}))
    assert few is not None and few.columns == ("locked",)
    assert few.params == {
        "labels": sorted([[lock_id("P", "id"), False], [lock_id("Q", "n"), False]]),
        "keys": sorted([lock_id("P", "id", "a"), lock_id("P", "id", "b"), lock_id("Q", "n", 1)]),
    }
    assert lock_id("Q", "n", 1) == lock_id("Q", "n", 1.0) != lock_id("Q", "n", "1")
    many = dialect.render_key_lock(KeyLock({("P", "id"): list(range(KEY_LOCKS_PER_LABEL + 1))}))
    assert many is not None
    assert many.params == {"labels": [[lock_id("P", "id"), True]], "keys": []}
    assert dialect.render_key_lock(KeyLock({})) is None


def test_capabilities_are_declared_once() -> None:
    from runic.age.capabilities import AGE
    from runic.ogm.registry import get_backend

    assert get_backend("age").capabilities is AGE is AGEDialect.capabilities
