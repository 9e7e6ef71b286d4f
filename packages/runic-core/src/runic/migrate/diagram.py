"""``runic schema diagram``: draw the declared models as Mermaid, Graphviz dot or SVG.

Each node class is a box with its labels, primary key and fields; each relation an
arrow from the class that declares it, with the relationship type, the attribute,
the cardinality and the edge model's fields; a node class that subclasses another
one in the drawing points to its parent. With counts (``--url``) every box shows how
many nodes have its labels and every relationship type how many edges it has:

    from runic.migrate.diagram import mermaid

    print(mermaid([Company, Person, Knows]))
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from runic.ogm.core.descriptors import FieldDescriptor
from runic.ogm.core.models import Edge, Node
from runic.ogm.identifiers import escape
from runic.ogm.query.builder import select

__all__ = ["FORMATS", "Counts", "add_parser", "dot", "live_counts", "main", "mermaid", "svg"]

#: The formats ``--format`` accepts.
FORMATS = ("mermaid", "dot", "svg")


@dataclass(frozen=True)
class Counts:
    """Live numbers drawn into a diagram: nodes per node class, edges per type."""

    nodes: Mapping[type, int] = field(default_factory=dict)
    edges: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Prop:
    name: str
    type: str
    flags: tuple[str, ...]


@dataclass(frozen=True)
class _Box:
    cls: type[Node]
    labels: tuple[str, ...]
    props: tuple[_Prop, ...]
    parent: type[Node] | None


@dataclass(frozen=True)
class _Arrow:
    source: type[Node]
    target: type[Node]
    attribute: str
    type: str
    direction: str
    many: bool
    edge_props: tuple[_Prop, ...]


def _type_text(desc: FieldDescriptor) -> str:
    annotation = desc.annotation
    if isinstance(annotation, str):
        return annotation
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation).replace("typing.", "")


def _props(cls: type[Any], pk: str | None, own_only: bool) -> tuple[_Prop, ...]:
    props: list[_Prop] = []
    for name, desc in cls.__runic_meta__.fields.items():
        if own_only and desc.owner is not cls:
            continue
        flags: list[str] = []
        if name == pk:
            flags.append("key")
        elif desc.unique:
            flags.append("unique")
        if desc.required and name != pk:
            flags.append("required")
        if desc.index or desc.index_type is not None:
            flags.append(f"{(desc.index_type or 'range').lower()} index")
        if desc.generated:
            flags.append("generated")
        label = name if desc.graph_name == name else f"{name} as '{desc.graph_name}'"
        props.append(_Prop(label, _type_text(desc), tuple(flags)))
    return tuple(props)


def _parent(cls: type[Node], drawn: set[type]) -> type[Node] | None:
    for base in cls.__mro__[1:]:
        if base in drawn:
            return base
    return None


def _model(classes: Iterable[type]) -> tuple[list[_Box], list[_Arrow]]:
    chosen = list(dict.fromkeys(classes))
    for cls in chosen:
        if not (isinstance(cls, type) and issubclass(cls, Node | Edge)):
            raise TypeError(f"a diagram draws Node and Edge classes, got {cls!r}")
    nodes = [c for c in chosen if issubclass(c, Node) and "__runic_meta__" in c.__dict__]
    drawn: set[type] = set(nodes)
    boxes: list[_Box] = []
    arrows: list[_Arrow] = []
    for cls in nodes:
        meta = cls.__runic_meta__
        parent = _parent(cls, drawn)
        boxes.append(
            _Box(cls, meta.labels, _props(cls, meta.pk_field_name, parent is not None), parent)
        )
        for name, desc in meta.relations.items():
            if parent is not None and desc.owner is not cls:
                continue  # drawn on the parent
            edge = desc.edge_model
            edge_props = _props(edge, None, False) if edge is not None else ()
            arrows.append(
                _Arrow(
                    cls,
                    desc.resolve_target(),
                    name,
                    desc.relationship or "",
                    desc.direction or "OUTGOING",
                    desc.many,
                    edge_props,
                )
            )
    return boxes, arrows


def _prop_text(prop: _Prop) -> str:
    # No parentheses: Mermaid takes a class member with them for a method.
    return " · ".join([f"{prop.name}: {prop.type}", *prop.flags])


def _label_text(box: _Box, counts: Counts | None) -> str:
    text = "".join(f":{label}" for label in box.labels)
    if counts is not None and box.cls in counts.nodes:
        number = counts.nodes[box.cls]
        text += f" · {number} node{'' if number == 1 else 's'}"
    return text


def _arrow_text(arrow: _Arrow, counts: Counts | None) -> str:
    text = f"{arrow.type} ({arrow.attribute})"
    if arrow.edge_props:
        text += " · " + ", ".join(_prop_text(p) for p in arrow.edge_props)
    if counts is not None and arrow.type in counts.edges:
        number = counts.edges[arrow.type]
        text += f" · {number} edge{'' if number == 1 else 's'}"
    return text


def _mermaid_safe(text: str) -> str:
    # Mermaid's class diagrams write generics as ``list~str~``; in an arrow's label a
    # colon starts another label and braces end the line, so labels write ``#58;``
    # (the colon's entity code) and fields without braces.
    return text.replace("[", "~").replace("]", "~")


def mermaid(classes: Iterable[type], counts: Counts | None = None) -> str:
    """A Mermaid ``classDiagram`` of the Node classes among ``classes`` and their relations.

    Edge classes need not be listed: a relation's edge model is drawn on its arrow.
    ``counts`` (see :func:`live_counts`) adds node and edge numbers.
    """
    boxes, arrows = _model(classes)
    lines = ["classDiagram", "    direction LR"]
    for box in boxes:
        lines.append(f"    class {box.cls.__name__} {{")
        lines.append(f"        <<{_mermaid_safe(_label_text(box, counts))}>>")
        lines.extend(f"        {_mermaid_safe(_prop_text(p))}" for p in box.props)
        lines.append("    }")
    for box in boxes:
        if box.parent is not None:
            lines.append(f"    {box.parent.__name__} <|-- {box.cls.__name__}")
    for arrow in arrows:
        head = {"OUTGOING": "-->", "INCOMING": "<--", "BOTH": "<-->"}[arrow.direction]
        many = '"*"' if arrow.many else '"0..1"'
        lines.append(
            f"    {arrow.source.__name__} {head} {many} {arrow.target.__name__} : "
            f"{_mermaid_safe(_arrow_text(arrow, counts)).replace(':', '#58;')}"
        )
    return "\n".join(lines) + "\n"


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def dot(classes: Iterable[type], counts: Counts | None = None) -> str:
    """The same drawing as :func:`mermaid`, as a Graphviz ``digraph``."""
    boxes, arrows = _model(classes)
    lines = [
        "digraph runic {",
        "    rankdir=LR;",
        '    node [shape=plain, fontname="Helvetica"];',
        '    edge [fontname="Helvetica", fontsize=10];',
    ]
    for box in boxes:
        rows = [
            f'<tr><td bgcolor="lightgrey"><b>{_html(box.cls.__name__)}</b></td></tr>',
            f"<tr><td>{_html(_label_text(box, counts))}</td></tr>",
            *(f'<tr><td align="left">{_html(_prop_text(p))}</td></tr>' for p in box.props),
        ]
        table = '<table border="0" cellborder="1" cellspacing="0">' + "".join(rows) + "</table>"
        lines.append(f"    {_dot_quote(box.cls.__name__)} [label=<{table}>];")
    for box in boxes:
        if box.parent is not None:
            lines.append(
                f"    {_dot_quote(box.cls.__name__)} -> {_dot_quote(box.parent.__name__)}"
                ' [arrowhead=onormal, style=dashed, label="extends"];'
            )
    for arrow in arrows:
        direction = {"OUTGOING": "forward", "INCOMING": "back", "BOTH": "both"}[arrow.direction]
        many = "*" if arrow.many else "0..1"
        lines.append(
            f"    {_dot_quote(arrow.source.__name__)} -> {_dot_quote(arrow.target.__name__)}"
            f" [label={_dot_quote(_arrow_text(arrow, counts))}, dir={direction},"
            f" headlabel={_dot_quote(many)}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def svg(classes: Iterable[type], counts: Counts | None = None) -> str:
    """:func:`dot`'s drawing rendered to SVG by Graphviz's ``dot`` program.

    Raises :class:`RuntimeError` when ``dot`` is not on ``PATH``.
    """
    program = shutil.which("dot")
    if program is None:
        raise RuntimeError(
            "--format svg needs Graphviz's `dot` program, which is not on PATH: install "
            "graphviz (e.g. apt-get install graphviz), or use --format mermaid or dot"
        )
    done = subprocess.run(
        [program, "-Tsvg"],
        input=dot(classes, counts),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if done.returncode != 0:
        raise RuntimeError(f"graphviz dot failed (exit {done.returncode}): {done.stderr.strip()}")
    return done.stdout


def live_counts(session: Any, classes: Iterable[type]) -> Counts:
    """Count, through ``session`` (a runic ``Session``), the nodes of every Node class
    among ``classes`` and the edges of every relationship type their relations declare.

    One count query per class and per type. A class's count includes its subclasses'
    nodes (they carry its labels).
    """
    boxes, arrows = _model(classes)
    nodes = {box.cls: int(session.count(select(box.cls))) for box in boxes}
    edges: dict[str, int] = {}
    for arrow in arrows:
        if arrow.type not in edges:
            result = session.execute(
                f"MATCH ()-[r:{escape(arrow.type)}]->() RETURN count(r) AS n", columns=["n"]
            )
            edges[arrow.type] = int(result.rows[0][0])
    return Counts(nodes, edges)


def add_parser(actions: Any) -> None:
    """Add ``diagram`` to the ``runic schema`` sub-commands (``actions``)."""
    sub = actions.add_parser("diagram", help="draw the declared models (mermaid, dot, svg)")
    sub.add_argument(
        "--models",
        action="append",
        required=True,
        help="module(s) defining the models (comma-separated or repeated)",
    )
    sub.add_argument("--format", choices=FORMATS, default="mermaid", help="output format")
    sub.add_argument(
        "--url",
        default=None,
        help="database URL: adds live node and edge counts ($RUNIC_URL is not read)",
    )
    sub.add_argument("--output", "-o", default=None, help="write to this file (default: stdout)")


def main(args: argparse.Namespace) -> int:
    """Run ``runic schema diagram`` with the parsed ``args``; return the exit status."""
    from runic.migrate.cli import model_classes, open_adapter
    from runic.ogm.exceptions import OrmError
    from runic.ogm.session import Session

    sys.path.insert(0, os.getcwd())
    try:
        classes = model_classes(args.models)
        nodes = [c for c in classes if issubclass(c, Node)]
        if not nodes:
            print(f"runic: no Node classes in {', '.join(args.models)}", file=sys.stderr)
            return 2
        counts: Counts | None = None
        if args.url:
            adapter = open_adapter(args.url)
            try:
                with Session(adapter.driver) as session:
                    counts = live_counts(session, nodes)
            finally:
                adapter.close()
        render = {"mermaid": mermaid, "dot": dot, "svg": svg}[args.format]
        text = render(classes, counts)
    except (OrmError, ImportError, ValueError, RuntimeError) as exc:
        print(f"runic: {exc}", file=sys.stderr)
        return 2
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stdout.write(text)
    return 0
