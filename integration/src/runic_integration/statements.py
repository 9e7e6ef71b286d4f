"""Count the statements sessions send, for round-trip assertions in suite tests.

Sessions log every statement on the ``runic.cypher`` logger at INFO (what
``log_cypher=True`` shows); :func:`logged_statements` collects them while it is open.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["StatementLog", "logged_statements"]


class StatementLog(logging.Handler):
    """The statements logged while :func:`logged_statements` is open, in order."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.sent: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.sent.append(record.getMessage())


@contextmanager
def logged_statements() -> Iterator[StatementLog]:
    """Collect the statements sessions with ``log_cypher=True`` send inside the block."""
    log = logging.getLogger("runic.cypher")
    handler, level = StatementLog(), log.level
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
