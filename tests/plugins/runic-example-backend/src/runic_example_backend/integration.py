"""The example backend's integration profile: a plugin bringing its own server provider.

Declared as the ``example`` entry point of the group ``runic.integration_providers``;
``runic_integration`` loads it, so ``RUNIC_TEST_BACKENDS=example`` runs the
integration suite against the in-memory engine. The engine runs a Cypher subset
(no transactions, no MERGE, no search), so the profile is opt-in: it passes the
smoke tests and the CRUD subset :data:`SUITE_SUBSET` (``pytest -k`` expression:
:func:`suite_selection`), which the project's own tests run on every test run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from runic_example_backend.graph import drop_graph
from runic_integration import BackendProfile, ProfileRegistry, Server, hookimpl

__all__ = [
    "SUITE_SUBSET",
    "ExampleProfile",
    "InMemoryProvider",
    "runic_integration_profiles",
    "suite_selection",
]

#: The suite tests the example backend passes (names, matched by ``pytest -k``), sync
#: and async: the smoke tests, then add/commit, get, select with a where, update,
#: delete and count.
SUITE_SUBSET = (
    "test_smoke.py",  # parameters in, values out (driver and session)
    "test_session.py",  # add/commit, get, update, delete, refresh, rollback, duplicates
    "test_filter_operator",  # select() with every where() operator
    "test_several_where_calls_are_anded",
    "test_where_id_selects_by_database_id",
    "test_count_scalar_one_and_first",  # session.count(select(...)) and friends
    "test_find_all_count_exists",  # the repository's find_all / count / exists
)


def suite_selection() -> str:
    """The ``pytest -k`` expression selecting :data:`SUITE_SUBSET`."""
    return " or ".join(SUITE_SUBSET)


class InMemoryProvider:
    """ "Starts" nothing: the engine runs in the test process."""

    name = "memory"
    kind = "local"

    def provide(self) -> Server:
        """A server record with no settings (the driver only takes ``graph=``)."""
        return Server(
            backend="example",
            provider=self.name,
            description="in-memory engine in the test process",
        )


class ExampleProfile(BackendProfile):
    """Each test gets its own graph name; the graph is dropped after the test."""

    def __init__(self) -> None:
        super().__init__(
            "example",
            [InMemoryProvider()],
            opt_in=True,
            install_hint="pip install -e tests/plugins/runic-example-backend",
        )

    def close_graph(self, server: Server, name: str, driver_kwargs: Mapping[str, Any]) -> None:
        """Forget the test's in-memory graph."""
        drop_graph(name)


@hookimpl
def runic_integration_profiles(registry: ProfileRegistry) -> None:
    """Register the ``example`` profile with the integration suite."""
    registry.add(ExampleProfile())
