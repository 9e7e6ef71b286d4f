"""Sessions: the unit of work, sync and async, and connection managers."""

from runic.ogm.session.async_session import AsyncSession
from runic.ogm.session.bound import AsyncBoundQuery, BoundQuery
from runic.ogm.session.bulk import BulkResult
from runic.ogm.session.connection_pool import AsyncConnectionManager, ConnectionManager
from runic.ogm.session.core import StaleDataError
from runic.ogm.session.session import Session

__all__ = [
    "AsyncBoundQuery",
    "AsyncConnectionManager",
    "AsyncSession",
    "BoundQuery",
    "BulkResult",
    "ConnectionManager",
    "Session",
    "StaleDataError",
]
