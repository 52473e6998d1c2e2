"""Use every core for the per-article work (cleaning, NER) of large batches.

Workers are started with "forkserver": a fork of a process with Dagster's threads running
is unsafe, and the forkserver's clean parent keeps start-up cheap. The forkserver imports the
modules the workers need once (see `preload_in_workers`), so each worker starts as a fork
that already has them instead of importing pandas, spaCy, ... again.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from itertools import islice
from typing import TypeVar

from news_pipeline.ner.mention import Mention, Recogniser

# Below this many items a pool's start-up (loading the model in each worker) costs more
# than it saves.
MIN_PARALLEL_ITEMS = 200
TASK_SIZE = 32
# Tasks queued per NER worker: enough that it never waits for the next one.
IN_FLIGHT_PER_WORKER = 4

In = TypeVar("In")
Out = TypeVar("Out")

# "__main__" is multiprocessing's own default preload.
_worker_modules: list[str] = ["__main__"]


def preload_in_workers(*modules: str) -> None:
    """Have the forkserver import `modules` when it starts (once per process: register them
    at import time, before the first pool). A module that fails to import is skipped there
    and imported by the worker as usual."""
    for module in modules:
        if module not in _worker_modules:
            _worker_modules.append(module)


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
    if initializer is not None:
        preload_in_workers(initializer.__module__)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(_worker_modules))  # used when the forkserver starts
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

    def __init__(self, spec: str, name: str, version: str, pool: ProcessPoolExecutor,
                 workers: int) -> None:
        self.spec = spec
        self.name = name
        self.version = version
        self.pool = pool
        self.workers = workers

    def recognise(self, texts: Sequence[str]) -> list[list[Mention]]:
        return list(self.recognise_stream(iter(texts)))

    def recognise_stream(self, texts: Iterator[str]) -> Iterator[list[Mention]]:
        """Mentions per text, in order, with up to IN_FLIGHT_PER_WORKER tasks per worker
        queued: workers do not wait for the caller between batches, and only a few batches
        of texts are held at a time."""
        in_flight: deque[Future[list[list[Mention]]]] = deque()
        limit = IN_FLIGHT_PER_WORKER * self.workers
        while batch := list(islice(texts, TASK_SIZE)):
            in_flight.append(self.pool.submit(_recognise_batch, batch))
            while len(in_flight) >= limit or (in_flight and in_flight[0].done()):
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()


@contextmanager
def recogniser_pool(spec: str, name: str, version: str, workers: int) -> Iterator[Recogniser]:
    """A PooledRecogniser of `workers` processes that each load `spec` (this process does not)."""
    with process_pool(workers, _load_worker_recogniser, (spec,)) as pool:
        yield PooledRecogniser(spec, name, version, pool, workers)


@contextmanager
def pooled_recogniser(spec: str, local: Recogniser, workers: int) -> Iterator[Recogniser]:
    """`local` itself for one worker, else a PooledRecogniser for the duration of the block."""
    if workers <= 1:
        yield local
        return
    with recogniser_pool(spec, local.name, local.version, workers) as pooled:
        yield pooled
