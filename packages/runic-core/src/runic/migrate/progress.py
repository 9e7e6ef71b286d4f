"""A small progress display for batched data operations: a bar on a TTY, else log lines."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """Counts done items; draws ``title [#####.....] 40% 4000/10000`` on a TTY.

    Off a terminal it writes one plain line per ``log_every`` seconds and one at
    the end, so CI logs stay readable.
    """

    def __init__(
        self,
        title: str,
        total: int | None,
        *,
        stream: TextIO | None = None,
        tty: bool | None = None,
        log_every: float = 5.0,
        width: int = 30,
    ) -> None:
        self.title = title
        self.total = total
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.log_every = log_every
        self.width = width
        self._last = time.monotonic()
        self._closed = False
        if not self.tty:
            self._line(f"{title}: {total if total is not None else '?'} to do")

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def render(self) -> str:
        """The bar's current text (without the carriage return)."""
        if self.total:
            frac = min(self.done / self.total, 1.0)
            filled = int(frac * self.width)
            bar = "#" * filled + "." * (self.width - filled)
            return f"{self.title} [{bar}] {frac:4.0%} {self.done}/{self.total}"
        return f"{self.title} {self.done} done"

    def advance(self, count: int) -> None:
        """Add ``count`` done items and redraw (or log, at most every ``log_every`` s)."""
        self.done += count
        now = time.monotonic()
        if self.tty:
            self.stream.write("\r" + self.render())
            self.stream.flush()
        elif now - self._last >= self.log_every:
            self._last = now
            self._line(self.render())

    def close(self) -> None:
        """Finish the display (a newline on a TTY, a final line otherwise)."""
        if self._closed:
            return
        self._closed = True
        if self.tty:
            self.stream.write("\r" + self.render() + "\n")
            self.stream.flush()
        else:
            self._line(self.render())
