"""``runic migrate ...``: the migration subcommands of the ``runic`` console script.

Exit status: 0 done, 1 a database or migration error (or ``check`` found a
difference), 2 bad arguments or revision files.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from runic.migrate import command
from runic.migrate.operations import DEFAULT_BATCH_SIZE
from runic.migrate.revisions import RevisionError
from runic.ogm.exceptions import OrmError

__all__ = ["register", "run"]

_HELP = {
    "init": "create the migrations directory",
    "revision": "write a new revision file",
    "upgrade": "apply revisions (default: head)",
    "downgrade": "undo revisions (default: -1)",
    "current": "show the applied revision",
    "history": "list the revisions, newest first",
    "heads": "show the head revision(s)",
    "stamp": "record a revision as applied without running it",
    "merge": "write a revision joining two heads",
    "check": "exit 1 when revisions are pending or the models and the graph differ",
    "unlock": "remove the migration lock (a holder that died on another host)",
}

_NEEDS_URL = {"upgrade", "downgrade", "current", "stamp", "check", "unlock"}


def register(commands: Any) -> None:
    """Add the ``migrate`` command group to the ``runic`` parser's subcommands."""
    migrate = commands.add_parser("migrate", help="versioned schema and data migrations")
    actions = migrate.add_subparsers(dest="action", required=True)
    for name, text in _HELP.items():
        sub = actions.add_parser(name, help=text)
        sub.add_argument("--dir", default="migrations", help="the revisions (default: migrations/)")
        sub.add_argument("--url", default=None, help="database URL (default: $RUNIC_URL)")
        if name in ("revision", "check"):
            sub.add_argument(
                "--models", action="append", default=[], help="module(s) defining the models"
            )
        if name in ("revision", "merge"):
            sub.add_argument("-m", "--message", default="", help="what the revision does")
            sub.add_argument("--rev-id", default=None, help="the id (default: random hex)")
        if name == "revision":
            sub.add_argument("--autogenerate", action="store_true", help="diff models and graph")
            sub.add_argument(
                "--rename",
                action="append",
                default=[],
                metavar="[Label.]OLD=NEW",
                help="a property renamed in the models (repeatable)",
            )
        if name in ("upgrade", "downgrade"):
            default = "head" if name == "upgrade" else "-1"
            sub.add_argument("target", nargs="?", default=default, help=f"default: {default}")
            sub.add_argument("--dry-run", action="store_true", help="print the statements only")
            sub.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
            sub.add_argument("--lock-timeout", type=float, default=60.0, help="seconds to wait")
            sub.add_argument("--no-progress", action="store_true", help="no progress display")
        if name in ("upgrade", "downgrade"):
            sub.add_argument(
                "--allow-changed", action="store_true", help="accept changed applied files"
            )
        if name == "stamp":
            sub.add_argument("target", help="a revision id, head or base")


def run(args: argparse.Namespace) -> int:
    """Run one ``runic migrate`` subcommand; return the exit status."""
    url = args.url or os.environ.get("RUNIC_URL")
    if args.action in _NEEDS_URL and not url:
        print("runic: give the database with --url or RUNIC_URL", file=sys.stderr)
        return 2
    sys.path.insert(0, os.getcwd())
    config = command.Config(url=url, directory=args.dir, models=getattr(args, "models", ()))
    if hasattr(args, "batch_size"):
        config.batch_size = args.batch_size
        config.lock_timeout = args.lock_timeout
        config.progress = not args.no_progress
    try:
        return _dispatch(config, args)
    except (RevisionError, ValueError, ImportError) as exc:
        print(f"runic: {exc}", file=sys.stderr)
        return 2
    except OrmError as exc:
        print(f"runic: {exc}", file=sys.stderr)
        return 1


def _dispatch(config: command.Config, args: argparse.Namespace) -> int:
    action = args.action
    if action == "init":
        command.init(config)
    elif action == "revision":
        if args.autogenerate and not config.url:
            raise ValueError("--autogenerate reads the live schema: give --url or RUNIC_URL")
        command.revision(
            config,
            args.message,
            autogenerate=args.autogenerate,
            renames=args.rename,
            rid=args.rev_id,
        )
    elif action == "merge":
        command.merge(config, args.message or "merge heads", rid=args.rev_id)
    elif action == "upgrade":
        command.upgrade(config, args.target, dry_run=args.dry_run, allow_changed=args.allow_changed)
    elif action == "downgrade":
        command.downgrade(
            config, args.target, dry_run=args.dry_run, allow_changed=args.allow_changed
        )
    elif action == "current":
        command.current(config)
    elif action == "history":
        command.history(config)
    elif action == "heads":
        command.heads(config)
    elif action == "stamp":
        command.stamp(config, args.target)
    elif action == "check":
        return 0 if command.check(config) else 1
    elif action == "unlock":
        command.unlock(config)
    return 0
