from collections.abc import Iterator

import dagster as dg

from news_pipeline.assets.metadata import table_metadata
from news_pipeline.clean import CLEAN_VERSION
from news_pipeline.resources import PipelinePaths, Processing
from news_pipeline.stages.cleaning import clean_changed_articles


@dg.multi_asset(
    specs=[
        dg.AssetSpec("articles", deps=["raw_articles"], group_name="clean",
                     code_version=CLEAN_VERSION, kinds={"parquet"},
                     description="Cleaned article text with title, date, source and language."),
        dg.AssetSpec("rejected", deps=["raw_articles"], group_name="clean",
                     code_version=CLEAN_VERSION, kinds={"parquet"},
                     description="Inputs that could not be processed, with the reason."),
    ],
)
def cleaned_articles(context: dg.AssetExecutionContext, paths: PipelinePaths,
                     processing: Processing) -> Iterator[dg.MaterializeResult]:
    """Decode and clean new or changed raw files; unusable ones go to `rejected`."""
    warehouse = paths.warehouse()
    report = clean_changed_articles(warehouse, paths.raw_path, context.log, processing.n_process)
    for table in ("articles", "rejected"):
        frame = warehouse.read(table)
        yield dg.MaterializeResult(
            asset_key=table,
            metadata=table_metadata(table, frame.drop(columns=["text"], errors="ignore"),
                                    f"{paths.warehouse_dir}/{table}", report),
        )
