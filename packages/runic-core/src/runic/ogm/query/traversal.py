"""A pending traversal: ``stmt.traverse(User.friends)`` waits for ``.alias("f")``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from runic.ogm.exceptions import InvalidIdentifierError
from runic.ogm.query.ir import PathLength
from runic.ogm.query.names import check_alias

if TYPE_CHECKING:
    from runic.ogm.core.descriptors import FieldDescriptor
    from runic.ogm.query.builder import SelectBase

__all__ = ["TraversalStep"]

S = TypeVar("S", bound="SelectBase[Any]")


class TraversalStep(Generic[S]):
    """One hop (or a variable-length repeat) not yet added to the statement.

    :meth:`alias` names the target node and returns the extended statement (of the
    class that started the traversal: a bound query stays bound). Any
    other statement method called on the step (``.where``, ``.aggregate``, ...)
    first completes it with a generated alias (the relation's name when free).
    """

    __slots__ = ("_edge_alias", "_field", "_length", "_optional", "_source", "_statement")

    def __init__(
        self,
        statement: S,
        field: FieldDescriptor,
        source_alias: str,
        *,
        edge_alias: str | None,
        optional: bool,
        length: PathLength | None,
    ) -> None:
        self._statement = statement
        self._field = field
        self._source = source_alias
        self._edge_alias = edge_alias
        self._optional = optional
        self._length = length

    @property
    def source_alias(self) -> str:
        """The variable the traversal starts from."""
        return self._source

    def alias(self, name: str) -> S:
        """Name the target node; return the statement with the traversal added."""
        return self._statement._add_traversal(
            self._field,
            self._source,
            name,
            edge_alias=self._edge_alias,
            optional=self._optional,
            length=self._length,
        )

    @property
    def statement(self) -> S:
        """The statement with this step added under a generated alias."""
        return self.alias(self._default_alias())

    def _default_alias(self) -> str:
        used = self._statement.aliases
        taken = set(used) | {self._edge_alias}
        try:
            candidate = check_alias(self._field.name)
        except InvalidIdentifierError:
            candidate = ""
        if candidate and candidate not in taken:
            return candidate
        n = 1
        while f"t{n}" in taken:
            n += 1
        return f"t{n}"

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("_"):
            raise AttributeError(attr)
        return getattr(self.statement, attr)

    def __repr__(self) -> str:
        return f"<TraversalStep {self._source} -> {self._field!r} (call .alias(name))>"
