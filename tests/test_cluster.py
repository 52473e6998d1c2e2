"""Per-article work on a real Dask cluster: a `dask scheduler` and two `dask worker` processes
on 127.0.0.1 (separate processes talking TCP), the warehouse on a moto S3 server. The tables
equal a local run's, a rerun after adding one article sends that one article to the cluster,
a worker killed mid-run changes nothing, and a stopped or killed client leaves no tasks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from news_pipeline.benchmark.scale import write_short_corpus
from news_pipeline.definitions import build_definitions
from news_pipeline.resources import NerModel, PipelinePaths, Processing
from news_pipeline.warehouse import SCHEMAS, Warehouse
from tests.servers import free_port, materialised, wait_for_port

distributed = pytest.importorskip("distributed", reason="the cluster tests need the cluster extra")

pytestmark = [pytest.mark.cluster, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
BENCH_ARTICLES = 300
# When a row was written, not what it holds: differs between any two runs.
RUN_TIME_COLUMNS = {"processed_at", "rejected_at"}
# When each run listed the raw folder (a folder changed just before is recorded untrusted).
RUN_TIME_TABLES = {"_raw_folders"}
# The stages whose per-article work goes to the cluster.
CLUSTER_STAGES = ("source_boilerplate", "articles", "ner_spans")
# Invented sentences naming entities the tiny test model knows.
SOURCES = [[f"Die Meldung {n} betrifft {a} und sorgt für Diskussionen.",
            f"Nach Angaben aus {b} wurde am Montag über die Lage beraten.",
            f"Beobachter in {c} sprachen von einem wichtigen Schritt für die Region.",
            f"Weitere Gespräche sollen im kommenden Monat folgen, hieß es in Bericht {n}."]
           for n, (a, b, c) in enumerate([("Putin", "Russland", "Kreml"),
                                          ("Nordkorea", "Pjöngjang", "NATO"),
                                          ("Ukraine", "Russland", "NATO"),
                                          ("Wladimir Putin", "Kreml", "Ukraine")])]


@contextmanager
def dask_cluster(logs: Path, n_workers: int = 2) -> Iterator[tuple[str, list[subprocess.Popen]]]:
    """A scheduler and `n_workers` single-thread workers, each its own process group (a
    worker's nanny and its process die together); skipped if they do not start."""
    logs.mkdir(parents=True, exist_ok=True)
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    # The workers import this checkout's news_pipeline, whatever the working directory.
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def start(name: str, *args: str) -> subprocess.Popen:
        with (logs / f"{name}.log").open("w") as log:
            return subprocess.Popen([sys.executable, "-m", "dask", *args, "--no-dashboard"],
                                    stdout=log, stderr=subprocess.STDOUT, env=env,
                                    start_new_session=True)

    processes = [start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port))]
    try:
        wait_for_port(port, processes[0], logs / "scheduler.log", "the Dask scheduler")
        workers = [start(f"worker{i}", "worker", address, "--nworkers", "1", "--nthreads", "1",
                         "--host", "127.0.0.1", "--name", f"worker{i}") for i in range(n_workers)]
        processes += workers
        with distributed.Client(address, timeout=10) as client:
            try:
                client.wait_for_workers(n_workers, timeout=60)
            except TimeoutError:
                pytest.skip(f"the Dask workers did not start: {(logs / 'worker0.log').read_text()[-500:]}")
        yield address, workers
    finally:
        for process in processes:
            stop(process)


def stop(process: subprocess.Popen, how: signal.Signals = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, how)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def scheduler_state(address: str) -> tuple[int, int, int]:
    """(tasks the scheduler holds now, tasks it has finished since it started, clients
    connected besides the one asking)."""
    def state(dask_scheduler: distributed.Scheduler) -> tuple[int, int, int]:
        finished = sum(prefix.state_counts["memory"]
                       for prefix in dask_scheduler.task_prefixes.values())
        clients = [name for name in dask_scheduler.clients if name != "fire-and-forget"]
        return len(dask_scheduler.tasks), finished, len(clients) - 1

    with distributed.Client(address, timeout=10) as client:
        return client.run_on_scheduler(state)


def run(raw_dir: Path, warehouse: str, model: str, scheduler: str | None,
        instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    paths = PipelinePaths(raw_dir=str(raw_dir), warehouse_dir=warehouse,
                          reports_dir=str(raw_dir.parent / "reports"))
    job = build_definitions(paths, NerModel(model=model, warm_start=False),
                            Processing(n_process=1, dask_scheduler=scheduler)
                            ).resolve_job_def("news_pipeline_job")
    result = job.execute_in_process(instance=instance, raise_on_error=False)
    assert result.success
    return result


def tables(warehouse: str) -> dict[str, pd.DataFrame]:
    """Every table's rows in a canonical order, without the times the rows were written."""
    store = Warehouse(warehouse)
    found = {}
    for table in SCHEMAS.keys() - RUN_TIME_TABLES:
        frame = store.read(table)
        frame = frame.drop(columns=[c for c in frame.columns if c in RUN_TIME_COLUMNS])
        keys = [c for c in frame.columns
                if not frame[c].map(lambda v: isinstance(v, (list, dict)) or hasattr(v, "shape")).any()]
        found[table] = frame.sort_values(keys).reset_index(drop=True)
    return found


def assert_same_tables(left: str, right: str) -> None:
    expected = tables(right)
    for table, frame in tables(left).items():
        pd.testing.assert_frame_equal(frame, expected[table], obj=table)


def cluster_articles(result: dg.ExecuteInProcessResult) -> dict[str, object]:
    return {stage: materialised(result, stage)["cluster_articles"] for stage in CLUSTER_STAGES}


@pytest.fixture
def corpus(raw_dir: Path) -> Path:
    """The sample articles and BENCH_ARTICLES short generated ones."""
    write_short_corpus(raw_dir / "bench", 0, BENCH_ARTICLES, SOURCES, seed=0)
    return raw_dir


def test_cluster_run_on_s3_equals_a_local_run_and_reruns_one_article(
        corpus: Path, s3_environment: str, tiny_model: str, tmp_path: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    local = str(tmp_path / "local")
    with dask_cluster(tmp_path / "dask") as (address, _):
        first = run(corpus, s3_environment, tiny_model, address, instance)
        n_articles = BENCH_ARTICLES + 5
        assert cluster_articles(first) == dict.fromkeys(CLUSTER_STAGES, n_articles)
        run(corpus, local, tiny_model, None, instance)
        assert_same_tables(s3_environment, local)
        assert len(Warehouse(local).read("articles")) > BENCH_ARTICLES

        write_short_corpus(corpus / "bench", BENCH_ARTICLES, BENCH_ARTICLES + 1, SOURCES, seed=0)
        _, finished_before, _ = scheduler_state(address)
        again = run(corpus, s3_environment, tiny_model, address, instance)
        held, finished_after, clients = scheduler_state(address)
        # One article: one task (of one article) per stage; the run's client is gone, and
        # nothing is left on the scheduler.
        assert cluster_articles(again) == dict.fromkeys(CLUSTER_STAGES, 1)
        assert finished_after - finished_before == len(CLUSTER_STAGES)
        assert (held, clients) == (0, 0)
        run(corpus, local, tiny_model, None, instance)
        assert_same_tables(s3_environment, local)


def test_a_worker_killed_mid_run_changes_nothing(corpus: Path, tiny_model: str,
                                                 tmp_path: Path) -> None:
    instance = dg.DagsterInstance.ephemeral()
    local, clustered = str(tmp_path / "local"), str(tmp_path / "clustered")
    run(corpus, local, tiny_model, None, instance)
    with dask_cluster(tmp_path / "dask") as (address, workers):
        killed = threading.Event()

        def kill_after_first_tasks() -> None:
            # A few tasks done, most of the run still to come: the worker may hold results
            # not yet fetched and is computing the next; the scheduler redoes both elsewhere.
            deadline = time.monotonic() + 120
            while scheduler_state(address)[1] < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            stop(workers[1], signal.SIGKILL)
            killed.set()

        killer = threading.Thread(target=kill_after_first_tasks)
        killer.start()
        run(corpus, clustered, tiny_model, address, instance)
        killer.join()
        assert killed.is_set() and workers[1].poll() is not None
    assert_same_tables(clustered, local)


def test_a_stopped_stream_and_a_killed_client_leave_no_tasks(tmp_path: Path) -> None:
    from news_pipeline.cluster import connect
    from news_pipeline.parallel import ordered_map

    with dask_cluster(tmp_path / "dask") as (address, _):
        cluster = connect(address)
        try:
            results = ordered_map(cluster.pool(), time.sleep, [0.05] * 10_000)
            next(results)
            results.close()  # the caller stops (an error, a cancelled run): queued tasks go
        finally:
            cluster.close()
        assert _eventually_no_tasks(address)

        # A killed step: its connection goes, and the scheduler drops its tasks.
        client = subprocess.Popen([sys.executable, "-c", (
            "import sys, time, distributed\n"
            f"client = distributed.Client({address!r})\n"
            "futures = client.map(time.sleep, [0.05] * 10_000, pure=False)\n"
            "print('submitted', flush=True)\n"
            "time.sleep(600)\n")], stdout=subprocess.PIPE, text=True, start_new_session=True)
        assert client.stdout is not None and client.stdout.readline().strip() == "submitted"
        stop(client, signal.SIGKILL)
        assert _eventually_no_tasks(address)


def _eventually_no_tasks(address: str, timeout_s: float = 20) -> bool:
    deadline = time.monotonic() + timeout_s
    while scheduler_state(address)[0] and time.monotonic() < deadline:
        time.sleep(0.2)
    return scheduler_state(address)[0] == 0


def test_an_unreachable_scheduler_fails_within_seconds_with_the_fix() -> None:
    from news_pipeline.cluster import ClusterUnavailable, connect

    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    started = time.monotonic()
    with pytest.raises(ClusterUnavailable) as error:
        connect(address, timeout_s=2)
    assert time.monotonic() - started < 10
    message = str(error.value)
    assert "\n" not in message and address in message
    assert "dask scheduler" in message and "NEWS_PIPELINE_DASK_SCHEDULER" in message
