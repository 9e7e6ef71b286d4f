"""``python -m benchmarks``: run the scenarios, print the table, write the JSON."""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.backends import BACKENDS, Unavailable, make_backend
from benchmarks.config import FULL, QUICK, RunConfig
from benchmarks.harness import ScenarioResult, run_scenario
from benchmarks.report import BackendReport, machine, markdown, to_json
from benchmarks.scenarios import SCENARIOS, scenario_keys

__all__ = ["main"]

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "latest.json"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="runic against the raw-client floor and falkordb-orm (issue 7).",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: sizes / 10, 2 rounds, 3 s budget per contender",
    )
    parser.add_argument("--scale", type=float, help="multiply every size by this factor")
    parser.add_argument("--rounds", type=int, help="timed rounds per contender (median reported)")
    parser.add_argument("--warmup", type=int, help="untimed runs before the rounds")
    parser.add_argument(
        "--budget",
        type=float,
        help="stop a contender's rounds after this many seconds (>= 1 round)",
    )
    parser.add_argument("--pool-size", type=int, help="connections in the drivers' pools")
    parser.add_argument(
        "--backend",
        action="append",
        choices=sorted(BACKENDS),
        help="backend(s) to run (default: falkordb; arcadedb and age run "
        "when named and skip with the reason when unavailable)",
    )
    parser.add_argument(
        "--scenario",
        action="append",
        choices=scenario_keys(),
        help="scenario(s) to run (default: all)",
    )
    parser.add_argument(
        "--contender",
        action="append",
        metavar="KEY",
        help="contender(s) to run by key: floor, runic, runic_async, peer, "
        "runic_async_seq, floor_async_seq, floor_async_gather (default: all; "
        "e.g. leave out the slow peer while tuning)",
    )
    parser.add_argument(
        "--json",
        "--out",
        dest="json",
        type=Path,
        default=DEFAULT_JSON,
        help=f"where to write the raw figures (default: {DEFAULT_JSON})",
    )
    parser.add_argument(
        "--fail-on-miss", action="store_true", help="exit with status 2 when a target is missed"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    return parser


def _config(args: argparse.Namespace) -> RunConfig:
    base = QUICK if args.quick else FULL
    config = base.with_overrides(
        rounds=args.rounds, warmup=args.warmup, budget_s=args.budget, pool_size=args.pool_size
    )
    if args.scale is not None:
        config = config.with_overrides(sizes=FULL.sizes.scaled(args.scale))
    if config.rounds < 1 or config.warmup < 0:
        raise SystemExit("--rounds must be >= 1 and --warmup >= 0")
    return config


def _run_backend(
    name: str,
    config: RunConfig,
    selected: Sequence[str],
    contenders: Sequence[str],
    progress: bool,
) -> BackendReport:
    backend = make_backend(name)
    report = BackendReport(name, backend.description)
    try:
        backend.open()
    except Unavailable as exc:
        report.status, report.reason = "skipped", str(exc)
        return report
    try:
        report.description = backend.description
        report.versions = backend.versions()
        done: dict[str, ScenarioResult] = {}
        with asyncio.Runner() as runner:
            for scenario in SCENARIOS:
                if selected and scenario.key not in selected:
                    continue
                graph = backend.graph(f"bench_{scenario.key}", config.pool_size)
                try:
                    result = run_scenario(
                        graph,
                        scenario,
                        config,
                        runner,
                        done,
                        only=contenders,
                        progress=(lambda line: print(line, file=sys.stderr, flush=True))
                        if progress
                        else None,
                    )
                finally:
                    runner.run(graph.aclose())
                    graph.close()
                done[scenario.key] = result
                report.scenarios[scenario.key] = result
    except Exception as exc:  # noqa: BLE001 - reported with what ran so far
        report.status, report.reason = "error", f"{type(exc).__name__}: {exc}"
    finally:
        backend.close()
    return report


def _check_contenders(args: argparse.Namespace) -> None:
    """Refuse ``--contender`` keys that no selected scenario has (a typo runs nothing)."""
    if not args.contender:
        return
    chosen = [s for s in SCENARIOS if not args.scenario or s.key in args.scenario]
    known = sorted({c.key for s in chosen for c in s.contenders})
    unknown = sorted(set(args.contender) - set(known))
    if unknown:
        raise SystemExit(
            f"--contender {', '.join(unknown)}: no such contender in the selected "
            f"scenarios; known: {', '.join(known)}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    config = _config(args)
    _check_contenders(args)
    names = args.backend or ["falkordb"]
    started = time.perf_counter()
    meta: dict[str, Any] = {
        "command": "python -m benchmarks " + shlex.join(argv if argv is not None else sys.argv[1:]),
        "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "memory_method": "tracemalloc peak of the untimed warm-up run (Python allocations "
        "of the client process; the server is shared and not counted)",
        "round_trips": "statements = runic driver execute() calls; commands = Redis "
        "commands sent by a falkordb graph handle",
    }
    reports: list[BackendReport] = []
    for name in names:
        if not args.quiet:
            print(f"== {name}", file=sys.stderr, flush=True)
        reports.append(
            _run_backend(name, config, args.scenario or (), args.contender or (), not args.quiet)
        )
    meta["duration_s"] = round(time.perf_counter() - started, 1)
    meta["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(markdown(reports, config, meta))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(to_json(reports, config, meta), indent=2) + "\n")
    print(f"\nraw figures: {args.json} (run took {meta['duration_s']} s)")
    failed = any(
        r.status == "error"
        or any(
            s.error or any(c.status == "error" for c in s.contenders.values())
            for s in r.scenarios.values()
        )
        for r in reports
    )
    if failed:
        return 1
    missed = any(
        t["passed"] is False for r in reports for s in r.scenarios.values() for t in s.targets
    )
    return 2 if args.fail_on_miss and missed else 0
