"""Bounds on the work one article may cost, shared by the stages that read raw files."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from news_pipeline.clean import RejectedInput


class ArticleTimeout(RejectedInput):
    def __init__(self, seconds: int) -> None:
        super().__init__("timeout", f"cleaning took longer than {seconds}s")


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Reject a pathological article instead of hanging the run.

    Uses SIGALRM, so it only applies in a main thread (the pipeline's steps and its worker
    processes run there); elsewhere the article runs unbounded.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise ArticleTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
