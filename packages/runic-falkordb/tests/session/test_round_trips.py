"""Round trips: a flush costs a constant number of statements, whatever its size,
and a flush that fails on the server leaves the graph exactly as it was."""

from __future__ import annotations

from typing import Any

import pytest
from session_models import Blob, Company, Counter, Person, Ticket

from runic.ogm import AsyncSession, DuplicateEntityError, QueryExecutionError, Repository, Session

SIZES = [10, 1000]


@pytest.mark.parametrize("n", SIZES)
def test_inserting_n_entities_costs_one_statement(
    session: Session, rec: Any, raw: Any, n: int
) -> None:
    session.add_all(Counter(id=i, value=i * 2) for i in range(n))
    session.flush()
    # one write, which checks that none of the keys exists yet itself
    assert [c.write for c in rec.calls] == [True]
    assert raw.count("SCounter") == n
    assert raw.value("MATCH (c:SCounter) RETURN sum(c.value)") == n * (n - 1)
    assert raw.value("MATCH (c:SCounter {id: $i}) RETURN c.value", {"i": n - 1}) == 2 * (n - 1)


@pytest.mark.parametrize("n", SIZES)
def test_inserting_n_generated_keys_costs_one_statement(
    session: Session, rec: Any, raw: Any, n: int
) -> None:
    tickets = [Ticket(title=f"t{i}") for i in range(n)]
    session.add_all(tickets)
    session.flush()
    assert [c.write for c in rec.calls] == [True]
    stored = dict(raw.rows("MATCH (t:STicket) RETURN id(t), t.title"))
    assert stored == {t.id: t.title for t in tickets}
    assert len(stored) == n


@pytest.mark.parametrize("n", SIZES)
def test_updating_n_entities_costs_one_statement(
    session: Session, rec: Any, raw: Any, n: int
) -> None:
    raw.rows("UNWIND range(0, $n - 1) AS i CREATE (:SCounter {id: i, value: 0})", {"n": n})
    counters = Repository(session, Counter).find_all()
    assert len(counters) == n
    for c in counters:
        c.value = c.id + 1
    rec.reset()
    session.flush()
    assert [c.write for c in rec.calls] == [True]
    assert raw.value("MATCH (c:SCounter) RETURN sum(c.value)") == n * (n + 1) // 2
    assert raw.value("MATCH (c:SCounter) WHERE c.value <> c.id + 1 RETURN count(c)") == 0


@pytest.mark.parametrize("n", SIZES)
def test_deleting_n_entities_costs_one_statement(
    session: Session, rec: Any, raw: Any, n: int
) -> None:
    raw.rows("UNWIND range(0, $n - 1) AS i CREATE (:SCounter {id: i, value: i})", {"n": n})
    counters = Repository(session, Counter).find_all()
    for c in counters[: n // 2]:
        session.delete(c)
    rec.reset()
    session.flush()
    assert [c.write for c in rec.calls] == [True]
    assert raw.count("SCounter") == n - n // 2


@pytest.mark.parametrize("n", SIZES)
def test_n_new_relations_between_existing_nodes_cost_one_statement(
    session: Session, rec: Any, raw: Any, n: int
) -> None:
    raw.rows(
        "CREATE (:SCompany {id: 'acme', name: 'Acme'}) WITH 1 AS x "
        "UNWIND range(0, $n - 1) AS i CREATE (:SPerson {id: 'p' + toString(i), name: 'P'})",
        {"n": n},
    )
    people = Repository(session, Person).find_all()
    acme = session.get(Company, "acme")
    hub = session.get(Person, "p0", fetch=["knows"])
    assert hub is not None
    for p in people:
        p.employer = acme
    hub.knows.extend(people[1:])
    rec.reset()
    session.flush()
    assert [c.write for c in rec.calls] == [True]
    assert raw.value("MATCH (:SPerson)-[r:S_WORKS_FOR]->(:SCompany) RETURN count(r)") == n
    assert raw.value("MATCH (:SPerson {id: 'p0'})-[r:S_KNOWS]->() RETURN count(r)") == n - 1


@pytest.mark.parametrize("n", SIZES)
def test_n_new_nodes_with_relations_cost_one_statement(
    session: Session, rec: Any, raw: Any, n: int
) -> None:
    companies = [Company(id=f"c{i}", name=f"C{i}") for i in range(n)]
    people = [Person(id=f"p{i}", name="P", employer=companies[i]) for i in range(n)]
    for i in range(1, n):
        people[i].knows = [people[i - 1]]
    session.add_all(people)
    session.flush()
    assert [c.write for c in rec.calls] == [True]
    assert raw.count("SPerson") == n and raw.count("SCompany") == n
    assert (
        raw.value(
            "MATCH (p:SPerson)-[:S_WORKS_FOR]->(c:SCompany) "
            "WHERE substring(p.id, 1) = substring(c.id, 1) RETURN count(*)"
        )
        == n
    )
    assert raw.value("MATCH (a)-[r:S_KNOWS]->(b) RETURN count(r)") == n - 1
    assert (
        raw.value(
            "MATCH (a:SPerson)-[:S_KNOWS]->(b:SPerson) "
            "WHERE toInteger(substring(a.id, 1)) = toInteger(substring(b.id, 1)) + 1 "
            "RETURN count(*)"
        )
        == n - 1
    )


@pytest.mark.parametrize("n", SIZES)
def test_generated_keys_with_relations(session: Session, rec: Any, raw: Any, n: int) -> None:
    owner = Person(id="owner", name="Owner")
    tickets = [Ticket(title=f"t{i}", owner=owner) for i in range(n)]
    session.add_all(tickets)
    session.flush()
    assert [c.write for c in rec.calls] == [True]  # the write checks owner's key
    rows = raw.rows("MATCH (t:STicket)-[:S_OWNED_BY]->(p:SPerson) RETURN id(t), p.id")
    assert sorted(rows) == sorted([t.id, "owner"] for t in tickets)


async def test_async_round_trips(asession: AsyncSession, arec: Any, raw: Any) -> None:
    asession.add_all(Counter(id=i) for i in range(1000))
    await asession.flush()
    assert [c.write for c in arec.calls] == [True]
    counters = await asession.query(Counter).all()
    for c in counters:
        c.value = 7
    arec.reset()
    await asession.commit()
    assert [c.write for c in arec.calls] == [True]
    assert raw.value("MATCH (c:SCounter) WHERE c.value = 7 RETURN count(c)") == 1000


def test_a_taken_key_fails_the_checking_write(session: Session, rec: Any, raw: Any) -> None:
    raw.rows("CREATE (:SCounter {id: 1, value: 1}), (:SCounter {id: 2, value: 2})")
    two = session.get(Counter, 2)
    assert two is not None
    two.value = 20  # an update in the same flush: it runs after the key check
    session.add(Counter(id=3, value=3))
    session.add(Counter(id=1, value=9))
    rec.reset()
    with pytest.raises(DuplicateEntityError, match=r"cannot insert Counter\(id=1\): a node"):
        session.flush()
    # the write found a key taken and wrote nothing; one read then names the key
    assert [c.write for c in rec.calls] == [True, False]
    assert rec.calls[0].cypher.startswith(
        "OPTIONAL MATCH (_g0:`SCounter`) WHERE _g0.`id` IN $g0 WITH count(_g0) AS _h0 "
        "WITH _h0 AS _dup WHERE _dup = 0 CALL { UNWIND $w0 AS row"
    )
    assert raw.rows("MATCH (c:SCounter) RETURN c.id, c.value ORDER BY c.id") == [[1, 1], [2, 2]]


# -- failing flushes --------------------------------------------------------------------


def _seed(raw: Any) -> None:
    raw.rows(
        "CREATE (a:SPerson {id: 'ada', name: 'Ada', age: 36}), "
        "(b:SPerson {id: 'bob', name: 'Bob'}), (c:SCompany {id: 'acme', name: 'Acme'}), "
        "(a)-[:S_WORKS_FOR]->(c), (a)-[:S_KNOWS {since: 1}]->(b)"
    )


def test_a_flush_failing_on_the_server_writes_nothing(session: Session, raw: Any, rec: Any) -> None:
    _seed(raw)
    before = raw.dump()
    ada = session.get(Person, "ada", fetch=["employer", "knows"])
    bob = session.get(Person, "bob")
    assert ada is not None and bob is not None
    ada.age = 99
    ada.employer = None
    session.delete(bob)
    newcomer = Person(id="cy", name="Cy", employer=session.get(Company, "acme"))
    session.add(newcomer)
    blobs = [Blob(id=f"b{i}", extra=None) for i in range(500)]
    blobs[250].extra = {"nested": {"deep": 1}}  # FalkorDB refuses map properties
    session.add_all(blobs)
    tickets = [Ticket(title=f"t{i}", owner=newcomer) for i in range(100)]
    session.add_all(tickets)
    rec.reset()
    with pytest.raises(
        QueryExecutionError,
        match=r"\[falkordb\] Property values can only be of primitive types or arrays of "
        r"primitive types",
    ) as info:
        session.flush()
    assert info.value.cypher is not None and "CREATE (n:`SBlob`)" in info.value.cypher
    assert len(rec.writes) == 1
    assert raw.dump() == before

    # nothing was applied in the session either: fix the value and flush again
    assert bob in session.deleted and newcomer in session.new
    assert all(t.id is None for t in tickets)  # no generated key was handed out
    blobs[250].extra = None
    session.flush()
    assert raw.count("SBlob") == 500
    assert sorted(raw.props("SPerson")) == ["ada", "cy"]
    assert raw.props("SPerson")["ada"]["age"] == 99
    assert raw.edges("S_WORKS_FOR") == {("cy", "acme")}
    assert (
        raw.value("MATCH (:STicket)-[r:S_OWNED_BY]->(:SPerson {id: 'cy'}) RETURN count(r)") == 100
    )
    assert sorted(t.id for t in tickets) == sorted(
        r[0] for r in raw.rows("MATCH (t:STicket) RETURN id(t)")
    )


async def test_async_failing_flush_writes_nothing(asession: AsyncSession, raw: Any) -> None:
    _seed(raw)
    before = raw.dump()
    ada = await asession.get(Person, "ada")
    assert ada is not None
    ada.age = 1
    asession.add_all([Blob(id="ok"), Blob(id="bad", extra={"a": 1})])
    with pytest.raises(QueryExecutionError, match="primitive types"):
        await asession.commit()
    assert raw.dump() == before
