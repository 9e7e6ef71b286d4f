"""runic demo: models, a small graph, traversals and aggregates on an embedded FalkorDB.

Run it with ``hatch run demo`` (see the README). It starts a private FalkorDB
server on a unix socket, writes a few people, companies and friendships, queries
them back, prints what it found, and stops the server again.
"""

from __future__ import annotations

import asyncio
from datetime import date
from enum import Enum

from runic.ogm import (
    AsyncSession,
    Edge,
    Field,
    Node,
    Relation,
    Repository,
    Session,
    avg,
    collect,
    count,
    create_async_driver,
    create_driver,
    select,
)


class Role(Enum):
    ENGINEER = "engineer"
    DESIGNER = "designer"
    MANAGER = "manager"


class Company(Node, labels=["Company"]):
    id: str = Field(primary_key=True)
    name: str = Field(required=True)
    city: str = Field(interned=True, default="")


class Knows(Edge, type="KNOWS"):
    since: int = Field(default=2020)


class Person(Node, labels=["Person"]):
    id: str = Field(primary_key=True)
    name: str = Field(required=True)
    age: int | None = None
    role: Role = Role.ENGINEER
    joined: date | None = None
    tags: list[str] = Field(default_factory=list)
    employer: Company | None = Relation(relationship="WORKS_FOR", target="Company")
    friends: list[Person] = Relation(relationship="KNOWS", target="Person", edge_model=Knows)


def section(title: str) -> None:
    print(f"\n== {title}")


def write_graph(session: Session) -> None:
    acme = Company(id="acme", name="Acme", city="Berlin")
    globex = Company(id="globex", name="Globex", city="Paris")
    people = {
        "ada": Person(id="ada", name="Ada", age=36, role=Role.MANAGER, employer=acme),
        "bob": Person(id="bob", name="Bob", age=29, employer=acme, tags=["python"]),
        "cy": Person(id="cy", name="Cy", age=41, role=Role.DESIGNER, employer=globex),
        "dee": Person(id="dee", name="Dee", age=25, employer=globex, joined=date(2024, 3, 1)),
    }
    people["ada"].friends = [people["bob"], people["cy"]]
    people["bob"].friends = [people["dee"]]
    session.add_all(people.values())  # companies come along through the relations
    session.commit()
    # an edge with properties, MERGE semantics
    session.relate(people["cy"], Person.friends, people["dee"], edge=Knows(since=2012))


def read_graph(session: Session) -> None:
    section("everyone over 28, oldest first")
    stmt = select(Person).where(Person.age > 28).order_by(Person.age, desc=True)
    for person in session.scalars(stmt):
        print(f"  {person.name:4} {person.age}  {person.role.value:9} at {person.employer.name}")

    section("friends of Ada (traversal)")
    friends = session.scalars(
        select(Person)
        .alias("p")
        .where(Person.id == "ada")
        .traverse(Person.friends)
        .alias("f")
        .return_target("f")
    )
    print("  " + ", ".join(sorted(f.name for f in friends)))

    section("friends of friends of Ada (two hops)")
    fof = session.scalars(
        select(Person)
        .alias("p")
        .where(Person.id == "ada")
        .repeat(Person.friends, min_hops=2, max_hops=2)
        .alias("f2")
        .return_target("f2")
    )
    print("  " + ", ".join(sorted(f.name for f in fof)))

    section("people per company, with their average age (aggregates)")
    rows = session.all_rows(
        select(Person)
        .alias("p")
        .traverse(Person.employer, optional=False)
        .alias("c")
        .aggregate(
            count("*").as_("people"),
            avg(Person.age).as_("avg_age"),
            collect(Person.name).as_("names"),
            group_by="c",
        )
        .order_by("people DESC")
    )
    for row in rows:
        print(
            f"  {row['c'].name:7} {row['people']} people, avg age {row['avg_age']:.1f}, "
            f"{sorted(row['names'])}"
        )

    section("friendships with their edge properties")
    for a, knows, b in session.all_with_edges(
        select(Person)
        .alias("a")
        .traverse(Person.friends, edge_alias="k", optional=False)
        .alias("b")
        .return_nodes("a", "b")
        .return_edge("k")
        .order_by("a.name")
    ):
        print(f"  {a.name} knows {b.name} since {knows.since}")

    section("a repository and the identity map")
    repo = Repository(session, Person)
    print(f"  {repo.count()} people; exists('bob') = {repo.exists('bob')}")
    bob = session.get(Person, "bob", fetch=["friends"])
    assert bob is session.get(Person, "bob")
    print(f"  bob's friends: {[f.name for f in bob.friends]}")


def update_graph(session: Session) -> None:
    section("update one field and delete a node")
    dee = session.get(Person, "dee")
    assert dee is not None
    dee.age = 26
    session.delete(session.get(Person, "cy"))
    session.commit()
    print(f"  people now: {sorted(p.name for p in session.query(Person).all())}")


async def async_part() -> None:
    section("the same API, async")
    driver = create_async_driver("falkordb", graph="demo_async")
    try:
        async with AsyncSession(driver) as session:
            session.add(Person(id="eve", name="Eve", age=33))
            await session.commit()
            eve = await session.get(Person, "eve")
            print(f"  async get: {eve}")
            print(f"  async count: {await session.query(Person).count()}")
    finally:
        await driver.close()


def main() -> None:
    driver = create_driver("falkordb", graph="demo")  # embedded server, no host given
    try:
        with Session(driver) as session:
            write_graph(session)
        with Session(driver) as session:
            read_graph(session)
        with Session(driver) as session:
            update_graph(session)
    finally:
        driver.close()
    asyncio.run(async_part())
    print("\ndone: the embedded server has been stopped.")


if __name__ == "__main__":
    main()
