"""falkordb-orm 1.2.2 models with the same labels and properties as benchmarks.models.

Kept in their own module (imported only when falkordb-orm is installed) and
written without ``from __future__ import annotations``: falkordb-orm reads the
annotations at decoration time.
"""

from typing import Any, List, Optional  # noqa: UP035 - falkordb-orm inspects typing.List

from falkordb_orm import node, relationship  # type: ignore[import-untyped]

from benchmarks.models import CHILD, HAS, ITEM, PARENT


@node(ITEM)
class OrmItem:
    id: Optional[str] = None  # noqa: UP045
    name: str = ""
    score: int = 0


@node(CHILD)
class OrmChild:
    # Holds the key string when read back, the node id where relations are saved.
    id: Any = None
    n: int = 0


@node(PARENT)
class OrmParent:
    id: Any = None
    name: str = ""
    children: List[OrmChild] = relationship(HAS, target=OrmChild)  # noqa: UP006
