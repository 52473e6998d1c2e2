from collections.abc import Iterator

import dagster as dg

from news_pipeline.assets.metadata import stored_table_metadata
from news_pipeline.clean import CLEAN_VERSION
from news_pipeline.resources import WAREHOUSE_POOL, PipelinePaths, Processing
from news_pipeline.stages.cleaning import clean_changed_articles

# The preview's columns: counts come from the Parquet footers and the preview from a few rows,
# so the text (most of the table's bytes) is not read back at every run.
METADATA_COLUMNS = {
    "articles": ["article_id", "source_path", "title", "published_at", "source", "n_chars",
                 "pipeline_version"],
    "rejected": ["article_id", "source_path", "reason", "detail", "pipeline_version"],
}


@dg.multi_asset(
    pool=WAREHOUSE_POOL,
    specs=[
        dg.AssetSpec("articles", deps=["raw_articles", "source_boilerplate"], group_name="clean",
                     code_version=CLEAN_VERSION, kinds={"deltalake"},
                     description="Cleaned article text with title, date, source and language."),
        dg.AssetSpec("rejected", deps=["raw_articles"], group_name="clean",
                     code_version=CLEAN_VERSION, kinds={"deltalake"},
                     description="Inputs that could not be processed, with the reason."),
    ],
)
def cleaned_articles(context: dg.AssetExecutionContext, paths: PipelinePaths,
                     processing: Processing) -> Iterator[dg.MaterializeResult]:
    """Decode and clean new or changed raw files; unusable ones go to `rejected`."""
    warehouse = paths.warehouse()
    report = clean_changed_articles(warehouse, paths.raw_path, context.log, processing.n_process,
                                    processing.cluster())
    for table, columns in METADATA_COLUMNS.items():
        yield dg.MaterializeResult(
            asset_key=table,
            metadata=stored_table_metadata(warehouse, table, columns, report),
        )
