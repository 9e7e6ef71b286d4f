"""The pluggy hooks a runic backend plugin implements.

A backend is an ordinary distribution that declares one entry point in the group
``runic.backends`` (conventionally named after the backend) pointing at a module
or object with a :data:`hookimpl`-decorated ``runic_register_backends`` function::

    # pyproject.toml of the plugin
    [project.entry-points."runic.backends"]
    mydb = "runic_mydb.plugin"

    # runic_mydb/plugin.py
    from runic.ogm.registry import BackendSpec, hookimpl

    @hookimpl
    def runic_register_backends(registry):
        registry.register(BackendSpec(name="mydb", factory=MyDriver))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from runic.ogm.registry import BackendRegistry

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec", "runic_register_backends"]

PROJECT_NAME = "runic"
"""The pluggy project name shared by the markers below."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec(historic=True)
def runic_register_backends(registry: BackendRegistry) -> None:
    """Register this plugin's backends with ``registry.register(BackendSpec(...))``.

    The hook is historic: a plugin registered after the registry was built is
    called as soon as it is registered.
    """
