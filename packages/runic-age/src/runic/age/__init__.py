"""Apache AGE backend for runic: sync and async drivers over psycopg 3, AGE dialect.

>>> from runic.age import create_age_driver
>>> driver = create_age_driver(host="localhost", port=5432, database="postgres",
...                            graph="my_graph", username="postgres", password="secret")
... # doctest: +SKIP
"""

from __future__ import annotations

from runic.age._base import AGESettings, AGESettingsError
from runic.age.agtype import LABELS_PROPERTY, AgtypeDecodeError, decode_agtype
from runic.age.async_driver import AsyncAGEDriver, AsyncAGETransaction
from runic.age.dialect import AGEDialect
from runic.age.driver import AGEDriver, AGETransaction
from runic.age.factories import create_age_driver, create_async_age_driver
from runic.age.sql import check_graph_name, wrap_cypher

__all__ = [
    "LABELS_PROPERTY",
    "AGEDialect",
    "AGEDriver",
    "AGESettings",
    "AGESettingsError",
    "AGETransaction",
    "AgtypeDecodeError",
    "AsyncAGEDriver",
    "AsyncAGETransaction",
    "check_graph_name",
    "create_age_driver",
    "create_async_age_driver",
    "decode_agtype",
    "wrap_cypher",
]
