"""Use every core for the per-article work (cleaning, NER) of large batches.

Workers are started with "forkserver": a fork of a process with Dagster's threads running
is unsafe, and the forkserver's clean parent keeps start-up cheap.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from news_pipeline.ner.mention import Mention, Recogniser

# Below this many items a pool's start-up (loading the model in each worker) costs more
# than it saves.
MIN_PARALLEL_ITEMS = 200
TASK_SIZE = 32

In = TypeVar("In")
Out = TypeVar("Out")


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(requested: int, n_items: int) -> int:
    """`requested` workers (0 = one per core), 1 for small batches."""
    if n_items < MIN_PARALLEL_ITEMS:
        return 1
    return max(1, requested or available_cores())


@contextmanager
def process_pool(workers: int, initializer: Callable[..., None] | None = None,
                 initargs: tuple = ()) -> Iterator[ProcessPoolExecutor]:
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer,
                             initargs=initargs) as pool:
        yield pool


def ordered_map(pool: ProcessPoolExecutor | None, function: Callable[[In], Out],
                items: Iterable[In]) -> Iterator[Out]:
    """map() in the pool (order kept), or in this process when there is no pool."""
    if pool is None:
        return map(function, items)
    return pool.map(function, items, chunksize=TASK_SIZE)


_worker_recogniser: Recogniser | None = None


def _load_worker_recogniser(spec: str) -> None:
    global _worker_recogniser
    from news_pipeline.ner import load_recogniser

    _worker_recogniser = load_recogniser(spec)


def _recognise_batch(texts: Sequence[str]) -> list[list[Mention]]:
    assert _worker_recogniser is not None, "worker started without its recogniser"
    return _worker_recogniser.recognise(texts)


class PooledRecogniser:
    """A Recogniser that spreads batches over worker processes, each with its own model."""

    def __init__(self, spec: str, local: Recogniser, pool: ProcessPoolExecutor) -> None:
        self.spec = spec
        self.name = local.name
        self.version = local.version
        self.pool = pool

    def recognise(self, texts: Sequence[str]) -> list[list[Mention]]:
        batches = [list(texts[i:i + TASK_SIZE]) for i in range(0, len(texts), TASK_SIZE)]
        return [mentions for batch in self.pool.map(_recognise_batch, batches) for mentions in batch]


@contextmanager
def pooled_recogniser(spec: str, local: Recogniser, workers: int) -> Iterator[Recogniser]:
    """`local` itself for one worker, else a PooledRecogniser for the duration of the block."""
    if workers <= 1:
        yield local
        return
    with process_pool(workers, _load_worker_recogniser, (spec,)) as pool:
        yield PooledRecogniser(spec, local, pool)
