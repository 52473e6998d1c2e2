"""Per-article work on a Dask distributed cluster (NEWS_PIPELINE_DASK_SCHEDULER=tcp://host:port).

The stages submit the same tasks (batches of articles in, rows out) that a local process pool
runs, through the client's concurrent.futures executor, and commit the results themselves: the
Dagster step stays the one writer of the warehouse. What a local pool's initializer does once
per process (load the recogniser, set the boilerplate model), a worker plugin does once per
Dask worker process, also on workers that join or restart later. The scheduler redoes the
tasks of a worker that dies elsewhere; cancelled futures, a closed client or the lost
connection of a killed step drop the step's queued tasks.

`distributed` is the optional extra `cluster`: this module is imported only when a scheduler
is configured.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import distributed

from news_pipeline.parallel import Pool
from news_pipeline.settings import DASK_SCHEDULER_ENV

# An unreachable scheduler fails the step within seconds, not after Dask's default 30 s.
CONNECT_TIMEOUT_S = 5
# How long a reachable scheduler may be without workers before the step gives up.
WORKERS_TIMEOUT_S = 30


class ClusterUnavailable(RuntimeError):
    """The configured cluster cannot take work; the message is one line: cause and fix."""


class _Initialise(distributed.WorkerPlugin):
    """Runs `initializer(*initargs)` once in each worker process (a process pool's initializer,
    on the cluster). The same call registered again (the next run) costs nothing: a worker
    keeps its loaded model."""

    def __init__(self, initializer: Callable[..., None], initargs: tuple) -> None:
        self.initializer = initializer
        self.initargs = initargs

    async def setup(self, worker: distributed.Worker) -> None:
        key = _plugin_name(self.initializer)
        if _applied.get(key) != self.initargs:
            # Off the worker's event loop: loading a model takes seconds, heartbeats go on.
            await asyncio.to_thread(self.initializer, *self.initargs)
            _applied[key] = self.initargs


# In a worker process: the arguments each initializer last ran with.
_applied: dict[str, tuple] = {}


def _plugin_name(initializer: Callable[..., None]) -> str:
    return f"{initializer.__module__}.{initializer.__qualname__}"


class Cluster:
    """A client connected to a Dask scheduler, and pools of its workers for the stages."""

    def __init__(self, client: distributed.Client, address: str) -> None:
        self.client = client
        self.address = address

    def workers(self) -> int:
        """The cluster's worker processes; waits for a first one."""
        try:
            self.client.wait_for_workers(1, timeout=WORKERS_TIMEOUT_S)
        except TimeoutError:
            raise ClusterUnavailable(
                f"the Dask scheduler at {self.address} has had no workers for {WORKERS_TIMEOUT_S} s: "
                f"start some (`dask worker {self.address} --nthreads 1`)") from None
        threads = self.client.nthreads()
        # A worker's tasks share its process's recogniser, which is not made for concurrent
        # calls; and the work holds the GIL, so more threads would not add throughput.
        crowded = sorted(worker for worker, n in threads.items() if n > 1)
        if crowded:
            raise ClusterUnavailable(
                f"the Dask workers {', '.join(crowded)} run several threads each: start them with "
                "`--nthreads 1` (and `--nworkers N` for N processes)")
        return len(threads)

    def pool(self, initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> Pool:
        """The cluster's workers, each having run `initializer(*initargs)` once."""
        workers = self.workers()
        if initializer is not None:
            self.client.register_plugin(_Initialise(initializer, initargs),
                                        name=_plugin_name(initializer))
        # pure=False: batches are not hashed, and no two tasks share a key.
        return Pool(self.client.get_executor(pure=False), workers,
                    f"Dask cluster at {self.address}, {workers} workers")

    def close(self) -> None:
        """Disconnect; the scheduler forgets the tasks of this client still queued."""
        self.client.close()


def connect(address: str, timeout_s: float = CONNECT_TIMEOUT_S) -> Cluster:
    """The cluster whose scheduler listens at `address`, or ClusterUnavailable within
    `timeout_s`."""
    try:
        client = distributed.Client(address, timeout=timeout_s, set_as_default=False)
    except (OSError, TimeoutError, ValueError):
        raise ClusterUnavailable(
            f"no Dask scheduler answers at {address} (waited {timeout_s:g} s): start one "
            f"(`dask scheduler`) or unset {DASK_SCHEDULER_ENV}") from None
    return Cluster(client, address)
