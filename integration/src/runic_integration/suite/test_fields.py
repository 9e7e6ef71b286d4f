"""Every field type and converter survives a write and a read in another session."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from runic.ogm import FieldValidationError, GeoLocation, Vector
from runic_integration import RunicDB, backend_test
from runic_integration.suite.models import Color, Everything, Note, Priority, Ticket

_TZ = timezone(timedelta(hours=2))

# field, value written, value stored in the graph (read with the raw driver), or
# None when the stored form is backend-specific (vectors, points).
CASES: list[tuple[str, Any, Any]] = [
    ("text", "héllo wörld ✓ 'quoted' \"double\"", "héllo wörld ✓ 'quoted' \"double\""),
    ("text", "", ""),
    ("number", -(2**40), -(2**40)),
    ("number", 0, 0),
    ("ratio", 3.25, 3.25),
    ("ratio", -0.5, -0.5),
    ("flag", True, True),
    ("flag", False, False),
    ("tags", ["a", "b b", "ç"], ["a", "b b", "ç"]),
    ("tags", [], []),
    ("scores", [3, 1, 2], [3, 1, 2]),
    ("at", datetime(2024, 2, 29, 23, 59, 58, 123456), "2024-02-29T23:59:58.123456"),
    ("at", datetime(2024, 1, 2, 3, 4, 5, tzinfo=_TZ), "2024-01-02T03:04:05+02:00"),
    ("day", date(1999, 12, 31), "1999-12-31"),
    ("color", Color.BLUE, "blue"),
    ("priority", Priority.HIGH, 3),
    ("embedding", Vector([0.5, -1.25, 2.0]), None),
    ("place", GeoLocation(52.52, 13.405), None),
    ("city", "Berlin", "Berlin"),
    ("payload", {"b": [1, 2], "a": {"x": None}}, '{"a": {"x": null}, "b": [1, 2]}'),
    ("note", "present", "present"),
]


def _case_id(case: tuple[str, Any, Any]) -> str:
    field, value, _ = case
    return f"{field}-{type(value).__name__}-{CASES.index(case)}"


def _same(field: str, read: Any, written: Any) -> bool:
    """Equality, with float32 tolerance for vectors and points."""
    if field == "embedding":
        return isinstance(read, Vector) and read == pytest.approx(written, rel=1e-6)
    if field == "place":
        return (
            isinstance(read, GeoLocation)
            and math.isclose(read.latitude, written.latitude, rel_tol=1e-6)
            and math.isclose(read.longitude, written.longitude, rel_tol=1e-6)
        )
    return bool(read == written) and type(read) is type(written)


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_field_round_trip(runic_db: RunicDB, case: tuple[str, Any, Any]) -> None:
    field, value, stored = case

    async def body(db: RunicDB) -> None:
        async with db.session() as session:
            session.add(Everything(id="e1", **{field: value}))
        if stored is not None:
            rows = db.rows(
                f"MATCH (n:ItEverything {{id: $id}}) RETURN n.`{field}` AS v",
                {"id": "e1"},
                columns=("v",),
            )
            assert rows == [(stored,)]
        async with db.session() as other:
            loaded = await other.get(Everything, "e1")
            assert loaded is not None
            read = getattr(loaded, field)
            assert _same(field, read, value), f"{field}: wrote {value!r}, read {read!r}"

    runic_db.run(body)


@backend_test
async def test_every_field_at_once_then_update_each(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(
            Everything(
                id="all",
                text="t",
                number=1,
                ratio=1.5,
                flag=True,
                tags=["x"],
                scores=[1],
                at=datetime(2020, 1, 1, 12, 0),
                day=date(2020, 1, 1),
                color=Color.GREEN,
                priority=Priority.HIGH,
                embedding=Vector([1.0, 2.0]),
                place=GeoLocation(1.0, 2.0),
                city="Paris",
                payload={"k": 1},
                note="n",
            )
        )
    async with db.session() as session:
        e = await session.get(Everything, "all")
        assert e is not None
        e.text = "t2"
        e.number = 2
        e.ratio = 2.5
        e.flag = False
        e.tags = ["y", "z"]
        e.scores = []
        e.at = datetime(2021, 6, 1, 8, 30)
        e.day = date(2021, 6, 1)
        e.color = Color.RED
        e.priority = Priority.LOW
        e.embedding = Vector([3.0, 4.0])
        e.place = GeoLocation(-33.9, 151.2)
        e.city = "Lyon"
        e.payload = {"k": 2}
        e.note = None
        await session.commit()
    rows = db.rows(
        "MATCH (n:ItEverything {id: 'all'}) RETURN n.text AS text, n.number AS number, "
        "n.ratio AS ratio, n.flag AS flag, n.tags AS tags, n.at AS at, n.day AS day, "
        "n.color AS color, n.priority AS priority, n.city AS city, n.payload AS payload, "
        "n.note AS note",
        columns=(
            "text",
            "number",
            "ratio",
            "flag",
            "tags",
            "at",
            "day",
            "color",
            "priority",
            "city",
            "payload",
            "note",
        ),
    )
    assert rows == [
        (
            "t2",
            2,
            2.5,
            False,
            ["y", "z"],
            "2021-06-01T08:30:00",
            "2021-06-01",
            "red",
            1,
            "Lyon",
            '{"k": 2}',
            None,
        )
    ]
    async with db.session() as other:
        e = await other.get(Everything, "all")
        assert e is not None
        assert (e.scores, e.note) == ([], None)
        assert e.embedding == pytest.approx([3.0, 4.0])
        assert e.place is not None
        assert (round(e.place.latitude, 4), round(e.place.longitude, 4)) == (-33.9, 151.2)


@backend_test
async def test_assigning_none_removes_the_property(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Everything(id="n", note="here"))
    async with db.session() as session:
        e = await session.get(Everything, "n")
        assert e is not None
        e.note = None
    rows = db.rows(
        "MATCH (n:ItEverything {id: 'n'}) RETURN n.note IS NULL AS gone, n.payload AS p",
        columns=("gone", "p"),
    )
    assert rows == [(True, "{}")]


@backend_test
async def test_assigning_none_to_two_fields_removes_exactly_those(db: RunicDB) -> None:
    """Both properties go, and every other property stays (no collateral loss)."""
    async with db.session() as session:
        session.add(Everything(id="n", note="here", at=datetime(2020, 1, 1), city="Rome"))
    async with db.session() as session:
        e = await session.get(Everything, "n")
        assert e is not None
        e.note = None
        e.at = None
    rows = db.rows(
        "MATCH (n:ItEverything {id: 'n'}) RETURN n.note AS note, n.at AS at, "
        "n.payload AS payload, n.city AS city, n.text AS text, n.color AS color",
        columns=("note", "at", "payload", "city", "text", "color"),
    )
    assert rows == [(None, None, "{}", "Rome", "", "red")]
    async with db.session() as other:
        again = await other.get(Everything, "n")
        assert again is not None
        assert (again.note, again.at, again.payload, again.city) == (None, None, {}, "Rome")


@backend_test
async def test_defaults_are_written(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Everything(id="d"))
    rows = db.rows(
        "MATCH (n:ItEverything {id: 'd'}) RETURN n.text AS t, n.number AS n, n.flag AS f, "
        "n.color AS c, n.tags AS tags",
        columns=("t", "n", "f", "c", "tags"),
    )
    assert rows == [("", 0, False, "red", [])]


@backend_test
async def test_in_place_list_mutation_is_flushed(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Everything(id="l", tags=["a"]))
    async with db.session() as session:
        e = await session.get(Everything, "l")
        assert e is not None
        e.tags.append("b")
        e.payload["new"] = True
    rows = db.rows(
        "MATCH (n:ItEverything {id: 'l'}) RETURN n.tags AS tags, n.payload AS p",
        columns=("tags", "p"),
    )
    assert rows == [(["a", "b"], '{"new": true}')]


@backend_test
async def test_generated_ids_are_assigned_and_usable(db: RunicDB) -> None:
    first, second = Ticket(title="one"), Ticket(title="two")
    async with db.session() as session:
        session.add_all([first, second])
        assert first.id is None
        await session.flush()
        assert first.id is not None and second.id is not None
        assert first.id != second.id
    assert db.count("ItTicket") == 2
    async with db.session() as other:
        loaded = await other.get(Ticket, first.id)
        assert loaded is not None and loaded.title == "one"
        loaded.title = "uno"
    async with db.session() as third:
        again = await third.get(Ticket, first.id)
        assert again is not None and again.title == "uno"
    titles = db.values("MATCH (n:ItTicket) RETURN n.title AS t ORDER BY n.title", column="t")
    assert titles == ["two", "uno"]


@backend_test
async def test_required_field_missing_writes_nothing(db: RunicDB) -> None:
    from runic_integration.suite.models import Company

    session = db.session()
    session.add(Company(id="c", name=None))
    with pytest.raises(FieldValidationError, match="Company"):
        await session.commit()
    assert db.count("ItCompany") == 0


@backend_test
async def test_fields_inherited_from_an_abstract_base(db: RunicDB) -> None:
    async with db.session() as session:
        session.add(Note(id="n1", text="hi", created=datetime(2024, 5, 1, 9, 30)))
    assert db.rows(
        "MATCH (n:ItNote) RETURN n.id AS id, n.text AS text, n.created AS created, "
        "n.author AS author",
        columns=("id", "text", "created", "author"),
    ) == [("n1", "hi", "2024-05-01T09:30:00", "system")]
    assert db.count("ItNote") == 1
    async with db.session() as other:
        note = await other.get(Note, "n1")
        assert note is not None
        assert (note.created, note.author) == (datetime(2024, 5, 1, 9, 30), "system")
