"""Type converters: how Python values are stored in the graph and read back.

A converter is chosen from a field's annotation (``datetime``, ``date``, ``Enum``
subclasses, :class:`Vector`, :class:`GeoLocation`), unless the field names one
explicitly with ``converter=``. ``cypher_fn`` names a function the dialect may wrap
around the parameter when writing (``vecf32($p)``, ``point($p)``); each dialect
decides whether its backend has that function.
"""

from __future__ import annotations

import enum
import math
import types
import typing
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

__all__ = [
    "DateConverter",
    "DatetimeConverter",
    "EnumConverter",
    "GeoLocation",
    "GeoLocationConverter",
    "TypeConverter",
    "Vector",
    "VectorConverter",
    "converter_for_annotation",
    "unwrap_optional",
]


class TypeConverter(ABC):
    """Encode a Python value for the graph and decode it back.

    Subclasses implement :meth:`to_graph` and :meth:`from_graph`; both are called
    with non-``None`` values only. Set ``cypher_fn`` to name a Cypher function the
    dialect wraps around the parameter reference when writing.
    """

    cypher_fn: ClassVar[str | None] = None

    @abstractmethod
    def to_graph(self, value: Any) -> Any:
        """Return the value to send to the graph."""

    @abstractmethod
    def from_graph(self, value: Any) -> Any:
        """Return the Python value for a value read from the graph."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class DatetimeConverter(TypeConverter):
    """``datetime`` <-> ISO-8601 string (timezone kept when the value has one)."""

    def to_graph(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, str):
            return datetime.fromisoformat(value).isoformat()
        raise TypeError(f"expected datetime, got {type(value).__name__}: {value!r}")

    def from_graph(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return value
        if isinstance(value, str):
            return datetime.fromisoformat(value)
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(value)
        raise TypeError(f"cannot read a datetime from {value!r}")


class DateConverter(TypeConverter):
    """``date`` <-> ISO-8601 string ``YYYY-MM-DD``."""

    def to_graph(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        raise TypeError(f"expected date, got {type(value).__name__}: {value!r}")

    def from_graph(self, value: Any) -> Any:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            return date.fromisoformat(value[:10])
        raise TypeError(f"cannot read a date from {value!r}")


class EnumConverter(TypeConverter):
    """Enum member <-> its ``.value``."""

    def __init__(self, enum_class: type[enum.Enum]) -> None:
        self.enum_class = enum_class

    def to_graph(self, value: Any) -> Any:
        if isinstance(value, self.enum_class):
            return value.value
        # Accept the raw value too, but only if it names a member.
        return self.enum_class(value).value

    def from_graph(self, value: Any) -> Any:
        return self.enum_class(value)

    def __repr__(self) -> str:
        return f"EnumConverter({self.enum_class.__name__})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EnumConverter) and other.enum_class is self.enum_class

    def __hash__(self) -> int:
        return hash((EnumConverter, self.enum_class))


class Vector(list[float]):
    """A list of floats stored as a graph vector (``vecf32`` on FalkorDB)."""


class VectorConverter(TypeConverter):
    """:class:`Vector` <-> list of floats; written through ``vecf32()`` where available."""

    cypher_fn = "vecf32"

    def to_graph(self, value: Any) -> Any:
        try:
            return [float(x) for x in value]
        except (TypeError, ValueError) as exc:
            raise TypeError(f"expected a sequence of numbers for a Vector, got {value!r}") from exc

    def from_graph(self, value: Any) -> Any:
        return Vector(float(x) for x in value)


@dataclass(frozen=True, slots=True)
class GeoLocation:
    """A point on Earth in degrees (WGS-84)."""

    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        for name, bound in (("latitude", 90.0), ("longitude", 180.0)):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise TypeError(f"GeoLocation.{name} must be a number, got {value!r}")
            if math.isnan(value) or not -bound <= value <= bound:
                raise ValueError(f"GeoLocation.{name} must be within +/-{bound}, got {value!r}")


class GeoLocationConverter(TypeConverter):
    """:class:`GeoLocation` <-> ``{"latitude": .., "longitude": ..}``; ``point()`` if available."""

    cypher_fn = "point"

    def to_graph(self, value: Any) -> Any:
        if isinstance(value, GeoLocation):
            return {"latitude": float(value.latitude), "longitude": float(value.longitude)}
        if isinstance(value, dict) and {"latitude", "longitude"} <= value.keys():
            return {"latitude": float(value["latitude"]), "longitude": float(value["longitude"])}
        raise TypeError(f"expected GeoLocation, got {type(value).__name__}: {value!r}")

    def from_graph(self, value: Any) -> Any:
        if isinstance(value, GeoLocation):
            return value
        if isinstance(value, dict):
            return GeoLocation(float(value["latitude"]), float(value["longitude"]))
        lat = getattr(value, "latitude", None)
        lon = getattr(value, "longitude", None)
        if lat is None or lon is None:
            # Bolt spatial points expose x (longitude) / y (latitude).
            lon, lat = getattr(value, "x", None), getattr(value, "y", None)
        if lat is None or lon is None:
            raise TypeError(f"cannot read a GeoLocation from {value!r}")
        return GeoLocation(float(lat), float(lon))


_DATETIME = DatetimeConverter()
_DATE = DateConverter()
_VECTOR = VectorConverter()
_GEO = GeoLocationConverter()


def unwrap_optional(annotation: Any) -> Any:
    """Strip ``Annotated[...]`` and ``X | None`` down to ``X`` (if one type remains)."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return unwrap_optional(args[0])
    return annotation


def converter_for_annotation(annotation: Any) -> TypeConverter | None:
    """Return the built-in converter for an evaluated annotation, or ``None``."""
    tp = unwrap_optional(annotation)
    if not isinstance(tp, type):
        return None
    if issubclass(tp, datetime):
        return _DATETIME
    if issubclass(tp, date):
        return _DATE
    if issubclass(tp, enum.Enum):
        return EnumConverter(tp)
    if issubclass(tp, Vector):
        return _VECTOR
    if issubclass(tp, GeoLocation):
        return _GEO
    return None
