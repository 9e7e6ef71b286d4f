"""``create_driver`` / ``create_async_driver`` at their documented import path.

Both delegate to the backend registry (:mod:`runic.ogm.registry`).
"""

from runic.ogm.registry import available_backends, create_async_driver, create_driver

__all__ = ["available_backends", "create_async_driver", "create_driver"]
