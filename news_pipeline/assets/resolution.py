from collections.abc import Iterator

import dagster as dg

from news_pipeline.assets.metadata import table_metadata
from news_pipeline.resolve import RESOLVE_VERSION
from news_pipeline.resources import PipelinePaths
from news_pipeline.stages.resolution import resolve_all

_SPECS = {
    "mentions": "Every entity mention: article, entity, surface text, label, character offsets.",
    "entities": "One row per resolved entity with aliases, counts and links (ISO, GeoNames).",
    "cooccurrences": "Entity pairs mentioned in the same article / sentence.",
}


@dg.multi_asset(
    specs=[dg.AssetSpec(name, deps=["ner_spans"], group_name="resolve",
                        code_version=RESOLVE_VERSION, kinds={"parquet"}, description=text)
           for name, text in _SPECS.items()],
)
def resolved_entities(context: dg.AssetExecutionContext,
                      paths: PipelinePaths) -> Iterator[dg.MaterializeResult]:
    """Resolve spans across spellings and articles; write mentions, entities, co-occurrences."""
    warehouse = paths.warehouse()
    summary = resolve_all(warehouse)
    context.log.info(f"resolution: {summary}")
    for table in _SPECS:
        frame = warehouse.read(table)
        yield dg.MaterializeResult(asset_key=table, metadata={
            **table_metadata(table, frame, f"{paths.warehouse_dir}/{table}"), **summary})
