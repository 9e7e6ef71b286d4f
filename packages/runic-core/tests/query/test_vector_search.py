"""vector_search(): a filter on the searched nodes runs before the k nearest are taken."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from runic.ogm.dialect import CypherDialect
from runic.ogm.driver.protocols import Capability
from runic.ogm.exceptions import QueryBuildError, UnsupportedFeatureError
from runic.ogm.query import vector_search
from runic.ogm.query.ir import VectorSource


class _VectorDialect(CypherDialect):
    """The reference dialect claiming vector search: its generic filtered form."""

    name = "generic"
    capabilities = CypherDialect.capabilities | {Capability.VECTOR_SEARCH}


D = _VectorDialect()


def test_a_root_filter_makes_the_search_exact_in_plain_open_cypher(m: SimpleNamespace) -> None:
    stmt = vector_search(m.User, field=m.User.embedding, vector=[1, 2], k=4).where(m.User.age > 30)
    compiled = stmt.compile(D)
    assert compiled.cypher == (
        "MATCH (n:`QUser`) WHERE n.`age` > $p0 AND n.`embedding` IS NOT NULL "
        "WITH n, 1.0 / (1.0 + reduce(__s = 0.0, __i IN range(0, size($p1) - 1) | "
        "__s + (n.`embedding`[__i] - $p1[__i]) * (n.`embedding`[__i] - $p1[__i]))) AS __score "
        "ORDER BY __score DESC LIMIT 4 RETURN n"
    )
    assert compiled.params == {"p0": 30, "p1": [1.0, 2.0]}
    # without a filter the backend's KNN procedure runs (the reference has none)
    with pytest.raises(UnsupportedFeatureError, match="vector search is not supported on generic"):
        vector_search(m.User, field=m.User.embedding, vector=[1, 2]).compile(D)


def test_where_id_and_a_renamed_root_filter_first_too(m: SimpleNamespace) -> None:
    stmt = (
        vector_search(
            m.User, field=m.User.embedding, vector=[1.0], k=2, score_alias="s", similarity="cosine"
        )
        .alias("u")
        .where_id(5, 6)
    )
    clause = stmt.to_ir().clauses[0]
    assert isinstance(clause, VectorSource)
    assert (clause.node.alias, clause.similarity, clause.score_alias) == ("u", "cosine", "s")
    cypher = stmt.compile(D).cypher
    assert cypher.startswith("MATCH (u:`QUser`) WHERE id(u) IN $p0 AND u.`embedding` IS NOT NULL ")
    assert cypher.endswith(" AS s ORDER BY s DESC LIMIT 2 RETURN u")


def test_a_filter_on_a_traversed_node_applies_after_the_search(m: SimpleNamespace) -> None:
    stmt = (
        vector_search(m.User, field=m.User.embedding, vector=[1.0], k=2)
        .traverse(m.User.friends, optional=False)
        .alias("f")
        .where(m.User.age > 3, on="f")
    )
    with pytest.raises(UnsupportedFeatureError):  # still the KNN procedure: no root filter
        stmt.compile(D)


def test_similarity_is_checked(m: SimpleNamespace) -> None:
    with pytest.raises(QueryBuildError, match=r"similarity=.*'euclidean', 'cosine'.*'dot'"):
        vector_search(
            m.User,
            field=m.User.embedding,
            vector=[1.0],
            similarity="dot",  # type: ignore[arg-type]
        )
