"""Bad input gets a specific error with a useful message, and nothing is written."""

from __future__ import annotations

import contextlib
import math
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from session_models import Company, Counter, Named, Person, Unregistered

from runic.falkordb import EmbeddedFalkorDB
from runic.ogm import (
    AsyncSession,
    ConnectionFailedError,
    DetachedEntityError,
    Field,
    FieldValidationError,
    MetadataError,
    Node,
    QueryExecutionError,
    Session,
    SessionClosedError,
    create_async_driver,
    create_driver,
    select,
)

CLOSED = "this session is closed; open a new Session for further work"

# -- closed sessions --------------------------------------------------------------------

SYNC_CALLS: dict[str, Callable[[Session, Person], Any]] = {
    "add": lambda s, p: s.add(Person(id="x", name="X")),
    "add_all": lambda s, p: s.add_all([Person(id="x", name="X")]),
    "delete": lambda s, p: s.delete(p),
    "get": lambda s, p: s.get(Person, "ada"),
    "flush": lambda s, p: s.flush(),
    "commit": lambda s, p: s.commit(),
    "rollback": lambda s, p: s.rollback(),
    "expire": lambda s, p: s.expire(p),
    "refresh": lambda s, p: s.refresh(p),
    "expunge": lambda s, p: s.expunge(p),
    "relate": lambda s, p: s.relate(p, "knows", p),
    "unrelate": lambda s, p: s.unrelate(p, "knows", p),
    "load": lambda s, p: s.load([p], "knows"),
    "execute": lambda s, p: s.execute("RETURN 1"),
    "scalars": lambda s, p: s.scalars(select(Person)),
    "scalar": lambda s, p: s.scalar(select(Person)),
    "count": lambda s, p: s.count(select(Person)),
    "all_rows": lambda s, p: s.all_rows(select(Person)),
    "all_with_edges": lambda s, p: s.all_with_edges(select(Person)),
    "query.all": lambda s, p: s.query(Person).all(),
}


@pytest.mark.parametrize("call", list(SYNC_CALLS.values()), ids=list(SYNC_CALLS))
def test_closed_session(rec: Any, raw: Any, call: Callable[[Session, Person], Any]) -> None:
    raw.rows("CREATE (:SPerson {id: 'ada', name: 'Ada'})")
    session = Session(rec)
    ada = session.get(Person, "ada")
    assert ada is not None
    session.close()
    rec.reset()
    with pytest.raises(SessionClosedError, match=CLOSED):
        call(session, ada)
    assert rec.calls == []
    assert raw.count() == 1


async def test_closed_async_session(arec: Any, raw: Any) -> None:
    raw.rows("CREATE (:SPerson {id: 'ada', name: 'Ada'})")
    s = AsyncSession(arec)
    ada = await s.get(Person, "ada")
    await s.close()
    arec.reset()
    with pytest.raises(SessionClosedError, match=CLOSED):
        s.add(Person(id="x", name="X"))
    with pytest.raises(SessionClosedError, match=CLOSED):
        s.delete(ada)
    for coro in (
        s.get(Person, "ada"),
        s.flush(),
        s.commit(),
        s.rollback(),
        s.refresh(ada),
        s.relate(ada, "knows", ada),
        s.load([ada], "knows"),
        s.execute("RETURN 1"),
        s.scalars(select(Person)),
        s.count(select(Person)),
        s.query(Person).all(),
    ):
        with pytest.raises(SessionClosedError, match=CLOSED):
            await coro
    assert arec.calls == []


# -- entities that are not models ------------------------------------------------------


def test_entity_of_an_unregistered_class(session: Session, rec: Any) -> None:
    with pytest.raises(
        MetadataError,
        match="cannot add Unregistered: only instances of Node subclasses are managed by a session",
    ):
        session.add(Unregistered("x"))
    with pytest.raises(MetadataError, match="cannot delete int: only instances of Node"):
        session.delete(5)
    with pytest.raises(MetadataError, match="cannot expunge dict: only instances of Node"):
        session.expunge({"id": 1})
    with pytest.raises(
        MetadataError,
        match="Unregistered is not a registered Node class; subclass runic.ogm.Node with "
        r"labels=\[\.\.\.\]",
    ):
        session.get(Unregistered, "x")
    with pytest.raises(MetadataError, match="Unregistered is not a registered Node class"):
        session.scalars(select(Unregistered))  # type: ignore[type-var]
    with pytest.raises(MetadataError, match="Named is not a registered Node class"):
        session.add(Named(name="abstract"))
    with pytest.raises(
        FieldValidationError,
        match=r"Person\.employer relates to Company, got "
        "Unregistered",
    ):
        session.relate(Person(id="a", name="A"), Person.employer, Unregistered("x"))
    assert session.new == []
    session.commit()
    assert rec.calls == []


def test_relation_holding_a_wrong_value(session: Session, rec: Any) -> None:
    ada = Person(id="ada", name="Ada")
    ada.knows = ["bob"]  # type: ignore[list-item]
    session.add(ada)
    with pytest.raises(
        FieldValidationError,
        match=r"Person\.knows relates to Person, got str "
        r"'bob' \(on Person\(id='ada'\)\)",
    ):
        session.flush()
    ada.knows = []
    ada.employer = Person(id="bob", name="Bob")  # type: ignore[assignment]
    with pytest.raises(
        FieldValidationError,
        match=r"Person\.employer relates to Company, got "
        r"Person Person\(id='bob'",
    ):
        session.flush()
    assert rec.calls == []


# -- primary keys of the wrong type --------------------------------------------------


def test_primary_key_of_the_wrong_type(session: Session, rec: Any, raw: Any) -> None:
    with pytest.raises(FieldValidationError, match=r"Person\.id takes str values; got int 1"):
        session.get(Person, 1)
    with pytest.raises(FieldValidationError, match=r"Counter\.id takes int values; got str '1'"):
        session.get(Counter, "1")
    with pytest.raises(FieldValidationError, match=r"Counter\.id takes int values; got bool"):
        session.get(Counter, True)
    with pytest.raises(FieldValidationError, match=r"Person\.id: primary key must not be None"):
        session.get(Person, None)
    assert rec.calls == []
    session.add(Company(id=7, name="Seven"))  # type: ignore[arg-type]
    session.add(Company(id="ok", name="Fine"))
    with pytest.raises(FieldValidationError, match=r"Company\.id takes str values; got int 7"):
        session.flush()
    assert rec.calls == []
    assert raw.count() == 0


async def test_async_primary_key_of_the_wrong_type(asession: AsyncSession, arec: Any) -> None:
    with pytest.raises(FieldValidationError, match=r"Person\.id takes str values; got int 1"):
        await asession.get(Person, 1)
    assert arec.calls == []


def test_server_error_names_the_backend_and_keeps_the_cypher(session: Session) -> None:
    with pytest.raises(QueryExecutionError, match=r"^\[falkordb\] ") as info:
        session.execute("MATCH (n RETURN n")
    assert info.value.cypher == "MATCH (n RETURN n"
    assert info.value.backend == "falkordb"


def test_detached_entity_operations(session: Session) -> None:
    stranger = Person(id="zed", name="Zed")
    for action, call in [
        ("delete", session.delete),
        ("expire", session.expire),
        ("refresh", session.refresh),
    ]:
        with pytest.raises(
            DetachedEntityError,
            match=rf"cannot {action} Person\(id='zed'\): it is not attached to this session; "
            "add it first",
        ):
            call(stranger)
    with pytest.raises(DetachedEntityError, match=r"cannot expunge Person\(id='zed'\)"):
        session.expunge(stranger)
    with pytest.raises(
        DetachedEntityError,
        match=r"cannot load Person\.knows: the entity is "
        "not attached to this session",
    ):
        session.load([stranger], "knows")


# -- unreachable servers ---------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port whose accept queue is full: connecting hangs until the client gives up."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port: int = listener.getsockname()[1]
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    yield port
    for filler in fillers:
        filler.close()
    listener.close()


def test_unreachable_server_sync(graph_name: str) -> None:
    port = _closed_port()
    started = time.monotonic()
    with pytest.raises(
        ConnectionFailedError, match=rf"cannot connect to FalkorDB at 127\.0\.0\.1:{port}"
    ):
        create_driver("falkordb", host="127.0.0.1", port=port, graph=graph_name)
    assert time.monotonic() - started < 3


def test_server_that_does_not_answer(silent_port: int, graph_name: str) -> None:
    started = time.monotonic()
    with pytest.raises(
        ConnectionFailedError,
        match=rf"FalkorDB at 127\.0\.0\.1:{silent_port}.*connect_timeout=0\.3",
    ):
        create_driver(
            "falkordb", host="127.0.0.1", port=silent_port, graph=graph_name, connect_timeout=0.3
        )
    assert time.monotonic() - started < 3


async def test_unreachable_server_async(graph_name: str) -> None:
    port = _closed_port()
    driver = create_async_driver("falkordb", host="127.0.0.1", port=port, graph=graph_name)
    started = time.monotonic()
    try:
        async with AsyncSession(driver) as s:
            s.add(Person(id="ada", name="Ada"))
            with pytest.raises(ConnectionFailedError, match=rf"127\.0\.0\.1:{port}"):
                await s.flush()
            assert [p.id for p in s.new] == ["ada"]  # still staged
            s.expunge_all()
    finally:
        await driver.close()
    assert time.monotonic() - started < 3


def test_server_going_away_during_a_session(graph_name: str) -> None:
    server = EmbeddedFalkorDB(unix_socket=False).start()
    try:
        driver = create_driver(
            "falkordb", host=server.host, port=server.port, graph=graph_name, connect_timeout=1
        )
        session = Session(driver)
        session.add(Person(id="ada", name="Ada"))
        session.commit()
        ada = session.get(Person, "ada")
        assert ada is not None
        ada.age = 3
        port = server.port
        server.stop()
        started = time.monotonic()
        with pytest.raises(ConnectionFailedError, match=rf"FalkorDB at 127\.0\.0\.1:{port}"):
            session.commit()
        assert time.monotonic() - started < 3
        assert session.dirty == [ada]  # the change is still pending
        session.close()
        driver.close()
    finally:
        server.stop()


class Reading(Node, labels=["SReading"]):
    id: str = Field(primary_key=True)
    samples: list[float] = Field(default_factory=list)
    big: int = 0


def test_refused_values_name_entity_field_and_position(session: Session, raw: Any) -> None:
    # The driver's error carries the parameter path (w0[1][1][2]); the flush turns
    # it into the entity, its key and the field, with the position inside a list.
    session.add_all(
        [Reading(id="r0", samples=[1.0]), Reading(id="r1", samples=[0.5, 2.0, math.nan])]
    )
    with pytest.raises(FieldValidationError) as info:
        session.flush()
    assert str(info.value) == (
        "Reading(id='r1').samples[2] is nan; falkordb cannot take NaN or infinite values "
        "as parameters: store None or a sentinel instead"
    )
    assert raw.props("SReading") == {}
    session.expunge_all()
    session.add(Reading(id="r2", big=2**63))
    with pytest.raises(FieldValidationError) as info:
        session.flush()
    assert str(info.value) == (
        "Reading(id='r2').big = 9223372036854775808 does not fit in a 64-bit integer, the "
        "largest integer falkordb stores; store it as a string or a float"
    )
