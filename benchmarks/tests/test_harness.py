"""The benchmark harness runs end to end on tiny sizes and writes the JSON it promises.

This keeps ``python -m benchmarks`` from rotting while runic changes: it runs the
real command (every scenario, every contender, on the embedded FalkorDB) with
``--quick --scale 0.01``, then checks the exit status, the table and the JSON:
every contender ran and did the same work (the runner checks result counts and
the graph), medians are positive, and round trips are what each approach must
cost (one query for the floor's batch jobs, one per look-up in the loops).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.config import FULL
from benchmarks.report import BackendReport, markdown, to_json
from benchmarks.scenarios import SCENARIOS, scenario_keys

ROOT = Path(__file__).resolve().parents[2]
SCALE = 0.01
SIZES = FULL.sizes.scaled(SCALE)
HAS_PEER = importlib.util.find_spec("falkordb_orm") is not None
ONE_QUERY = (
    "insert_small",
    "insert_large",
    "insert_scaling",
    "update",
    "relate",
    "find_all_by_ids",
    "select",
    "fetch",
)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    out = tmp_path_factory.mktemp("bench") / "figures.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--scale",
            str(SCALE),
            "--rounds",
            "2",
            "--backend",
            "falkordb",
            "--json",
            str(out),
            "--quiet",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout, json.loads(out.read_text())


def test_table_has_a_row_per_target(run: tuple[str, dict[str, Any]]) -> None:
    table, _ = run
    assert "| scenario | n | floor | runic | runic async | falkordb-orm |" in table
    for scenario in SCENARIOS:
        for target in scenario.targets:
            assert f"| {target.label} |" in table, target.label


def test_json_meta(run: tuple[str, dict[str, Any]]) -> None:
    _, doc = run
    meta = doc["meta"]
    assert meta["command"].startswith("python -m benchmarks --quick")
    assert meta["machine"]["cores"] >= 1
    assert "tracemalloc" in meta["memory_method"]
    assert meta["config"]["rounds"] == 2
    assert meta["config"]["sizes"]["insert_small"] == SIZES.insert_small
    assert list(doc["backends"]) == ["falkordb"]


def test_every_contender_ran(run: tuple[str, dict[str, Any]]) -> None:
    _, doc = run
    backend = doc["backends"]["falkordb"]
    assert backend["status"] == "ok", backend["reason"]
    assert list(backend["scenarios"]) == scenario_keys()
    for key, scenario in backend["scenarios"].items():
        assert "error" not in scenario, scenario.get("error")
        for name, contender in scenario["contenders"].items():
            if name == "peer" and not HAS_PEER:
                assert contender["status"] == "skipped"
                assert "falkordb-orm" in contender["reason"]
                continue
            assert contender["status"] == "ok", (key, name, contender.get("reason"))
            assert 1 <= contender["rounds"] == len(contender["times_s"]) <= 2
            assert contender["median_s"] > 0
            assert contender["round_trips"], (key, name)


def test_round_trips(run: tuple[str, dict[str, Any]]) -> None:
    _, doc = run
    scenarios = doc["backends"]["falkordb"]["scenarios"]
    for key in ONE_QUERY:
        assert scenarios[key]["contenders"]["floor"]["round_trips"] == {"commands": 1}, key
    floor_loop = scenarios["get"]["contenders"]["floor"]["round_trips"]
    assert floor_loop == {"commands": SIZES.gets}
    runic_loop = scenarios["get"]["contenders"]["runic"]["round_trips"]
    assert runic_loop["statements"] == SIZES.gets
    # A flush costs at most two statements (key check + write), whatever its size.
    for key in ("insert_small", "insert_large", "insert_scaling"):
        assert 1 <= scenarios[key]["contenders"]["runic"]["round_trips"]["statements"] <= 2
    if HAS_PEER:
        peer = scenarios["insert_small"]["contenders"]["peer"]["round_trips"]
        assert peer == {"commands": SIZES.insert_small}


def test_ratios_targets_and_memory(run: tuple[str, dict[str, Any]]) -> None:
    _, doc = run
    scenarios = doc["backends"]["falkordb"]["scenarios"]
    for key, scenario in scenarios.items():
        contenders = scenario["contenders"]
        if "floor" in contenders and "runic" in contenders:
            want = contenders["runic"]["median_s"] / contenders["floor"]["median_s"]
            assert scenario["ratios"]["runic/floor"] == pytest.approx(want), key
        for target in scenario["targets"]:
            assert set(target) >= {"label", "target", "limit", "value", "passed", "detail"}
            assert isinstance(target["value"], float), (key, target)
            assert target["passed"] == (target["value"] <= target["limit"])
    large = scenarios["insert_large"]["contenders"]
    assert large["runic"]["peak_bytes"] > 0
    assert large["floor"]["peak_bytes"] > 0
    assert [t["kind"] for t in scenarios["insert_large"]["targets"]] == ["time", "memory"]


def test_skipped_backend_is_reported_with_its_reason() -> None:
    report = BackendReport(
        "age", "Apache AGE", status="skipped", reason="runic-age is not installed"
    )
    meta = {
        "command": "python -m benchmarks",
        "machine": {
            "cpu": "cpu",
            "cores": 2,
            "memory": "1 GiB",
            "implementation": "CPython",
            "python": "3.11",
            "os": "linux",
        },
    }
    text = markdown([report], FULL, meta)
    assert "skipped: runic-age is not installed" in text
    doc = to_json([report], FULL, meta)
    assert doc["backends"]["age"] == {
        "description": "Apache AGE",
        "status": "skipped",
        "reason": "runic-age is not installed",
        "versions": {},
        "scenarios": {},
        "skipped_scenarios": {},
    }


def test_rounds_interleave_and_a_contender_without_its_client_is_skipped() -> None:
    import asyncio
    from types import SimpleNamespace

    from benchmarks.config import RunConfig
    from benchmarks.counting import Counter
    from benchmarks.harness import Contender, Ctx, Job, Scenario, run_scenario

    order: list[str] = []
    checked: list[str] = []

    def contender(key: str) -> Contender:
        def prepare(ctx: Ctx) -> Job:
            return Job(lambda: order.append(key))

        return Contender(key, key, key, prepare, column=key)

    # an integration backend's graph: no falkordb-orm peer, so no "peer" counter either
    graph = SimpleNamespace(
        counters={"floor": Counter(), "runic": Counter()},
        peer=None,
        peer_reason="falkordb-orm only works with FalkorDB",
    )
    peer = Contender(
        "peer", "peer", "peer", lambda ctx: Job(lambda: None), column="peer", needs="peer"
    )
    scenario = Scenario(
        "s",
        "s",
        lambda sizes: 1,
        (contender("floor"), contender("runic"), peer),
        verify=lambda ctx: checked.append(order[-1]),
    )
    with asyncio.Runner() as runner:
        result = run_scenario(graph, scenario, RunConfig(rounds=3, warmup=1), runner, {})
    # warm-ups first, then round 1 of each contender, round 2 of each ...
    assert order == ["floor", "runic"] + ["floor", "runic"] * 3
    assert checked == ["floor", "runic"] * 3  # the graph is checked after every round
    assert [len(result.contenders[k].times_s) for k in ("floor", "runic")] == [3, 3]
    assert (result.contenders["peer"].status, result.contenders["peer"].reason) == (
        "skipped",
        "falkordb-orm only works with FalkorDB",
    )


def test_an_unknown_contender_is_refused_before_anything_runs() -> None:
    from benchmarks.cli import main

    with pytest.raises(SystemExit) as info:
        main(["--scenario", "get", "--contender", "runicc", "--quiet"])
    assert str(info.value) == (
        "--contender runicc: no such contender in the selected scenarios; "
        "known: floor, peer, runic, runic_async"
    )
