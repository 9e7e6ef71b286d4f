"""Repository and AsyncRepository on a real FalkorDB."""

from __future__ import annotations

from typing import Any

import pytest
from session_models import Company, Person, Ticket, Unregistered

from runic.ogm import (
    AsyncRepository,
    AsyncSession,
    FieldValidationError,
    MetadataError,
    QueryBuildError,
    QueryExecutionError,
    Repository,
    Session,
)


def _seed(raw: Any) -> None:
    raw.rows(
        "UNWIND range(1, 7) AS i "
        "CREATE (:SPerson {id: 'p' + toString(i), name: 'P' + toString(i), age: 20 + i, "
        "active: i % 2 = 1})"
    )
    raw.rows(
        "MATCH (a:SPerson {id: 'p1'}), (b:SPerson {id: 'p2'}), (c:SPerson {id: 'p3'}) "
        "CREATE (a)-[:S_KNOWS {since: 1}]->(b), (a)-[:S_KNOWS {since: 2}]->(c), "
        "(a)-[:S_WORKS_FOR]->(:SCompany {id: 'acme', name: 'Acme'})"
    )


class PersonRepository(Repository[Person]):
    """A domain repository: queries written once, named for what they mean."""

    def active_older_than(self, age: int) -> list[Person]:
        return list(
            self.query()
            .where((Person.active == True) & (Person.age > age))  # noqa: E712
            .order_by(Person.age)
            .all()
        )

    def names_by_prefix(self, prefix: str) -> list[str]:
        return self.cypher(
            "MATCH (n:SPerson) WHERE n.name STARTS WITH $p RETURN n.name ORDER BY n.name",
            {"p": prefix},
            returns=str,
        )


class AsyncPersonRepository(AsyncRepository[Person]):
    async def active_older_than(self, age: int) -> list[Person]:
        return list(
            await self.query()
            .where((Person.active == True) & (Person.age > age))  # noqa: E712
            .order_by(Person.age)
            .all()
        )


def test_find_all(session: Session, raw: Any, rec: Any) -> None:
    _seed(raw)
    repo = Repository(session, Person)
    assert repo.session is session and repo.entity_class is Person
    rec.reset()
    everyone = repo.find_all()
    assert sorted(p.id for p in everyone) == [f"p{i}" for i in range(1, 8)]
    assert len(rec.calls) == 1


def test_find_all_paginates_by_key(session: Session, raw: Any, rec: Any) -> None:
    _seed(raw)
    repo = Repository(session, Person)
    rec.reset()
    page = repo.find_all(skip=2, limit=3)
    assert [p.id for p in page] == ["p3", "p4", "p5"]
    assert rec.calls[0].cypher == (
        "MATCH (n:`SPerson`) WITH n ORDER BY n.`id` SKIP $skip LIMIT $limit RETURN n"
    )
    assert rec.calls[0].params == {"skip": 2, "limit": 3}
    assert [p.id for p in repo.find_all(limit=2)] == ["p1", "p2"]
    assert [p.id for p in repo.find_all(skip=6)] == ["p7"]
    assert repo.find_all(skip=10) == []
    with pytest.raises(FieldValidationError, match="skip and limit must not be negative"):
        repo.find_all(skip=-1)


def test_find_all_with_fetch_and_pagination(session: Session, raw: Any, rec: Any) -> None:
    _seed(raw)
    repo = Repository(session, Person)
    rec.reset()
    page = repo.find_all(fetch=["knows", "employer"], limit=2)
    assert len(rec.calls) == 1
    assert [p.id for p in page] == ["p1", "p2"]
    assert sorted(k.id for k in page[0].knows) == ["p2", "p3"]
    assert page[1] in page[0].knows  # identity map: p2 is one instance
    assert page[0].employer is not None and page[0].employer.name == "Acme"
    assert page[1].knows == [] and page[1].employer is None
    assert len(rec.calls) == 1


def test_find_all_by_ids_is_one_query(session: Session, raw: Any, rec: Any) -> None:
    _seed(raw)
    repo = Repository(session, Person)
    rec.reset()
    found = repo.find_all_by_ids(["p3", "p1", "missing"], fetch=["knows"])
    assert len(rec.calls) == 1
    assert sorted(p.id for p in found) == ["p1", "p3"]
    assert rec.calls[0].params == {"ids": ["p3", "p1", "missing"]}
    assert repo.find_all_by_ids([]) == []
    with pytest.raises(FieldValidationError, match=r"Person\.id takes str values; got int 3"):
        repo.find_all_by_ids(["p1", 3])


def test_find_all_by_generated_ids(session: Session, raw: Any) -> None:
    tickets = [Ticket(title=f"t{i}") for i in range(4)]
    session.add_all(tickets)
    session.commit()
    repo = Repository(session, Ticket)
    found = repo.find_all_by_ids([tickets[1].id, tickets[3].id])
    assert sorted(found, key=lambda t: t.id) == [tickets[1], tickets[3]]  # the same instances
    assert repo.find_all(limit=2) == tickets[:2]  # paginated by the generated key
    assert repo.exists(tickets[0].id)
    assert repo.count() == 4


def test_count_and_exists(session: Session, raw: Any) -> None:
    _seed(raw)
    repo = Repository(session, Person)
    assert repo.count() == 7
    assert Repository(session, Company).count() == 1
    assert repo.exists("p1") is True
    assert repo.exists("nobody") is False
    with pytest.raises(FieldValidationError, match=r"Person\.id takes str values; got int 1"):
        repo.exists(1)
    # count and exists read the graph: pending entities do not count
    session.add(Person(id="pending", name="P"))
    assert repo.count() == 7 and repo.exists("pending") is False


def test_query_is_bound_to_the_session(session: Session, raw: Any) -> None:
    _seed(raw)
    repo = Repository(session, Person)
    young = repo.query().where(Person.age < 23).order_by(Person.age).all()
    assert [p.id for p in young] == ["p1", "p2"]
    assert young[0] is session.get(Person, "p1")
    assert repo.query().count() == 7


def test_cypher_returns(session: Session, raw: Any) -> None:
    _seed(raw)
    repo = Repository(session, Person)
    q = "MATCH (n:SPerson) WHERE n.age > $a RETURN {} ORDER BY n.id"
    assert repo.cypher(q.format("n.age"), {"a": 25}, returns=int) == [26, 27]
    assert repo.cypher(q.format("n.name"), {"a": 25}, returns=str) == ["P6", "P7"]
    assert repo.cypher(q.format("n.active"), {"a": 25}, returns=bool) == [False, True]
    assert repo.cypher(q.format("n.age / 2.0"), {"a": 26}, returns=float) == [13.5]
    assert repo.cypher(q.format("n.id AS id, n.age AS age"), {"a": 25}, returns=dict) == [
        {"id": "p6", "age": 26},
        {"id": "p7", "age": 27},
    ]
    people = repo.cypher(q.format("n"), {"a": 25}, returns=Person)
    assert [p.id for p in people] == ["p6", "p7"]
    assert people[0] is session.get(Person, "p6")
    rows = repo.cypher(q.format("n AS person, n.age AS age"), {"a": 26}, returns=dict)
    assert rows == [{"person": session.get(Person, "p7"), "age": 27}]
    assert repo.cypher(q.format("n"), {"a": 25}) == []  # returns=None


def test_cypher_write(session: Session, raw: Any) -> None:
    _seed(raw)
    repo = Repository(session, Person)
    out = repo.cypher("MATCH (n:SPerson) WHERE n.age > 25 SET n.active = false", write=True)
    assert out == []
    assert raw.value("MATCH (n:SPerson) WHERE n.active RETURN count(n)") == 3
    with pytest.raises(QueryExecutionError):
        repo.cypher("MATCH (n:SPerson) SET n.active = true")  # read-only without write=True
    assert raw.value("MATCH (n:SPerson) WHERE n.active RETURN count(n)") == 3
    created = repo.cypher(
        "CREATE (n:SPerson {id: $id, name: $name}) RETURN n",
        {"id": "new", "name": "New"},
        returns=Person,
        write=True,
    )
    assert created[0] is session.get(Person, "new")


def test_cypher_bad_returns(session: Session, raw: Any) -> None:
    _seed(raw)
    repo = Repository(session, Person)
    with pytest.raises(QueryBuildError, match="returns=Person but a row has no node column"):
        repo.cypher("MATCH (n:SPerson) RETURN n.id", returns=Person)
    with pytest.raises(QueryBuildError, match="returns=Company but the query returned a Person"):
        repo.cypher("MATCH (n:SPerson) RETURN n", returns=Company)
    with pytest.raises(QueryBuildError, match="returns must be None, int, float, str, bool, dict"):
        repo.cypher("RETURN 1", returns=list)


def test_subclassing_for_domain_queries(session: Session, raw: Any) -> None:
    _seed(raw)
    repo = PersonRepository(session, Person)
    assert [p.id for p in repo.active_older_than(22)] == ["p3", "p5", "p7"]
    assert repo.names_by_prefix("P") == [f"P{i}" for i in range(1, 8)]


def test_repository_of_a_class_that_is_not_a_model(session: Session) -> None:
    with pytest.raises(MetadataError, match="Unregistered is not a registered Node class"):
        Repository(session, Unregistered)


async def test_async_repository(asession: AsyncSession, raw: Any, arec: Any) -> None:
    _seed(raw)
    repo = AsyncRepository(asession, Person)
    everyone = await repo.find_all()
    assert len(everyone) == 7
    page = await repo.find_all(fetch=["knows"], skip=0, limit=2)
    assert [p.id for p in page] == ["p1", "p2"]
    assert sorted(k.id for k in page[0].knows) == ["p2", "p3"]
    arec.reset()
    found = await repo.find_all_by_ids(["p1", "p7"])
    assert len(arec.calls) == 1 and sorted(p.id for p in found) == ["p1", "p7"]
    assert await repo.count() == 7
    assert await repo.exists("p3") is True
    assert await repo.exists("zzz") is False
    assert await repo.query().where(Person.age > 26).count() == 1
    assert await repo.cypher(
        "MATCH (n:SPerson) RETURN n.age ORDER BY n.age LIMIT 2", returns=int
    ) == [21, 22]
    people = await repo.cypher("MATCH (n:SPerson {id: 'p2'}) RETURN n", returns=Person)
    assert people == [await asession.get(Person, "p2")]
    await repo.cypher("MATCH (n:SPerson {id: 'p2'}) SET n.age = 99", write=True)
    assert raw.props("SPerson")["p2"]["age"] == 99
    domain = AsyncPersonRepository(asession, Person)
    assert [p.id for p in await domain.active_older_than(22)] == ["p3", "p5", "p7"]
