"""The example backend's dialect: the reference compiler with three changes.

* ``list_comprehensions = False``: the engine has no ``[x IN list | ...]``, so a
  write statement collects the ids of the nodes it creates next to the nodes;
* :meth:`ExampleDialect.render_create_node`: a node is created with an inline
  property map (``CREATE (n:L {`id`: row[0]})``) instead of ``CREATE`` + ``SET``;
* :meth:`ExampleDialect.render_merge_edge`: relating two existing nodes needs
  ``MERGE``, which the engine does not run: ``compile()`` refuses it, naming the
  backend and the feature, before anything is sent.
"""

from __future__ import annotations

from runic.ogm.dialect import CypherDialect
from runic.ogm.exceptions import UnsupportedFeatureError
from runic.ogm.query.write import CreateNode, MergeEdge
from runic_example_backend.capabilities import EXAMPLE
from runic_example_backend.engine import FUNCTIONS
from runic_example_backend.graph import BACKEND

__all__ = ["ExampleDialect"]


class ExampleDialect(CypherDialect):
    """Cypher for the in-memory engine (:mod:`runic_example_backend.engine`)."""

    name = BACKEND
    capabilities = EXAMPLE
    list_comprehensions = False
    # runic's value constructors: the engine has none, so vectors, points and interned
    # strings are stored as plain values; a converter's cypher_fn may name only the
    # engine's own functions (anything else is refused at compile time).
    param_functions = frozenset()
    plain_functions = frozenset({"vecf32", "point", "intern"})
    callable_functions = frozenset(FUNCTIONS)

    def render_create_node(self, part: CreateNode, var: str) -> str:
        """``CREATE (var:Labels {p1: row[0], ...})``: labels and properties in one step."""
        props = ", ".join(
            f"{self.quote_identifier(item.prop)}: {self.render_row_value(item.value)}"
            for item in part.items
        )
        return f"CREATE ({var}{self.render_create_labels(part.labels)} {{{props}}})"

    def render_merge_edge(self, part: MergeEdge, number: int) -> list[str]:
        """Refused: the engine has no ``MERGE`` (relations are written when created)."""
        raise UnsupportedFeatureError(
            BACKEND,
            f"relating existing nodes ({part.edge.rel_type!r} needs MERGE)",
            "create the related nodes in the same flush, or use a backend with MERGE",
        )
