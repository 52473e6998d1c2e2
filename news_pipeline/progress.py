"""Progress lines (count, rate, ETA) for long loops, written to any logger."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

# (what, done, total): called on every advance, e.g. to draw a progress bar in the CLI.
ProgressListener = Callable[[str, int, int], None]
_listeners: list[ProgressListener] = []


@contextmanager
def listening(listener: ProgressListener) -> Iterator[None]:
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


class InfoLogger(Protocol):
    def info(self, msg: str, *args: object) -> None: ...


class Progress:
    """Logs every `every_s` seconds and at the end; cheap enough to call per item.

    Work done in under `quiet_below_s` logs nothing (a one-article rerun): its counts are in
    the stage's metadata, and in a Dagster run each log line is an event-log write."""

    def __init__(self, log: InfoLogger, what: str, total: int, every_s: float = 10.0,
                 quiet_below_s: float = 1.0) -> None:
        self.log = log
        self.what = what
        self.total = total
        self.every_s = every_s
        self.quiet_below_s = quiet_below_s
        self.done = 0
        self.started = time.monotonic()
        self._last = self.started

    def advance(self, n: int = 1) -> None:
        self.done += n
        for listener in _listeners:
            listener(self.what, self.done, self.total)
        now = time.monotonic()
        finished = self.done >= self.total and (now - self.started >= self.quiet_below_s
                                                or self._last != self.started)
        if now - self._last >= self.every_s or finished:
            self._last = now
            self.log.info(self.line())

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        remaining = (self.total - self.done) / rate if rate > 0 else float("inf")
        eta = f"{remaining:.0f}s" if remaining != float("inf") else "?"
        return f"{self.what}: {self.done}/{self.total} ({rate:.1f}/s, ETA {eta})"
