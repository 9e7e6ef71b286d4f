"""A test-only runic backend: an in-memory echo driver registered as ``example``.

It exists to prove the third-party plugin path (one entry point in the group
``runic.backends``); it stores no graph.
"""

from runic_example_backend.driver import AsyncExampleDriver, ExampleDriver

__all__ = ["AsyncExampleDriver", "ExampleDriver"]
