"""The ``runic`` console script: ``runic schema show|validate|sync|diagram``, ``runic migrate``.

``--models`` names the modules defining the Node/Edge classes (comma-separated or
repeated), ``--url`` (or ``RUNIC_URL``) the database, e.g.
``falkordb://localhost:6379/myapp`` or ``age://postgres:pw@localhost:5432/postgres?graph=g``
(ArcadeDB: add ``?http_url=http://host:2480`` for fulltext and vector indexes).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TextIO
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from runic.migrate import diagram
from runic.migrate.adapters import SchemaAdapter, create_adapter
from runic.migrate.managers import SchemaManager
from runic.ogm.exceptions import OrmError
from runic.ogm.schema.specs import IndexSpec, declared_specs

__all__ = ["main", "model_classes", "open_adapter"]


def model_classes(modules: Sequence[str]) -> list[type]:
    """Import ``modules``; return the Node and Edge classes they define, in order."""
    from runic.ogm.core.metadata import default_metadata

    names: list[str] = []
    for entry in modules:
        names += [m.strip() for m in entry.split(",") if m.strip()]
    for name in names:
        importlib.import_module(name)
    wanted = set(names)
    classes: list[type] = [
        *default_metadata.node_classes,
        *default_metadata.edge_classes,
    ]
    return [c for c in classes if c.__module__ in wanted]


def _table(title: str, specs: Sequence[IndexSpec], out: TextIO) -> None:
    print(f"{title} ({len(specs)}):", file=out)
    for spec in specs:
        print(f"  {spec.index_type:<8} {spec.entity:<4} {spec.label}.{spec.property}", file=out)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="runic", description="runic command line")
    commands = parser.add_subparsers(dest="command", required=True)
    schema = commands.add_parser("schema", help="declared indexes and constraints")
    actions = schema.add_subparsers(dest="action", required=True)
    for name, text in (
        ("show", "list declared and live indexes"),
        ("validate", "exit 1 when indexes are missing or extra"),
        ("sync", "create missing indexes and constraints"),
    ):
        sub = actions.add_parser(name, help=text)
        sub.add_argument(
            "--models",
            action="append",
            required=True,
            help="module(s) defining the models (comma-separated or repeated)",
        )
        sub.add_argument("--url", default=None, help="database URL (default: $RUNIC_URL)")
        if name == "sync":
            sub.add_argument("--drop-extra", action="store_true", help="drop extra indexes")
            sub.add_argument("--dry-run", action="store_true", help="print the DDL, change nothing")
    diagram.add_parser(actions)
    from runic.migrate import cli_migrate

    cli_migrate.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "schema" and args.action == "diagram":
        return diagram.main(args)
    if args.command == "migrate":
        from runic.migrate import cli_migrate

        return cli_migrate.run(args)
    url = args.url or os.environ.get("RUNIC_URL")
    if not url:
        print("runic: give the database with --url or RUNIC_URL", file=sys.stderr)
        return 2
    sys.path.insert(0, os.getcwd())
    try:
        classes = model_classes(args.models)
        if not classes:
            print(f"runic: no Node or Edge classes in {', '.join(args.models)}", file=sys.stderr)
            return 2
        adapter = open_adapter(url)
    except (OrmError, ImportError, ValueError) as exc:
        print(f"runic: {exc}", file=sys.stderr)
        return 2
    try:
        return _run(args, SchemaManager(adapter), classes)
    except OrmError as exc:
        print(f"runic: {exc}", file=sys.stderr)
        return 1
    finally:
        adapter.close()


def open_adapter(url: str) -> SchemaAdapter:
    """An adapter for ``url``; an ``http_url=`` query parameter goes to the adapter (ArcadeDB)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    http = [value for key, value in query if key == "http_url"]
    kept = urlencode([(k, v) for k, v in query if k != "http_url"])
    rest = urlunsplit(parts._replace(query=kept))
    return create_adapter(rest, http_url=http[-1] if http else None)


def _run(args: argparse.Namespace, schema: SchemaManager, classes: list[type]) -> int:
    out = sys.stdout
    if args.action == "show":
        _table("declared", declared_specs(classes), out)
        _table("live", schema.list_indexes(), out)
        return 0
    if args.action == "validate":
        result = schema.validate_schema(classes)
        if result.is_valid:
            print("schema is valid", file=out)
            return 0
        _table("missing", result.missing_indexes, out)
        _table("extra", result.extra_indexes, out)
        for error in result.errors:
            print(f"error: {error}", file=out)
        return 1
    ddls = schema.sync_schema(classes, drop_extra=args.drop_extra, dry_run=args.dry_run)
    for ddl in ddls:
        print(ddl.text, file=out)
    verb = "would run" if args.dry_run else "ran"
    print(f"-- {verb} {len(ddls)} statement(s)", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
