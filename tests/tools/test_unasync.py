"""scripts/unasync.py: the rewrite rules and the drift check."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "unasync.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("runic_unasync", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["runic_unasync"] = module
    spec.loader.exec_module(module)
    return module


unasync = _load()

SOURCE = '''"""The asyncio thing."""

from __future__ import annotations

import asyncio

__all__ = ["AsyncThing"]


class AsyncThing:
    """Use :class:`AsyncThing` with ``async with``."""

    async def __aenter__(self) -> AsyncThing:
        return self

    async def run(self, conn: object) -> object:
        await asyncio.sleep(0.1)
        row = await (await conn.execute("SELECT 1")).fetchone()  # type: ignore[attr-defined]
        async with conn:  # type: ignore[attr-defined]
            pass
        await asyncio.to_thread(print)  # unasync: async-only
        # print()  # unasync: sync-only
        # unasync: begin async-only
        await asyncio.sleep(0)
        # unasync: end
        # unasync: begin sync-only
        # print("sync")
        # unasync: end
        return row
'''

EXPECTED = '''# Generated from thing_async.py by scripts/unasync.py: do not edit.
# Edit the asyncio source, then run `python scripts/unasync.py`.
"""The blocking thing."""

from __future__ import annotations

import time

__all__ = ["Thing"]


class Thing:
    """Use :class:`Thing` with ``async with``."""

    def __enter__(self) -> Thing:
        return self

    def run(self, conn: object) -> object:
        time.sleep(0.1)
        row = conn.execute("SELECT 1").fetchone()  # type: ignore[attr-defined]
        with conn:  # type: ignore[attr-defined]
            pass
        print()
        print("sync")
        return row
'''


@pytest.fixture
def pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> object:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "thing_async.py").write_text(SOURCE)
    monkeypatch.setattr(unasync, "ROOT", tmp_path)
    the_pair = unasync.Pair(
        source="pkg/thing_async.py",
        target="pkg/thing.py",
        names={"AsyncThing": "Thing"},
        text=[("The asyncio thing.", "The blocking thing.")],
    )
    monkeypatch.setattr(unasync, "PAIRS", [the_pair])
    return the_pair


def test_the_rewrite_rules(pair: object) -> None:
    assert unasync.generate(pair) == EXPECTED


def test_the_check_fails_on_a_hand_edit_and_passes_once_regenerated(
    pair: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "pkg" / "thing.py"
    assert unasync.main(["--check"]) == 1  # missing
    assert unasync.main([]) == 0
    assert target.read_text() == EXPECTED
    assert unasync.main(["--check"]) == 0
    target.write_text(EXPECTED.replace("time.sleep(0.1)", "time.sleep(0.2)"))
    capsys.readouterr()
    assert unasync.main(["--check"]) == 1
    out, err = capsys.readouterr()
    assert "-        time.sleep(0.2)" in out and "+        time.sleep(0.1)" in out
    assert "pkg/thing.py" in err and "Edit the async source instead" in err


def test_a_stale_text_substitution_is_an_error(pair: object, tmp_path: Path) -> None:
    (tmp_path / "pkg" / "thing_async.py").write_text(SOURCE.replace("asyncio thing", "other"))
    with pytest.raises(unasync.GenerateError, match="matches nothing"):
        unasync.generate(pair)


def test_an_unclosed_block_is_an_error(pair: object, tmp_path: Path) -> None:
    (tmp_path / "pkg" / "thing_async.py").write_text(
        SOURCE.replace("        # unasync: end\n", "", 1)
    )
    with pytest.raises(unasync.GenerateError, match=r"nested|never closed"):
        unasync.generate(pair)


def test_the_tree_is_up_to_date() -> None:
    """The same check `hatch run lint` and `hatch run test` run first."""
    module = _load()
    assert module.main(["--check"]) == 0
