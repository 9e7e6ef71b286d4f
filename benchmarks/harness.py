"""Scenario and contender types, and the loop that times them.

A :class:`Scenario` lists :class:`Contender` s (floor, runic, runic async, peer,
...). For each contender the runner calls ``prepare`` (never timed: resets or
seeds the graph, loads what the job starts from) which returns a
:class:`Job`; only ``Job.call`` is timed. ``warmup`` untimed runs come first, then
up to ``rounds`` timed ones (fewer once ``budget_s`` is spent; a warm-up that
alone took ``budget_s`` is kept as the single round instead). The contenders'
rounds are interleaved (round 1 of each, round 2 of each ...), except ``solo``
ones, which run theirs afterwards; the scenario's check runs after every round.
Round trips are read from the contender's counter around the timed call.
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
from benchmarks.counting import Counter

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
    # True: its rounds run after the interleaved rounds of the others (falkordb-orm:
    # its long, allocation-heavy rounds slowed the rounds that followed them)
    solo: bool = False
    # checks the graph after this contender's rounds instead of the scenario's check
    verify: Callable[[Ctx], None] | None = None


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

    def rounds_time(self) -> float:
        """Seconds spent in warm-ups and timed rounds (for the progress lines)."""
        return (
            sum(self.warmup_s)
            + sum(self.times_s)
            - (self.times_s[0] if self.reused_warmup and self.times_s else 0.0)
        )

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


class _ContenderRun:
    """One contender's warm-up and timed rounds within a scenario.

    The runner interleaves the contenders' rounds (round 1 of each, then round 2
    of each ...), so a change in the shared machine's load during the scenario
    reaches every contender alike instead of whichever ran at the time.
    """

    def __init__(
        self, ctx: Ctx, scenario: Scenario, contender: Contender, config: RunConfig
    ) -> None:
        self.ctx = ctx
        self.scenario = scenario
        self.contender = contender
        self.config = config
        self.result = ContenderResult(contender.key, contender.label, contender.column)
        # a skipped contender (no peer on this backend) may have no counter at all
        self.counter = ctx.graph.counters.get(contender.counter) or Counter()
        self.expected = scenario.expected(ctx.sizes) if scenario.expected is not None else None
        self.rounds_left = config.rounds
        self.spent = 0.0

    @property
    def done(self) -> bool:
        """No more rounds to run (all run, budget spent, skipped or failed)."""
        return self.rounds_left <= 0 or self.result.status != "ok"

    def _record(self, elapsed: float, value: Any) -> None:
        result = self.result
        result.round_trips = self.counter.snapshot()
        result.times_s.append(elapsed)
        if self.expected is not None and self.contender.results is not None:
            got = self.contender.results(value)
            if got != self.expected:
                raise AssertionError(
                    f"{self.contender.label} returned {got} results, expected {self.expected}"
                )

    def _fail(self, exc: BaseException) -> None:
        self.result.status = "error"
        self.result.reason = _short_error(exc)

    def warm_up(self) -> None:
        """Skip a contender without its client; run the untimed warm-ups (one traced)."""
        ctx, contender, result, config = self.ctx, self.contender, self.result, self.config
        if contender.needs is not None and getattr(ctx.graph, contender.needs, None) is None:
            result.status = "skipped"
            result.reason = str(
                getattr(ctx.graph, f"{contender.needs}_reason", "")
                or f"this backend has no {contender.needs}"
            )
            return
        scenario = self.scenario
        try:
            warmups = config.warmup if contender.warmup else 0
            if scenario.memory and contender.traced:
                warmups = max(warmups, 1)
            for index in range(warmups):
                job = contender.prepare(ctx)
                self.counter.reset()
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
                    self._record(elapsed, value)
                    self._verify()
                    self.rounds_left = 0
                    return
        except Exception as exc:  # noqa: BLE001 - one broken contender must not stop the run
            self._fail(exc)

    def one_round(self) -> None:
        """Run one timed round, then check what it left behind."""
        try:
            job = self.contender.prepare(self.ctx)
            self.counter.reset()
            elapsed, value = _invoke(self.ctx, self.contender, job)
            self._record(elapsed, value)
            self._verify()
        except Exception as exc:  # noqa: BLE001 - one broken contender must not stop the run
            self._fail(exc)
            return
        self.rounds_left -= 1
        self.spent += elapsed
        if self.spent >= self.config.budget_s:
            self.rounds_left = 0

    def _verify(self) -> None:
        check = self.contender.verify or self.scenario.verify
        if check is not None:
            check(self.ctx)


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
    runs: list[_ContenderRun] = []
    for contender in scenario.contenders:
        if only and contender.key not in only:
            continue
        run = _ContenderRun(ctx, scenario, contender, config)
        run.warm_up()
        out.contenders[contender.key] = run.result
        runs.append(run)
    interleaved = [run for run in runs if not run.contender.solo]
    for group in (interleaved, [run for run in runs if run.contender.solo]):
        while any(not run.done for run in group):
            for run in group:
                if not run.done:
                    run.one_round()
    for run in runs:
        result = run.result
        if progress is not None:
            median = result.median_s
            shown = f"{median * 1000:.1f} ms" if median is not None else result.status
            progress(
                f"  {scenario.key:<16} {run.contender.label:<28} {shown:>12}"
                f"  ({result.rounds_time():.1f} s)"
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
