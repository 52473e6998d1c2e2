"""Worker pools: workers do not outlive the process they work for."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

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
