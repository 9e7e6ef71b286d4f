"""runic backend plugin: registers ``age`` with runic's backend registry.

Declared as the ``age`` entry point of the ``runic.backends`` group. The
factories import psycopg only when called.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from runic.age.capabilities import AGE
from runic.ogm.registry import (
    BackendRegistry,
    BackendSpec,
    accepts_keywords,
    hookimpl,
    keywords_of,
)
from runic.ogm.urls import parse_url

if TYPE_CHECKING:
    from runic.age.async_driver import AsyncAGEDriver
    from runic.age.driver import AGEDriver

__all__ = ["CAPABILITIES", "SPEC", "runic_register_backends"]

#: What the backend can do (declared once, in runic.age.capabilities).
CAPABILITIES = AGE


def _keywords() -> Iterable[str]:
    """The factory's parameters, the driver constructor's, and every :class:`AGESettings` field."""
    from runic.age._base import AGESettings
    from runic.age.driver import AGEDriver
    from runic.age.factories import create_age_driver

    return keywords_of(create_age_driver, AGEDriver.connect, AGESettings)


@accepts_keywords(_keywords)
def create_driver(**kwargs: Any) -> AGEDriver:
    """Registry factory: see :func:`runic.age.create_age_driver`."""
    from runic.age.factories import create_age_driver

    return create_age_driver(**kwargs)


@accepts_keywords(_keywords)
def create_async_driver(**kwargs: Any) -> AsyncAGEDriver:
    """Registry async factory: see :func:`runic.age.create_async_age_driver`."""
    from runic.age.factories import create_async_age_driver

    return create_async_age_driver(**kwargs)


SPEC = BackendSpec(
    name="age",
    factory=create_driver,
    async_factory=create_async_driver,
    aliases=("apache-age",),
    capabilities=CAPABILITIES,
    install_hint="pip install ./packages/runic-age (from a runic checkout; not on PyPI)",
    description="Apache AGE on PostgreSQL over psycopg 3 (sync and async, pooled, "
    "transactional); extra labels are emulated with a _labels property",
    parse_url=lambda url: parse_url(url, path_key="database"),
)


@hookimpl
def runic_register_backends(registry: BackendRegistry) -> None:
    """Register the Apache AGE backend."""
    registry.register(SPEC)
