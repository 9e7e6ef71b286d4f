"""``python -m benchmarks.profile SCENARIO [CONTENDER]``: profile one contender's timed call.

Prepares the scenario exactly as a run does (untimed), runs one warm-up, then
runs the timed call once under pyinstrument (default) or cProfile (``--cprofile``)
and prints the report; ``--html PATH`` also saves pyinstrument's HTML page.
FalkorDB backend only.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.backends import make_backend
from benchmarks.config import FULL
from benchmarks.harness import Contender, Ctx, Job
from benchmarks.scenarios import SCENARIOS, scenario_keys

__all__ = ["main"]


def _call(ctx: Ctx, contender: Contender, job: Job) -> Any:
    if contender.is_async:
        call = job.call

        async def run() -> Any:
            return await call()

        return ctx.runner.run(run())
    return job.call()


def _finish(ctx: Ctx, job: Job) -> None:
    if job.cleanup is not None:
        done = job.cleanup()
        if asyncio.iscoroutine(done):
            ctx.runner.run(done)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    parser.add_argument("scenario", choices=scenario_keys())
    parser.add_argument("contender", nargs="?", default="runic")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--cprofile", action="store_true", help="cProfile instead of pyinstrument")
    parser.add_argument("--limit", type=int, default=35, help="cProfile: rows to print")
    parser.add_argument("--html", type=Path, help="pyinstrument: also write an HTML report")
    args = parser.parse_args(argv)

    scenario = next(s for s in SCENARIOS if s.key == args.scenario)
    contender = next((c for c in scenario.contenders if c.key == args.contender), None)
    if contender is None:
        keys = ", ".join(c.key for c in scenario.contenders)
        parser.error(f"scenario {scenario.key} has no contender {args.contender!r}; use {keys}")
    backend = make_backend("falkordb")
    backend.open()
    try:
        graph = backend.graph(f"bench_profile_{scenario.key}", FULL.pool_size)
        with asyncio.Runner() as runner:
            ctx = Ctx(graph, FULL.sizes.scaled(args.scale), runner)
            try:
                if scenario.seed is not None:
                    scenario.seed(ctx)
                job = contender.prepare(ctx)
                _call(ctx, contender, job)  # warm-up
                _finish(ctx, job)
                job = contender.prepare(ctx)
                if args.cprofile:
                    profiler = cProfile.Profile()
                    profiler.enable()
                    _call(ctx, contender, job)
                    profiler.disable()
                    out = io.StringIO()
                    stats = pstats.Stats(profiler, stream=out)
                    stats.sort_stats("tottime").print_stats(args.limit)
                    stats.sort_stats("cumulative").print_stats(args.limit)
                    print(out.getvalue())
                else:
                    from pyinstrument import Profiler

                    profiler_pi = Profiler(interval=0.0005, async_mode="enabled")
                    profiler_pi.start()
                    _call(ctx, contender, job)
                    profiler_pi.stop()
                    print(profiler_pi.output_text(unicode=False, color=False, show_all=False))
                    if args.html is not None:
                        args.html.write_text(profiler_pi.output_html())
                _finish(ctx, job)
            finally:
                runner.run(graph.aclose())
                graph.close()
    finally:
        backend.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
