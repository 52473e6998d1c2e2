"""Run the whole job through Dagster, recorded in the persistent instance the UI shows."""

from __future__ import annotations

import contextlib
import gc
import os
import socket
import threading
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

import dagster as dg
from dagster._utils.error import SerializableErrorInfo

from news_pipeline import settings
from news_pipeline.definitions import build_definitions
from news_pipeline.parallel import start_forkserver
from news_pipeline.resources import NerModel, PipelinePaths
from news_pipeline.stages.ingest import check_raw_folder
from news_pipeline.warehouse import Warehouse, is_url

# One warehouse-writing step at a time across runs (see resources.WAREHOUSE_POOL).
_INSTANCE_CONFIG = ("telemetry:\n  enabled: false\nnux:\n  enabled: false\n"
                    "concurrency:\n  pools:\n    default_limit: 1\n")
_COUNTS = ("new", "changed", "unchanged", "deleted", "rejected")
# Run tags naming the process and machine of a run started by `news-pipeline run`.
PID_TAG = "news_pipeline/pid"
HOST_TAG = "news_pipeline/host"
# Dagster's console logger prints every engine event at DEBUG; a CLI user wants progress.
_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


@dataclass
class RunSummary:
    run_id: str
    success: bool
    warehouse: str
    assets: dict[str, dict[str, object]] = field(default_factory=dict)
    checks: dict[str, bool] = field(default_factory=dict)
    error: str | None = None

    def render(self) -> str:
        lines = [f"run {self.run_id}: {'SUCCESS' if self.success else 'FAILURE'}"]
        for asset, metadata in self.assets.items():
            rows = metadata.get("dagster/row_count", "-")
            counts = ", ".join(f"{k} {metadata[k]}" for k in _COUNTS if k in metadata)
            lines.append(f"  {asset:<14} rows {rows:<7} {counts}")
        failed = sorted(name for name, passed in self.checks.items() if not passed)
        lines.append(f"  checks: {len(self.checks) - len(failed)}/{len(self.checks)} passed"
                     + (f"; FAILED: {', '.join(failed)}" if failed else ""))
        if self.error:
            lines.append(f"  error: {self.error}")
        how = (f"deltalake.DeltaTable('{self.warehouse}/<table>').to_pandas()"
               if is_url(self.warehouse) else f"pandas.read_parquet('{self.warehouse}/<table>')")
        lines.append(f"  dataset: {self.warehouse} ({how})")
        return "\n".join(lines)


def ensure_dagster_home() -> Path:
    home = settings.dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(_INSTANCE_CONFIG)
    return home


def run_pipeline(raw_dir: Path | None = None, warehouse_dir: str | os.PathLike | None = None,
                 ner_model: str | None = None, instance: dg.DagsterInstance | None = None,
                 report: bool = False) -> RunSummary:
    """Run `news_pipeline_job` and, with `report`, then `entity_report_job` (its own run)."""
    paths = PipelinePaths(raw_dir=str(raw_dir or settings.raw_dir()),
                          warehouse_dir=os.fspath(warehouse_dir or settings.warehouse_dir()))
    # Fail before starting a run on problems the user must fix (one-line causes).
    check_raw_folder(paths.raw_path)
    Warehouse(paths.warehouse_dir).validate()
    if settings.dask_scheduler() is not None:
        # The client's imports (distributed, about a second) on another core, while the run
        # starts: the first step that sends work finds them done.
        threading.Thread(target=_import_ahead, args=("news_pipeline.cluster",), daemon=True).start()
    elif settings.n_process() != 1:
        # About a second passes before the first step: the workers' imports fit in it.
        start_forkserver()
    definitions = build_definitions(paths, NerModel.from_environment(ner_model))
    job = definitions.resolve_job_def("news_pipeline_job")
    # What is alive now (Dagster, pandas, the definitions: about a million objects) lives as
    # long as the process: frozen, the collector stops traversing it in every full
    # collection the run's allocations trigger (GC time of a 1-article rerun at 10k in this
    # process 0.66 -> 0.39 s).
    gc.freeze()
    jobs = [job, definitions.resolve_job_def("entity_report_job")] if report else [job]
    if instance is None:
        ensure_dagster_home()
        with dg.DagsterInstance.get() as persistent:
            results = _execute_all(jobs, persistent)
    else:
        results = _execute_all(jobs, instance)
    return _summarise(results, paths.warehouse_dir)


def _import_ahead(module: str) -> None:
    """Import `module` now; an import error surfaces where the module is used."""
    with contextlib.suppress(ImportError):
        import_module(module)


def _execute_all(jobs: list[dg.JobDefinition],
                 instance: dg.DagsterInstance) -> list[dg.ExecuteInProcessResult]:
    """Each job in turn, as long as the ones before succeeded."""
    results = []
    for job in jobs:
        results.append(_execute(job, instance))
        if not results[-1].success:
            break
    return results


def _execute(job: dg.JobDefinition, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    release_dead_runs(instance)
    tags = {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}
    return job.execute_in_process(run_config=_RUN_CONFIG, instance=instance, tags=tags,
                                  raise_on_error=False)


def release_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark failed the runs this command started on this machine whose process is gone
    (killed, out of memory) and free the concurrency slots they held: without a daemon
    watching them, their slots would keep every later run waiting. Returns their ids."""
    released = []
    runs = instance.get_runs(filters=dg.RunsFilter(
        statuses=[dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED],
        tags={HOST_TAG: socket.gethostname()}))
    for run in runs:
        pid = run.tags.get(PID_TAG, "")
        if not pid.isdigit() or _alive(int(pid)):
            continue
        instance.report_run_failed(run, f"its process {pid} ended without finishing the run")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        released.append(run.run_id)
    return released


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _summarise(results: list[dg.ExecuteInProcessResult], warehouse: str) -> RunSummary:
    summary = RunSummary(results[0].run_id, all(r.success for r in results), warehouse)
    for result in results:
        for event in result.get_asset_materialization_events():
            materialization = event.event_specific_data.materialization
            summary.assets[materialization.asset_key.to_user_string()] = {
                key: value.value for key, value in materialization.metadata.items()
                if key in (*_COUNTS, "dagster/row_count")}
        for evaluation in result.get_asset_check_evaluations():
            summary.checks[evaluation.check_name] = evaluation.passed
        failures = [e for e in result.all_events if e.is_step_failure]
        if failures and summary.error is None:
            summary.error = _root_cause(failures[0].step_failure_data.error)
    return summary


def _root_cause(error: SerializableErrorInfo | None) -> str:
    """The message of the innermost exception: Dagster wraps the user's in its own."""
    if error is None:
        return "step failed"
    while error.cause is not None:
        error = error.cause
    lines = error.message.strip().splitlines()
    return lines[-1] if lines else error.cls_name or "step failed"
