"""Revision files: loading, checksums, the revision graph and new-file rendering.

A revision is a Python file in the migrations directory defining ``revision``
(a short hex id), ``down_revision`` (the parent id, ``None`` for the first, a
tuple of two ids for a merge), ``message`` and the functions ``upgrade(op)`` and
``downgrade(op)``. Everything here is pure: it reads files, never a database.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import secrets
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = [
    "Revision",
    "RevisionError",
    "RevisionGraph",
    "checksum",
    "load_revisions",
    "new_revision_id",
    "render_revision",
    "slug",
]

_ID = re.compile(r"[0-9a-f]{4,40}\Z")


class RevisionError(Exception):
    """A problem with the revision files or a revision name (exit status 2 on the CLI)."""


def new_revision_id() -> str:
    """A random 12-digit hex id (like Alembic's)."""
    return secrets.token_hex(6)


def checksum(data: bytes) -> str:
    """The sha256 of a revision file's bytes, as hex."""
    return hashlib.sha256(data).hexdigest()


def slug(message: str) -> str:
    """A file-name friendly form of ``message`` (at most 40 characters)."""
    text = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")
    return text[:40].rstrip("_") or "revision"


@dataclass(frozen=True)
class Revision:
    """One revision file, loaded."""

    id: str
    parents: tuple[str, ...]
    message: str
    path: Path
    checksum: str
    upgrade: Callable[[Any], None] = field(compare=False, repr=False)
    downgrade: Callable[[Any], None] = field(compare=False, repr=False)
    snapshot: Mapping[str, Mapping[str, str]] | None = field(
        default=None, compare=False, repr=False
    )

    @property
    def is_merge(self) -> bool:
        """True for a revision with two parents."""
        return len(self.parents) > 1

    def describe(self) -> str:
        """``abc123 (parent) message``: for history listings."""
        parents = ", ".join(self.parents) or "base"
        return f"{self.id} ({parents}) {self.message}"


def _parents(value: object, path: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise RevisionError(f"{path}: down_revision must be None, an id or a tuple of ids")


def _load_module(path: Path) -> ModuleType:
    name = f"runic_migration_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise RevisionError(f"{path}: cannot be loaded as a Python file")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise RevisionError(f"{path}: importing it failed: {exc!r}") from exc
    sys.modules.pop(name, None)
    return module


def load_revision(path: Path) -> Revision:
    """Load one revision file; :class:`RevisionError` naming the file when it is malformed."""
    data = path.read_bytes()
    module = _load_module(path)
    rid = getattr(module, "revision", None)
    if not isinstance(rid, str) or not _ID.match(rid):
        raise RevisionError(f"{path}: revision must be a hex id string, got {rid!r}")
    for name in ("upgrade", "downgrade"):
        if not callable(getattr(module, name, None)):
            raise RevisionError(f"{path}: defines no {name}(op) function")
    snapshot = getattr(module, "snapshot", None)
    return Revision(
        id=rid,
        parents=_parents(getattr(module, "down_revision", None), path),
        message=str(getattr(module, "message", "") or ""),
        path=path,
        checksum=checksum(data),
        upgrade=module.upgrade,
        downgrade=module.downgrade,
        snapshot=snapshot if isinstance(snapshot, dict) else None,
    )


def load_revisions(directory: Path) -> RevisionGraph:
    """Every ``*.py`` revision in ``directory`` (files starting with ``_`` are skipped)."""
    if not directory.is_dir():
        raise RevisionError(
            f"no migrations directory {directory}: run 'runic migrate init' (or pass --dir)"
        )
    files = sorted(p for p in directory.glob("*.py") if not p.name.startswith("_"))
    return RevisionGraph([load_revision(p) for p in files])


class RevisionGraph:
    """The revisions and their parent links; resolves names like ``head``, ``+2``, ``-1``."""

    def __init__(self, revisions: Iterable[Revision]) -> None:
        self.by_id: dict[str, Revision] = {}
        for rev in revisions:
            if rev.id in self.by_id:
                raise RevisionError(
                    f"revision id {rev.id} is defined twice: {self.by_id[rev.id].path} "
                    f"and {rev.path}"
                )
            self.by_id[rev.id] = rev
        for rev in self.by_id.values():
            for parent in rev.parents:
                if parent not in self.by_id:
                    raise RevisionError(
                        f"{rev.path}: down_revision {parent!r} is not a known revision"
                    )
        self._check_cycles()

    def _check_cycles(self) -> None:
        state: dict[str, int] = {}

        def visit(rid: str) -> None:
            if state.get(rid) == 2:
                return
            if state.get(rid) == 1:
                raise RevisionError(f"revision {rid} is its own ancestor (a cycle)")
            state[rid] = 1
            for parent in self.by_id[rid].parents:
                visit(parent)
            state[rid] = 2

        for rid in self.by_id:
            visit(rid)

    def __len__(self) -> int:
        return len(self.by_id)

    def heads(self) -> list[str]:
        """Revisions no other revision names as a parent (sorted)."""
        children = {p for rev in self.by_id.values() for p in rev.parents}
        return sorted(rid for rid in self.by_id if rid not in children)

    def head(self) -> str | None:
        """The single head; :class:`RevisionError` when there are two or more."""
        heads = self.heads()
        if len(heads) > 1:
            raise RevisionError(
                f"there are {len(heads)} heads ({', '.join(heads)}): run 'runic migrate merge' "
                "to join them, or name a revision"
            )
        return heads[0] if heads else None

    def get(self, name: str) -> Revision:
        """The revision ``name`` (an id or a unique prefix of at least 4 digits)."""
        if name in self.by_id:
            return self.by_id[name]
        found = [rid for rid in self.by_id if len(name) >= 4 and rid.startswith(name)]
        if len(found) == 1:
            return self.by_id[found[0]]
        if found:
            raise RevisionError(f"revision prefix {name!r} is ambiguous: {', '.join(found)}")
        known = ", ".join(sorted(self.by_id)) or "none"
        raise RevisionError(f"unknown revision {name!r} (known: {known})")

    def ancestors(self, rid: str) -> set[str]:
        """``rid`` and every revision it descends from."""
        out: set[str] = set()
        todo = [rid]
        while todo:
            cur = todo.pop()
            if cur not in out:
                out.add(cur)
                todo.extend(self.by_id[cur].parents)
        return out

    def order(self, wanted: set[str]) -> list[str]:
        """``wanted`` in dependency order (parents first; ties by file name)."""
        done: list[str] = []
        seen: set[str] = set()

        def visit(rid: str) -> None:
            if rid in seen:
                return
            seen.add(rid)
            for parent in self.by_id[rid].parents:
                if parent in wanted:
                    visit(parent)
            done.append(rid)

        for rid in sorted(wanted, key=lambda r: (str(self.by_id[r].path), r)):
            visit(rid)
        return done

    def upgrade_plan(self, applied: set[str], target: str) -> list[Revision]:
        """The revisions to apply (in order) to reach ``target`` from ``applied``.

        ``target``: ``head``, ``heads``, an id (or prefix), or ``+N`` (the next N).
        """
        if target.startswith("+"):
            steps = _count(target)
            todo = self.upgrade_plan(applied, "heads")
            return todo[:steps]
        if target == "heads":
            wanted: set[str] = set()
            for h in self.heads():
                wanted |= self.ancestors(h)
        elif target == "head":
            head = self.head()
            wanted = self.ancestors(head) if head else set()
        else:
            wanted = self.ancestors(self.get(target).id)
        return [self.by_id[r] for r in self.order(wanted - applied)]

    def downgrade_plan(self, applied: set[str], target: str) -> list[Revision]:
        """The applied revisions to undo (children first) to reach ``target``.

        ``target``: ``base`` (undo all), an id (keep it and its ancestors), or ``-N``.
        """
        applied = applied & set(self.by_id)
        if target.startswith("-"):
            steps = _count(target)
            return [self.by_id[r] for r in reversed(self.order(applied))][:steps]
        keep = set() if target == "base" else self.ancestors(self.get(target).id)
        undo = applied - keep
        return [self.by_id[r] for r in reversed(self.order(undo))]

    def current_heads(self, applied: set[str]) -> list[str]:
        """The applied revisions no other applied revision descends from."""
        parents = {p for rid in applied if rid in self.by_id for p in self.by_id[rid].parents}
        return sorted(applied - parents)

    def history(self) -> list[Revision]:
        """Every revision, newest first."""
        return [self.by_id[r] for r in reversed(self.order(set(self.by_id)))]


def _count(text: str) -> int:
    try:
        steps = int(text[1:])
    except ValueError:
        steps = 0
    if steps <= 0:
        raise RevisionError(f"{text!r}: give a positive count, e.g. {text[0]}1")
    return steps


def render_revision(
    rid: str,
    parents: Sequence[str],
    message: str,
    *,
    upgrade: Sequence[str] = (),
    downgrade: Sequence[str] = (),
    snapshot: Mapping[str, Mapping[str, str]] | None = None,
    created: str = "",
) -> str:
    """The text of a new revision file (``upgrade``/``downgrade``: body lines)."""
    if not parents:
        down = "None"
    elif len(parents) == 1:
        down = repr(parents[0])
    else:
        down = repr(tuple(parents))

    def body(lines: Sequence[str]) -> str:
        return "\n".join(f"    {line}" if line else "" for line in lines) or "    pass"

    out = [
        f'"""{message or "empty revision"}',
        "",
        f"Revision: {rid}",
        f"Parent: {', '.join(parents) or '(base)'}",
    ]
    if created:
        out.append(f"Created: {created}")
    out += [
        '"""',
        "",
        f"revision = {rid!r}",
        f"down_revision = {down}",
        f"message = {message!r}",
    ]
    if snapshot is not None:
        out += ["", "# the models' field types when this revision was generated (autogenerate)"]
        out.append(f"snapshot = {_pretty(snapshot)}")
    out += [
        "",
        "",
        "def upgrade(op):",
        body(upgrade),
        "",
        "",
        "def downgrade(op):",
        body(downgrade),
        "",
    ]
    return "\n".join(out)


def _pretty(snapshot: Mapping[str, Mapping[str, str]]) -> str:
    if not snapshot:
        return "{}"
    lines = ["{"]
    for label in sorted(snapshot):
        lines.append(f"    {label!r}: {{")
        for prop in sorted(snapshot[label]):
            lines.append(f"        {prop!r}: {snapshot[label][prop]!r},")
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines)
