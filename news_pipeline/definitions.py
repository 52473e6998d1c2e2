"""The one Definitions object: assets, checks, job, schedule, sensor and resources."""

import dagster as dg

from news_pipeline.assets.checks import ALL_CHECKS
from news_pipeline.assets.cleaning import cleaned_articles
from news_pipeline.assets.ingest import raw_articles
from news_pipeline.assets.recognition import ner_spans
from news_pipeline.assets.reports import entity_report
from news_pipeline.assets.resolution import resolved_entities
from news_pipeline.automation import daily_schedule, news_pipeline_job, raw_folder_sensor
from news_pipeline.resources import NerModel, PipelinePaths, Processing

ALL_ASSETS = [raw_articles, cleaned_articles, ner_spans, resolved_entities, entity_report]


def build_definitions(paths: PipelinePaths | None = None, ner: NerModel | None = None,
                      processing: Processing | None = None) -> dg.Definitions:
    """Definitions against the given resources (default: from the environment)."""
    return dg.Definitions(
        assets=ALL_ASSETS,
        asset_checks=ALL_CHECKS,
        jobs=[news_pipeline_job],
        schedules=[daily_schedule],
        sensors=[raw_folder_sensor],
        # The stages parallelise inside a step (a process pool) and serialise on the warehouse
        # lock, so a process per step would only add start-up time (seconds per step).
        executor=dg.in_process_executor,
        resources={"paths": paths or PipelinePaths.from_environment(),
                   "ner": ner or NerModel.from_environment(),
                   "processing": processing or Processing.from_environment()},
    )


defs = build_definitions()
