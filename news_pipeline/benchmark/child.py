"""One pipeline run in its own process, so that its peak memory is its own.

    python -m news_pipeline.benchmark.child '{"raw_dir": ..., "warehouse_dir": ..., ...}'

Runs news_pipeline.runner.run_pipeline against the persistent Dagster instance in
$DAGSTER_HOME (set by the parent to a folder in the benchmark's work dir), then prints one
JSON line: run time, per-step times from Dagster's event log, and getrusage peaks.
"""

from __future__ import annotations

import cProfile
import json
import resource
import sys
import time
from pathlib import Path

_STEP_EVENTS = ("STEP_START", "STEP_SUCCESS", "STEP_FAILURE")


def step_seconds(run_id: str) -> dict[str, float]:
    """Seconds from STEP_START to STEP_SUCCESS/FAILURE of each step, from the event log."""
    import dagster as dg

    started: dict[str, float] = {}
    seconds: dict[str, float] = {}
    with dg.DagsterInstance.get() as instance:
        for entry in instance.all_logs(run_id):
            event = entry.dagster_event
            if event is None or event.event_type_value not in _STEP_EVENTS or not entry.step_key:
                continue
            if event.event_type_value == "STEP_START":
                started[entry.step_key] = entry.timestamp
            elif entry.step_key in started:
                seconds[entry.step_key] = round(entry.timestamp - started[entry.step_key], 3)
    return seconds


def _max_rss_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # ru_maxrss is in KiB on Linux


def main(argv: list[str]) -> int:
    args = json.loads(argv[0])
    from news_pipeline.runner import run_pipeline  # imported here: import time is not run time

    profiler = cProfile.Profile() if args.get("profile") else None
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    summary = run_pipeline(raw_dir=Path(args["raw_dir"]), warehouse_dir=Path(args["warehouse_dir"]),
                           ner_model=args["model"])
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args["profile"])
    run_s = time.perf_counter() - started
    result = {
        "success": summary.success, "error": summary.error, "run_id": summary.run_id,
        "run_s": round(run_s, 3), "steps_s": step_seconds(summary.run_id),
        "peak_rss_self_mb": _max_rss_mb(resource.RUSAGE_SELF),
        "peak_rss_children_mb": _max_rss_mb(resource.RUSAGE_CHILDREN),
        "assets": summary.assets,
    }
    print(json.dumps(result, default=str), flush=True)
    return 0 if summary.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
