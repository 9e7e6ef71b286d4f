"""Compatibility import path for the ArcadeDB driver.

Re-exports ``runic.bolt`` (distribution runic-bolt); without it, importing this
module raises ``ImportError`` naming ``pip install ./packages/runic-bolt``.
"""

from runic.ogm.driver._shim import require_backend_package as _require

_require(__name__, "runic.bolt", "runic-bolt")

from runic.bolt import *  # noqa: E402, F403
