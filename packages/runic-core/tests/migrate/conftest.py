"""Each schema test defines its models in an empty model registry (restored afterwards)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from runic.ogm.core import metadata
from runic.ogm.core.metadata import MetaData


@pytest.fixture(autouse=True)
def isolated_metadata() -> Iterator[MetaData]:
    """An empty ``default_metadata`` for the test; the original put back afterwards."""
    registry = metadata.default_metadata
    saved = registry.snapshot()
    registry.restore(MetaData().snapshot())
    try:
        yield registry
    finally:
        registry.restore(saved)
