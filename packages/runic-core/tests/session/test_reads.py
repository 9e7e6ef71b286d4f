"""The sans-I/O reads of the session core, on canned results (no database).

Each test drives one read operation's generator with a scripted executor: it
checks the exact Cypher and parameters each statement carries (reference dialect)
and the session's state after the canned rows come back.
"""

from __future__ import annotations

from typing import Any

import pytest

from runic.ogm import (
    DetachedEntityError,
    Field,
    FieldValidationError,
    Node,
    Relation,
    StaleDataError,
)
from runic.ogm.core.state import inspect
from runic.ogm.dialect import CypherDialect
from runic.ogm.driver.results import GraphNode, QueryResult
from runic.ogm.session import reads
from runic.ogm.session.core import SessionCore
from runic.ogm.session.ops import Op, Statement, drive


class Script:
    """An executor answering each statement with the next canned rows."""

    def __init__(self, *answers: list[tuple[Any, ...]]) -> None:
        self.answers = list(answers)
        self.sent: list[Statement] = []

    def __call__(self, stmt: Statement) -> QueryResult:
        self.sent.append(stmt)
        assert self.answers, f"unexpected statement {stmt.cypher}"
        return QueryResult(list(stmt.columns), self.answers.pop(0))

    def run(self, op: Op[Any]) -> Any:
        value = drive(op, self)
        assert not self.answers, "statements expected but not sent"
        return value

    @property
    def texts(self) -> list[tuple[str, dict[str, Any]]]:
        return [(s.cypher, dict(s.params)) for s in self.sent]


def _models() -> dict[str, type[Node]]:
    class Book(Node, labels=["RBook"]):
        id: str = Field(primary_key=True)
        title: str = ""

    class Author(Node, labels=["RAuthor"]):
        id: str = Field(primary_key=True)
        name: str = ""
        books: list[Book] = Relation(relationship="WROTE", target=Book, default_factory=list)
        mentor: Author | None = Relation(
            relationship="MENTORS", target="Author", direction="INCOMING"
        )

    class Ticket(Node, labels=["RTicket"]):
        id: int | None = Field(default=None, primary_key=True, generated=True)
        title: str = ""

    return {"Book": Book, "Author": Author, "Ticket": Ticket}


def _book(gid: int, key: str) -> GraphNode:
    return GraphNode(gid, ("RBook",), {"id": key, "title": key.upper()})


def _author(gid: int, key: str) -> GraphNode:
    return GraphNode(gid, ("RAuthor",), {"id": key, "name": key.title()})


@pytest.fixture
def m() -> dict[str, type[Node]]:
    return _models()


@pytest.fixture
def core() -> SessionCore:
    return SessionCore(CypherDialect())


# -- get ------------------------------------------------------------------------------


def test_get_by_key_then_from_the_identity_map(m: dict[str, Any], core: SessionCore) -> None:
    script = Script([(_author(1, "ada"),)])
    ada = script.run(core.get(m["Author"], "ada"))
    assert script.texts == [("MATCH (n:`RAuthor`) WHERE n.`id` = $pk RETURN n", {"pk": "ada"})]
    assert script.sent[0].columns == ("n",)
    assert (ada.id, ada.name) == ("ada", "Ada")
    assert inspect(ada).persistent and inspect(ada).graph_id == 1  # type: ignore[union-attr]
    again = Script()  # no statement: the identity map answers
    assert again.run(core.get(m["Author"], "ada")) is ada


def test_get_of_a_missing_key_is_none(m: dict[str, Any], core: SessionCore) -> None:
    script = Script([])
    assert script.run(core.get(m["Author"], "nobody")) is None
    assert core.identity == {}


def test_get_with_fetch_hydrates_the_relations(m: dict[str, Any], core: SessionCore) -> None:
    rows = [(_author(1, "ada"), [_book(10, "b1"), _book(11, "b2")], [_author(2, "bob")])]
    script = Script(rows)
    ada = script.run(core.get(m["Author"], "ada", fetch=["books", "mentor"]))
    assert script.texts == [
        (
            "MATCH (n:`RAuthor`) WHERE n.`id` = $pk "
            "OPTIONAL MATCH (n)-[:`WROTE`]->(f0:`RBook`) WITH n, collect(f0) AS f0 "
            "OPTIONAL MATCH (n)<-[:`MENTORS`]-(f1:`RAuthor`) WITH n, f0, collect(f1) AS f1 "
            "RETURN n, f0, f1",
            {"pk": "ada"},
        )
    ]
    assert script.sent[0].columns == ("n", "f0", "f1")
    assert [b.id for b in ada.books] == ["b1", "b2"]
    assert ada.mentor.id == "bob"
    # the targets are in the identity map: a get of one sends nothing
    assert Script().run(core.get(m["Book"], "b2")) is ada.books[1]
    assert Script().run(core.get(m["Author"], "bob")) is ada.mentor
    # the loaded relation is known to the session (a flush writes no change for it)
    assert not core.has_changes() or id(ada) in core.watched


def test_get_with_fetch_of_a_held_entity_reads_the_missing_relation(
    m: dict[str, Any], core: SessionCore
) -> None:
    ada = Script([(_author(1, "ada"),)]).run(core.get(m["Author"], "ada"))
    script = Script([(_author(1, "ada"), [_book(10, "b1")])])
    assert script.run(core.get(m["Author"], "ada", fetch=["books"])) is ada
    assert [b.id for b in ada.books] == ["b1"]
    # now held with the relation: no statement
    assert Script().run(core.get(m["Author"], "ada", fetch=["books"])) is ada


def test_get_of_an_empty_relation_is_an_empty_list(m: dict[str, Any], core: SessionCore) -> None:
    ada = Script([(_author(1, "ada"), [], [])]).run(
        core.get(m["Author"], "ada", fetch=["books", "mentor"])
    )
    assert ada.books == [] and ada.mentor is None


def test_get_by_generated_key_matches_the_database_id(m: dict[str, Any], core: SessionCore) -> None:
    script = Script([(GraphNode(7, ("RTicket",), {"title": "t"}),)])
    ticket = script.run(core.get(m["Ticket"], 7))
    assert script.texts == [("MATCH (n:`RTicket`) WHERE id(n) = $pk RETURN n", {"pk": 7})]
    assert ticket.id == 7 and ticket.title == "t"


def test_get_refuses_an_unknown_fetch_relation(m: dict[str, Any], core: SessionCore) -> None:
    with pytest.raises(FieldValidationError, match=r"RAuthor|Author has no relation 'bookz'"):
        Script().run(core.get(m["Author"], "ada", fetch=["bookz"]))


def test_get_refuses_a_key_of_the_wrong_type(m: dict[str, Any], core: SessionCore) -> None:
    with pytest.raises(FieldValidationError, match=r"Author\.id takes str values; got int 5"):
        Script().run(core.get(m["Author"], 5))


def test_get_compiles_each_shape_once(m: dict[str, Any], core: SessionCore) -> None:
    meta = m["Author"].__runic_meta__
    first, _ = reads.get_statement(core.dialect, meta, "a", ["books"])
    second, _ = reads.get_statement(core.dialect, meta, "b", ["books"])
    assert first.cypher is second.cypher  # the same compiled text object: not recompiled
    assert (first.params, second.params) == ({"pk": "a"}, {"pk": "b"})


# -- find_all and find_all_by_ids ---------------------------------------------------


def test_find_all_paged_with_fetch(m: dict[str, Any], core: SessionCore) -> None:
    rows = [(_author(1, "ada"), [_book(10, "b1")]), (_author(2, "bob"), [])]
    script = Script(rows)
    found = script.run(core.find_all(m["Author"], fetch=["books"], skip=2, limit=5))
    assert script.texts == [
        (
            "MATCH (n:`RAuthor`) WITH n ORDER BY n.`id` SKIP $skip LIMIT $limit "
            "OPTIONAL MATCH (n)-[:`WROTE`]->(f0:`RBook`) WITH n, collect(f0) AS f0 "
            "RETURN n, f0 ORDER BY n.`id`",
            {"skip": 2, "limit": 5},
        )
    ]
    assert [(a.id, [b.id for b in a.books]) for a in found] == [("ada", ["b1"]), ("bob", [])]


def test_find_all_without_paging(m: dict[str, Any], core: SessionCore) -> None:
    script = Script([])
    assert script.run(core.find_all(m["Book"])) == []
    assert script.texts == [("MATCH (n:`RBook`) RETURN n", {})]


def test_find_all_by_ids_keeps_the_rows_order_and_skips_missing_ids(
    m: dict[str, Any], core: SessionCore
) -> None:
    script = Script([(_book(12, "c"),), (_book(10, "a"),)])
    found = script.run(core.find_all(m["Book"], ids=["a", "b", "c"]))
    assert script.texts == [
        ("MATCH (n:`RBook`) WHERE n.`id` IN $ids RETURN n", {"ids": ["a", "b", "c"]})
    ]
    # the server's order, and no placeholder for the key it did not find
    assert [b.id for b in found] == ["c", "a"]
    assert set(core.identity) == {("RBook", "a"), ("RBook", "c")}


def test_find_all_by_ids_returns_the_held_instances(m: dict[str, Any], core: SessionCore) -> None:
    held = Script([(_book(10, "a"),)]).run(core.get(m["Book"], "a"))
    found = Script([(_book(10, "a"),), (_book(11, "b"),)]).run(
        core.find_all(m["Book"], ids=["a", "b"])
    )
    assert found[0] is held and found[1].id == "b"


def test_find_all_by_ids_checks_every_key(m: dict[str, Any], core: SessionCore) -> None:
    with pytest.raises(FieldValidationError, match=r"Book\.id takes str values; got int 3"):
        Script().run(core.find_all(m["Book"], ids=["a", 3]))


def test_find_all_by_generated_ids(m: dict[str, Any], core: SessionCore) -> None:
    script = Script([])
    script.run(core.find_all(m["Ticket"], ids=[4, 5], limit=1))
    assert script.texts == [
        (
            "MATCH (n:`RTicket`) WHERE id(n) IN $ids WITH n ORDER BY id(n) LIMIT $limit RETURN n",
            {"ids": [4, 5], "limit": 1},
        )
    ]


def test_find_all_refuses_negative_paging(m: dict[str, Any], core: SessionCore) -> None:
    with pytest.raises(FieldValidationError, match="skip and limit must not be negative"):
        Script().run(core.find_all(m["Book"], skip=-1))


# -- count, exists, the key pre-check -------------------------------------------------


def test_count_statement(m: dict[str, Any], core: SessionCore) -> None:
    stmt = reads.count_statement(m["Author"].__runic_meta__, core.dialect)
    assert (stmt.cypher, dict(stmt.params), stmt.columns) == (
        "MATCH (n:`RAuthor`) RETURN count(n) AS c",
        {},
        ("c",),
    )
    result = Script([(3,)]).run(core.run_compiled(stmt))
    assert result.scalar() == 3


def test_exists_statement(m: dict[str, Any], core: SessionCore) -> None:
    stmt = reads.exists_statement(core.dialect, m["Author"].__runic_meta__, "ada")
    assert (stmt.cypher, dict(stmt.params), stmt.columns) == (
        "MATCH (n:`RAuthor`) WHERE n.`id` = $pk RETURN count(n) AS c",
        {"pk": "ada"},
        ("c",),
    )
    generated = reads.exists_statement(core.dialect, m["Ticket"].__runic_meta__, 9)
    assert generated.cypher == "MATCH (n:`RTicket`) WHERE id(n) = $pk RETURN count(n) AS c"
    assert Script([(0,)]).run(core.run_compiled(stmt)).scalar() == 0
    with pytest.raises(FieldValidationError, match="primary key must not be None"):
        reads.exists_statement(core.dialect, m["Author"].__runic_meta__, None)


def test_existing_keys_statement() -> None:
    keys: dict[tuple[str, str], list[Any]] = {("RAuthor", "id"): ["a", "b"], ("RBook", "id"): ["x"]}
    stmt = reads.existing_keys_statement(keys, CypherDialect())
    assert stmt is not None
    assert (stmt.cypher, dict(stmt.params), stmt.columns) == (
        "OPTIONAL MATCH (n0:`RAuthor`) WHERE n0.`id` IN $k0 WITH collect(n0.`id`) AS d0 "
        "OPTIONAL MATCH (n1:`RBook`) WHERE n1.`id` IN $k1 WITH d0, collect(n1.`id`) AS d1 "
        "RETURN d0 AS `RAuthor`, d1 AS `RBook`",
        {"k0": ["a", "b"], "k1": ["x"]},
        ("RAuthor", "RBook"),
    )
    assert reads.existing_keys_statement({}) is None


# -- relation loading, refresh -------------------------------------------------------


def _two_authors(m: dict[str, Any], core: SessionCore) -> list[Any]:
    rows = [(_author(1, "ada"),), (_author(2, "bob"),)]
    found: list[Any] = Script(*[[r] for r in rows]).run(_both(core, m))
    return found


def _both(core: SessionCore, m: dict[str, Any]) -> Op[list[Any]]:
    a = yield from core.get(m["Author"], "ada")
    b = yield from core.get(m["Author"], "bob")
    return [a, b]


def test_load_relation_of_many_entities_in_one_statement(
    m: dict[str, Any], core: SessionCore
) -> None:
    ada, bob = _two_authors(m, core)
    pending = m["Author"](id="new")
    core.add(pending)
    script = Script([(1, [_book(10, "b1"), _book(11, "b2")]), (2, [])])
    script.run(core.load_relation([ada, bob, pending], "books"))
    assert script.texts == [
        (
            "UNWIND $ids AS i MATCH (n) WHERE id(n) = i "
            "OPTIONAL MATCH (n)-[:`WROTE`]->(m:`RBook`) RETURN i, collect(m) AS m",
            {"ids": [1, 2]},  # the pending entity has no graph id: not asked for
        )
    ]
    assert script.sent[0].columns == ("i", "m")
    assert [b.id for b in ada.books] == ["b1", "b2"] and bob.books == []
    assert pending.books == []


def test_load_relation_keeps_an_unflushed_assignment(m: dict[str, Any], core: SessionCore) -> None:
    ada, _ = _two_authors(m, core)
    mine = m["Book"](id="mine")
    ada.books = [mine]
    Script([(1, [_book(10, "b1")])]).run(core.load_relation([ada], "books"))
    assert ada.books == [mine]


def test_load_relation_refuses_an_unknown_name(m: dict[str, Any], core: SessionCore) -> None:
    ada, _ = _two_authors(m, core)
    with pytest.raises(FieldValidationError, match="has no relation 'nope'"):
        Script().run(core.load_relation([ada], "nope"))


def test_refresh_reads_the_node_by_id(m: dict[str, Any], core: SessionCore) -> None:
    ada, _ = _two_authors(m, core)
    ada.name = "changed"
    script = Script([(GraphNode(1, ("RAuthor",), {"id": "ada", "name": "Ada L."}),)])
    script.run(core.refresh(ada))
    assert script.texts == [("UNWIND $ids AS i MATCH (n) WHERE id(n) = i RETURN n", {"ids": [1]})]
    assert ada.name == "Ada L." and id(ada) not in core.dirty


@pytest.mark.parametrize(("action", "verb"), [("refresh", "refresh"), ("load_expired", "load")])
def test_refresh_and_reload_refuse_what_the_graph_does_not_hold(
    m: dict[str, Any], core: SessionCore, action: str, verb: str
) -> None:
    ada, _ = _two_authors(m, core)
    if action == "load_expired":
        core.expire(ada, ["name"])
    with pytest.raises(StaleDataError, match=r"^Author\(id='ada'\) is no longer in the graph$"):
        Script([]).run(getattr(core, action)(ada))
    new = m["Author"](id="new")
    core.add(new)
    with pytest.raises(
        DetachedEntityError, match=rf"^cannot {verb} Author\(id='new'\): it is not flushed$"
    ):
        Script().run(getattr(core, action)(new))
    if action == "load_expired":  # a found node fills the expired field
        Script([(_author(1, "ada"),)]).run(core.load_expired(ada))
        assert ada.__dict__["name"] == "Ada"


# -- eager (lazy=False) relations -----------------------------------------------------


def _eager_models() -> tuple[type[Node], type[Node]]:
    class Tag(Node, labels=["RTag"]):
        id: str = Field(primary_key=True)

    class Post(Node, labels=["RPost"]):
        id: str = Field(primary_key=True)
        tags: list[Tag] = Relation(
            relationship="TAGGED", target=Tag, lazy=False, default_factory=list
        )
        related: list[Post] = Relation(relationship="RELATED", target="Post", default_factory=list)

    return Post, Tag


def _post(gid: int, key: str) -> GraphNode:
    return GraphNode(gid, ("RPost",), {"id": key})


def test_get_fetches_eager_relations_in_its_statement(core: SessionCore) -> None:
    post_cls, _ = _eager_models()
    script = Script([(_post(1, "p"), [GraphNode(5, ("RTag",), {"id": "t"})])])
    post = script.run(core.get(post_cls, "p"))
    assert script.texts == [
        (
            "MATCH (n:`RPost`) WHERE n.`id` = $pk "
            "OPTIONAL MATCH (n)-[:`TAGGED`]->(f0:`RTag`) WITH n, collect(f0) AS f0 RETURN n, f0",
            {"pk": "p"},
        )
    ]
    assert [t.id for t in post.tags] == ["t"]


def test_fetched_targets_get_their_eager_relations_in_one_statement(core: SessionCore) -> None:
    post_cls, _ = _eager_models()
    rows = [(_post(1, "p"), [_post(2, "q"), _post(3, "r")], [])]
    tag = GraphNode(5, ("RTag",), {"id": "t"})
    script = Script(rows, [(2, [tag]), (3, [])])
    post = script.run(core.get(post_cls, "p", fetch=["related"]))
    assert len(script.sent) == 2  # the get, then one statement for the targets' tags
    assert script.texts[1] == (
        "UNWIND $ids AS i MATCH (n) WHERE id(n) = i "
        "OPTIONAL MATCH (n)-[:`TAGGED`]->(m:`RTag`) RETURN i, collect(m) AS m",
        {"ids": [2, 3]},
    )
    q, r = post.related
    assert [t.id for t in q.tags] == ["t"] and r.tags == []


def test_load_eager_after_a_select_follows_each_relation_once(core: SessionCore) -> None:
    post_cls, _ = _eager_models()
    posts = Script([(_post(1, "p"),)], [(_post(2, "q"),)]).run(_hydrated(core, post_cls))
    script = Script([(1, []), (2, [])])
    script.run(core.load_eager(posts))
    assert len(script.sent) == 1 and script.texts[0][1] == {"ids": [1, 2]}
    assert Script().run(core.load_eager(posts)) is None  # loaded: nothing sent again


def _hydrated(core: SessionCore, cls: type[Node]) -> Op[list[Any]]:
    """Two entities hydrated the way a select() does (no eager loading yet)."""
    result = yield Statement("canned", {}, ("n",))
    first = core.hydrate_value(result.rows[0][0], cls)
    result = yield Statement("canned", {}, ("n",))
    return [first, core.hydrate_value(result.rows[0][0], cls)]
