"""The markdown table printed after a run, and the JSON document of raw figures."""

from __future__ import annotations

import dataclasses
import os
import platform
import sys
from typing import Any

from benchmarks.config import RunConfig
from benchmarks.harness import ContenderResult, ScenarioResult

__all__ = ["BackendReport", "machine", "markdown", "to_json"]

COLUMNS = (
    ("floor", "floor"),
    ("runic", "runic"),
    ("runic_async", "runic async"),
    ("peer", "falkordb-orm"),
)


@dataclasses.dataclass
class BackendReport:
    """One backend's outcome: skipped with a reason, or its scenario results."""

    name: str
    description: str = ""
    status: str = "ok"  # ok | skipped | error
    reason: str = ""
    versions: dict[str, str] = dataclasses.field(default_factory=dict)
    scenarios: dict[str, ScenarioResult] = dataclasses.field(default_factory=dict)
    skipped_scenarios: dict[str, str] = dataclasses.field(default_factory=dict)


def machine() -> dict[str, Any]:
    """Where the run happened."""
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kib = int(info.readline().split()[1])
            memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
    }


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    ms = seconds * 1000
    return f"{ms:.0f} ms" if ms >= 100 else f"{ms:.1f} ms"


def _mib(value: int | None) -> str:
    return "-" if value is None else f"{value / 1024 / 1024:.1f} MiB"


def _cell(result: ContenderResult | None, kind: str) -> str:
    if result is None:
        return "-"
    if result.status != "ok":
        return result.status
    return _mib(result.peak_bytes) if kind == "memory" else _ms(result.median_s)


def _trips(result: ContenderResult | None) -> str:
    if result is None or result.status != "ok":
        return "-"
    trips = result.round_trips
    if "statements" in trips:
        text = str(trips["statements"])
        extra = trips.get("commands", trips["statements"]) - trips["statements"]
        return text + (f" (+{extra} cmd)" if extra > 0 else "")
    return str(trips.get("commands", "-"))


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def _by_column(result: ScenarioResult) -> dict[str, ContenderResult]:
    out: dict[str, ContenderResult] = {}
    for contender in result.contenders.values():
        if contender.column is not None:
            out[contender.column] = contender
    return out


def _verdict(target: dict[str, Any]) -> str:
    if target["passed"] is None:
        return "n/a"
    return "pass" if target["passed"] else "**miss**"


def markdown(reports: list[BackendReport], config: RunConfig, meta: dict[str, Any]) -> str:
    """Every backend's table, with the machine and settings above it."""
    host = meta["machine"]
    lines = [
        f"Machine: {host['cpu']}, {host['cores']} cores, {host['memory']}; "
        f"{host['implementation']} {host['python']}; {host['os']}",
        f"Command: `{meta['command']}`; median of up to {config.rounds} rounds after "
        f"{config.warmup} warm-up run(s), at most {config.budget_s:g} s of rounds per contender.",
        "",
    ]
    for report in reports:
        lines.append(f"### {report.name}: {report.description}")
        lines.append("")
        if report.status != "ok":
            lines.append(f"{report.status}: {report.reason}")
            lines.append("")
            continue
        if report.versions:
            lines.append(", ".join(f"{k} {v}" for k, v in report.versions.items()))
            lines.append("")
        lines.append(
            "| scenario | n | "
            + " | ".join(label for _, label in COLUMNS)
            + " | runic/floor | runic/orm | round trips floor / runic / orm"
            " | target | measured | result |"
        )
        lines.append("|" + " --- |" * 13)
        for key, result in report.scenarios.items():
            cols = _by_column(result)
            if result.error:
                lines.append(
                    f"| {result.scenario.title} | {result.size:,} | {result.error} |" + " |" * 10
                )
                continue
            ratios = result.ratios()
            main = ratios.get("runic/floor", ratios.get("runic_async/floor"))
            peer = ratios.get("runic/falkordb_orm", ratios.get("runic_async/falkordb_orm"))
            trips = " / ".join(_trips(cols.get(c)) for c in ("floor", "runic", "peer"))
            targets = result.targets or [
                {
                    "label": result.scenario.title,
                    "target": "-",
                    "value": None,
                    "passed": None,
                    "detail": "",
                    "kind": "time",
                }
            ]
            for index, target in enumerate(targets):
                kind = str(target.get("kind", "time"))
                cells = [_cell(cols.get(c), kind) for c, _ in COLUMNS]
                first = index == 0
                value = target["value"]
                measured = "-" if value is None else f"{value:.2f} ({target['detail']})"
                lines.append(
                    f"| {target['label']} | {result.size:,} | "
                    + " | ".join(cells)
                    + f" | {_ratio(main) if first and kind == 'time' else ''}"
                    f" | {_ratio(peer) if first and kind == 'time' else ''}"
                    f" | {trips if first else ''} | {target['target']} | {measured}"
                    f" | {_verdict(target)} |"
                )
            del key
        for key, reason in report.skipped_scenarios.items():
            lines.append(f"| {key} | - |" + " - |" * 4 + f" | | | | skipped: {reason} | | |")
        lines.append("")
        problems = [
            f"- {result.scenario.key} / {c.label}: {c.status}: {c.reason}"
            for result in report.scenarios.values()
            for c in result.contenders.values()
            if c.status != "ok"
        ]
        if problems:
            lines.append("Contenders that did not run:")
            lines.extend(problems)
            lines.append("")
    return "\n".join(lines)


def to_json(
    reports: list[BackendReport], config: RunConfig, meta: dict[str, Any]
) -> dict[str, Any]:
    """The raw figures: every round of every contender, round trips, targets."""
    return {
        "meta": {
            **meta,
            "config": {
                "rounds": config.rounds,
                "warmup": config.warmup,
                "budget_s": config.budget_s,
                "pool_size": config.pool_size,
                "sizes": dataclasses.asdict(config.sizes),
            },
        },
        "backends": {
            report.name: {
                "description": report.description,
                "status": report.status,
                "reason": report.reason,
                "versions": report.versions,
                "scenarios": {k: r.to_json() for k, r in report.scenarios.items()},
                "skipped_scenarios": report.skipped_scenarios,
            }
            for report in reports
        },
    }
