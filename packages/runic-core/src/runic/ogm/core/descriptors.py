"""``Field()`` and ``Relation()``: the declarations that make up a model.

Both return a :class:`FieldDescriptor`. Accessed on the class (``Person.name``)
the descriptor returns itself and builds query expressions with its operators;
accessed on an instance, values live in the instance ``__dict__`` so reads cost a
plain attribute look-up. The descriptor only runs for a value that is absent: an
expired field or a relation that was never loaded, which it loads through the
entity's session (or reports why it cannot).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from runic.ogm.core.types import TypeConverter
from runic.ogm.exceptions import MetadataError
from runic.ogm.identifiers import validate_identifier
from runic.ogm.query.expressions import FieldExpressions

if TYPE_CHECKING:
    from runic.ogm.core.models import Edge, Node

__all__ = ["MISSING", "Direction", "Field", "FieldDescriptor", "IndexType", "Relation"]

Direction = Literal["OUTGOING", "INCOMING", "BOTH"]
IndexType = Literal["FULLTEXT", "VECTOR"]

_DIRECTIONS = ("OUTGOING", "INCOMING", "BOTH")
_INDEX_TYPES = ("FULLTEXT", "VECTOR")
_SIMILARITIES = ("cosine", "euclidean")
_IMMUTABLE_DEFAULTS = (type(None), bool, int, float, complex, str, bytes, tuple, frozenset)


_eager_declared = False


def eager_relations_declared() -> bool:
    """Whether any relation with ``lazy=False`` was declared in this process (until then
    no read needs to look for eager relations to load)."""
    return _eager_declared


class _Missing:
    """Sentinel type for "no default given"."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()
"""The "no default given" sentinel of ``Field()`` / ``Relation()`` (falsy, one instance)."""


class FieldDescriptor(FieldExpressions):
    """The descriptor behind every ``Field()`` and ``Relation()`` declaration."""

    __hash__ = object.__hash__

    def __init__(
        self,
        *,
        default: Any = MISSING,
        default_factory: Callable[[], Any] | None = None,
        init: bool = True,
        kw_only: bool = True,
        index: bool = False,
        index_type: IndexType | None = None,
        unique: bool = False,
        required: bool = False,
        primary_key: bool = False,
        relationship: str | None = None,
        direction: Direction | None = None,
        target: type[Node] | str | None = None,
        edge_model: type[Edge] | None = None,
        cascade: bool = False,
        lazy: bool = True,
        converter: TypeConverter | None = None,
        generated: bool = False,
        interned: bool = False,
        name: str | None = None,
        vector_dimension: int | None = None,
        similarity: str | None = None,
    ) -> None:
        if default is not MISSING and default_factory is not None:
            raise ValueError("Field() takes default or default_factory, not both")
        if index_type is not None and index_type not in _INDEX_TYPES:
            raise ValueError(f"index_type must be one of {_INDEX_TYPES}, got {index_type!r}")
        _check_vector_options(index_type, vector_dimension, similarity)
        if converter is not None and not isinstance(converter, TypeConverter):
            raise TypeError(f"converter must be a TypeConverter instance, got {converter!r}")
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.kw_only = kw_only
        self.index = index
        self.index_type: IndexType | None = index_type
        self.unique = unique
        self.required = required
        self.primary_key = primary_key
        self.relationship = relationship
        self.direction: Direction | None = direction
        self.target: type[Node] | str | None = target
        self.edge_model = edge_model
        self.cascade = cascade
        self.lazy = lazy
        if not lazy:
            global _eager_declared
            _eager_declared = True
        self.explicit_converter = converter
        self.converter: TypeConverter | None = converter
        self.generated = generated
        self.interned = interned
        self.is_relation = relationship is not None
        if name is not None and self.is_relation:
            raise ValueError("Relation() takes no name=: only property fields have one")
        self.explicit_graph_name = name
        #: vector index options (``index_type="VECTOR"`` only)
        self.vector_dimension = vector_dimension
        self.similarity = similarity
        # Filled in by __set_name__ and the model machinery.
        self.name: str = ""
        #: the property's name in the graph: ``Field(name=...)``, else the attribute name
        self.graph_name: str = name or ""
        self.owner: type = object
        self.annotation: Any = None
        self.python_type: Any = None
        self.many = False
        self._resolved_target: type[Node] | None = None

    # -- declaration ------------------------------------------------------------------

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.owner = owner
        if self.explicit_graph_name is None:
            self.graph_name = name

    def _check_declaration(self) -> None:
        """Validate names and options; called by the model machinery at class creation.

        Not done in ``__set_name__``: Python 3.11 wraps exceptions raised there in a
        ``RuntimeError``, which would hide the runic error from the model author.
        """
        owner, name = self.owner, self.name
        if self.is_relation:
            validate_identifier(self.relationship, f"relationship type of {owner.__name__}.{name}")
            if self.direction not in _DIRECTIONS:
                raise MetadataError(
                    f"{owner.__name__}.{name}: direction must be one of "
                    f"{', '.join(_DIRECTIONS)}, got {self.direction!r}"
                )
            edge_meta = getattr(self.edge_model, "__runic_meta__", None)
            if self.edge_model is not None and getattr(edge_meta, "type", None) != (
                self.relationship
            ):
                raise MetadataError(
                    f"{owner.__name__}.{name}: edge_model "
                    f"{getattr(self.edge_model, '__name__', self.edge_model)!s} is for "
                    f"relationship type {getattr(edge_meta, 'type', None)!r}, but the relation "
                    f"is {self.relationship!r}; use an Edge class declared with "
                    f"type={self.relationship!r}"
                )
        else:
            validate_identifier(self.graph_name, f"property name {owner.__name__}.{name}")

    @property
    def has_default(self) -> bool:
        """True when the field can be left out of ``__init__``."""
        return self.default is not MISSING or self.default_factory is not None

    def make_default(self) -> Any:
        """Return a fresh default value (mutable defaults are copied per instance)."""
        if self.default_factory is not None:
            return self.default_factory()
        value = self.default
        if isinstance(value, _IMMUTABLE_DEFAULTS):
            return value
        return copy.deepcopy(value)

    def resolve_target(self) -> type[Node]:
        """Return the relation's target class, resolving a string forward reference."""
        if self._resolved_target is not None:
            return self._resolved_target
        if not self.is_relation:
            raise MetadataError(f"{self.qualname} is a property field, not a relation")
        from runic.ogm.core.metadata import default_metadata

        target = self.target
        if isinstance(target, str):
            resolved = default_metadata.resolve_target(target, context=self.owner)
        elif isinstance(target, type):
            resolved = target
        else:
            raise MetadataError(f"{self.qualname}: Relation() needs target=")
        from runic.ogm.core.models import Node

        if not issubclass(resolved, Node):
            raise MetadataError(
                f"{self.qualname}: target {resolved.__name__} is not a Node subclass"
            )
        self._resolved_target = resolved
        return resolved

    @property
    def qualname(self) -> str:
        """``Owner.field`` for error messages."""
        return f"{getattr(self.owner, '__name__', '?')}.{self.name}"

    # -- instance access --------------------------------------------------------------

    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        # The value is absent from the instance dict: an expired field or an
        # unloaded relation. Ask the entity's session to load it.
        from runic.ogm.core.state import load_missing_attribute

        return load_missing_attribute(instance, self)

    def __repr__(self) -> str:
        kind = "Relation" if self.is_relation else "Field"
        return f"<{kind} {self.qualname}>"


def Field(  # noqa: N802 - public API spelled like a class, as in the seeds
    *,
    default: Any = MISSING,
    default_factory: Callable[[], Any] | None = None,
    init: bool = True,
    kw_only: bool = True,
    index: bool = False,
    index_type: IndexType | None = None,
    unique: bool = False,
    required: bool = False,
    primary_key: bool = False,
    converter: TypeConverter | None = None,
    generated: bool = False,
    interned: bool = False,
    name: str | None = None,
    vector_dimension: int | None = None,
    similarity: str | None = None,
) -> Any:
    """Declare a property of a Node or Edge.

    ``primary_key`` marks the identity field (a field named ``id`` is the primary
    key when none is marked); ``generated`` lets the database assign it;
    ``index``/``unique``/``index_type`` declare indexes; ``interned`` stores the
    string through FalkorDB's ``intern()``; ``converter`` overrides the converter
    chosen from the annotation; ``required`` forbids ``None`` at flush.
    ``name`` stores the property in the graph under another name than the
    attribute (``first_name: str = Field(name="first name")``): the graph name is
    backtick-escaped wherever it is rendered, so it may be any printable text
    without a backtick; the attribute name must be a Python identifier.
    ``vector_dimension`` and ``similarity`` (``"cosine"`` or ``"euclidean"``) are
    the options of the vector index an ``index_type="VECTOR"`` field declares
    (created by ``runic.migrate.SchemaManager.sync_schema``).
    """
    return FieldDescriptor(
        default=default,
        default_factory=default_factory,
        init=init,
        kw_only=kw_only,
        index=index,
        index_type=index_type,
        unique=unique,
        required=required,
        primary_key=primary_key,
        converter=converter,
        generated=generated,
        interned=interned,
        name=name,
        vector_dimension=vector_dimension,
        similarity=similarity,
    )


def _check_vector_options(index_type: str | None, dimension: object, similarity: object) -> None:
    """Refuse vector index options on a non-vector field or with bad values."""
    if dimension is None and similarity is None:
        return
    if index_type != "VECTOR":
        raise ValueError(
            "Field(vector_dimension=, similarity=) are options of a vector index: "
            f"add index_type='VECTOR' (got index_type={index_type!r})"
        )
    if dimension is not None and (
        isinstance(dimension, bool) or not isinstance(dimension, int) or dimension < 1
    ):
        raise ValueError(f"Field(vector_dimension=) must be an integer >= 1, got {dimension!r}")
    if similarity is not None and similarity not in _SIMILARITIES:
        raise ValueError(
            f"Field(similarity=) must be one of {', '.join(_SIMILARITIES)}, got {similarity!r}"
        )


def Relation(  # noqa: N802
    *,
    relationship: str,
    direction: Direction = "OUTGOING",
    target: type[Node] | str | None = None,
    edge_model: type[Edge] | None = None,
    cascade: bool = True,
    lazy: bool = True,
    default: Any = MISSING,
    default_factory: Callable[[], Any] | None = None,
    init: bool = True,
) -> Any:
    """Declare a relationship of a Node to other nodes.

    ``target`` is the other end's class or its name (a forward reference resolved
    by ``MetaData.finalize()`` or on first use); without it the target is taken
    from the annotation. A ``list[...]`` annotation makes a to-many relation.
    ``edge_model`` names the Edge class holding the relationship's properties;
    ``cascade`` (default ``True``) adds transient entities assigned to the relation
    to the session at flush; with ``cascade=False`` such a target is an error until
    it is ``add()``-ed. ``lazy=False`` loads the relation with its owner.
    """
    return FieldDescriptor(
        relationship=relationship,
        direction=direction,
        target=target,
        edge_model=edge_model,
        cascade=cascade,
        lazy=lazy,
        default=default,
        default_factory=default_factory,
        init=init,
    )
