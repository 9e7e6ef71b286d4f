"""Compatibility import path for the Apache AGE driver.

Re-exports ``runic.age`` (distribution runic-age); without it, importing this
module raises ``ImportError`` naming ``pip install ./packages/runic-age``.
"""

from runic.ogm.driver._shim import require_backend_package as _require

_require(__name__, "runic.age", "runic-age")

from runic.age import *  # noqa: E402, F403
