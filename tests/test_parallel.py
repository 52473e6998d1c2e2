"""Worker pools: workers do not outlive the process they work for; ordered_map streams."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future

import pytest

OWNER = """
import os, sys, time
from news_pipeline.parallel import process_pool
with process_pool(1) as pool:
    print(pool.submit(os.getpid).result(), flush=True)
    time.sleep(60)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ")[1][0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_exit_when_their_owner_is_killed() -> None:
    owner = subprocess.Popen([sys.executable, "-c", OWNER], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(owner.stdout.readline())
        assert _alive(worker)
        os.kill(owner.pid, signal.SIGKILL)
        owner.wait()
        deadline = time.monotonic() + 10
        while _alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(worker), "the worker outlived the killed run"
    finally:
        owner.kill()


STARTER = """
import os, sys
from news_pipeline import parallel
from news_pipeline.stages import recognition  # noqa: F401  (registers the NER modules)
parallel.start_forkserver()
print(os.getpid(), flush=True)
sys.stdin.read()
"""


def _children_cmdlines(pid: int) -> list[str]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as stat:
                parent = int(stat.read().split(") ")[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if parent == pid:
            found.append(command)
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="starts only with a second core")
def test_the_forkserver_starts_at_once_with_the_workers_modules() -> None:
    """A run starts the forkserver before its first step, with every module the workers
    registered, so the first pool does not wait for those imports."""
    owner = subprocess.Popen([sys.executable, "-c", STARTER], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        pid = int(owner.stdout.readline())
        servers = [c for c in _children_cmdlines(pid) if "multiprocessing.forkserver" in c]
        assert len(servers) == 1
        assert "news_pipeline.ner.hybrid" in servers[0]
        assert "news_pipeline.parallel" in servers[0]
    finally:
        owner.kill()
        owner.wait()


class _InlineExecutor:
    """An executor that runs each task at once, counting them (for ordered_map's queueing)."""

    def __init__(self) -> None:
        self.submitted = 0
        self.pending: list = []

    def submit(self, function: Callable[..., object], *args: object) -> Future:
        self.submitted += 1
        future: Future = Future()
        future.set_result(function(*args))
        self.pending.append(future)
        return future


def test_ordered_map_streams_with_a_bounded_number_of_tasks_ahead() -> None:
    from news_pipeline.parallel import MAP_AHEAD_TASKS, TASK_SIZE, Pool, ordered_map

    total = (MAP_AHEAD_TASKS * 3 + 1) * TASK_SIZE + 5
    taken = []
    items = (taken.append(i) or i for i in range(total))
    executor = _InlineExecutor()
    results = ordered_map(Pool(executor, 1, "inline"), abs, items)  # type: ignore[arg-type]
    assert next(results) == 0
    # Queued ahead, not all at once: items are taken from the input only as far as that.
    assert executor.submitted == MAP_AHEAD_TASKS
    assert len(taken) == MAP_AHEAD_TASKS * TASK_SIZE
    # Taken in two parts, as a stage does over its commits, the results are map()'s.
    first = [next(results) for _ in range(TASK_SIZE * 2)]
    assert [0, *first, *results] == list(range(total))
    assert executor.submitted == -(-total // TASK_SIZE)


def test_ordered_map_cancels_what_it_queued_when_the_caller_stops() -> None:
    from news_pipeline.parallel import Pool, ordered_map

    class Deferred(_InlineExecutor):
        """Runs only the first task: the others stay queued."""

        def submit(self, function: Callable[..., object], *args: object) -> Future:
            self.submitted += 1
            future: Future = Future()
            if self.submitted == 1:
                future.set_result(function(*args))
            self.pending.append(future)
            return future

    executor = Deferred()
    results = ordered_map(Pool(executor, 1, "inline"), abs, range(10_000))  # type: ignore[arg-type]
    next(results)
    results.close()
    assert executor.submitted > 1
    assert all(future.cancelled() for future in executor.pending[1:])
