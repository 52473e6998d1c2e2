"""One pipeline run in its own process, so that its peak memory is its own.

    python -m news_pipeline.benchmark.child '{"raw_dir": ..., "warehouse_dir": ..., ...}'

Runs news_pipeline.runner.run_pipeline against the persistent Dagster instance in
$DAGSTER_HOME (set by the parent to a folder in the benchmark's work dir), then prints one
JSON line: run time, per-step times from Dagster's event log, getrusage peaks, and the peak
RSS and CPU seconds of this (the main) process during each step, sampled every 50 ms. CPU
seconds do not grow when other work competes for the cores, wall seconds do: on a shared
machine they compare runs more fairly (worker processes are not in them).
"""

from __future__ import annotations

import cProfile
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

_STEP_EVENTS = ("STEP_START", "STEP_SUCCESS", "STEP_FAILURE")
SAMPLE_EVERY_S = 0.05


def step_windows(run_id: str) -> dict[str, tuple[float, float]]:
    """(STEP_START, STEP_SUCCESS/FAILURE) timestamps of each step, from the event log."""
    import dagster as dg

    started: dict[str, float] = {}
    windows: dict[str, tuple[float, float]] = {}
    with dg.DagsterInstance.get() as instance:
        for entry in instance.all_logs(run_id):
            event = entry.dagster_event
            if event is None or event.event_type_value not in _STEP_EVENTS or not entry.step_key:
                continue
            if event.event_type_value == "STEP_START":
                started[entry.step_key] = entry.timestamp
            elif entry.step_key in started:
                windows[entry.step_key] = (started[entry.step_key], entry.timestamp)
    return windows


def step_seconds(windows: dict[str, tuple[float, float]]) -> dict[str, float]:
    return {step: round(end - start, 3) for step, (start, end) in windows.items()}


def cpu_s() -> float:
    """User + system CPU seconds of this process (all its threads) so far."""
    times = os.times()
    return times.user + times.system


class RssSampler(threading.Thread):
    """(time.time(), RSS in KiB, CPU seconds) of this process every SAMPLE_EVERY_S, in the
    background."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[tuple[float, int, float]] = []
        self._stop_event = threading.Event()
        self._page_kib = os.sysconf("SC_PAGE_SIZE") // 1024

    def run(self) -> None:
        while not self._stop_event.is_set():
            with open("/proc/self/statm", encoding="ascii") as handle:
                resident_pages = int(handle.read().split()[1])
            self.samples.append((time.time(), resident_pages * self._page_kib, cpu_s()))
            self._stop_event.wait(SAMPLE_EVERY_S)

    def stop(self) -> list[tuple[float, int, float]]:
        self._stop_event.set()
        self.join()
        return self.samples


def step_peak_rss_mb(windows: dict[str, tuple[float, float]],
                     samples: list[tuple[float, int, float]]) -> dict[str, float]:
    """The largest RSS sample of the main process inside each step's window (steps run in
    this process, one at a time: the in-process executor)."""
    peaks = {}
    for step, (start, end) in windows.items():
        inside = [kib for at, kib, _ in samples if start <= at <= end]
        if inside:
            peaks[step] = round(max(inside) / 1024, 1)
    return peaks


def step_cpu_s(windows: dict[str, tuple[float, float]],
               samples: list[tuple[float, int, float]]) -> dict[str, float]:
    """CPU seconds of the main process in each step: from the last sample before its start
    to the first after its end (so at most two sample periods of a neighbour's work more)."""
    spent = {}
    for step, (start, end) in windows.items():
        before = [cpu for at, _, cpu in samples if at <= start]
        after = [cpu for at, _, cpu in samples if at >= end]
        if before and after:
            spent[step] = round(after[0] - before[-1], 2)
    return spent


def open_instance() -> float:
    """Open the Dagster instance once before the clock starts, like the imports before it:
    Dagster imports its storage modules on first use (about half a second) and creates the
    databases of a new instance (about a second), a cost per process and per instance, not
    per article. Returns the seconds it took (reported beside the run's)."""
    import dagster as dg

    from news_pipeline.runner import ensure_dagster_home

    started = time.perf_counter()
    ensure_dagster_home()
    with dg.DagsterInstance.get():
        pass
    return time.perf_counter() - started


def _max_rss_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # ru_maxrss is in KiB on Linux


def main(argv: list[str]) -> int:
    args = json.loads(argv[0])
    from news_pipeline.runner import run_pipeline  # imported here: import time is not run time

    instance_open_s = open_instance()
    profiler = cProfile.Profile() if args.get("profile") else None
    sampler = RssSampler()
    sampler.start()
    cpu_started = cpu_s()
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    summary = run_pipeline(raw_dir=Path(args["raw_dir"]), warehouse_dir=Path(args["warehouse_dir"]),
                           ner_model=args["model"])
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args["profile"])
    run_s = time.perf_counter() - started
    run_cpu_s = cpu_s() - cpu_started
    samples = sampler.stop()
    windows = step_windows(summary.run_id)
    result = {
        "success": summary.success, "error": summary.error, "run_id": summary.run_id,
        "run_s": round(run_s, 3), "instance_open_s": round(instance_open_s, 3),
        "steps_s": step_seconds(windows),
        "steps_window": windows,
        "steps_peak_rss_main_mb": step_peak_rss_mb(windows, samples),
        "run_cpu_main_s": round(run_cpu_s, 2), "steps_cpu_main_s": step_cpu_s(windows, samples),
        # The kernel's high-water mark can lag the counters by a few pages behind a sample.
        "peak_rss_self_mb": max([_max_rss_mb(resource.RUSAGE_SELF),
                                 *(round(kib / 1024, 1) for _, kib, _ in samples)]),
        "peak_rss_children_mb": _max_rss_mb(resource.RUSAGE_CHILDREN),
        "assets": summary.assets,
    }
    print(json.dumps(result, default=str), flush=True)
    return 0 if summary.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
