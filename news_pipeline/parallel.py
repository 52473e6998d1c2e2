"""Use every core for the per-article work (cleaning, NER) of large batches.

Workers are started with "forkserver": a fork of a process with Dagster's threads running
is unsafe, and the forkserver's clean parent keeps start-up cheap. The forkserver imports the
modules the workers need once (see `preload_in_workers`), so each worker starts as a fork
that already has them instead of importing pandas, spaCy, ... again.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

from news_pipeline.ner.mention import Mention, Recogniser
from news_pipeline.quotes.spans import ArticleRows, recognise_with_quotes

if TYPE_CHECKING:  # distributed is an optional extra, imported only with a scheduler configured
    from news_pipeline.cluster import Cluster

# Below this many items a pool's start-up (loading the model in each worker) costs more
# than it saves.
MIN_PARALLEL_ITEMS = 200
TASK_SIZE = 32
# How often a worker checks that the process it works for still runs.
OWNER_CHECK_S = 1.0
# Tasks queued per NER worker: enough that it never waits for the next one.
IN_FLIGHT_PER_WORKER = 4
# Tasks ordered_map queues ahead of its caller: ~1,000 articles, more than two workers clean
# while the caller commits a chunk of results (~0.2 s at 2,000 articles).
MAP_AHEAD_TASKS = 32

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


def _exit_with(owner: int) -> None:
    """End this worker when `owner` (the process whose pool it serves) is gone. A worker
    waits for tasks on a queue whose write end it holds itself, so it never sees the owner
    die: without this, a killed run would leave its workers (and their models) behind."""

    def watch() -> None:
        while True:
            time.sleep(OWNER_CHECK_S)
            try:
                os.kill(owner, 0)
            except (ProcessLookupError, PermissionError):  # gone (its pid maybe reused)
                os._exit(1)

    threading.Thread(target=watch, name="owner-watch", daemon=True).start()


def _start_worker(owner: int, initializer: Callable[..., None] | None, initargs: tuple) -> None:
    _exit_with(owner)
    if initializer is not None:
        initializer(*initargs)


def _forkserver() -> multiprocessing.context.ForkServerContext:
    preload_in_workers(__name__)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(_worker_modules))  # used when the forkserver starts
    return context


def start_forkserver() -> None:
    """Start the forkserver now, where another core can run it: it imports the workers'
    modules (spaCy among them, most of a second) while this process sets up the run, instead
    of when the first pool or the warm recogniser asks for a worker. Returns at once."""
    if available_cores() > 1:
        _forkserver()
        multiprocessing.forkserver.ensure_running()


def _executor(workers: int, initializer: Callable[..., None] | None = None,
              initargs: tuple = ()) -> ProcessPoolExecutor:
    if initializer is not None:
        preload_in_workers(initializer.__module__)
    return ProcessPoolExecutor(workers, mp_context=_forkserver(), initializer=_start_worker,
                               initargs=(os.getpid(), initializer, initargs))


@contextmanager
def process_pool(workers: int, initializer: Callable[..., None] | None = None,
                 initargs: tuple = ()) -> Iterator[ProcessPoolExecutor]:
    with _executor(workers, initializer, initargs) as pool:
        yield pool


@dataclass(frozen=True)
class Pool:
    """Workers a stage's tasks go to: local processes or a Dask cluster (`label` names them in
    progress lines)."""

    executor: Executor
    workers: int
    label: str


@contextmanager
def worker_pool(n_process: int, n_items: int, cluster: Cluster | None = None,
                initializer: Callable[..., None] | None = None,
                initargs: tuple = ()) -> Iterator[Pool | None]:
    """The workers for `n_items` tasks, each first running `initializer(*initargs)` once: the
    cluster when there is one (for a one-article rerun too: per-article work then never runs
    in the step's process), else `n_process` local processes for a large batch, else None
    (this process)."""
    if cluster is not None and n_items:
        yield cluster.pool(initializer, initargs)
    elif (workers := worker_count(n_process, n_items)) > 1:
        with process_pool(workers, initializer, initargs) as executor:
            yield Pool(executor, workers, f"{workers} processes")
    else:
        yield None


def ordered_map(pool: Pool | None, function: Callable[[In], Out],
                items: Iterable[In]) -> Iterator[Out]:
    """map() in the pool (order kept), or in this process when there is no pool.

    The pool gets up to MAP_AHEAD_TASKS tasks of TASK_SIZE items ahead of the caller (more for
    a pool of more workers), who may take the results over several commits (see _stream)."""
    if pool is None:
        return map(function, items)
    ahead = max(MAP_AHEAD_TASKS, IN_FLIGHT_PER_WORKER * pool.workers)
    return _stream([(pool.executor, pool.workers)], partial(_apply, function), iter(items), ahead)


def _apply(function: Callable[[In], Out], items: list[In]) -> list[Out]:
    return [function(item) for item in items]


def _stream(executors: Sequence[tuple[Executor, int]],
            task: Callable[[list[In]], list[Out]], items: Iterator[In],
            ahead: int) -> Iterator[Out]:
    """The results of `task` on batches of TASK_SIZE items, in the items' order. Each batch
    goes to the executor (with its number of workers) that has the fewest tasks queued per
    worker, and up to `ahead` tasks are queued: the workers go on while the caller handles
    results or commits, and only that many items and results are held, whatever the number
    of items. A caller that stops early (an error) leaves no queued work behind."""
    in_flight: deque[tuple[int, Future[list[Out]]]] = deque()
    queued = [0] * len(executors)
    try:
        while True:
            while len(in_flight) < ahead and (batch := list(islice(items, TASK_SIZE))):
                index = min(range(len(executors)), key=lambda i: queued[i] / executors[i][1])
                queued[index] += 1
                in_flight.append((index, executors[index][0].submit(task, batch)))
            if not in_flight:
                return
            index, future = in_flight.popleft()
            queued[index] -= 1
            yield from future.result()
    finally:
        for _, future in in_flight:
            future.cancel()


_worker_recogniser: Recogniser | None = None


def _load_worker_recogniser(spec: str) -> None:
    global _worker_recogniser
    from news_pipeline.ner import load_recogniser

    _worker_recogniser = load_recogniser(spec)


def _recognise_batch(texts: Sequence[str]) -> list[ArticleRows]:
    assert _worker_recogniser is not None, "worker started without its recogniser"
    return recognise_with_quotes(_worker_recogniser, texts)


def _loaded() -> bool:
    return _worker_recogniser is not None


def _recogniser_executor(spec: str, workers: int) -> ProcessPoolExecutor:
    return _executor(workers, _load_worker_recogniser, (spec,))


class PooledRecogniser:
    """A Recogniser that spreads batches over worker processes, each with its own model.

    The workers may come from several executors (a warm one started early, plus one started
    when a large batch needs more workers): each batch goes to the executor with the fewest
    batches in flight per worker."""

    def __init__(self, name: str, version: str,
                 executors: Sequence[tuple[Executor, int]]) -> None:
        self.name = name
        self.version = version
        self.executors = list(executors)
        self.workers = sum(workers for _, workers in self.executors)

    def recognise(self, texts: Sequence[str]) -> list[list[Mention]]:
        return [[Mention(*row) for row in rows] for rows, _ in self.recognise_rows(iter(texts))]

    def recognise_rows(self, texts: Iterator[str]) -> Iterator[ArticleRows]:
        """Mentions and quotations per text as rows (see ArticleRows), in order, with up to
        IN_FLIGHT_PER_WORKER tasks per worker queued: workers do not wait for the caller
        between batches, and only a few batches of texts are held at a time."""
        return _stream(self.executors, _recognise_batch, texts,
                       IN_FLIGHT_PER_WORKER * self.workers)


@contextmanager
def recogniser_pool(spec: str, name: str, version: str, workers: int,
                    warm: WarmRecogniser | None = None,
                    cluster: Cluster | None = None) -> Iterator[Recogniser]:
    """A PooledRecogniser of `workers` processes that each load `spec` (this process does
    not); a `warm` worker (of the same spec, model loaded) counts as one of them. With a
    `cluster`, its workers instead, each loading `spec` once."""
    if cluster is not None:
        pool = cluster.pool(_load_worker_recogniser, (spec,))
        yield PooledRecogniser(name, version, [(pool.executor, pool.workers)])
        return
    executors: list[tuple[Executor, int]] = [(warm.executor, 1)] if warm is not None else []
    missing = workers - len(executors)
    with ExitStack() as stack:
        if missing > 0:
            executor = stack.enter_context(_recogniser_executor(spec, missing))
            executors.append((executor, missing))
        yield PooledRecogniser(name, version, executors)


class WarmRecogniser:
    """One worker process that starts loading a recogniser now, on another core, while the
    run's first steps (scan, cleaning) use this one: a one-article rerun then pays no model
    load, and a large batch starts with one worker ready."""

    def __init__(self, spec: str, version: str) -> None:
        self.spec = spec
        self.version = version
        self.executor = _recogniser_executor(spec, 1)
        self._loading: Future[bool] | None = None
        # Starting the first worker waits until the forkserver has imported the workers'
        # modules (a second or so): that wait happens on this thread, not the run's.
        self._starting = threading.Thread(target=self._start, name="warm-recogniser", daemon=True)
        self._starting.start()

    def _start(self) -> None:
        self._loading = self.executor.submit(_loaded)

    def serves(self, spec: str, version: str) -> bool:
        """Whether this worker holds the recogniser `spec` at `version`; waits for the model,
        and is False if the worker could not load it (the caller then loads it itself, and
        reports the error where it happens)."""
        return (spec, version) == (self.spec, self.version) and self._ready()

    def _ready(self) -> bool:
        self._starting.join()
        if self._loading is None:  # the worker could not even be started
            return False
        try:
            return self._loading.result()
        except Exception:  # the same error surfaces where the caller loads the model itself
            return False

    def close(self) -> None:
        """Stop the worker without waiting for it: one that is still loading a model nobody
        asked for (a run with nothing to recognise) finishes on its own core and exits."""
        self._starting.join()
        self.executor.shutdown(wait=False, cancel_futures=True)


def start_warm_recogniser(spec: str, version: str) -> WarmRecogniser | None:
    """A WarmRecogniser where another core is there to load it, else None."""
    return WarmRecogniser(spec, version) if available_cores() > 1 else None
