"""The example backend's integration profile: a plugin bringing its own server provider.

Declared as the ``example`` entry point of the group ``runic.integration_providers``;
``runic_integration`` loads it, so ``RUNIC_TEST_BACKENDS=example`` runs the
integration suite against the in-memory echo driver. The echo driver stores no
graph, so the profile is opt-in and only the suite's smoke tests can pass on it.
"""

from __future__ import annotations

from runic_integration import BackendProfile, ProfileRegistry, Server, hookimpl

__all__ = ["ExampleProfile", "InMemoryProvider", "runic_integration_profiles"]


class InMemoryProvider:
    """ "Starts" nothing: the example driver runs in the test process."""

    name = "memory"
    kind = "local"

    def provide(self) -> Server:
        """A server record with no settings (the driver only takes ``graph=``)."""
        return Server(
            backend="example",
            provider=self.name,
            description="in-memory echo driver, no server process",
        )


class ExampleProfile(BackendProfile):
    """Each test gets its own driver graph name; nothing to create or drop."""

    def __init__(self) -> None:
        super().__init__(
            "example",
            [InMemoryProvider()],
            opt_in=True,
            install_hint="pip install -e tests/plugins/runic-example-backend",
        )


@hookimpl
def runic_integration_profiles(registry: ProfileRegistry) -> None:
    """Register the ``example`` profile with the integration suite."""
    registry.add(ExampleProfile())
