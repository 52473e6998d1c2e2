from collections.abc import Iterator

import dagster as dg

from news_pipeline.assets.metadata import markdown_preview, stored_table_metadata
from news_pipeline.resolve import RESOLVE_VERSION
from news_pipeline.resources import WAREHOUSE_POOL, PipelinePaths
from news_pipeline.stages.resolution import alias_problems, resolve_all
from news_pipeline.warehouse import SCHEMAS, read_table

_SPECS = {
    "mentions": "Every entity mention: article, entity, surface text, label, character offsets.",
    "entities": "One row per resolved entity with aliases, merge rules and links (ISO, GeoNames).",
    "cooccurrences": "Entity pairs mentioned in the same article / sentence.",
    "entity_aliases": "How each spelling joined its entity: alias, normalised key, rule, count.",
}


@dg.multi_asset(
    pool=WAREHOUSE_POOL,
    specs=[dg.AssetSpec(name, deps=["ner_spans"], group_name="resolve",
                        code_version=RESOLVE_VERSION, kinds={"deltalake"}, description=text)
           for name, text in _SPECS.items()],
    check_specs=[dg.AssetCheckSpec(
        "aliases_cover_entities", asset="entity_aliases",
        description="Every entity has at least one alias row and every alias row an entity.")],
)
def resolved_entities(context: dg.AssetExecutionContext,
                      paths: PipelinePaths) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """Resolve spans across spellings and articles; write mentions, entities, co-occurrences
    and the alias audit table. Only articles whose spans changed are resolved locally again;
    when none did, nothing is rewritten (metadata `skipped`)."""
    warehouse = paths.warehouse()
    report = resolve_all(warehouse, context.log)
    for table in _SPECS:
        # Counts and previews from the Parquet footers: an unchanged rerun reads no table.
        yield dg.MaterializeResult(asset_key=table, metadata=stored_table_metadata(
            warehouse, table, SCHEMAS[table].names, report))
    snapshot = warehouse.current("entities", "entity_aliases")
    problems = alias_problems(read_table(snapshot, "entities", ["entity_id"]),
                              read_table(snapshot, "entity_aliases", ["entity_id"]))
    yield dg.AssetCheckResult(
        asset_key="entity_aliases", check_name="aliases_cover_entities",
        passed=problems.empty,
        metadata={"offending_rows": len(problems),
                  "examples": dg.MetadataValue.md(markdown_preview(problems))})
