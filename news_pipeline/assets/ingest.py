import dagster as dg

from news_pipeline import settings
from news_pipeline.assets.metadata import stored_table_metadata
from news_pipeline.resources import WAREHOUSE_POOL, PipelinePaths
from news_pipeline.stages.ingest import SCAN_VERSION, scan_raw_folder

PREVIEW_COLUMNS = ["article_id", "source_path", "size", "mtime_ns", "content_sha256", "error"]


class RawScanConfig(dg.Config):
    """`scan`: "files" stats every file; "folders" lists only the folders whose entries
    changed since the last scan (archives whose articles appear whole), and each other
    folder once per $NEWS_PIPELINE_RAW_RECHECK_HOURS; "auto" is "files" below 100,000 files,
    "folders" from there on. Default: $NEWS_PIPELINE_RAW_SCAN, else "auto"."""

    scan: settings.RawScan = settings.raw_scan()


@dg.asset(group_name="ingest", code_version=SCAN_VERSION, kinds={"deltalake"}, pool=WAREHOUSE_POOL)
def raw_articles(context: dg.AssetExecutionContext, config: RawScanConfig,
                 paths: PipelinePaths) -> dg.MaterializeResult:
    """Inventory of the raw folder: one row per file with size, mtime and content hash."""
    warehouse = paths.warehouse()
    report = scan_raw_folder(warehouse, paths.raw_path, config.scan, settings.raw_recheck_hours())
    context.log.info(f"raw folder {paths.raw_dir}: {report.as_metadata()}")
    return dg.MaterializeResult(metadata={
        **stored_table_metadata(warehouse, "_inventory", PREVIEW_COLUMNS, report),
        "raw_dir": dg.MetadataValue.path(paths.raw_dir),
        "scan_setting": config.scan,
    })
