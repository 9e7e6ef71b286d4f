"""The documentation site (mkdocs.yml): the strict build, the API reference, the nav.

One ``mkdocs build --strict`` per test run (a few seconds): a broken link, a missing
anchor, a page left out of the nav or an unresolved reference fails it.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import subprocess
import sys
import zlib
from fnmatch import fnmatchcase
from html import unescape
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built by ``mkdocs build --strict`` (what ``hatch run docs-build`` runs)."""
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}{done.stderr}"
    return out


def inventory(site: Path) -> set[str]:
    """The object names of the site's ``objects.inv`` (every rendered API object)."""
    header, _, _, _, body = (site / "objects.inv").read_bytes().split(b"\n", 4)
    assert header == b"# Sphinx inventory version 2"
    return {line.split()[0] for line in zlib.decompress(body).decode().splitlines()}


def load(name: str, path: Path) -> Any:
    """Import the file ``path`` as a module called ``name`` (not kept in sys.modules)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def nav_pages() -> list[str]:
    """The pages mkdocs.yml's nav names (paths under docs/)."""
    text = (ROOT / "mkdocs.yml").read_text()
    nav = text.split("\nnav:\n", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^\s*- (?:[^:\n]+: )?(\S+\.md)\s*$", nav, re.MULTILINE)


def test_the_strict_build_passes(site: Path) -> None:
    assert (site / "index.html").exists()
    assert (site / "reference" / "ogm" / "index.html").exists()


@pytest.mark.parametrize(
    "module", ["runic.ogm", "runic.migrate", "runic.falkordb", "runic.bolt", "runic.age"]
)
def test_the_api_reference_lists_every_public_name(site: Path, module: str) -> None:
    names = importlib.import_module(module).__all__
    listed = inventory(site)
    missing = [name for name in names if f"{module}.{name}" not in listed]
    assert not missing, f"{module}.__all__ names missing from the API reference: {missing}"


def test_every_page_of_docs_is_in_the_nav() -> None:
    pages = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
    assert sorted(nav_pages()) == pages


def test_every_nav_page_runs_in_the_docs_run() -> None:
    """Each nav page is one the root conftest.py collects, and its ```python blocks are
    its test items (pytest --collect-only on the pages)."""
    conftest = load("_root_conftest", ROOT / "conftest.py")
    pages = [f"docs/{page}" for page in nav_pages()]
    uncovered = [p for p in pages if not any(fnmatchcase(p, g) for g in conftest.DOC_PAGES)]
    assert not uncovered, f"pages the docs run does not collect: {uncovered}"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *pages],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    collected = {line.split("::")[0] for line in done.stdout.splitlines() if "::line:" in line}
    with_code = [p for p in pages if "```python" in (ROOT / p).read_text()]
    assert with_code and sorted(collected) == sorted(with_code)


def test_getting_started_shows_the_diagram_of_its_models(site: Path) -> None:
    from runic.migrate.diagram import mermaid

    hooks = load("_docs_hooks", DOCS / "hooks.py")
    source = (DOCS / "getting-started.md").read_text()
    expected = mermaid(hooks.page_models(source, "runic_docs_test_getting_started"))
    assert "class Person {" in expected and "WORKS_FOR (employer)" in expected
    html = (site / "getting-started" / "index.html").read_text()
    drawn = re.search(r'<pre class="mermaid"><code>(.*?)</code></pre>', html, re.DOTALL)
    assert drawn is not None, "no mermaid diagram on the getting-started page"
    assert unescape(drawn.group(1)) == expected.rstrip("\n")  # the fence drops the last newline


def test_docstring_roles_become_links_or_code(site: Path) -> None:
    """``:class:`SchemaAdapter``` in a docstring links to its entry; no raw role is left."""
    pages = {p.parent.name: p.read_text() for p in (site / "reference").glob("*/index.html")}
    assert sorted(pages) == ["age", "bolt", "falkordb", "migrate", "ogm"]
    link = 'href="#runic.migrate.SchemaAdapter"><code>SchemaAdapter</code></a>'
    assert link in pages["migrate"]
    roles = re.compile(r":(?:class|func|meth|attr|data|mod|exc|obj|const):(?:<code>|`)")
    assert {name: roles.findall(text) for name, text in pages.items() if roles.search(text)} == {}
