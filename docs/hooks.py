"""MkDocs hooks of the runic site (mkdocs.yml ``hooks:``).

* ``<!-- runic: diagram -->`` in a page becomes the Mermaid diagram
  (``runic.migrate.diagram.mermaid``) of the model classes that the page's ```python
  blocks above the marker define: those blocks run at build time (in an empty model
  registry, so nothing else is drawn), so the picture always matches the page's code.
  They must not need a database (the getting-started page declares its models there).
* Docstrings use Sphinx roles (``:class:`Session```); the API pages show them as
  links to the reference (``Session``) rather than as the raw role text, and a
  paragraph ending in reST's ``::`` with one colon.
"""

from __future__ import annotations

import functools
import importlib
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


#: The packages of the API reference, in the order short names are looked up.
API_MODULES = ("runic.ogm", "runic.migrate", "runic.falkordb", "runic.bolt", "runic.age")


@functools.cache
def _public_names() -> dict[str, frozenset[str]]:
    return {name: frozenset(importlib.import_module(name).__all__) for name in API_MODULES}


def role_target(target: str, page_module: str | None) -> str | None:
    """The API reference identifier a docstring role's target names, if any.

    ``runic.x.y`` names itself; ``Name`` or ``Name.attr`` is looked up in the
    ``__all__`` of the page's package first, then of the others in
    :data:`API_MODULES` order. A bare method name (``count``) names nothing.
    """
    if target.startswith("runic."):
        return target
    head = target.split(".", 1)[0]
    names = _public_names()
    order = [m for m in (page_module, *API_MODULES) if m is not None]
    for module in dict.fromkeys(order):
        if head in names.get(module, ()):
            return f"{module}.{target}"
    return None


def on_page_content(html: str, page: Any, **kwargs: Any) -> str:
    """Turn the Sphinx roles of docstrings (``:class:`~a.b.C```) into links to the API
    reference where the target is in it (else into code, ``C``).

    The links are mkdocs-autorefs references, resolved when every page is rendered;
    ``optional``: a target the reference does not render stays plain code.
    """
    uri = page.file.src_uri
    page_module = None
    if uri.startswith("reference/"):
        page_module = "runic." + uri.removeprefix("reference/").removesuffix(".md")

    def link(match: re.Match[str]) -> str:
        target = match.group(2).strip()
        shown = target.rsplit(".", 1)[-1] if match.group(1) else target
        identifier = role_target(target.lstrip("."), page_module)
        code = f"<code>{shown}</code>"
        if identifier is None:
            return code
        return f'<autoref identifier="{identifier}" optional>{code}</autoref>'

    html = _ROLE.sub(link, html)
    # reST's "text::" before a literal block: Markdown shows the block, so one colon.
    return html.replace("::</p>", ":</p>") if page_module else html
