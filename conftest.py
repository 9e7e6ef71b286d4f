"""Run the documentation's code as tests: every ```python block of ``docs/*.md``,
``README.md``, ``packages/*/README.md`` and ``integration/README.md`` runs as written,
in order, on an embedded FalkorDB server (see docs/testing.md, "The docs run").

* Each page is one script: its ```python blocks share one namespace and run top to
  bottom (one pytest item per block, named ``<page>::line:N,column:M``).
* Other fences (```text, ```sh, ```toml, ``` ...) are not run.
* A ```python block that must not run is preceded by ``<!-- skip: next "reason" -->``
  (the reason is required and shows up as the skip reason). Hidden code blocks
  (``<!-- code-block: python ... -->``) are not run: a page runs what it shows.
* Before a page, the test starts the process's shared embedded FalkorDB server (the
  one ``create_driver("falkordb")`` without ``host=`` runs on), so every page gets a
  fresh server and a fresh graph; after the page it drops the page's drivers and stops
  that server, checking by its process id that it is gone. A page registers its
  model classes in an empty registry of its own, so they clash with no other test's.
"""

from __future__ import annotations

import gc
import os
import re
import time
from collections.abc import Iterable
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from sybil import Document, Region, Sybil
from sybil.parsers.abstract import AbstractCodeBlockParser
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser
from sybil.parsers.markdown.lexers import FencedCodeBlockLexer
from sybil.typing import Evaluator

ROOT = Path(__file__).resolve().parent
#: The pages whose ```python blocks run (paths relative to the repository root).
DOC_PAGES = ("docs/*.md", "README.md", "packages/*/README.md", "integration/README.md")


class _FencedOnly(AbstractCodeBlockParser):
    """Fenced code blocks only: sybil's hidden ``<!-- code-block: ... -->`` is not run."""

    def __init__(self, language: str, evaluator: Evaluator) -> None:
        lexer = FencedCodeBlockLexer(
            language=r".+", mapping={"language": "arguments", "source": "source"}
        )
        super().__init__([lexer], language, evaluator)


class FencedPythonParser(PythonCodeBlockParser):
    """Every ```python fence of a page (a block starting with ``>>>`` is a doctest)."""

    codeblock_parser_class = _FencedOnly


class ReasonedSkipParser(SkipParser):
    """sybil's ``<!-- skip: ... -->``, but ``skip: next`` / ``start`` must give a reason."""

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in super().__call__(document):
            action, reason = region.parsed
            if action in ("next", "start") and not reason:
                line = document.text.count("\n", 0, region.start) + 1
                raise ValueError(
                    f"{document.path}:{line}: <!-- skip: {action} --> needs a reason: write "
                    f'<!-- skip: {action} "why this cannot run" --> (or make the block '
                    "```text if it is not Python to run)"
                )
            yield region


class _Page:
    """What one page's run holds: the lease on its server, the models it replaced."""

    def __init__(self, lease: Any, models: Any) -> None:
        self.lease = lease
        self.pid: int = lease.server.pid
        self.models = models


_PAGES: dict[int, _Page] = {}


class _PageDocument(Document):
    """A page whose namespace is named like a module (``docs_run_docs_sessions``)."""

    def __init__(self, text: str, path: str) -> None:
        super().__init__(text, path)
        rel = Path(path).resolve().relative_to(ROOT).with_suffix("")
        self.namespace["__name__"] = "docs_run_" + re.sub(r"\W", "_", rel.as_posix())


def _process_alive(pid: int) -> bool:
    """True if ``pid`` runs (a zombie counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _own_models() -> Any:
    """Give the page an empty model registry; return the one it replaces.

    A page's classes then never clash with models other tests registered (a test
    module's ``Item`` and a page's ``Item``), and are gone after the page.
    """
    from runic.ogm import metadata

    saved = metadata.snapshot()
    metadata.restore(type(saved)({}, {}, {}))
    return saved


def _setup_page(namespace: dict[str, Any]) -> None:
    from runic.falkordb import embedded

    running = embedded._shared.get(None)
    if running is not None and running.server.running:
        raise RuntimeError(
            f"an embedded FalkorDB server is already running ({running.server!r}); "
            "the docs run starts its own for each page: close the drivers that hold it"
        )
    _PAGES[id(namespace)] = _Page(embedded.acquire_embedded(), _own_models())


def _teardown_page(namespace: dict[str, Any]) -> None:
    from runic.falkordb import embedded

    page = _PAGES.pop(id(namespace))
    # The page's drivers go with its namespace; their finalizers give the server back.
    name = namespace["__name__"]
    namespace.clear()
    namespace["__name__"] = name
    gc.collect()
    from runic.ogm import metadata

    metadata.restore(page.models)
    entry = embedded._shared.get(None)
    page.lease.release()  # the last lease stops the server
    # Something may still hold a lease (e.g. a failed block's traceback keeps a driver
    # alive): stop the server all the same and drop it from the registry, so that no
    # later test finds it.
    page.lease.server.stop()
    if entry is not None and embedded._shared.get(None) is entry:
        del embedded._shared[None]
    deadline = time.monotonic() + 10
    while _process_alive(page.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    if _process_alive(page.pid):
        os.kill(page.pid, 9)
        raise RuntimeError(f"the docs run's FalkorDB server (pid {page.pid}) did not stop")


_docs = Sybil(
    parsers=[ReasonedSkipParser(), FencedPythonParser()],
    patterns=["*.md"],
    document_types={".md": _PageDocument},
    setup=_setup_page,
    teardown=_teardown_page,
)
_collect_page = _docs.pytest()


def pytest_collect_file(file_path: Path, parent: Any) -> Any:
    """Collect the pages of :data:`DOC_PAGES` (and nothing else) with sybil."""
    try:
        rel = file_path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return None
    if any(fnmatchcase(rel, pattern) for pattern in DOC_PAGES):
        return _collect_page(file_path, parent)
    return None
