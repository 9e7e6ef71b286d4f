"""Relation directions: INCOMING and BOTH relations written, read, related and unrelated.

The rule for ``direction="BOTH"``: an edge is written from the relation's owner to
the target (backends store directed edges only); it is read, related (``MERGE``)
and removed in either direction, so an edge the other end wrote counts too.
"""

from __future__ import annotations

from runic.ogm import Edge, Field, Node, Relation, select
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Company, Person


class PeerLink(Edge, type="IT_PEER"):
    since: int = 2000


class Peer(Node, labels=["ItPeer"]):
    id: str = Field(primary_key=True)
    peers: list[Peer] = Relation(
        relationship="IT_PEER", direction="BOTH", target="Peer", edge_model=PeerLink
    )
    partner: Peer | None = Relation(relationship="IT_PARTNER", direction="BOTH", target="Peer")


def _edges(db: RunicDB, rel: str) -> list[tuple[str, str]]:
    """Every edge of type ``rel`` as (start id, end id): the direction it is stored in."""
    return [
        (row[0], row[1])
        for row in db.rows(
            f"MATCH (x)-[:`{rel}`]->(y) RETURN x.id AS a, y.id AS b ORDER BY x.id, y.id",
            columns=("a", "b"),
        )
    ]


async def _peers(db: RunicDB, *ids: str) -> None:
    async with db.session() as session:
        session.add_all([Peer(id=i) for i in ids])


async def _link(db: RunicDB, a: str, b: str, since: int = 2000) -> None:
    """Store ``a -> b`` directly, as another writer would."""
    db.raw(
        "MATCH (x:ItPeer), (y:ItPeer) WHERE x.id = $a AND y.id = $b "
        "CREATE (x)-[:IT_PEER {since: $s}]->(y)",
        {"a": a, "b": b, "s": since},
        write=True,
    )


# -- BOTH -------------------------------------------------------------------------------


@backend_test
async def test_both_assignment_writes_edges_from_the_owner(db: RunicDB) -> None:
    async with db.session() as session:
        a, b, c = Peer(id="a"), Peer(id="b"), Peer(id="c")
        a.peers = [b, c]
        b.partner = c
        session.add(a)
    assert _edges(db, "IT_PEER") == [("a", "b"), ("a", "c")]
    assert _edges(db, "IT_PARTNER") == [("b", "c")]
    assert db.values("MATCH (:ItPeer)-[k:IT_PEER]->() RETURN k.since AS s", column="s") == [
        2000,
        2000,
    ]


@backend_test
async def test_both_relations_are_read_in_either_direction(db: RunicDB) -> None:
    async with db.session() as session:
        a, b, c = Peer(id="a"), Peer(id="b"), Peer(id="c")
        a.peers = [b, c]
        b.partner = c
        session.add(a)
    async with db.session() as session:
        b = await session.get(Peer, "b", fetch=["peers", "partner"])
        assert b is not None
        assert [p.id for p in b.peers] == ["a"]  # a wrote a -> b
        assert b.partner is not None and b.partner.id == "c"
        c = await session.get(Peer, "c", fetch=["partner"])
        assert c is not None and c.partner is b  # b wrote b -> c
        peers = await session.query(Peer).order_by(Peer.id).all()
        await session.load(peers, "peers")
        assert {p.id: sorted(q.id for q in p.peers) for p in peers} == {
            "a": ["b", "c"],
            "b": ["a"],
            "c": ["a"],
        }
        reached = await session.scalars(
            select(Peer).where(Peer.id == "c").traverse(Peer.peers).return_target()
        )
        assert [p.id for p in reached] == ["a"]


@backend_test
async def test_both_edges_written_both_ways_are_one_target(db: RunicDB) -> None:
    await _peers(db, "a", "b")
    await _link(db, "a", "b")
    await _link(db, "b", "a")
    async with db.session() as session:
        a = await session.get(Peer, "a", fetch=["peers"])
        assert a is not None
        assert [p.id for p in a.peers] == ["b"]


@backend_test
async def test_both_assigned_from_both_ends_in_one_flush_is_one_edge(db: RunicDB) -> None:
    async with db.session() as session:
        a, b = Peer(id="a"), Peer(id="b")
        a.peers = [b]
        b.peers = [a]
        a.partner = b
        b.partner = a
        session.add_all([a, b])
    assert _edges(db, "IT_PEER") == [("a", "b")]
    assert _edges(db, "IT_PARTNER") == [("a", "b")]
    await _peers(db, "c", "d")
    async with db.session() as session:
        c = await session.get(Peer, "c", fetch=["peers"])
        d = await session.get(Peer, "d", fetch=["peers"])
        assert c is not None and d is not None
        c.peers = [d]
        d.peers = [c]
    assert _edges(db, "IT_PEER") == [("a", "b"), ("c", "d")]


@backend_test
async def test_both_assignment_keeps_an_edge_the_other_end_wrote(db: RunicDB) -> None:
    await _peers(db, "a", "b", "c")
    await _link(db, "a", "b", since=1990)
    async with db.session() as session:
        b = await session.get(Peer, "b", fetch=["peers"])
        c = await session.get(Peer, "c")
        assert b is not None and c is not None
        assert [p.id for p in b.peers] == ["a"]
        b.peers = [*b.peers, c]  # a kept: its edge a -> b stays as it is
    assert _edges(db, "IT_PEER") == [("a", "b"), ("b", "c")]
    assert db.values(
        "MATCH (:ItPeer {id: 'a'})-[k:IT_PEER]->(:ItPeer {id: 'b'}) RETURN k.since AS s",
        column="s",
    ) == [1990]


@backend_test
async def test_both_removal_deletes_the_edge_in_either_direction(db: RunicDB) -> None:
    await _peers(db, "a", "b", "c")
    await _link(db, "a", "b")
    await _link(db, "c", "b")
    async with db.session() as session:
        b = await session.get(Peer, "b", fetch=["peers"])
        assert b is not None
        assert sorted(p.id for p in b.peers) == ["a", "c"]
        b.peers = [p for p in b.peers if p.id == "c"]  # drops a, whose edge is a -> b
    assert _edges(db, "IT_PEER") == [("c", "b")]
    assert db.count("ItPeer") == 3


@backend_test
async def test_both_to_one_reassignment_moves_the_edge(db: RunicDB) -> None:
    async with db.session() as session:
        a, b = Peer(id="a"), Peer(id="b")
        a.partner = b
        session.add_all([a, b, Peer(id="c")])
    async with db.session() as session:
        b = await session.get(Peer, "b", fetch=["partner"])
        c = await session.get(Peer, "c")
        assert b is not None and b.partner is not None and b.partner.id == "a"
        b.partner = c  # removes a -> b (read from b's side), writes b -> c
    assert _edges(db, "IT_PARTNER") == [("b", "c")]


@backend_test
async def test_both_unloaded_assignment_replaces_edges_in_either_direction(db: RunicDB) -> None:
    await _peers(db, "a", "b", "c", "d")
    await _link(db, "a", "b")
    await _link(db, "b", "c")
    async with db.session() as session:
        b = await session.get(Peer, "b")  # peers not loaded
        c = await session.get(Peer, "c")
        d = await session.get(Peer, "d")
        assert b is not None and c is not None and d is not None
        b.peers = [c, d]
    # a -> b and b -> c removed; b -> c and b -> d written once each
    assert _edges(db, "IT_PEER") == [("b", "c"), ("b", "d")]


@backend_test
async def test_both_relate_merges_with_an_edge_in_either_direction(db: RunicDB) -> None:
    await _peers(db, "a", "b", "c")
    await _link(db, "a", "b", since=1990)
    async with db.session() as session:
        a = await session.get(Peer, "a")
        b = await session.get(Peer, "b")
        c = await session.get(Peer, "c")
        assert a is not None and b is not None and c is not None
        await session.relate(b, Peer.peers, a)  # exists as a -> b: nothing written
        await session.flush()
        assert _edges(db, "IT_PEER") == [("a", "b")]
        await session.relate(b, Peer.peers, a, edge=PeerLink(since=2024))  # updates a -> b
        await session.relate(c, "peers", b)  # new: written c -> b
        await session.relate(b, "peers", c, edge=PeerLink(since=1))  # the same edge, later wins
    assert _edges(db, "IT_PEER") == [("a", "b"), ("c", "b")]
    assert db.rows(
        "MATCH (x:ItPeer)-[k:IT_PEER]->(y:ItPeer) RETURN x.id AS a, k.since AS s ORDER BY x.id",
        columns=("a", "s"),
    ) == [("a", 2024), ("c", 1)]


@backend_test
async def test_both_relate_new_entities_writes_one_edge(db: RunicDB) -> None:
    async with db.session() as session:
        a, b = Peer(id="a"), Peer(id="b")
        await session.relate(a, Peer.peers, b, edge=PeerLink(since=3))
        await session.relate(b, Peer.peers, a, edge=PeerLink(since=4))
    assert db.rows(
        "MATCH (x:ItPeer)-[k:IT_PEER]->(y:ItPeer) RETURN x.id AS a, y.id AS b, k.since AS s",
        columns=("a", "b", "s"),
    ) == [("a", "b", 4)]


@backend_test
async def test_both_unrelate_deletes_the_edge_in_either_direction(db: RunicDB) -> None:
    await _peers(db, "a", "b", "c")
    await _link(db, "a", "b")
    await _link(db, "b", "c")
    async with db.session() as session:
        a = await session.get(Peer, "a")
        b = await session.get(Peer, "b")
        assert a is not None and b is not None
        await session.unrelate(b, Peer.peers, a)  # stored as a -> b
    assert _edges(db, "IT_PEER") == [("b", "c")]
    assert db.count("ItPeer") == 3


# -- INCOMING ---------------------------------------------------------------------------


@backend_test
async def test_incoming_assignment_writes_edges_toward_the_owner(db: RunicDB) -> None:
    async with db.session() as session:
        acme = Company(id="acme", name="Acme")
        acme.employees = [Person(id="ada", name="Ada"), Person(id="bob", name="Bob")]
        session.add(acme)
    assert _edges(db, "IT_WORKS_FOR") == [("ada", "acme"), ("bob", "acme")]
    async with db.session() as session:
        acme = await session.get(Company, "acme", fetch=["employees"])
        assert acme is not None
        acme.employees = [p for p in acme.employees if p.id == "bob"]
        acme.employees.append(Person(id="cy", name="Cy"))
    assert _edges(db, "IT_WORKS_FOR") == [("bob", "acme"), ("cy", "acme")]
    async with db.session() as session:
        acme = await session.get(Company, "acme")  # employees not loaded
        ada = await session.get(Person, "ada")
        assert acme is not None and ada is not None
        acme.employees = [ada]
    assert _edges(db, "IT_WORKS_FOR") == [("ada", "acme")]


@backend_test
async def test_incoming_relate_and_unrelate(db: RunicDB) -> None:
    async with db.session() as session:
        session.add_all([Company(id="acme", name="Acme"), Person(id="ada", name="Ada")])
    async with db.session() as session:
        acme = await session.get(Company, "acme")
        ada = await session.get(Person, "ada")
        assert acme is not None and ada is not None
        await session.relate(acme, Company.employees, ada)
        await session.relate(acme, Company.employees, ada)
    assert _edges(db, "IT_WORKS_FOR") == [("ada", "acme")]
    async with db.session() as session:
        acme = await session.get(Company, "acme")
        ada = await session.get(Person, "ada")
        assert acme is not None and ada is not None
        await session.unrelate(acme, Company.employees, ada)
    assert _edges(db, "IT_WORKS_FOR") == []
