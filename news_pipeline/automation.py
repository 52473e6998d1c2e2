"""When runs happen: a daily schedule, a sensor that watches the raw folder, and weekly
warehouse maintenance (all stopped until switched on in the UI)."""

from __future__ import annotations

import dagster as dg

from news_pipeline import settings
from news_pipeline.assets.maintenance import warehouse_maintenance_job
from news_pipeline.resources import PipelinePaths
from news_pipeline.stages.ingest import (
    RawFolderError,
    fingerprint_raw_folder,
    recorded_folders,
    trusts_folders,
)

# The report is not part of every incremental run: redrawing its charts (importing
# matplotlib) costs more than a one-article run does. It follows the published tables on its
# own (an automation condition, when the daemon runs) or through its job.
news_pipeline_job = dg.define_asset_job(
    "news_pipeline_job", selection=dg.AssetSelection.all() - dg.AssetSelection.assets("entity_report"),
    description="Scan the raw folder, clean, recognise, resolve, publish (incremental).",
)

report_job = dg.define_asset_job(
    "entity_report_job", selection=dg.AssetSelection.assets("entity_report"),
    description="Redraw the charts whose data changed since they were drawn.",
)

daily_schedule = dg.ScheduleDefinition(
    name="daily_news_pipeline", job=news_pipeline_job, cron_schedule="0 6 * * *",
    execution_timezone="Europe/Berlin", default_status=dg.DefaultScheduleStatus.STOPPED,
)

weekly_maintenance_schedule = dg.ScheduleDefinition(
    name="weekly_warehouse_maintenance", job=warehouse_maintenance_job, cron_schedule="0 3 * * 0",
    execution_timezone="Europe/Berlin", default_status=dg.DefaultScheduleStatus.STOPPED,
)


@dg.sensor(job=news_pipeline_job, minimum_interval_seconds=60,
           default_status=dg.DefaultSensorStatus.STOPPED)
def raw_folder_sensor(context: dg.SensorEvaluationContext,
                      paths: PipelinePaths) -> dg.SensorResult | dg.SkipReason:
    """Requests a run when files in the raw folder are added, changed or removed (where the
    scan trusts folders, see NEWS_PIPELINE_RAW_SCAN: when a folder's status-change time
    changed)."""
    try:
        by_folders = trusts_folders(settings.raw_scan(), recorded_folders(paths.warehouse()))
        fingerprint = fingerprint_raw_folder(paths.raw_path, by_folders=by_folders)
    except RawFolderError as error:
        return dg.SkipReason(str(error))
    if fingerprint == context.cursor:
        return dg.SkipReason("no new, changed or deleted files in the raw folder")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=fingerprint)], cursor=fingerprint)
