"""Scenario and contender types, and the loop that times them.

A :class:`Scenario` lists :class:`Contender` s (floor, runic, runic async, peer,
...). For each contender the runner calls ``prepare`` (never timed: resets or
seeds the graph, loads what the job starts from) which returns a
:class:`Job`; only ``Job.call`` is timed. ``warmup`` untimed runs come first, then
up to ``rounds`` timed ones (fewer once ``budget_s`` is spent; a warm-up that
alone took ``budget_s`` is kept as the single round instead). Round trips are
read from the contender's counter around the timed call.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
import traceback
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.backends.base import BenchGraph
from benchmarks.config import RunConfig, Sizes

__all__ = [
    "Contender",
    "ContenderResult",
    "Ctx",
    "Job",
    "Scenario",
    "ScenarioResult",
    "Target",
    "run_scenario",
]


@dataclass
class Ctx:
    """What a scenario's callbacks work with: the graph, the sizes, a scratch cache."""

    graph: BenchGraph
    sizes: Sizes
    runner: asyncio.Runner
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass
class Job:
    """One prepared run: ``call`` is timed; ``cleanup`` runs after it, untimed.

    For async contenders ``call`` returns an awaitable, run on the run's event loop.
    """

    call: Callable[[], Any]
    cleanup: Callable[[], Any] | None = None


@dataclass(frozen=True)
class Contender:
    """One way of doing a scenario's job.

    ``column`` places it in the summary table (``floor``, ``runic``,
    ``runic_async``, ``peer``; ``None``: only in the JSON). ``counter`` names the
    :class:`~benchmarks.counting.Counter` of the handle it uses. ``results``
    turns what ``call`` returned into a count the scenario checks (``expected``).
    """

    key: str
    label: str
    counter: str
    prepare: Callable[[Ctx], Job]
    column: str | None = None
    is_async: bool = False
    needs: str | None = None  # "peer" or "async_floor": skipped when the graph lacks it
    results: Callable[[Any], int] | None = None
    warmup: bool = True  # False: an earlier scenario already ran (warmed) the same code
    traced: bool = True  # False: no memory measurement in memory scenarios


@dataclass(frozen=True)
class Target:
    """A goal of the issue's table, checked on the measured figures.

    ``measure`` gets the scenario's results and everything measured so far for
    the backend and returns ``(value, detail)`` or ``None`` if a needed figure is
    missing. The target passes when ``value <= limit``.
    """

    label: str
    text: str
    limit: float
    measure: Callable[[ScenarioResult, dict[str, ScenarioResult]], tuple[float, str] | None]
    kind: str = "time"  # "time" or "memory": what the table row shows


@dataclass(frozen=True)
class Scenario:
    """A job, the contenders doing it, and the targets checked on it."""

    key: str
    title: str
    size: Callable[[Sizes], int]
    contenders: tuple[Contender, ...]
    targets: tuple[Target, ...] = ()
    seed: Callable[[Ctx], None] | None = None
    expected: Callable[[Sizes], int] | None = None
    verify: Callable[[Ctx], None] | None = None
    memory: bool = False
    note: str = ""


@dataclass
class ContenderResult:
    """Figures of one contender in one scenario."""

    key: str
    label: str
    column: str | None
    status: str = "ok"  # ok | skipped | error
    reason: str = ""
    times_s: list[float] = field(default_factory=list)
    warmup_s: list[float] = field(default_factory=list)
    round_trips: dict[str, int] = field(default_factory=dict)
    peak_bytes: int | None = None
    reused_warmup: bool = False  # the warm-up took the whole budget and became the round

    @property
    def median_s(self) -> float | None:
        return statistics.median(self.times_s) if self.times_s else None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, "column": self.column, "status": self.status}
        if self.reason:
            out["reason"] = self.reason
        if self.status == "ok":
            out.update(
                median_s=self.median_s,
                min_s=min(self.times_s),
                max_s=max(self.times_s),
                rounds=len(self.times_s),
                times_s=self.times_s,
                warmup_s=self.warmup_s,
                reused_warmup=self.reused_warmup,
                round_trips=self.round_trips,
            )
            if self.peak_bytes is not None:
                out["peak_bytes"] = self.peak_bytes
        return out


@dataclass
class ScenarioResult:
    """Every contender's figures for one scenario, and the targets' verdicts."""

    scenario: Scenario
    size: int
    contenders: dict[str, ContenderResult] = field(default_factory=dict)
    targets: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""

    def median(self, key: str) -> float | None:
        result = self.contenders.get(key)
        return result.median_s if result is not None and result.status == "ok" else None

    def ratio(self, num: str, den: str) -> float | None:
        a, b = self.median(num), self.median(den)
        return a / b if a is not None and b else None

    def ratios(self) -> dict[str, float]:
        pairs = {
            "runic/floor": ("runic", "floor"),
            "runic_async/floor": ("runic_async", "floor"),
            "runic/falkordb_orm": ("runic", "peer"),
            "runic_async/falkordb_orm": ("runic_async", "peer"),
        }
        out: dict[str, float] = {}
        for name, (num, den) in pairs.items():
            value = self.ratio(num, den)
            if value is not None:
                out[name] = value
        return out

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "title": self.scenario.title,
            "size": self.size,
            "contenders": {k: r.to_json() for k, r in self.contenders.items()},
            "ratios": self.ratios(),
            "targets": self.targets,
        }
        if self.scenario.note:
            out["note"] = self.scenario.note
        if self.error:
            out["error"] = self.error
        return out


def _short_error(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    where = "; ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in frames)
    return f"{type(exc).__name__}: {exc} (at {where})"


def _invoke(ctx: Ctx, contender: Contender, job: Job) -> tuple[float, Any]:
    gc.collect()
    if contender.is_async:
        call = job.call

        async def timed() -> tuple[float, Any]:
            start = time.perf_counter()
            value = await call()
            return time.perf_counter() - start, value

        elapsed, value = ctx.runner.run(timed())
    else:
        start = time.perf_counter()
        value = job.call()
        elapsed = time.perf_counter() - start
    if job.cleanup is not None:
        done = job.cleanup()
        if asyncio.iscoroutine(done):
            ctx.runner.run(done)
    return elapsed, value


def _run_contender(
    ctx: Ctx, scenario: Scenario, contender: Contender, config: RunConfig
) -> ContenderResult:
    result = ContenderResult(contender.key, contender.label, contender.column)
    if contender.needs is not None and getattr(ctx.graph, contender.needs, None) is None:
        result.status = "skipped"
        result.reason = str(
            getattr(ctx.graph, f"{contender.needs}_reason", "")
            or f"this backend has no {contender.needs}"
        )
        return result
    counter = ctx.graph.counters[contender.counter]
    expected = scenario.expected(ctx.sizes) if scenario.expected is not None else None

    def record(elapsed: float, value: Any) -> None:
        result.round_trips = counter.snapshot()
        result.times_s.append(elapsed)
        if expected is not None and contender.results is not None:
            got = contender.results(value)
            if got != expected:
                raise AssertionError(
                    f"{contender.label} returned {got} results, expected {expected}"
                )

    try:
        warmups = config.warmup if contender.warmup else 0
        if scenario.memory and contender.traced:
            warmups = max(warmups, 1)
        rounds = config.rounds
        for index in range(warmups):
            job = contender.prepare(ctx)
            counter.reset()
            traced = scenario.memory and contender.traced and index == 0
            if traced:
                gc.collect()
                tracemalloc.start()
                base = tracemalloc.get_traced_memory()[0]
            try:
                elapsed, value = _invoke(ctx, contender, job)
            finally:
                if traced:
                    result.peak_bytes = tracemalloc.get_traced_memory()[1] - base
                    tracemalloc.stop()
            result.warmup_s.append(elapsed)
            if not traced and elapsed >= config.budget_s:
                # A run this long is its own warm-up: keep it as the one round.
                result.reused_warmup = True
                record(elapsed, value)
                rounds = 0
                break
        spent = 0.0
        for _ in range(rounds):
            job = contender.prepare(ctx)
            counter.reset()
            elapsed, value = _invoke(ctx, contender, job)
            record(elapsed, value)
            spent += elapsed
            if spent >= config.budget_s:
                break
        if scenario.verify is not None:
            scenario.verify(ctx)
    except Exception as exc:  # noqa: BLE001 - one broken contender must not stop the run
        result.status = "error"
        result.reason = _short_error(exc)
    return result


def run_scenario(
    graph: BenchGraph,
    scenario: Scenario,
    config: RunConfig,
    runner: asyncio.Runner,
    earlier: dict[str, ScenarioResult],
    only: Sequence[str] = (),
    progress: Callable[[str], None] | None = None,
) -> ScenarioResult:
    """Run every contender of ``scenario`` on ``graph``; evaluate its targets."""
    ctx = Ctx(graph, config.sizes, runner)
    out = ScenarioResult(scenario, scenario.size(config.sizes))
    try:
        if scenario.seed is not None:
            scenario.seed(ctx)
    except Exception as exc:  # noqa: BLE001 - reported, the run goes on
        out.error = f"seeding failed: {_short_error(exc)}"
        return out
    for contender in scenario.contenders:
        if only and contender.key not in only:
            continue
        started = time.perf_counter()
        out.contenders[contender.key] = result = _run_contender(ctx, scenario, contender, config)
        if progress is not None:
            median = result.median_s
            shown = f"{median * 1000:.1f} ms" if median is not None else result.status
            progress(
                f"  {scenario.key:<16} {contender.label:<28} {shown:>12}"
                f"  ({time.perf_counter() - started:.1f} s)"
                + (f"  {result.reason}" if result.status != "ok" else "")
            )
    earlier = {**earlier, scenario.key: out}
    for target in scenario.targets:
        measured = target.measure(out, earlier)
        verdict: dict[str, Any] = {
            "label": target.label,
            "target": target.text,
            "limit": target.limit,
            "kind": target.kind,
        }
        if measured is None:
            verdict.update(value=None, passed=None, detail="not measured")
        else:
            value, detail = measured
            verdict.update(value=value, passed=value <= target.limit, detail=detail)
        out.targets.append(verdict)
    return out
