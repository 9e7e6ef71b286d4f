"""MkDocs hooks of the runic site (mkdocs.yml ``hooks:``).

* ``<!-- runic: diagram -->`` in a page becomes the Mermaid diagram
  (``runic.migrate.diagram.mermaid``) of the model classes that the page's ```python
  blocks above the marker define: those blocks run at build time (in an empty model
  registry, so nothing else is drawn), so the picture always matches the page's code.
  They must not need a database (the getting-started page declares its models there).
* Docstrings use Sphinx roles (``:class:`Session```); the API pages show them as
  code (``Session``) rather than as the raw role text.
"""

from __future__ import annotations

import re
import sys
import types
from typing import Any

MARKER = "<!-- runic: diagram -->"
#: The marker on a line of its own (not quoted in a sentence or a code span).
_MARKER_LINE = re.compile(r"^" + re.escape(MARKER) + r"[ \t]*$", re.MULTILINE)
_BLOCK = re.compile(r"^```python[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_SKIP = re.compile(r"<!--\s*skip:\s*next\b[^>]*-->\s*$")
_ROLE = re.compile(
    r":(?:py:)?(?:class|func|meth|attr|data|mod|exc|obj|const):<code>(~?)([^<]*)</code>"
)


def page_models(markdown: str, name: str) -> list[type]:
    """Run the ```python blocks of ``markdown`` before :data:`MARKER`; return the
    Node and Edge classes they define, in definition order."""
    from runic.ogm import metadata
    from runic.ogm.core.models import Edge, Node

    found = _MARKER_LINE.search(markdown)
    head = markdown[: found.start()] if found else markdown
    module = types.ModuleType(name)
    sys.modules[name] = module  # annotations are resolved through the class's module
    saved = metadata.snapshot()
    metadata.restore(type(saved)({}, {}, {}))
    try:
        for block in _BLOCK.finditer(head):
            if _SKIP.search(head[: block.start()]):
                continue
            code = compile(block.group(1), f"{name} (docs block)", "exec")
            exec(code, module.__dict__)  # noqa: S102 - the page's own example code
        return [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, Node | Edge)
            and value.__module__ == name
            and "__runic_meta__" in value.__dict__
        ]
    finally:
        metadata.restore(saved)
        del sys.modules[name]


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    """Replace the diagram marker with the Mermaid diagram of the page's models."""
    found = _MARKER_LINE.search(markdown)
    if found is None:
        return markdown
    from runic.migrate.diagram import mermaid

    name = "runic_docs_" + re.sub(r"\W", "_", page.file.src_uri.removesuffix(".md"))
    classes = page_models(markdown, name)
    if not classes:
        raise ValueError(f"{page.file.src_uri}: no model classes above {MARKER}")
    fence = "```mermaid\n" + mermaid(classes) + "```"
    return markdown[: found.start()] + fence + markdown[found.end() :]


def on_page_content(html: str, page: Any, **kwargs: Any) -> str:
    """Show Sphinx roles of docstrings (``:class:`~a.b.C```) as code (``C``)."""

    def code(match: re.Match[str]) -> str:
        target = match.group(2)
        if match.group(1):
            target = target.rsplit(".", 1)[-1]
        return f"<code>{target}</code>"

    return _ROLE.sub(code, html)
