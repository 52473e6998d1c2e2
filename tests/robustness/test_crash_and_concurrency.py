"""SIGKILL a running pipeline at random moments; run two at once. Nothing is ever lost or
duplicated, and the dataset always converges to that of an uninterrupted run."""

from __future__ import annotations

import contextlib
import itertools
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.robustness.corpus import write_corpus
from tests.robustness.harness import (
    assert_consistent,
    assert_same_dataset,
    pipeline_command,
    read_tables,
    start_pipeline,
)

N_ARTICLES = 200
KILLS = 20
# Small commits, so kills land between commits of one step as well as between steps.
COMMIT_EVERY = "20"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    write_corpus(tmp_path / "raw", N_ARTICLES)
    return tmp_path / "raw"


def run_to_completion(raw: Path, warehouse: Path, home: Path, model: str) -> float:
    command, env = pipeline_command(raw, warehouse, home, model, NEWS_PIPELINE_COMMIT_EVERY=COMMIT_EVERY)
    started = time.monotonic()
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr[-3000:]
    return time.monotonic() - started


@pytest.mark.slow
def test_sigkill_at_random_points_never_corrupts_and_rerun_converges(
        corpus: Path, tmp_path: Path, tiny_model: str) -> None:
    reference_dir = tmp_path / "reference"
    run_to_completion(corpus, reference_dir, tmp_path / "home", tiny_model)
    reference = read_tables(reference_dir)
    assert len(reference["articles"]) == N_ARTICLES and not reference["mentions"].empty
    # The kills are spread over the time of a run like each generation's first: a fresh
    # warehouse, an instance that exists (creating its databases made the run above longer,
    # and kills timed by it landed after the end too often).
    full_run_s = run_to_completion(corpus, tmp_path / "timed", tmp_path / "home", tiny_model)

    rng = random.Random(2024)
    # Each run resumes what the killed one left; once one finishes before its kill, the next
    # starts on a fresh warehouse so that later kills still land in the middle of work.
    generation, interrupted = 0, 0
    warehouse = tmp_path / "killed-0"
    for _ in range(KILLS):
        process = start_pipeline(corpus, warehouse, tmp_path / "home", tiny_model,
                                 NEWS_PIPELINE_COMMIT_EVERY=COMMIT_EVERY)
        # A resumed run has less to do than the timed one: kills late in the window would
        # mostly find it finished.
        time.sleep(rng.uniform(0.05, 0.85) * full_run_s)
        finished_before_kill = process.poll() == 0
        with contextlib.suppress(ProcessLookupError):  # the whole group may have exited
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        tables = read_tables(warehouse)
        assert_consistent(tables, reference)
        if finished_before_kill:
            assert_same_dataset(tables, reference)
            generation += 1
            warehouse = tmp_path / f"killed-{generation}"
        else:
            interrupted += 1
    print(f"crash test: {KILLS} SIGKILLs over {full_run_s:.1f} s runs, {interrupted} mid-run, "
          f"{generation} runs finished first")
    assert interrupted >= KILLS // 2, f"only {interrupted} of {KILLS} kills hit a running pipeline"

    run_to_completion(corpus, warehouse, tmp_path / "home", tiny_model)
    assert_same_dataset(read_tables(warehouse), reference)


def pool_step_windows(home: Path) -> list[tuple[str, float, float]]:
    """(run id, start, end) of every step of the warehouse pool in the instance at `home`."""
    import dagster as dg

    from news_pipeline.resources import WAREHOUSE_POOL

    windows = []
    with dg.DagsterInstance.from_config(str(home)) as instance:
        for run in instance.get_runs():
            starts: dict[str, float] = {}
            for entry in instance.all_logs(run.run_id):
                event = entry.dagster_event
                if event is None or event.step_key is None:
                    continue
                if event.event_type == dg.DagsterEventType.STEP_START:
                    starts[event.step_key] = entry.timestamp
                elif event.event_type == dg.DagsterEventType.STEP_SUCCESS:
                    windows.append((run.run_id, event.step_key, starts[event.step_key],
                                    entry.timestamp))
    pool_steps = {"raw_articles", "source_boilerplate", "cleaned_articles", "ner_spans",
                  "resolved_entities", "published_dataset"}
    assert WAREHOUSE_POOL
    return [(run_id, start, end) for run_id, step, start, end in windows if step in pool_steps]


@pytest.mark.slow
def test_two_runs_at_once_take_turns_on_the_warehouse(corpus: Path, tmp_path: Path,
                                                      tiny_model: str) -> None:
    """Two runs of one Dagster instance: the steps that write the warehouse never overlap
    (its concurrency pool), both succeed, and the dataset is that of one run."""
    reference_dir = tmp_path / "reference"
    run_to_completion(corpus, reference_dir, tmp_path / "home-ref", tiny_model)
    warehouse, home = tmp_path / "shared", tmp_path / "home"
    run_to_completion(corpus, tmp_path / "first", home, tiny_model)  # creates the instance
    runs = [start_pipeline(corpus, warehouse, home, tiny_model) for _ in range(2)]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err[-2000:] for _, err in outputs]
    tables = read_tables(warehouse)
    assert_consistent(tables)
    assert_same_dataset(tables, read_tables(reference_dir))
    windows = sorted(pool_step_windows(home), key=lambda w: w[1])
    for (run_a, _, end_a), (run_b, start_b, _) in itertools.pairwise(windows):
        assert start_b >= end_a - 0.01 or run_a == run_b, "two runs wrote the warehouse at once"
