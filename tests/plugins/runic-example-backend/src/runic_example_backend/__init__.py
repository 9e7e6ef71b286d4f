"""runic's example third-party backend: an in-memory graph with a small Cypher engine.

Registered as ``example`` through one entry point in ``runic.backends``
(:mod:`.plugin`); its integration profile is :mod:`.integration`. The layers a
backend author writes, each in its own module: :mod:`.capabilities` (declared
once), :mod:`.dialect` (the reference compiler with a few overrides),
:mod:`.driver` (sync and async). What the drivers talk to stands for a server:
:mod:`.graph` (the storage) and :mod:`.engine` (the Cypher interpreter).
docs/plugins.md walks through it.
"""

from runic_example_backend.driver import AsyncExampleDriver, ExampleDriver
from runic_example_backend.graph import drop_graph

__all__ = ["AsyncExampleDriver", "ExampleDriver", "drop_graph"]
