"""Generate the blocking twin of an asyncio source file (runic's unasync step).

The asyncio drivers are the source; their blocking twins are generated from them and
carry a "generated, do not edit" header. Edit the async file, then run::

    python scripts/unasync.py           # rewrite every generated file
    python scripts/unasync.py --check   # exit 1 (with a diff) if one differs

``hatch run lint`` and ``hatch run test`` run the check, so a hand edit of a generated
file (or a forgotten regeneration) fails CI.

The rewrite works on tokens:

- ``async def`` / ``async with`` / ``async for`` lose ``async``; ``await`` is dropped;
- names are renamed by :data:`COMMON_NAMES` plus the pair's own ``names`` (class names,
  ``asyncio.sleep`` -> ``time.sleep``: a dotted key renames ``a.b`` as a whole), in
  code and, as whole words, in strings and comments (docstrings, ``__all__``);
- the pair's ``text`` substitutions (exact text, e.g. a docstring's first line) are
  applied to the source first; each must match at least once, so a stale one fails.

Where the two versions really differ, mark lines in the async source::

    x = await asyncio.to_thread(f)  # unasync: async-only      (line dropped)
    # x = f()  # unasync: sync-only                            (line uncommented)
    # unasync: begin async-only
    ...                                                      (lines dropped)
    # unasync: end
    # unasync: begin sync-only
    # x = f()                       (commented here, uncommented in the sync file)
    # unasync: end

The output then goes through ``ruff check --fix --select I,F401`` (imports left unused
or out of order by a rename) and ``ruff format``, so it is lint-clean as generated.

To add a file pair: write the async source, append a :class:`Pair` to :data:`PAIRS`
(source, target, renames), run ``python scripts/unasync.py``, commit both files.
"""

from __future__ import annotations

import argparse
import difflib
import io
import re
import subprocess
import sys
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Renames every pair gets.
COMMON_NAMES: dict[str, str] = {
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "__aiter__": "__iter__",
    "__anext__": "__next__",
    "asynccontextmanager": "contextmanager",
    "AsyncIterator": "Iterator",
    "AsyncIterable": "Iterable",
    "AsyncGenerator": "Generator",
    "StopAsyncIteration": "StopIteration",
    "asyncio.sleep": "time.sleep",
}


@dataclass(frozen=True)
class Pair:
    """One asyncio source file and the blocking file generated from it."""

    source: str
    target: str
    names: dict[str, str] = field(default_factory=dict)
    text: list[tuple[str, str]] = field(default_factory=list)


_FALKORDB = "packages/runic-falkordb/src/runic/falkordb"
_BOLT = "packages/runic-bolt/src/runic/bolt"
_AGE = "packages/runic-age/src/runic/age"

#: Every generated file. Keep this list in the order the packages appear in the tree.
PAIRS: list[Pair] = [
    Pair(
        source=f"{_BOLT}/async_driver.py",
        target=f"{_BOLT}/driver.py",
        names={
            "AsyncBoltDriver": "BoltDriver",
            "AsyncBoltTransaction": "BoltTransaction",
            "neo4j.AsyncGraphDatabase": "neo4j.GraphDatabase",
        },
        text=[
            (
                '"""The asyncio Bolt driver and its transactions.\n\n'
                "The source of :mod:`runic.bolt.driver`, which scripts/unasync.py generates "
                'from it.\n"""',
                '"""The blocking Bolt driver and its transactions '
                '(from :mod:`runic.bolt.async_driver`)."""',
            ),
        ],
    ),
    Pair(
        source=f"{_FALKORDB}/async_driver.py",
        target=f"{_FALKORDB}/driver.py",
        names={
            "AsyncFalkorDBDriver": "FalkorDBDriver",
            "falkordb.asyncio.FalkorDB": "falkordb.FalkorDB",
        },
        text=[
            (
                '"""The asyncio FalkorDB driver.\n\n'
                "The source of :mod:`runic.falkordb.driver`, which scripts/unasync.py "
                'generates from it.\n"""',
                '"""The blocking FalkorDB driver (from :mod:`runic.falkordb.async_driver`)."""',
            ),
            ("Asyncio driver for one FalkorDB graph.", "Blocking driver for one FalkorDB graph."),
            ("shared by\n    concurrent tasks and", "shared by\n    threads and"),
            (
                " Those factories are plain\n    (non-async) functions and do not touch the "
                "network: the first query connects.\n\n    A *blocking* falkordb graph "
                "handle is accepted too; its calls then run in a\n    worker thread "
                "(``asyncio.to_thread``) so the event loop is not blocked.\n",
                "\n",
            ),
        ],
    ),
    Pair(
        source=f"{_AGE}/async_driver.py",
        target=f"{_AGE}/driver.py",
        names={
            "AsyncAGEDriver": "AGEDriver",
            "AsyncAGETransaction": "AGETransaction",
            "AsyncTimedConnection": "TimedConnection",
            "AsyncConnectionPool": "ConnectionPool",
            "AsyncConnection": "Connection",
            "psycopg.AsyncConnection": "psycopg.Connection",
            "setup_async_connection": "setup_connection",
            "create_async_age_driver": "create_age_driver",
            "asyncio.Lock": "threading.Lock",
        },
        text=[
            (
                '"""The asyncio Apache AGE driver (psycopg 3 ``AsyncConnection`` + '
                "``AsyncConnectionPool``).\n\n"
                "The source of :mod:`runic.age.driver`, which scripts/unasync.py generates "
                'from it.\n"""',
                '"""The blocking Apache AGE driver (psycopg 3 + psycopg_pool).\n\n'
                'Generated from :mod:`runic.age.async_driver`.\n"""',
            ),
            ("Asyncio driver for one AGE graph", "Blocking driver for one AGE graph"),
            (", a\n    plain function: the pool opens on first use, inside your event loop)", ")"),
            ("shared by tasks", "shared by threads"),
            ("(the pool opens on first use)", "(it opens the pool)"),
            ("runic-age-async-", "runic-age-"),
        ],
    ),
]

_HEADER = (
    "# Generated from {source} by scripts/unasync.py: do not edit.\n"
    "# Edit the asyncio source, then run `python scripts/unasync.py`.\n"
)

#: Modules a rename may need (``asyncio.sleep`` -> ``time.sleep``): imported when used.
_NEEDED_IMPORTS = {
    "time": re.compile(r"\btime\.sleep\("),
    "threading": re.compile(r"\bthreading\.\w"),
}

_MARK = re.compile(r"^\s*# unasync: (begin async-only|begin sync-only|end)\s*$")
_INLINE = re.compile(r"\s*# unasync: async-only\s*$")
_INLINE_SYNC = re.compile(r"^(\s*)# (.*?)\s*# unasync: sync-only\s*$")


class GenerateError(Exception):
    """The source or a pair's configuration cannot be turned into a sync file."""


def _apply_markers(text: str, source: str) -> str:
    out: list[str] = []
    block: str | None = None
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        mark = _MARK.match(line)
        if mark:
            what = mark.group(1)
            if what == "end":
                if block is None:
                    raise GenerateError(f"{source}:{number}: '# unasync: end' without a begin")
                block = None
            else:
                if block is not None:
                    raise GenerateError(f"{source}:{number}: nested '# unasync: begin'")
                block = what
            continue
        if block == "begin async-only":
            continue
        if block == "begin sync-only":
            stripped = line.lstrip(" ")
            indent = line[: len(line) - len(stripped)]
            if stripped.startswith("# "):
                line = indent + stripped[2:]
            elif stripped.rstrip("\n") == "#" or not stripped.strip():
                line = "\n"
            else:
                raise GenerateError(
                    f"{source}:{number}: a sync-only line must be commented out with '# '"
                )
        elif _INLINE.search(line):
            continue
        elif sync_line := _INLINE_SYNC.match(line):
            line = f"{sync_line.group(1)}{sync_line.group(2)}\n"
        out.append(line)
    if block is not None:
        raise GenerateError(f"{source}: '# unasync: {block}' is never closed")
    return "".join(out)


def _rewrite_tokens(text: str, names: dict[str, str]) -> str:
    """Drop async/await and rename names, token by token."""
    lines = text.splitlines(keepends=True)
    tokens = [
        tok
        for tok in tokenize.generate_tokens(io.StringIO(text).readline)
        if tok.type not in (tokenize.NL, tokenize.INDENT, tokenize.DEDENT)
    ]
    words = re.compile(
        r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b"
    )
    # (row, start col, end row, end col, replacement), applied from the end
    edits: list[tuple[int, int, int, int, str]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type in (tokenize.STRING, tokenize.COMMENT):
            new_text = words.sub(lambda m: names[m.group(1)], tok.string)
            if new_text != tok.string:
                edits.append((tok.start[0], tok.start[1], tok.end[0], tok.end[1], new_text))
        elif tok.type == tokenize.NAME:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is not None and nxt.type == tokenize.COMMENT:
                nxt = tokens[i + 2] if i + 2 < len(tokens) else None
            if tok.string in ("async", "await") and nxt is not None:
                if tok.string == "async" and nxt.string not in ("def", "with", "for"):
                    i += 1
                    continue
                # remove the keyword and the blanks up to the next token
                end = nxt.start if nxt.start[0] == tok.start[0] else tok.end
                edits.append((tok.start[0], tok.start[1], end[0], end[1], ""))
                if tok.string == "await":
                    edits.extend(_redundant_parens(tokens, i))
                i += 1
                continue
            if (
                i + 2 < len(tokens)
                and tokens[i + 1].string == "."
                and tokens[i + 2].type == tokenize.NAME
            ):
                dotted = f"{tok.string}.{tokens[i + 2].string}"
                if dotted in names:
                    end = tokens[i + 2].end
                    edits.append((tok.start[0], tok.start[1], end[0], end[1], names[dotted]))
                    i += 3
                    continue
            if tok.string in names:
                edits.append(
                    (tok.start[0], tok.start[1], tok.end[0], tok.end[1], names[tok.string])
                )
        i += 1
    edits.sort()
    for row, col, end_row, end_col, new in reversed(edits):
        head = lines[row - 1][:col]
        tail = lines[end_row - 1][end_col:]
        lines[row - 1 : end_row] = [head + new + tail]
    return "".join(lines)


def _redundant_parens(
    tokens: list[tokenize.TokenInfo], at: int
) -> list[tuple[int, int, int, int, str]]:
    """The parentheses of ``(await x).attr``, which the sync ``(x).attr`` does not need.

    Not those of a call or a subscript (``f(await x).attr``).
    """
    if at < 1 or tokens[at - 1].string != "(":
        return []
    before = tokens[at - 2] if at >= 2 else None
    keywords = ("await", "return", "in", "not", "and", "or", "if", "else", "yield")
    if (
        before is not None
        and (before.type in (tokenize.NAME, tokenize.STRING) or before.string in (")", "]"))
        and before.string not in keywords
    ):
        return []
    depth = 0
    for j in range(at - 1, len(tokens)):
        if tokens[j].string in "([{" and tokens[j].type == tokenize.OP:
            depth += 1
        elif tokens[j].string in ")]}" and tokens[j].type == tokenize.OP:
            depth -= 1
            if depth == 0:
                if j + 1 < len(tokens) and tokens[j + 1].string == ".":
                    open_, close = tokens[at - 1], tokens[j]
                    return [
                        (*open_.start, *open_.end, ""),
                        (*close.start, *close.end, ""),
                    ]
                return []
    return []


def _ruff(args: list[str], text: str, target: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--stdin-filename", target, "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if proc.returncode != 0 and not proc.stdout:
        raise GenerateError(
            f"ruff {' '.join(args)} failed on {target} (is the generated code valid?):\n"
            f"{proc.stderr}"
        )
    return proc.stdout


def generate(pair: Pair) -> str:
    """Return the text the sync target of ``pair`` must have."""
    text = (ROOT / pair.source).read_text(encoding="utf-8")
    for old, new in pair.text:
        if old not in text:
            raise GenerateError(
                f"{pair.source}: text substitution {old!r} matches nothing; update the "
                "pair in scripts/unasync.py"
            )
        text = text.replace(old, new)
    text = _apply_markers(text, pair.source)
    text = _rewrite_tokens(text, {**COMMON_NAMES, **pair.names})
    for module, used in _NEEDED_IMPORTS.items():
        if used.search(text) and not re.search(rf"^import {module}$", text, re.MULTILINE):
            future = "from __future__ import annotations\n"
            if future not in text:
                raise GenerateError(f"{pair.source}: needs 'from __future__ import annotations'")
            text = text.replace(future, f"{future}\nimport {module}\n", 1)
    text = _HEADER.format(source=Path(pair.source).name) + text
    text = _ruff(
        ["check", "--fix", "--exit-zero", "--quiet", "--select", "I,F401"], text, pair.target
    )
    return _ruff(["format", "--quiet"], text, pair.target)


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) every generated file; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="fail if a generated file differs; write nothing"
    )
    args = parser.parse_args(argv)
    stale: list[str] = []
    for pair in PAIRS:
        wanted = generate(pair)
        path = ROOT / pair.target
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == wanted:
            continue
        if args.check:
            stale.append(pair.target)
            sys.stdout.writelines(
                difflib.unified_diff(
                    current.splitlines(keepends=True),
                    wanted.splitlines(keepends=True),
                    f"{pair.target} (in the tree)",
                    f"{pair.target} (generated from {pair.source})",
                )
            )
        else:
            path.write_text(wanted, encoding="utf-8")
            print(f"wrote {pair.target}")
    if stale:
        print(
            f"\n{len(stale)} generated file(s) differ from their async source: "
            + ", ".join(stale)
            + ".\nEdit the async source instead and run `python scripts/unasync.py`.",
            file=sys.stderr,
        )
        return 1
    if args.check:
        print(f"unasync: {len(PAIRS)} generated file(s) up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
