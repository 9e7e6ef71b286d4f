"""Each distribution has one version source, and what is installed agrees with it."""

from __future__ import annotations

import importlib
import importlib.metadata

import pytest

import runic.ogm

_DISTRIBUTIONS = [
    ("runic-core", "runic.ogm._version"),
    ("runic-falkordb", "runic.falkordb._version"),
    ("runic-bolt", "runic.bolt._version"),
    ("runic-age", "runic.age._version"),
]


@pytest.mark.parametrize(("dist", "module"), _DISTRIBUTIONS)
def test_installed_version_is_the_version_module(dist: str, module: str) -> None:
    version = importlib.import_module(module).__version__
    assert importlib.metadata.version(dist) == version


def test_runic_ogm_exports_its_version() -> None:
    assert runic.ogm.__version__ == importlib.metadata.version("runic-core")


@pytest.mark.parametrize("dist", ["runic-falkordb", "runic-bolt", "runic-age"])
def test_backends_require_a_compatible_core(dist: str) -> None:
    requires = importlib.metadata.requires(dist) or []
    core = [r for r in requires if r.startswith("runic-core")]
    major, minor = runic.ogm.__version__.split(".")[:2]
    assert core == [f"runic-core<{major}.{int(minor) + 1},>={major}.{minor}"]
