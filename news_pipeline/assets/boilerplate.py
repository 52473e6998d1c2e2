"""Learnt per-source boilerplate: the small model cleaning uses, versioned and visible in the UI."""

import dagster as dg
import pandas as pd

from news_pipeline.assets.metadata import column_schema, markdown_preview
from news_pipeline.resources import WAREHOUSE_POOL, PipelinePaths, Processing
from news_pipeline.stages.boilerplate import LEARN_VERSION, learn_source_boilerplate

PREVIEW_SOURCES = 10
PREVIEW_LINES_PER_SOURCE = 5


def top_lines(table: pd.DataFrame, sources: int = PREVIEW_SOURCES,
              per_source: int = PREVIEW_LINES_PER_SOURCE) -> pd.DataFrame:
    """The most frequent learnt lines of the largest sources, for the preview."""
    biggest = (table.drop_duplicates("source")
               .nlargest(sources, "n_source_articles")["source"])
    rows = table[table["source"].isin(set(biggest))]
    rows = rows.sort_values(["n_source_articles", "source", "n_articles", "line"],
                            ascending=[False, True, False, True])
    return rows.groupby("source", sort=False).head(per_source)[
        ["source", "line", "n_articles", "n_source_articles"]]


@dg.asset(group_name="clean", code_version=LEARN_VERSION, kinds={"deltalake"}, pool=WAREHOUSE_POOL,
          deps=["raw_articles"])
def source_boilerplate(context: dg.AssetExecutionContext, paths: PipelinePaths,
                       processing: Processing) -> dg.MaterializeResult:
    """Lines that recur in many articles of one source (menus, footers, notices), learnt from
    the raw corpus; cleaning removes them. Only new or changed files are read."""
    warehouse = paths.warehouse()
    report = learn_source_boilerplate(warehouse, paths.raw_path, context.log, processing.n_process,
                                      processing.cluster())
    table = warehouse.read("source_boilerplate")
    lines_per_source = table.groupby("source").size().sort_values(ascending=False)
    return dg.MaterializeResult(metadata={
        **report.as_metadata(),
        "dagster/row_count": len(table),
        "dagster/column_schema": column_schema("source_boilerplate"),
        "path": dg.MetadataValue.path(warehouse.uri("source_boilerplate")),
        "lines_per_source": dg.MetadataValue.json(
            {source: int(n) for source, n in lines_per_source.items()}),
        "preview": dg.MetadataValue.md(markdown_preview(top_lines(table), rows=PREVIEW_SOURCES
                                                        * PREVIEW_LINES_PER_SOURCE)),
    })
