"""The model registry: every Node and Edge class, looked up by labels, type or name."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from runic.ogm.exceptions import MetadataError

if TYPE_CHECKING:
    from runic.ogm.core.descriptors import FieldDescriptor
    from runic.ogm.core.models import Edge, Node

__all__ = [
    "EdgeMeta",
    "MetaData",
    "NodeMeta",
    "default_metadata",
    "edge_meta",
    "node_meta",
]


@dataclass(eq=False)
class NodeMeta:
    """What runic knows about one Node class."""

    cls: type[Node]
    labels: tuple[str, ...]
    primary_label: str
    fields: dict[str, FieldDescriptor]
    relations: dict[str, FieldDescriptor] = field(default_factory=dict)
    pk_field_name: str | None = None
    #: ``frozenset(labels)``: the registry key of the class
    label_set: frozenset[str] = frozenset()

    @property
    def pk(self) -> FieldDescriptor | None:
        """The primary-key descriptor, if the class has one."""
        return self.fields[self.pk_field_name] if self.pk_field_name else None


@dataclass(eq=False)
class EdgeMeta:
    """What runic knows about one Edge class."""

    cls: type[Edge]
    type: str
    fields: dict[str, FieldDescriptor]


@dataclass(frozen=True)
class _MetaSnapshot:
    nodes: dict[frozenset[str], type[Node]]
    edges: dict[str, type[Edge]]
    by_name: dict[str, list[type[Any]]]


class MetaData:
    """Registry of every Node and Edge subclass.

    Classes register themselves when they are defined. Look-ups by label set and
    by edge type are dictionary look-ups; a node whose labels match no class
    exactly is resolved once to its most specific registered class and cached.
    """

    def __init__(self) -> None:
        self._nodes: dict[frozenset[str], type[Node]] = {}
        self._edges: dict[str, type[Edge]] = {}
        self._by_name: dict[str, list[type[Any]]] = {}
        self._fallback: dict[frozenset[str], type[Node] | None] = {}
        self._fallback_within: dict[tuple[frozenset[str], type], type[Node] | None] = {}
        #: look-ups derived from the registry that other layers cache (the session's
        #: labels -> class plans); emptied in place whenever the registry changes
        self.derived: dict[Any, Any] = {}

    # -- registration -----------------------------------------------------------------

    def register_node(self, cls: type[Node]) -> None:
        """Register a Node subclass (called when the class is defined)."""
        meta: NodeMeta = cls.__runic_meta__
        key = meta.label_set
        existing = self._nodes.get(key)
        if existing is not None and existing is not cls:
            if _same_definition(existing, cls):
                # A module imported twice (or a class redefined in a REPL or test):
                # the newest definition wins.
                self._forget_name(existing)
            else:
                raise MetadataError(
                    f"labels {sorted(key)} of {_qual(cls)} are already used by "
                    f"{_qual(existing)}; give one of them a different label set"
                )
        self._nodes[key] = cls
        self._add_name(cls)
        self._fallback.clear()
        self._fallback_within.clear()
        self.derived.clear()

    def register_edge(self, cls: type[Edge]) -> None:
        """Register an Edge subclass (called when the class is defined)."""
        meta: EdgeMeta = cls.__runic_meta__
        existing = self._edges.get(meta.type)
        if existing is not None and existing is not cls:
            if _same_definition(existing, cls):
                self._forget_name(existing)
            else:
                raise MetadataError(
                    f"edge type {meta.type!r} of {_qual(cls)} is already used by "
                    f"{_qual(existing)}; one Edge class per relationship type"
                )
        self._edges[meta.type] = cls
        self._add_name(cls)

    def _add_name(self, cls: type[Any]) -> None:
        for key in (cls.__name__, f"{cls.__module__}.{cls.__qualname__}"):
            bucket = self._by_name.setdefault(key, [])
            if cls not in bucket:
                bucket.append(cls)

    def _forget_name(self, cls: type[Any]) -> None:
        for key in (cls.__name__, f"{cls.__module__}.{cls.__qualname__}"):
            bucket = self._by_name.get(key, [])
            if cls in bucket:
                bucket.remove(cls)

    # -- look-ups ---------------------------------------------------------------------

    def resolve_target(self, target: str, context: type | None = None) -> type[Any]:
        """Resolve a forward reference (``"Person"`` or ``"pkg.models.Person"``)."""
        candidates = self._by_name.get(target, [])
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            where = f" (referenced from {_qual(context)})" if context is not None else ""
            raise MetadataError(
                f"unknown model {target!r}{where}{self._did_you_mean(target)}; define or "
                f"import it before use, or call {self._finalize_call()} after importing "
                "every model module to check every relation target at start-up"
            )
        if context is not None:
            same_module = [c for c in candidates if c.__module__ == context.__module__]
            if len(same_module) == 1:
                return same_module[0]
        names = ", ".join(_qual(c) for c in candidates)
        raise MetadataError(
            f"model name {target!r} is ambiguous ({names}); use the qualified name or the class"
        )

    def _did_you_mean(self, target: str) -> str:
        """``; did you mean 'Company'?`` for a close registered name, else ``""``."""
        qualified = "." in target
        names = [
            name for name, bucket in self._by_name.items() if bucket and ("." in name) == qualified
        ]
        close = difflib.get_close_matches(target, names, n=1, cutoff=0.6)
        if not close:
            lowered = {name.lower(): name for name in names}
            close = [lowered[target.lower()]] if target.lower() in lowered else []
        return f"; did you mean {close[0]!r}?" if close else ""

    def _finalize_call(self) -> str:
        """How to call :meth:`finalize` on this registry, as the user would write it."""
        if self is default_metadata:
            return "runic.ogm.metadata.finalize() (from runic.ogm import metadata)"
        return "finalize() on the MetaData instance the models registered with"

    def node_class_for_labels(
        self, labels: Iterable[str], base: type[Node] | None = None
    ) -> type[Node] | None:
        """Return the Node class for a node's labels.

        An exact label-set match is one dictionary look-up. Otherwise the most
        specific registered class whose labels are all present wins (computed
        once per label set and cached). With ``base``, only ``base`` and its
        subclasses qualify, and ``base`` is the answer when none matches better.
        """
        key = labels if isinstance(labels, frozenset) else frozenset(labels)
        cls = self._nodes.get(key)
        if cls is None:
            if key in self._fallback:
                cls = self._fallback[key]
            else:
                self._fallback[key] = cls = self._most_specific(key, None)
        if base is not None and (cls is None or not issubclass(cls, base)):
            # the overall best match is outside ``base``: find the best one inside it
            within = (key, base)
            if within in self._fallback_within:
                cls = self._fallback_within[within]
            else:
                self._fallback_within[within] = cls = self._most_specific(key, base)
            return cls if cls is not None else base
        return cls

    def _most_specific(self, key: frozenset[str], base: type | None) -> type[Node] | None:
        best: type[Node] | None = None
        best_size = 0
        for label_set, candidate in self._nodes.items():
            if (
                label_set <= key
                and len(label_set) > best_size
                and (base is None or issubclass(candidate, base))
            ):
                best, best_size = candidate, len(label_set)
        return best

    def edge_class_for_type(self, edge_type: str) -> type[Edge] | None:
        """Return the Edge class registered for a relationship type."""
        return self._edges.get(edge_type)

    @property
    def node_classes(self) -> list[type[Node]]:
        """Every registered Node class."""
        return list(self._nodes.values())

    @property
    def edge_classes(self) -> list[type[Edge]]:
        """Every registered Edge class."""
        return list(self._edges.values())

    # -- lifecycle --------------------------------------------------------------------

    def finalize(self) -> None:
        """Resolve every forward reference; raise if any target is unknown.

        Call once after importing all model modules. Relations also resolve
        lazily on first use, so calling this is optional but surfaces typos early.
        """
        from runic.ogm.core.models import complete_deferred

        problems: list[str] = []
        # every class declaring fields, including abstract bases (never registered)
        declaring: dict[type, None] = {}
        for cls in [*self._nodes.values(), *self._edges.values()]:
            for base in cls.__mro__:
                if "__runic_deferred__" in base.__dict__:
                    declaring[base] = None
        for cls in declaring:
            try:
                complete_deferred(cls)
            except MetadataError as exc:
                problems.append(str(exc))
        relations: dict[FieldDescriptor, None] = {}
        for cls in self._nodes.values():
            meta: NodeMeta = cls.__runic_meta__
            relations.update(dict.fromkeys(meta.relations.values()))
        for rel in relations:
            try:
                rel.resolve_target()
            except MetadataError as exc:
                problems.append(str(exc))
        if problems:
            raise MetadataError("; ".join(problems))

    def snapshot(self) -> _MetaSnapshot:
        """Capture the registry, e.g. before a test defines throw-away models."""
        return _MetaSnapshot(
            dict(self._nodes),
            dict(self._edges),
            {k: list(v) for k, v in self._by_name.items()},
        )

    def restore(self, snap: _MetaSnapshot) -> None:
        """Return the registry to a captured state."""
        self._nodes = dict(snap.nodes)
        self._edges = dict(snap.edges)
        self._by_name = {k: list(v) for k, v in snap.by_name.items()}
        self._fallback.clear()
        self._fallback_within.clear()
        self.derived.clear()


def _qual(cls: type | None) -> str:
    if cls is None:
        return "?"
    return f"{cls.__module__}.{cls.__qualname__}"


def _same_definition(a: type, b: type) -> bool:
    return a.__module__ == b.__module__ and a.__qualname__ == b.__qualname__


default_metadata = MetaData()
"""The registry every model class registers with."""


def node_meta(cls: Any) -> NodeMeta:
    """Return the :class:`NodeMeta` of a Node class (or instance)."""
    cls = cls if isinstance(cls, type) else type(cls)
    meta = cls.__dict__.get("__runic_meta__")
    if not isinstance(meta, NodeMeta):
        raise MetadataError(
            f"{getattr(cls, '__qualname__', cls)!s} is not a registered Node class; "
            "subclass runic.ogm.Node with labels=[...]"
        )
    return meta


def edge_meta(cls: Any) -> EdgeMeta:
    """Return the :class:`EdgeMeta` of an Edge class (or instance)."""
    cls = cls if isinstance(cls, type) else type(cls)
    meta = cls.__dict__.get("__runic_meta__")
    if not isinstance(meta, EdgeMeta):
        raise MetadataError(
            f"{getattr(cls, '__qualname__', cls)!s} is not a registered Edge class; "
            'subclass runic.ogm.Edge with type="..."'
        )
    return meta
