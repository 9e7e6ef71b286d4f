"""Type converters: chosen from the annotation, overridable, and their round trips."""

import enum
import math
from datetime import UTC, date, datetime, timedelta, timezone
from types import SimpleNamespace
from typing import Annotated, Any, Optional

import pytest

from runic.ogm.core import (
    DateConverter,
    DatetimeConverter,
    Edge,
    EnumConverter,
    Field,
    GeoLocation,
    GeoLocationConverter,
    Node,
    TypeConverter,
    Vector,
    VectorConverter,
    node_meta,
)
from runic.ogm.core.types import converter_for_annotation, unwrap_optional


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Embedding(Vector):
    """A Vector subclass still uses the vector converter."""


class Hex(TypeConverter):
    """int <-> hex string, written through a made-up Cypher function."""

    cypher_fn = "toHex"

    def to_graph(self, value: Any) -> Any:
        return hex(value)

    def from_graph(self, value: Any) -> Any:
        return int(value, 16)


@pytest.mark.parametrize(
    ("annotation", "expected"),
    [
        (datetime, DatetimeConverter),
        (date, DateConverter),
        (Vector, VectorConverter),
        (Embedding, VectorConverter),
        (GeoLocation, GeoLocationConverter),
        (datetime | None, DatetimeConverter),
        (Optional[date], DateConverter),  # noqa: UP045
        (Annotated[datetime, "meta"], DatetimeConverter),
        (Annotated[GeoLocation | None, "meta"], GeoLocationConverter),
    ],
)
def test_converter_for_annotation(annotation: Any, expected: type[TypeConverter]) -> None:
    conv = converter_for_annotation(annotation)
    assert type(conv) is expected


@pytest.mark.parametrize(
    "annotation",
    [
        str,
        int,
        float,
        bool,
        bytes,
        list[datetime],
        dict[str, int],
        int | str,
        Any,
        None,
        "datetime",
    ],
)
def test_no_converter_for_other_annotations(annotation: Any) -> None:
    assert converter_for_annotation(annotation) is None


def test_enum_annotations_get_an_enum_converter_per_class() -> None:
    assert converter_for_annotation(Color) == EnumConverter(Color)
    assert converter_for_annotation(Level | None) == EnumConverter(Level)
    assert converter_for_annotation(Color) != EnumConverter(Level)
    assert hash(EnumConverter(Color)) == hash(EnumConverter(Color))
    assert repr(EnumConverter(Color)) == "EnumConverter(Color)"


def test_unwrap_optional() -> None:
    assert unwrap_optional(int | None) is int
    assert unwrap_optional(Optional[Annotated[int, "x"]]) is int  # noqa: UP045
    assert unwrap_optional(int | str) == int | str
    assert unwrap_optional(list[int]) == list[int]


def test_model_fields_get_converters_from_annotations() -> None:
    class Event(Node, labels=["Event"]):
        id: str = ""
        at: datetime | None = None
        day: date = Field(default=date(2024, 1, 1))
        color: Color = Color.RED
        level: Optional[Level] = None  # noqa: UP045
        embedding: Vector = Field(default_factory=Vector, index=True, index_type="VECTOR")
        where: GeoLocation | None = None
        tags: list[str] = Field(default_factory=list)

    fields = node_meta(Event).fields
    assert fields["id"].converter is None
    assert isinstance(fields["at"].converter, DatetimeConverter)
    assert isinstance(fields["day"].converter, DateConverter)
    assert fields["color"].converter == EnumConverter(Color)
    assert fields["level"].converter == EnumConverter(Level)
    assert isinstance(fields["embedding"].converter, VectorConverter)
    assert fields["embedding"].converter.cypher_fn == "vecf32"
    assert isinstance(fields["where"].converter, GeoLocationConverter)
    assert fields["where"].converter.cypher_fn == "point"
    assert fields["tags"].converter is None
    assert DatetimeConverter.cypher_fn is None


def test_edge_fields_get_converters_too() -> None:
    class Visited(Edge, type="VISITED"):
        at: datetime

    assert isinstance(Visited.at.converter, DatetimeConverter)


def test_explicit_converter_wins_over_the_annotation() -> None:
    hexer = Hex()

    class Item(Node, labels=["Item"]):
        code: int = Field(default=0, converter=hexer)
        when: datetime = Field(default=None, converter=hexer)

    assert Item.code.converter is hexer
    assert Item.when.converter is hexer
    assert Item.code.converter.cypher_fn == "toHex"
    assert (hexer.to_graph(255), hexer.from_graph("0xff")) == ("0xff", 255)
    assert repr(hexer) == "Hex()"


def test_type_converter_is_abstract() -> None:
    with pytest.raises(TypeError, match=r"abstract"):
        TypeConverter()  # type: ignore[abstract]


# -- round trips ---------------------------------------------------------------------------


def test_datetime_converter_round_trip() -> None:
    conv = DatetimeConverter()
    naive = datetime(2024, 5, 6, 7, 8, 9, 123456)
    aware = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone(timedelta(hours=2)))
    assert conv.to_graph(naive) == "2024-05-06T07:08:09.123456"
    assert conv.to_graph(aware) == "2024-05-06T07:08:09+02:00"
    assert conv.from_graph("2024-05-06T07:08:09.123456") == naive
    back = conv.from_graph("2024-05-06T07:08:09+02:00")
    assert back == aware
    assert back.utcoffset() == timedelta(hours=2)
    assert conv.from_graph(naive) is naive
    assert conv.to_graph("2024-05-06 07:08:09") == "2024-05-06T07:08:09"
    utc = datetime(2024, 1, 1, tzinfo=UTC)
    assert conv.from_graph(utc.timestamp()).astimezone(UTC) == utc


def test_datetime_converter_errors() -> None:
    conv = DatetimeConverter()
    with pytest.raises(TypeError) as exc:
        conv.to_graph(date(2024, 1, 1))
    assert str(exc.value) == "expected datetime, got date: datetime.date(2024, 1, 1)"
    with pytest.raises(TypeError) as exc:
        conv.from_graph([1])
    assert str(exc.value) == "cannot read a datetime from [1]"
    with pytest.raises(ValueError, match=r"Invalid isoformat string: 'yesterday'"):
        conv.to_graph("yesterday")


def test_date_converter_round_trip() -> None:
    conv = DateConverter()
    assert conv.to_graph(date(2024, 2, 29)) == "2024-02-29"
    assert conv.to_graph(datetime(2024, 2, 29, 23, 59)) == "2024-02-29"
    assert conv.from_graph("2024-02-29") == date(2024, 2, 29)
    assert conv.from_graph("2024-02-29T10:00:00") == date(2024, 2, 29)
    assert conv.from_graph(datetime(2024, 2, 29, 1, 2)) == date(2024, 2, 29)
    assert type(conv.from_graph(datetime(2024, 2, 29, 1, 2))) is date
    with pytest.raises(TypeError) as exc:
        conv.to_graph("2024-02-29")
    assert str(exc.value) == "expected date, got str: '2024-02-29'"
    with pytest.raises(TypeError, match=r"^cannot read a date from 20240229$"):
        conv.from_graph(20240229)


def test_enum_converter_round_trip() -> None:
    conv = EnumConverter(Color)
    assert conv.to_graph(Color.BLUE) == "blue"
    assert conv.to_graph("red") == "red"
    assert conv.from_graph("blue") is Color.BLUE
    int_conv = EnumConverter(Level)
    assert int_conv.to_graph(Level.HIGH) == 2
    assert int_conv.from_graph(1) is Level.LOW
    with pytest.raises(ValueError, match=r"'green' is not a valid Color"):
        conv.to_graph("green")
    with pytest.raises(ValueError, match=r"'green' is not a valid Color"):
        conv.from_graph("green")


def test_vector_converter_round_trip() -> None:
    conv = VectorConverter()
    assert conv.to_graph(Vector([1, 2.5])) == [1.0, 2.5]
    assert conv.to_graph((1, 2)) == [1.0, 2.0]
    back = conv.from_graph([0.5, 1])
    assert type(back) is Vector
    assert back == [0.5, 1.0]
    with pytest.raises(TypeError) as exc:
        conv.to_graph(["a"])
    assert str(exc.value) == "expected a sequence of numbers for a Vector, got ['a']"
    with pytest.raises(TypeError, match=r"^expected a sequence of numbers for a Vector, got 3$"):
        conv.to_graph(3)


def test_geolocation_converter_round_trip() -> None:
    conv = GeoLocationConverter()
    here = GeoLocation(52.5, 13.4)
    assert conv.to_graph(here) == {"latitude": 52.5, "longitude": 13.4}
    assert conv.to_graph({"latitude": 1, "longitude": 2, "x": 0}) == {
        "latitude": 1.0,
        "longitude": 2.0,
    }
    assert conv.from_graph({"latitude": 52.5, "longitude": 13.4}) == here
    assert conv.from_graph(here) is here
    assert conv.from_graph(SimpleNamespace(latitude=1, longitude=2)) == GeoLocation(1.0, 2.0)
    # Bolt points: x is longitude, y is latitude
    assert conv.from_graph(SimpleNamespace(x=13.4, y=52.5)) == here
    with pytest.raises(TypeError) as exc:
        conv.to_graph((52.5, 13.4))
    assert str(exc.value) == "expected GeoLocation, got tuple: (52.5, 13.4)"
    with pytest.raises(TypeError, match=r"^cannot read a GeoLocation from 'Berlin'$"):
        conv.from_graph("Berlin")


def test_geolocation_validates_its_coordinates() -> None:
    assert GeoLocation(-90, 180) == GeoLocation(-90.0, 180.0)
    with pytest.raises(ValueError) as exc:
        GeoLocation(91, 0)
    assert str(exc.value) == "GeoLocation.latitude must be within +/-90.0, got 91"
    with pytest.raises(ValueError) as exc:
        GeoLocation(0, -181)
    assert str(exc.value) == "GeoLocation.longitude must be within +/-180.0, got -181"
    with pytest.raises(ValueError) as exc:
        GeoLocation(math.nan, 0)
    assert str(exc.value) == "GeoLocation.latitude must be within +/-90.0, got nan"
    with pytest.raises(TypeError, match=r"^GeoLocation\.latitude must be a number, got True$"):
        GeoLocation(True, 0)
    with pytest.raises(TypeError, match=r"^GeoLocation\.longitude must be a number, got '1'$"):
        GeoLocation(0, "1")  # type: ignore[arg-type]
