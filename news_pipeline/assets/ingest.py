import dagster as dg

from news_pipeline.assets.metadata import table_metadata
from news_pipeline.resources import PipelinePaths
from news_pipeline.stages.ingest import SCAN_VERSION, scan_raw_folder


@dg.asset(group_name="ingest", code_version=SCAN_VERSION, kinds={"parquet"})
def raw_articles(context: dg.AssetExecutionContext, paths: PipelinePaths) -> dg.MaterializeResult:
    """Inventory of the raw folder: one row per file with size, mtime and content hash."""
    warehouse = paths.warehouse()
    report = scan_raw_folder(warehouse, paths.raw_path)
    inventory = warehouse.read("_inventory")
    context.log.info(f"raw folder {paths.raw_dir}: {report.as_metadata()}")
    return dg.MaterializeResult(metadata={
        **table_metadata("_inventory", inventory, f"{paths.warehouse_dir}/_inventory", report),
        "raw_dir": dg.MetadataValue.path(paths.raw_dir),
    })
