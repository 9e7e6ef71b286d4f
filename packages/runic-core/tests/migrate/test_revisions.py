"""Revision files and the revision graph: loading, checksums, targets, heads (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from runic.migrate.revisions import (
    RevisionError,
    RevisionGraph,
    checksum,
    load_revision,
    load_revisions,
    render_revision,
    slug,
)


def _write(d: Path, rid: str, parents: list[str], body: str = "pass") -> Path:
    path = d / f"{rid}_x.py"
    path.write_text(render_revision(rid, parents, f"rev {rid}", upgrade=[body]))
    return path


@pytest.fixture
def chain(tmp_path: Path) -> Path:
    _write(tmp_path, "aaaa", [])
    _write(tmp_path, "bbbb", ["aaaa"])
    _write(tmp_path, "cccc", ["bbbb"])
    return tmp_path


def test_a_rendered_file_loads_back(tmp_path: Path) -> None:
    snap = {"User": {"id": "str", "age": "int"}}
    path = tmp_path / "abcd1234_first.py"
    path.write_text(render_revision("abcd1234", [], "first", upgrade=["op.x()"], snapshot=snap))
    rev = load_revision(path)
    assert (rev.id, rev.parents, rev.message) == ("abcd1234", (), "first")
    assert rev.snapshot == snap
    assert rev.checksum == checksum(path.read_bytes())
    assert "def upgrade(op):\n    op.x()\n" in path.read_text()
    assert "def downgrade(op):\n    pass\n" in path.read_text()


def test_the_checksum_is_the_sha256_of_the_bytes(tmp_path: Path) -> None:
    assert checksum(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    path = _write(tmp_path, "aaaa", [])
    before = load_revision(path).checksum
    path.write_text(path.read_text() + "# one more line\n")
    assert load_revision(path).checksum != before


def test_plans_for_head_plus_minus_and_ids(chain: Path) -> None:
    graph = load_revisions(chain)
    assert graph.heads() == ["cccc"] and graph.head() == "cccc"
    ids = lambda revs: [r.id for r in revs]  # noqa: E731
    assert ids(graph.upgrade_plan(set(), "head")) == ["aaaa", "bbbb", "cccc"]
    assert ids(graph.upgrade_plan({"aaaa"}, "+1")) == ["bbbb"]
    assert ids(graph.upgrade_plan(set(), "bbbb")) == ["aaaa", "bbbb"]
    assert ids(graph.downgrade_plan({"aaaa", "bbbb", "cccc"}, "-1")) == ["cccc"]
    assert ids(graph.downgrade_plan({"aaaa", "bbbb", "cccc"}, "aaaa")) == ["cccc", "bbbb"]
    assert ids(graph.downgrade_plan({"aaaa", "bbbb"}, "base")) == ["bbbb", "aaaa"]
    assert [r.id for r in graph.history()] == ["cccc", "bbbb", "aaaa"]
    assert graph.current_heads({"aaaa", "bbbb"}) == ["bbbb"]


def test_bad_names_are_clear_errors(chain: Path) -> None:
    graph = load_revisions(chain)
    with pytest.raises(RevisionError, match=r"unknown revision 'zzzz' \(known: aaaa, bbbb, cccc\)"):
        graph.upgrade_plan(set(), "zzzz")
    with pytest.raises(RevisionError, match=r"'\+0': give a positive count, e.g. \+1"):
        graph.upgrade_plan(set(), "+0")
    with pytest.raises(RevisionError, match="'-x': give a positive count"):
        graph.downgrade_plan(set(), "-x")
    with pytest.raises(RevisionError, match="unknown revision 'bbb'"):
        graph.get("bbb")  # a prefix needs 4 digits


def test_two_heads_need_a_merge(chain: Path) -> None:
    _write(chain, "dddd", ["bbbb"])
    graph = load_revisions(chain)
    assert graph.heads() == ["cccc", "dddd"]
    with pytest.raises(RevisionError, match=r"2 heads \(cccc, dddd\): run 'runic migrate merge'"):
        graph.upgrade_plan(set(), "head")
    assert {r.id for r in graph.upgrade_plan(set(), "heads")} == {"aaaa", "bbbb", "cccc", "dddd"}
    _write(chain, "eeee", ["cccc", "dddd"])
    merged = load_revisions(chain)
    assert merged.head() == "eeee" and merged.by_id["eeee"].is_merge
    order = [r.id for r in merged.upgrade_plan(set(), "head")]
    assert order[0] == "aaaa" and order[-1] == "eeee" and len(order) == 5
    assert "down_revision = ('cccc', 'dddd')" in (chain / "eeee_x.py").read_text()


def test_broken_files_name_themselves(tmp_path: Path) -> None:
    _write(tmp_path, "aaaa", ["ffff"])
    with pytest.raises(RevisionError, match=r"aaaa_x.py: down_revision 'ffff' is not a known"):
        load_revisions(tmp_path)
    (tmp_path / "aaaa_x.py").write_text("revision = 'aaaa'\n")
    with pytest.raises(RevisionError, match=r"aaaa_x.py: defines no upgrade\(op\) function"):
        load_revisions(tmp_path)
    (tmp_path / "aaaa_x.py").write_text("revision = 'not hex'\n")
    with pytest.raises(RevisionError, match="revision must be a hex id string, got 'not hex'"):
        load_revisions(tmp_path)
    (tmp_path / "aaaa_x.py").write_text("import nothing_of_that_name\n")
    with pytest.raises(RevisionError, match="importing it failed: ModuleNotFoundError"):
        load_revisions(tmp_path)
    with pytest.raises(RevisionError, match="run 'runic migrate init'"):
        load_revisions(tmp_path / "absent")


def test_duplicates_and_cycles(tmp_path: Path) -> None:
    _write(tmp_path, "aaaa", ["bbbb"])
    _write(tmp_path, "bbbb", ["aaaa"])
    with pytest.raises(RevisionError, match="its own ancestor"):
        load_revisions(tmp_path)
    first = load_revision(_write(tmp_path, "cccc", []))
    with pytest.raises(RevisionError, match="revision id cccc is defined twice"):
        RevisionGraph([first, first])


def test_slug() -> None:
    assert slug("Add e-mail index!") == "add_e_mail_index"
    assert slug("") == "revision"
    assert len(slug("x" * 100)) == 40
