"""A deliberately broken entry-point target: importing it fails.

It stands for a plugin whose driver library is missing, to show that one broken
plugin does not break the other backends.
"""

raise ImportError("runic_example_backend.broken cannot be imported (deliberately, for tests)")
