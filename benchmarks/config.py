"""Run settings: sizes of every scenario, rounds, warm-up and time budgets."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

__all__ = ["FULL", "QUICK", "RunConfig", "Sizes"]


@dataclass(frozen=True)
class Sizes:
    """How many nodes, relations and look-ups each scenario works with."""

    insert_small: int = 10_000
    insert_large: int = 100_000
    insert_scaling: int = 40_000
    update: int = 10_000
    parents: int = 1_000
    children_per_parent: int = 5
    graph_items: int = 10_000
    gets: int = 1_000
    by_ids: int = 1_000
    select: int = 10_000
    async_gets: int = 1_000

    def scaled(self, factor: float) -> Sizes:
        """Every count multiplied by ``factor`` (at least 10; children per parent kept)."""
        if factor == 1:
            return self
        values = {
            f.name: (
                getattr(self, f.name)
                if f.name == "children_per_parent"
                else max(10, round(getattr(self, f.name) * factor))
            )
            for f in dataclasses.fields(self)
        }
        return Sizes(**values)


@dataclass(frozen=True)
class RunConfig:
    """Sizes plus how often and how long each contender runs.

    ``rounds`` timed runs follow ``warmup`` untimed ones; a contender stops early
    (after at least one timed round) once its rounds took ``budget_s`` seconds, so a
    slow peer cannot blow the run time up. The memory scenario traces its warm-up
    run with ``tracemalloc`` (that run is never timed).
    """

    sizes: Sizes = dataclasses.field(default_factory=Sizes)
    rounds: int = 5
    warmup: int = 1
    budget_s: float = 8.0
    pool_size: int = 16

    def with_overrides(self, **changes: Any) -> RunConfig:
        """A copy with the given fields replaced (``None`` values ignored)."""
        kept: dict[str, Any] = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, **kept)


FULL = RunConfig()
QUICK = RunConfig(sizes=Sizes().scaled(0.1), rounds=2, warmup=1, budget_s=3.0)
