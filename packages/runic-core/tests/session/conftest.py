"""Isolation of the global model registry for the model tests.

Every test here defines throw-away model classes inside the test function. The
autouse fixture snapshots :data:`runic.ogm.core.metadata.default_metadata`, hands
the test an *empty* registry (so models other test packages registered cannot
collide with, or be found instead of, the classes a test defines), and restores
the original registry afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from runic.ogm.core import metadata
from runic.ogm.core.metadata import MetaData


@pytest.fixture(autouse=True)
def isolated_metadata() -> Iterator[MetaData]:
    """Give each test an empty ``default_metadata``; put the original back afterwards."""
    registry = metadata.default_metadata
    saved = registry.snapshot()
    registry.restore(MetaData().snapshot())
    try:
        yield registry
    finally:
        registry.restore(saved)
