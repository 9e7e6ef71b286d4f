"""Compatibility import path for the FalkorDB driver.

Re-exports ``runic.falkordb`` (distribution runic-falkordb); without it, importing this
module raises ``ImportError`` naming ``pip install ./packages/runic-falkordb``.
"""

from runic.ogm.driver._shim import require_backend_package as _require

_require(__name__, "runic.falkordb", "runic-falkordb")

from runic.falkordb import *  # noqa: E402, F403
