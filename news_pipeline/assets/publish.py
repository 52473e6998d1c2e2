"""The end of a run: the tables' current versions become the ones readers see."""

import dagster as dg

from news_pipeline import settings
from news_pipeline.resources import WAREHOUSE_POOL, PipelinePaths
from news_pipeline.warehouse import is_url

TABLE_ASSETS = ["raw_articles", "source_boilerplate", "articles", "rejected", "ner_spans",
                "mentions", "entities", "cooccurrences", "entity_aliases", "quotes"]


PUBLISH_VERSION = "publish-1"


@dg.asset(deps=TABLE_ASSETS, group_name="publish", code_version=PUBLISH_VERSION, kinds={"deltalake"},
          pool=WAREHOUSE_POOL)
def published_dataset(context: dg.AssetExecutionContext, paths: PipelinePaths) -> dg.MaterializeResult:
    """Records the version of every table as that of the last completed run: what
    `news_pipeline.query.load_tables()`, the report and other consistent readers see, so that
    no reader sees half a run. Then, on a local warehouse, deletes the files no longer
    referenced (older than NEWS_PIPELINE_VACUUM_RETENTION_HOURS), so that plain
    `pandas.read_parquet` of a table folder reads exactly this version."""
    warehouse = paths.warehouse()
    snapshot = warehouse.publish(context.run_id)
    # Every table, written by this run or not: a killed writer's files, in no version, are
    # in table folders that plain pandas reads.
    removed = ({} if is_url(warehouse.location)
               else warehouse.vacuum(settings.vacuum_retention_hours()))
    context.log.info(f"published table versions of run {context.run_id}: {dict(snapshot.versions)}")
    return dg.MaterializeResult(metadata={
        "versions": dg.MetadataValue.json(dict(snapshot.versions)),
        "files_vacuumed": sum(removed.values()),
        "path": dg.MetadataValue.path(warehouse.root),
    })
