"""Repositories: typed reads for one entity class."""

from runic.ogm.repository.async_repository import AsyncRepository
from runic.ogm.repository.repository import Repository

__all__ = ["AsyncRepository", "Repository"]
