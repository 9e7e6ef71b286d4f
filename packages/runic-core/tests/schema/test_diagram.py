"""``runic schema diagram``: the Mermaid, dot and SVG drawings of declared models."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from runic.migrate import cli, diagram
from runic.migrate.diagram import Counts

MODELS = """
from __future__ import annotations

from runic.ogm import Edge, Field, Node, Relation


class Company(Node, labels=["Company"]):
    id: str = Field(primary_key=True)
    name: str = Field(required=True)


class Knows(Edge, type="KNOWS"):
    since: int = 2020
    note: str = Field(default="", name="the note")


class Person(Node, labels=["Person"]):
    id: str
    name: str = Field(required=True)
    age: int | None = Field(default=None, index=True)
    tags: list[str] = []
    employer: Company | None = Relation(relationship="WORKS_FOR", target="Company", default=None)
    friends: list[Person] = Relation(
        relationship="KNOWS", target="Person", edge_model=Knows, default_factory=list
    )


class Employee(Person):
    badge: str = Field(unique=True, default="")
    bio: str = Field(default="", index_type="FULLTEXT")
    manager: Person | None = Relation(
        relationship="MANAGES", target="Person", direction="INCOMING", default=None
    )
    peers: list[Employee] = Relation(
        relationship="PEER", target="Employee", direction="BOTH", default_factory=list
    )
"""

MERMAID = """\
classDiagram
    direction LR
    class Company {
        <<:Company>>
        id: str · key
        name: str · required
    }
    class Person {
        <<:Person>>
        id: str · key
        name: str · required
        age: int | None · range index
        tags: list~str~
    }
    class Employee {
        <<:Person:Employee>>
        badge: str · unique
        bio: str · fulltext index
    }
    Person <|-- Employee
    Person --> "0..1" Company : WORKS_FOR (employer)
    Person --> "*" Person : KNOWS (friends) · since#58; int, note as 'the note'#58; str
    Employee <-- "0..1" Person : MANAGES (manager)
    Employee <--> "*" Employee : PEER (peers)
"""


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[type]:
    """The models above, imported as the module ``diagram_models`` (as --models does)."""
    (tmp_path / "diagram_models.py").write_text(MODELS)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "diagram_models", raising=False)
    return cli.model_classes(["diagram_models"])


def test_mermaid_text_of_a_known_model_set(models: list[type]) -> None:
    assert diagram.mermaid(models) == MERMAID


def test_counts_go_on_the_boxes_and_the_arrows(models: list[type]) -> None:
    by_name = {c.__name__: c for c in models}
    counts = Counts(
        nodes={by_name["Company"]: 1, by_name["Person"]: 3, by_name["Employee"]: 0},
        edges={"KNOWS": 2, "WORKS_FOR": 1},
    )
    lines = diagram.mermaid(models, counts).splitlines()
    assert "        <<:Company · 1 node>>" in lines
    assert "        <<:Person · 3 nodes>>" in lines
    assert "        <<:Person:Employee · 0 nodes>>" in lines
    assert '    Person --> "0..1" Company : WORKS_FOR (employer) · 1 edge' in lines
    assert (
        '    Person --> "*" Person : KNOWS (friends) · since#58; int, '
        "note as 'the note'#58; str · 2 edges"
    ) in lines
    assert '    Employee <-- "0..1" Person : MANAGES (manager)' in lines  # no count given


def test_dot_draws_the_same_graph(models: list[type]) -> None:
    text = diagram.dot(models)
    assert text.startswith("digraph runic {\n")
    assert '<tr><td align="left">age: int | None · range index</td></tr>' in text
    assert "<tr><td>:Person:Employee</td></tr>" in text
    assert '"Employee" -> "Person" [arrowhead=onormal, style=dashed, label="extends"];' in text
    assert (
        '"Person" -> "Person" [label="KNOWS (friends) · since: int, note as \'the note\': str",'
        ' dir=forward, headlabel="*"];'
    ) in text
    assert '"Employee" -> "Person" [label="MANAGES (manager)", dir=back, headlabel="0..1"];' in text
    assert '"Employee" -> "Employee" [label="PEER (peers)", dir=both, headlabel="*"];' in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz `dot` is not installed")
def test_svg_is_rendered_by_graphviz(models: list[type]) -> None:
    text = diagram.svg(models)
    assert text.lstrip().startswith("<?xml")
    assert "<svg" in text
    for word in ("Company", "Employee", "WORKS_FOR (employer)", "id: str · key"):
        assert word in text


def test_svg_without_graphviz_says_what_to_do(
    models: list[type], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match=r"needs Graphviz's `dot` program.*--format mermaid"):
        diagram.svg(models)


def test_the_command_prints_mermaid_without_a_database(
    models: list[type], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNIC_URL", "falkordb://127.0.0.1:1/nothing_listens_here")
    assert cli.main(["schema", "diagram", "--models", "diagram_models"]) == 0
    assert capsys.readouterr().out == MERMAID  # no counts: RUNIC_URL is not read


def test_the_command_writes_dot_to_a_file(models: list[type], tmp_path: Path) -> None:
    out = tmp_path / "models.dot"
    argv = ["schema", "diagram", "--models", "diagram_models", "--format", "dot", "-o", str(out)]
    assert cli.main(argv) == 0
    assert out.read_text() == diagram.dot(models)


def test_the_command_without_node_classes_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty_models.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert cli.main(["schema", "diagram", "--models", "empty_models"]) == 2
    assert capsys.readouterr().err == "runic: no Node classes in empty_models\n"


def test_only_model_classes_are_drawn() -> None:
    with pytest.raises(TypeError, match="a diagram draws Node and Edge classes, got <class 'int'>"):
        diagram.mermaid([int])
