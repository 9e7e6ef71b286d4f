"""Fixtures for the session tests, on a real embedded FalkorDB.

The embedded server (``server``, one per test session), the per-test graph name
and the plain falkordb client (``raw_db``) come from ``tests/conftest.py``; the
drivers built there delete their graph after each test.

``models.py`` and ``support.py`` are loaded here once, under the module names
``session_models`` and ``session_support`` (pytest runs with
``--import-mode=importlib``, so test modules cannot import their siblings by
path; loading the models exactly once also keeps their labels registered once).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import pytest_asyncio


def _load(name: str, filename: str) -> ModuleType:
    existing = sys.modules.get(name)
    if existing is not None:
        return existing
    path = Path(__file__).with_name(filename)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_load("session_models", "models.py")
support = _load("session_support", "support.py")

from runic.falkordb import AsyncFalkorDBDriver, FalkorDBDriver  # noqa: E402
from runic.ogm import AsyncSession, Session  # noqa: E402


@pytest.fixture
def raw(raw_db: Any, graph_name: str) -> Any:
    """The test's graph read with the plain falkordb client (``support.RawGraph``)."""
    return support.RawGraph(raw_db.select_graph(graph_name))


@pytest.fixture
def rec(driver: FalkorDBDriver) -> Any:
    """The test's driver, recording every statement."""
    return support.RecordingDriver(driver)


@pytest.fixture
def session(rec: Any) -> Iterator[Session]:
    s = Session(rec)
    yield s
    s.close()


@pytest.fixture
def arec(async_driver: AsyncFalkorDBDriver) -> Any:
    return support.AsyncRecordingDriver(async_driver)


@pytest_asyncio.fixture
async def asession(arec: Any) -> AsyncIterator[AsyncSession]:
    s = AsyncSession(arec)
    yield s
    await s.close()
