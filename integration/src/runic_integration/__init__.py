"""runic's integration matrix: one behavioural suite, every backend, real servers.

Run the suite against the installed backends::

    pytest --pyargs runic_integration.suite

Select backends with ``RUNIC_TEST_BACKENDS`` and require some with
``RUNIC_REQUIRE_BACKENDS``; point at your own servers with ``RUNIC_TEST_<BACKEND>_...``
variables. A third-party backend registers a :class:`BackendProfile` through the
``runic.integration_providers`` entry point group (see :mod:`runic_integration.hookspecs`).
"""

from runic_integration.config import MatrixConfig
from runic_integration.harness import RunicDB, backend_test
from runic_integration.hookspecs import ENTRY_POINT_GROUP, hookimpl, hookspec
from runic_integration.matrix import Matrix, Resolution
from runic_integration.profile import BackendProfile, GraphContext
from runic_integration.providers.base import (
    PROVIDER_KINDS,
    Provider,
    ProviderFailed,
    Server,
    Unavailable,
)
from runic_integration.providers.docker import ContainerSpec, DockerProvider, docker_engine
from runic_integration.providers.env import EnvProvider, Parsed
from runic_integration.providers.process import LocalProcess, free_port, tcp_answers, wait_until
from runic_integration.registry import ProfileRegistry
from runic_integration.sync_mode import AnySession

__all__ = [
    "ENTRY_POINT_GROUP",
    "PROVIDER_KINDS",
    "AnySession",
    "BackendProfile",
    "ContainerSpec",
    "DockerProvider",
    "EnvProvider",
    "GraphContext",
    "LocalProcess",
    "Matrix",
    "MatrixConfig",
    "Parsed",
    "ProfileRegistry",
    "Provider",
    "ProviderFailed",
    "Resolution",
    "RunicDB",
    "Server",
    "Unavailable",
    "backend_test",
    "docker_engine",
    "free_port",
    "hookimpl",
    "hookspec",
    "tcp_answers",
    "wait_until",
]
