"""What the Apache AGE backend can do, declared once: read by its dialect and its registry spec."""

from __future__ import annotations

from runic.ogm.driver.protocols import Capability

__all__ = ["AGE"]

AGE = frozenset({Capability.TRANSACTIONS, Capability.ASYNC})
