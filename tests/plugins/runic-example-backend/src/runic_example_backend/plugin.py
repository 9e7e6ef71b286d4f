"""The entry-point target: registers the ``example`` backend with runic."""

from __future__ import annotations

from runic.ogm.registry import BackendRegistry, BackendSpec, hookimpl
from runic_example_backend.capabilities import EXAMPLE
from runic_example_backend.driver import AsyncExampleDriver, ExampleDriver


@hookimpl
def runic_register_backends(registry: BackendRegistry) -> None:
    """Register ``example`` (alias ``example-memory``), sync and async."""
    registry.register(
        BackendSpec(
            name="example",
            factory=ExampleDriver,
            async_factory=AsyncExampleDriver,
            aliases=("example-memory",),
            capabilities=EXAMPLE,
            install_hint="pip install -e tests/plugins/runic-example-backend",
            description="In-memory Cypher subset engine: runic's example third-party backend",
        )
    )
