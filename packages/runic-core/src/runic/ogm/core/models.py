"""``Node`` and ``Edge``: the base classes of every model.

Subclassing collects the declared fields, validates labels and types, registers
the class in :data:`~runic.ogm.core.metadata.default_metadata`, and generates a
keyword-only ``__init__`` (typed through :func:`typing.dataclass_transform`).
"""

from __future__ import annotations

import inspect
import keyword
import re
import sys
import typing
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, dataclass_transform

from runic.ogm.core.awaitable import RESERVED_NODE_NAMES, AwaitableAttrs
from runic.ogm.core.descriptors import MISSING, Field, FieldDescriptor, Relation
from runic.ogm.core.metadata import EdgeMeta, NodeMeta, default_metadata
from runic.ogm.core.state import STATE_KEY, EntityState
from runic.ogm.core.types import converter_for_annotation, unwrap_optional
from runic.ogm.exceptions import MetadataError
from runic.ogm.identifiers import validate_identifier

__all__ = ["Edge", "Node", "complete_deferred"]

_MANY_ORIGINS = (list, set, frozenset, tuple)
# to-many annotation text: ``list[X]``, ``list[X] | None``, ``Optional[list[X]]``, ...
_MANY_PREFIX = re.compile(
    r"^\s*(?:(?:typing\.)?Optional\s*\[\s*)?(?:typing\.|collections\.abc\.)?"
    r"(list|List|Sequence|Iterable|set|Set|frozenset|FrozenSet|tuple|Tuple)\s*\["
)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_NOT_TARGET = {
    "list",
    "List",
    "Sequence",
    "Iterable",
    "set",
    "Set",
    "frozenset",
    "FrozenSet",
    "tuple",
    "Tuple",
    "Optional",
    "None",
    "typing",
    "Union",
    "typing.Optional",
    "typing.Union",
    "typing.List",
    "typing.Sequence",
    "typing.Iterable",
    "typing.Set",
    "typing.FrozenSet",
    "typing.Tuple",
    "collections.abc.Sequence",
    "collections.abc.Iterable",
}


class _Entity:
    """Shared machinery of Node and Edge (not public)."""

    __runic_meta__: ClassVar[Any]
    __runic_tracked__: ClassVar[frozenset[str]] = frozenset()
    __runic_deferred__: ClassVar[dict[str, Any]]

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name in type(self).__runic_tracked__:
            state: EntityState | None = self.__dict__.get(STATE_KEY)
            if state is not None:
                state.mark_changed(name)
                session = state.session
                if session is not None:
                    session.note_change(self)

    def __repr__(self) -> str:
        meta = type(self).__dict__.get("__runic_meta__")
        values = self.__dict__
        if meta is None:
            return f"{type(self).__name__}()"
        shown = ", ".join(f"{name}={values[name]!r}" for name in meta.fields if name in values)
        return f"{type(self).__name__}({shown})"


@dataclass_transform(kw_only_default=True, field_specifiers=(Field, Relation))
class Node(_Entity):
    """Base class of graph node models.

    Class keywords: ``labels=[...]`` (default: the parent's labels plus the class
    name, or just the class name), ``primary_label=`` (default: the first label;
    the label whose nodes share one primary-key space), ``abstract=True`` for a
    base class that is never stored itself.

    A subclass of a node class is a node with more labels: querying the parent
    returns instances of the most specific class for each node.
    """

    __runic_meta__: ClassVar[NodeMeta]

    def __init_subclass__(
        cls,
        *,
        labels: Sequence[str] | None = None,
        primary_label: str | None = None,
        abstract: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        _check_class_name(cls)
        fields, relations = _collect_fields(cls, allow_relations=True)
        if abstract:
            if labels is not None or primary_label is not None:
                raise MetadataError(f"{cls.__qualname__}: an abstract Node takes no labels")
            cls.__runic_abstract__ = True  # type: ignore[attr-defined]
            _install_init(cls, fields, relations)
            return
        cls.__runic_abstract__ = False  # type: ignore[attr-defined]
        label_tuple = _resolve_labels(cls, labels)
        if primary_label is None:
            parent = _concrete_parent(cls)
            primary_label = (
                parent.__runic_meta__.primary_label
                if parent is not None and parent.__runic_meta__.primary_label in label_tuple
                else label_tuple[0]
            )
        if primary_label not in label_tuple:
            raise MetadataError(
                f"{cls.__qualname__}: primary_label {primary_label!r} is not one of its "
                f"labels {list(label_tuple)}"
            )
        pk_name = _find_primary_key(cls, fields)
        meta = NodeMeta(
            cls=cls,
            labels=label_tuple,
            primary_label=primary_label,
            fields=fields,
            relations=relations,
            pk_field_name=pk_name,
            label_set=frozenset(label_tuple),
        )
        cls.__runic_meta__ = meta
        cls.__runic_tracked__ = frozenset((*fields, *relations))
        _install_init(cls, fields, relations)
        default_metadata.register_node(cls)

    @property
    def awaitable_attrs(self) -> AwaitableAttrs:
        """``await entity.awaitable_attrs.<relation>``: load it through the AsyncSession.

        Returns the relation (or field); a loaded one comes back without a query, an
        expired field is re-read, a detached entity raises DetachedEntityError.
        """
        return AwaitableAttrs(self)

    if typing.TYPE_CHECKING:  # the generated __init__ takes the declared fields

        def __init__(self, **kwargs: Any) -> None: ...


@dataclass_transform(kw_only_default=True, field_specifiers=(Field,))
class Edge(_Entity):
    """Base class of relationship property models: ``class Rated(Edge, type="RATED")``."""

    __runic_meta__: ClassVar[EdgeMeta]

    def __init_subclass__(cls, *, type: str | None = None, **kwargs: Any) -> None:  # noqa: A002
        super().__init_subclass__(**kwargs)
        _check_class_name(cls)
        fields, _ = _collect_fields(cls, allow_relations=False)
        edge_type = type
        if edge_type is None:
            parent_meta = getattr(cls, "__runic_meta__", None)
            if isinstance(parent_meta, EdgeMeta):
                edge_type = parent_meta.type
            else:
                raise MetadataError(
                    f"{cls.__qualname__}: an Edge needs a relationship type: class "
                    f'{cls.__name__}(Edge, type="RELATES_TO")'
                )
        validate_identifier(edge_type, f"relationship type of {cls.__qualname__}")
        cls.__runic_meta__ = EdgeMeta(cls=cls, type=edge_type, fields=fields)
        cls.__runic_tracked__ = frozenset(fields)
        _install_init(cls, fields, {})
        default_metadata.register_edge(cls)

    if typing.TYPE_CHECKING:

        def __init__(self, **kwargs: Any) -> None: ...


# -- class construction helpers --------------------------------------------------------


def _collect_fields(
    cls: type, *, allow_relations: bool
) -> tuple[dict[str, FieldDescriptor], dict[str, FieldDescriptor]]:
    """Gather inherited and own fields, turning bare annotations into fields."""
    fields: dict[str, FieldDescriptor] = {}
    relations: dict[str, FieldDescriptor] = {}
    for base in reversed(cls.__mro__[1:]):
        meta = base.__dict__.get("__runic_meta__")
        inherited = base.__dict__.get("__runic_declared__")
        if inherited is not None:
            for name, desc in inherited.items():
                (relations if desc.is_relation else fields)[name] = desc
        elif meta is not None:
            fields.update(meta.fields)
            relations.update(getattr(meta, "relations", {}))

    own: dict[str, FieldDescriptor] = {}
    deferred: dict[str, Any] = {}
    annotations: dict[str, Any] = inspect.get_annotations(cls)
    for name, annotation in annotations.items():
        if not isinstance(name, str):
            raise MetadataError(
                f"{cls.__qualname__}: annotation key {name!r} is not a string; "
                "field names must be Python identifiers"
            )
        if name.startswith("_") or _is_classvar(annotation):
            continue
        _check_python_name(cls, name)
        _check_not_reserved(cls, name, allow_relations)
        value = cls.__dict__.get(name, MISSING)
        if isinstance(value, FieldDescriptor):
            desc = value
        else:
            desc = FieldDescriptor(default=value)
            setattr(cls, name, desc)
            desc.__set_name__(cls, name)
        desc._check_declaration()
        desc.annotation = annotation
        if desc.is_relation and not allow_relations:
            raise MetadataError(f"{cls.__qualname__}.{name}: an Edge cannot declare a Relation")
        if not _apply_annotation(cls, desc):
            deferred[name] = annotation
        own[name] = desc
        fields.pop(name, None)
        relations.pop(name, None)
        (relations if desc.is_relation else fields)[name] = desc
    # descriptors assigned without an annotation are still fields
    for name, value in cls.__dict__.items():
        if isinstance(value, FieldDescriptor) and name not in own:
            if name.startswith("_"):
                raise MetadataError(
                    f"{cls.__qualname__}.{name}: field names must not start with an "
                    "underscore (those attributes are private to the class)"
                )
            _check_python_name(cls, name)
            _check_not_reserved(cls, name, allow_relations)
            value._check_declaration()
            if value.is_relation and not allow_relations:
                raise MetadataError(f"{cls.__qualname__}.{name}: an Edge cannot declare a Relation")
            own[name] = value
            (relations if value.is_relation else fields)[name] = value
    cls.__runic_declared__ = own  # type: ignore[attr-defined]
    cls.__runic_deferred__ = deferred  # type: ignore[attr-defined]
    return fields, relations


def _check_python_name(cls: type, name: object) -> None:
    """Refuse a field name that is not a plain Python identifier.

    Field names become keyword parameters of the generated ``__init__`` (compiled
    source), so anything else could inject code. A graph property whose name is not
    an identifier is declared with ``Field(name="...")`` under an identifier.
    """
    if isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name):
        return
    raise MetadataError(
        f"{cls.__qualname__}: field name {name!r} is not a Python identifier (letters, "
        "digits and underscores, not starting with a digit, not a keyword); to store a "
        "graph property under that name, declare the field under an identifier and pass "
        f"the graph name explicitly, e.g. my_field: str = Field(name={name!r})"
    )


def _check_not_reserved(cls: type, name: str, node: bool) -> None:
    """Refuse a Node field shadowing an attribute of the Node base."""
    if node and name in RESERVED_NODE_NAMES:
        raise MetadataError(
            f"{cls.__qualname__}.{name}: {name!r} is reserved (Node.{name}, "
            f"await entity.{name}.<relation>); name the field otherwise and, to keep "
            f"the graph property's name, declare it with Field(name={name!r})"
        )


def _check_class_name(cls: type) -> None:
    name = cls.__name__
    if not (isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name)):
        raise MetadataError(
            f"model class name {name!r} is not a Python identifier; name the class with "
            "an identifier and give the graph label explicitly with labels=[...]"
        )


def _is_classvar(annotation: Any) -> bool:
    if isinstance(annotation, str):
        return annotation.startswith(("ClassVar", "typing.ClassVar"))
    return annotation is ClassVar or typing.get_origin(annotation) is ClassVar


def _evaluate(cls: type, annotation: Any) -> Any:
    """Evaluate a string annotation in the class's module; raise NameError if unresolvable."""
    if not isinstance(annotation, str):
        return annotation
    module = sys.modules.get(cls.__module__)
    globalns = dict(vars(module)) if module is not None else {}
    localns: dict[str, Any] = {cls.__name__: cls}
    return eval(annotation, globalns, localns)  # noqa: S307 - annotations are the model author's code


def _apply_annotation(cls: type, desc: FieldDescriptor) -> bool:
    """Derive converter / many / target from the annotation; False if it must wait."""
    try:
        evaluated = _evaluate(cls, desc.annotation)
    except Exception:  # noqa: BLE001 - forward reference not defined yet
        if desc.is_relation:
            text = str(desc.annotation)
            desc.many = bool(_MANY_PREFIX.match(text))
            if desc.target is None:
                names = [n for n in _NAME.findall(text) if n not in _NOT_TARGET]
                if len(names) == 1:
                    desc.target = names[0]
        return False
    desc.python_type = unwrap_optional(evaluated)
    if desc.is_relation:
        inner = desc.python_type
        origin = typing.get_origin(inner)
        desc.many = origin in _MANY_ORIGINS or (
            origin is not None and getattr(origin, "__name__", "") in ("Sequence", "Iterable")
        )
        if desc.many and typing.get_args(inner):
            inner = unwrap_optional(typing.get_args(inner)[0])
        if desc.target is None:
            if isinstance(inner, typing.ForwardRef):
                desc.target = inner.__forward_arg__
            elif isinstance(inner, (str, type)):
                desc.target = inner
        return True
    if desc.explicit_converter is None:
        desc.converter = converter_for_annotation(evaluated)
    return True


def complete_deferred(cls: type) -> None:
    """Retry annotations that could not be evaluated when ``cls`` was defined."""
    deferred: dict[str, Any] = cls.__dict__.get("__runic_deferred__", {})
    for name in list(deferred):
        desc = cls.__dict__[name]
        if _apply_annotation(cls, desc):
            del deferred[name]
        elif not desc.is_relation:
            raise MetadataError(
                f"{cls.__qualname__}.{name}: cannot evaluate annotation {deferred[name]!r}"
            )


def _concrete_parent(cls: type) -> type[Node] | None:
    for base in cls.__mro__[1:]:
        meta = base.__dict__.get("__runic_meta__")
        if isinstance(meta, NodeMeta):
            return meta.cls
    return None


def _resolve_labels(cls: type, labels: Sequence[str] | None) -> tuple[str, ...]:
    if labels is None:
        parent = _concrete_parent(cls)
        inherited = parent.__runic_meta__.labels if parent is not None else ()
        labels = (*inherited, cls.__name__)
    if isinstance(labels, str):
        raise MetadataError(
            f"{cls.__qualname__}: labels must be a list of strings, e.g. labels=[{labels!r}]"
        )
    result = tuple(dict.fromkeys(labels))
    if not result:
        raise MetadataError(f"{cls.__qualname__}: labels must not be empty")
    for label in result:
        validate_identifier(label, f"label of {cls.__qualname__}")
    return result


def _find_primary_key(cls: type, fields: dict[str, FieldDescriptor]) -> str | None:
    marked = [name for name, desc in fields.items() if desc.primary_key]
    if len(marked) > 1:
        raise MetadataError(
            f"{cls.__qualname__} marks several primary keys ({', '.join(marked)}); "
            "mark exactly one field with primary_key=True"
        )
    if marked:
        return marked[0]
    if "id" in fields:
        return "id"
    return None


def _relation_default(desc: FieldDescriptor) -> Callable[[], Any]:
    if desc.has_default:
        return desc.make_default

    def empty() -> Any:
        # read ``many`` per call: a deferred annotation may settle it after class creation
        return [] if desc.many else None

    return empty


def _install_init(
    cls: type,
    fields: dict[str, FieldDescriptor],
    relations: dict[str, FieldDescriptor],
) -> None:
    """Generate ``cls.__init__`` taking every init field as a keyword argument."""
    if "__init__" in cls.__dict__:
        return  # the model author wrote their own
    for name in (*fields, *relations):
        # every name is pasted into the generated source below: identifiers only
        _check_python_name(cls, name)
    positional: list[str] = []
    keyword: list[str] = []
    lines: list[str] = []
    env: dict[str, Any] = {
        "_M": MISSING,
        "_cls": cls,
        "_missing": _raise_missing,
        "_unexpected": _raise_unexpected,
        "_known": (*fields, *relations),
    }
    required: list[str] = []
    seen_default = False
    for name, desc in fields.items():
        if not desc.init:
            if desc.has_default:
                env[f"_d_{name}"] = desc.make_default
                lines.append(f"    _d[{name!r}] = _d_{name}()")
            elif desc.generated or desc.primary_key:
                lines.append(f"    _d[{name!r}] = None")
            continue
        has_default = desc.has_default or desc.generated
        if not desc.kw_only:
            if seen_default and not has_default:
                raise TypeError(
                    f"{cls.__qualname__}: positional field {name!r} without a default "
                    "follows a positional field with a default"
                )
            seen_default = seen_default or has_default
            positional.append(f"{name}=_M")
        else:
            keyword.append(f"{name}=_M")
        if has_default:
            if desc.has_default:
                env[f"_d_{name}"] = desc.make_default
                lines.append(f"    _d[{name!r}] = _d_{name}() if {name} is _M else {name}")
            else:
                lines.append(f"    _d[{name!r}] = None if {name} is _M else {name}")
        else:
            required.append(name)
            lines.append(f"    _d[{name!r}] = {name}")
    for name, desc in relations.items():
        env[f"_d_{name}"] = _relation_default(desc)
        if desc.init:
            keyword.append(f"{name}=_M")
            lines.append(f"    _d[{name!r}] = _d_{name}() if {name} is _M else {name}")
        else:
            lines.append(f"    _d[{name!r}] = _d_{name}()")
    # Local names start with "_": such names are never fields, so a field called
    # "self" or "d" cannot collide with them.
    params = ["_self", *positional]
    if keyword:
        params.append("*")
        params.extend(keyword)
    params.append("**_extra")
    body = ["    if _extra: _unexpected(_cls, _extra, _known)"]
    if required:
        checks = " or ".join(f"{name} is _M" for name in required)
        names = ", ".join(required)
        body.append(f"    if {checks}: _missing(_cls, ({names},), {tuple(required)!r})")
    body.append("    _d = _self.__dict__")
    body.extend(lines)
    source = f"def __init__({', '.join(params)}):\n" + "\n".join(body) + "\n"
    namespace: dict[str, Any] = {}
    exec(source, env, namespace)  # noqa: S102 - names checked by _check_python_name; values via env
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__code__ = init.__code__.replace(co_qualname=init.__qualname__)
    init.__module__ = cls.__module__
    init.__doc__ = f"Create a {cls.__name__}; every field is a keyword argument."
    cls.__init__ = init  # type: ignore[misc]


def _raise_missing(cls: type, values: tuple[Any, ...], names: tuple[str, ...]) -> None:
    missing = [n for n, v in zip(names, values, strict=True) if v is MISSING]
    plural = "s" if len(missing) > 1 else ""
    raise TypeError(
        f"{cls.__qualname__}() missing required field{plural}: "
        + ", ".join(repr(n) for n in missing)
    )


def _raise_unexpected(cls: type, extra: dict[str, Any], known: tuple[str, ...]) -> None:
    names = ", ".join(repr(n) for n in extra)
    raise TypeError(
        f"{cls.__qualname__}() got unexpected field{'s' if len(extra) > 1 else ''} {names}; "
        f"its fields are: {', '.join(known) or '(none)'}"
    )
