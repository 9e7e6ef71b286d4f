"""The runic models every benchmark scenario uses (one small schema for all contenders).

``Item`` is a small node (key, a string, an integer); ``Parent`` -[:HAS]-> ``Child``
is the one-to-many shape of the relation and eager-fetch scenarios. The raw
floors and falkordb-orm write and read the very same labels and properties.
"""

from __future__ import annotations

from runic.ogm import Node, Relation

__all__ = ["CHILD", "HAS", "ITEM", "PARENT", "Child", "Item", "Parent"]

ITEM = "Item"
PARENT = "Parent"
CHILD = "Child"
HAS = "HAS"


class Item(Node, labels=[ITEM]):
    """A small node: primary key ``id`` and two plain properties."""

    id: str
    name: str = ""
    score: int = 0


class Child(Node, labels=[CHILD]):
    """The target side of ``Parent.children``."""

    id: str
    n: int = 0


class Parent(Node, labels=[PARENT]):
    """A node with a one-to-many relation."""

    id: str
    name: str = ""
    children: list[Child] = Relation(relationship=HAS, target="Child", default_factory=list)
