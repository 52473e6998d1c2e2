import dagster as dg

from news_pipeline.assets.metadata import stored_table_metadata
from news_pipeline.resources import WAREHOUSE_POOL, PipelinePaths
from news_pipeline.stages.quotes import LINK_VERSION, link_changed_quotes

PREVIEW_COLUMNS = ["article_id", "kind", "speaker", "cue", "text"]


@dg.asset(deps=["ner_spans", "mentions"], group_name="quotes", code_version=LINK_VERSION,
          kinds={"deltalake"}, pool=WAREHOUSE_POOL)
def quotes(context: dg.AssetExecutionContext, paths: PipelinePaths) -> dg.MaterializeResult:
    """Who said what: every quotation (direct, indirect, mixed) with its speaker as written
    and as a resolved entity. Found beside the NER spans; only articles whose quotations or
    mentions changed are linked again (metadata `skipped` when none did)."""
    warehouse = paths.warehouse()
    report = link_changed_quotes(warehouse, context.log)
    return dg.MaterializeResult(
        metadata=stored_table_metadata(warehouse, "quotes", PREVIEW_COLUMNS, report))
