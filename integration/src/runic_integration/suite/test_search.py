"""Fulltext and vector search where the backend has them; a clear error where not."""

from __future__ import annotations

from typing import Literal

import pytest

from runic.ogm import Capability, UnsupportedFeatureError, Vector
from runic.ogm.query import vector_search
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Doc

DOCS = [
    Doc(
        id="d1", title="Graph databases", body="nodes and edges", embedding=Vector([1.0, 0.0, 0.0])
    ),
    Doc(id="d2", title="Cooking", body="recipes on graph paper", embedding=Vector([0.0, 1.0, 0.0])),
    Doc(id="d3", title="Gardening", body="roses and tulips", embedding=Vector([0.9, 0.1, 0.0])),
    Doc(id="d4", title="Databases at scale", body="sharding", embedding=Vector([0.0, 0.0, 1.0])),
]


async def _docs(db: RunicDB) -> None:
    async with db.session() as session:
        session.add_all(
            Doc(id=d.id, title=d.title, body=d.body, embedding=d.embedding) for d in DOCS
        )


@pytest.mark.runic_requires(Capability.FULLTEXT_SEARCH)
@backend_test
async def test_fulltext_search_finds_matching_nodes(db: RunicDB) -> None:
    db.create_fulltext_index("ItDoc", "title", "body")
    await _docs(db)
    async with db.session() as session:
        found = await session.fulltext_search(Doc, query="graph").all()
        assert sorted(d.id for d in found) == ["d1", "d2"]
        only_titles = await session.fulltext_search(Doc, query="graph", fields=[Doc.title]).all()
        assert [d.id for d in only_titles] == ["d1"]
        filtered = await session.fulltext_search(Doc, query="databases").where(Doc.id != "d1").all()
        assert [d.id for d in filtered] == ["d4"]
        assert await session.fulltext_search(Doc, query="zebra").all() == []
        d1 = await session.get(Doc, "d1")
        assert d1 is next(d for d in found if d.id == "d1")


@pytest.mark.runic_requires(Capability.VECTOR_SEARCH)
@backend_test
async def test_vector_search_returns_the_nearest_nodes(db: RunicDB) -> None:
    db.create_vector_index("ItDoc", "embedding", dimension=3)
    await _docs(db)
    async with db.session() as session:
        nearest = await session.vector_search(
            Doc, field=Doc.embedding, vector=[1.0, 0.05, 0.0], k=2
        ).all()
        assert sorted(d.id for d in nearest) == ["d1", "d3"]
        (best,) = await session.vector_search(
            Doc, field=Doc.embedding, vector=Vector([0.0, 0.0, 0.9]), k=1
        ).all()
        assert best.id == "d4"
        rows = await session.all_rows(
            vector_search(
                Doc, field=Doc.embedding, vector=[0.0, 1.0, 0.0], k=3, score_alias="score"
            ).project("n.id AS id", "score")
        )
        assert {r["id"] for r in rows} >= {"d2"} and len(rows) == 3
        assert all(isinstance(r["score"], float) for r in rows)


@pytest.mark.runic_lacks(Capability.FULLTEXT_SEARCH)
@backend_test
async def test_fulltext_search_unsupported_is_a_clear_error(db: RunicDB) -> None:
    session = db.session()
    with pytest.raises(UnsupportedFeatureError, match=db.backend):
        await session.fulltext_search(Doc, query="graph").all()


@pytest.mark.runic_lacks(Capability.VECTOR_SEARCH)
@backend_test
async def test_vector_search_unsupported_is_a_clear_error(db: RunicDB) -> None:
    session = db.session()
    with pytest.raises(UnsupportedFeatureError, match=db.backend):
        await session.vector_search(Doc, field=Doc.embedding, vector=[1.0, 0.0, 0.0]).all()


# Around the query vector [1, 0.05, 0]: d1 and d3 are the nearest; d5, d2, d4 follow.
FAR = [*DOCS, Doc(id="d5", title="Mixed", body="", embedding=Vector([0.5, 0.5, 0.0]))]
QUERY = [1.0, 0.05, 0.0]


async def _far_docs(db: RunicDB) -> None:
    async with db.session() as session:
        session.add_all(
            Doc(id=d.id, title=d.title, body=d.body, embedding=d.embedding) for d in FAR
        )
        session.add(Doc(id="d6", title="No embedding", body=""))  # never a neighbour


async def _filters_first(db: RunicDB, similarity: Literal["euclidean", "cosine"]) -> None:
    db.create_vector_index("ItDoc", "embedding", dimension=3, similarity=similarity)
    await _far_docs(db)
    far = Doc.id.in_(["d2", "d4", "d5", "d6"])  # none of them among the 2 nearest
    async with db.session() as session:
        nearest = await session.vector_search(Doc, field=Doc.embedding, vector=QUERY, k=2).all()
        assert sorted(d.id for d in nearest) == ["d1", "d3"]
        found = (
            await session.vector_search(
                Doc, field=Doc.embedding, vector=QUERY, k=2, similarity=similarity
            )
            .where(far)
            .all()
        )
        assert [d.id for d in found] == ["d5", "d2"]  # nearest first
        stmt = vector_search(
            Doc,
            field=Doc.embedding,
            vector=QUERY,
            k=5,
            score_alias="score",
            similarity=similarity,
        )
        # fewer matches than k: every match, never a node without an embedding
        rows = await session.all_rows(stmt.where(far).project("n.id AS id", "score"))
        assert [r["id"] for r in rows] == ["d5", "d2", "d4"]
        assert await session.count(stmt.where(far)) == 3
        # the filtered score is the one the index reports for the same node
        index_scores = {
            r["id"]: r["score"] for r in await session.all_rows(stmt.project("n.id AS id", "score"))
        }
        assert {r["id"]: r["score"] for r in rows} == {
            key: pytest.approx(index_scores[key], rel=1e-4, abs=1e-6) for key in ("d5", "d2", "d4")
        }
        # k=1 among the filtered: an unbound statement too
        assert await session.scalars(
            vector_search(Doc, field=Doc.embedding, vector=QUERY, k=1, similarity=similarity).where(
                Doc.title == "Cooking"
            )
        ) == [await session.get(Doc, "d2")]


@pytest.mark.runic_requires(Capability.VECTOR_SEARCH)
@backend_test
async def test_vector_search_filters_before_taking_the_k_nearest(db: RunicDB) -> None:
    await _filters_first(db, "euclidean")


@pytest.mark.runic_requires(Capability.VECTOR_SEARCH)
@backend_test
async def test_cosine_vector_search_filters_before_taking_the_k_nearest(db: RunicDB) -> None:
    await _filters_first(db, "cosine")
