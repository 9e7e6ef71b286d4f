"""runic.ogm sessions on a real ArcadeDB server, read back with the plain neo4j driver."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from bolt_models import Company, Doc, Knows, Level, Manager, Person, Ticket

from runic.bolt import AsyncBoltDriver, BoltDriver, Neo4jDialect
from runic.ogm import (
    AsyncSession,
    ConnectionManager,
    GeoLocation,
    QueryExecutionError,
    Session,
    Vector,
    select,
)


def test_add_commit_get_update_delete(driver: BoltDriver, raw: Any) -> None:
    with Session(driver) as session:
        session.add(Person(id="ada", name="Ada", age=36, tags=["x", "y"]))
        session.add(Person(id="bob", name="Bob", employer=Company(id="acme", name="Acme")))
    assert raw.props("BtPerson") == {
        "ada": {
            "id": "ada",
            "name": "Ada",
            "age": 36,
            "level": "junior",
            "tags": ["x", "y"],
            "city": "",
            "prefs": "{}",
        },
        "bob": {
            "id": "bob",
            "name": "Bob",
            "level": "junior",
            "tags": [],
            "city": "",
            "prefs": "{}",
        },
    }
    assert raw.rows("MATCH (p:BtPerson)-[:BT_WORKS_FOR]->(c:BtCompany) RETURN p.id, c.id") == [
        ["bob", "acme"]
    ]

    with Session(driver) as session:
        ada = session.get(Person, "ada")
        assert ada is not None and ada.tags == ["x", "y"]
        assert session.get(Person, "nobody") is None
        ada.age = 37
        ada.level = Level.SENIOR
        session.delete(session.get(Person, "bob"))
    assert raw.rows("MATCH (n:BtPerson) RETURN n.id, n.age, n.level") == [["ada", 37, "senior"]]
    assert raw.count("BtCompany") == 1
    assert raw.rows("MATCH ()-[r:BT_WORKS_FOR]->() RETURN count(r)") == [[0]]


def test_values_round_trip(driver: BoltDriver, raw: Any) -> None:
    seen = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    with Session(driver) as session:
        session.add(
            Person(
                id="ada",
                name="Ada",
                born=date(1815, 12, 10),
                seen=seen,
                place=GeoLocation(51.5, -0.12),
                city="London",
                prefs={"theme": "dark"},
            )
        )
        session.add(Doc(id="d", title="t", embedding=Vector([0.5, -1.25, 2.0])))
    # Stored natively: a point (via point()), a float list (no vecf32), a plain string.
    stored = raw.rows("MATCH (n:BtPerson) RETURN n.place, n.city, n.born, n.seen")[0]
    assert (stored[0].latitude, stored[0].longitude) == (51.5, -0.12)
    assert stored[1:] == ["London", "1815-12-10", seen.isoformat()]
    assert raw.value("MATCH (n:BtDoc) RETURN n.embedding") == [0.5, -1.25, 2.0]
    with Session(driver) as session:
        ada = session.get(Person, "ada")
        doc = session.get(Doc, "d")
    assert ada is not None and doc is not None
    assert (ada.born, ada.seen, ada.place, ada.city, ada.prefs) == (
        date(1815, 12, 10),
        seen,
        GeoLocation(51.5, -0.12),
        "London",
        {"theme": "dark"},
    )
    assert isinstance(doc.embedding, Vector) and doc.embedding == [0.5, -1.25, 2.0]
    with Session(driver) as session:
        found = session.scalars(select(Person).where(Person.place == GeoLocation(51.5, -0.12)))
        assert [p.id for p in found] == ["ada"]
        ada = session.get(Person, "ada")
        assert ada is not None
        ada.place = None
    assert raw.rows("MATCH (n:BtPerson) RETURN n.place") == [[None]]


def test_relate_unrelate_and_eager_loading(driver: BoltDriver, raw: Any) -> None:
    with Session(driver) as session:
        session.add_all([Person(id=k, name=k.title()) for k in ("ada", "bob", "cy")])
    with Session(driver) as session:
        ada, bob, cy = (session.get(Person, k) for k in ("ada", "bob", "cy"))
        session.relate(ada, Person.knows, bob, Knows(since=1999))
        session.relate(ada, Person.knows, cy)
        session.relate(ada, Person.knows, cy)  # MERGE: still one edge
    assert sorted(
        raw.rows("MATCH (a:BtPerson)-[k:BT_KNOWS]->(b:BtPerson) RETURN a.id, b.id, k.since")
    ) == [["ada", "bob", 1999], ["ada", "cy", 2020]]
    with Session(driver) as session:
        ada = session.get(Person, "ada", fetch=["knows"])
        assert ada is not None
        assert sorted(p.id for p in ada.knows) == ["bob", "cy"]
        session.unrelate(ada, Person.knows, session.get(Person, "bob"))
    assert raw.rows("MATCH (:BtPerson)-[k:BT_KNOWS]->(b) RETURN b.id") == [["cy"]]
    with Session(driver) as session:  # lazy loading in a sync session
        ada = session.get(Person, "ada")
        assert ada is not None and [p.id for p in ada.knows] == ["cy"]


def test_queries(driver: BoltDriver) -> None:
    with Session(driver) as session:
        session.add_all(
            [Person(id=f"p{i}", name=f"P{i}", age=20 + i) for i in range(6)]
            + [Manager(id="m", name="Boss", age=50, reports=3)]
        )
    with Session(driver) as session:
        older = session.scalars(
            select(Person).where(Person.age >= 23).order_by(Person.age).skip(1).limit(2)
        )
        assert [p.id for p in older] == ["p4", "p5"]
        assert session.count(select(Person)) == 7
        assert session.count(select(Person).where(Person.name.in_(["P1", "Boss"]))) == 2
        boss = session.scalar(select(Person).where(Person.id == "m"))
        assert isinstance(boss, Manager) and boss.reports == 3  # decoded by its labels
        assert [m.id for m in session.scalars(select(Manager))] == ["m"]
        rows = session.execute("MATCH (n:BtPerson) RETURN count(n) AS c")
        assert rows.records() == [{"c": 7}]


def test_generated_ids(driver: BoltDriver, raw: Any) -> None:
    first, second = Ticket(title="one"), Ticket(title="two")
    with Session(driver) as session:
        session.add_all([first, second])
        session.flush()
        assert isinstance(first.id, int) and isinstance(second.id, int)
        assert first.id != second.id
    assert sorted(raw.rows("MATCH (n:BtTicket) RETURN id(n)")) == sorted([[first.id], [second.id]])
    with Session(driver) as session:
        loaded = session.get(Ticket, first.id)
        assert loaded is not None and loaded.title == "one"
        loaded.title = "uno"
    assert raw.value("MATCH (n:BtTicket) WHERE id(n) = $i RETURN n.title", i=first.id) == "uno"


def test_rollback_discards_flushed_writes(driver: BoltDriver, raw: Any) -> None:
    with Session(driver) as session:
        session.add(Person(id="ada", name="Ada", age=1))
    session = Session(driver)
    ada = session.get(Person, "ada")
    assert ada is not None
    ada.age = 2
    session.add(Person(id="bob", name="Bob"))
    session.flush()
    assert session.count(select(Person)) == 2  # visible inside the transaction
    assert raw.count("BtPerson") == 1  # not outside
    session.rollback()
    assert raw.rows("MATCH (n:BtPerson) RETURN n.id, n.age") == [["ada", 1]]
    assert ada.age == 1  # expired and reloaded
    session.close()


def test_an_error_rolls_the_session_back(driver: BoltDriver, raw: Any) -> None:
    with pytest.raises(RuntimeError, match="late"), Session(driver) as session:
        session.add(Person(id="ada", name="Ada", employer=Company(id="acme", name="Acme")))
        session.flush()
        raise RuntimeError("late")
    assert (raw.count("BtPerson"), raw.count("BtCompany")) == (0, 0)
    session = Session(driver)
    bob = Person(id="bob", name="Bob")
    session.add(bob)
    session.flush()
    with pytest.raises(QueryExecutionError, match=r"\[arcadedb\]"):
        session.execute("NOT CYPHER", write=True)
    # the failed statement rolled the transaction back: the flushed insert is staged again
    assert session.new == [bob]
    session.commit()
    session.close()
    assert (raw.count("BtPerson"), raw.count("BtCompany")) == (1, 0)


def test_search(driver: BoltDriver, sql: Any, arcadedb_dialect: Any, raw: Any) -> None:
    sql(*arcadedb_dialect.fulltext_index_sql("BtDoc", ("title", "body")))
    sql(*arcadedb_dialect.vector_index_sql("BtDoc", "embedding", dimension=3))
    with Session(driver) as session:
        session.add_all(
            [
                Doc(id="d1", title="Graph databases", body="nodes", embedding=Vector([1, 0, 0])),
                Doc(id="d2", title="Cooking", body="graph paper", embedding=Vector([0, 1, 0])),
                Doc(id="d3", title="Roses", body="tulips", embedding=Vector([0.9, 0.1, 0])),
            ]
        )
    with Session(driver) as session:
        found = session.fulltext_search(Doc, query="graph").all()
        assert sorted(d.id for d in found) == ["d1", "d2"]
        titles = session.fulltext_search(Doc, query="graph", fields=[Doc.title]).all()
        assert [d.id for d in titles] == ["d1"]
        near = session.vector_search(Doc, field=Doc.embedding, vector=[1, 0.05, 0], k=2).all()
        assert sorted(d.id for d in near) == ["d1", "d3"]
    assert raw.count("BtDoc") == 3


def test_connection_manager(driver: BoltDriver, raw: Any) -> None:
    manager = ConnectionManager(driver)
    with manager.session() as session:
        session.add(Company(id="acme", name="Acme"))
    with manager.session() as session:
        assert session.get(Company, "acme") is not None
    assert raw.count("BtCompany") == 1


# -- async -----------------------------------------------------------------------------------


async def test_async_session_round_trip(async_driver: AsyncBoltDriver, raw: Any) -> None:
    async with AsyncSession(async_driver) as session:
        session.add(Person(id="ada", name="Ada", employer=Company(id="acme", name="Acme")))
        session.add(Person(id="bob", name="Bob"))
    async with AsyncSession(async_driver) as session:
        ada = await session.get(Person, "ada", fetch=["employer"])
        bob = await session.get(Person, "bob")
        assert ada is not None and bob is not None
        assert ada.employer is not None and ada.employer.name == "Acme"
        await session.relate(ada, Person.knows, bob)
        ada.age = 40
        session.delete(bob)
    assert raw.rows("MATCH (n:BtPerson) RETURN n.id, n.age") == [["ada", 40]]
    async with AsyncSession(async_driver) as session:
        people = await session.scalars(select(Person).where(Person.age > 30))
        assert [p.id for p in people] == ["ada"]
        assert await session.count(select(Company)) == 1


async def test_async_rollback(async_driver: AsyncBoltDriver, raw: Any) -> None:
    session = AsyncSession(async_driver)
    session.add(Person(id="ada", name="Ada"))
    await session.flush()
    assert raw.count("BtPerson") == 0
    await session.rollback()
    await session.commit()
    await session.close()
    assert raw.count("BtPerson") == 0
    ticket = Ticket(title="t")
    async with AsyncSession(async_driver) as session:
        session.add(ticket)
    assert isinstance(ticket.id, int)
    assert raw.value("MATCH (n:BtTicket) RETURN id(n)") == ticket.id


def test_element_ids_with_the_neo4j_dialect(server: Any, database: str, raw: Any) -> None:
    """The Neo4j dialect's elementId() path, run for real (ArcadeDB has elementId() too)."""
    drv = BoltDriver(
        server.bolt_uri,
        (server.user, server.password),
        database,
        Neo4jDialect(),
        encrypted=False,
    )
    try:
        ticket = Ticket(title="one")
        with Session(drv) as session:
            session.add(ticket)
            session.add(Person(id="ada", name="Ada", employer=Company(id="acme", name="Acme")))
        assert isinstance(ticket.id, str)  # an element id, e.g. "#12:0"
        assert raw.value("MATCH (n:BtTicket) RETURN elementId(n)") == ticket.id
        with Session(drv) as session:
            loaded = session.get(Ticket, ticket.id)
            assert loaded is not None and loaded.title == "one"
            loaded.title = "uno"
            ada = session.get(Person, "ada", fetch=["employer"])
            assert ada is not None and ada.employer is not None
            session.relate(ada, Person.knows, Person(id="bob", name="Bob"))
        with Session(drv) as session:
            ada = session.get(Person, "ada", fetch=["knows"])
            assert ada is not None and [p.id for p in ada.knows] == ["bob"]
            session.delete(ada)
        assert raw.value("MATCH (n:BtTicket) RETURN n.title") == "uno"
        assert raw.rows("MATCH (n:BtPerson) RETURN n.id") == [["bob"]]
    finally:
        drv.close()


def test_points_are_stored_as_points_since_maps_are_refused(driver: BoltDriver) -> None:
    """Why GeoLocation goes through point() on ArcadeDB (seed 003 stored a map)."""
    where = {"p": {"latitude": 1.0, "longitude": 2.0}}
    with pytest.raises(QueryExecutionError, match="Property values can only be of primitive"):
        driver.execute("CREATE (n:BtGeo) SET n.p = $p", where)
    driver.execute("CREATE (n:BtGeo) SET n.p = point($p)", where)
    assert driver.execute("MATCH (n:BtGeo) RETURN n.p").scalar() == {
        "latitude": 1.0,
        "longitude": 2.0,
    }
