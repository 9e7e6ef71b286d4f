"""A backend profile: how the suite reaches one runic backend on a real server.

A profile names the runic backend (as registered in ``runic.backends``), lists
the providers tried in order to get a server, and knows the backend-specific
chores the public runic API does not cover: giving each test an isolated graph
(or database) and creating fulltext/vector indexes. Subclass it for a new
backend and register it through the ``runic.integration_providers`` entry points
(see :mod:`runic_integration.hookspecs`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from runic.ogm import GraphDriver, InvalidIdentifierError, UnsupportedFeatureError, create_driver
from runic.ogm.identifiers import is_plain, validate_identifier
from runic_integration.providers.base import Provider, Server

__all__ = ["BackendProfile", "GraphContext"]


@dataclass(frozen=True)
class GraphContext:
    """One test's graph: the server, the graph's name, driver keywords, a sync driver."""

    server: Server
    name: str
    driver_kwargs: Mapping[str, Any]
    driver: GraphDriver


class BackendProfile:
    """The suite's knowledge of one backend.

    ``name``: the runic backend name (``create_driver(name, ...)``);
    ``providers``: tried in order; ``opt_in``: run only when named in
    ``RUNIC_TEST_BACKENDS`` (for backends that cannot pass the whole suite, or
    are expensive); ``install_hint``: how to install the runic backend.
    """

    def __init__(
        self,
        name: str,
        providers: Sequence[Provider] = (),
        *,
        opt_in: bool = False,
        install_hint: str = "",
    ) -> None:
        self.name = name
        self.providers: list[Provider] = list(providers)
        self.opt_in = opt_in
        self.install_hint = install_hint

    def __repr__(self) -> str:
        names = ", ".join(p.name for p in self.providers)
        return f"<{type(self).__name__} {self.name} providers=[{names}]>"

    # -- isolation ----------------------------------------------------------------------

    def open_graph(self, server: Server, name: str) -> dict[str, Any]:
        """Prepare an isolated graph called ``name``; return the driver keywords for it.

        The default passes ``graph=name`` along with the server settings, which
        suits backends whose graphs are created on first write.
        """
        return {**server.settings, "graph": name}

    def close_graph(self, server: Server, name: str, driver_kwargs: Mapping[str, Any]) -> None:
        """Remove what :meth:`open_graph` prepared (no-op by default)."""

    def connect(self, driver_kwargs: Mapping[str, Any]) -> GraphDriver:
        """A sync driver on the test graph (used for read-back and index creation)."""
        return create_driver(self.name, **driver_kwargs)

    # -- indexes ------------------------------------------------------------------------

    def create_fulltext_index(
        self, graph: GraphContext, label: str, properties: Sequence[str]
    ) -> None:
        """Create a fulltext index over ``properties`` of nodes labelled ``label``.

        The default runs the DDL of the backend's dialect when it offers
        ``create_fulltext_index_ddl(label, properties)``.
        """
        driver = graph.driver
        make = getattr(driver.dialect, "create_fulltext_index_ddl", None)
        if make is None:
            raise UnsupportedFeatureError(
                self.name,
                "creating a fulltext index in the integration suite",
                f"implement {type(self).__name__}.create_fulltext_index",
            )
        driver.execute(make(label, tuple(properties)), columns=())

    def create_vector_index(
        self,
        graph: GraphContext,
        label: str,
        prop: str,
        *,
        dimension: int,
        similarity: str = "euclidean",
    ) -> None:
        """Create a vector index on ``prop`` of nodes labelled ``label``.

        The default runs the DDL of the backend's dialect when it offers
        ``create_vector_index_ddl(label, prop, dimension=, similarity=)``.
        """
        driver = graph.driver
        make = getattr(driver.dialect, "create_vector_index_ddl", None)
        if make is None:
            raise UnsupportedFeatureError(
                self.name,
                "creating a vector index in the integration suite",
                f"implement {type(self).__name__}.create_vector_index",
            )
        driver.execute(make(label, prop, dimension=dimension, similarity=similarity), columns=())

    @staticmethod
    def checked(names: Sequence[str], kind: str) -> list[str]:
        """Validate labels/property names before they go into DDL text.

        DDL puts them in string literals or bare, so only letters, digits and
        underscores (not starting with a digit) are accepted.
        """
        out: list[str] = []
        for name in names:
            validate_identifier(name, kind)
            if not is_plain(name):
                raise InvalidIdentifierError(
                    f"{kind} {name!r} may hold only letters, digits and underscores here"
                )
            out.append(name)
        return out
