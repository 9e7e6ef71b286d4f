"""``Relation(lazy=False)``: loaded with its entity by every read that returns it.

Each read costs a constant number of statements however many entities it returns
(the relation is fetched in the read's own statement, or one statement per
relation), and the relation is there in an ``AsyncSession``, where nothing loads
lazily.
"""

from __future__ import annotations

from typing import Any

import pytest

from runic.ogm import Field, LazyLoadError, Node, Relation, select
from runic_integration import RunicDB, backend_test
from runic_integration.statements import logged_statements


class Author(Node, labels=["ItEagerAuthor"]):
    id: str = Field(primary_key=True)
    books: list[Book] = Relation(relationship="IT_WROTE", target="Book", lazy=False)
    mentor: Author | None = Relation(relationship="IT_MENTOR", target="Author", lazy=False)
    rivals: list[Author] = Relation(relationship="IT_RIVAL", target="Author")  # lazy


class Book(Node, labels=["ItEagerBook"]):
    id: str = Field(primary_key=True)
    title: str = ""
    author: Author | None = Relation(
        relationship="IT_WROTE", direction="INCOMING", target="Author", lazy=False
    )


async def _library(db: RunicDB, authors: int) -> None:
    """Authors a0..aN, each with two books; a(i) mentored by a(i-1); a0 rivals a1."""
    async with db.session() as session:
        made: list[Author] = []
        for i in range(authors):
            author = Author(id=f"a{i}")
            author.books = [Book(id=f"b{i}x", title="x"), Book(id=f"b{i}y", title="y")]
            author.mentor = made[-1] if made else None
            made.append(author)
        if authors > 1:
            made[0].rivals = [made[1]]
        session.add_all(made)


def _check_author(author: Author) -> None:
    """The author's eager relations and their eager relations are there (no query)."""
    assert sorted(b.id for b in author.books) == [f"b{author.id[1:]}x", f"b{author.id[1:]}y"]
    assert all(book.author is author for book in author.books)
    if author.id != "a0":
        assert author.mentor is not None and author.mentor.id == f"a{int(author.id[1:]) - 1}"


@backend_test
async def test_get_loads_eager_relations_with_the_entity(db: RunicDB) -> None:
    await _library(db, 3)
    session = db.session(log_cypher=True)
    with logged_statements() as counted:
        a2 = await session.get(Author, "a2")
    assert a2 is not None
    _check_author(a2)  # books, each book's author, the mentor: no LazyLoadError
    # one statement with the author's eager relations, one for the books' author
    assert len(counted.sent) == 2, counted.sent
    with logged_statements() as counted:
        again = await session.get(Author, "a2")
        book = await session.get(Book, "b2x")
    assert again is a2 and book in a2.books
    assert counted.sent == []  # all loaded already: the identity map answers
    if db.is_async:
        with pytest.raises(LazyLoadError):
            _ = a2.rivals  # not lazy=False: still lazy
    await session.close()


async def _read(db: RunicDB, session: Any, how: str, ids: list[str]) -> list[Author]:
    if how == "scalars":
        found: list[Author] = await session.scalars(select(Author).order_by(Author.id))
    elif how == "find_all":
        found = await db.repository(session, Author).find_all()
    elif how == "find_all_by_ids":
        found = await db.repository(session, Author).find_all_by_ids(ids)
    else:
        found = await session.query(Author).order_by(Author.id).all()
    return found


@backend_test
async def test_eager_relations_cost_constant_statements_per_read(db: RunicDB) -> None:
    costs: dict[str, list[int]] = {}
    for authors in (2, 6):
        await _library(db, authors)
        ids = [f"a{i}" for i in range(authors)]
        for name in ("scalars", "find_all", "find_all_by_ids", "query.all"):
            session = db.session(log_cypher=True)
            with logged_statements() as counted:
                found = await _read(db, session, name, ids)
            assert sorted(a.id for a in found) == ids, name
            for author in found:
                _check_author(author)
            costs.setdefault(name, []).append(len(counted.sent))
            await session.close()
        db.raw("MATCH (n) DETACH DELETE n", write=True)
    for name, (small, large) in costs.items():
        assert small == large, (name, costs)  # the same for 2 and for 6 authors
        assert large <= 4, (name, costs)


@backend_test
async def test_traversal_and_scalar_results_get_their_eager_relations(db: RunicDB) -> None:
    await _library(db, 3)
    async with db.session() as session:
        books = await session.scalars(
            select(Author).where(Author.id == "a1").traverse(Author.books).return_target()
        )
        assert sorted(b.id for b in books) == ["b1x", "b1y"]
        author = books[0].author
        assert author is not None and author.id == "a1"
        _check_author(author)
        first = await session.scalar(select(Book).where(Book.id == "b2y"))
        assert first is not None and first.author is not None
        a2 = first.author
        assert sorted(b.id for b in a2.books) == ["b2x", "b2y"]
        assert a2.mentor is not None and a2.mentor.id == "a1"
        # b2x came through Author.books after Book.author was followed for b2y: the
        # read follows each relation once, so b2x.author waits for a load
        b2x = next(b for b in a2.books if b.id == "b2x")
        assert "author" not in b2x.__dict__


@backend_test
async def test_eager_cycles_stop_at_a_relation_already_followed(db: RunicDB) -> None:
    await _library(db, 3)
    session = db.session(log_cypher=True)
    with logged_statements() as counted:
        a2 = await session.get(Author, "a2")
    assert a2 is not None and a2.mentor is not None
    a1 = a2.mentor
    # Author.mentor was followed for a2: a1's own mentor is not loaded by this read
    assert "mentor" not in a1.__dict__
    assert len(counted.sent) == 2
    if db.is_async:
        with pytest.raises(LazyLoadError):
            _ = a1.mentor
        await session.load(a1, "mentor")  # an explicit load brings the mentor's eager ones
    assert a1.mentor is not None and a1.mentor.id == "a0"
    _check_author(a1.mentor)
    await session.close()


@backend_test
async def test_an_unflushed_assignment_is_kept_by_an_eager_read(db: RunicDB) -> None:
    await _library(db, 2)
    async with db.session() as session:
        a1 = await session.get(Author, "a1")
        assert a1 is not None
        a1.books = []
        found = await session.scalars(select(Author).where(Author.id == "a1"))
        assert found == [a1] and a1.books == []
    assert (
        db.values("MATCH (:ItEagerAuthor {id: 'a1'})-[:IT_WROTE]->(b) RETURN b.id AS b", column="b")
        == []
    )


@backend_test
async def test_refresh_reads_eager_relations_again(db: RunicDB) -> None:
    await _library(db, 2)
    async with db.session() as session:
        a1 = await session.get(Author, "a1")
        assert a1 is not None and len(a1.books) == 2
        db.raw(
            "MATCH (:ItEagerAuthor {id: 'a1'})-[w:IT_WROTE]->(:ItEagerBook {id: 'b1x'}) DELETE w",
            write=True,
        )
        await session.refresh(a1)
        assert [b.id for b in a1.books] == ["b1y"]  # no LazyLoadError in async
        assert a1.mentor is not None and a1.mentor.id == "a0"
