"""The one Definitions object: assets, checks, job, schedule, sensor and resources."""

import dagster as dg

from news_pipeline.assets import ASSETS, CHECKS
from news_pipeline.automation import (
    daily_schedule,
    news_pipeline_job,
    raw_folder_sensor,
    report_job,
    warehouse_maintenance_job,
    weekly_maintenance_schedule,
)
from news_pipeline.resources import NerModel, PipelinePaths, Processing


def build_definitions(paths: PipelinePaths | None = None, ner: NerModel | None = None,
                      processing: Processing | None = None) -> dg.Definitions:
    """Definitions against the given resources (default: from the environment)."""
    return dg.Definitions(
        assets=ASSETS,  # in pipeline order (news_pipeline/assets/__init__.py)
        asset_checks=CHECKS,
        jobs=[news_pipeline_job, report_job, warehouse_maintenance_job],
        schedules=[daily_schedule, weekly_maintenance_schedule],
        sensors=[raw_folder_sensor],
        # The stages parallelise inside a step (a process pool) and take turns on the
        # warehouse, so a process per step would only add start-up time (seconds per step).
        executor=dg.in_process_executor,
        resources={"paths": paths or PipelinePaths.from_environment(),
                   "ner": ner or NerModel.from_environment(),
                   "processing": processing or Processing.from_environment()},
    )


defs = build_definitions()
