"""Autogenerate: compare the models with the live schema and write ``op`` calls.

Pure apart from the inputs it is given: the declared specs (from the models), the
live specs (read by the schema layer), the models' field-type *snapshot* and the
snapshot stored in the newest revision file that has one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from runic.migrate.ops import plan_changes
from runic.ogm.schema.specs import IndexSpec

__all__ = ["Diff", "compare", "field_snapshot", "parse_renames", "render_ops"]

Snapshot = Mapping[str, Mapping[str, str]]


def _type_name(value: object) -> str:
    if isinstance(value, type):
        return value.__name__
    return str(value).replace("typing.", "")


def field_snapshot(classes: Sequence[type]) -> dict[str, dict[str, str]]:
    """``{label: {property: "type[ via Converter]"}}`` of the classes' property fields.

    Node classes are keyed by their primary label, edges by ``[TYPE]``.
    """
    from runic.ogm.core.models import Edge, Node

    out: dict[str, dict[str, str]] = {}
    for cls in classes:
        if issubclass(cls, Node):
            key, fields = cls.__runic_meta__.primary_label, cls.__runic_meta__.fields
        elif issubclass(cls, Edge):
            key, fields = f"[{cls.__runic_meta__.type}]", cls.__runic_meta__.fields
        else:
            continue
        props = out.setdefault(key, {})
        for desc in fields.values():
            if desc.is_relation:
                continue
            text = _type_name(desc.annotation if desc.annotation is not None else desc.python_type)
            if desc.explicit_converter is not None:
                text += f" via {type(desc.explicit_converter).__name__}"
            props[desc.graph_name] = text
    return out


def parse_renames(items: Sequence[str]) -> list[tuple[str | None, str, str]]:
    """``["Label.old=new", "old=new"]`` as ``(label or None, old, new)``."""
    out: list[tuple[str | None, str, str]] = []
    for item in items:
        old, sep, new = item.partition("=")
        label: str | None = None
        if "." in old:
            label, _, old = old.rpartition(".")
        if not sep or not old.strip() or not new.strip() or (label is not None and not label):
            raise ValueError(f"--rename {item!r}: write old=new or Label.old=new")
        out.append((label.strip() if label else None, old.strip(), new.strip()))
    return out


@dataclass
class Diff:
    """What autogenerate found; empty when models and graph agree."""

    create: list[IndexSpec] = field(default_factory=list)
    drop: list[IndexSpec] = field(default_factory=list)
    #: vector indexes whose live options differ: (live, declared)
    vector_drift: list[tuple[IndexSpec, IndexSpec]] = field(default_factory=list)
    #: (label, old, new, edge)
    renames: list[tuple[str, str, str, bool]] = field(default_factory=list)
    #: (label, property, old type, new type)
    type_changes: list[tuple[str, str, str, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.create or self.drop or self.vector_drift or self.renames or self.type_changes
        )

    def summary(self) -> list[str]:
        """One line per difference."""
        lines = [f"missing: {s.describe()}" for s in self.create]
        lines += [f"extra: {s.describe()}" for s in self.drop]
        for live, want in self.vector_drift:
            lines.append(
                f"vector options: {want.describe()} is dimension {live.dimension}, "
                f"{live.similarity} in the graph; the model says {want.dimension}, "
                f"{want.similarity or 'cosine'}"
            )
        lines += [f"rename: {lab}.{old} -> {new}" for lab, old, new, _ in self.renames]
        lines += [
            f"type changed: {lab}.{prop} {old} -> {new}"
            for lab, prop, old, new in self.type_changes
        ]
        return lines


def _drifted(live: IndexSpec, want: IndexSpec) -> bool:
    dims = live.dimension is not None and want.dimension is not None
    if dims and live.dimension != want.dimension:
        return True
    want_sim = (want.similarity or "cosine").lower()
    return live.similarity is not None and live.similarity.lower() != want_sim


def compare(
    declared: Sequence[IndexSpec],
    live: Sequence[IndexSpec],
    *,
    snapshot: Snapshot,
    previous: Snapshot | None,
    renames: Sequence[tuple[str | None, str, str]] = (),
    ignore_labels: Sequence[str] = (),
) -> Diff:
    """The differences between the models and the graph (and the previous snapshot)."""
    live = [s for s in live if s.label not in ignore_labels]
    drops, creates = plan_changes(declared, live, drop_extra=True)
    diff = Diff(create=list(creates), drop=list(drops))
    live_by = {s: s for s in live}
    for want in declared:
        have = live_by.get(want)
        if want.index_type == "VECTOR" and have is not None and _drifted(have, want):
            diff.vector_drift.append((have, want))
    renamed: set[tuple[str, str]] = set()
    for label, old, new in renames:
        hits = [
            key
            for key, props in snapshot.items()
            if new in props and (label is None or key.strip("[]") == label)
        ]
        if not hits:
            raise ValueError(f"--rename {old}={new}: no model has a property {new!r}")
        for key in hits:
            diff.renames.append((key.strip("[]"), old, new, key.startswith("[")))
            renamed.add((key, new))
    if previous is not None:
        for key, props in snapshot.items():
            before = previous.get(key, {})
            for prop, kind in props.items():
                if prop in before and before[prop] != kind and (key, prop) not in renamed:
                    diff.type_changes.append((key.strip("[]"), prop, before[prop], kind))
    # a rename also shows as an extra index on the old name and a missing one on the new
    return diff


def _call(verb: str, spec: IndexSpec, extra: str = "") -> str:
    edge = ", edge=True" if spec.is_edge else ""
    return f"op.{verb}({spec.label!r}, {spec.property!r}{extra}{edge})"


def _create(spec: IndexSpec) -> str:
    if spec.index_type == "VECTOR":
        sim = spec.similarity or "cosine"
        return _call("create_vector", spec, f", dimension={spec.dimension}, similarity={sim!r}")
    verb = {"RANGE": "create_index", "UNIQUE": "create_unique", "FULLTEXT": "create_fulltext"}
    return _call(verb[spec.index_type], spec)


def _drop(spec: IndexSpec) -> str:
    verb = {
        "RANGE": "drop_index",
        "UNIQUE": "drop_unique",
        "FULLTEXT": "drop_fulltext",
        "VECTOR": "drop_vector",
    }
    return _call(verb[spec.index_type], spec)


def render_ops(diff: Diff) -> tuple[list[str], list[str]]:
    """``(upgrade lines, downgrade lines)`` of a revision carrying out ``diff``."""
    up: list[str] = []
    down: list[str] = []
    for lab, old, new, edge in diff.renames:
        flag = ", edge=True" if edge else ""
        up.append(f"op.rename_property({lab!r}, {old!r}, {new!r}{flag})")
        down.insert(0, f"op.rename_property({lab!r}, {new!r}, {old!r}{flag})")
    for spec in diff.drop:
        up.append(_drop(spec))
        down.insert(0, _create(spec))
    for live, want in diff.vector_drift:
        up += [_drop(live), _create(want)]
        down[:0] = [_drop(want), _create(live)]
    for spec in diff.create:
        up.append(_create(spec))
        down.insert(0, _drop(spec))
    for lab, prop, old, new in diff.type_changes:
        up += [
            f"# {lab}.{prop} changed type: {old} -> {new}. Convert the stored values, e.g.:",
            f"# op.update_nodes({lab!r}, set={{{prop!r}: op.expr('toString(n.{prop})')}},",
            f"#                 where='n.{prop} IS NOT NULL')",
        ]
        down.append(f"# {lab}.{prop}: convert the values back to {old} here")
    return up, down
