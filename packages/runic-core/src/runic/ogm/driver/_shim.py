"""Support for the ``runic.ogm.driver.<backend>`` compatibility modules.

Each such module re-exports a backend distribution's package and, when that
distribution is not installed, fails with the pip line that provides it (a path in
a runic checkout: the distributions are not on PyPI).
"""

from __future__ import annotations

import importlib

__all__ = ["require_backend_package"]


def require_backend_package(shim: str, module: str, distribution: str) -> None:
    """Import ``module`` or raise ``ImportError`` naming ``pip install ./packages/<dist>``.

    Only a missing ``module`` (or a missing parent of it) is translated; an
    ``ImportError`` raised from inside an installed backend propagates unchanged.
    """
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if module != missing and not module.startswith(f"{missing}."):
            raise
        raise ImportError(
            f"{shim} re-exports {module}, which is not installed: "
            f"pip install ./packages/{distribution} (from a runic checkout; not on PyPI)",
            name=shim,
        ) from exc
